"""Devices that come and go: notice a stream that stopped, say so, reopen it every few seconds.

A running PortAudio stream calls back every 10–32 ms, whatever the device hears or plays; a
headset pulled out (or a sound server that drops a device) simply stops the calls, or fails
them. So a device is lost after ``STALL_S`` without a call, and is tried again every
``RETRY_S``: on the same device name first, else on the system default. It is back when the
new stream has actually called back. The conversation itself is untouched throughout.

A late callback is not a lost device. On a machine whose cores are all busy, an output
underrun makes ALSA's PulseAudio plugin go silent for ~1.9 s before it recovers (measured:
a 20 ms buffer, six busy processes on two cores, one to four such stalls in 15 s; the
microphone's stream stayed within 0.14 s). So ``STALL_S`` is well above that, and the
stall clock starts again whenever the watcher itself was starved of time, since then it
cannot tell a silent device from its own lateness.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from samantha.audio import devices

STALL_S = 3.5  # no callback for this long: the device is gone
LATE_CHECK_S = 0.5  # the watcher itself ran this late: the machine is starved, judge nothing yet
FIRST_CALL_S = 3.0  # a stream just opened may take over a second to start calling back
RETRY_S = 2.0


class Liveness:
    """When a stream was opened and last called back (monotonic seconds), and how often since.

    PortAudio calls back once at the start to fill the device buffer, then often not for a
    second or so; so a new stream has ``FIRST_CALL_S`` of grace, and only ``FLOWING`` calls
    show that audio really flows."""

    FLOWING = 10  # 100-320 ms of steady audio: by then the sound server has said where it is

    def __init__(self) -> None:
        self.opened_at = self.last_call = time.monotonic()
        self.calls = 0

    def opened(self) -> None:
        self.opened_at, self.calls = time.monotonic(), 0

    def call(self, now: float) -> None:
        """From the stream's callback."""
        self.last_call, self.calls = now, self.calls + 1

    @property
    def flowing(self) -> bool:
        return self.calls >= self.FLOWING

    def alive(self, now: float) -> bool:
        return now - self.opened_at < FIRST_CALL_S or (self.calls > 0 and now - self.last_call < STALL_S)


class KeptStream:
    """What the microphone and the speaker share: one PortAudio stream (``_stream``, None while
    its device is away) that ``_open(device)`` opens on a device name, and ``drop`` closes."""

    device: str  # the name it was asked for ('' = the system default)
    life: Liveness
    _stream: Any

    def _open(self, device: str) -> None: ...
    def drop(self) -> None: ...

    def alive(self, now: float) -> bool:
        return self._stream is not None and self.life.alive(now)

    def calling(self) -> bool:
        return self._stream is not None and self.life.flowing

    def reopen(self) -> bool:
        """A new stream: on the device asked for, else the system default; False if neither yet."""
        self.drop()
        return devices.open_either(self._open, self.device)


@runtime_checkable
class Kept(Protocol):
    """A device stream that can be watched and reopened (the microphone, the speaker)."""

    name: str  # what to call it in messages

    def alive(self, now: float) -> bool: ...
    def calling(self) -> bool: ...  # audio flows on the current stream (see Liveness)
    def drop(self) -> None: ...  # close the dead stream; until reopened, the device does nothing
    def reopen(self) -> bool: ...  # a new stream on the chosen device, else the default


class Keeper:
    """Watches one device from the loop thread: ``check`` is cheap and called often.

    ``misplaced`` is for what the stream cannot tell: the sound server has moved it somewhere
    useless (see sound_server.py); it counts as lost. ``ready`` says whether trying again now
    can succeed (by default: always try).
    """

    def __init__(self, kind: str, device: Kept, report: Callable[[Keeper, bool], None],
                 ready: Callable[[], bool] = lambda: True):
        self.kind, self.device, self.report, self.ready = kind, device, report, ready  # report(self, back)
        self.lost = self.misplaced = False
        self._reopened = False  # a new stream is open, not yet heard from
        self._retry_at = 0.0
        self._checked = self._judge_from = float("-inf")  # the last check; when a stall may count from

    def check(self, now: float) -> None:
        if now - self._checked > LATE_CHECK_S:  # starved (or first): a silence so far proves nothing
            self._judge_from = now + STALL_S
        self._checked = now
        if not self.lost:
            if self.misplaced or (now >= self._judge_from and not self.device.alive(now)):
                self.lost, self._retry_at = True, now + RETRY_S
                self.device.drop()
                self.report(self, False)
            return
        if self._reopened and self.device.calling() and not self.misplaced:
            self.lost = self._reopened = False
            self.report(self, True)
        elif self._reopened and (self.misplaced or not self.device.alive(now)):  # nothing came, or not there
            self._reopened = False
            self.device.drop()
        elif not self._reopened and now >= self._retry_at:
            self._retry_at = now + RETRY_S
            self._reopened = self.ready() and self.device.reopen()
