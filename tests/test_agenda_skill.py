"""The day's agenda in a conversation: her reminders with the calendar, asked for or offered
on the first conversation of a day (once, only when there is something, and never when
switched off)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from conftest import BRIEF
from test_calendars import DENTIST, calendar

from samantha import config
from samantha.config import LlmSettings
from samantha.conversation import companion
from samantha.conversation.agenda_skill import AgendaSkill
from samantha.conversation.dialogue import Conversation
from samantha.conversation.memory import Memory
from samantha.conversation.reminders import ReminderBook
from samantha.conversation.skills import Skills

BERLIN = ZoneInfo("Europe/Berlin")
MORNING = datetime(2025, 3, 18, 8, 0, tzinfo=BERLIN)  # the dentist is at 10:30


def met(tmp_path, now: datetime = MORNING, calendars=()):
    memory = Memory.open(tmp_path / "memory.sqlite3")
    memory.set_profile("name", "Theo")
    conversation = Conversation(None, LlmSettings(), memory, BRIEF)  # type: ignore[arg-type]
    book = ReminderBook(memory.db)
    conversation.skills = Skills(book, BERLIN, clock=lambda: now.timestamp(), agenda=AgendaSkill(book, calendars, BERLIN))
    return conversation


def test_asked_she_reads_the_reminders_and_the_calendar_together(tmp_path):
    (tmp_path / "cal.ics").write_text(calendar(DENTIST, zones=""))
    conversation = met(tmp_path, calendars=(str(tmp_path / "cal.ics"),))
    assert "".join(conversation.respond("remind me at 5 pm to call my sister")) == \
        "Okay, I'll remind you at 5 pm to call your sister."
    assert "".join(conversation.respond("what's my day like?")) == (
        "Today you have 2 things: at 10:30 am, Dentist; at 5 pm, the reminder to call your sister.")
    assert conversation.history[-1].content.startswith("Today you have 2 things")  # her reply, kept


def test_the_first_conversation_of_a_day_opens_with_the_rest_of_it(tmp_path):
    (tmp_path / "cal.ics").write_text(calendar(DENTIST, zones=""))
    conversation = met(tmp_path, calendars=(str(tmp_path / "cal.ics"),))
    opening = companion.first_meeting(conversation, config.Settings())
    assert opening == "Good morning, Theo. Today you have one thing: at 10:30 am, Dentist."
    conversation.add_reply(opening)  # what the voice and chat do with an opening line
    assert companion.first_meeting(met(tmp_path, calendars=(str(tmp_path / "cal.ics"),)), config.Settings()) is None


def test_no_offer_on_an_empty_day_or_when_switched_off(tmp_path):
    assert companion.first_meeting(met(tmp_path), config.Settings()) is None  # nothing today: nothing said
    conversation = met(tmp_path)
    conversation.skills.book.add("reminder", "stretch", MORNING + timedelta(hours=2))
    off = config.override(config.Settings(), "calendar", morning_summary=False)
    assert companion.first_meeting(conversation, off) is None
    assert companion.first_meeting(conversation, config.Settings()) == \
        "Good morning, Theo. Today you have one thing: at 10 am, the reminder to stretch."
