"""Spoken control of memory, answered from the memory itself."""

import pytest

from conftest import BRIEF
from samantha.chat import Conversation
from samantha.config import LlmSettings
from samantha.memory import Memory
from samantha.recall import answer


@pytest.fixture
def memory(tmp_path):
    memory = Memory(tmp_path / "memory.sqlite3")
    memory.begin()
    yield memory
    memory.close()


def test_what_she_remembers_is_what_is_stored(memory):
    assert "Not much yet" in answer(memory, "What do you remember about me?").reply
    memory.remember("Theo likes green tea.")
    memory.remember("Theo's sister is Anna.")
    said = answer(memory, "so, what do you know about me").reply
    assert said.startswith("Here's what I remember.") and "green tea" in said and "Anna" in said


def test_forget_about_a_topic_forgets_the_facts_on_it(memory):
    memory.remember("The user is going on a trip to Porto in June.")
    memory.remember("The user likes green tea.")
    assert answer(memory, "Please forget about my trip.").reply == "Done, I've forgotten that about trip."
    assert [f.text for f in memory.facts()] == ["The user likes green tea."]
    assert answer(memory, "forget about the weather").reply == "I don't think I remember anything about weather."


@pytest.mark.parametrize("text", ["Tell me about my trip", "I forget things about my trip", "Don't forget it"])
def test_ordinary_talk_is_not_a_command(memory, text):
    assert answer(memory, text) is None


def test_forget_that_drops_what_the_user_just_said_from_memory_and_from_the_conversation(memory, chat_model):
    conversation = Conversation(chat_model, LlmSettings(context_tokens=512, max_reply_tokens=16), memory, BRIEF)
    "".join(conversation.respond("My PIN is 1234"))
    reply = "".join(conversation.respond("Forget that!"))
    assert reply == "Okay, I've forgotten that."
    assert [m[1] for m in memory.messages() if m[0] == "user"] == []  # neither the PIN nor the command is kept
    assert "My PIN is 1234" not in [m.content for m in conversation.history]
    assert all("1234" not in m.content for m in conversation.prompt())
