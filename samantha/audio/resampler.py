"""Resampling to the frames' 16 kHz, streaming, with nothing held back.

soxr's streams hold back the newest input (21 ms at its default quality, from 44.1 kHz), and
every millisecond of that is a millisecond later that the VAD hears the user start or stop
and the canceller gets her voice. So both the microphone and the canceller's far end use this
one: each sample out as soon as its input is in.

It runs in the microphone's audio callback and on every block she plays, all day: so the
filter is worked out only where an output sample needs it (from 48 kHz, every third input
sample, with nothing to interpolate), not on every input sample.
"""

from __future__ import annotations

import math

import numpy as np

from samantha.core.frames import RATE


class Resampler:
    """A device's rate to 16 kHz: a windowed-sinc low-pass at 7.2 kHz, then linear
    interpolation. Its delay is fixed, 31 input samples (0.65 ms at 48 kHz)."""

    TAPS = 63

    def __init__(self, rate: int):
        self.rate, self._step = rate, rate / RATE
        self._stride = int(self._step) if self._step.is_integer() else 0  # from 48 kHz: every third filtered sample
        n = np.arange(self.TAPS) - (self.TAPS - 1) / 2
        cut = min(0.45 * RATE, 0.45 * rate) / rate  # cycles per input sample
        taps = 2 * cut * np.sinc(2 * cut * n) * np.hamming(self.TAPS)
        self._taps = (taps / taps.sum()).astype(np.float32)[::-1].copy()  # reversed: a convolution, as dot products
        self._raw = np.zeros(self.TAPS - 1, np.float32)  # input not yet passed by the output, with the filter's history
        self._pos = 0.0  # where the next output sample falls, in filtered samples (the n-th needs _raw[n:n + TAPS])
        self._quiet: bool | None = True  # _raw holds only zeros (``quiet``; None: not yet looked at)

    def __call__(self, audio: np.ndarray) -> np.ndarray:
        if self.rate == RATE:
            return audio
        if not audio.any() and self.quiet:
            return np.zeros(self.skip(len(audio)), np.float32)  # an idle speaker's zeros (most of the time)
        raw = np.concatenate([self._raw, audio], dtype=np.float32)
        filtered = len(raw) - self.TAPS + 1
        count = self._count(filtered)
        if self._stride:  # each output falls on a filtered sample: nothing to interpolate
            out = np.dot(self._windows(raw, int(self._pos), count, self._stride), self._taps)
        else:
            at = self._pos + self._step * np.arange(count)
            i = at.astype(np.int64)
            frac = (at - i).astype(np.float32)
            windows = self._windows(raw, 0, filtered, 1)
            out = np.dot(windows[i], self._taps)
            out += frac * (np.dot(windows[i + 1], self._taps) - out)
        self._advance(count, raw)
        return out

    def _windows(self, raw: np.ndarray, first: int, count: int, stride: int) -> np.ndarray:
        """``count`` filtered samples' inputs, every ``stride``-th from ``first``: one row of
        ``raw`` each, a view, not a copy (numpy's own ``sliding_window_view`` costs more than
        the filtering)."""
        size = raw.itemsize
        return np.ndarray((count, self.TAPS), raw.dtype, raw, first * size, (stride * size, size))

    @property
    def quiet(self) -> bool:
        """Does it hold only zeros, so that zeros in give only zeros out (``skip``)? Worked out
        once after sound, then kept: asked on every block an idle speaker plays."""
        if self._quiet is None:
            self._quiet = not self._raw.any()
        return self._quiet

    def skip(self, n: int) -> int:
        """``n`` zeros in, while ``quiet``: how many zeros ``__call__`` would give out, with none
        of its work (the canceller's far end runs on an idle speaker's silence)."""
        if self.rate == RATE:
            return n
        filtered = len(self._raw) + n - self.TAPS + 1
        count = self._count(filtered)
        self._pos += self._step * count
        drop = min(int(self._pos), filtered)
        if (kept := len(self._raw) + n - drop) != len(self._raw):  # zeros all: only the length can change
            self._raw = np.zeros(kept, np.float32)
        self._pos -= drop
        return count

    def _count(self, filtered: int) -> int:
        """Output samples that fall within ``filtered`` filtered samples (the last one needs the
        next for its interpolation)."""
        return math.ceil((filtered - 1 - self._pos) / self._step) if filtered - 1 > self._pos else 0

    def _advance(self, count: int, raw: np.ndarray) -> None:
        self._pos += self._step * count
        drop = min(int(self._pos), len(raw) - self.TAPS + 1)  # the next output may fall past what is in: keep counting from there
        self._raw, self._pos, self._quiet = raw[drop:], self._pos - drop, None
