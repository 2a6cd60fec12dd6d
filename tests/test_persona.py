"""Her persona, and the prompt built from it and from memory, counted with the real tokenizer."""

import pytest
from conftest import BRIEF

from samantha.config import LlmSettings
from samantha.conversation.dialogue import Conversation
from samantha.conversation.memory import Memory
from samantha.conversation.persona import load
from samantha.errors import SamanthaError


def test_the_built_in_persona_is_samantha_and_name_and_pronouns_are_settings():
    prompt = load().system_prompt()
    assert prompt.startswith("You are Samantha (she/her), a companion") and prompt.endswith("you are Samantha.")
    assert "one to three short sentences" in prompt and "{" not in prompt
    ava = load(name="Ava", pronouns="they/them").system_prompt()
    assert ava.startswith("You are Ava (they/them)") and "Samantha" not in ava


def test_a_persona_file_of_ones_own(tmp_path):
    mine = tmp_path / "me.toml"
    mine.write_text('name = "Theo"\npronouns = "he/him"\ninstructions = "You are {name}, a grumpy lighthouse keeper."\n')
    assert load(str(mine)).system_prompt() == "You are Theo, a grumpy lighthouse keeper."


@pytest.mark.parametrize("text, problem", [
    ('name = "X"\npronouns = "she/her"\n', "needs instructions"),
    ('name = "X"\npronouns = "she/her"\ninstructions = "You are {nam}."\n', "may only use {name} and {pronouns}"),
    ("name = ", "is not valid TOML"),
])
def test_a_broken_persona_file_says_what_is_wrong(tmp_path, text, problem):
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    with pytest.raises(SamanthaError, match=problem.replace("{", r"\{").replace("}", r"\}")):
        load(str(bad))
    with pytest.raises(SamanthaError, match="Cannot read the persona file"):
        load(str(tmp_path / "missing.toml"))


@pytest.fixture
def memory(tmp_path):
    memory = Memory.open(tmp_path / "memory.sqlite3")
    memory.begin()
    memory.set_summary("They talked about a trip to the sea.")
    memory.set_profile("name", "Theo")
    memory.set_profile("likes_to_talk", "briefly")
    for i in range(60):
        memory.remember(f"Theo's friend number {i} plays the cello on Sundays.")
    memory.remember("Theo's sister Anna is a nurse in Porto.")
    yield memory
    memory.close()


def test_the_prompt_carries_persona_profile_summary_and_the_facts_that_matter(memory, chat_model):
    conversation = Conversation(chat_model, LlmSettings(context_tokens=512, max_reply_tokens=64), Memory.open(memory.path), BRIEF)
    "".join(conversation.respond("I spoke to my sister today"))
    conversation.history.append(conversation.history[0].__class__("user", "She says hello from Porto"))
    prompt = conversation.prompt()
    assert prompt[0].content == ("You are Samantha (she/her). Be brief.\n\nAbout the person you are talking with: "
                                 "likes to talk: briefly; name: Theo.\n\nLast time you talked: "
                                 "They talked about a trip to the sea.")
    assert prompt[-2].role == "system" and prompt[-2].content.startswith("You remember: Theo's sister Anna")
    assert prompt[-1].content == "She says hello from Porto"
    assert sum("cello" in m.content for m in prompt) == 0  # unrelated facts stay out


def test_a_long_history_and_many_facts_stay_within_the_context(memory, chat_model):
    settings = LlmSettings(context_tokens=512, max_reply_tokens=64)
    conversation = Conversation(chat_model, settings, Memory.open(memory.path), BRIEF)
    for i in range(25):
        "".join(conversation.respond(f"Friend number {i} and the cello, and my sister Anna in Porto: news {i}."))
    prompt = conversation.prompt()
    used = sum(chat_model.count_tokens(m.content) + 8 for m in prompt) + 16
    assert used <= settings.context_tokens - settings.max_reply_tokens
    assert prompt[-2].content.startswith("Friend number 24") and prompt[-1].role == "assistant"
    "".join(conversation.respond("And one more?"))  # llama.cpp accepts it


def test_the_start_of_the_prompt_is_the_same_from_turn_to_turn(memory, chat_model):
    conversation = Conversation(chat_model, LlmSettings(context_tokens=4096), Memory.open(memory.path), BRIEF)
    prompts = []
    for text in ("Hello", "How is Anna doing in Porto?", "And the cello on Sundays?"):
        "".join(conversation.respond(text))
        conversation.history.append(conversation.history[-1].__class__("user", "next"))
        prompts.append(conversation.prompt())
        conversation.history.pop()
    for before, after in zip(prompts, prompts[1:]):
        stable = [m for m in before[:-1] if not m.content.startswith("You remember:")]  # all but the newest
        assert after[: len(stable)] == stable
