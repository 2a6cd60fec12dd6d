"""The day's agenda: asked for ("what's my day like?", "what's on tomorrow?", "what do I have
on Friday?"), put together from calendar events already read and her reminders, and said.

Pure: the calendar files are read at the edge (``conversation/calendars.py``), which expands
repeats in the user's zone; here events are only kept to the day asked for, ordered and said.
The rules (README, "Her day job"):

- The day is read as a reminder's is (``when.py``): "on Friday" and "next Friday" are the
  coming one, never today; no day said is today. A time of day in the question ("at 5") makes
  it not an agenda question.
- Today's agenda is what is still to come (or under way) at ``now``: asked at 3 pm, the 9 am
  meeting is over and left out, and she says "still to come today".
- All-day events first ("all day, Ana's birthday"), then the rest by their start; one under
  way since an earlier day is "until 10 am". Reminders are in it too, with repeating ones
  on every day they fall on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from samantha.day import phrases
from samantha.day.when import DAYS, find, localize, next_after
from samantha.day.wording import END, body

MOST = 8  # items she reads out at once


@dataclass(frozen=True)
class AskAgenda:
    day: date


@dataclass(frozen=True)
class Event:
    """One occurrence of a calendar event: aware datetimes, or dates for an all-day one (end exclusive)."""

    title: str
    start: datetime | date
    end: datetime | date | None = None

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)


@dataclass(frozen=True)
class Item:
    """One line of the day: an event or a reminder, as she says it."""

    at: datetime | None  # None: all day
    words: str
    until: datetime | None = None  # under way since before the day: it ends then


_ASK = (r"(?:what(?:'s| is| does)|how(?:'s| is| does))\s+(?:my\s+)?(?P<d>day|today|tomorrow|schedule|calendar|agenda"
        r"|(?:mon|tues|wednes|thurs|fri|satur|sun)day)(?:\s+(?:like|look(?:ing)?(?:\s+like)?))?"
        r"|what(?:'s| is)\s+(?:on|happening|planned|scheduled|coming up)(?:\s+(?:on|in|for)\s+(?:my|the)\s+"
        r"(?:calendar|agenda|schedule|diary))?"
        r"|what\s+(?:do|have)\s+i\s+(?:got\s+)?(?:have\s+)?(?:on|going on|planned|scheduled|coming up|got)?"
        r"|(?:do|have)\s+i\s+(?:got\s+)?(?:have\s+)?anything\s+(?:on|planned|scheduled|coming up|going on)?"
        r"|am\s+i\s+(?:free|busy)|(?:read|tell|give)\s+me\s+(?:my\s+)?(?:day|agenda|schedule|calendar)")


def _agenda(text: str, now: datetime) -> AskAgenda | None:
    m = re.match(rf"(?P<ask>{_ASK})(?P<rest>.*?){END}", body(text), re.I)
    if m is None:
        return None
    said_day = (m["d"] or "").lower()
    if said_day in ("today", "tomorrow", *DAYS) and not re.search(r"\blook|\blike\b", m["ask"], re.I):
        return None  # "what's Friday?": not clearly about the plans
    rest = re.sub(r"^\s*(?:for|on)?\s*(?:my|the)?\s*(?:calendar|agenda|schedule)?", "", m["rest"], flags=re.I)
    found = find(f"{_said_day(said_day)} {rest}", now.date())
    if found.rest.strip(" ,.?!").lower() not in ("", "for", "on", "like", "look like", "looking like", "then") \
            or found.hour is not None or found.offset is not None or found.rule is not None:
        return None  # "what's on TV tonight", "what do I have at 5"
    firm = said_day in ("day", "schedule", "calendar", "agenda") or re.search(r"\b(?:calendar|agenda|schedule|diary)\b",
                                                                             m.group(0), re.I)
    if not firm and not found.said:
        return None  # "what's happening?", "am I free?", "what do I have on?": a day or the calendar must be named
    return AskAgenda(_day_of(found.days_ahead, found.weekday, found.on, now.date()))


def _said_day(word: str | None) -> str:
    """The day word caught by the question itself ("what's tomorrow like?") put back for ``find``."""
    return word if word and word.lower() in ("today", "tomorrow", *DAYS) else ""


def _day_of(ahead: int | None, weekday: int | None, on: date | None, today: date) -> date:
    if on is not None:
        return on
    if weekday is not None:
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    return today + timedelta(days=ahead or 0)


RECOGNISERS = (_agenda,)


def bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The day from its first moment to the next day's, in ``zone`` (23 or 25 hours on a clock change)."""
    return localize(datetime.combine(day, time()), zone), localize(datetime.combine(day + timedelta(days=1), time()), zone)


def of_day(events: list[Event], day: date, zone: tzinfo, now: datetime | None = None) -> list[Item]:
    """The events that fall on ``day`` (in ``zone``), all-day ones first, then by start; from ``now`` on, if given."""
    start, end = bounds(day, zone)
    start = max(start, now) if now else start
    kept: list[Item] = []
    for e in events:
        if e.all_day:
            assert isinstance(e.start, date)
            last = e.end if isinstance(e.end, date) and not isinstance(e.end, datetime) and e.end > e.start else \
                e.start + timedelta(days=1)
            if e.start <= day < last:
                kept.append(Item(None, e.title))
            continue
        assert isinstance(e.start, datetime)
        begin = e.start.astimezone(zone)
        finish = e.end.astimezone(zone) if isinstance(e.end, datetime) else begin
        if begin < end and (finish > start or (finish == begin and begin >= start)):
            early = begin < bounds(day, zone)[0]
            kept.append(Item(None if early else begin, e.title, finish if early else None))
    return ordered(kept)


def ordered(items: list[Item]) -> list[Item]:
    """All-day ones first, then those under way since an earlier day, then by time (then by name)."""
    return sorted(items, key=lambda i: (i.at is not None, i.until is not None, i.at or i.until or datetime.min.replace(
        tzinfo=timezone.utc), i.words))


def say(day: date, items: list[Item], now: datetime, left_out: bool = False) -> str:
    """The day in a sentence: "Tomorrow you have 3 things: all day, Ana's birthday; at 9 am, team call; …"."""
    head = _head(day, now, left_out)
    if not items:
        nothing = f"{head} you have nothing {'more ' if left_out else ''}on your calendar and no reminders."
        return nothing[0].upper() + nothing[1:]
    said = [_item(i) for i in items[:MOST]]
    more = f", and {len(items) - MOST} more" if len(items) > MOST else ""
    count = "one thing" if len(items) == 1 else f"{len(items)} things"
    sentence = f"{head} you have {count}: " + "; ".join(said) + more + "."
    return sentence[0].upper() + sentence[1:]


def _head(day: date, now: datetime, left_out: bool) -> str:
    if day == now.date():
        return "for the rest of today" if left_out else "today"
    return phrases.day(datetime.combine(day, time(), now.tzinfo), now)


def _item(i: Item) -> str:
    if i.until is not None:
        return f"until {phrases.clock(i.until)}, {i.words}"
    return f"all day, {i.words}" if i.at is None else f"at {phrases.clock(i.at)}, {i.words}"


def reminder_times(due: datetime, rule: str | None, day: date, zone: tzinfo) -> list[datetime]:
    """When a reminder next due at ``due`` (repeating by ``rule``) falls on ``day``."""
    start, end = bounds(day, zone)
    t: datetime | None = due.astimezone(zone)
    if rule and t is not None and t < start:
        t = next_after(rule, due.astimezone(zone), start - timedelta(seconds=1))
    times = []
    while t is not None and t < end:
        if t >= start:
            times.append(t)
        t = next_after(rule, due.astimezone(zone), t) if rule else None
    return times
