"""The doctor's echo check on synthetic rooms: her sound played in 10 ms blocks at 48 kHz with
stamps, the microphone hearing it after a known delay at a known level, in 32 ms frames
with stamps; the check must find that delay and level, and the canceller must remove most
of it. The real devices are tests/real/test_echo_check_real.py."""

import numpy as np
import pytest

from samantha.audio import echo_check
from samantha.audio.echo_check import Block, Echo, Recording
from samantha.core.frames import FRAME, RATE, AudioChunk, Frame


def room(path_s: float, coupling: float, in_lat: float = 0.03, out_lat: float = 0.02, seconds: float = 4.0,
         jitter: float = 0.003) -> Recording:
    """Her probe starts 1 s in; the microphone hears ``coupling`` of it ``path_s`` after it
    left for the speaker (the devices' buffers included), with a little room noise."""
    import soxr

    rng, t0 = np.random.default_rng(3), 100.0
    sound = echo_check.probe()
    start = int(1.0 * RATE)
    played = np.zeros(int(seconds * RATE), np.float32)
    played[start:start + len(sound)] = sound[: len(played) - start]
    played48 = soxr.resample(played, RATE, 48000).astype(np.float32)
    mic = rng.normal(0, 1e-4, len(played)).astype(np.float32)
    lag = int(path_s * RATE)
    mic[lag:] += coupling * played[: len(played) - lag]
    blocks = tuple(Block(t0 + i * 0.01 + rng.uniform(0, jitter), AudioChunk(played48[i * 480:(i + 1) * 480], 48000),
                         t0 + i * 0.01 + out_lat) for i in range(len(played48) // 480))
    frames = tuple(Frame(mic[k * FRAME:(k + 1) * FRAME], k * FRAME / RATE,
                         t0 + (k + 1) * FRAME / RATE + rng.uniform(0, jitter)) for k in range(len(mic) // FRAME))
    return Recording(sound, t0 + start / RATE, blocks, frames, in_lat)


def test_the_probe_is_at_her_level_and_starts_and_ends_softly():
    sound = echo_check.probe()
    assert len(sound) == int(echo_check.PROBE_S * RATE)
    assert 20 * np.log10(np.sqrt(np.mean(sound**2))) == pytest.approx(echo_check.PROBE_DBFS, abs=0.1)
    assert abs(sound[0]) < 1e-3 and abs(sound[-1]) < 1e-3


@pytest.mark.parametrize("delay_s", [0.0, 0.074, 0.31])
def test_lag_finds_a_known_delay(delay_s):
    sound = echo_check.probe()
    heard = np.zeros(len(sound) + RATE, np.float32)
    at = int(delay_s * RATE)
    heard[at:at + len(sound)] = 0.2 * sound
    found, match = echo_check.lag(sound, heard)
    assert found == pytest.approx(delay_s, abs=1 / RATE) and match > 0.99


def test_lag_finds_no_match_in_unrelated_noise():
    sound = echo_check.probe()
    noise = np.random.default_rng(5).normal(0, 0.05, len(sound) + RATE).astype(np.float32)
    assert echo_check.lag(sound, noise)[1] < echo_check.HEARD


@pytest.mark.parametrize(("path_s", "coupling"), [(0.074, 0.7), (0.2, 0.3)])
def test_the_path_level_and_what_the_canceller_removes_are_measured(path_s, coupling):
    pytest.importorskip("livekit.rtc")
    echo = echo_check.measure(room(path_s, coupling))
    assert echo.heard
    assert echo.path_ms == pytest.approx(path_s * 1000, abs=5)
    assert echo.level_db == pytest.approx(20 * np.log10(coupling), abs=0.5)
    assert echo.removed_db is not None and echo.removed_db >= 20


def test_without_an_echo_there_is_nothing_to_cancel():
    echo = echo_check.measure(room(0.074, 0.0))
    assert echo == Echo(False)
    assert echo_check.verdict(echo).startswith("no echo heard")


def test_a_sound_not_wholly_recorded_is_no_echo():
    rec = room(0.074, 0.7, seconds=2.0)
    assert not echo_check.measure(rec).heard


def test_the_verdict_says_what_to_do():
    assert echo_check.verdict(Echo(True, 74, -3, 58)) == ("path 74 ms, at -3 dB of her sound, 58 dB removed: "
                                                          "you can talk over her at a normal level")
    assert "speak up a little" in echo_check.verdict(Echo(True, 74, -3, 20))
    assert "talk key" in echo_check.verdict(Echo(True, 74, -3, 5))
    assert echo_check.verdict(Echo(True, 74, -3)) == "path 74 ms, at -3 dB of her sound"


DOCTOR_ECHO = r"✓ echo: path (\d+) ms, at (-?\d+) dB of her sound, (\d+) dB removed"


@pytest.mark.audio
def test_doctor_measures_her_echo_on_the_virtual_devices(pulse, model_flags):
    """Her speaker looped back into the virtual microphone at 0.7: the path is what the
    devices' buffers and the loopback's own 60 ms make, and most of it is removed."""
    import re

    from conftest import run_cli
    from pulse import loopback

    loopback(pulse, "speaker.monitor", "mic", 0.7)
    doctor = run_cli(["doctor", "--output-kind", "speakers", "--aec", "on", *model_flags], pulse, timeout=120)
    said = " ".join(doctor.stdout.split())
    found = re.search(DOCTOR_ECHO, said)
    assert found, doctor.stdout + doctor.stderr
    path, level, removed = (int(x) for x in found.groups())
    print(f"doctor on the null sinks at 0.7: path {path} ms, at {level} dB, {removed} dB removed")
    assert 20 <= path <= 400 and -8 <= level <= 0 and removed >= 20, said


@pytest.mark.audio
def test_doctor_hears_no_echo_without_a_loopback_and_skips_with_a_headset(pulse, model_flags):
    from conftest import run_cli

    doctor = run_cli(["doctor", "--output-kind", "speakers", "--aec", "on", *model_flags], pulse, timeout=120)
    assert "✓ echo: no echo heard" in " ".join(doctor.stdout.split()), doctor.stdout + doctor.stderr
    headset = run_cli(["doctor", "--output-kind", "headset", "--aec", "on", *model_flags], pulse, timeout=120)
    assert "· echo: skipped: the output is a headset" in " ".join(headset.stdout.split()), headset.stdout
