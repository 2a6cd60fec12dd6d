"""Memory faults across the store, the notes and the conversation: what is forgotten is gone
from every byte on disk and never comes back; a store that fails mid-conversation loses
nothing it had, and the conversation goes on, saying once, in one sentence, why it is not saved."""

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from conftest import BRIEF

from samantha.config import LlmSettings
from samantha.conversation.dialogue import Conversation
from samantha.conversation.memory import Memory
from samantha.conversation.notes import catch_up, take_notes
from samantha.conversation.reminders import ReminderBook

WORD = b"zanzibarqux"


def on_disk(folder) -> dict[str, bytes]:
    """Every file of the memory: the database, its WAL and its shared-memory index."""
    return {p.name: p.read_bytes().lower() for p in sorted(folder.iterdir())}


class Parrot:
    """A note-taker that learns every line it reads as a fact: whatever it is shown, it keeps."""

    def __init__(self, real):
        self.real, self.read = real, []

    def count_tokens(self, text):
        return self.real.count_tokens(text)

    def complete_json(self, messages, schema, max_tokens=512, give_way=None):
        transcript = messages[-1].content.split("\n")[1:]
        self.read.extend(transcript)
        return {"summary": " ".join(transcript)[:300],
                "facts": [{"text": line.split(": ", 1)[1][:160], "replaces": None} for line in transcript]}


def talk(conversation, *lines):
    return ["".join(conversation.respond(line)) for line in lines]


@pytest.mark.fault("kept")
def test_a_forgotten_topic_is_gone_from_every_file_and_the_export_and_is_never_learned_again(tmp_path, chat_model):
    path = tmp_path / "data" / "memory.sqlite3"
    settings = LlmSettings(context_tokens=1024, max_reply_tokens=16)
    memory = Memory.open(path)
    first = Conversation(chat_model, settings, memory, BRIEF)
    talk(first, *[f"Small talk number {i}, about the weather and the garden." for i in range(20)])
    talk(first, "My sister Zanzibarqux is a nurse in Oslo. The garden is lovely today.")
    take_notes(Parrot(chat_model), memory, memory.conversation, 4096)  # a summary and facts naming her
    memory.begin()  # the next conversation: said, not yet read for notes
    second = Conversation(chat_model, settings, memory, BRIEF)
    talk(second, "Zanzibarqux called me today!")
    book = ReminderBook(memory.db)
    book.add("reminder", "call Zanzibarqux back", datetime.now(timezone.utc) + timedelta(days=1))
    kept = book.add("reminder", "water the garden", datetime.now(timezone.utc) + timedelta(days=1))
    assert WORD in b"".join(on_disk(path.parent).values())  # it is there to be forgotten, in the files themselves
    assert talk(second, "Please forget about Zanzibarqux.") == ["Done, I've forgotten everything about Zanzibarqux."]

    files = on_disk(path.parent)
    assert set(files) == {"memory.sqlite3", "memory.sqlite3-wal", "memory.sqlite3-shm"}  # open, journal and all
    assert [name for name, data in files.items() if WORD in data] == []
    assert WORD.decode() not in json.dumps(memory.export()).lower()
    assert "The garden is lovely today." in json.dumps(memory.export())  # the rest of that message stays
    assert [r.id for r in book.pending()] == [kept]  # a reminder about it is gone; the others stay
    assert all(WORD.decode() not in m.content.lower() for m in second.prompt())  # nor does the model still read it
    memory.close()

    again = Memory.open(path)  # the next start takes notes from the conversation not yet read
    again.begin()
    parrot = Parrot(chat_model)
    assert catch_up(parrot, again, 4096) == (1, [])
    assert parrot.read and not [line for line in parrot.read if WORD.decode() in line.lower()]
    assert not [f.text for f in again.facts() if WORD.decode() in f.text.lower()]
    again.close()
    assert [name for name, data in on_disk(path.parent).items() if WORD in data] == []


@pytest.mark.fault("kept")
@pytest.mark.parametrize("elsewhere", [False, True], ids=["same connection", "the note taker's own connection"])
def test_notes_read_while_something_was_forgotten_are_not_kept(memory, chat_model, elsewhere):
    memory.begin()
    memory.add_message("user", "Zanzibarqux is my sister.")
    reader = Memory.open(memory.path) if elsewhere else memory  # the note taker reads through its own

    class ForgetsWhileReading(Parrot):
        def complete_json(self, messages, schema, max_tokens=512, give_way=None):
            notes = super().complete_json(messages, schema, max_tokens)
            memory.forget_topic("Zanzibarqux")  # said in the voice loop while notes were being taken
            return notes

    assert take_notes(ForgetsWhileReading(chat_model), reader, memory.conversation, 4096).facts == []
    assert memory.facts() == [] and memory.unlearned() == [memory.conversation]  # read again, as it now is
    if elsewhere:
        reader.close()


FAULTS = {
    "full": "the disk is full",
    "read-only": "my memory file is read-only",
    "deleted": "my memory file was deleted or moved",
    "damaged": "my memory file is damaged",
}


def fail(kind, memory, path):
    """Make the memory file fail for real, under the open connection."""
    db = memory._db
    if kind == "full":  # SQLite's own limit: the file may not grow by a page, exactly as on a full disk
        db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
    elif kind == "read-only":  # (chmod would not stop root, nor a file already open)
        db.execute("PRAGMA query_only = ON")
    elif kind == "deleted":
        for p in path.parent.iterdir():
            p.unlink()
    else:  # the messages table's page overwritten with garbage, as a failing disk might
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'messages'").fetchone()[0]
        size = db.execute("PRAGMA page_size").fetchone()[0]
        with open(path, "r+b") as f:
            f.seek((page - 1) * size)
            f.write(b"\xa5" * size)
        db.execute("PRAGMA shrink_memory")  # its cached copy of the page let go: the next read meets the garbage


@pytest.mark.fault("kept")
@pytest.mark.parametrize("kind", list(FAULTS))
def test_a_store_that_fails_mid_conversation_loses_nothing_and_the_conversation_goes_on(kind, tmp_path, chat_model,
                                                                                         reply_text):
    path = tmp_path / "data" / "memory.sqlite3"
    memory = Memory.open(path)
    memory.remember("Theo likes green tea.")
    conversation = Conversation(chat_model, LlmSettings(context_tokens=1024, max_reply_tokens=16), memory, BRIEF)
    assert talk(conversation, "Hello", "How are you?") == [reply_text, reply_text]
    saved = sqlite3.connect(path).execute("SELECT role, content FROM messages ORDER BY id").fetchall()
    fail(kind, memory, path)

    replies = talk(conversation, *[f"A long story, part {i}: " + "and then " * 300 for i in range(4)])  # > a page
    told = [reply for reply in replies if reply != reply_text]
    assert len(told) == 1 and told[0].startswith(reply_text)  # said once, after her reply
    sentence = told[0][len(reply_text):].strip()
    assert FAULTS[kind] in sentence and "won't remember" in sentence
    assert sentence.count(". ") == 0 and sentence.endswith(".")  # one sentence
    assert talk(conversation, "Still there?", "Good.") == [reply_text, reply_text]  # she goes on
    assert memory.failure is not None and not conversation.notes_pending()
    in_ram = [(role, content) for role, content, _ in memory.messages()]
    if kind != "damaged":  # the rest of the conversation is kept in RAM, and she still knows the user
        assert in_ram[-2:] == [("user", "Good."), ("assistant", reply_text)]
        assert [f.text for f in memory.search("tea")] == ["Theo likes green tea."]
    memory.close()
    if kind in ("full", "read-only"):  # nothing already committed was lost, and the file is whole
        db = sqlite3.connect(path)
        on_file = db.execute("SELECT role, content FROM messages ORDER BY id").fetchall()
        assert on_file[:len(saved)] == saved and on_file == in_ram[:len(on_file)]
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        db.close()
        Memory.open(path).close()  # and it opens for the next conversation


@pytest.mark.fault("message")
def test_forgetting_that_cannot_be_written_says_so_and_forgets_nothing(tmp_path, chat_model, reply_text):
    path = tmp_path / "data" / "memory.sqlite3"
    memory = Memory.open(path)
    memory.remember("Zanzibarqux is the user's sister.")
    conversation = Conversation(chat_model, LlmSettings(context_tokens=1024, max_reply_tokens=16), memory, BRIEF)
    talk(conversation, "Hello")
    fail("read-only", memory, path)
    said = talk(conversation, "Forget about Zanzibarqux", "Forget everything you know about me")
    assert said[0].startswith("I couldn't forget that, because my memory file is read-only; check its permissions")
    assert said[1].startswith("I couldn't forget that, because my memory file is read-only")  # not even asked
    memory.close()
    db = sqlite3.connect(path)
    assert db.execute("SELECT text FROM facts").fetchall() == [("Zanzibarqux is the user's sister.",)]  # as it said
    db.close()
