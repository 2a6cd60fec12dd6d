"""Reminders in a running conversation: the store's pending ones sent to the voice loop, and
what the loop decides (``Announce``, ``Told``) carried out; in keyboard chat, printed.

The decision when to speak is the pure core's (``core/announcer.py``); this edge only reads
the reminder book every ``POLL_S`` (so one added by voice, by keyboard or by ``samantha
reminders add`` from another terminal is seen within a second), puts each due time on the
session's clock, and marks what was said. Reminders that fell due while she was not
running are said first, together, once: "While I was away: …".
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TextIO

from samantha.conversation.reminders import Reminder
from samantha.conversation.skills import Skills
from samantha.core.messages import Announce, Command, Due, Message, Schedule, Told
from samantha.day import phrases
from samantha.runtime.notifications import Notifier

POLL_S = 1.0
MISSED = 0  # the id of the one "While I was away" announcement (the store's ids start at 1)
TITLES = {"reminder": "Reminder", "timer": "Timer", "alarm": "Alarm"}  # a desktop notification's, by kind


class Reminding:
    def __init__(self, skills: Skills | None, report: Callable[[Message], None], clock: Callable[[], float],
                 wall: Callable[[], float] = time.time, notifier: Notifier | None = None):
        """``report`` takes the ``Schedule`` for the loop; ``clock`` is the loop's, ``wall`` the epoch's;
        ``notifier`` posts what she says to the desktop too."""
        self.skills, self._report, self._clock, self._wall = skills, report, clock, wall
        self.notifier = notifier
        self._kinds: dict[int, str] = {}  # each pending reminder's kind, for its notification's title
        self._missed = [r.id for r in skills.book.due(wall())] if skills else []  # due before she started
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def schedule(self) -> Schedule:
        """What the store holds, on the loop's clock."""
        now, wall = self._clock(), self._wall()
        pending = self.skills.book.pending() if self.skills else []
        missed = [r for r in pending if r.id in self._missed]
        self._kinds = {r.id: r.kind for r in pending}
        due = [Due(r.id, r.due, now + r.due - wall, words(r, self.skills)) for r in pending if r.id not in self._missed]
        if missed and self.skills:
            zone = self.skills.zone
            items = [(r.kind, r.what, _span(r), r.due_at(zone)) for r in missed]
            said = phrases.missed(items, datetime.fromtimestamp(wall, zone))
            due.insert(0, Due(MISSED, 0.0, now, said))
        return Schedule(now, tuple(due))

    def start(self) -> None:
        if self.skills is None or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="reminders", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._report(self.schedule())
            except Exception:  # the memory file busy or gone for a moment: next time
                pass
            self._stop.wait(POLL_S)

    def do(self, command: Command, announce: Callable[[int, str], None]) -> None:
        """Carry out the loop's ``Announce`` (through ``announce(turn, words)``) or ``Told``."""
        if isinstance(command, Announce):
            announce(command.turn, command.words)
            if not command.again:  # the repeat a minute later is only said
                self.notify(command.ids, command.words)
        elif isinstance(command, Told) and self.skills:
            self.told(command.ids)

    def notify(self, ids: tuple[int, ...], words: str) -> None:
        """Her words as a desktop notification, titled by what came due; never raises."""
        if self.notifier is None:
            return
        kinds = {"missed" if i == MISSED else self._kinds.get(i, "reminder") for i in ids}
        if "missed" in kinds:
            title = "While I was away"
        else:
            title = TITLES.get(kinds.pop(), "Reminder") if len(kinds) == 1 else "Reminders"
        self.notifier.post(title, words)

    def told(self, ids: tuple[int, ...]) -> None:
        assert self.skills is not None
        now = self._wall()
        for reminder in ids:
            for one in (self._missed if reminder == MISSED else [reminder]):
                self.skills.book.told(one, now)
            self.skills.last = reminder if reminder != MISSED else self.skills.last  # "snooze that"
        if MISSED in ids:
            self._missed = []

    def close(self) -> None:
        self._stop.set()
        if self.notifier is not None:
            self.notifier.close()


def words(r: Reminder, skills: Skills | None) -> str:
    zone = skills.zone if skills else None
    return phrases.due_now(r.kind, r.what, _span(r), r.due_at(zone))  # type: ignore[arg-type]


def _span(r: Reminder) -> timedelta | None:
    return timedelta(seconds=r.length) if r.length else None


class ChatReminders:
    """Keyboard chat: due reminders printed (and spoken, with a voice) between replies, never
    in the middle of one; the missed ones first. Each is her reply in the history."""

    def __init__(self, conversation, voice=None, out: TextIO | None = None, wall: Callable[[], float] = time.time,
                 notifier: Notifier | None = None):
        self.conversation, self.voice, self.out = conversation, voice, out or sys.stdout
        self.reminding = Reminding(conversation.skills, lambda m: None, lambda: 0.0, wall, notifier)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="reminders", daemon=True)

    def start(self) -> ChatReminders:
        if self.conversation.skills is not None:
            self._thread.start()
        return self

    def check(self) -> str | None:
        """Say what is due now, unless a reply is being written; returns what was said."""
        if self.conversation.stream is not None:
            return None
        due = [d for d in self.reminding.schedule().due if d.due <= 0.0]
        if not due:
            return None
        said = " ".join(d.words for d in due)
        self.out.write(f"\r{self.conversation.name.lower()} › {said}\nyou › ")
        self.out.flush()
        self.conversation.add_reply(said)
        self.reminding.notify(tuple(d.id for d in due), said)
        if self.voice is not None:
            self.voice.say(said)
        self.reminding.told(tuple(d.id for d in due))
        return said

    def _run(self) -> None:
        while not self._stop.wait(POLL_S):
            try:
                self.check()
            except Exception:
                pass

    def close(self) -> None:
        self._stop.set()
        self.reminding.close()
