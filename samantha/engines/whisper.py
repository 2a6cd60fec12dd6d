"""Speech-to-text on faster-whisper, tuned for short conversational turns.

Greedy decoding, fixed language, no timestamps and no conditioning on earlier text: the
fastest settings that keep accuracy for a turn of a few seconds. Whisper always encodes a
30 s window, however short the speech, and that encoding is most of its cost; CTranslate2's
encoder takes shorter ones, so a turn is encoded in a window fitted to it (at least
``[stt] min_window_s``, a third of the cost for a short turn), and decoded again in the full
window only when that came out looping or unsure. Speech longer than a window is cut at its
quietest moments and each piece transcribed whole, so no words fall between windows. Whisper writes text even
for silence and noise, so a guard turns quiet audio, low-confidence output and its stock
hallucinations into "nothing heard" instead of a reply-worthy sentence.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from samantha.config import SttSettings
from samantha.core.frames import RATE
from samantha.engines.base import Transcript
from samantha.errors import SamanthaError, model_problem

FULL_WINDOW_S = 30  # Whisper's own window
LONGEST_S = 28.0  # longer speech is cut into pieces of at most this, at its quietest moments
SHORTEST_CUT_S = 15.0  # ...none shorter than this, so each piece has context
FRAMES_PER_S = 100  # Whisper's feature frames
MAX_TOKENS_PER_S = 10  # nobody speaks faster: a decoder past this is looping
LOOP = re.compile(r"\b(\w.{0,60}?)(?:[\s,.]+\1\b){3,}", re.IGNORECASE)
MAX_COMPRESSION = 2.4  # text that compresses this well is repetition (faster-whisper's own threshold)
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")  # without tokenizer.json it tries the hub

# Never said by a person in a voice chat: subtitle credits and music/ellipsis placeholders.
ALWAYS_HALLUCINATED = re.compile(r"(subtitles|amara\.org|transcribed by|♪|^\W*$)", re.IGNORECASE)
# Said by people too, so dropped only when Whisper was not confident.
OFTEN_HALLUCINATED = {"thank you", "thanks for watching", "thank you for watching", "you", "bye",
                      "please subscribe", "thank you very much", "so"}


class WhisperTranscriber:
    sample_rate = RATE

    def __init__(self, model, settings: SttSettings):
        """Cheap: a faster-whisper model already loaded (``load`` reads one from disk)."""
        self._model, self._settings = model, settings

    @classmethod
    def load(cls, model_dir: Path, settings: SttSettings) -> WhisperTranscriber:
        for name in REQUIRED_FILES:
            if not (model_dir / name).is_file():
                raise model_problem(model_dir / name, "The Whisper model is incomplete, this file is missing")
        from faster_whisper import WhisperModel
        from faster_whisper.tokenizer import _LANGUAGE_CODES

        if settings.language not in _LANGUAGE_CODES:
            raise SamanthaError(f"[stt] language must be one of Whisper's language codes, such as 'en', 'de', 'fr' or "
                                f"'es' (got {settings.language!r}). Change it in the config file (samantha config path); "
                                f"all of them: {', '.join(sorted(_LANGUAGE_CODES))}.")

        try:
            model = WhisperModel(
                str(model_dir), device="cpu", compute_type="int8",
                cpu_threads=min(settings.threads, os.cpu_count() or 1), local_files_only=True,
            )
        except Exception as exc:  # ctranslate2 raises RuntimeError/ValueError with terse texts
            raise model_problem(model_dir, f"The Whisper model cannot be loaded, it looks corrupt ({exc})") from exc
        return cls(model, settings)

    def transcribe(self, audio: np.ndarray) -> Transcript:
        audio = np.ascontiguousarray(audio, dtype=np.float32).reshape(-1)
        duration = len(audio) / self.sample_rate
        if len(audio) == 0 or float(np.sqrt(np.mean(audio**2))) < self._settings.min_rms:
            return Transcript("", 1.0, 0.0, duration, rejected="too quiet")
        pieces = [self._decode(piece) for piece in split_long(audio)]
        text = " ".join(p.text for p in pieces if p.text).strip()
        if not text:
            return Transcript("", 1.0, 0.0, duration, rejected="no speech")
        no_speech = max(p.no_speech_prob for p in pieces if p.text)
        logprob = float(np.mean([p.avg_logprob for p in pieces if p.text]))
        return Transcript(text, no_speech, logprob, duration, rejected=rejection(text, no_speech, logprob, self._settings))

    def _decode(self, audio: np.ndarray) -> Decoded:
        """One piece of at most ``LONGEST_S``: a window fitted to it first, the full 30 s one
        when that came out wrong (looping, or far less sure of itself)."""
        quick = self._generate(audio, window_s(len(audio) / self.sample_rate, self._settings.min_window_s))
        if quick.window_s < FULL_WINDOW_S and quick.doubtful(self._settings.logprob_threshold):
            return self._generate(audio, FULL_WINDOW_S)
        return quick

    def _generate(self, audio: np.ndarray, window: int) -> Decoded:
        """Greedy decoding of ``audio`` padded to ``window`` seconds, with no timestamps and a
        cap on tokens that a looping decoder hits and a speaker never does."""
        from faster_whisper.transcribe import get_compression_ratio

        model = self._model
        padded = np.zeros(window * self.sample_rate, np.float32)
        padded[: len(audio)] = audio[: len(padded)]
        features = model.feature_extractor(padded)[:, : window * FRAMES_PER_S]
        limit = int(len(audio) / self.sample_rate * MAX_TOKENS_PER_S) + 10
        result = model.model.generate(
            model.encode(features), [self._prompt], beam_size=1, max_length=len(self._prompt) + limit,
            return_scores=True, return_no_speech_prob=True, suppress_blank=True, suppress_tokens=self._suppressed,
        )[0]
        tokens = [t for t in result.sequences_ids[0] if t < self._tokenizer.eot]
        raw = self._tokenizer.decode(tokens).strip()
        logprob = result.scores[0] * len(tokens) / (len(tokens) + 1) if tokens else 0.0
        silent = result.no_speech_prob > self._settings.no_speech_threshold and logprob < self._settings.logprob_threshold
        looped = len(tokens) >= limit or (bool(raw) and get_compression_ratio(raw) > MAX_COMPRESSION)
        return Decoded("" if silent else without_loops(raw), result.no_speech_prob, logprob, window, looped)

    @cached_property
    def _tokenizer(self):
        """faster-whisper's tokenizer, the prompt and the suppressed tokens: made once, on first use."""
        from faster_whisper.tokenizer import Tokenizer

        return Tokenizer(self._model.hf_tokenizer, self._model.model.is_multilingual,
                         task="transcribe", language=self._settings.language)

    @cached_property
    def _prompt(self) -> list[int]:
        return [*self._tokenizer.sot_sequence, self._tokenizer.no_timestamps]

    @cached_property
    def _suppressed(self) -> list[int]:
        from faster_whisper.transcribe import get_suppressed_tokens

        return list(get_suppressed_tokens(self._tokenizer, (-1,)))


@dataclass(frozen=True)
class Decoded:
    text: str
    no_speech_prob: float
    avg_logprob: float
    window_s: int
    looped: bool = False

    def doubtful(self, logprob_threshold: float) -> bool:
        return self.looped or self.avg_logprob < logprob_threshold


def window_s(duration: float, shortest: int) -> int:
    """The encoder window for ``duration`` seconds of speech: a second to spare, at least
    ``shortest`` (shorter windows make Whisper loop or drop words on short clips). The
    encoder's cost grows with its window, not with the speech."""
    return int(min(FULL_WINDOW_S, max(shortest, math.ceil(duration + 1))))


def without_loops(text: str) -> str:
    """A phrase said four or more times in a row, once: what a decoder stuck in a loop
    writes ("to understand, to understand, ..."), never what a person meant."""
    return LOOP.sub(r"\1", text)


def split_long(audio: np.ndarray, rate: int = RATE) -> list[np.ndarray]:
    """Speech longer than one window, cut at its quietest moments into pieces of at most
    ``LONGEST_S``, so no part of it falls between two windows (long dictation loses nothing)."""
    longest, shortest, grain = int(LONGEST_S * rate), int(SHORTEST_CUT_S * rate), rate // 100
    pieces, start = [], 0
    while len(audio) - start > longest:
        span = audio[start + shortest : start + longest]
        n = len(span) // grain
        energy = np.convolve((span[: n * grain].reshape(n, grain) ** 2).mean(axis=1), np.ones(20), "same")
        cut = start + shortest + int(np.argmin(energy)) * grain
        pieces.append(audio[start:cut])
        start = cut
    return [*pieces, audio[start:]]


def rejection(text: str, no_speech_prob: float, avg_logprob: float, settings: SttSettings) -> str | None:
    """Why a transcript should count as nothing heard, or None when it is a real utterance."""
    if not text:
        return "no speech"
    if ALWAYS_HALLUCINATED.search(text):
        return "hallucination"
    plain = re.sub(r"[^\w\s']", "", text.lower()).strip()
    confident = no_speech_prob < 0.1 and avg_logprob > -0.4
    if plain in OFTEN_HALLUCINATED and not confident:
        return "hallucination"
    if avg_logprob < settings.logprob_threshold * 2:
        return "low confidence"
    return None
