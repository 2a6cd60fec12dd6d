"""Her day job in a conversation: reminders, timers and alarms, asked for in plain words (and,
through ``list_skill.py`` and ``agenda_skill.py``, notes, lists and the day's agenda).

A finished user turn comes here after her memory's commands and before the LLM
(``dialogue.py``). ``day/requests.py`` recognises the request with patterns (instant, and
only a sentence that plainly is one); this module carries it out on the reminder book and
returns her reply, which the conversation stores like any reply, so the LLM knows what was
set and can talk about it. When the time is unclear she asks ("5 in the morning, or 5 in
the afternoon?") and the next turn answers; anything else drops the question.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo

from samantha.conversation.agenda_skill import AgendaSkill
from samantha.conversation.list_skill import ListSkill
from samantha.conversation.reminders import Reminder, ReminderBook, local_zone
from samantha.day import phrases
from samantha.day.agenda import AskAgenda
from samantha.day.lists import TickItems
from samantha.day.requests import CancelReminder, ListReminders, Request, SetReminder, Snooze, in_her_words, recognise
from samantha.day.when import DURATION, Past, Unclear, When, choose, duration, find, resolve

INCOGNITO = "We're incognito, so I can't keep reminders right now. Ask me again another time."
MOST = 5  # reminders she reads out at once


class Skills:
    def __init__(self, book: ReminderBook, zone: tzinfo | None = None, clock: Callable[[], float] = time.time,
                 lists: ListSkill | None = None, agenda: AgendaSkill | None = None):
        """``lists``: notes and lists (``list_skill.py``); ``agenda``: the day's agenda (``agenda_skill.py``)."""
        self.book, self.zone, self.clock = book, zone or local_zone(), clock
        self.lists, self.agenda = lists, agenda
        self.last: int | None = None  # the reminder talked about last: "cancel that", "snooze that"
        self._asking: SetReminder | None = None  # her question about it waits for the next turn

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), self.zone)

    def asks(self, text: str) -> bool:
        """Is ``text`` a request for her skills (or the answer to her question)? Changes nothing."""
        request = self._understand(text, self.now())
        return request is not None and (not isinstance(request, TickItems) or self.lists is None
                                        or self.lists.would_do(request))

    def answer(self, text: str) -> str | None:
        """Her reply, once the request in ``text`` is carried out; None if there is none."""
        now = self.now()
        request = self._understand(text, now)
        self._asking = None
        if self.lists is not None:
            self.lists.awaiting = None  # her question about a list waits one turn only
        match request:
            case SetReminder():
                return self._set(request, now)
            case ListReminders():
                return self._list(request, now)
            case CancelReminder():
                return self._cancel(request, now)
            case Snooze():
                return self._snooze(request, now)
            case AskAgenda():
                return self.agenda.answer(request, now) if self.agenda else None
        if request is not None and self.lists is not None:
            return self.lists.answer(request, now)
        return None

    def _understand(self, text: str, now: datetime) -> Request | None:
        asking = self._asking
        if asking is not None and (reply := _completed(asking, text, now)) is not None:
            return reply
        if self.lists is not None and (answered := self.lists.follow_up(text)) is not None:
            return answered
        return recognise(text, now)

    def _set(self, r: SetReminder, now: datetime) -> str:
        if not self.book.writable:
            return INCOGNITO
        match r.when:
            case None:
                self._asking = r
                return {"timer": "For how long?", "alarm": "For what time?"}.get(r.kind, "When should I remind you?")
            case Unclear():
                self._asking = r
                return _which(r.when)
            case Past():
                self._asking = replace(r, when=None)
                return (f"{phrases.clock(r.when.due)} {phrases.day(r.when.due, now) or 'today'} has already passed. "
                        "When should I remind you instead?")
        when = r.when
        self.last = self.book.add(r.kind, r.what, when.due, when.rule, r.length, now.timestamp())
        return confirmation(r, when, now)

    def _list(self, r: ListReminders, now: datetime) -> str:
        pending = [p for p in self.book.pending() if r.kind is None or p.kind == r.kind]
        noun = r.kind or "reminder"
        if not pending:
            return f"You don't have any {noun}s right now."
        if r.kind == "timer":
            return " ".join(f"{phrases.summary(p.kind, p.what, _span(p)).capitalize()} has "
                            f"{phrases.length(timedelta(seconds=max(60, round((p.due - now.timestamp()) / 60) * 60)))} left."
                            for p in pending[:MOST])
        said = [f"{phrases.when(p.due_at(self.zone), now, p.rule)}, {phrases.summary(p.kind, p.what, _span(p))}"
                for p in pending[:MOST]]
        more = f", and {len(pending) - MOST} more" if len(pending) > MOST else ""
        count = f"one {noun}" if len(pending) == 1 else f"{len(pending)} {noun}s"
        return f"You have {count}: " + "; ".join(said) + more + "."

    def _cancel(self, r: CancelReminder, now: datetime) -> str | None:
        if not self.book.writable:
            return INCOGNITO
        pending = [p for p in self.book.pending() if r.kind is None or p.kind == r.kind]
        if r.every:
            for p in pending:
                self.book.cancel(p.id, now.timestamp())
            return f"Okay, I've cancelled all {len(pending)} of them." if pending else f"There are no {r.kind}s to cancel."
        chosen = _named(pending, r.target, self.last, self.zone, now)
        if chosen is None:
            return None if not r.target and r.kind is None else "I couldn't find one like that. Ask me what reminders you have."
        self.book.cancel(chosen.id, now.timestamp())
        self.last = None
        return f"Okay, I've cancelled {phrases.summary(chosen.kind, chosen.what, _span(chosen))}."

    def _snooze(self, r: Snooze, now: datetime) -> str:
        if not self.book.writable:
            return INCOGNITO
        if self.last is None or self.book.get(self.last) is None:
            return "There's nothing to snooze just now."
        self.last = self.book.snooze(self.last, now.timestamp() + r.length.total_seconds(), now.timestamp())
        return f"Okay, I'll remind you again in {phrases.length(r.length)}."


def _completed(asking: SetReminder, text: str, now: datetime) -> SetReminder | None:
    """Her question answered: "the afternoon", "at 6", "in ten minutes"; None if ``text`` is not an answer."""
    if isinstance(asking.when, Unclear):
        chosen = choose(asking.when, text)
        return replace(asking, when=chosen) if chosen else None
    if asking.kind == "timer":
        m = re.search(DURATION, text, re.I)
        span = duration(m.group(0)) if m else None
        return replace(asking, when=When(now + span, relative=True), length=span) if span else None
    found = find(text, now.date())
    if not found.said or len(found.rest.split()) > 3:  # a new sentence, not an answer
        return None
    return replace(asking, when=resolve(found, now, alarm=asking.kind == "alarm"))


def _which(unclear: Unclear) -> str:
    a, b = phrases.clock(unclear.morning.due), phrases.clock(unclear.afternoon.due)
    return f"{a.removesuffix(' am')} in the morning, or {b.removesuffix(' pm')} in the afternoon?"


def confirmation(r: SetReminder, when: When, now: datetime) -> str:
    """Her short "okay": "Okay, I'll remind you at 5 pm to call your sister."."""
    said = phrases.when(when.due, now, when.rule, when.relative)
    if r.kind == "timer" and r.length:
        named = phrases.summary("timer", r.what, r.length).replace("your ", "a ", 1)
        return f"Okay, {named}, starting now."
    if r.kind == "alarm":
        return f"Okay, I'll wake you {said}."
    what = f" {r.what}" if r.what.startswith("about ") else f" to {r.what}" if r.what else ""
    return f"Okay, I'll remind you {said}{what}."


def _span(r: Reminder) -> timedelta | None:
    return timedelta(seconds=r.length) if r.length else None


def _named(pending: list[Reminder], target: str, last: int | None, zone: tzinfo, now: datetime) -> Reminder | None:
    """The reminder ``target`` names: the one sharing most of its words (or its time), else the last talked about."""
    if not target:
        return next((p for p in pending if p.id == last), pending[0] if len(pending) == 1 else None)
    words = {w for w in in_her_words(target).lower().replace(",", " ").split() if w not in ("the", "a", "an", "your", "my")}
    scored = [(len(words & set(f"{p.what} {phrases.when(p.due_at(zone), now, p.rule)}".lower().split())), p) for p in pending]
    best = max(scored, key=lambda s: s[0], default=(0, None))
    return best[1] if best[0] else None
