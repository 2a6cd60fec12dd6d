"""Spoken control of memory, answered from the memory itself."""

from datetime import datetime, timedelta, timezone

import pytest
from conftest import BRIEF

from samantha.config import LlmSettings
from samantha.conversation.dialogue import Conversation
from samantha.conversation.forgetting import FORGOTTEN
from samantha.conversation.memory import Memory
from samantha.conversation.memory_commands import CONFIRM, answer
from samantha.conversation.reminders import ReminderBook


@pytest.fixture
def memory(memory):
    memory.begin()  # a conversation under way
    return memory


def test_what_she_remembers_is_what_is_stored(memory):
    assert "Not much yet" in answer(memory, "What do you remember about me?").reply
    memory.remember("Theo likes green tea.")
    memory.remember("Theo's sister is Anna.")
    said = answer(memory, "so, what do you know about me").reply
    assert said.startswith("Here's what I remember.") and "green tea" in said and "Anna" in said


def test_forget_about_a_topic_forgets_the_facts_on_it(memory):
    memory.remember("The user is going on a trip to Porto in June.")
    memory.remember("The user likes green tea.")
    assert answer(memory, "Please forget about my trip.").reply == "Done, I've forgotten everything about your trip."
    assert [f.text for f in memory.facts()] == ["The user likes green tea."]
    assert answer(memory, "forget about the weather").reply == "I don't think I remember anything about the weather."


@pytest.mark.parametrize("text", [
    "Tell me about my trip", "I forget things about my trip", "Don't forget it", "Forget it.",
    "Forget about it, let's go to the movies", "Oh forget about it", "Forget about it!"])
def test_ordinary_talk_is_not_a_command_and_deletes_nothing(memory, text):
    memory.remember("The user loves going to the movies.")
    memory.remember("The user's sister Anna is a nurse.")
    assert answer(memory, text) is None or "I don't think I remember" in answer(memory, text).reply
    assert len(memory.facts()) == 2


def test_a_topic_must_match_a_fact_in_all_its_words(memory):
    memory.remember("The user's sister Anna is a nurse.")
    memory.remember("The user's brother Tom is a nurse too.")
    assert answer(memory, "Forget what I told you about my sister Anna").reply.startswith("Done")
    assert [f.text for f in memory.facts()] == ["The user's brother Tom is a nurse too."]


def test_in_incognito_she_says_she_cannot_forget(tmp_path):
    known = Memory.open(tmp_path / "m.sqlite3")
    known.remember("The user is going on a trip to Porto.")
    known.close()
    secret = Memory.open(tmp_path / "m.sqlite3", incognito=True)
    assert "incognito" in answer(secret, "Forget about my trip").reply
    assert len(secret.facts()) == 1
    secret.close()


def test_talking_over_a_memory_answer_leaves_earlier_replies_alone(memory, chat_model, reply_text):
    memory.remember("Theo likes green tea.")
    conversation = Conversation(chat_model, LlmSettings(context_tokens=512, max_reply_tokens=16), memory, BRIEF)
    "".join(conversation.respond("Hello"))
    "".join(conversation.respond("What do you remember about me?"))
    conversation.interrupted("Here's what")
    assert memory.messages() == [("user", "Hello", False), ("assistant", reply_text, False),
                                 ("user", "What do you remember about me?", False),
                                 ("assistant", "Here's what", True)]


def test_forget_that_drops_what_the_user_just_said_from_memory_and_from_the_conversation(memory, chat_model):
    conversation = Conversation(chat_model, LlmSettings(context_tokens=512, max_reply_tokens=16), memory, BRIEF)
    "".join(conversation.respond("My PIN is 1234"))
    reply = "".join(conversation.respond("Forget that!"))
    assert reply == "Okay, I've forgotten that."
    assert [m[1] for m in memory.messages()] == ["Forget that!", "Okay, I've forgotten that."]  # the PIN is gone
    assert "My PIN is 1234" not in [m.content for m in conversation.history]
    assert all("1234" not in m.content for m in conversation.prompt())


def files_of(memory) -> bytes:
    from pathlib import Path

    return b"".join(p.read_bytes() for p in Path(memory.path).parent.iterdir()).lower()


@pytest.mark.fault("kept")
def test_forget_everything_asks_first_and_only_a_yes_in_the_next_turn_does_it(memory, chat_model, reply_text):
    memory.set_profile("name", "Theo")
    memory.set_profile("her_name", "Sam")  # chosen for her, not about the user
    memory.remember("Theo's sister Zanzibarqux is a nurse.")
    book = ReminderBook(memory.db)
    book.add("reminder", "ring Zanzibarqux", datetime.now(timezone.utc) + timedelta(hours=2))
    conversation = Conversation(chat_model, LlmSettings(context_tokens=512, max_reply_tokens=16), memory, BRIEF)
    said = ["".join(conversation.respond(line)) for line in (
        "Zanzibarqux says hi.", "Please forget everything you know about me.", "What's the weather like?",
        "Forget everything.", "No, keep it.", "Forget all about me", "Yes, please.")]
    assert said[1] == said[3] == said[5] == CONFIRM
    assert said[2] == reply_text  # anything but yes or no: an ordinary turn, and nothing is forgotten
    assert said[4] == "Okay, I'll keep everything."
    assert said[6] == "Done. I've forgotten everything about you; it's as if we've just met."
    assert memory.facts() == [] and memory.profile() == {"her_name": "Sam"} and memory.export()["conversations"] == []
    assert book.pending() == []
    assert conversation.history == [] and b"zanzibarqux" not in files_of(memory) and b"theo" not in files_of(memory)
    assert "".join(conversation.respond("Yes.")) == reply_text  # a yes later asks nothing
    assert [c for _, c, _ in memory.messages()] == ["Yes.", reply_text]  # a new conversation begins


@pytest.mark.parametrize("text", [
    "Forget everything you know about me", "please forget everything", "Forget all about me.", "forget about me",
    "Can you forget everything you remember about me?", "Forget everything that you know."])
def test_what_asks_her_to_forget_everything(memory, text):
    assert answer(memory, text).awaits == "everything"


@pytest.mark.parametrize("text", ["Forget everything about my trip", "Oh forget everything, let's go", "Yes."])
def test_what_does_not_ask_her_to_forget_everything(memory, text):
    said = answer(memory, text)
    assert said is None or said.awaits is None


@pytest.mark.parametrize("text", ["Yes, no, wait.", "yes?", "Sure... wait, don't."])
def test_a_doubtful_yes_forgets_nothing(memory, chat_model, text):
    memory.remember("Theo likes green tea.")
    conversation = Conversation(chat_model, LlmSettings(context_tokens=512, max_reply_tokens=16), memory, BRIEF)
    assert "".join(conversation.respond("Forget everything")) == CONFIRM
    assert not conversation.can_prepare("Yes.")  # the answer to her question is never prepared ahead
    "".join(conversation.respond(text))
    assert [f.text for f in memory.facts()] == ["Theo likes green tea."]


def test_forget_about_a_topic_cuts_it_from_the_conversation_and_the_stored_messages(memory, chat_model):
    conversation = Conversation(chat_model, LlmSettings(context_tokens=512, max_reply_tokens=16), memory, BRIEF)
    "".join(conversation.respond("My trip to Porto was great. The food was better."))
    assert "".join(conversation.respond("Forget about my trip to Porto")) == \
        "Done, I've forgotten everything about your trip to Porto."
    assert memory.messages()[0][1] == f"{FORGOTTEN} The food was better."
    assert [c for _, c, _ in memory.messages()][2:] == [FORGOTTEN, FORGOTTEN]  # the request and her answer too
    assert not [m for m in conversation.prompt() if "porto" in m.content.lower()]


def test_what_she_knows_about_someone_is_what_is_stored_about_them(memory):
    memory.remember("Amy is the user's friend.")
    memory.remember("The user wrote a thank-you note to Amy on 30 November 2026, saying: Thank you for the scarf.")
    memory.remember("The user likes green tea.")
    said = answer(memory, "What do you know about Amy?").reply
    assert said.startswith("Here's what I know about Amy. ") and "green tea" not in said
    assert "Amy is your friend." in said
    assert "You wrote a thank-you note to Amy on 30 November 2026, saying: Thank you for the scarf." in said
    assert answer(memory, "what do you know about black holes?") is None  # nothing stored: the model's
    assert answer(memory, "What do you know about it?") is None
