"""Notes and lists on disk: kept beside the memory, in its exports, gone with "forget about …",
"forget everything" and ``memory wipe``; ``samantha notes export`` writes private Markdown and
never overwrites without ``--force``."""

from __future__ import annotations

import json
import stat
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import run_cli

from samantha.conversation.memory import Memory
from samantha.conversation.notebook import Notebook, markdown

BERLIN = ZoneInfo("Europe/Berlin")
FRIDAY = datetime(2025, 3, 28, 15, 0, tzinfo=BERLIN).timestamp()


def filled(path) -> tuple[Memory, Notebook]:
    memory = Memory.open(path)
    book = Notebook(memory.db)
    book.add("notes", "the plumber comes Thursday", FRIDAY)
    book.add("notes", "Ana likes tulips", FRIDAY + 60)
    milk = book.add("shopping", "milk", FRIDAY)
    book.add("shopping", "eggs", FRIDAY)
    book.tick(milk, FRIDAY + 120)
    return memory, book


def test_markdown_has_check_boxes_for_to_dos_and_dates_for_notes(tmp_path):
    _, book = filled(tmp_path / "m.sqlite3")
    assert markdown("shopping", book.items("shopping"), BERLIN) == "# Shopping list\n\n- [x] milk\n- [ ] eggs\n"
    assert markdown("notes", book.items("notes"), BERLIN) == \
        "# Notes\n\n- 2025-03-28 15:00: the plumber comes Thursday\n- 2025-03-28 15:01: Ana likes tulips\n"
    assert book.lists() == {"notes": 2, "shopping": 1}


def test_forgetting_a_topic_takes_the_notes_and_items_that_mention_it(tmp_path):
    memory, book = filled(tmp_path / "m.sqlite3")
    gone = memory.forget_topic("the plumber")
    assert gone.notes == 1 and gone
    assert [i.text for i in book.items("notes")] == ["Ana likes tulips"]
    memory.forget_everything()
    assert book.lists() == {}
    memory.close()
    assert b"tulips" not in (tmp_path / "m.sqlite3").read_bytes()  # nothing left on disk either


def test_the_memory_export_holds_them_and_wipe_removes_them(tmp_path, cli_env):
    memory, _ = filled(tmp_path / "data" / "memory.sqlite3")
    memory.close()
    out = tmp_path / "export.json"
    assert run_cli(["memory", "export", str(out)], cli_env).returncode == 0
    assert {(n["list"], n["text"], n["done"] is not None) for n in json.loads(out.read_text())["notes"]} == {
        ("notes", "the plumber comes Thursday", False), ("notes", "Ana likes tulips", False),
        ("shopping", "milk", True), ("shopping", "eggs", False)}
    assert run_cli(["memory", "wipe", "--yes"], cli_env).returncode == 0
    listed = run_cli(["notes", "list"], cli_env)
    assert listed.returncode == 0 and "plumber" not in listed.stdout


def test_notes_list_prints_every_list_as_markdown(tmp_path, cli_env):
    filled(tmp_path / "data" / "memory.sqlite3")[0].close()
    listed = run_cli(["notes", "list"], cli_env)
    assert listed.returncode == 0
    assert "# Shopping list\n\n- [x] milk\n- [ ] eggs\n" in listed.stdout and "the plumber comes Thursday" in listed.stdout


@pytest.mark.fault("kept")
def test_the_export_is_private_whole_and_never_overwrites_without_force(tmp_path, cli_env):
    filled(tmp_path / "data" / "memory.sqlite3")[0].close()
    folder = tmp_path / "exported"  # created by the export
    assert run_cli(["notes", "export", str(folder)], cli_env).returncode == 0
    assert sorted(p.name for p in folder.iterdir()) == ["notes.md", "shopping.md"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    (folder / "shopping.md").write_text("my own edits\n")
    (folder / "shopping.md").chmod(0o644)
    again = run_cli(["notes", "export", str(folder)], cli_env)
    assert again.returncode == 2 and "shopping.md" in again.stderr and "--force" in again.stderr
    assert "Traceback" not in again.stderr and (folder / "shopping.md").read_text() == "my own edits\n"  # kept
    assert run_cli(["notes", "export", str(folder), "--force"], cli_env).returncode == 0
    assert (folder / "shopping.md").read_text() == "# Shopping list\n\n- [x] milk\n- [ ] eggs\n"
    assert stat.S_IMODE((folder / "shopping.md").stat().st_mode) == 0o600  # private, though the old file was not
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary file left behind


@pytest.mark.fault("message")
def test_exporting_nothing_or_into_a_file_is_one_clear_paragraph(tmp_path, cli_env):
    empty = run_cli(["notes", "export", str(tmp_path / "out")], cli_env)
    assert empty.returncode == 2 and "nothing was written" in empty.stderr and not (tmp_path / "out").exists()
    filled(tmp_path / "data" / "memory.sqlite3")[0].close()
    (tmp_path / "a-file").write_text("x")
    into_file = run_cli(["notes", "export", str(tmp_path / "a-file")], cli_env)
    assert into_file.returncode == 2 and "is a file" in into_file.stderr and "Traceback" not in into_file.stderr
