"""Files Samantha writes for the user (memory exports): private, whole or not at all, and
never over an existing file unless asked.

A diary of conversations must not become world-readable because the file it replaced was,
nor be left half-written by a full disk or a crash: it is written to a private (0600)
temporary file beside the target, flushed to disk, then renamed over it in one step.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from samantha.errors import SamanthaError


def write_private(path: Path, text: str | bytes, force: bool = False) -> None:
    if path.is_dir():
        raise SamanthaError(f"{path} is a folder; give a file name inside it, e.g. {path / 'memory.json'}.")
    if path.exists() and not force:
        raise SamanthaError(f"{path} already exists; nothing was written. Choose another name, or add --force "
                            "to replace it.")
    if not path.parent.is_dir():
        raise SamanthaError(f"The folder {path.parent} does not exist; create it first, or choose another place.")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # created 0600
    except OSError as exc:
        raise SamanthaError(f"Cannot write in {path.parent} ({exc.strerror}); choose a folder you can write to.") from exc
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text.encode("utf-8") if isinstance(text, str) else text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise SamanthaError(f"Could not write {path} ({exc.strerror}); nothing was changed. Free some space or "
                            "choose another place.") from exc
