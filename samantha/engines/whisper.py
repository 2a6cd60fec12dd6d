"""Speech-to-text on faster-whisper, tuned for short conversational turns.

Greedy decoding, fixed language, no timestamps and no conditioning on earlier text: the
fastest settings that keep accuracy for a turn of a few seconds. Whisper writes text even
for silence and noise, so a guard turns quiet audio, low-confidence output and its stock
hallucinations into "nothing heard" instead of a reply-worthy sentence.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from samantha.config import SttSettings
from samantha.core.frames import RATE
from samantha.engines.base import Transcript
from samantha.errors import model_problem

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

        try:
            model = WhisperModel(
                str(model_dir), device="cpu", compute_type="int8",
                cpu_threads=settings.threads, local_files_only=True,
            )
        except Exception as exc:  # ctranslate2 raises RuntimeError/ValueError with terse texts
            raise model_problem(model_dir, f"The Whisper model cannot be loaded, it looks corrupt ({exc})") from exc
        return cls(model, settings)

    def transcribe(self, audio: np.ndarray) -> Transcript:
        audio = np.ascontiguousarray(audio, dtype=np.float32).reshape(-1)
        duration = len(audio) / self.sample_rate
        if len(audio) == 0 or float(np.sqrt(np.mean(audio**2))) < self._settings.min_rms:
            return Transcript("", 1.0, 0.0, duration, rejected="too quiet")
        segments, _ = self._model.transcribe(
            audio, language=self._settings.language, beam_size=1, temperature=0.0,
            without_timestamps=True, condition_on_previous_text=False, vad_filter=False,
            no_speech_threshold=self._settings.no_speech_threshold,
            log_prob_threshold=self._settings.logprob_threshold,
        )
        segments = list(segments)  # decoding is lazy: this is where the work happens (and the
        # segments Whisper itself judged silent, by the thresholds above, are already gone)
        if not segments:
            return Transcript("", 1.0, 0.0, duration, rejected="no speech")
        no_speech = max(s.no_speech_prob for s in segments)
        logprob = float(np.mean([s.avg_logprob for s in segments]))
        text = " ".join(s.text.strip() for s in segments).strip()
        return Transcript(text, no_speech, logprob, duration, rejected=rejection(text, no_speech, logprob, self._settings))


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
