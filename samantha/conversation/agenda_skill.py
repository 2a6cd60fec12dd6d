"""The day's agenda in a conversation: her reminders and the user's calendars for the day asked
about, said in a sentence (``day/agenda.py``), and on the first conversation of a day,
offered unasked (``morning``).

The offer is a sentence or two before the user says anything: a greeting and what is still
to come today. She makes it only when there is something to say (an empty day is not worth
interrupting for), once a day (the first conversation stored that day), never in scripted
use (``chat --once``) nor incognito, and not at all with ``[calendar] morning_summary = false``.
Where no calendar is set up she says so once a conversation, with the setting to use.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from samantha.conversation.calendars import read_day
from samantha.conversation.reminders import ReminderBook
from samantha.day import agenda, phrases
from samantha.day.agenda import AskAgenda, Item

NO_CALENDAR = ("I can't see a calendar of yours yet; name its .ics file or folder under [calendar] paths in my settings "
               "and I'll read it.")


class AgendaSkill:
    def __init__(self, book: ReminderBook, calendars: tuple[str, ...], zone: tzinfo):
        self.book, self.calendars, self.zone = book, calendars, zone
        self._hinted = False  # that no calendar is set up: once a conversation

    def answer(self, r: AskAgenda, now: datetime) -> str:
        items, left_out, problems = self.day(r.day, now)
        said = [agenda.say(r.day, items, now, left_out), *problems]
        if not self.calendars and not self._hinted:
            self._hinted = True
            said.append(NO_CALENDAR)
        return " ".join(said)

    def morning(self, now: datetime, name: str | None = None) -> str | None:
        """Her greeting with the rest of today, or None when there is nothing to tell."""
        items, left_out, problems = self.day(now.date(), now)
        if not items and not problems:
            return None
        part = "morning" if now.hour < 12 else "afternoon" if now.hour < 18 else "evening"
        greeting = f"Good {part}{f', {name}' if name else ''}."
        return " ".join([greeting, *([agenda.say(now.date(), items, now, left_out)] if items else []), *problems])

    def day(self, day, now: datetime) -> tuple[list[Item], bool, tuple[str, ...]]:
        """The day's items (from ``now`` on, if it is today), whether earlier ones were left out, and problems."""
        read = read_day(self.calendars, day, self.zone)
        every = self._reminders(day) + agenda.of_day(list(read.events), day, self.zone)
        if day != now.date():
            return agenda.ordered(every), False, read.problems
        kept = self._reminders(day, now) + agenda.of_day(list(read.events), day, self.zone, now)
        return agenda.ordered(kept), len(kept) < len(every), read.problems

    def _reminders(self, day, now: datetime | None = None) -> list[Item]:
        found = []
        for r in self.book.pending():
            span = timedelta(seconds=r.length) if r.length else None
            for t in agenda.reminder_times(r.due_at(self.zone), r.rule, day, self.zone):
                if now is None or t >= now:
                    found.append(Item(t, phrases.summary(r.kind, r.what, span)))
        return found
