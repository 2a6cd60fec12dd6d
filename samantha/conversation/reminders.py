"""Reminders, timers and alarms, kept in the memory's own SQLite file.

A table beside the memory's (``Memory.db``), with the same guarantees: every change is one
statement committed at once (autocommit, WAL, synced), so ``kill -9`` at any moment loses
nothing that was confirmed. A reminder is pending until it has been told (or cancelled); a
repeating one is then moved on to its next occurrence (its RRULE, kept with its first
occurrence as DTSTART, in the zone it was set in). Reminders that fell due while she was not
running are still pending at the next start, and are told then, once. ``samantha memory
export`` includes them; ``memory wipe`` deletes the file, and them with it.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from dateutil import tz as dateutil_tz

from samantha.conversation.beside_memory import BesideMemory
from samantha.day.when import next_after

SCHEMA = """
CREATE TABLE IF NOT EXISTS reminders (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, what TEXT NOT NULL,
    due REAL NOT NULL,           -- when it is next due (epoch seconds)
    rule TEXT,                   -- a repeating one's RRULE body; DTSTART is ``first``, in ``zone``
    first TEXT, zone TEXT,       -- its first occurrence (ISO, local wall clock) and zone
    length REAL,                 -- a timer's length (seconds)
    created REAL NOT NULL, told REAL, cancelled REAL);
CREATE INDEX IF NOT EXISTS reminders_due ON reminders(due) WHERE told IS NULL AND cancelled IS NULL;
"""


def local_zone() -> tzinfo:
    """The user's zone: ``TZ`` if set, else the system's."""
    return dateutil_tz.gettz() or ZoneInfo("UTC")


@dataclass(frozen=True)
class Reminder:
    id: int
    kind: str  # "reminder" | "timer" | "alarm"
    what: str  # in her words ("call your sister"); "" for a plain timer or alarm
    due: float  # epoch seconds
    rule: str | None = None
    first: str | None = None
    zone: str | None = None
    length: float | None = None
    created: float = 0.0
    told: float | None = None
    cancelled: float | None = None

    def due_at(self, zone: tzinfo) -> datetime:
        return datetime.fromtimestamp(self.due, zone)


_COLUMNS = "id, kind, what, due, rule, first, zone, length, created, told, cancelled"


class ReminderBook(BesideMemory):
    schema = SCHEMA

    def add(self, kind: str, what: str, due: datetime, rule: str | None = None, length: timedelta | None = None,
            now: float = 0.0) -> int:
        """Keep a reminder due at ``due`` (aware); committed when this returns."""
        zone = getattr(due.tzinfo, "key", None) or _zone_name(due)
        first = due.replace(tzinfo=None).isoformat() if rule else None
        cursor = self._db.execute(
            "INSERT INTO reminders(kind, what, due, rule, first, zone, length, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (kind, what, due.timestamp(), rule, first, zone, length.total_seconds() if length else None,
             now or due.timestamp()))
        return cursor.lastrowid or 0

    def get(self, reminder: int) -> Reminder | None:
        row = self._db.execute(f"SELECT {_COLUMNS} FROM reminders WHERE id = ?", (reminder,)).fetchone()
        return Reminder(*row) if row else None

    def pending(self) -> list[Reminder]:
        """Not yet told or cancelled, soonest first."""
        if not self._exists():
            return []
        return [Reminder(*row) for row in self._db.execute(
            f"SELECT {_COLUMNS} FROM reminders WHERE told IS NULL AND cancelled IS NULL ORDER BY due, id")]

    def due(self, now: float) -> list[Reminder]:
        return [r for r in self.pending() if r.due <= now]

    def cancel(self, reminder: int, now: float) -> bool:
        return self._db.execute("UPDATE reminders SET cancelled = ? WHERE id = ? AND told IS NULL AND cancelled IS NULL",
                                (now, reminder)).rowcount > 0

    def told(self, reminder: int, now: float) -> None:
        """It has been said: done, or, if it repeats, moved on to its next occurrence after now."""
        r = self.get(reminder)
        if r is None or r.told is not None or r.cancelled is not None:
            return
        following = _following(r, now)
        if following is None:
            self._db.execute("UPDATE reminders SET told = ? WHERE id = ?", (now, reminder))
        else:
            self._db.execute("UPDATE reminders SET due = ? WHERE id = ?", (following, reminder))

    def snooze(self, reminder: int, until: float, now: float) -> int:
        """Say it again at ``until``: a one-off is due again; a repeating one gets a one-off copy."""
        r = self.get(reminder)
        if r is None:
            return 0
        if r.rule is None:
            self._db.execute("UPDATE reminders SET due = ?, told = NULL, cancelled = NULL WHERE id = ?", (until, reminder))
            return reminder
        cursor = self._db.execute("INSERT INTO reminders(kind, what, due, length, created) VALUES (?, ?, ?, ?, ?)",
                                  (r.kind, r.what, until, r.length, now))
        return cursor.lastrowid or 0

    def export(self) -> list[dict]:
        if not self._exists():
            return []
        return [asdict(Reminder(*row)) for row in self._db.execute(f"SELECT {_COLUMNS} FROM reminders ORDER BY id")]

    def _exists(self) -> bool:
        return self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'reminders'").fetchone() is not None


def _zone_name(due: datetime) -> str | None:
    """A zone's name to keep: the system's own (``/etc/localtime``) as the name TZ gives, if any."""
    return os.environ.get("TZ") or None


def zone_named(name: str | None) -> tzinfo:
    """The zone a reminder was set in; the user's own if it has no name or is unknown here."""
    try:
        return ZoneInfo(name) if name else local_zone()
    except (ValueError, KeyError, OSError):
        return local_zone()


def _following(r: Reminder, now: float) -> float | None:
    if not r.rule or not r.first:
        return None
    zone = zone_named(r.zone)
    start = datetime.fromisoformat(r.first).replace(tzinfo=zone)
    following = next_after(r.rule, start, datetime.fromtimestamp(max(now, r.due), zone))
    return None if following is None else following.timestamp()
