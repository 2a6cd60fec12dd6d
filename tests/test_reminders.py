"""Reminders in the memory file: kept through kill -9, told once at the next start when they
fell due meanwhile, in the export and gone with a wipe; ``samantha reminders`` and its errors."""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import run_cli

from samantha.conversation.memory import Memory
from samantha.conversation.reminders import ReminderBook
from samantha.conversation.skills import Skills
from samantha.core.messages import Told
from samantha.runtime.reminding import MISSED, ChatReminders, Reminding

BERLIN = ZoneInfo("Europe/Berlin")
WRITER = """
import sys, time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
from samantha.conversation.memory import Memory
from samantha.conversation.reminders import ReminderBook
book = ReminderBook(Memory.open(sys.argv[1]).db)
soon = datetime.now(ZoneInfo("Europe/Berlin")) + timedelta(seconds=1)
book.add("reminder", "call your sister", soon)
book.add("timer", "", soon, length=timedelta(minutes=10))
print("added", flush=True)
while True:
    book.add("reminder", "keep writing", soon + timedelta(days=1))
"""


def skills_at(path, now: float) -> Skills:
    memory = Memory.open(path)
    return Skills(ReminderBook(memory.db), BERLIN, clock=lambda: now)


@pytest.mark.fault("kept")
def test_pending_reminders_survive_kill_9_and_are_told_once_at_the_next_start(tmp_path):
    path = tmp_path / "memory.sqlite3"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "added"
        time.sleep(0.2)  # mid-write
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=10)
    later = time.time() + 5  # she starts again after they fell due
    skills = skills_at(path, later)
    reminding = Reminding(skills, lambda m: None, lambda: 100.0, wall=lambda: later)
    [missed] = [d for d in reminding.schedule().due if d.due <= 100.0]
    assert missed.id == MISSED and missed.words.startswith("While I was away: ")
    assert "the reminder to call your sister" in missed.words and "your 10-minute timer" in missed.words
    reminding.do(Told((MISSED,)), lambda turn, words: None)
    again = Reminding(skills, lambda m: None, lambda: 200.0, wall=lambda: later + 1)
    assert [d for d in again.schedule().due if d.due <= 200.0] == []  # told once
    assert {r.what for r in skills.book.pending()} == {"keep writing"}


def test_keyboard_chat_prints_what_fell_due_while_she_was_away_then_what_falls_due(tmp_path):
    from conftest import BRIEF

    from samantha.config import LlmSettings
    from samantha.conversation.dialogue import Conversation

    now = [datetime(2025, 3, 28, 15, 0, tzinfo=BERLIN).timestamp()]
    memory = Memory.open(tmp_path / "memory.sqlite3")
    conversation = Conversation(None, LlmSettings(), memory, BRIEF)  # type: ignore[arg-type]
    conversation.skills = Skills(ReminderBook(memory.db), BERLIN, clock=lambda: now[0])
    assert "Okay" in "".join(conversation.respond("remind me in 10 minutes to take the bread out"))
    now[0] += 3600  # she was away an hour
    out = io.StringIO()
    chat = ChatReminders(conversation, out=out, wall=lambda: now[0])
    assert chat.check() == "While I was away: 3:10 pm, the reminder to take the bread out."
    assert chat.check() is None
    "".join(conversation.respond("set a timer for 5 minutes"))
    now[0] += 301
    assert chat.check() == "Your 5-minute timer is done."
    assert conversation.history[-1].content == "Your 5-minute timer is done."  # part of the conversation
    assert "samantha › Your 5-minute timer is done." in out.getvalue()


def test_export_holds_them_and_wipe_removes_them(tmp_path, cli_env):
    assert run_cli(["reminders", "add", "every Monday at 9 am about the team call"], cli_env).returncode == 0
    out = tmp_path / "export.json"
    assert run_cli(["memory", "export", str(out)], cli_env).returncode == 0
    [kept] = json.loads(out.read_text())["reminders"]
    assert (kept["what"], kept["rule"]) == ("about the team call", "FREQ=WEEKLY;BYDAY=MO")
    assert run_cli(["memory", "wipe", "--yes"], cli_env).returncode == 0
    listed = run_cli(["reminders", "list"], cli_env)
    assert listed.returncode == 0 and "team call" not in listed.stdout


def test_the_command_adds_lists_and_cancels(cli_env):
    added = run_cli(["reminders", "add", "in 20 minutes to take the bread out"], cli_env)
    assert added.returncode == 0 and "take the bread out" in added.stderr + added.stdout
    listed = run_cli(["reminders", "list"], cli_env)
    assert "the reminder to take the bread out" in listed.stdout
    reminder = listed.stdout.split()[0]
    assert run_cli(["reminders", "cancel", reminder], cli_env).returncode == 0
    assert "bread" not in run_cli(["reminders", "list"], cli_env).stdout


def assert_clean_error(result, *words):
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    message = result.stderr.strip()
    assert message.startswith("samantha: ") and "\n" not in message
    for word in words:
        assert word in message, message


@pytest.mark.fault("message")
@pytest.mark.parametrize(("text", "words"), [
    ("call my sister", ("No time could be read", "Nothing was added")),
    ("at the usual time to call my sister", ("No time could be read", "Nothing was added")),
    ("at five to call my sister", ("morning or afternoon", "am or pm")),
    ("today at 00:00 to call my sister", ("in the past", "Nothing was added")),
])
def test_a_time_that_cannot_be_set_is_one_clear_paragraph_and_nothing_is_lost(cli_env, text, words):
    assert run_cli(["reminders", "add", "at 11 pm tomorrow to keep this one"], cli_env).returncode == 0
    assert_clean_error(run_cli(["reminders", "add", text], cli_env), *words)
    assert "keep this one" in run_cli(["reminders", "list"], cli_env).stdout


@pytest.mark.fault("message")
def test_cancelling_an_unknown_reminder_says_where_to_look(cli_env):
    assert_clean_error(run_cli(["reminders", "cancel", "42"], cli_env), "samantha reminders list")


def test_a_repeating_reminder_moves_on_to_its_next_time_across_the_clock_change(tmp_path):
    monday = datetime(2025, 3, 24, 9, 0, tzinfo=BERLIN)
    book = ReminderBook(Memory.open(tmp_path / "m.sqlite3").db)
    reminder = book.add("reminder", "about the team call", monday, "FREQ=WEEKLY;BYDAY=MO")
    book.told(reminder, (monday + timedelta(minutes=1)).timestamp())
    [moved] = book.pending()
    assert moved.due_at(BERLIN).isoformat() == "2025-03-31T09:00:00+02:00"  # 9 am still, in summer time
