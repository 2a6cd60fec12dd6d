"""Tables kept beside the memory's own, in the same SQLite file (reminders, notes and lists):
the same guarantees (each change one statement, committed at once), and the same file to
export, forget from and wipe."""

from __future__ import annotations

import sqlite3


class BesideMemory:
    """Over the memory's open database (``Memory.db``); ``writable`` False when incognito."""

    schema = ""  # the table's CREATE statements, run once the first time it is opened

    def __init__(self, db: sqlite3.Connection, writable: bool = True):
        self._db, self.writable = db, writable
        try:
            db.executescript(self.schema)
        except sqlite3.OperationalError:  # a memory opened read-only (incognito) from before this table
            self.writable = False
