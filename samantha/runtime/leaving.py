"""Leaving: Ctrl+C and SIGTERM end every command within about a second, whatever she is doing.

Python turns a signal into an exception raised at whatever line the main thread runs next.
That fails in two ways. The main thread may be deep in C (a model loading, llama.cpp reading a
long prompt) and only notices when it comes back. And an exception raised where Python
swallows exceptions is simply lost: CPython prints "Exception ignored in …" and goes on, when
the line happens to be a finalizer the garbage collector runs (llama.cpp's samplers are freed
that way, on whichever thread allocates next, often the voice loop) or a callback from C code.
The voice loop then carried on as if nothing had been pressed. So:

- while the voice loop runs (``stop_on``), a signal only sets its stop flag: nothing is raised,
  so nothing can be swallowed, and the loop winds up cleanly at its next pass (0.1 s);
- elsewhere Ctrl+C raises KeyboardInterrupt as it always did (it stops a keyboard reply, ends a
  download), and SIGTERM raises SystemExit(143);
- in every case a guard thread, woken by the signal itself (Python's wakeup fd is written by the
  C-level handler at once, even while the main thread is stuck in C), ends the process with
  ``os._exit`` if it is still there ``GRACE_S`` later, after putting the terminal back. A second
  signal ends it at once. A kernel timer backs the guard up in case even it cannot run.

Nothing said is lost by leaving early: every message is committed the moment it is final.
Exit codes: Ctrl+C in a conversation is how one leaves (0, after "bye"); otherwise 130 for
Ctrl+C and 143 for SIGTERM, as shells expect.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

GRACE_S = 1.0  # from the signal to the hard exit, if winding up stalls
NUDGE_S = 0.1  # a signal Python's handler has not seen by then is handed to the main thread
BACKSTOP_S = 3.0  # the kernel ends the process (SIGALRM) if even the guard cannot
SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _State:
    def __init__(self) -> None:
        self.flag: threading.Event | None = None  # the voice loop's stop flag, while it runs
        self.signalled: int | None = None  # the first signal that asked to leave
        self.local = 0  # inside a keyboard reply: Ctrl+C stops only the reply
        self.arrived = self.handled = 0  # signals the guard saw, and that Python's handler ran for
        self.nudged, self.nudged_for = 0, False  # signals sent on to the main thread (see _nudge)
        self.restorers: list[Callable[[], None]] = []  # run before a hard exit (the terminal's echo)


_state = _State()


def _on_signal(signum: int, _frame: object) -> None:
    """Python's handler, on the main thread: it decides whether the signal means leaving (a
    Ctrl+C in a keyboard reply only stops the reply), then sets the loop's flag, or raises."""
    _state.handled += 1
    if signum == signal.SIGTERM or not _state.local or _state.flag is not None:
        _state.signalled = _state.signalled or signum
        signal.setitimer(signal.ITIMER_REAL, BACKSTOP_S)  # SIGALRM, left to its default: the end
    if _state.flag is not None:
        _state.flag.set()
        return
    if signum == signal.SIGTERM:
        raise SystemExit(143)
    raise KeyboardInterrupt


@contextmanager
def watched() -> Iterator[None]:
    """Signals handled as above while the block runs (the whole command). Off the main thread,
    or for a signal the process was started ignoring (``nohup``, a background job), nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    read, write = os.pipe()
    os.set_blocking(write, False)
    guard = threading.Thread(target=_guard, args=(read,), name="leaving", daemon=True)
    guard.start()
    before_fd = signal.set_wakeup_fd(write, warn_on_full_buffer=False)
    before = {s: signal.getsignal(s) for s in SIGNALS}
    for s in SIGNALS:  # last: from here on a signal may come
        if before[s] is not signal.SIG_IGN:
            signal.signal(s, _on_signal)
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
        signal.set_wakeup_fd(before_fd)
        os.close(write)  # the guard reads the end of the pipe and stops
        guard.join(timeout=1)
        os.close(read)


def _guard(fd: int) -> None:
    """Wake at each signal; GRACE_S later, if it meant leaving and the process is still here, end it."""
    deadline, last = None, 0
    while True:
        timeout = None if deadline is None else max(0.0, min(deadline, _nudge_at(deadline)) - time.monotonic())
        if not select.select([fd], [], [], timeout)[0]:
            if deadline is not None and time.monotonic() < deadline:
                _nudge(last)
            elif _leaving(last):
                _hard_exit(last)
            else:
                deadline = None  # it only stopped a keyboard reply
            continue
        data = os.read(fd, 64)
        if not data:
            return
        for signum in (s for s in data if s in SIGNALS):
            if _state.nudged:  # our own nudge, not the user's second signal
                _state.nudged -= 1
                continue
            _state.arrived += 1
            if deadline is not None and _leaving(signum):
                _hard_exit(signum)  # a second one: at once
            deadline, last = time.monotonic() + GRACE_S, signum
            _state.nudged_for = False


def _nudge_at(deadline: float) -> float:
    """When to hand the signal to the main thread, if Python's handler has not run by then."""
    return deadline - GRACE_S + NUDGE_S if _state.handled < _state.arrived and not _state.nudged_for else deadline


def _nudge(signum: int) -> None:
    """The kernel gave the signal to another thread, so the main thread sleeps on in a blocking
    read (``input()``) and Python's handler never runs: send it to the main thread itself, once."""
    _state.nudged_for = True
    if _state.handled < _state.arrived and threading.main_thread().ident is not None:
        _state.nudged += 1
        signal.pthread_kill(threading.main_thread().ident, signum)  # type: ignore[arg-type]


def _leaving(signum: int) -> bool:
    """Did the signal ask to leave? Python's handler says; if it has not run yet (the main thread
    is stuck in C), SIGTERM does, and Ctrl+C does unless it came during a keyboard reply."""
    if _state.signalled is not None:
        return True
    return _state.handled < _state.arrived and (signum == signal.SIGTERM or not _state.local)


def _hard_exit(signum: int) -> None:
    for restore in _state.restorers:
        try:
            restore()
        except Exception:
            pass
    os.write(2, b"(leaving at once: winding up took longer than a second)\n")
    os._exit(143 if signal.SIGTERM in (signum, _state.signalled) else 130)


def exit_code(ctrl_c: int) -> int:
    """What to exit with after a signal: ``ctrl_c`` for Ctrl+C, 143 for SIGTERM."""
    return 143 if _state.signalled == signal.SIGTERM else ctrl_c


def signalled() -> bool:
    """Has a signal asked the process to leave?"""
    return _state.signalled is not None


@contextmanager
def stop_on(flag: threading.Event) -> Iterator[threading.Event]:
    """While the block runs, Ctrl+C and SIGTERM set ``flag`` (and raise nothing)."""
    _state.flag = flag
    try:
        if _state.signalled is not None:  # one came just before the loop began
            flag.set()
        yield flag
    finally:
        _state.flag = None


@contextmanager
def reply_only() -> Iterator[None]:
    """While the block runs (her keyboard reply), Ctrl+C stops the reply and does not leave."""
    _state.local += 1
    try:
        yield
    finally:
        _state.local -= 1


@contextmanager
def restoring(restore: Callable[[], None]) -> Iterator[None]:
    """``restore`` runs before a hard exit while the block runs (so a terminal never stays mute)."""
    _state.restorers.append(restore)
    try:
        yield
    finally:
        _state.restorers.remove(restore)


def finish(code: int) -> int:
    """After a signal, leave without the interpreter's own shutdown (a native thread or an
    extension's exit hook can hold it up); otherwise just return ``code``."""
    if _state.signalled is None:
        return code
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(code)
