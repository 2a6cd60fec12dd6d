"""Desktop notifications for reminders, on a real (private) session bus with a notification
server of our own on it; and, with no bus, nothing posted, nothing raised, the reminder said."""

# no ``from __future__ import annotations``: dbus-fast reads the D-Bus signatures from the annotations

import asyncio
import io
import os
import signal
import subprocess
import threading
import time
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from dbus_fast.aio import MessageBus
from dbus_fast.service import ServiceInterface, method

from samantha.conversation.memory import Memory
from samantha.conversation.reminders import ReminderBook
from samantha.conversation.skills import Skills
from samantha.core.announcer import AGAIN
from samantha.core.messages import Announce
from samantha.runtime.notifications import Notifier
from samantha.runtime.reminding import ChatReminders, Reminding

WAIT_S = 10.0


class Notifications(ServiceInterface):
    """The freedesktop notification service, recording what it is asked to show."""

    def __init__(self):
        super().__init__("org.freedesktop.Notifications")
        self.shown: list[tuple[str, str, str]] = []

    @method()
    def Notify(self, app_name: "s", replaces_id: "u", app_icon: "s", summary: "s", body: "s",  # noqa: F821
               actions: "as", hints: "a{sv}", expire_timeout: "i") -> "u":  # noqa: F821, F722
        self.shown.append((app_name, summary, body))
        return len(self.shown)

    @method()
    def GetCapabilities(self) -> "as":  # noqa: F722
        return ["body"]

    @method()
    def GetServerInformation(self) -> "ssss":  # noqa: F821
        return ["test", "samantha", "1", "1.2"]

    @method()
    def CloseNotification(self, id: "u"):  # noqa: F821
        pass


@pytest.fixture
def bus():
    """A private session bus (killed at the end) with the notification server on it: (address, server)."""
    daemon = subprocess.run(["dbus-daemon", "--session", "--print-address=1", "--print-pid=1", "--fork"],
                            capture_output=True, text=True, timeout=10, check=True)
    address, pid = daemon.stdout.split()[:2]
    server, loop = Notifications(), asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def serve():
        connection = await MessageBus(bus_address=address).connect()
        connection.export("/org/freedesktop/Notifications", server)
        await connection.request_name("org.freedesktop.Notifications")
        return connection

    connection = asyncio.run_coroutine_threadsafe(serve(), loop).result(WAIT_S)
    try:
        yield address, server
    finally:
        connection.disconnect()
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        os.kill(int(pid), signal.SIGTERM)


def chat(tmp_path):
    """Keyboard chat's reminders, on a store of their own; the conversation only as far as they need."""
    memory = Memory.open(tmp_path / "memory.sqlite3")
    replies: list[str] = []
    conversation = SimpleNamespace(skills=Skills(ReminderBook(memory.db)), stream=None, name="Samantha",
                                   add_reply=replies.append)
    return conversation, replies, memory


def shown(server, count):
    deadline = time.monotonic() + WAIT_S
    while len(server.shown) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)  # and nothing more
    return server.shown


def test_a_due_timer_in_keyboard_chat_posts_one_notification_with_her_words(bus, tmp_path, monkeypatch, capsys):
    address, server = bus
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    conversation, replies, memory = chat(tmp_path)
    skills = conversation.skills
    notes: list[str] = []
    reminders = ChatReminders(conversation, out=io.StringIO(), notifier=Notifier(True, notes.append))
    due_timer(skills, minutes=10)
    try:
        assert reminders.check() == "Your 10-minute timer is done."
        assert shown(server, 1) == [("Samantha", "Timer", "Your 10-minute timer is done.")]
        assert notes == [] and replies == ["Your 10-minute timer is done."]
    finally:
        reminders.close()
        memory.close()


def test_the_ones_missed_while_she_was_away_are_one_notification(bus, tmp_path, monkeypatch):
    address, server = bus
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    conversation, _, memory = chat(tmp_path)
    book, zone = conversation.skills.book, conversation.skills.zone
    book.add("reminder", "call my sister", datetime.now(zone) - timedelta(minutes=5))
    book.add("reminder", "take the bread out", datetime.now(zone) - timedelta(minutes=2))
    reminders = ChatReminders(conversation, out=io.StringIO(), notifier=Notifier())
    try:
        said = reminders.check()
        assert said is not None and said.startswith("While I was away")
        assert shown(server, 1) == [("Samantha", "While I was away", said)]
    finally:
        reminders.close()
        memory.close()


@pytest.mark.fault("kept")
@pytest.mark.parametrize("address", [None, "unix:path=/nonexistent/samantha-test-bus"])
def test_with_no_session_bus_nothing_is_posted_or_raised_and_she_still_says_it(address, tmp_path, monkeypatch, capsys):
    if address is None:
        monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    else:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    conversation, replies, memory = chat(tmp_path)
    skills = conversation.skills
    notes: list[str] = []
    notifier = Notifier(True, notes.append)
    reminders = ChatReminders(conversation, out=io.StringIO(), notifier=notifier)
    due_timer(skills, minutes=5)
    try:
        started = time.monotonic()
        assert reminders.check() == "Your 5-minute timer is done."
        assert time.monotonic() - started < 0.5  # the post never waits on the bus
        assert replies == ["Your 5-minute timer is done."] and skills.book.pending() == []
        deadline = time.monotonic() + WAIT_S
        while notifier.enabled and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not notifier.enabled and len(notes) == 1 and notes[0].startswith("(desktop notifications skipped")
        assert notifier.post("Timer", "again") is None  # skipped for the rest of the session
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err + captured.out and "Notification failed" not in captured.err
    finally:
        reminders.close()
        memory.close()


def test_in_the_voice_loop_what_she_announces_is_posted_once_not_again_with_the_repeat(bus, tmp_path, monkeypatch):
    address, server = bus
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    conversation, _, memory = chat(tmp_path)
    skills = conversation.skills
    alarm = skills.book.add("alarm", "", datetime.now(skills.zone) + timedelta(hours=1))
    reminding = Reminding(skills, lambda m: None, lambda: 0.0, notifier=Notifier())
    said: list[str] = []
    try:
        reminding.schedule()  # what the loop is sent every second
        reminding.do(Announce(1, (alarm,), "It's 7 o'clock: your alarm."), lambda turn, words: said.append(words))
        reminding.do(Announce(2, (alarm,), f"{AGAIN} It's 7 o'clock: your alarm.", again=True), lambda t, w: None)
        assert said == ["It's 7 o'clock: your alarm."]
        assert shown(server, 1) == [("Samantha", "Alarm", "It's 7 o'clock: your alarm.")]
    finally:
        reminding.close()
        memory.close()


def due_timer(skills, minutes: int) -> None:
    """A ``minutes`` timer, set to be done 0.2 s from now, and waited out."""
    skills.book.add("timer", "", datetime.now(skills.zone) + timedelta(seconds=0.2), length=timedelta(minutes=minutes))
    time.sleep(0.3)
