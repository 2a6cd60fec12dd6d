"""Notes and lists asked for in conversation: carried out at once on the notebook, her reply a
short sentence kept in the history like any reply; clearing asked back; "I got a new job" is
conversation."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from conftest import BRIEF

from samantha.config import LlmSettings
from samantha.conversation.dialogue import Conversation
from samantha.conversation.list_skill import ListSkill
from samantha.conversation.memory import Memory
from samantha.conversation.notebook import Notebook
from samantha.conversation.reminders import ReminderBook
from samantha.conversation.skills import Skills

BERLIN = ZoneInfo("Europe/Berlin")
FRIDAY = datetime(2025, 3, 28, 15, 0, tzinfo=BERLIN).timestamp()


class Reply:
    def __iter__(self):
        yield "Tell me more."

    def close(self):
        pass


class NoModel:
    """A request for her skills never reaches the model; what does is counted."""

    def __init__(self):
        self.asked = 0

    def stream(self, *args, **kwargs):
        self.asked += 1
        return Reply()

    def count_tokens(self, text):
        return len(text.split())


def talk(tmp_path, incognito=False):
    memory = Memory.open(tmp_path / "memory.sqlite3", incognito=incognito)
    conversation = Conversation(NoModel(), LlmSettings(), memory, BRIEF)  # type: ignore[arg-type]
    lists = ListSkill(Notebook(memory.db, writable=not incognito), BERLIN)
    conversation.skills = Skills(ReminderBook(memory.db, writable=not incognito), BERLIN, clock=lambda: FRIDAY, lists=lists)
    return conversation, lambda text: "".join(conversation.respond(text))


def test_a_shopping_list_is_kept_read_ticked_and_taken_from(tmp_path):
    conversation, say = talk(tmp_path)
    assert say("add milk and eggs to my shopping list") == "Okay, I've added milk and eggs to your shopping list."
    assert say("add bread, milk and butter to the list") == \
        "Okay, I've added bread and butter to your shopping list; milk was already on it."
    assert say("what's on my shopping list?") == "Your shopping list has 4 things: milk, eggs, bread and butter."
    assert say("I got the milk") == "Got it, I've ticked off milk."
    assert say("take eggs off the list") == "Okay, I've taken eggs off your shopping list."
    assert say("what's on my list?") == "Your shopping list has 2 things: bread and butter. Ticked off already: milk."
    assert say("I bought the bread and the butter") == \
        "Got it, I've ticked off bread and butter. That's everything on your shopping list!"
    assert say("add milk to my shopping list") == "Okay, I've added milk to your shopping list."  # needed again
    assert say("remove cheese from my shopping list") == "I can't find cheese on your shopping list."
    assert [m.role for m in conversation.history] == ["user", "assistant"] * 9
    assert conversation.model.asked == 0


def test_notes_are_taken_in_the_users_words_and_read_back_in_hers(tmp_path):
    conversation, say = talk(tmp_path)
    assert say("note that my sister's birthday is May 3") == "Okay, I've made a note: your sister's birthday is May 3."
    assert say("take a note") == "What should I note?"
    assert say("the plumber comes Thursday") == "Okay, I've made a note: the plumber comes Thursday."
    assert say("read me my notes") == "You have 2 notes: your sister's birthday is May 3; the plumber comes Thursday."
    assert [i.text for i in conversation.skills.lists.book.items("notes")] == \
        ["my sister's birthday is May 3", "the plumber comes Thursday"]
    assert say("delete the note about the plumber") == "Okay, I've deleted the note: the plumber comes Thursday."
    assert say("add call the bank to my to do list") == "Okay, I've added call the bank to your to-do list."
    assert say("what lists do I have?") == "You have a to-do list with 1 thing to do and one note."


def test_clearing_a_list_with_things_to_do_is_asked_back_and_only_a_yes_clears_it(tmp_path):
    conversation, say = talk(tmp_path)
    say("add milk and eggs to my shopping list")
    assert say("clear my shopping list") == \
        "Your shopping list still has 2 things on it. Clear it anyway? Say yes to confirm."
    assert say("no") == "Okay, I'll keep your shopping list as it is."
    assert say("yes") == "Tell me more."  # the question was for one turn only: this goes to the model
    say("clear my shopping list")
    assert say("yes") == "Okay, I've cleared your shopping list."
    assert conversation.skills.lists.book.items("shopping") == []
    say("add milk to my shopping list")
    say("I got the milk")
    assert say("clear my shopping list") == "Okay, I've cleared your shopping list."  # all ticked off: at once


def test_chat_about_lists_goes_to_the_model_and_is_not_taken_for_a_request(tmp_path):
    conversation, say = talk(tmp_path)
    say("add milk to my shopping list")
    for text in ("I got a new job", "my shopping list is long today", "I need to note how I feel"):
        assert conversation.can_prepare(text), text
        assert say(text) == "Tell me more."
    assert not conversation.can_prepare("I got the milk")
    assert conversation.model.asked == 3


def test_incognito_she_reads_but_writes_nothing_down(tmp_path):
    _, say = talk(tmp_path, incognito=True)
    assert "incognito" in say("note that the plumber comes Thursday")
    assert say("read me my notes") == "You don't have any notes yet."


def test_forget_about_a_topic_takes_the_notes_and_items_that_mention_it(tmp_path):
    conversation, say = talk(tmp_path)
    say("note that the plumber comes Thursday")
    say("add milk to my shopping list")
    assert say("forget about the plumber") == "Done, I've forgotten everything about the plumber."
    assert say("read me my notes") == "You don't have any notes yet."
    assert say("what's on my shopping list?") == "Your shopping list has one thing: milk."
