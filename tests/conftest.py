"""Shared fixtures: tiny real models (generated once per run), test audio, settings.

The engines under test are the real faster-whisper, llama.cpp and piper, running on
random-weight models in their real formats made by ``scripts/make_test_models.py``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTDATA = ROOT.parent / "shared" / "testdata"
NETGUARD = ROOT / "tests" / "netguard"
sys.path.insert(0, str(NETGUARD))

import offline_guard  # noqa: E402

from samantha.conversation.persona import Persona  # noqa: E402

pytest_plugins = ["real_models", "fault_tally"]  # the real-model tier's fixtures (tests/real); the fault suite's tally

BRIEF = Persona("Samantha", "she/her", "You are {name} ({pronouns}). Be brief.")  # fits a 512-token test context


def _load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session", autouse=True)
def no_network():
    """Offline means offline: a connection beyond this machine fails the test that makes it."""
    offline_guard.install()
    yield
    offline_guard.uninstall()


@pytest.fixture(autouse=True)
def no_desktop_notifications(monkeypatch):
    """A reminder due in a test is not posted to the desktop of whoever runs the tests
    (tests/test_notifications.py points it at a private bus of its own)."""
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)


@pytest.fixture(scope="session")
def make_test_models():
    return _load_script("make_test_models")


@pytest.fixture(scope="session")
def tiny_models(make_test_models, tmp_path_factory) -> dict[str, Path]:
    """{'stt': dir, 'llm': .gguf, 'voice': .onnx}: real formats, random weights."""
    return make_test_models.make_all(tmp_path_factory.mktemp("tiny-models"))


@pytest.fixture(scope="session")
def heard_text(make_test_models) -> str:
    """What the tiny Whisper hears in any audio: its decoder follows one fixed path."""
    return "".join(make_test_models.STT_TEXT).strip()


@pytest.fixture(scope="session")
def reply_text(make_test_models) -> str:
    """What the tiny LLM always answers: one fixed path through its weights, then end of turn."""
    return "".join(make_test_models.LLM_REPLY).strip()


@pytest.fixture(scope="session")
def settings(tiny_models):
    from samantha import config
    return config.override(
        config.Settings(), "models",
        stt=str(tiny_models["stt"]), llm=str(tiny_models["llm"]), voice=str(tiny_models["voice"]),
    )


@pytest.fixture(scope="session")
def transcriber(settings):
    from samantha.engines import load_transcriber

    return load_transcriber(settings)


@pytest.fixture(scope="session")
def chat_model(settings):
    from samantha.engines import load_chat_model

    return load_chat_model(settings)


@pytest.fixture(scope="session")
def synthesizer(settings):
    from samantha.engines import load_synthesizer

    return load_synthesizer(settings)


@pytest.fixture
def xvfb(cli_env):
    """``cli_env`` with DISPLAY on a private virtual screen (Xvfb), for the global talk key."""
    import shutil
    import subprocess
    import time

    if not shutil.which("Xvfb") or not shutil.which("xdotool"):
        pytest.skip("Xvfb and xdotool are not installed (scripts/test installs them)")
    number = 50 + os.getpid() % 400
    server = subprocess.Popen(["Xvfb", f":{number}", "-nolisten", "tcp", "-screen", "0", "640x480x24"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            assert server.poll() is None and time.monotonic() < deadline, "Xvfb did not start"
            time.sleep(0.05)
        yield dict(cli_env, DISPLAY=f":{number}")
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def memory(tmp_path):
    """A new, empty memory file, closed after the test."""
    from samantha.conversation.memory import Memory

    memory = Memory.open(tmp_path / "memory.sqlite3")
    yield memory
    memory.close()


@pytest.fixture
def testdata() -> Path:
    if not TESTDATA.is_dir():
        pytest.skip(f"shared test audio not found at {TESTDATA} (only present beside the project's checkout)")
    return TESTDATA


@pytest.fixture
def phrase(testdata):
    """Real speech, 2.4 s: "And so my fellow Americans" (16 kHz mono float)."""
    from samantha.audio.audio_files import load_audio

    return load_audio(testdata / "jfk.flac")[: int(2.4 * 16000)]


@pytest.fixture
def phrase_wav(phrase, tmp_path) -> Path:
    """The phrase as a headset would send it, ready to play into the virtual microphone."""
    from pulse import as_device_wav

    return as_device_wav(phrase, tmp_path / "phrase.wav")


@pytest.fixture
def met_before(tmp_path):
    """``samantha`` in a subprocess (``cli_env``) has met the user before: no first meeting."""
    from samantha.conversation.memory import Memory

    met = Memory.open(tmp_path / "data" / "memory.sqlite3")
    met.set_profile("name", "Theo")
    met.close()


@pytest.fixture(scope="session")
def model_flags(tiny_models) -> list[str]:
    """Command-line flags that point ``samantha`` at the tiny models."""
    return ["--stt-model", str(tiny_models["stt"]), "--llm-model", str(tiny_models["llm"]),
            "--voice", str(tiny_models["voice"])]


@pytest.fixture
def cli_env(tmp_path) -> dict[str, str]:
    """Environment for running ``samantha`` in a subprocess: isolated config, data and models."""
    env = dict(os.environ)
    env.update(
        SAMANTHA_CONFIG=str(tmp_path / "config.toml"), SAMANTHA_MODELS_DIR=str(tmp_path / "models"),
        SAMANTHA_DATA_DIR=str(tmp_path / "data"),  # memory: never the user's
        SAMANTHA_LETTERS_DIR=str(tmp_path / "letters"),  # nor their letters
        PYTHONUNBUFFERED="1", PYTHONPATH=str(NETGUARD),  # offline_guard in every subprocess
    )
    for desktop in ("DISPLAY", "WAYLAND_DISPLAY"):  # never watch the keyboard of the desktop running the tests
        env.pop(desktop, None)
    return env


@pytest.fixture
def pulse(tmp_path, cli_env):
    """``cli_env`` pointed at a private PulseAudio server with two null sinks: "speaker" (the
    default output) and "mic" (whose monitor is the default input)."""
    from pulse import pulse_server

    cli_env.pop("PULSE_SERVER", None)
    with pulse_server(tmp_path / "pulse") as env:
        cli_env.update({k: env[k] for k in ("XDG_RUNTIME_DIR", "PULSE_RUNTIME_PATH", "PULSE_SERVER")})
        yield cli_env


def run_cli(args: list[str], env: dict[str, str], timeout: float = 120, **kwargs):
    import subprocess

    import fault_tally  # the plugin itself (pytest_plugins), already imported

    result = subprocess.run(
        [sys.executable, "-m", "samantha", *args], env=env, capture_output=True, text=True,
        timeout=timeout, **kwargs,
    )
    fault_tally.saw_output(args, result.stderr)
    return result
