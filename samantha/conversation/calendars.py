"""The user's calendars, read (never written) from .ics files or vdir folders.

``[calendar] paths`` names files and folders (``~`` expanded); a folder is read with every
``.ics`` file under it, which covers a vdir (one event per file, as khal and vdirsyncer keep
them) and a folder of such collections. The files are read each time she is asked, so a sync
in between is seen. Repeating events are expanded by ``recurring-ical-events`` (RRULE,
RDATE, EXDATE, moved occurrences) in the event's own zone (TZID) and put in the user's; a
time with no zone is the user's; a cancelled event is left out.

A calendar she cannot read never stops her answer: what she could read is said, and each
problem is one sentence naming the file and the fix (a path that does not exist, a file that
is not iCalendar, one she may not open). Nothing is changed on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path

from samantha.day.agenda import Event, bounds


@dataclass(frozen=True)
class Read:
    events: tuple[Event, ...] = ()
    problems: tuple[str, ...] = ()  # each one sentence, said after the agenda


def files(path: str) -> tuple[list[Path], str | None]:
    """The .ics files ``path`` (from the settings) stands for, or the sentence saying why there are none."""
    where = Path(path).expanduser()
    if where.is_dir():
        return sorted(p for p in where.rglob("*.ics") if p.is_file()), None
    if where.is_file():
        return [where], None
    return [], (f"I can't find your calendar at {path}; correct it under [calendar] paths in my settings, "
                "or take it out.")


def read_day(paths: tuple[str, ...], day: date, zone: tzinfo) -> Read:
    """Every event occurring on ``day`` (in ``zone``) in the calendars at ``paths``."""
    start, end = bounds(day, zone)
    events: list[Event] = []
    problems: list[str] = []
    for path in paths:
        found, problem = files(path)
        problems += [problem] if problem else []
        for file in found:
            try:
                data = file.read_bytes()
            except OSError as exc:
                problems.append(f"I can't open your calendar file {file.name} ({exc.strerror}); check who may read it.")
                continue
            try:
                events += occurrences(data, start, end, zone)
            except Exception:  # whatever the parser makes of a file that is not iCalendar
                problems.append(f"Your calendar file {file.name} isn't an iCalendar file I can read, so I left it out; "
                                "fix it, or take it out of [calendar] paths in my settings.")
    return Read(tuple(events), tuple(problems))


def occurrences(data: bytes, start: datetime, end: datetime, zone: tzinfo) -> list[Event]:
    """The events of one .ics file's text between ``start`` and ``end``, repeats expanded."""
    import icalendar
    import recurring_ical_events

    found = []
    for calendar in icalendar.Calendar.from_ical(data, multiple=True):
        for component in recurring_ical_events.of(calendar).between(start, end):
            if component.name == "VEVENT" and str(component.get("STATUS", "")).upper() != "CANCELLED":
                found.append(_event(component, zone))
    return found


def _event(component, zone: tzinfo) -> Event:
    title = str(component.get("SUMMARY", "")).strip() or "an event with no title"
    begin = component["DTSTART"].dt
    end = component["DTEND"].dt if "DTEND" in component else \
        begin + component["DURATION"].dt if "DURATION" in component else None
    return Event(title, _aware(begin, zone), _aware(end, zone) if end is not None else None)


def _aware(t: date | datetime, zone: tzinfo) -> date | datetime:
    """A floating time (no zone) is the user's; a date stays a date (all day)."""
    if isinstance(t, datetime) and t.tzinfo is None:
        return t.replace(tzinfo=zone)
    return t

