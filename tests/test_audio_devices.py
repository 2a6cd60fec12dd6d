"""Real PortAudio output on a PulseAudio null sink: what Samantha says is recorded and checked."""

import re

import numpy as np
import pytest
from conftest import run_cli
from pulse import load_recording, recording

pytestmark = pytest.mark.audio


def voiced_seconds(audio: np.ndarray, rate: int = 16000) -> float:
    frames = audio[: len(audio) // 160 * 160].reshape(-1, 160)
    return float((np.sqrt((frames**2).mean(axis=1)) > 0.01).sum() * 160 / rate)


def test_say_plays_through_the_output_device(pulse, model_flags, tmp_path):
    out = tmp_path / "heard.f32"
    with recording(pulse, "speaker.monitor", out):
        result = run_cli(["say", "Hello there. How are you today?", *model_flags], pulse, timeout=60)
    assert result.returncode == 0, result.stderr
    heard = load_recording(out)
    assert voiced_seconds(heard) > 0.3, "nothing audible reached the speaker"


def test_chat_once_speaks_its_reply(pulse, model_flags, tmp_path):
    out = tmp_path / "heard.f32"
    with recording(pulse, "speaker.monitor", out):
        result = run_cli(["chat", "--once", "Hello", *model_flags], pulse, timeout=90)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert voiced_seconds(load_recording(out)) > 0.1


def test_devices_and_doctor_see_the_virtual_devices(pulse, model_flags):
    devices = run_cli(["devices"], pulse, timeout=30)
    assert devices.returncode == 0 and "output" in devices.stdout and "input" in devices.stdout
    doctor = run_cli(["doctor", *model_flags], pulse, timeout=120)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert doctor.stdout.count("✓") == 6


@pytest.mark.fault("message")
def test_no_audio_device_is_reported_and_chat_works_without_audio(cli_env, model_flags, tmp_path):
    cli_env.update(PULSE_SERVER=f"unix:{tmp_path}/no-server", XDG_RUNTIME_DIR=str(tmp_path))
    spoken = run_cli(["chat", "--once", "Hello", *model_flags], cli_env, timeout=60)
    assert spoken.returncode == 2
    assert "--no-audio" in spoken.stderr and "Traceback" not in spoken.stderr
    silent = run_cli(["chat", "--once", "Hello", "--no-audio", *model_flags], cli_env, timeout=60)
    assert silent.returncode == 0 and silent.stdout.strip()
    doctor = run_cli(["doctor", *model_flags], cli_env, timeout=60)
    assert doctor.returncode == 1 and "✗ output device" in doctor.stdout and "Traceback" not in doctor.stdout
    listed = run_cli(["devices"], cli_env, timeout=60)  # not an empty table that "counts as headset"
    assert listed.returncode == 2 and "No sound devices at all" in listed.stderr and "headset" not in listed.stdout


SPEAKER_AWAY_AND_BACK = """
import time
import numpy as np
from samantha.engines.base import AudioChunk
from samantha.audio.speaker import Speaker
tone = AudioChunk((0.3 * np.sin(np.arange(24000) * 2 * np.pi * 440 / 48000)).astype(np.float32), 48000)
speaker = Speaker.open()
speaker.play(tone)
assert speaker.wait(10)
speaker.drop()  # gone: what she says is dropped at once, and nothing waits for it
started = time.monotonic()
item = speaker.play(tone)
assert speaker.wait(10) and item.written == 0 and time.monotonic() - started < 0.2
assert not speaker.alive(time.monotonic()) and speaker.reopen()
speaker.play(tone)
assert speaker.wait(10) and speaker.calling()
speaker.close()
"""


def test_a_dropped_speaker_drops_what_is_said_and_plays_again_once_reopened(pulse, tmp_path):
    import subprocess
    import sys

    out = tmp_path / "heard.f32"
    with recording(pulse, "speaker.monitor", out):
        result = subprocess.run([sys.executable, "-c", SPEAKER_AWAY_AND_BACK], env=pulse, capture_output=True,
                                text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert 0.8 < voiced_seconds(load_recording(out)) < 1.2  # the two tones played, not the dropped one


SPEAKER_GROWS = """
import time
import numpy as np
from samantha.engines.base import AudioChunk
from samantha.audio.speaker import Speaker
tone = AudioChunk((0.3 * np.sin(np.arange(24000) * 2 * np.pi * 440 / 48000)).astype(np.float32), 48000)
speaker = Speaker.open()
assert speaker.buffer_s == 0.02 and not speaker.grow()  # no underrun: the short buffer stays
speaker.underruns = 1  # as the callback counts them on a starved machine
speaker.play(tone)
assert not speaker.grow()  # not while she is speaking
assert speaker.wait(10)
speaker.underruns = 1
assert speaker.grow() and speaker.buffer_s == 0.04 and speaker.underruns == 0  # quiet: a larger buffer
speaker.play(tone)  # and the new stream plays
assert speaker.wait(10) and speaker.calling()
speaker.close()
"""


@pytest.mark.fault("kept")
def test_after_an_underrun_the_speaker_takes_a_larger_buffer_while_quiet_and_plays_on(pulse, tmp_path):
    import subprocess
    import sys

    out = tmp_path / "heard.f32"
    with recording(pulse, "speaker.monitor", out):
        result = subprocess.run([sys.executable, "-c", SPEAKER_GROWS], env=pulse, capture_output=True,
                                text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert 0.8 < voiced_seconds(load_recording(out)) < 1.2  # both tones played, whole


def test_devices_marks_the_ones_samantha_uses(pulse):
    pulse["COLUMNS"] = "200"
    default = run_cli(["devices"], pulse, timeout=30).stdout
    chosen = run_cli(["devices", "--input", "pulse", "--output", "pulse"], pulse, timeout=30).stdout
    uses = lambda listing, name: next(line.split("│")[-2].strip() for line in listing.splitlines()
                                      if re.match(rf"│ \d+ +│ {name} ", line))  # its last column
    assert uses(default, "default") == "input output" and uses(default, "pulse") == ""  # the system's, unless told
    assert uses(chosen, "pulse") == "input output" and uses(chosen, "default") == ""
    assert "counts as headset" in default
    missing = run_cli(["devices", "--input", "USB Headset"], pulse, timeout=30)  # unplugged: the list helps most
    assert missing.returncode == 0 and "No input device matches 'USB Headset'" in missing.stderr
    assert uses(missing.stdout, "default") == "output"
