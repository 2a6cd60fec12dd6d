"""The real microphone path: PortAudio on a PulseAudio null sink, speech played into it; and,
with no device, what its callback makes of a device's own format, and of frames nobody reads."""

import json
import subprocess
import sys

import numpy as np
import pytest
from pulse import as_device_wav, play_into

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


@pytest.mark.audio
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


@pytest.mark.audio
def test_a_silent_microphone_gives_frames_but_no_speech(pulse):
    _, heard = listen(pulse, 3)
    assert heard["frames"] > 3 / 0.032 * 0.8
    assert heard["peak"] < 1e-3 and heard["events"] == []


def callbacks(audio: np.ndarray, rate: int, channels: int):
    """16 kHz mono ``audio`` as a device at ``rate`` with ``channels`` hands it over: interleaved
    float32 bytes, 32 ms a callback."""
    import soxr

    device = np.repeat(soxr.resample(audio, 16000, rate).astype(np.float32), channels)
    block = rate * 512 // 16000 * channels
    return [device[i:i + block].tobytes() for i in range(0, len(device) - block + 1, block)]


@pytest.mark.parametrize(("rate", "channels"), [(48000, 2), (44100, 1), (16000, 1)])
def test_a_device_that_keeps_its_own_format_is_converted_to_frames(testdata, rate, channels):
    from samantha.audio.audio_files import load_audio
    from samantha.audio.microphone import Microphone

    speech = load_audio(testdata / "jfk.flac")[:16000 * 3]
    mic = Microphone()
    mic._convert_from(rate, channels)
    for raw in callbacks(speech, rate, channels):
        mic._on_audio(raw, 0, None, None)
    frames = [mic.read(0) for _ in range(mic.frames.qsize())]
    assert [f.t for f in frames] == [i * 512 / 16000 for i in range(len(frames))]  # no gap, nothing twice
    assert len(frames) >= len(speech) // 512 - 1
    heard = np.concatenate([f.audio for f in frames])
    lag = int(np.argmax([np.dot(heard[k:k + 40000], speech[:40000]) for k in range(16)]))
    assert lag <= 11  # the resampler's own delay: 31 input samples
    error = heard[lag:lag + 40000] - speech[:40000]
    snr = 10 * np.log10(np.mean(speech[:40000] ** 2) / max(float(np.mean(error**2)), 1e-12))
    assert snr > 15  # dB: the same speech (18 from 48 kHz: the delay is 10.33 samples, not a whole number)


def test_frames_nobody_reads_give_way_oldest_first():
    from samantha.audio.microphone import Microphone

    mic = Microphone(max_backlog_s=0.32)  # 10 frames
    mic._convert_from(16000, 1)
    for i in range(25):
        mic._on_audio(np.full(512, i / 100, np.float32).tobytes(), 0, None, None)
    kept = [mic.read(0) for _ in range(mic.frames.qsize())]
    assert [round(float(f.audio[0]) * 100) for f in kept] == list(range(15, 25))
    assert mic.read(0.01) is None
