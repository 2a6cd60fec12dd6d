"""What she played, block by block, for the echo gate (``core/echo_gate.py``)."""

from __future__ import annotations

import threading
from collections import deque

from samantha.core.echo_gate import WINDOW_S


class PlayedLevels:
    """What she played, block by block: (monotonic time it is heard, RMS). Written by the
    speaker's callback, read by the gate on the loop thread."""

    def __init__(self, seconds: float = 2 * WINDOW_S, block_s: float = 0.01):
        self._blocks: deque[tuple[float, float]] = deque(maxlen=int(seconds / block_s) + 1)
        self._lock = threading.Lock()

    def add(self, t: float, rms: float) -> None:
        with self._lock:
            self._blocks.append((t, rms))

    def playing(self, at: float, within: float = 0.05) -> bool:
        """Was she sounding just now (not paused for the user, not finished)?"""
        with self._lock:
            return bool(self._blocks) and self._blocks[-1][0] >= at - within

    def loudest(self, since: float, until: float) -> float:
        with self._lock:
            return max((rms for t, rms in self._blocks if since <= t <= until), default=0.0)
