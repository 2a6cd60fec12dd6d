"""User-facing errors.

Every problem a user can fix is raised as a ``SamanthaError`` whose message is one
paragraph: what is wrong, where, and the command that fixes it. The CLI prints it without
a traceback (``--debug`` shows one).
"""

from __future__ import annotations

import errno
from pathlib import Path

DOWNLOAD_HINT = "samantha models download"


class SamanthaError(Exception):
    """A problem the user can fix; the message says how."""


def model_problem(path: Path | str, what: str, fix: str = DOWNLOAD_HINT) -> SamanthaError:
    """A missing or broken model file, naming the file and the command that fixes it."""
    return SamanthaError(f"{what}: {path}. To fix it, run: {fix}")


_FILE_FIXES = {
    errno.ENOSPC: "The disk is full: free some space and try again.",
    errno.EDQUOT: "Your disk quota is used up: free some space and try again.",
    errno.EROFS: "That place is read-only: choose a writable folder (SAMANTHA_DATA_DIR, SAMANTHA_MODELS_DIR).",
    errno.EACCES: "You may not write there: fix its permissions, or choose another folder.",
    errno.EPERM: "You may not write there: fix its permissions, or choose another folder.",
    errno.ENOTDIR: "A file stands where a folder should be: move it away, or point SAMANTHA_DATA_DIR / "
                   "SAMANTHA_MODELS_DIR elsewhere.",
    errno.EEXIST: "A file stands where a folder should be: move it away, or point SAMANTHA_DATA_DIR / "
                  "SAMANTHA_MODELS_DIR elsewhere.",
    errno.EISDIR: "A folder stands where a file should be: give a file name.",
    errno.ENOENT: "It does not exist: check the path.",
}


def file_problem(exc: OSError) -> str:
    """One paragraph for a file-system error the user can fix: what, where, and how."""
    where = f" ({exc.filename})" if exc.filename else ""
    fix = _FILE_FIXES.get(exc.errno or 0, "Check the disk and the path, then try again.")
    return f"{exc.strerror or exc}{where}. {fix} Nothing else was changed."


def database_problem(exc: Exception) -> str:
    from samantha.models import paths

    return (f"The memory file {paths.memory_path()} cannot be used ({exc}). Nothing was changed. If it is read-only, "
            "make it writable; if it is damaged, move it aside to start afresh (Samantha makes a new one), or keep "
            "it and try `samantha memory export FILE.json` to rescue what can still be read.")
