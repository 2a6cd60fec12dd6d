"""When, looking back: the days a phrase like "last month" or "in October" means. Pure.

``when.py`` reads times to come, where "on Monday" is the coming one; a question about what
is done ("what did I write to Amy on Monday?") means the one gone by. A span is whole days,
its first and last included, and never runs past ``today``:

- "today", "yesterday", "the day before yesterday";
- "on Monday", "last Monday": the latest Monday before today;
- "this week" (since Monday), "last week" (Monday to Sunday), "this month", "last month",
  "this year", "last year"; "the past week" (or month, year): the days up to today;
- "in October", "back in October 2025": the latest October begun by today, or that year's;
- "on 3 September", "on September 3rd", "on 2026-09-03", "on the 3rd": the latest such day
  not after today (the day itself if a year is said);
- "three days ago" (that day), "two weeks ago" (that week), "a month ago" (that month),
  "a year ago" (that year).

Anything else ("recently", "the other day") is no span: None, and the newest is meant.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil import parser as dateparser
from dateutil.relativedelta import relativedelta

from samantha.day.numbers import NUM, number
from samantha.day.when import DAYS, MONTH, ORD, WEEKDAY

Days = tuple[date, date]  # first, last (included)


@dataclass(frozen=True)
class Span:
    first: date
    last: date
    words: str  # the phrase as the user said it, for her answer ("last month")

    def holds(self, day: date) -> bool:
        return self.first <= day <= self.last


def span(text: str, today: date) -> Span | None:
    """The days ``text`` (a time phrase alone: "last month", "on Monday") means, seen from ``today``."""
    said = re.sub(r"^(?:back |sometime |some time |way back )", "", " ".join(text.lower().strip(" ,.!?").split()))
    readers: tuple[Callable[[str, date], Days | None], ...] = (_named, _weekday, _period, _ago, _date, _month)
    for reader in readers:
        if (days := reader(said, today)) is not None and days[0] <= today:
            return Span(days[0], min(days[1], today), " ".join(text.strip(" ,.!?").split()))
    return None


def _named(said: str, today: date) -> Days | None:
    back = {"today": 0, "yesterday": 1, "the day before yesterday": 2}.get(said)
    if back is None:
        return None
    day = today - timedelta(days=back)
    return day, day


def _weekday(said: str, today: date) -> Days | None:
    m = re.fullmatch(rf"(?:on |last |this (?:past )?|this last |on the )?(?P<d>{WEEKDAY})", said)
    if m is None:
        return None
    day = today - timedelta(days=(today.weekday() - DAYS.index(m["d"]) - 1) % 7 + 1)
    return day, day


def _period(said: str, today: date) -> Days | None:
    m = re.fullmatch(r"(?:(?P<which>this|last|the last|the past|in the past|in the last|over the past) )?"
                     r"(?P<unit>week|month|year)", said)
    if m is None or not m["which"]:
        return None
    unit, which = m["unit"], m["which"]
    if "past" in which or which in ("the last", "in the last"):  # the days up to today
        return today - relativedelta(**{f"{unit}s": 1}) + timedelta(days=1), today
    first = _start(today, unit)
    if which == "this":
        return first, today
    before = _start(first - timedelta(days=1), unit)
    return before, first - timedelta(days=1)


def _start(day: date, unit: str) -> date:
    """The first day of the week (Monday), month or year ``day`` is in."""
    if unit == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1) if unit == "month" else day.replace(month=1, day=1)


def _ago(said: str, today: date) -> Days | None:
    m = re.fullmatch(rf"(?:about |around |roughly )?(?P<n>{NUM}) (?P<unit>day|week|month|year)s? ago", said)
    if m is None:
        return None
    unit = m["unit"]
    then = today - relativedelta(**{f"{unit}s": int(number(m["n"]))})
    if unit == "day":
        return then, then
    first = _start(then, unit)
    return first, first + relativedelta(**{f"{unit}s": 1}) - timedelta(days=1)


def _month(said: str, today: date) -> Days | None:
    m = re.fullmatch(rf"(?:in |during |this |last )?(?P<m>{MONTH})(?:,? (?P<y>\d{{4}}))?", said)
    if m is None:
        return None
    first = dateparser.parse(m["m"], default=datetime(int(m["y"] or today.year), 1, 1)).date()
    if first > today and not m["y"]:  # not yet begun this year: last year's
        first = first.replace(year=first.year - 1)
    return first, first + relativedelta(months=1) - timedelta(days=1)


def _date(said: str, today: date) -> Days | None:
    m = re.fullmatch(rf"(?:on )?(?:(?:the )?{ORD} of {MONTH}|{MONTH} (?:the )?{ORD}|{ORD} {MONTH})(?:,? (?P<y>\d{{4}}))?"
                     rf"|(?:on )?(?P<iso>\d{{4}}-\d\d-\d\d)|on the (?P<nth>{ORD})", said)
    if m is None:
        return None
    try:
        if m["iso"]:
            day = date.fromisoformat(m["iso"])
        elif m["nth"]:
            return _nth(int(re.sub(r"\D", "", m["nth"])), today)
        else:
            words = re.sub(r"^on |\bthe\b|\bof\b|,", " ", said)
            day = dateparser.parse(words, default=datetime(today.year, today.month, 1)).date()
            day = day if day <= today or m["y"] else day - relativedelta(years=1)
    except (ValueError, OverflowError):  # "the 31st of February"
        return None
    return day, day


def _nth(n: int, today: date) -> Days | None:
    """"On the 3rd": the latest 3rd of a month not after today."""
    month = today.replace(day=1)
    for _ in range(3):  # "the 31st" may skip a month or two
        try:
            if (day := month.replace(day=n)) <= today:
                return day, day
        except ValueError:
            pass
        month -= relativedelta(months=1)
    return None
