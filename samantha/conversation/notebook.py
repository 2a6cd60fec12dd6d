"""Notes and lists, kept in the memory's own SQLite file.

A table beside the memory's (``Memory.db``), like the reminders', with the same guarantees:
every change is one statement committed at once (autocommit, WAL, synced), so ``kill -9``
loses nothing she said she wrote down. A note is an item of the list ``notes``; an item of
any other list is a to-do, open until ticked off (``done``). Removing or clearing deletes
(the user asked for it); ``forget about X`` deletes the items that mention X, and ``forget
everything`` all of them (``Memory``). ``samantha memory export`` includes them, ``memory
wipe`` deletes the file and them with it, and ``samantha notes export`` writes them as
Markdown (``markdown``).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime, tzinfo

from samantha.conversation.beside_memory import BesideMemory
from samantha.day.lists import NOTES

SCHEMA = """
CREATE TABLE IF NOT EXISTS list_items (
    id INTEGER PRIMARY KEY, list TEXT NOT NULL, text TEXT NOT NULL,
    created REAL NOT NULL,       -- epoch seconds
    done REAL);                  -- when it was ticked off; NULL while open (notes never are)
CREATE INDEX IF NOT EXISTS list_items_list ON list_items(list, id);
"""
_COLUMNS = "id, list, text, created, done"


@dataclass(frozen=True)
class Item:
    id: int
    list: str
    text: str  # the user's words ("milk", "the plumber comes Thursday")
    created: float
    done: float | None = None


class Notebook(BesideMemory):
    schema = SCHEMA

    def add(self, name: str, text: str, now: float) -> int:
        """Keep ``text`` on the list ``name``; committed when this returns."""
        return self._db.execute("INSERT INTO list_items(list, text, created) VALUES (?, ?, ?)",
                                (name, text, now)).lastrowid or 0

    def items(self, name: str) -> list[Item]:
        """The list's items, in the order they were added."""
        if not self._exists():
            return []
        return [Item(*row) for row in self._db.execute(
            f"SELECT {_COLUMNS} FROM list_items WHERE list = ? ORDER BY id", (name,))]

    def lists(self) -> dict[str, int]:
        """Every list with something on it, and how many items are still open (notes: how many notes)."""
        if not self._exists():
            return {}
        return dict(self._db.execute("SELECT list, sum(done IS NULL) FROM list_items GROUP BY list ORDER BY min(id)"))

    def tick(self, item: int, now: float, done: bool = True) -> None:
        self._db.execute("UPDATE list_items SET done = ? WHERE id = ?", (now if done else None, item))

    def remove(self, item: int) -> None:
        self._db.execute("DELETE FROM list_items WHERE id = ?", (item,))

    def clear(self, name: str) -> int:
        return self._db.execute("DELETE FROM list_items WHERE list = ?", (name,)).rowcount

    def export(self) -> list[dict]:
        if not self._exists():
            return []
        return [asdict(Item(*row)) for row in self._db.execute(f"SELECT {_COLUMNS} FROM list_items ORDER BY list, id")]

    def _exists(self) -> bool:
        return self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'list_items'").fetchone() is not None


def title(name: str) -> str:
    """"shopping" -> "Shopping list", "notes" -> "Notes"."""
    return "Notes" if name == NOTES else f"{name[:1].upper()}{name[1:]} list"


def file_name(name: str) -> str:
    """The Markdown file a list is exported to: "shopping.md", "to-do.md" (only safe characters)."""
    return (re.sub(r"[^\w-]+", "-", name.lower()).strip("-.") or "list") + ".md"


def _escaped(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#])", r"\\\1", text.replace("\n", " "))


def markdown(name: str, items: list[Item], zone: tzinfo) -> str:
    """A list as Markdown: check boxes for a to-do list, the date and time beside each note."""
    lines = [f"# {title(name)}", ""]
    for i in items:
        if name == NOTES:
            lines.append(f"- {datetime.fromtimestamp(i.created, zone):%Y-%m-%d %H:%M}: {_escaped(i.text)}")
        else:
            lines.append(f"- [{'x' if i.done is not None else ' '}] {_escaped(i.text)}")
    return "\n".join(lines) + "\n"
