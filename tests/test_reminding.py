"""A reminder due in a running voice session: the store read, the loop's decision carried
out (her words played and kept as her reply), and the store told it was said."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from conftest import BRIEF
from test_session import Device, Feeder, Log

from samantha.config import LlmSettings, Settings
from samantha.conversation.dialogue import Conversation
from samantha.conversation.memory import Memory
from samantha.conversation.reminders import ReminderBook
from samantha.conversation.skills import Skills
from samantha.core.turns import State
from samantha.runtime.session import Session


def test_a_due_reminder_is_said_in_a_running_session_and_marked_told(transcriber, chat_model, synthesizer, tmp_path):
    memory = Memory.open(tmp_path / "memory.sqlite3")
    conversation = Conversation(chat_model, LlmSettings(context_tokens=512), memory, BRIEF)
    skills = conversation.skills = Skills(ReminderBook(memory.db))
    skills.book.add("timer", "", datetime.now(skills.zone) + timedelta(seconds=0.5), length=timedelta(minutes=10))
    device, log = Device(), Log()
    session = Session(Settings(), transcriber, conversation, synthesizer, device, log)
    session.reminding.start()  # what run() does
    try:
        feed = Feeder(session)
        feed.silence_until(lambda: skills.book.pending() == [] and session.machine.state is State.LISTENING, wall_s=20)
        assert "Your 10-minute timer is done." in "".join(log.deltas)
        assert any("10-minute timer" in text for text in device.played)
        assert conversation.history[-1].content == "Your 10-minute timer is done."
    finally:
        session.reminding.close()
        session.close()
        time.sleep(0.05)
