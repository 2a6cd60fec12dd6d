"""User-facing errors.

Every problem a user can fix is raised as a ``SamanthaError`` whose message is one
paragraph: what is wrong, where, and the command that fixes it. The CLI prints it without
a traceback (``--debug`` shows one).
"""

from __future__ import annotations

from pathlib import Path

DOWNLOAD_HINT = "samantha models download"


class SamanthaError(Exception):
    """A problem the user can fix; the message says how."""


def model_problem(path: Path | str, what: str, fix: str = DOWNLOAD_HINT) -> SamanthaError:
    """A missing or broken model file, naming the file and the command that fixes it."""
    return SamanthaError(f"{what}: {path}. To fix it, run: {fix}")
