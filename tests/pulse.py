"""A private PulseAudio server with null sinks: real audio devices on a machine without a sound card.

PortAudio reaches it through ALSA's pulse plugin. A null sink's ``.monitor`` source hears
what is played into it, so a test can record exactly what Samantha said.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest


@contextmanager
def pulse_server(runtime: Path, sinks: tuple[str, ...] = ("speaker", "mic"), about: dict[str, str] | None = None):
    """Start the server, yield the environment its clients need, always stop it. ``about``
    gives sinks a description (one word), as real devices have."""
    if not shutil.which("pulseaudio") or not shutil.which("pactl"):
        pytest.skip("PulseAudio is not installed (scripts/test installs it)")
    runtime.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), PULSE_RUNTIME_PATH=str(runtime),
               PULSE_SERVER=f"unix:{runtime}/native", PULSE_STATE_PATH=str(runtime))
    subprocess.run(
        ["pulseaudio", "-D", "-n", "--exit-idle-time=-1", "--disallow-exit", "--log-target=stderr",
         f"--load=module-native-protocol-unix socket={runtime}/native auth-anonymous=1"],
        env=env, check=True, timeout=20, capture_output=True,
    )
    try:
        for name in sinks:
            described = [f"sink_properties=device.description={about[name]}"] if name in (about or {}) else []
            pactl(env, "load-module", "module-null-sink", f"sink_name={name}", "rate=48000", *described)
        pactl(env, "set-default-sink", sinks[0])
        pactl(env, "set-default-source", f"{sinks[-1]}.monitor")
        with room_tone(env, sinks[-1]):
            yield env
    finally:
        subprocess.run(["pulseaudio", "--kill"], env=env, timeout=10, capture_output=True)
        deadline = time.monotonic() + 5
        while (runtime / "pid").exists() and time.monotonic() < deadline:
            time.sleep(0.05)


@contextmanager
def room_tone(env: dict[str, str], sink: str):
    """Keep ``sink`` playing silence, so its monitor delivers audio the way a real microphone
    always does. A monitor with nothing playing starves the capture stream, and PortAudio's
    ALSA layer then burns ~11 % of a core waiting (a real microphone costs ~1 %)."""
    with open("/dev/zero", "rb") as zeros, subprocess.Popen(
            ["pacat", f"--device={sink}", "--format=s16le", "--rate=48000", "--channels=2"],
            env=env, stdin=zeros, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as player:
        try:
            deadline = time.monotonic() + 5  # until the tone flows: a stream opened before then starves
            while f"{sink}\t" not in running_sinks(env) and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(1.0)
            yield
        finally:
            player.kill()


def running_sinks(env: dict[str, str]) -> str:
    lines = pactl(env, "list", "short", "sinks").splitlines()
    return "".join(line.split("\t", 1)[1] + "\n" for line in lines if "RUNNING" in line)


def pactl(env: dict[str, str], *args: str) -> str:
    return subprocess.run(["pactl", *args], env=env, check=True, timeout=10, capture_output=True, text=True).stdout


@contextmanager
def recording(env: dict[str, str], source: str, out: Path, rate: int = 16000):
    """Record ``source`` to a float32 file while the block runs; read it with ``load_recording``."""
    with out.open("wb") as fh:
        proc = subprocess.Popen(
            ["parec", f"--device={source}", "--format=float32le", f"--rate={rate}", "--channels=1", "--raw"],
            env=env, stdout=fh, stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(0.3)  # let the stream connect before anything plays
            yield
            time.sleep(0.3)  # the tail of what was played
        finally:
            proc.terminate()
            proc.wait(timeout=5)


def load_recording(path: Path) -> np.ndarray:
    return np.fromfile(path, dtype="<f4")


def sounding(audio: np.ndarray, rate: int = 16000, pad_s: float = 0.3, floor: float = 0.003) -> np.ndarray:
    """The stretches of a recording that hold sound, each kept with ``pad_s`` around it, joined.
    Whisper writes words ("you you") into a long silence; a test listening to what she said
    wants her words only, however long the wait around them was."""
    hop = rate // 50
    frames = audio[: audio.size // hop * hop].reshape(-1, hop)
    loud = np.sqrt(np.mean(frames**2, axis=1)) > floor
    pad = int(pad_s * 50)
    kept = np.convolve(loud, np.ones(2 * pad + 1), mode="same") > 0
    return frames[kept].reshape(-1)


def as_device_wav(audio: np.ndarray, path: Path, rate: int = 48000, channels: int = 2) -> Path:
    """16 kHz mono float audio as a 16-bit wav in a headset's usual format (paplay misreads FLAC)."""
    import wave

    import soxr

    pcm = (np.clip(soxr.resample(audio, 16000, rate), -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.repeat(pcm, channels).tobytes())
    return path


def play_into(env: dict[str, str], sink: str, path: Path) -> subprocess.Popen:
    """Start playing a wav file into ``sink`` (the virtual microphone's sink); returns the player."""
    return subprocess.Popen(["paplay", f"--device={sink}", str(path)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def loopback(env: dict[str, str], source: str, sink: str, coupling: float, latency_ms: int = 60) -> str:
    """``source`` played into ``sink`` at ``coupling`` (linear volume), as a room carries a
    speaker's sound into a microphone; returns the loopback's sink-input index once it runs."""
    loops = lambda: {line.split("\t")[0] for line in pactl(env, "list", "short", "sink-inputs").splitlines()
                     if "module-loopback" in line}
    before = loops()
    pactl(env, "load-module", "module-loopback", f"source={source}", f"sink={sink}", f"latency_msec={latency_ms}")
    deadline = time.monotonic() + 10
    while not (new := sorted(loops() - before)):
        assert time.monotonic() < deadline, "the loopback did not start"
        time.sleep(0.1)
    pactl(env, "set-sink-input-volume", new[0], f"{coupling}")
    return new[0]
