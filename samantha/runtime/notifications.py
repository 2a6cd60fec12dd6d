"""Desktop notifications: a reminder, timer or alarm she says is also posted to the desktop,
so it is seen by someone who was out of earshot.

Through ``desktop-notifier`` (on Linux, D-Bus on the user's session bus: local IPC, not the
network). It is asyncio-based, so it runs on a daemon thread of its own with its own event
loop, started at the first post: posting never waits on the bus, never raises into the
conversation, and where there is no session bus or no notification service it is skipped,
with at most one line for ``--verbose`` and nothing for the user to act on.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

APP_NAME = "Samantha"
LOGGER = logging.getLogger("desktop_notifier")
CONNECT_S = 3.0  # the longest the bus may take to answer a post (local IPC: milliseconds)


class Notifier:
    def __init__(self, enabled: bool = True, note: Callable[[str], None] | None = None):
        """Cheap: nothing is imported or connected until the first ``post``. ``note`` hears,
        once, why notifications are skipped (``--verbose``)."""
        self.enabled, self._note = enabled, note
        self._loop: asyncio.AbstractEventLoop | None = None
        self._notifier: Any = None
        self._lock = threading.Lock()
        self._told = False
        self._failed: logging.Handler | None = None

    def post(self, title: str, body: str) -> Future[bool] | None:
        """Post ``body`` under ``title`` in the background; the future says whether it was delivered."""
        if not self.enabled:
            return None
        try:
            loop = self._start()
            return asyncio.run_coroutine_threadsafe(self._send(title, body), loop) if loop else None
        except Exception as exc:  # a library missing or broken: skipped, as with no bus
            self._skip(f"{type(exc).__name__}: {exc}")
            return None

    def _start(self) -> asyncio.AbstractEventLoop | None:
        """The notifier's own thread and event loop, made once; None where there is no session bus."""
        with self._lock:
            if self._loop is not None or not self.enabled:
                return self._loop
            if os.name == "posix" and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
                self._skip("no session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
                return None
            from desktop_notifier import DesktopNotifier

            self._notifier = DesktopNotifier(app_name=APP_NAME, app_icon=None)
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="notifications", daemon=True)
            thread.start()
            self._failed = _Failed(self._skip, thread.ident)
            LOGGER.addHandler(self._failed)  # it logs a failed post (with a traceback), never raises
            LOGGER.propagate = False
            self._loop = loop
            return loop

    async def _send(self, title: str, body: str) -> bool:
        """One notification; False (and notifications off for the session) if the bus or the service is not there."""
        try:
            await asyncio.wait_for(self._notifier.send(title=title, message=body), CONNECT_S)
        except Exception as exc:  # the bus too slow to answer
            self._skip(f"{type(exc).__name__}: {exc}".rstrip(": "))
        return self.enabled

    def _skip(self, why: str) -> None:
        """No notifications this session; say why once, for ``--verbose``."""
        self.enabled = False
        if self._note is not None and not self._told:
            self._told = True
            self._note(f"(desktop notifications skipped: {why})")

    def close(self) -> None:
        self.enabled = False
        loop, self._loop = self._loop, None
        if loop is not None:
            loop.call_soon_threadsafe(loop.stop)
        if self._failed is not None:
            LOGGER.removeHandler(self._failed)


class _Failed(logging.Handler):
    """desktop-notifier's warnings (a bus that refuses, no notification service) as one skip."""

    def __init__(self, skip: Callable[[str], None], thread: int | None):
        super().__init__(logging.WARNING)
        self._skip, self._thread = skip, thread

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self._thread:  # another notifier's
            return
        error = record.exc_info[1] if record.exc_info else None
        self._skip(f"{type(error).__name__}: {error}" if error else record.getMessage())
