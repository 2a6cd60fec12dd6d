"""The model store against a fake hub on 127.0.0.1: download, verify, resume, failures.

Downloads run ``samantha models download`` in a subprocess, because the package switches
the hub off at import and huggingface_hub reads ``HF_ENDPOINT`` at import. The subprocess
points at its own catalog (``SAMANTHA_CATALOG``), models dir and HF_HOME, and refuses any
connection beyond this machine (offline_guard); the fake hub records what it was asked.

A cut-off download continues from the bytes already in its ``.part`` file with
``Range: bytes=N-``: within the run (up to 5 attempts in a row without new bytes) and in
the next run after one that gave up.
"""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
from pathlib import Path

import offline_guard
import pytest
from fake_hub import FakeHub

from samantha.errors import SamanthaError
from samantha.models import store

REV = hashlib.sha1(b"test revision").hexdigest()
CHUNK = 10 * 1024 * 1024
BIG = "big-Q4_K_M.gguf"
ONNX = "en/en_GB/test_voice/medium/en_GB-test_voice-medium.onnx"
MODELS = {  # name: (engine, repo, {path: size})
    "tiny-stt": ("stt", "test-org/tiny-whisper",
                 {"config.json": 2_000, "model.bin": 300_000, "vocabulary.txt": 40_000}),
    "tiny-voice": ("voice", "test-org/voices", {ONNX: 200_000, f"{ONNX}.json": 1_500}),
    "big-llm": ("llm", "test-org/big-gguf", {BIG: 2 * CHUNK + 12_345}),  # big enough to be cut mid-way
    "tiny-turn": ("turn", "test-org/turn", {"turn.onnx": 1_000}),
}



@pytest.fixture(scope="module")
def blobs() -> dict[str, bytes]:
    rng = random.Random(1234)
    return {path: rng.randbytes(size) for _, _, files in MODELS.values() for path, size in files.items()}


@pytest.fixture
def catalog(tmp_path, blobs) -> Path:
    lines = []
    for name, (engine, repo, files) in MODELS.items():
        lines += [f'["{name}"]', f'engine = "{engine}"', f'repo = "{repo}"', f'revision = "{REV}"',
                  'license = "test"', f'description = "{name} for tests"', "files = ["]
        lines += [f'  {{ path = "{p}", sha256 = "{hashlib.sha256(blobs[p]).hexdigest()}", size = {len(blobs[p])} }},'
                  for p in files]
        lines += ["]", ""]
    path = tmp_path / "catalog.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def hub_files(blobs) -> dict[tuple[str, str, str], bytes]:
    return {(repo, REV, p): blobs[p] for _, repo, files in MODELS.values() for p in files}


@pytest.fixture
def env(tmp_path, catalog, cli_env) -> dict[str, str]:
    env = {k: v for k, v in cli_env.items()
           if not k.upper().startswith(("HF_", "HUGGING")) and "PROXY" not in k.upper()}
    env.update(SAMANTHA_CATALOG=str(catalog), HF_HOME=str(tmp_path / "hf-home"), HF_HUB_OFFLINE="1",
               NO_PROXY="127.0.0.1", COLUMNS="400")
    return env


@pytest.fixture
def models(env) -> Path:
    return Path(env["SAMANTHA_MODELS_DIR"])


def samantha(hub: FakeHub, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    seen = len(hub.requests)
    result = subprocess.run([sys.executable, "-m", "samantha", *args], env={**env, "HF_ENDPOINT": hub.url},
                            capture_output=True, text=True, timeout=120)
    assert offline_guard.MESSAGE not in result.stderr, result.stderr  # the guard is on via PYTHONPATH
    for request in hub.requests[seen:]:  # only the fake hub was asked, and only for model files
        assert request.host.startswith("127.0.0.1:") and request.server in ("hub", "cdn"), request
        assert request.path in {p for _, _, files in MODELS.values() for p in files}, request
    return result


def run_download(hub, env, *names):
    return samantha(hub, env, "models", "download", *names)


def test_download_fetches_every_file_and_verifies(hub_files, blobs, env, models):
    with FakeHub(hub_files) as hub:
        result = run_download(hub, env, "tiny-stt", "tiny-voice")
        assert result.returncode == 0, result.stderr
        assert "tiny-stt/model.bin: 100%" in result.stderr.replace("\r", "\n")  # a progress bar per file
        for name in ("tiny-stt", "tiny-voice"):
            for path in MODELS[name][2]:
                assert (models / name / path).read_bytes() == blobs[path]
                assert f"{name}/{path}: downloaded and verified" in result.stdout
                # one GET for the bytes, no Range, nothing else
                assert hub.ranges(path) == [None]
                assert {r.method for r in hub.requests if r.path == path} == {"GET"}
        # small files come from the hub itself, LFS-sized ones through the redirect to the CDN
        assert {r.server for r in hub.requests if r.path == "config.json"} == {"hub"}
        assert [r.server for r in hub.requests if r.path == "model.bin"] == ["hub", "cdn"]

        verified = samantha(hub, env, "models", "verify", "tiny-stt", "tiny-voice")
        assert verified.returncode == 0, verified.stderr
        assert "all files present and intact" in verified.stderr

        seen = len(hub.requests)
        again = run_download(hub, env, "tiny-stt")
        assert again.returncode == 0, again.stderr
        assert again.stdout.count("already downloaded and verified") == 3
        assert len(hub.requests) == seen  # nothing fetched, nothing even asked


@pytest.mark.fault("message")
def test_verify_names_a_corrupted_file_and_the_fix(hub_files, blobs, env, models):
    with FakeHub(hub_files) as hub:
        assert run_download(hub, env, "tiny-stt").returncode == 0
        model_bin = models / "tiny-stt" / "model.bin"
        data = bytearray(model_bin.read_bytes())
        data[1000] ^= 0x01  # same size: only the sha256 can tell
        model_bin.write_bytes(bytes(data))

        result = samantha(hub, env, "models", "verify", "tiny-stt")
        assert result.returncode == 1
        assert f"{model_bin}: sha256 does not match the catalog. Fix: samantha models download tiny-stt" in result.stderr
        assert "config.json" not in result.stderr and "vocabulary.txt" not in result.stderr

        seen = len(hub.requests)
        repaired = run_download(hub, env, "tiny-stt")
        assert repaired.returncode == 0, repaired.stderr
        assert {r.path for r in hub.requests[seen:]} == {"model.bin"}  # only the damaged file again
        assert model_bin.read_bytes() == blobs["model.bin"]
        assert samantha(hub, env, "models", "verify", "tiny-stt").returncode == 0


@pytest.mark.fault("kept")
def test_wrong_bytes_from_the_server_are_refused_and_deleted(hub_files, env, models):
    with FakeHub(hub_files, corrupt={"model.bin"}) as hub:
        result = run_download(hub, env, "tiny-stt")
    model_bin = models / "tiny-stt" / "model.bin"
    assert result.returncode == 2
    assert f"Downloaded {model_bin}, but it is not the expected file (sha256 does not match the catalog)" in result.stderr
    assert "it was deleted. Run again: samantha models download tiny-stt" in result.stderr
    assert "Traceback" not in result.stderr
    assert not model_bin.exists()
    assert (models / "tiny-stt" / "config.json").is_file()  # fetched before it, and good
    assert "vocabulary.txt" not in {r.path for r in hub.requests}  # stopped at the first bad file


def resumed_from(range_header: str) -> int:
    assert range_header.startswith("bytes=") and range_header.endswith("-"), range_header
    return int(range_header[6:-1])


@pytest.mark.fault("kept")
def test_cut_off_download_is_resumed_with_range_in_the_same_run(hub_files, blobs, env, models):
    with FakeHub(hub_files, cut_off={BIG, "config.json"}) as hub:
        result = run_download(hub, env, "big-llm", "tiny-stt")
    assert result.returncode == 0, result.stderr
    assert f"big-llm/{BIG}: connection lost at" in result.stderr and "resuming" in result.stderr
    first, second = hub.ranges(BIG)
    assert first is None and len(blobs[BIG]) // 2 - 65536 <= resumed_from(second) <= len(blobs[BIG]) // 2
    assert (models / "big-llm" / BIG).read_bytes() == blobs[BIG]
    assert (models / "tiny-stt" / "config.json").read_bytes() == blobs["config.json"]
    assert not list(models.rglob("*.part"))
    assert f"big-llm/{BIG}: downloaded and verified" in result.stdout


@pytest.mark.fault("kept")
def test_a_download_that_keeps_failing_is_continued_by_the_next_run(hub_files, blobs, env, models):
    with FakeHub(hub_files, cut_off={BIG}, dead_after_cut=5) as hub:
        failed = run_download(hub, env, "big-llm")
        assert failed.returncode == 2
        assert f"Could not download {BIG} from test-org/big-gguf" in failed.stderr
        assert "run the same command again; it continues where it stopped" in failed.stderr
        assert "Traceback" not in failed.stderr
        ranges = hub.ranges(BIG)
        assert ranges[0] is None and len(set(ranges[1:])) == 1 and len(ranges) == 6  # 5 tries, no new bytes
        kept = resumed_from(ranges[1])
        part = models / "big-llm" / f"{BIG}.part"
        assert part.stat().st_size == kept > 0 and not (models / "big-llm" / BIG).exists()

        again = run_download(hub, env, "big-llm")
        assert again.returncode == 0, again.stderr
        assert hub.ranges(BIG)[6:] == [f"bytes={kept}-"]  # the next run continues, it does not start over
        assert (models / "big-llm" / BIG).read_bytes() == blobs[BIG] and not part.exists()


@pytest.mark.fault("message")
def test_resolve_explains_missing_and_truncated_models(hub_files, env, models, catalog, monkeypatch):
    monkeypatch.setenv("SAMANTHA_CATALOG", str(catalog))
    with pytest.raises(SamanthaError, match="not downloaded .*To fix it, run: samantha models download tiny-voice"):
        store.resolve("voice", "tiny-voice", root=models)
    with pytest.raises(SamanthaError, match="'tiny-voice' is a voice model, not a llm model"):
        store.resolve("llm", "tiny-voice", root=models)

    with FakeHub(hub_files) as hub:
        assert run_download(hub, env, "tiny-voice").returncode == 0
    onnx = models / "tiny-voice" / ONNX
    assert store.resolve("voice", "tiny-voice", root=models) == onnx

    onnx.write_bytes(onnx.read_bytes()[:1000])
    with pytest.raises(SamanthaError, match="truncated or corrupt .*samantha models download tiny-voice"):
        store.resolve("voice", "tiny-voice", root=models)
    entry = store.load_catalog()["tiny-voice"]
    assert store.verify([entry], root=models) == [
        f"{onnx}: size 1000 bytes, expected 200000. Fix: samantha models download tiny-voice"
    ]


@pytest.mark.fault("message")
def test_a_file_the_server_does_not_have_is_a_404_not_a_network_problem(hub_files, env, models):
    missing = {key: data for key, data in hub_files.items() if key[2] != "config.json"}
    with FakeHub(missing) as hub:
        failed = run_download(hub, env, "tiny-stt")
    assert failed.returncode == 2 and "the server does not have it (HTTP 404)" in failed.stderr, failed.stderr
    assert "Check the network" not in failed.stderr and "resuming" not in failed.stderr


@pytest.mark.fault("message")
def test_a_server_that_refuses_is_named_at_once_not_retried(hub_files, env, models):
    import socket
    import time

    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    started = time.monotonic()
    failed = subprocess.run([sys.executable, "-m", "samantha", "models", "download", "tiny-stt"],
                            env={**env, "HF_ENDPOINT": f"http://127.0.0.1:{port}"}, capture_output=True, text=True,
                            timeout=60)
    assert failed.returncode == 2 and "127.0.0.1 refused the connection" in failed.stderr, failed.stderr
    assert "resuming" not in failed.stderr and time.monotonic() - started < 20


def test_a_stalled_download_gives_up_after_the_stall_limit(monkeypatch, tmp_path):
    import socket
    import threading
    import time

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()  # then says nothing
    monkeypatch.setattr(store, "READ_TIMEOUT_S", 0.5)
    monkeypatch.setattr(store, "STALL_S", 1.5)
    monkeypatch.setattr(store.time, "sleep", lambda s: None)
    url = f"http://127.0.0.1:{server.getsockname()[1]}/model.bin"
    started = time.monotonic()
    try:
        with pytest.raises(store.DownloadFailed, match=r"no progress for 1.5 s \(127.0.0.1 sent nothing for 0.5 s\)") as err:
            store._fetch(url, tmp_path / "x.part", 1000, "x")
    finally:
        server.close()
    assert err.value.again_helps and time.monotonic() - started < 10


def test_set_up_goes_on_without_the_optional_end_of_turn_model(hub_files, blobs, env, models, tmp_path):
    """`scripts/run` downloads the configured models: the end-of-turn model failing must not stop her."""
    config = tmp_path / "config.toml"
    config.write_text('[models]\nstt = "tiny-stt"\nvoice = "tiny-voice"\nturn = "tiny-turn"\n')
    without_turn = {key: data for key, data in hub_files.items() if key[2] != "turn.onnx"}
    with FakeHub(without_turn) as hub:
        done = samantha(hub, {**env, "SAMANTHA_CONFIG": str(config)}, "models", "download")
        assert done.returncode == 0, done.stderr
        said = (done.stdout + done.stderr).replace("\n", " ")
        assert "HTTP 404" in said and "Samantha works without tiny-turn" in said
        assert (models / "tiny-stt" / "model.bin").read_bytes() == blobs["model.bin"]
        named = samantha(hub, env, "models", "download", "tiny-turn")  # asked for by name, it is an error
        assert named.returncode == 2 and "HTTP 404" in named.stderr
