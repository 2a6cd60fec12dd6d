"""The echo canceller's far end: her voice at 16 kHz on a timeline dated by when it is heard.

An idle speaker plays zeros all day, and the canceller must keep its timeline through them
(a moved timeline is a jump in her echo's path: ``echo_canceller.Stamps``). So silence at the
end of the timeline is kept as a count, not as samples: at rest, in a quiet room, the
timeline runs on by arithmetic, and zeros are made only when sound follows them or a block
of them is fed.
"""

from __future__ import annotations

import numpy as np

from samantha.core.frames import RATE

KEEP = 2 * RATE  # samples kept at most: her echo comes back well within that


class FarEnd:
    """Samples, then a run of silence, ending at ``end`` (the monotonic time just after the last
    one is heard)."""

    def __init__(self) -> None:
        self._sound = np.zeros(0, np.float32)
        self._silence = 0  # zeros after ``_sound``, counted, not made
        self.end = 0.0

    def __len__(self) -> int:
        return len(self._sound) + self._silence

    def peak(self) -> float:
        """Its loudest sample's magnitude (0 for silence)."""
        return float(np.max(np.abs(self._sound))) if len(self._sound) else 0.0

    def add(self, audio: np.ndarray) -> None:
        """Her next samples, heard from ``end`` on."""
        if not audio.any():
            self.add_silence(len(audio))
            return
        self._sound = np.concatenate([self._sound, np.zeros(self._silence, np.float32), audio])
        self._silence = 0
        self._went_on(len(audio))

    def add_silence(self, n: int) -> None:
        """``n`` samples of silence next: counted, not made."""
        self._silence += n
        self._went_on(n)

    def _went_on(self, n: int) -> None:
        self.end += n / RATE
        if len(self) > KEEP:
            self._drop(len(self) - KEEP)

    def restart(self, at: float) -> None:
        """The timeline goes on from ``at``: silence up to it, or what was dated past it cut
        (a new stream, a gap after an underrun). A second or more of gap starts it empty."""
        gap = round((at - self.end) * RATE)
        if gap > RATE or not len(self):
            self._sound, self._silence = self._sound[:0], 0
        elif gap > 0:
            self._silence += gap
        else:
            cut = min(-gap, len(self))
            silence = min(cut, self._silence)
            self._silence -= silence
            self._sound = self._sound[: len(self._sound) - (cut - silence)]
        self.end = at

    def take(self, t: float, size: int) -> np.ndarray:
        """The ``size`` samples heard from ``t`` (zeros where she played nothing); what comes
        before them is dropped."""
        i = self._index(t)
        block = np.zeros(size, np.float32)
        lo, hi = max(i, 0), min(i + size, len(self._sound))
        if hi > lo:
            block[lo - i:hi - i] = self._sound[lo:hi]
        self._drop(i + size)
        return block

    def skip(self, t: float, size: int) -> None:
        """``take`` with nothing made: resting, her silence is dropped, not fed."""
        self._drop(self._index(t) + size)

    def _index(self, t: float) -> int:
        return round((t - self.end) * RATE) + len(self)

    def _drop(self, n: int) -> None:
        """The first ``n`` samples gone (none when ``n`` < 0, all when beyond the end)."""
        n = min(max(n, 0), len(self))
        if sound := min(n, len(self._sound)):  # (not when only silence goes: at rest, 100 times a second)
            self._sound = self._sound[sound:]
        self._silence -= n - sound
