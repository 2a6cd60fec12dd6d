"""Notes behind the conversation: her replies never wait for them, and they are stored all the
same. The real tiny llama.cpp model, made as slow at notes as a big one is."""

import threading
import time

from conftest import BRIEF

from samantha.config import LlmSettings
from samantha.conversation.dialogue import Conversation
from samantha.runtime.note_taker import NoteTaker


class SlowNotes:
    """The real model, whose notes crawl (a pause before every batch of the prompt and every
    token, as a 3B model on two cores would); everything else is the model itself."""

    def __init__(self, real, per_step_s: float = 0.05):
        self.real, self.per_step_s = real, per_step_s
        self.writing, self.gave_way, self.finished = threading.Event(), 0, 0

    def __getattr__(self, name):
        return getattr(self.real, name)

    def complete_json(self, messages, schema, max_tokens=512, give_way=None):
        def slowly() -> bool:
            self.writing.set()
            time.sleep(self.per_step_s)
            return bool(give_way and give_way())

        try:
            notes = self.real.complete_json(messages, schema, max_tokens, give_way=slowly)
        except Exception:
            self.gave_way += 1
            raise
        self.finished += 1
        return notes


def earlier(memory, *texts):
    """Conversations already had, whose notes were never taken; then a new one begins."""
    for text in texts:
        memory.begin()
        memory.add_message("user", text)
        memory.add_message("assistant", "Tell me more.")
    memory.conversation = None  # the next start: nothing said yet


def wait(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_her_reply_does_not_wait_for_slow_notes_which_are_still_all_taken(chat_model, memory, reply_text):
    earlier(memory, "My sister Ana lives in Lisbon.", "I started learning the cello.")
    model = SlowNotes(chat_model)
    conversation = Conversation(model, LlmSettings(context_tokens=2048, max_reply_tokens=32), memory, BRIEF)
    notes = NoteTaker(conversation).start()
    try:
        assert model.writing.wait(30), "the notes never started"  # she is idle: the notes have the model
        notes.busy(True)  # the user's turn
        reply = "".join(conversation.respond("Hello"))
        assert reply.strip() == reply_text
        assert model.finished == 0 and model.gave_way == 1  # they gave the model up; the reply did not wait
        assert len(memory.unlearned()) == 3  # nothing of the abandoned pass was kept: both still to read
        notes.busy(False)
        wait(lambda: notes.idle.is_set() and not notes._jobs, 120)
        assert memory.unlearned() == [memory.conversation]  # both earlier ones read, this one goes on
        summaries = [c["summary"] for c in memory.export()["conversations"]]
        assert summaries == [reply_text, reply_text, None]  # the tiny model's notes, for both
        assert notes.news() == ["(took notes from 2 earlier conversations)"]
    finally:
        notes.close()


def test_notes_cut_short_by_leaving_are_taken_next_time(chat_model, memory):
    earlier(memory, "I have a dog called Rex.")
    model = SlowNotes(chat_model, per_step_s=0.2)
    conversation = Conversation(model, LlmSettings(context_tokens=2048), memory, BRIEF)
    notes = NoteTaker(conversation).start()
    assert model.writing.wait(30)
    notes.close()  # she is left mid-notes: it gives way within a step, however busy the machine
    deadline = time.monotonic() + 30
    while model.gave_way == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert model.gave_way == 1 and len(memory.unlearned()) == 1
    again = NoteTaker(Conversation(chat_model, LlmSettings(context_tokens=2048), memory, BRIEF)).start()
    try:
        wait(lambda: not memory.unlearned(), 60)
    finally:
        again.close()
    assert memory.export()["conversations"][0]["summary"]


def test_nothing_is_noted_in_an_incognito_conversation(chat_model, tmp_path):
    from samantha.conversation.memory import Memory

    kept = Memory.open(tmp_path / "memory.sqlite3")
    earlier(kept, "Something worth remembering.")
    kept.close()
    memory = Memory.open(tmp_path / "memory.sqlite3", incognito=True)
    notes = NoteTaker(Conversation(chat_model, LlmSettings(context_tokens=2048), memory, BRIEF)).start()
    notes.take_current()
    assert not notes._thread.is_alive() and notes.news() == []
    notes.close()
    memory.close()
