"""Resampling to the frames' 16 kHz, streaming, with nothing held back.

soxr's streams hold back the newest input (21 ms at its default quality, from 44.1 kHz), and
every millisecond of that is a millisecond later that the VAD hears the user start or stop
and the canceller gets her voice. So both the microphone and the canceller's far end use this
one: each sample out as soon as its input is in.
"""

from __future__ import annotations

import numpy as np

from samantha.core.frames import RATE


class Resampler:
    """A device's rate to 16 kHz: a windowed-sinc low-pass at 7.2 kHz, then linear
    interpolation. Its delay is fixed, 31 input samples (0.65 ms at 48 kHz)."""

    TAPS = 63

    def __init__(self, rate: int):
        self.rate, self._step = rate, rate / RATE
        n = np.arange(self.TAPS) - (self.TAPS - 1) / 2
        cut = min(0.45 * RATE, 0.45 * rate) / rate  # cycles per input sample
        taps = 2 * cut * np.sinc(2 * cut * n) * np.hamming(self.TAPS)
        self._taps = (taps / taps.sum()).astype(np.float32)
        self._history = np.zeros(self.TAPS - 1, np.float32)
        self._low = np.zeros(0, np.float32)  # low-passed input not yet passed by the output
        self._pos = 0.0  # where the next output sample falls in ``_low``

    def __call__(self, audio: np.ndarray) -> np.ndarray:
        if self.rate == RATE:
            return audio
        if not audio.any() and not self._history.any() and not self._low.any():
            return self._silence(len(audio))  # an idle speaker's zeros (most of the time)
        both = np.concatenate([self._history, audio])
        self._history = both[len(both) - (self.TAPS - 1):]
        low = np.concatenate([self._low, np.convolve(both, self._taps, mode="valid").astype(np.float32)])
        count = self._count(len(low))
        at = self._pos + self._step * np.arange(count)
        i = at.astype(np.int64)
        frac = (at - i).astype(np.float32)
        out = low[i] * (1 - frac) + low[i + 1] * frac
        self._advance(count, low)
        return out

    def _silence(self, n: int) -> np.ndarray:
        """Zeros in with only zeros held: zeros out, as many as ``__call__`` would give, with
        none of its work (the canceller's far end runs on an idle speaker's silence)."""
        count = self._count(len(self._low) + n)
        self._advance(count, np.zeros(len(self._low) + n, np.float32))
        return np.zeros(count, np.float32)

    def _count(self, low: int) -> int:
        """Output samples that fall within ``low`` low-passed input samples."""
        return int(np.ceil((low - 1 - self._pos) / self._step)) if low - 1 > self._pos else 0

    def _advance(self, count: int, low: np.ndarray) -> None:
        self._pos += self._step * count
        drop = min(int(self._pos), len(low))  # the next output may fall past what is in: keep counting from there
        self._low, self._pos = low[drop:], self._pos - drop
