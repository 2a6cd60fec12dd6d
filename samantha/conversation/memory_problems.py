"""Why the memory file cannot be used, told from SQLite's own error codes.

At start a failure is a ``SamanthaError`` naming the real cause and its fix (a full disk is
not "another samantha running"). Mid-conversation ``Memory`` goes on in RAM and she says,
in one sentence, that she is not saving and why (``Cause.sentence``). Forgetting that cannot
be written raises ``StorageError``: nothing may be said to be forgotten that is still on disk.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from samantha.errors import SamanthaError


@dataclass(frozen=True)
class Cause:
    what: str  # spoken: "the disk is full"
    fix: str  # spoken: "free some space and start me again"
    state: str  # written, after "The memory file PATH": "cannot grow: the disk is full"
    remedy: str  # written: how to fix it ({path} is the file)

    def sentence(self) -> str:
        """What she says once when she stops saving: one sentence, the cause and the fix."""
        return (f"I can't save to my memory right now because {self.what}, so we can keep talking but I won't "
                f"remember the rest of this conversation; {self.fix}.")

    def paragraph(self, path: Path | str, detail: object, outcome: str = "") -> str:
        """The written form: what is wrong with which file, SQLite's own words, what came of it, the fix."""
        return f"The memory file {path} {self.state} ({detail}).{outcome} {self.remedy.format(path=path)}"


_PERMISSIONS = "Check the permissions of the file and its folder (you must be able to write both), or point " \
               "SAMANTHA_DATA_DIR elsewhere."
_BUSY = Cause("another Samantha is using it", "close the other one and start me again",
              "is busy", "Is another samantha running? Close it and try again.")
_DAMAGED = Cause("my memory file is damaged", "afterwards, samantha memory export can rescue what is still readable",
                 "is damaged", "Try to rescue it with: sqlite3 {path} .recover > rescued.sql ; "
                 "or move it aside to start a new memory.")
CAUSES = {
    sqlite3.SQLITE_FULL: Cause("the disk is full", "free some space and start me again",
                               "cannot grow: the disk is full", "Free some space on that disk and try again."),
    sqlite3.SQLITE_READONLY: Cause("my memory file is read-only", "check its permissions and start me again",
                                   "is read-only", _PERMISSIONS),
    sqlite3.SQLITE_PERM: Cause("I'm not allowed to write my memory file", "check its permissions and start me again",
                               "may not be written", _PERMISSIONS),
    sqlite3.SQLITE_BUSY: _BUSY,
    sqlite3.SQLITE_LOCKED: _BUSY,
    sqlite3.SQLITE_CORRUPT: _DAMAGED,
    sqlite3.SQLITE_NOTADB: _DAMAGED,
    sqlite3.SQLITE_CANTOPEN: Cause("my memory file can't be opened any more",
                                   "check that its disk is still there and start me again", "cannot be opened",
                                   "Check that its folder exists and is yours to write (is its disk still attached?), "
                                   "or point SAMANTHA_DATA_DIR elsewhere."),
    sqlite3.SQLITE_IOERR: Cause("the disk reported an error", "check the disk and start me again",
                                "could not be read or written: the disk reported an error",
                                "Check the disk (is it still attached? is it full?), then try again."),
}
VANISHED = Cause("my memory file was deleted or moved", "start me again to begin a new one",
                 "was deleted or moved while in use", "Start samantha again to begin a new one.")
OTHER = Cause("of a storage error", "start me again", "cannot be used", "Check the disk and the file, then try again.")


def cause(exc: BaseException) -> Cause | None:
    """The cause of a storage failure, or None if ``exc`` is no storage failure (a bug, say)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else CAUSES.get(code & 0xFF)


def at_start(path: Path | str, exc: sqlite3.Error) -> SamanthaError:
    """The memory file could not be opened: one paragraph naming the real cause and its fix."""
    return SamanthaError((cause(exc) or OTHER).paragraph(path, exc, " Nothing was changed."))


class StorageError(SamanthaError):
    """Something had to be written to the memory file (forgetting) and could not be: nothing was."""

    def __init__(self, path: Path | str, found: Cause, detail: object):
        super().__init__(found.paragraph(path, detail, " Nothing was changed."))
        self.cause = found
