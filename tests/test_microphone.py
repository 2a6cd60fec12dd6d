"""The real microphone path: PortAudio on a PulseAudio null sink, speech played into it."""

import json
import subprocess
import sys

import pytest
from pulse import as_device_wav, play_into

pytestmark = pytest.mark.audio

LISTEN = """
import json, sys, time
from samantha.config import VadSettings
from samantha.audio.microphone import Microphone
from samantha.audio.vad import SpeechDetector
mic = Microphone.open()
while mic.read(5) is None:  # a new stream takes a moment before audio flows
    pass
start = time.monotonic()
print(json.dumps({"rate": mic.device_rate, "channels": mic.channels}), flush=True)
detector, events, frames, peak = SpeechDetector(VadSettings()), [], 0, 0.0
while time.monotonic() < start + float(sys.argv[1]):
    frame = mic.read(0.5)
    if frame is None:
        continue
    frames, peak = frames + 1, max(peak, float(abs(frame.audio).max()))
    if event := detector.feed(frame.audio):
        events.append([event.kind, event.time_s])
mic.close()
print(json.dumps({"frames": frames, "peak": peak, "events": events}), flush=True)
"""


def listen(env, seconds: float, play=None):
    proc = subprocess.Popen([sys.executable, "-c", LISTEN, str(seconds)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        opened = json.loads(proc.stdout.readline() or "{}")  # audio flows: start talking
        player = play() if play else None
        out, err = proc.communicate(timeout=seconds + 30)
        if player:
            player.wait(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    return opened, json.loads(out.strip().splitlines()[-1])


def test_speech_into_the_microphone_is_heard_with_its_timing(pulse, testdata, tmp_path):
    from samantha.audio.audio_files import load_audio

    speech = as_device_wav(load_audio(testdata / "jfk.flac"), tmp_path / "jfk-48k-stereo.wav")
    opened, heard = listen(pulse, 14, play=lambda: play_into(pulse, "mic", speech))
    assert opened["rate"] in (44100, 48000) and opened["channels"] in (1, 2)  # converted from the device's own format
    assert 14 / 0.032 * 0.8 < heard["frames"] < 14 / 0.032 * 1.1  # real-time, nothing lost or invented
    heard["events"] = [e for e in heard["events"] if e[0] in ("start", "end")]  # not the "maybe"s
    kinds = [k for k, _ in heard["events"]]
    assert kinds.count("start") >= 3 and kinds[0] == "start"
    first_start = heard["events"][0][1]
    last_end = [t for k, t in heard["events"] if k == "end"][-1]
    assert last_end - first_start == pytest.approx(10.18, abs=0.4)  # jfk: speech from 0.32 s to 10.5 s


def test_a_silent_microphone_gives_frames_but_no_speech(pulse):
    _, heard = listen(pulse, 3)
    assert heard["frames"] > 3 / 0.032 * 0.8
    assert heard["peak"] < 1e-3 and heard["events"] == []
