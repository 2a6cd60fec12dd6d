"""Keyboard chat's terminal: a sign that she is thinking, and what you type kept out of her line.

On a terminal, a "thinking…" spinner shows from your Enter until her first words, which then
come after her name (her name is written only then, so nothing else lands between it and her
words). Keys typed while she answers are not echoed into her line: the terminal's echo is off
until she is done. They are not lost: the line editor shows them after the next "you ›", to
finish and send. Piped input and output get none of this, only the plain lines.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from samantha.runtime import leaving


def line_editor() -> None:
    """On a terminal, ``input()`` edits lines (and shows what was typed ahead): GNU readline."""
    if sys.stdin.isatty():
        try:
            import readline  # noqa: F401  # importing it is what switches it on
        except ImportError:  # a Python built without it: plain lines still work
            pass


@contextmanager
def answering(name: str, out: TextIO = sys.stdout) -> Iterator[Callable[[], None]]:
    """While she answers: the thinking sign (on a terminal) and the echo off. Yields what to call
    when her first words arrive: the sign goes, her name is written."""
    spinner = _thinking(out)
    done = False

    def first() -> None:
        nonlocal done
        if not done:
            done = True
            if spinner is not None:
                spinner.stop()  # transient: erased, the line is hers again
            out.write(f"{name} › ")
            out.flush()

    with _unechoed(sys.stdin):
        try:
            yield first
        finally:
            if spinner is not None and not done:
                spinner.stop()


def _thinking(out: TextIO):
    """A transient spinner on ``out``, started, if ``out`` is a terminal; else None."""
    if not out.isatty():
        return None
    from rich.console import Console
    from rich.live import Live
    from rich.spinner import Spinner

    live = Live(Spinner("dots", "[dim]thinking…[/]"), console=Console(file=out, highlight=False), transient=True,
                refresh_per_second=12.5, redirect_stdout=False, redirect_stderr=False)
    live.start(refresh=True)  # shown now, not at the first tick
    return live


@contextmanager
def _unechoed(stream: TextIO) -> Iterator[None]:
    """The terminal's echo off while the block runs, and back on after, even on a hard exit."""
    try:
        import termios

        fd = stream.fileno()
        before = termios.tcgetattr(fd) if stream.isatty() else None
    except (ImportError, OSError, ValueError):  # not a terminal, or not a platform with termios
        before = None
    if before is None:
        yield
        return
    quiet = list(before)
    quiet[3] &= ~termios.ECHO  # local modes: no echo; Ctrl+C still interrupts

    def restore() -> None:
        termios.tcsetattr(fd, termios.TCSANOW, before)

    termios.tcsetattr(fd, termios.TCSANOW, quiet)
    with leaving.restoring(restore):
        try:
            yield
        finally:
            restore()
