"""Taking notes: the real grammar machinery on the tiny GGUF, and what is done with the notes."""

import json

from conftest import BRIEF

from samantha.config import LlmSettings
from samantha.conversation.dialogue import Conversation
from samantha.conversation.notes import SCHEMA, catch_up, take_notes
from samantha.engines.base import Message


def chat(memory, *lines):
    memory.begin()
    for i, line in enumerate(lines):
        memory.add_message("user" if i % 2 == 0 else "assistant", line)
    return memory.conversation


def valid(notes: dict) -> bool:
    """The schema's own rules, checked by hand: the shape a grammar must guarantee."""
    facts = notes["facts"]
    return (set(notes) == {"summary", "facts"} and isinstance(notes["summary"], str)
            and len(notes["summary"]) <= 400 and isinstance(facts, list) and len(facts) <= 8
            and all(set(f) == {"text", "replaces"} and isinstance(f["text"], str)
                    and (f["replaces"] is None or isinstance(f["replaces"], int)) for f in facts))


def test_the_real_model_writes_notes_in_the_schema_through_the_grammar(chat_model, memory, reply_text):
    notes = chat_model.complete_json([Message("user", "Take notes on: I love green tea.")], SCHEMA, 300)
    assert valid(notes)
    conversation = chat(memory, "My sister Anna is a nurse.", "Oh, that's lovely.")
    result = take_notes(chat_model, memory, conversation, context_tokens=2048)
    assert memory.unlearned() == [] and result.summary == reply_text  # the tiny model's one path
    assert memory.export()["conversations"][0]["summary"] == reply_text


class Scripted:
    """Stands in for a model's judgement (a random model has none): returns the given notes."""

    def __init__(self, notes, real):
        self.notes, self.real, self.seen = notes, real, []

    def count_tokens(self, text):
        return self.real.count_tokens(text)

    def complete_json(self, messages, schema, max_tokens=512, give_way=None):
        self.seen.append(messages)
        return self.notes


def test_notes_add_merge_and_replace_facts_and_ignore_junk(chat_model, memory):
    trip = memory.remember("The user is going to Lisbon in May.")
    tea = memory.remember("The user likes green tea.")
    conversation = chat(memory, "Change of plans: Porto in June. Also, Anna is my sister.", "Nice!")
    model = Scripted({"summary": "Plans changed to Porto.", "facts": [
        {"text": "The user is going to Porto in June.", "replaces": trip},
        {"text": "Anna is the user's sister.", "replaces": None},
        {"text": "the user likes green tea", "replaces": None},  # known already: merged
        {"text": "Porto", "replaces": None},  # a stray word, not a fact
        {"text": "The user has a cat.", "replaces": 9999},  # no such fact to replace: added
    ]}, chat_model)
    result = take_notes(model, memory, conversation, context_tokens=2048)
    facts = {f.id: f.text for f in memory.facts()}
    assert facts[trip] == "The user is going to Porto in June." and facts[tea] == "The user likes green tea."
    assert sorted(facts.values()) == ["Anna is the user's sister.", "The user has a cat.",
                                      "The user is going to Porto in June.", "The user likes green tea."]
    assert len(result.facts) == 4 and memory.export()["conversations"][0]["summary"] == "Plans changed to Porto."
    head = model.seen[0][0].content
    assert f"{trip}: The user is going to Lisbon in May." in head  # known facts go in with their ids


def test_a_long_conversation_is_read_from_its_newest_end_within_the_context(chat_model, memory):
    conversation = chat(memory, *[f"Message {i}: " + "words " * 40 for i in range(200)])
    model = Scripted({"summary": "Long.", "facts": []}, chat_model)
    take_notes(model, memory, conversation, context_tokens=4096)
    transcript = model.seen[0][1].content
    assert "Message 199" in transcript and "Message 0:" not in transcript
    used = sum(chat_model.count_tokens(m.content) for m in model.seen[0])
    assert used <= 4096 - 400
    take_notes(chat_model, memory, conversation, context_tokens=4096)  # and llama.cpp accepts such a prompt


def test_catch_up_reads_earlier_conversations_oldest_first_but_not_the_current_one(chat_model, memory):
    chat(memory, "One.")
    second = chat(memory, "Two.")
    model = Scripted({"summary": "Read.", "facts": []}, chat_model)
    memory.begin()
    memory.add_message("user", "Now.")
    assert catch_up(model, memory, 2048, most=1) == (1, []) and memory.unlearned() == [second, memory.conversation]
    assert catch_up(model, memory, 2048) == (1, []) and memory.unlearned() == [memory.conversation]
    assert "One." in model.seen[0][1].content and "Two." in model.seen[1][1].content


def test_notes_are_due_every_n_turns_of_a_recorded_conversation(chat_model, memory):
    conversation = Conversation(chat_model, LlmSettings(context_tokens=512, max_reply_tokens=16), memory, BRIEF)
    due = []
    for i in range(4):
        "".join(conversation.respond(f"Turn {i}"))
        due.append(conversation.notes_due(2))
        if due[-1]:
            conversation.take_notes()
    assert due == [False, True, False, True]
    assert not conversation.notes_due(0)
    assert json.dumps(memory.export())  # and all of it is there to export


def test_the_memory_evaluation_runs_its_dozen_conversations(cli_env):
    import subprocess
    import sys

    from conftest import ROOT

    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "eval_memory.py"), "--tiny"], env=cli_env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert [line.split(".")[0].strip() for line in lines[:12]] == [str(i) for i in range(1, 13)]
    assert lines[-1].startswith("recall 0/14 facts a good model keeps")  # a random model keeps none


class Failing(Scripted):
    def complete_json(self, messages, schema, max_tokens=512, give_way=None):
        raise RuntimeError("the model fell over")


def test_notes_that_fail_are_reported_and_never_block_the_next_start(chat_model, memory):
    conversation = chat(memory, "One.")
    memory.begin()  # the next start
    read, problems = catch_up(Failing({}, chat_model), memory, 2048)
    assert read == 0 and problems == [f"conversation {conversation}: the model fell over"]
    assert memory.unlearned() == [] and memory.messages(conversation) == [("user", "One.", False)]


def test_no_notes_are_taken_while_memory_is_not_saving(chat_model, memory):
    earlier = chat(memory, "One.")
    memory.begin()
    memory._db.execute("PRAGMA query_only = ON")  # the file stops taking writes
    memory.add_message("user", "Now.")  # goes on in RAM
    model = Scripted({"summary": "Read.", "facts": []}, chat_model)
    assert memory.failure is not None and catch_up(model, memory, 2048) == (0, [])
    assert model.seen == [] and earlier in memory.unlearned()  # read next time, when they can be kept
