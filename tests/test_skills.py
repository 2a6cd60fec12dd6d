"""Reminders asked for in conversation: carried out at once, her reply a short confirmation
kept in the history like any reply; an unclear time asked about; cancel, snooze and list."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from conftest import BRIEF

from samantha.config import LlmSettings
from samantha.conversation.dialogue import Conversation
from samantha.conversation.memory import Memory
from samantha.conversation.reminders import ReminderBook
from samantha.conversation.skills import Skills

BERLIN = ZoneInfo("Europe/Berlin")
FRIDAY = datetime(2025, 3, 28, 15, 0, tzinfo=BERLIN).timestamp()


class NoModel:
    """A request for her skills never reaches the model."""

    def stream(self, *args, **kwargs):
        raise AssertionError("the model was asked")


def talk(tmp_path, incognito=False):
    memory = Memory.open(tmp_path / "memory.sqlite3", incognito=incognito)
    conversation = Conversation(NoModel(), LlmSettings(), memory, BRIEF)  # type: ignore[arg-type]
    conversation.skills = Skills(ReminderBook(memory.db, writable=not incognito), BERLIN, clock=lambda: FRIDAY)
    return conversation, lambda text: "".join(conversation.respond(text))


def test_she_confirms_in_a_short_sentence_and_it_joins_the_conversation(tmp_path):
    conversation, say = talk(tmp_path)
    assert say("remind me at 5 pm to call my sister") == "Okay, I'll remind you at 5 pm to call your sister."
    assert say("in twenty minutes, tell me to take the bread out") == \
        "Okay, I'll remind you in 20 minutes to take the bread out."
    assert say("set a timer for ten minutes") == "Okay, a 10-minute timer, starting now."
    assert say("wake me at 7:30 tomorrow") == "Okay, I'll wake you tomorrow at 7:30 am."
    assert say("every Monday at nine remind me about the team call") == \
        "Okay, I'll remind you every Monday at 9 am about the team call."
    assert [m.role for m in conversation.history] == ["user", "assistant"] * 5
    assert conversation.memory.messages()[-1] == ("assistant", conversation.history[-1].content, False)


def test_an_unclear_hour_is_asked_about_and_the_answer_sets_it(tmp_path):
    conversation, say = talk(tmp_path)
    assert say("remind me at five to call my sister") == "5 in the morning, or 5 in the afternoon?"
    assert conversation.skills.book.pending() == []
    assert say("the afternoon") == "Okay, I'll remind you at 5 pm to call your sister."
    assert say("remind me to call mom") == "When should I remind you?"
    assert say("tomorrow at 10 am") == "Okay, I'll remind you tomorrow at 10 am to call mom."


def test_list_cancel_and_snooze(tmp_path):
    _, say = talk(tmp_path)
    say("in twenty minutes, tell me to take the bread out")
    say("remind me at 5 pm to call my sister")
    assert say("what reminders do I have?") == ("You have 2 reminders: at 3:20 pm, the reminder to take the bread "
                                                "out; at 5 pm, the reminder to call your sister.")
    assert say("cancel the bread one") == "Okay, I've cancelled the reminder to take the bread out."
    assert say("snooze that for ten minutes") == "There's nothing to snooze just now."
    say("set a timer for 5 minutes")
    assert say("snooze that for ten minutes") == "Okay, I'll remind you again in 10 minutes."
    assert say("cancel the dentist reminder") == "I couldn't find one like that. Ask me what reminders you have."


def test_a_chat_sentence_goes_to_the_model_and_requests_are_not_prepared(tmp_path):
    conversation, _ = talk(tmp_path)
    assert conversation.can_prepare("I need to remember to be kinder to myself")
    assert not conversation.can_prepare("remind me at 5 pm to call my sister")


def test_incognito_she_says_she_cannot_keep_one(tmp_path):
    _, say = talk(tmp_path, incognito=True)
    assert "incognito" in say("remind me at 5 pm to call my sister")
