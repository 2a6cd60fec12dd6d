"""How she says times and reminders back: short, spoken, the way people say them.

"at 5 pm", "tomorrow at 7:30 am", "every Monday at 9 am", "in 20 minutes", "a 10-minute
timer". Written for the voice (``core/speech_text.py`` reads "5 pm" and "7:30" aloud well).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from samantha.day.when import DAYS, RRULE_DAYS


def clock(t: datetime) -> str:
    """"5 pm", "7:30 am", "noon", "midnight"."""
    if (t.hour, t.minute) == (12, 0):
        return "noon"
    if (t.hour, t.minute) == (0, 0):
        return "midnight"
    hour = t.hour % 12 or 12
    return f"{hour}{f':{t.minute:02d}' if t.minute else ''} {'am' if t.hour < 12 else 'pm'}"


def day(t: datetime, now: datetime) -> str:
    """"" (today), "tomorrow", "on Friday" (within the week), "on March 3" (or "on March 3, 2027")."""
    days = (t.date() - now.date()).days
    if days == 0:
        return ""
    if days == 1:
        return "tomorrow"
    if 1 < days < 7:
        return f"on {DAYS[t.weekday()].capitalize()}"
    return f"on {t:%B} {t.day}" + (f", {t.year}" if t.year != now.year else "")


def length(span: timedelta) -> str:
    """"10 minutes", "an hour and a half", "1 hour and 15 minutes", "90 seconds"."""
    seconds = round(span.total_seconds())
    if seconds < 120 and seconds % 60:
        return f"{seconds} seconds"
    hours, minutes = divmod(seconds // 60, 60)
    if hours and minutes == 30:
        return f"{'an' if hours == 1 else hours} hour{'s' if hours > 1 else ''} and a half"
    parts = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in ((hours, "hour"), (minutes, "minute")) if n]
    return " and ".join(parts).replace("1 hour", "an hour", 1) if parts[0].startswith("1 hour") else " and ".join(parts)


def adjective(span: timedelta) -> str:
    """A timer's length before its name: "10-minute", "90-second", "1-hour-30-minute"."""
    seconds = round(span.total_seconds())
    if seconds < 120 and seconds % 60:
        return f"{seconds}-second"
    hours, minutes = divmod(seconds // 60, 60)
    return "-".join(f"{n}-{unit}" for n, unit in ((hours, "hour"), (minutes, "minute")) if n)


def repeat(rule: str, due: datetime) -> str:
    """"every Monday", "every weekday", "every day", "every 2 hours", from an RRULE body."""
    parts = dict(p.split("=", 1) for p in rule.split(";"))
    n = int(parts.get("INTERVAL", "1"))
    freq = parts["FREQ"]
    if freq in ("HOURLY", "MINUTELY"):
        unit = "hour" if freq == "HOURLY" else "minute"
        return f"every {unit}" if n == 1 else f"every {n} {unit}s"
    if freq == "DAILY":
        return "every day" if n == 1 else "every other day" if n == 2 else f"every {n} days"
    if freq == "MONTHLY":
        return f"every month on the {_ordinal(due.day)}"
    days = parts.get("BYDAY", RRULE_DAYS[due.weekday()]).split(",")
    if days == list(RRULE_DAYS[:5]):
        return "every weekday"
    if days == ["SA", "SU"]:
        return "every weekend day"
    names = [DAYS[RRULE_DAYS.index(d)].capitalize() for d in days]
    return "every " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def when(due: datetime, now: datetime, rule: str | None = None, relative: bool = False) -> str:
    """When a reminder is due, as she says it: "at 5 pm", "tomorrow at 9 am", "every Monday at 9 am", "in 20 minutes"."""
    if rule and rule.startswith(("FREQ=HOURLY", "FREQ=MINUTELY")):
        return repeat(rule, due)
    if rule:
        return f"{repeat(rule, due)} at {clock(due)}"
    if relative and due - now < timedelta(hours=1):
        return "in " + length(due - now)
    said = day(due, now)
    return f"{said} at {clock(due)}" if said else f"at {clock(due)}"


def summary(kind: str, what: str, span: timedelta | None) -> str:
    """What a reminder is, in a few words: "the reminder to call your sister", "your 10-minute timer"."""
    if kind == "timer":
        named = f"your {adjective(span)} timer" if span else "your timer"
        return f"{named} {what}" if what.startswith("for ") else f"{named} for {what}" if what else named
    if kind == "alarm":
        return "your alarm"
    if not what:
        return "a reminder"
    return f"the reminder {what}" if what.startswith("about ") else f"the reminder to {what}"


def due_now(kind: str, what: str, span: timedelta | None, due: datetime) -> str:
    """What she says when it is due: "Just a reminder to call your sister.", "Your 10-minute timer is done."."""
    if kind == "timer":
        return summary(kind, what, span)[0].upper() + summary(kind, what, span)[1:] + " is done."
    if kind == "alarm":
        return f"It's {clock(due)}. Time to wake up!"
    if not what:
        return "Here's the reminder you asked for."
    return f"Just a reminder {what}." if what.startswith("about ") else f"Just a reminder to {what}."


def missed(items: list[tuple[str, str, timedelta | None, datetime]], now: datetime) -> str:
    """The ones that fell due while she was not running, told at the next start, once."""
    told = [f"{_ago(due, now)}, {summary(k, w, s)}" for k, w, s, due in items]
    return "While I was away: " + "; ".join(told) + "."


def _ago(t: datetime, now: datetime) -> str:
    """"3:10 pm" (today), "yesterday at 3:10 pm", "on March 28 at 3:10 pm"."""
    days = (now.date() - t.date()).days
    if days <= 0:
        return clock(t)
    return f"{'yesterday' if days == 1 else f'on {t:%B} {t.day}'} at {clock(t)}"
