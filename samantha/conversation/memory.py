"""Memory: every conversation and message, a profile, and durable facts, in one SQLite file.

Each message is committed the moment it happens (WAL journal, synced on every commit, so
not even a power cut loses one), and a crash or ``kill -9`` at any moment leaves a
consistent database holding every completed message. The file is created mode
0600: it is a diary. Facts are searchable with FTS5, so a turn's prompt can carry the few
that matter to what was just said; a fact learned again is merged, not duplicated.
``Memory.incognito`` reads what is remembered and writes nothing.

Forgetting is done on disk at once and leaves no byte behind: in one transaction, then the
full-text index rebuilt (an FTS5 delete only adds a tombstone; the old segment keeps the
word until it is rebuilt) and the journal checkpointed and truncated (the WAL holds old
pages). With ``secure_delete`` the freed space is zeroed. A topic is cut out of facts,
messages, summaries and the profile (``forgetting.py``); no list of forgotten topics is
kept, since it would keep the very words: what is gone cannot be read back into notes.

When the file stops taking writes mid-conversation (a full disk, a read-only or damaged
file, a file deleted under her), nothing is lost that was committed: the file is left
alone, and the rest of the conversation goes on in a copy in RAM, so she still knows the
user; ``failure`` says why, once, and nothing more is saved until the next start. Commands
(``keep_going=False``) raise instead, and forgetting always does: she may not say something
is forgotten while it is still on disk.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

from samantha.conversation import forgetting
from samantha.conversation.memory_problems import VANISHED, Cause, StorageError, at_start, cause
from samantha.conversation.persona import OWN_SETTINGS

T = TypeVar("T")
BUSY_WAIT_S = 5.0  # how long to wait for another connection's write before the file counts as busy

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
_STOP = forgetting.STOP


@dataclass(frozen=True)
class Fact:
    id: int
    text: str
    learned: float  # when first learned (epoch seconds)
    updated: float  # when last confirmed or changed
    conversation: int | None  # which conversation it came from


@dataclass(frozen=True)
class Forgotten:
    """What forgetting a topic took away."""
    facts: int = 0
    messages: int = 0
    summaries: int = 0
    profile: int = 0
    reminders: int = 0
    notes: int = 0  # notes and list items (conversation/notebook.py)

    def __bool__(self) -> bool:
        return bool(self.facts or self.messages or self.summaries or self.profile or self.reminders or self.notes)


def _key(text: str) -> str:
    """A fact's identity for merging: its words, lower-cased, without punctuation."""
    return " ".join(re.findall(r"[\w']+", text.lower()))


def _connect(path: Path | str, incognito: bool, readonly: bool) -> sqlite3.Connection:
    """The memory file opened (created private if new), or, incognito, read only or in memory."""
    try:
        if incognito:  # read what is there, if anything; write nothing to disk
            settled = not Path(f"{path}-wal").exists()  # else an unfinished journal holds the newest pages
            uri = f"file:{path}?mode=ro{'&immutable=1' if settled else ''}" if readonly else "file::memory:"
            db = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None, timeout=BUSY_WAIT_S)
            if not readonly:
                db.executescript(SCHEMA)
            return db
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))  # created private, never world-readable
        os.chmod(path, 0o600)
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=BUSY_WAIT_S)  # autocommit
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA secure_delete=ON")  # what is forgotten is overwritten, not just unlinked
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        db.executescript(SCHEMA)
        return db
    except sqlite3.DatabaseError as exc:  # named from SQLite's own code: full, read-only, busy, damaged...
        raise at_start(path, exc) from exc


def _identity(path: Path | str) -> tuple[int, int] | None:
    """Which file is at ``path`` (device, inode): a file deleted or replaced under an open
    connection still takes writes, into a file nobody will ever open again."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _has_reminders(db: sqlite3.Connection) -> bool:
    """Reminders live beside the memory (conversation/reminders.py) once one was ever set; what
    is forgotten goes from them too: a reminder about a topic is about the user."""
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'reminders'").fetchone() is not None


def _has_notes(db: sqlite3.Connection) -> bool:
    """Notes and lists live beside the memory too (conversation/notebook.py); forgetting takes them as it takes reminders."""
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'list_items'").fetchone() is not None


def _in_ram(source: sqlite3.Connection | None, conversation: int | None) -> sqlite3.Connection:
    """A copy of the memory in RAM where an unsaved conversation goes on (blank if it cannot be read)."""
    copy = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    try:
        if source is not None:
            source.backup(copy)
            return copy
    except sqlite3.DatabaseError:
        copy.close()
        copy = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    copy.executescript(SCHEMA)
    if conversation is not None:
        copy.execute("INSERT INTO conversations(id, started) VALUES (?, ?)", (conversation, time.time()))
    return copy


class Memory:
    def __init__(self, db: sqlite3.Connection, path: Path | str, incognito: bool = False, readonly: bool = False,
                 keep_going: bool = True):
        """Cheap: a database already open (``open`` opens the file); ``readonly``: incognito over an existing
        file; ``keep_going``: a storage failure moves the rest of the conversation into RAM (else it raises)."""
        self._db, self.path, self.incognito, self._readonly = db, path, incognito, readonly
        self.keep_going = keep_going
        self.conversation: int | None = None  # the conversation being recorded
        self.failure: Cause | None = None  # why it stopped saving (then it goes on in RAM)
        self._file = None if incognito else _identity(path)
        self._given_up: list[sqlite3.Connection] = []  # the file's connection after a failure, closed at close()

    @classmethod
    def open(cls, path: Path | str, incognito: bool = False, keep_going: bool = True) -> Memory:
        readonly = incognito and Path(path).is_file()
        return cls(_connect(path, incognito, readonly), path, incognito, readonly, keep_going)

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

    def withdraw(self, message: int) -> None:
        """The user went on with the turn that began at ``message`` (its end was a pause): it and all
        after it (her reply) are taken back, to be recorded again as one turn. Not "forget that": the
        words come back at once, so there is nothing to scrub."""
        self._write("DELETE FROM messages WHERE conversation = ? AND id >= ?", (self.conversation, message))

    def unsay(self) -> str | None:
        """Drop the user's last message of this conversation and her answer ("forget that");
        returns what the user had said."""
        rows = self._rows("SELECT id, content FROM messages WHERE conversation = ? AND role = 'user' "
                          "ORDER BY id DESC LIMIT 1", (self.conversation,))
        if not rows:
            return None
        self._forgetting(lambda db: db.execute("DELETE FROM messages WHERE conversation = ? AND id >= ?",
                                               (self.conversation, rows[0][0])))
        return rows[0][1]

    def messages(self, conversation: int | None = None) -> list[tuple[str, str, bool]]:
        """(role, content, interrupted) of a conversation (default: the current one), in order."""
        rows = self._rows("SELECT role, content, interrupted FROM messages WHERE conversation = ? ORDER BY id",
                          (conversation or self.conversation,))
        return [(role, content, bool(cut)) for role, content, cut in rows]

    def unlearned(self) -> list[int]:
        """Conversations with messages no notes were taken from yet, oldest first."""
        return [cid for cid, in self._rows(
            "SELECT c.id FROM conversations c JOIN messages m ON m.conversation = c.id "
            "GROUP BY c.id HAVING max(m.id) > c.learned_through ORDER BY c.id")]

    def learned(self, conversation: int) -> None:
        """Notes were taken from everything said so far in ``conversation``."""
        self._write("UPDATE conversations SET learned_through = "
                    "(SELECT coalesce(max(id), 0) FROM messages WHERE conversation = ?) WHERE id = ?",
                    (conversation, conversation))

    def set_summary(self, text: str, conversation: int | None = None) -> None:
        self._write("UPDATE conversations SET summary = ? WHERE id = ?", (text, conversation or self.conversation))

    def talked_since(self, when: float) -> bool:
        """Has a conversation been stored since ``when`` (epoch seconds)? Her morning offer is once a day."""
        return bool(self._rows("SELECT 1 FROM conversations WHERE started >= ? LIMIT 1", (when,)))

    def last_summary(self) -> str | None:
        """The summary of the most recent earlier conversation that has one."""
        rows = self._rows("SELECT summary FROM conversations WHERE summary IS NOT NULL AND id IS NOT ? "
                          "ORDER BY id DESC LIMIT 1", (self.conversation,))
        return rows[0][0] if rows else None

    # --- the profile: what to call the user, how they like to talk ---
    def profile(self) -> dict[str, str]:
        return dict(self._rows("SELECT key, value FROM profile ORDER BY key"))

    def set_profile(self, key: str, value: str) -> None:
        self._write("INSERT INTO profile(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value))

    # --- facts ---
    def remember(self, text: str, replaces: int | None = None, conversation: int | None = None) -> int:
        """Store a fact learned in ``conversation`` (default: the current one); the same fact again
        only refreshes it; ``replaces`` overwrites one it contradicts."""
        now, text, source = time.time(), text.strip(), conversation or self.conversation
        if replaces is not None and self._rows("SELECT 1 FROM facts WHERE id = ?", (replaces,)):
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
        return [Fact(*row) for row in self._rows(
            "SELECT id, text, learned, updated, conversation FROM facts ORDER BY updated DESC, id DESC")]

    def search(self, text: str, limit: int = 5, every_word: bool = False) -> list[Fact]:
        """The facts that share the most words with ``text`` (or, ``every_word``, all of them), best first."""
        words = [w for w in re.findall(r"\w+", text.lower()) if w not in _STOP and len(w) > 2]
        if not words:
            return []
        query = (" AND " if every_word else " OR ").join(f'"{w}"' for w in dict.fromkeys(words))
        rows = self._rows(
            "SELECT f.id, f.text, f.learned, f.updated, f.conversation FROM facts_fts JOIN facts f ON f.id = facts_fts.rowid "
            "WHERE facts_fts MATCH ? ORDER BY bm25(facts_fts) LIMIT ?", (query, limit))
        return [Fact(*row) for row in rows]

    # --- forgetting: on disk at once, or not at all (StorageError) ---
    def forget(self, fact_id: int) -> bool:
        """Forget one fact (``samantha memory forget ID``); the messages it was learned from stay."""
        return self._forgetting(lambda db: db.execute("DELETE FROM facts WHERE id = ?", (fact_id,)).rowcount) > 0

    def forget_topic(self, topic: str) -> Forgotten:
        """Forget a topic everywhere it is stored: the facts, reminders, notes and list items that mention it, the
        sentences of messages and summaries about it (marked forgotten), and profile entries naming it."""
        words = forgetting.topic_words(topic)
        if not words:
            return Forgotten()

        def cut(db: sqlite3.Connection) -> Forgotten:
            db.create_function("mentions", 1, lambda text: forgetting.mentions(text, words), deterministic=True)
            db.create_function("redact", 1, lambda text: forgetting.redact(text, words), deterministic=True)
            return Forgotten(
                db.execute("DELETE FROM facts WHERE mentions(text)").rowcount,
                db.execute("UPDATE messages SET content = redact(content) WHERE mentions(content)").rowcount,
                db.execute("UPDATE conversations SET summary = redact(summary) WHERE mentions(summary)").rowcount,
                db.execute("DELETE FROM profile WHERE mentions(value)").rowcount,
                db.execute("DELETE FROM reminders WHERE mentions(what)").rowcount if _has_reminders(db) else 0,
                db.execute("DELETE FROM list_items WHERE mentions(text)").rowcount if _has_notes(db) else 0)

        return self._forgetting(cut)

    def forget_everything(self) -> None:
        """Forget all she knows about the user: every conversation, summary, fact, reminder, note and list, and
        the profile's entries about the user (her own name and voice, chosen for her, stay)."""
        def clear(db: sqlite3.Connection) -> None:
            for table in ("facts", "messages", "conversations", *(("reminders",) if _has_reminders(db) else ()),
                          *(("list_items",) if _has_notes(db) else ())):
                db.execute(f"DELETE FROM {table}")
            db.execute(f"DELETE FROM profile WHERE key NOT IN ({', '.join('?' * len(OWN_SETTINGS))})",
                       tuple(OWN_SETTINGS))

        self._forgetting(clear, vacuum=True)
        self.conversation = None  # the next message begins a new one

    @property
    def forgets(self) -> int:
        """How often anything was forgotten from this file, by any connection (counted in the
        file's header, ``user_version``): notes read meanwhile, on another connection too (the
        note taker's), may hold what was forgotten, and are not kept."""
        rows = self._rows("PRAGMA user_version")
        return int(rows[0][0]) if rows else 0

    # --- the whole memory ---
    def export(self) -> dict:
        conversations = [{"id": cid, "started": started, "summary": summary, "messages": [
            {"role": r, "content": c, "interrupted": i} for r, c, i in self.messages(cid)]}
            for cid, started, summary in self._rows("SELECT id, started, summary FROM conversations ORDER BY id")]
        return {"profile": self.profile(), "facts": [asdict(f) for f in self.facts()], "conversations": conversations}

    def wipe(self) -> None:
        """Erase everything: the file and its journal are deleted (no old page survives), then begun anew."""
        if self._readonly:
            return
        self.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        Memory.__init__(self, _connect(self.path, False, False), self.path, keep_going=self.keep_going)

    def close(self) -> None:
        self._db.close()
        for db in self._given_up:
            try:
                db.close()
            except sqlite3.Error:  # a full disk may refuse the last checkpoint; the journal keeps it all
                pass

    # --- reading and writing, through storage failures ---
    def _write(self, sql: str, params: tuple = (), rowcount: bool = False) -> int:
        """One statement, committed at once (autocommit); nothing when reading a memory incognito."""
        if self._readonly:
            return 0
        cursor = self._run(lambda db: db.execute(sql, params), writes=True)
        return cursor.rowcount if rowcount else (cursor.lastrowid or 0)

    def _rows(self, sql: str, params: tuple = ()) -> list:
        return self._run(lambda db: db.execute(sql, params).fetchall())

    def _run(self, work: Callable[[sqlite3.Connection], T], writes: bool = False) -> T:
        """``work`` done on the memory; when the file fails, done again in RAM (``_stop_saving``)."""
        if writes and self.failure is None and self._file is not None and _identity(self.path) != self._file:
            self._stop_saving(VANISHED, f"{self.path} is gone")
        for attempt in range(3):  # the file; a copy of it in RAM; a blank memory if that copy is damaged too
            try:
                return work(self._db)
            except sqlite3.DatabaseError as exc:
                if (found := cause(exc)) is None or attempt == 2:
                    raise
                self._stop_saving(found, exc)
        raise AssertionError("unreachable")

    def _stop_saving(self, found: Cause, detail: object) -> None:
        """The file failed: leave it as it is (all that was committed stays) and go on in RAM."""
        if not self.keep_going:
            raise StorageError(self.path, found, detail)
        if self.failure is None:
            self.failure = found
            self._given_up.append(self._db)  # not closed now: another thread may be reading through it
            self._db = _in_ram(self._db, self.conversation)
        else:  # the copy of a damaged file is damaged too
            self._db = _in_ram(None, self.conversation)

    def _forgetting(self, work: Callable[[sqlite3.Connection], T], vacuum: bool = False) -> T:
        """``work`` in one transaction on the file, then every trace of what it removed scrubbed:
        the full-text index rebuilt, the journal checkpointed and truncated. Raises StorageError
        (and nothing is forgotten) if the file cannot take it."""
        if self.failure is not None or (self._file is not None and _identity(self.path) != self._file):
            raise StorageError(self.path, self.failure or VANISHED, "it stopped taking writes earlier in this conversation")
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                result = work(db)
                db.execute("INSERT INTO facts_fts(facts_fts) VALUES ('rebuild')")  # drops the forgotten tokens
                db.execute(f"PRAGMA user_version = {int(db.execute('PRAGMA user_version').fetchone()[0]) + 1}")
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        except sqlite3.DatabaseError as exc:
            if (found := cause(exc)) is None:
                raise
            raise StorageError(self.path, found, exc) from exc
        self._scrub(vacuum)
        return result

    def _scrub(self, vacuum: bool) -> None:
        """Old pages out of the journal (and, ``vacuum``, the file shrunk). If another samantha is
        reading, the journal is emptied when it lets go, at the latest when the last one closes."""
        try:
            if vacuum:
                self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.DatabaseError:
            pass
