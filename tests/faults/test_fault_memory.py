"""Memory faults across the store and the conversation: a store that fails mid-conversation
loses nothing it had, and the conversation goes on, saying once, in one sentence, why it is not saved."""

import sqlite3

import pytest
from conftest import BRIEF

from samantha.config import LlmSettings
from samantha.conversation.dialogue import Conversation
from samantha.conversation.memory import Memory


def talk(conversation, *lines):
    return ["".join(conversation.respond(line)) for line in lines]


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
