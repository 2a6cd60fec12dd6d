"""Text-to-speech on piper: one class, load once, synthesize clause by clause.

Text is cleaned for speech first (markdown, emoji, URLs, times, abbreviations). Piper's own
normalisation scales each sentence to full-scale peak, which makes loudness jump between
sentences; instead every chunk is brought to the same loudness of its *voiced* part (RMS
over frames above a floor, so pauses do not count) with a peak limit, so one reply sounds
even from its first clause to its last.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from samantha.config import TtsSettings
from samantha.core.speech_text import clean_for_speech
from samantha.engines.base import AudioChunk
from samantha.errors import model_problem

PEAK_LIMIT = 0.97


def voiced_rms(audio: np.ndarray, sample_rate: int) -> float:
    """RMS of the 20 ms frames within 30 dB of the loudest one: loudness of the speech itself."""
    frame = max(1, sample_rate // 50)
    n = len(audio) // frame
    if n == 0:
        return float(np.sqrt(np.mean(audio**2))) if len(audio) else 0.0
    energy = np.mean(audio[: n * frame].reshape(n, frame) ** 2, axis=1)
    voiced = energy[energy >= energy.max() * 1e-3]
    return float(np.sqrt(np.mean(voiced)))


def level(audio: np.ndarray, sample_rate: int, target_dbfs: float) -> np.ndarray:
    """Scale voiced RMS to ``target_dbfs``; never let a peak exceed ``PEAK_LIMIT``."""
    rms = voiced_rms(audio, sample_rate)
    if rms < 1e-6:
        return audio.astype(np.float32)
    gain = 10 ** (target_dbfs / 20) / rms
    peak = float(np.max(np.abs(audio))) * gain
    if peak > PEAK_LIMIT:
        gain *= PEAK_LIMIT / peak
    return (audio * gain).astype(np.float32)


class PiperSynthesizer:
    def __init__(self, voice, settings: TtsSettings):
        """Cheap: a piper voice already loaded (``load`` reads one from disk)."""
        from piper import SynthesisConfig

        self._voice = voice
        self.sample_rate = int(voice.config.sample_rate)
        self._config = SynthesisConfig(length_scale=1.0 / settings.speaking_rate, normalize_audio=False)
        self._loudness = settings.loudness_dbfs

    @classmethod
    def load(cls, onnx_path: Path, settings: TtsSettings) -> PiperSynthesizer:
        config_path = Path(f"{onnx_path}.json")
        if not onnx_path.is_file():
            raise model_problem(onnx_path, "The voice model file is missing")
        if not config_path.is_file():
            raise model_problem(config_path, "The voice has no config beside it (every piper .onnx needs its .onnx.json)")
        from piper import PiperVoice

        try:
            voice = PiperVoice.load(str(onnx_path), config_path=str(config_path))
        except Exception as exc:  # onnxruntime / json errors: the file is damaged either way
            raise model_problem(onnx_path, f"The voice cannot be loaded, it looks corrupt ({exc})") from exc
        return cls(voice, settings)

    def synthesize(self, text: str) -> Iterator[AudioChunk]:
        spoken = clean_for_speech(text)
        if not spoken:
            return
        for chunk in self._voice.synthesize(spoken, self._config):
            audio = np.asarray(chunk.audio_float_array, dtype=np.float32).reshape(-1)
            yield AudioChunk(level(audio, self.sample_rate, self._loudness), self.sample_rate)
