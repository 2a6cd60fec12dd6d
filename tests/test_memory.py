"""Memory: SQLite on disk, every message committed as it happens, facts merged and searchable."""

import json
import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import time

import pytest
from conftest import BRIEF, run_cli

from samantha.config import LlmSettings
from samantha.conversation.dialogue import Conversation
from samantha.conversation.memory import SCHEMA, Memory
from samantha.errors import SamanthaError


@pytest.fixture
def path(tmp_path):
    return tmp_path / "data" / "memory.sqlite3"


def rows(path, sql):
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_the_file_is_private_and_journaled(path):
    Memory.open(path).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert rows(path, "PRAGMA journal_mode") == [("wal",)]


def test_a_memory_built_on_an_open_database_creates_no_file(path):
    """Only ``Memory.open`` touches the disk."""
    db = sqlite3.connect(":memory:")
    db.executescript(SCHEMA)
    memory = Memory(db, path)
    memory.set_profile("name", "Theo")
    assert memory.profile() == {"name": "Theo"} and not path.parent.exists()
    memory.close()


def test_a_conversation_is_recorded_message_by_message_and_cut_replies_as_heard(path, chat_model, reply_text):
    memory = Memory.open(path)
    conversation = Conversation(chat_model, LlmSettings(context_tokens=512), memory, BRIEF)
    deltas = conversation.respond("Hello there")
    next(deltas)
    assert rows(path, "SELECT role, content FROM messages") == [("user", "Hello there")]  # before the reply ends
    list(deltas)
    assert rows(path, "SELECT role, content, interrupted FROM messages") == [
        ("user", "Hello there", 0), ("assistant", reply_text, 0)]
    list(conversation.respond("Tell me more"))
    conversation.interrupted("Hello from")  # she was talked over after two words
    assert rows(path, "SELECT role, content, interrupted FROM messages ORDER BY id")[-1] == ("assistant", "Hello from", 1)
    conversation.add_reply("Still there?")
    assert [m[1] for m in memory.messages()] == ["Hello there", reply_text, "Tell me more", "Hello from", "Still there?"]
    memory.close()


def test_facts_merge_get_replaced_found_and_forgotten(path):
    memory = Memory.open(path)
    memory.begin()
    sister = memory.remember("Anna is the user's sister.")
    assert memory.remember("anna is the user's sister") == sister  # the same fact again: merged
    trip = memory.remember("The user is going to Lisbon in May.")
    memory.remember("The user likes green tea.")
    assert memory.remember("The user is going to Porto in June.", replaces=trip) == trip  # plans changed
    assert [f.text for f in memory.facts()].count("Anna is the user's sister.") == 1
    assert [f.text for f in memory.search("how is my sister doing?")] == ["Anna is the user's sister."]
    assert [f.text for f in memory.search("any news about Porto")] == ["The user is going to Porto in June."]
    assert memory.search("Lisbon") == [] and memory.search("the and of") == []
    assert memory.facts()[0].conversation == memory.conversation
    assert memory.forget(sister) and not memory.forget(sister)
    assert [f.text for f in memory.search("sister")] == []
    memory.close()


def test_export_holds_everything_and_wipe_erases_it(path):
    memory = Memory.open(path)
    memory.set_profile("name", "Theo")
    memory.add_message("user", "Hi")
    memory.set_summary("They said hi.")
    memory.remember("Theo writes letters for other people.")
    data = memory.export()
    assert data["profile"] == {"name": "Theo"} and data["facts"][0]["text"] == "Theo writes letters for other people."
    assert data["conversations"][0]["messages"] == [{"role": "user", "content": "Hi", "interrupted": False}]
    assert data["conversations"][0]["summary"] == "They said hi."
    memory.wipe()
    assert memory.export() == {"profile": {}, "facts": [], "conversations": []}
    memory.close()
    on_disk = b"".join(p.read_bytes() for p in path.parent.iterdir())
    assert b"Theo" not in on_disk and b"letters" not in on_disk  # gone from the file and its journal too


def test_the_last_summary_is_the_previous_conversations(path):
    memory = Memory.open(path)
    memory.begin()
    memory.set_summary("First chat.")
    memory.begin()
    assert memory.last_summary() == "First chat."
    memory.close()


@pytest.mark.fault("kept")
def test_incognito_reads_what_is_remembered_and_writes_nothing(path, tmp_path):
    memory = Memory.open(path)
    memory.remember("Theo writes letters.")
    memory.close()
    before = rows(path, "SELECT count(*) FROM messages"), path.stat().st_mtime_ns
    secret = Memory.open(path, incognito=True)
    assert [f.text for f in secret.facts()] == ["Theo writes letters."]
    secret.add_message("user", "a secret")
    secret.remember("a secret fact")
    secret.wipe()
    assert [f.text for f in secret.facts()] == ["Theo writes letters."]
    assert sorted(p.name for p in path.parent.iterdir()) == ["memory.sqlite3"]  # not even a journal file
    secret.close()
    assert (rows(path, "SELECT count(*) FROM messages"), path.stat().st_mtime_ns) == before
    nowhere = tmp_path / "none" / "memory.sqlite3"
    fresh = Memory.open(nowhere, incognito=True)
    fresh.add_message("user", "hello")
    fresh.close()
    assert not nowhere.parent.exists()


@pytest.mark.fault("kept")
def test_a_corrupt_memory_file_is_named_and_left_alone(path):
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database, it is a diary page" * 100)
    with pytest.raises(SamanthaError, match=f"The memory file {path} is damaged .* sqlite3 {path} .recover"):
        Memory.open(path)
    assert path.read_bytes().startswith(b"this is not a database")


WRITER = """
import sys
from samantha.conversation.memory import SCHEMA, Memory
memory = Memory.open(sys.argv[1])
memory.begin()
for i in range(100000):
    memory.add_message("user" if i % 2 else "assistant", f"message {i} " + "words " * 50)
    print(i, flush=True)
"""


@pytest.mark.fault("kept")
def test_kill_9_while_writing_loses_no_committed_message(path):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        deadline, last = time.monotonic() + 60, -1
        while last < 40:  # let it get well under way
            assert time.monotonic() < deadline, "the writer never got going"
            last = int(proc.stdout.readline())
        proc.send_signal(signal.SIGKILL)  # in the middle of whatever it was writing
        proc.wait(timeout=10)
    finally:
        proc.kill()
    assert rows(path, "PRAGMA integrity_check") == [("ok",)]
    saved = rows(path, "SELECT content FROM messages ORDER BY id")
    assert len(saved) >= last + 1  # every message it reported committed is there...
    assert [c.split()[1] for c, in saved] == [str(i) for i in range(len(saved))]  # ...whole and in order
    Memory.open(path).close()  # and it opens cleanly for the next conversation


def test_chat_records_the_conversation_and_incognito_does_not(cli_env, model_flags, reply_text, tmp_path):
    memory_file = tmp_path / "data" / "memory.sqlite3"
    done = run_cli(["chat", "--no-audio", "--once", "Hi, I'm Theo", *model_flags], cli_env)
    assert done.returncode == 0, done.stderr
    assert rows(memory_file, "SELECT role, content FROM messages") == [("user", "Hi, I'm Theo"), ("assistant", reply_text)]
    done = run_cli(["chat", "--no-audio", "--incognito", "--once", "A secret", *model_flags], cli_env)
    assert done.returncode == 0, done.stderr
    assert len(rows(memory_file, "SELECT * FROM messages")) == 2


def test_the_memory_command_lists_searches_forgets_exports_and_wipes(cli_env, tmp_path):
    memory = Memory.open(tmp_path / "data" / "memory.sqlite3")
    memory.set_profile("name", "Theo")
    tea = memory.remember("Theo likes green tea.")
    memory.remember("Theo's sister is Anna.")
    memory.close()
    listed = run_cli(["memory", "list"], cli_env)
    assert "profile  name: Theo" in listed.stdout and f"{tea:>5}  Theo likes green tea." in listed.stdout
    assert run_cli(["memory", "search", "sister"], cli_env).stdout.count("\n") == 1
    assert run_cli(["memory", "forget", str(tea)], cli_env).returncode == 0
    assert "green tea" not in run_cli(["memory", "list"], cli_env).stdout
    missing = run_cli(["memory", "forget", "999"], cli_env)
    assert missing.returncode == 2 and "No fact with ID 999" in missing.stderr
    assert run_cli(["memory", "export", str(tmp_path / "out.json")], cli_env).returncode == 0
    assert json.loads((tmp_path / "out.json").read_text())["facts"][0]["text"] == "Theo's sister is Anna."
    refused = run_cli(["memory", "wipe"], cli_env, stdin=subprocess.DEVNULL)
    assert refused.returncode == 2 and "Nothing was erased" in refused.stderr
    assert run_cli(["memory", "wipe", "--yes"], cli_env).returncode == 0
    assert "(nothing remembered)" in run_cli(["memory", "list"], cli_env).stderr


def real_error(kind, tmp_path) -> sqlite3.Error:
    """The error SQLite itself raises for each kind of trouble, provoked for real."""
    db_path = tmp_path / f"{kind}.sqlite3"
    db = sqlite3.connect(db_path, timeout=0)
    db.execute("CREATE TABLE t(x)")
    db.commit()
    try:
        if kind == "full":
            db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
            db.execute("INSERT INTO t VALUES (?)", ("x" * 100_000,))
        elif kind == "read-only":
            sqlite3.connect(f"file:{db_path}?mode=ro", uri=True).execute("INSERT INTO t VALUES (1)")
        elif kind == "busy":
            db.execute("BEGIN EXCLUSIVE")
            sqlite3.connect(db_path, timeout=0).execute("SELECT * FROM t").fetchall()
        elif kind == "damaged":
            (tmp_path / "junk").write_bytes(b"not a database at all" * 300)
            sqlite3.connect(tmp_path / "junk").execute("SELECT * FROM sqlite_master").fetchall()
        else:
            sqlite3.connect(f"file:{tmp_path}/no/such/folder/m.sqlite3?mode=rw", uri=True)
    except sqlite3.Error as exc:
        return exc
    finally:
        db.close()
    raise AssertionError(f"no error for {kind}")


@pytest.mark.fault("message")
@pytest.mark.parametrize(("kind", "says"), [
    ("full", "cannot grow: the disk is full .* Free some space"),
    ("read-only", "is read-only .* Check the permissions"),
    ("busy", "is busy .* Is another samantha running"),
    ("damaged", "is damaged .* .recover"),
    ("cannot-open", "cannot be opened .* Check that its folder exists"),
])
def test_the_start_up_message_names_the_real_cause(kind, says, tmp_path):
    from samantha.conversation.memory_problems import at_start

    message = str(at_start(tmp_path / "memory.sqlite3", real_error(kind, tmp_path)))
    assert re.fullmatch(f"The memory file {tmp_path}/memory.sqlite3 {says}.*", message), message
    assert "\n" not in message and ("another samantha" in message) == (kind == "busy")


@pytest.mark.fault("message")
def test_a_memory_file_another_program_holds_is_named_busy(path, monkeypatch):
    import samantha.conversation.memory as memory_module

    Memory.open(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(memory_module, "BUSY_WAIT_S", 0.2)
    try:
        with pytest.raises(SamanthaError, match=f"The memory file {path} is busy .* another samantha running"):
            Memory.open(path)
    finally:
        holder.close()


@pytest.mark.fault("message")
def test_a_disk_error_at_start_is_not_blamed_on_another_samantha(cli_env):
    import resource

    def tiny_files():  # writes past 2 KB fail, as on a disk that stops taking them
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    done = run_cli(["memory", "list"], cli_env, preexec_fn=tiny_files)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "the disk reported an error" in done.stderr and "another samantha" not in done.stderr, done.stderr


@pytest.mark.fault("kept")
def test_the_memory_command_forgets_a_topic_as_saying_it_does(cli_env, tmp_path):
    memory = Memory.open(tmp_path / "data" / "memory.sqlite3")
    memory.set_profile("name", "Theo")
    memory.add_message("user", "My sister Zanzibarqux is a nurse. I like tea.")
    memory.set_summary("Theo talked about his sister Zanzibarqux.")
    memory.remember("Theo's sister Zanzibarqux is a nurse.")
    memory.remember("Theo likes tea.")
    memory.close()
    done = run_cli(["memory", "forget", "my", "sister", "Zanzibarqux"], cli_env)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "forgot my sister Zanzibarqux: 1 fact, 1 message, 1 summary, 0 profile entries"
    files = {p.name: p.read_bytes().lower() for p in (tmp_path / "data").iterdir()}
    assert files and not [name for name, data in files.items() if b"zanzibarqux" in data]
    exported = run_cli(["memory", "export", str(tmp_path / "out.json")], cli_env)
    assert exported.returncode == 0 and "zanzibarqux" not in (tmp_path / "out.json").read_text().lower()
    assert "I like tea." in (tmp_path / "out.json").read_text()
    assert "(nothing remembered mentions Zanzibarqux)" in run_cli(["memory", "forget", "Zanzibarqux"], cli_env).stderr


@pytest.mark.fault("message")
def test_the_memory_command_forgets_everything_only_when_told_yes(cli_env, tmp_path):
    memory = Memory.open(tmp_path / "data" / "memory.sqlite3")
    memory.set_profile("name", "Theo")
    memory.add_message("user", "Zanzibarqux says hi.")
    memory.remember("Theo likes tea.")
    memory.close()
    refused = run_cli(["memory", "forget", "--everything"], cli_env, stdin=subprocess.DEVNULL)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert refused.stderr.strip() == ("samantha: Nothing was forgotten. To forget everything without a question: "
                                      "samantha memory forget --everything --yes")
    hint = run_cli(["memory", "forget", "everything"], cli_env)
    assert hint.returncode == 2 and "samantha memory forget --everything" in hint.stderr
    assert "Theo likes tea." in run_cli(["memory", "list"], cli_env).stdout  # nothing was forgotten
    assert run_cli(["memory", "forget", "--everything", "--yes"], cli_env).returncode == 0
    assert "(nothing remembered)" in run_cli(["memory", "list"], cli_env).stderr
    files = b"".join(p.read_bytes() for p in (tmp_path / "data").iterdir()).lower()
    assert b"zanzibarqux" not in files and b"theo" not in files
