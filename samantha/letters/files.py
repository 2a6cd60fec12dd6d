"""The letters folder: one Markdown file per letter, saved whole after every change.

Where: ``SAMANTHA_LETTERS_DIR``, else ``Samantha/letters`` in the user's documents folder
(platformdirs), so the letters are the user's files, not hidden in her data. A file is
named for its date and recipient ("2026-11-30 Grandma.md"; "… Grandma 2.md" for a second
that day). Every save is atomic (a private temporary file, synced, renamed over the
letter), so ``kill -9`` at any moment leaves the letter as it was before or after the
change, never half. Before a change, what the file held is kept in
``.versions/<file name>/0001.md…`` (hidden, beside the letters), so "undo that" goes back
one change at a time, even after a restart, and nothing the user wrote is ever lost; the
newest ``KEEP`` versions of each letter are kept.
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import platformdirs

from samantha.errors import SamanthaError, file_problem
from samantha.letters.front import Letter, LetterProblem, format_letter, parse_letter
from samantha.storage import write_private

KEEP = 200  # versions kept per letter
SUFFIXES = (".md", ".txt", ".markdown")


def letters_dir() -> Path:
    if env := os.environ.get("SAMANTHA_LETTERS_DIR"):
        return Path(env).expanduser()
    return Path(platformdirs.user_documents_dir()) / "Samantha" / "letters"


@dataclass(frozen=True)
class Entry:
    """A file in the folder: its letter, or why it cannot be read."""

    path: Path
    letter: Letter | None
    problem: str = ""


def _from_name(path: Path) -> tuple[str, date | None]:
    m = re.match(r"(\d{4}-\d{2}-\d{2})\s+(.+?)(?:\s+\d+)?$", path.stem)
    if m is None:
        return path.stem, None
    try:
        return m.group(2), date.fromisoformat(m.group(1))
    except ValueError:
        return m.group(2), None


def _sweep(path: Path) -> None:
    """A save cut short by kill -9 leaves its half-written copy beside the letter (which is whole, as it was
    before): gone at the next save, changed or not."""
    for stray in path.parent.glob(f".{glob.escape(path.name)}.*"):
        stray.unlink(missing_ok=True)


class LetterFiles:
    def __init__(self, folder: Path | None = None):
        self.folder = folder or letters_dir()

    def read(self, path: Path) -> Letter:
        """The letter in ``path``; a file that is not one is a ``LetterProblem`` naming the fix."""
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise SamanthaError(f"Cannot read the letter {path}: {file_problem(exc)}") from exc
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise LetterProblem(f"The letter {path} is not UTF-8 text, so it cannot be read safely. Open it in an "
                                "editor and save it as UTF-8 (\"Unicode\"), then try again. The file was not changed.") from None
        to, named = _from_name(path)
        written = named or datetime.fromtimestamp(path.stat().st_mtime).date()
        return parse_letter(text, str(path), to, written)

    def entries(self) -> list[Entry]:
        """Every letter in the folder, oldest first (by date, then name); unreadable ones with their problem."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in sorted(p for p in self.folder.iterdir() if p.suffix.lower() in SUFFIXES and not p.name.startswith(".")):
            try:
                found.append(Entry(path, self.read(path)))
            except SamanthaError as exc:
                found.append(Entry(path, None, str(exc)))
        return sorted(found, key=lambda e: (e.letter.date if e.letter else date.min, e.path.name))

    def new_path(self, letter: Letter) -> Path:
        """A file name of its own for a new letter: "2026-11-30 Grandma.md", then "… Grandma 2.md"."""
        name = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", " ", letter.to).strip(" .") or "letter"
        stem = f"{letter.date.isoformat()} {name[:60]}"
        path, n = self.folder / f"{stem}.md", 1
        while path.exists():
            n += 1
            path = self.folder / f"{stem} {n}.md"
        return path

    def save(self, path: Path, letter: Letter) -> None:
        """Write ``letter`` to ``path`` whole (atomically), keeping what the file held before as a version."""
        text = format_letter(letter)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            before = path.read_bytes() if path.exists() else None
            if before is not None and before.decode("utf-8", "replace") == text:
                _sweep(path)
                return
            if before is not None:
                self._keep(path, before)
        except OSError as exc:
            raise SamanthaError(f"Cannot save the letter {path}: {file_problem(exc)}") from exc
        write_private(path, text, force=True)
        _sweep(path)

    def undo(self, path: Path) -> Letter | None:
        """The letter as it was before its last change (written back); None if there is no earlier version."""
        versions = self._versions(path)
        if not versions:
            return None
        last = versions[-1]
        text = last.read_text(encoding="utf-8", errors="replace")
        write_private(path, text, force=True)
        last.unlink()
        return self.read(path)

    def _versions(self, path: Path) -> list[Path]:
        folder = self.folder / ".versions" / path.name
        return sorted(folder.glob("*.md")) if folder.is_dir() else []

    def _keep(self, path: Path, before: bytes) -> None:
        folder = self.folder / ".versions" / path.name
        folder.mkdir(parents=True, exist_ok=True)
        versions = self._versions(path)
        number = int(versions[-1].stem) + 1 if versions else 1
        write_private(folder / f"{number:04d}.md", before.decode("utf-8", "replace"), force=True)
        for old in versions[:max(0, len(versions) + 1 - KEEP)]:
            old.unlink()

    def find(self, ident: str) -> Entry:
        """The letter ``ident`` names: its number in ``list``, its file name, or the newest to a recipient."""
        entries = self.entries()
        ident = ident.strip()
        if ident.isdigit() and 1 <= int(ident) <= len(entries):
            return entries[int(ident) - 1]
        for e in entries:
            if ident in (e.path.name, e.path.stem):
                return e
        named = self.to(ident, entries)
        if named:
            return named[-1]
        raise SamanthaError(f"No letter \"{ident}\" in {self.folder}: give its number or name as `samantha letters list` "
                            "shows them, or the name of the person it is to.")

    def to(self, who: str, entries: list[Entry] | None = None) -> list[Entry]:
        """The letters to ``who`` ("Amy", "grandma"), oldest first: whole words of the recipient, any case (an
        unreadable file by the name in its file name, so that asking for it says what is wrong with it)."""
        words = set(re.findall(r"\w+", who.lower())) - {"my", "the", "our", "dear"}
        return [e for e in (self.entries() if entries is None else entries)
                if words and words <= set(re.findall(r"\w+", (e.letter.to if e.letter else _from_name(e.path)[0]).lower()))]
