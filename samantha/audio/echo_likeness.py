"""Is there anything in the microphone but her own voice? The share of what it heard that
short filters of what she played explain: near 1 when it holds her echo and nothing else, about
a half with a user speaking at her echo's level, less the louder they are.

Why: at her phrase starts the canceller's residue can flare while it relearns a path that
moved (the devices' clocks drift), loud enough for the gate and the VAD to take her for the
user. A level can't tell those flares from a user speaking at her echo's level; what the
microphone heard before the canceller can: during a flare, nothing but her. (The residue
itself was tried first: it is shaped by the canceller's suppression, and only 22 % of her
loud residue frames were mostly a copy of her voice, while one of the user's reached 0.6; on
the test devices the microphone's own sound was 0.99-1.0 hers in every flare that would have
opened the gate, the user's opening frames 0.05-0.46.) Two filters are fitted, each where her
voice best matches what is left (the direct sound, then its strongest reflection). Shares are
of the plain energy: weighting the high notes (pre-emphasis) made other voices fit less by
chance, but a user with a duller voice than hers then counted for less than her echo at the
same loudness. A real room's reverberation spreads her echo over more than ``TAPS``, so there
less of it is explained and the gate is simply no stricter than without this: it never holds
back, on this alone, a sound with much more than her voice in it.
"""

from __future__ import annotations

import numpy as np

TAPS = 17  # each filter: 1 ms around a lag where her voice matches (16 kHz)
PATHS = 2  # filters fitted: the direct sound and its strongest reflection


def likeness(heard: np.ndarray, played: np.ndarray, taps: int = TAPS) -> float:
    """The share (0 to 1) of ``heard``'s energy that ``PATHS`` filters of ``played``, ``taps``
    long, explain. ``played`` is her voice as the canceller was fed it, ending no earlier than
    ``heard`` does: every window of it as long as ``heard`` is a lag tried (her echo comes back
    after she plays it, so ``played`` reaches as far back as her echo can take)."""
    heard, played = np.asarray(heard, np.float64), np.asarray(played, np.float64)
    n, m = len(heard), len(played) - len(heard)
    energy = float(np.dot(heard, heard))
    if m < 0 or energy <= 1e-12 or float(np.dot(played, played)) <= 1e-12:
        return 0.0
    shifted = np.lib.stride_tricks.sliding_window_view(played, n)  # (lags, n)
    ends = np.concatenate([[0.0], np.cumsum(np.square(played))])
    windows = np.maximum(ends[n:] - ends[: m + 1], 1e-12)  # each lag's energy of her voice
    rest, lags, explained = heard, np.zeros(0, int), 0.0
    for _ in range(PATHS):
        best = int(np.argmax(np.square(_matched(played, rest)) / windows))
        lags = np.union1d(lags, np.arange(max(0, best - taps // 2), min(m, best + taps // 2) + 1))
        basis = shifted[lags]  # (lags, n)
        gram, toward = basis @ basis.T, basis @ heard  # least squares by its normal equations: small
        fit = np.linalg.solve(gram + 1e-9 * np.trace(gram) * np.eye(len(lags)), toward)
        explained, rest = float(fit @ toward), heard - fit @ basis
    return float(np.clip(explained / energy, 0.0, 1.0))


def _matched(played: np.ndarray, heard: np.ndarray) -> np.ndarray:
    """``heard`` against every window of ``played``, by FFT: one number per lag."""
    m = len(played) - len(heard)
    size = 1 << int(np.ceil(np.log2(len(played) + len(heard))))
    return np.fft.irfft(np.fft.rfft(played, size) * np.conj(np.fft.rfft(heard, size)), size)[: m + 1]
