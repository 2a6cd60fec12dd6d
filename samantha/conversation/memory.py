"""Memory: every conversation and message, a profile, and durable facts, in one SQLite file.

Each message is committed the moment it happens (WAL journal, synced on every commit, so
not even a power cut loses one), and a crash or ``kill -9`` at any moment leaves a
consistent database holding every completed message. The file is created mode
0600: it is a diary. Facts are searchable with FTS5, so a turn's prompt can carry the few
that matter to what was just said; a fact learned again is merged, not duplicated.
``Memory.incognito`` reads what is remembered and writes nothing.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from samantha.errors import SamanthaError

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id INTEGER PRIMARY KEY, started REAL NOT NULL, summary TEXT,
    learned_through INTEGER NOT NULL DEFAULT 0);  -- the last message its notes were taken from
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY, conversation INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    at REAL NOT NULL, role TEXT NOT NULL, content TEXT NOT NULL, interrupted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS profile (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS facts (
    id INTEGER PRIMARY KEY, text TEXT NOT NULL, learned REAL NOT NULL, updated REAL NOT NULL,
    conversation INTEGER REFERENCES conversations(id) ON DELETE SET NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS facts_fts USING fts5(text, content='facts', content_rowid='id');
CREATE TRIGGER IF NOT EXISTS facts_ai AFTER INSERT ON facts BEGIN
    INSERT INTO facts_fts(rowid, text) VALUES (new.id, new.text); END;
CREATE TRIGGER IF NOT EXISTS facts_ad AFTER DELETE ON facts BEGIN
    INSERT INTO facts_fts(facts_fts, rowid, text) VALUES ('delete', old.id, old.text); END;
CREATE TRIGGER IF NOT EXISTS facts_au AFTER UPDATE ON facts BEGIN
    INSERT INTO facts_fts(facts_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO facts_fts(rowid, text) VALUES (new.id, new.text); END;
"""
_STOP = {"a", "an", "the", "my", "your", "i", "me", "is", "are", "was", "to", "of", "and", "or", "in", "on",
         "it", "that", "this", "you", "do", "what", "about", "with", "for", "at", "be", "have", "has", "so"}


@dataclass(frozen=True)
class Fact:
    id: int
    text: str
    learned: float  # when first learned (epoch seconds)
    updated: float  # when last confirmed or changed
    conversation: int | None  # which conversation it came from


def _key(text: str) -> str:
    """A fact's identity for merging: its words, lower-cased, without punctuation."""
    return " ".join(re.findall(r"[\w']+", text.lower()))


def _connect(path: Path | str, incognito: bool, readonly: bool) -> sqlite3.Connection:
    """The memory file opened (created private if new), or, incognito, read only or in memory."""
    try:
        if incognito:  # read what is there, if anything; write nothing to disk
            settled = not Path(f"{path}-wal").exists()  # else an unfinished journal holds the newest pages
            uri = f"file:{path}?mode=ro{'&immutable=1' if settled else ''}" if readonly else "file::memory:"
            db = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
            if not readonly:
                db.executescript(SCHEMA)
            return db
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))  # created private, never world-readable
        os.chmod(path, 0o600)
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)  # autocommit
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA secure_delete=ON")  # what is forgotten is overwritten, not just unlinked
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        db.executescript(SCHEMA)
        return db
    except sqlite3.OperationalError as exc:
        raise SamanthaError(f"The memory file {path} is busy or cannot be opened ({exc}). Is another samantha "
                            "running? Close it and try again.") from exc
    except sqlite3.DatabaseError as exc:
        raise SamanthaError(f"The memory file {path} is damaged ({exc}). Nothing was changed. Try to rescue it "
                            f"with: sqlite3 {path} .recover > rescued.sql ; or move it aside to start a new "
                            "memory.") from exc


class Memory:
    def __init__(self, db: sqlite3.Connection, path: Path | str, incognito: bool = False, readonly: bool = False):
        """Cheap: a database already open (``open`` opens the file); ``readonly``: incognito over an existing file."""
        self._db, self.path, self.incognito, self._readonly = db, path, incognito, readonly
        self.conversation: int | None = None  # the conversation being recorded

    @classmethod
    def open(cls, path: Path | str, incognito: bool = False) -> Memory:
        readonly = incognito and Path(path).is_file()
        return cls(_connect(path, incognito, readonly), path, incognito, readonly)

    @property
    def db(self) -> sqlite3.Connection:
        """The open database, for tables kept beside the memory's own (``conversation/reminders.py``)."""
        return self._db

    # --- conversations and messages ---
    def begin(self) -> int:
        """Start recording a new conversation; returns its id."""
        self.conversation = self._write("INSERT INTO conversations(started) VALUES (?)", (time.time(),))
        return self.conversation

    def add_message(self, role: str, content: str, interrupted: bool = False) -> int:
        """Record a message now; returns its id."""
        if self.conversation is None:
            self.begin()
        return self._write("INSERT INTO messages(conversation, at, role, content, interrupted) VALUES (?, ?, ?, ?, ?)",
                           (self.conversation, time.time(), role, content, int(interrupted)))

    def amend_reply(self, message: int, heard: str) -> None:
        """Her reply ``message`` was cut off: keep what was heard, marked interrupted (or drop it if nothing was)."""
        if heard.strip():
            self._write("UPDATE messages SET content = ?, interrupted = 1 WHERE id = ?", (heard.strip(), message))
        else:
            self._write("DELETE FROM messages WHERE id = ?", (message,))

    def unsay(self) -> str | None:
        """Drop the user's last message of this conversation and her answer ("forget that");
        returns what the user had said."""
        row = self._db.execute("SELECT id, content FROM messages WHERE conversation = ? AND role = 'user' "
                               "ORDER BY id DESC LIMIT 1", (self.conversation,)).fetchone()
        if row is None:
            return None
        self._write("DELETE FROM messages WHERE conversation = ? AND id >= ?", (self.conversation, row[0]))
        return row[1]

    def messages(self, conversation: int | None = None) -> list[tuple[str, str, bool]]:
        """(role, content, interrupted) of a conversation (default: the current one), in order."""
        rows = self._db.execute("SELECT role, content, interrupted FROM messages WHERE conversation = ? ORDER BY id",
                                (conversation or self.conversation,))
        return [(role, content, bool(cut)) for role, content, cut in rows]

    def unlearned(self) -> list[int]:
        """Conversations with messages no notes were taken from yet, oldest first."""
        return [cid for cid, in self._db.execute(
            "SELECT c.id FROM conversations c JOIN messages m ON m.conversation = c.id "
            "GROUP BY c.id HAVING max(m.id) > c.learned_through ORDER BY c.id")]

    def learned(self, conversation: int) -> None:
        """Notes were taken from everything said so far in ``conversation``."""
        self._write("UPDATE conversations SET learned_through = "
                    "(SELECT coalesce(max(id), 0) FROM messages WHERE conversation = ?) WHERE id = ?",
                    (conversation, conversation))

    def set_summary(self, text: str, conversation: int | None = None) -> None:
        self._write("UPDATE conversations SET summary = ? WHERE id = ?", (text, conversation or self.conversation))

    def last_summary(self) -> str | None:
        """The summary of the most recent earlier conversation that has one."""
        row = self._db.execute("SELECT summary FROM conversations WHERE summary IS NOT NULL AND id IS NOT ? "
                               "ORDER BY id DESC LIMIT 1", (self.conversation,)).fetchone()
        return row[0] if row else None

    # --- the profile: what to call the user, how they like to talk ---
    def profile(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM profile ORDER BY key"))

    def set_profile(self, key: str, value: str) -> None:
        self._write("INSERT INTO profile(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value))

    # --- facts ---
    def remember(self, text: str, replaces: int | None = None, conversation: int | None = None) -> int:
        """Store a fact learned in ``conversation`` (default: the current one); the same fact again
        only refreshes it; ``replaces`` overwrites one it contradicts."""
        now, text, source = time.time(), text.strip(), conversation or self.conversation
        if replaces is not None and self._db.execute("SELECT 1 FROM facts WHERE id = ?", (replaces,)).fetchone():
            self._write("UPDATE facts SET text = ?, updated = ?, conversation = ? WHERE id = ?",
                        (text, now, source, replaces))
            return replaces
        for fact in self.facts():
            if _key(fact.text) == _key(text):
                self._write("UPDATE facts SET updated = ? WHERE id = ?", (now, fact.id))
                return fact.id
        return self._write("INSERT INTO facts(text, learned, updated, conversation) VALUES (?, ?, ?, ?)",
                           (text, now, now, source))

    def facts(self) -> list[Fact]:
        return [Fact(*row) for row in self._db.execute(
            "SELECT id, text, learned, updated, conversation FROM facts ORDER BY updated DESC, id DESC")]

    def search(self, text: str, limit: int = 5, every_word: bool = False) -> list[Fact]:
        """The facts that share the most words with ``text`` (or, ``every_word``, all of them), best first."""
        words = [w for w in re.findall(r"\w+", text.lower()) if w not in _STOP and len(w) > 2]
        if not words:
            return []
        query = (" AND " if every_word else " OR ").join(f'"{w}"' for w in dict.fromkeys(words))
        rows = self._db.execute(
            "SELECT f.id, f.text, f.learned, f.updated, f.conversation FROM facts_fts JOIN facts f ON f.id = facts_fts.rowid "
            "WHERE facts_fts MATCH ? ORDER BY bm25(facts_fts) LIMIT ?", (query, limit))
        return [Fact(*row) for row in rows]

    def forget(self, fact_id: int) -> bool:
        return self._write("DELETE FROM facts WHERE id = ?", (fact_id,), rowcount=True) > 0

    # --- the whole memory ---
    def export(self) -> dict:
        conversations = [{"id": cid, "started": started, "summary": summary, "messages": [
            {"role": r, "content": c, "interrupted": i} for r, c, i in self.messages(cid)]}
            for cid, started, summary in self._db.execute("SELECT id, started, summary FROM conversations ORDER BY id")]
        return {"profile": self.profile(), "facts": [asdict(f) for f in self.facts()], "conversations": conversations}

    def wipe(self) -> None:
        """Erase everything: the file and its journal are deleted (no old page survives), then begun anew."""
        if self._readonly:
            return
        self._db.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        Memory.__init__(self, _connect(self.path, False, False), self.path)

    def close(self) -> None:
        self._db.close()

    def _write(self, sql: str, params: tuple = (), rowcount: bool = False) -> int:
        """One statement, committed at once (autocommit); nothing when reading a memory incognito."""
        if self._readonly:
            return 0
        cursor = self._db.execute(sql, params)
        return cursor.rowcount if rowcount else (cursor.lastrowid or 0)
