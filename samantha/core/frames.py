"""The audio format everything downstream of the microphone works in, defined once, and the
value audio travels in between the voice, the speaker and the rest (``AudioChunk``).

16 kHz mono float32, in frames of 512 samples (32 ms): the frame Silero's VAD is trained on,
and the grain of every decision the voice loop makes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RATE = 16000
FRAME = 512
FRAME_S = FRAME / RATE


@dataclass(frozen=True)
class Frame:
    audio: np.ndarray  # FRAME float32 samples, 16 kHz mono
    t: float  # stream time of its first sample, seconds since the microphone opened
    at: float = 0.0  # monotonic time it arrived from the device
    stream: int = 0  # which of the microphone's streams it came from (a new one after each reopen)


@dataclass(frozen=True)
class AudioChunk:
    """Mono float32 audio in [-1, 1] at ``sample_rate``."""

    audio: np.ndarray
    sample_rate: int

    @property
    def duration_s(self) -> float:
        return len(self.audio) / self.sample_rate
