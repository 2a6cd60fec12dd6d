"""When, read from what people say: "at five", "in an hour and a half", "every Monday at nine".

Pure: ``now`` (an aware datetime in the user's zone) is given. Time phrases are found with
patterns (``find``), cut out of the sentence (what is left is what the reminder is for),
and then resolved (``resolve``) with the standard library's zones and python-dateutil
(``parser`` for calendar dates, ``rrule`` for repeats, stored as RFC 5545 RRULE text).

The rules, where people leave things out (README, "Her day job"):

- A clock time with am/pm, "noon", "midnight", a 24-hour time ("17:30", "07:30"), or a part
  of the day ("in the morning", "tonight") is what it says.
- Without any of those, 1–6 is unclear and she asks ("5 in the morning, or 5 in the
  afternoon?"); 12 is noon; 7–11 is the next time the clock shows it (at 10 pm "at 9" is
  9 tomorrow morning; at 3 pm "at 8" is 8 tonight), and in the morning for a repeating
  reminder, for another day, and for an alarm (an alarm's 1–6 is in the morning too).
- A time already past today, with no day said, is tomorrow (she says "tomorrow"); with the
  day said ("today at 9" at 10) it is in the past, and nothing is set. A date without a year
  that has passed is next year's.
- A day without a time is at 9 am; "this afternoon" 3 pm, "this evening" 6 pm, "tonight" 9 pm.
- "On Monday" and "next Monday" are the coming Monday, never today. "Midnight" is the one at
  the end of the day named (of today, without one).
- A wall-clock time that does not exist (skipped by the clocks going forward) is moved on by
  the gap (2:30 becomes 3:30); one that happens twice is the first. A repeating reminder keeps
  its wall-clock time across daylight-saving changes; "in two hours" is two real hours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock_time

from dateutil import parser as dateparser
from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

from samantha.day.numbers import HOUR, MINUTE, NUM, number

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
PART_HOURS = {"morning": 9, "afternoon": 15, "evening": 18, "night": 21}
DAY_HOUR = 9  # a day said without a time
WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
          r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
ORD = r"(?:\d{1,2})(?:st|nd|rd|th)?"
_UNIT = r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)"
_PIECE = (rf"(?:{NUM}(?: and a half)?[ -]?{_UNIT}(?: and a half)?|half an? {_UNIT}|a half[ -]{_UNIT}"
          rf"|(?:a )?quarter(?: of)? an? {_UNIT}|(?:a )?quarter[ -]hour)")
DURATION = rf"{_PIECE}(?:(?:,|,? and) {_PIECE})*"
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@dataclass(frozen=True)
class Found:
    """The time phrases of a sentence, not yet resolved against a clock."""

    rest: str  # the sentence with them cut out
    offset: timedelta | None = None  # "in twenty minutes", "for ten minutes"
    hour: int | None = None
    minute: int = 0
    meridiem: str | None = None  # "am" | "pm" | "noon" | "midnight" | "24h" (said on the 24-hour clock)
    part: str | None = None  # "morning" | "afternoon" | "evening" | "night"
    days_ahead: int | None = None  # today 0, tomorrow 1, the day after tomorrow 2
    weekday: int | None = None  # Monday 0
    on: date | None = None  # a calendar date
    rule: str | None = None  # RRULE body: "FREQ=WEEKLY;BYDAY=MO"
    every: timedelta | None = None  # "every two hours": the first is that far from now

    @property
    def said(self) -> bool:
        """Was any time said at all?"""
        return any(v is not None for v in (self.offset, self.hour, self.part, self.days_ahead, self.weekday,
                                           self.on, self.rule))


@dataclass(frozen=True)
class When:
    due: datetime  # aware, in the user's zone
    rule: str | None = None  # RFC 5545 RRULE body of a repeating one: its occurrences after ``due``
    rolled: bool = False  # past today, so tomorrow (she says so)
    relative: bool = False  # said as "in twenty minutes"


@dataclass(frozen=True)
class Unclear:
    """A bare hour that could be morning or afternoon: she asks which."""

    morning: When
    afternoon: When


@dataclass(frozen=True)
class Past:
    """A time already gone, named with its day ("today at 9" at 10): nothing is set."""

    due: datetime


Resolved = When | Unclear | Past


def duration(text: str) -> timedelta:
    """The length a ``DURATION`` match says: "an hour and a half", "2 hours, 15 minutes"."""
    seconds = 0.0
    for piece in re.finditer(_PIECE, text, re.I):
        p = piece.group(0).lower()
        unit = _SECONDS[re.findall(_UNIT, p)[-1][0]] if "quarter-hour" not in p and "quarter hour" not in p else 3600
        if p.startswith(("half", "a half")):
            seconds += unit / 2
        elif "quarter" in p:
            seconds += unit / 4
        else:
            count = re.match(NUM, p)
            seconds += (number(count.group(0)) if count else 1) * unit + (unit / 2 if "and a half" in p else 0)
    return timedelta(seconds=seconds)


def _cut(text: str, pattern: str) -> tuple[str, re.Match[str] | None]:
    """``text`` without the first match of ``pattern`` (a whole-word match), and the match."""
    m = re.search(rf"(?<![\w:]){pattern}(?![\w:])", text, re.I)
    if m is None:
        return text, None
    return f"{text[:m.start()]} {text[m.end():]}", m


def _every(text: str, today: date) -> tuple[str, dict[str, object]]:
    """A repeat: "every Monday and Thursday", "every weekday", "daily", "every two hours"."""
    text, m = _cut(text, rf"every (?P<n>{NUM} )?(?P<u>hours?|minutes?|mins?)")
    if m:
        n = int(number(m["n"])) if m["n"] else 1
        freq = "HOURLY" if m["u"].startswith("h") else "MINUTELY"
        return text, {"rule": f"FREQ={freq};INTERVAL={n}" if n > 1 else f"FREQ={freq}",
                      "every": timedelta(hours=n) if freq == "HOURLY" else timedelta(minutes=n)}
    days = rf"{WEEKDAY}s?(?:(?:,| and|, and| or) {WEEKDAY}s?)*"
    text, m = _cut(text, rf"(?:every|each) (?P<days>{days})")
    if m is None:
        text, m = _cut(text, rf"on (?P<days>{WEEKDAY}s(?:(?:,| and|, and) {WEEKDAY}s)*)")
    if m:
        names = [DAYS.index(re.sub(r"s$", "", d.lower())) for d in re.findall(WEEKDAY + "s?", m["days"], re.I)]
        return text, {"rule": "FREQ=WEEKLY;BYDAY=" + ",".join(RRULE_DAYS[i] for i in sorted(set(names)))}
    simple = {"weekday": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "weekend": "FREQ=WEEKLY;BYDAY=SA,SU",
              "week": "FREQ=WEEKLY", "month": "FREQ=MONTHLY", "day": "FREQ=DAILY", "other day": "FREQ=DAILY;INTERVAL=2"}
    text, m = _cut(text, r"(?:every|each) (?P<what>weekday|workday|weekend|week|month|other day|day|morning|afternoon"
                         r"|evening|night)|(?P<adv>daily|weekly|monthly|on weekdays|on weekends)")
    if m is None:
        return text, {}
    what = (m["what"] or m["adv"]).lower().replace("workday", "weekday").replace("on weekdays", "weekday")
    what = {"daily": "day", "weekly": "week", "monthly": "month", "on weekends": "weekend"}.get(what, what)
    if what in PART_HOURS:
        return text, {"rule": "FREQ=DAILY", "part": what}
    return text, {"rule": simple[what]}


def _day(text: str, today: date) -> tuple[str, dict[str, object]]:
    """The day: "tomorrow", "on Friday", "next Monday", "on March 3rd", "on the 14th"."""
    for pattern, ahead in ((r"(?:the )?day after tomorrow", 2), (r"tomorrow", 1), (r"today", 0)):
        text, m = _cut(text, pattern)
        if m:
            return text, {"days_ahead": ahead}
    text, m = _cut(text, r"tonight")
    if m:
        return text, {"days_ahead": 0, "part": "night"}
    text, m = _cut(text, rf"(?:on |next |this |this coming |coming )?(?P<d>{WEEKDAY})")
    if m:
        return text, {"weekday": DAYS.index(m["d"].lower())}
    date_said = (rf"(?:on )?(?:(?:the )?{ORD} of {MONTH}|{MONTH} (?:the )?{ORD}|{ORD} {MONTH})(?:,? \d{{4}})?"
                 rf"|(?:on )?\d{{4}}-\d\d-\d\d|on the {ORD}")
    text, m = _cut(text, date_said)
    if m:
        words = re.sub(r"^on |\bthe\b|\bof\b", " ", m.group(0), flags=re.I)
        on = dateparser.parse(words, default=datetime(today.year, today.month, today.day)).date()
        if on < today and not re.search(r"\d{4}", words):  # a date gone by this year (or month): the next one
            on += relativedelta(years=1) if re.search(MONTH, words, re.I) else relativedelta(months=1)
        return text, {"on": on}
    return text, {}


def _clock(text: str, today: date) -> tuple[str, dict[str, object]]:
    """The time of day: "at 5", "7:30 pm", "seven thirty", "half past six", "noon", "17:00"."""
    text, m = _cut(text, r"(?:at |by |around )?(?:12 |twelve )?(?P<s>noon|midday|midnight)")
    if m:
        return text, {"hour": 0 if m["s"].lower() == "midnight" else 12, "meridiem": m["s"].lower().replace("midday", "noon")}
    text, m = _cut(text, rf"(?:at |by |around )?(?P<q>half|quarter|{NUM})(?: minutes?)? (?P<w>past|after|to|before) "
                         rf"(?P<h>{HOUR})(?: ?(?P<ap>[ap]\.?m\.?))?")
    if m and m["q"].lower() not in ("a", "an"):
        q = {"half": 30, "quarter": 15}.get(m["q"].lower()) or int(number(m["q"]))
        h = int(number(m["h"]))
        hour, minute = (h, q) if m["w"].lower() in ("past", "after") else ((h - 1) % 12 or 12, 60 - q)
        return text, {"hour": hour, "minute": minute, "meridiem": _meridiem(m["ap"])}
    text, m = _cut(text, rf"(?:(?:at|by|around|@) (?P<h>2[0-3]|1\d|{HOUR})(?:[:.](?P<m>\d\d)| (?P<mw>{MINUTE}))?"
                         rf"|(?P<h2>{HOUR})(?:[:.](?P<m2>\d\d))?(?= ?[ap]\.?m\b)|(?P<h3>[01]?\d|2[0-3]):(?P<m3>\d\d))"
                         r"(?: ?(?P<ap>[ap]\.?m\.?)| o'?clock)?")
    if m is None:
        return text, {}
    hour_text = m["h"] or m["h2"] or m["h3"]
    minutes = m["m"] or m["m2"] or m["m3"] or (str(int(number(m["mw"]))) if m["mw"] else "0")
    hour = int(number(hour_text))
    meridiem = _meridiem(m["ap"]) or ("24h" if hour > 12 or hour == 0 or (hour_text.startswith("0") and ":" in m.group(0))
                                       else None)
    return text, {"hour": hour, "minute": int(minutes), "meridiem": meridiem}


def _meridiem(text: str | None) -> str | None:
    return None if not text else "am" if text.lower().startswith("a") else "pm"


def _part(text: str, today: date) -> tuple[str, dict[str, object]]:
    text, m = _cut(text, r"(?:in the |this |at |tomorrow )?(?P<p>morning|afternoon|evening|night)")
    return (text, {"part": m["p"].lower()}) if m else (text, {})


def find(text: str, today: date) -> Found:
    """The time phrases in ``text`` (the rest is left in ``Found.rest``)."""
    fields: dict[str, object] = {}
    text, fields = _every(text, today)
    text, m = _cut(text, rf"(?:in|after|for)(?: the next)? (?P<d>{DURATION})(?: from now)?")
    if m is None:
        text, m = _cut(text, rf"(?P<d>{DURATION}) from now")
    if m:
        fields["offset"] = duration(m["d"])
    for step in (_day, _clock, _part):
        text, more = step(text, today)
        fields |= {k: v for k, v in more.items() if fields.get(k) is None}
    rest = re.sub(r"\s+", " ", text)
    rest = re.sub(r"\s+([,.!?])", r"\1", rest).strip(" ,")
    return Found(rest=rest, **fields)  # type: ignore[arg-type]


def localize(naive: datetime, zone: object) -> datetime:
    """A wall-clock time in ``zone``: one the clocks skip is moved on by the gap, a doubled one is the first."""
    aware = naive.replace(tzinfo=zone, fold=0)  # type: ignore[arg-type]
    return aware.astimezone(timezone.utc).astimezone(aware.tzinfo)


def _readings(f: Found, alarm: bool, firm_day: bool) -> list[tuple[int, int]] | None:
    """The (hour, minute) the clock time can mean, likeliest first; None: unclear (1–6 bare)."""
    if f.hour is None:
        return [(PART_HOURS[f.part] if f.part else DAY_HOUR, 0)]
    h, m = f.hour, f.minute
    if f.meridiem in ("24h", "noon", "midnight"):
        return [(h, m)]
    if f.meridiem == "am" or (f.meridiem is None and f.part == "morning"):
        return [(h % 12, m)]
    if f.meridiem == "pm" or f.part in ("afternoon", "evening", "night"):
        return [(h % 12 + 12, m)]
    if h == 12:
        return [(12, m)]
    if alarm or (f.rule and h >= 7) or (firm_day and h >= 7):
        return [(h, m)]
    if h >= 7:
        return [(h, m), (h + 12, m)]
    return None


def _day_of(f: Found, now: datetime) -> tuple[date, bool]:
    """The day asked for, and whether it was said (so a time past on it is not moved on)."""
    today = now.date()
    if f.on is not None:
        return f.on, True
    if f.weekday is not None:
        return today + timedelta(days=(f.weekday - today.weekday() - 1) % 7 + 1), True
    if f.days_ahead is not None:
        return today + timedelta(days=f.days_ahead), True
    return today, False


def resolve(f: Found, now: datetime, alarm: bool = False) -> Resolved | None:
    """The time ``f`` means, seen from ``now``; None if no time was said."""
    zone = now.tzinfo
    if f.every is not None:
        return When((now + f.every).astimezone(zone), f.rule, relative=True)
    if f.offset is not None:
        return When((now.astimezone(timezone.utc) + f.offset).astimezone(zone), relative=True)
    if not f.said:
        return None
    day, firm = _day_of(f, now)
    readings = _readings(f, alarm, firm and day != now.date())
    if readings is None:
        assert f.hour is not None
        morning, afternoon = (replace(f, meridiem=m) for m in ("am", "pm"))
        a, b = resolve(morning, now, alarm), resolve(afternoon, now, alarm)
        if isinstance(a, When) and isinstance(b, When):
            return Unclear(a, b)
        return a if isinstance(a, When) else b
    if f.meridiem == "midnight":
        day += timedelta(days=1)
    if f.rule:
        return _first_repeat(f.rule, day, readings[0], now)
    for hour, minute in readings:
        due = localize(datetime.combine(day, clock_time(hour, minute)), zone)
        if due > now:
            return When(due)
    first = localize(datetime.combine(day, clock_time(*readings[0])), zone)
    if firm:
        return Past(first)
    return When(localize(datetime.combine(day + timedelta(days=1), clock_time(*readings[0])), zone), rolled=True)


def _first_repeat(rule: str, day: date, at: tuple[int, int], now: datetime) -> When:
    """The first occurrence of ``rule`` at ``at`` o'clock, on ``day`` or after, still to come."""
    start = datetime.combine(day, clock_time(*at))
    naive_now = now.replace(tzinfo=None)
    following = rrulestr(rule, dtstart=start).after(max(naive_now, start - timedelta(seconds=1)))
    while following is not None and localize(following, now.tzinfo) <= now:
        following = rrulestr(rule, dtstart=start).after(following)
    assert following is not None
    return When(localize(following, now.tzinfo), rule)


def next_after(rule: str, due: datetime, after: datetime) -> datetime | None:
    """A repeating reminder's next occurrence after ``after``, at ``due``'s wall-clock time."""
    zone = due.tzinfo
    start = due.replace(tzinfo=None)
    following = rrulestr(rule, dtstart=start).after(after.astimezone(zone).replace(tzinfo=None))
    return None if following is None else localize(following, zone)


def choose(unclear: Unclear, answer: str) -> When | None:
    """The reading an answer picks: "the afternoon", "pm", "in the morning", "evening"."""
    if re.search(r"\b(?:morning|am|a\.m\.?|early|first)\b", answer, re.I):
        return unclear.morning
    if re.search(r"\b(?:afternoon|evening|night|tonight|pm|p\.m\.?|later|second)\b", answer, re.I):
        return unclear.afternoon
    return None
