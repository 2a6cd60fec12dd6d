"""What the voice loop shows in the terminal: state changes, both sides of the transcript, and
with ``--verbose`` where each turn's time went."""

from __future__ import annotations

import sys

from rich.console import Console

from samantha.core.latency import TurnTimes
from samantha.core.turns import State

_COLOURS = {State.LISTENING: "green", State.USER_SPEAKING: "cyan", State.THINKING: "yellow",
            State.SPEAKING: "magenta", State.SLEEPING: "blue"}


class Terminal:
    def __init__(self, console: Console | None = None, verbose: bool = False):
        self.console = console or Console(highlight=False, soft_wrap=True)  # long lines stay whole
        self.verbose = verbose
        self._replying = False

    def status(self, state: State) -> None:
        if state is not State.SPEAKING or not self._replying:  # the reply text says it already
            self._end_reply()
            self.console.print(f"[{_COLOURS[state]}]· {state.value}[/]")

    def user(self, text: str) -> None:
        self._end_reply()
        self.console.print(f"[bold cyan]you[/] › {text}")

    def assistant(self, delta: str) -> None:
        if not self._replying:
            self._replying = True
            self.console.print("[bold magenta]samantha[/] › ", end="")
        sys.stdout.write(delta)
        sys.stdout.flush()
        if delta.endswith("\n"):
            self._replying = False

    def note(self, text: str) -> None:
        self._end_reply()
        self.console.print(f"[dim]{text}[/]")

    def latency(self, times: TurnTimes) -> None:
        if self.verbose:
            self.note(times.line())

    def _end_reply(self) -> None:
        if self._replying:
            sys.stdout.write("\n")
            self._replying = False
