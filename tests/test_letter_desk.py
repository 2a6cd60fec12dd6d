"""A letter written together as a typed conversation: dictation goes in silently and
verbatim, commands answer briefly, the file holds the letter after every turn, and what
asks the model (how it sounds, revisions) reaches it with the letter beside the words."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import date

import pytest
from conftest import BRIEF

from samantha.config import LlmSettings
from samantha.conversation.dialogue import Conversation
from samantha.conversation.letter_desk import LetterDesk
from samantha.conversation.memory import Memory
from samantha.letters.draft import Draft
from samantha.letters.files import LetterFiles
from samantha.letters.front import Letter

TODAY = date(2026, 11, 30)


class Stream:
    def __init__(self, words):
        self.words = words

    def __iter__(self):
        return iter(self.words)

    def cancel(self):
        pass

    def close(self):
        pass


class Model:
    """Says what it is told; records what it was asked."""

    def __init__(self, reply="It sounds warm and honest. Maybe end with a question for her.", paragraphs=None):
        self.reply, self.paragraphs, self.asked = reply, paragraphs, []

    def stream(self, messages, max_tokens=None):
        self.asked.append(list(messages))
        return Stream([self.reply])

    def prefill(self, messages):
        pass

    def count_tokens(self, text):
        return len(text) // 4 + 1

    def complete_json(self, messages, schema, max_tokens=512):
        self.asked.append(list(messages))
        return {"paragraphs": self.paragraphs}


def talk(tmp_path, model=None, incognito=False):
    memory = Memory.open(tmp_path / "memory.sqlite3", incognito=incognito)
    memory.remember("The user's grandmother lives in Porto and knits.")
    model = model or Model()
    conversation = Conversation(model, LlmSettings(), memory, BRIEF)  # type: ignore[arg-type]
    files = LetterFiles(tmp_path / "letters")
    conversation.letters = LetterDesk(files, model, lambda who: [f.text for f in memory.search(who, limit=2)],  # type: ignore[arg-type]
                                      writable=not incognito, today=lambda: TODAY)
    return conversation, files, lambda text: "".join(conversation.respond(text))


def test_two_paragraphs_dictated_with_commands_and_the_file_holds_exactly_them(tmp_path):
    conversation, files, say = talk(tmp_path)
    opening = say("Let's write a letter to my grandmother.")
    assert opening.startswith("A letter to your grandmother, lovely. I remember: your grandmother lives in Porto")
    assert say("Dear Grandma, thank you for the scarf.") == ""
    assert say("I wear it every day") == ""
    assert say("On the walk to work.") == ""
    assert say("New paragraph.") == ""  # silent, like dictation
    assert say("I will never read it back to you.") == ""
    assert say("Scratch that.") == "Scratched: I will never read it back to you."
    assert say("We miss you and hope to visit in June.") == ""
    letter = "Dear Grandma,\n\nThank you for the scarf. I wear it every day on the walk to work.\n\n" \
             "We miss you and hope to visit in June."
    assert say("Read it back.") == letter
    assert say("Read me the second paragraph.") == "Thank you for the scarf. I wear it every day on the walk to work."
    assert say("Sign it love, Theo.") == "Signed: Love, Theo."
    assert say("That's it, save it.") == "Saved. Your letter to Grandmother is in your letters folder."
    [entry] = files.entries()
    assert entry.path.name == "2026-11-30 Grandmother.md"
    assert entry.path.read_text() == ("---\nto: Grandmother\ndate: 2026-11-30\nstatus: done\nfrom: Theo\n---\n\n"
                                      f"{letter}\n\nLove,\nTheo\n")
    said = [m.content for m in conversation.history if m.role == "user"]
    assert "I wear it every day" not in said and "Read it back." in said  # dictation lives in the letter


def test_new_paragraph_is_silent_wherever_it_is_said_and_what_the_user_needs_to_hear_still_answers(tmp_path):
    conversation, _, say = talk(tmp_path)
    say("Let's write a letter to Amy.")
    assert say("Thank you for the tea, and that was lovely. New paragraph.") == ""
    assert say("The garden is full of roses, new paragraph.") == ""
    assert say("New paragraph, see you soon.") == ""
    assert say("Scratch that.") == "Scratched: See you soon."
    assert say("Read it back.") == "Thank you for the tea, and that was lovely.\n\nThe garden is full of roses."
    assert not [m for m in conversation.history if "paragraph" in m.content.lower()]  # kept out, like dictation


def test_undo_goes_back_one_change_at_a_time_even_after_a_restart(tmp_path):
    _, files, say = talk(tmp_path)
    say("Help me write a thank-you note to Amy.")
    say("Thank you for the flowers.")
    say("They smell of spring.")
    say("Let's stop here for now.")
    _, _, say = talk(tmp_path)
    assert say("Let's finish the letter to Amy.").startswith("Here's your letter to Amy, from today. It ends: They smell")
    assert say("Undo that.") == "Undone."
    assert say("Read it back.") == "Thank you for the flowers."
    say("That's it, save it.")
    assert files.entries()[0].letter.draft.text() == "Thank you for the flowers."


def test_who_it_is_for_is_asked_and_a_recalled_letter_is_said_back_briefly(tmp_path):
    _, _, say = talk(tmp_path)
    assert say("Let's write a letter.") == "Sure, let's write a letter. Who is it for?"
    assert say("It's for Amy.").startswith("A letter to Amy, lovely.")
    say("Thank you for the flowers, they made the whole flat smell of spring.")
    say("That's it, save it.")
    assert say("What did I write to Amy this week?") == ("Today you wrote to Amy: Thank you for the flowers, they made "
                                                        "the whole flat smell of spring.")


def letters_to_amy(files, *written):
    """Letters to Amy on the days given, each saying which day it was written."""
    for day in written:
        letter = Letter("Amy", day, Draft(("Dear Amy,", f"This is my letter of {day:%d %B}."),), status="done")
        files.save(files.new_path(letter), letter)


def test_a_recalled_letter_is_the_one_written_when_the_user_says(tmp_path):
    _, files, say = talk(tmp_path)
    letters_to_amy(files, date(2026, 9, 3), date(2026, 10, 5), date(2026, 10, 20), date(2026, 11, 23), date(2026, 11, 29))
    assert say("What did I write to Amy last month?") == ("On 20 October you wrote to Amy: Dear Amy, This is my letter "
                                                         "of 20 October. That's the latest of 2 last month.")
    assert say("What did I write to Amy yesterday?") == ("On 29 November you wrote to Amy: Dear Amy, This is my letter "
                                                        "of 29 November.")
    assert say("What did I write to Amy on Monday?").startswith("On 23 November you wrote")
    assert say("What did I write to Amy last week?").startswith("On 29 November you wrote")
    assert say("What did I write to Amy in September?").startswith("On 3 September you wrote")
    assert say("What did I write to Amy this year?").endswith("That's the latest of 5 this year.")
    assert say("What did I write to Amy?").startswith("On 29 November you wrote")  # no time said: the newest
    assert say("Read me my letter to Amy from October 5th.") == ("Your letter to Amy, from 5 October:\n\n"
                                                               "Dear Amy,\n\nThis is my letter of 05 October.")


def test_with_no_letter_in_the_span_she_says_so_and_names_the_nearest(tmp_path):
    _, files, say = talk(tmp_path)
    letters_to_amy(files, date(2026, 8, 1), date(2026, 9, 3))
    assert say("What did I write to Amy last month?") == ("I don't see one to Amy last month; the last was on 3 "
                                                         "September: Dear Amy, This is my letter of 03 September.")
    assert say("What did I write to Amy in July?") == ("I don't see one to Amy in July; the nearest was on 1 August: "
                                                      "Dear Amy, This is my letter of 01 August.")
    assert say("Read me my letter to Amy from yesterday.").startswith(
        "I don't see one to Amy yesterday; the last was on 3 September:\n\nDear Amy,")
    assert say("What did I write to Bob last month?") == "I don't have a letter to Bob in your letters folder."


def companion_talk(tmp_path, monkeypatch, incognito=False):
    """The desk as the companion puts it together, with her memory."""
    from samantha.conversation.companion import letters

    monkeypatch.setenv("SAMANTHA_LETTERS_DIR", str(tmp_path / "letters"))
    if incognito:  # incognito reads an existing memory and writes nothing to it
        Memory.open(tmp_path / "memory.sqlite3").close()
    memory = Memory.open(tmp_path / "memory.sqlite3", incognito=incognito)
    conversation = Conversation(Model(), LlmSettings(), memory, BRIEF)  # type: ignore[arg-type]
    conversation.letters = letters(memory, conversation.model)
    conversation.letters.today = lambda: TODAY
    return conversation, memory, lambda text: "".join(conversation.respond(text))


def test_the_people_in_a_finished_letter_join_what_she_knows_until_forgotten(tmp_path, monkeypatch):
    _, memory, say = companion_talk(tmp_path, monkeypatch)
    say("Help me write a thank-you note to my friend Amy for the flowers.")
    say("Dear Amy, thank you for the flowers.")
    say("They made the whole flat smell of spring.")
    say("Let's stop here for now.")  # put aside: nothing known yet
    assert memory.facts() == []
    say("Let's finish the letter to Amy.")
    say("That's it, save it.")
    assert sorted(f.text for f in memory.facts()) == [
        "The user wrote a letter to Amy on 30 November 2026, saying: Thank you for the flowers. They made the whole "
        "flat smell of spring."]  # reopened: how it was first asked for is not known any more
    say("Let's finish the letter to Amy.")
    say("See you soon.")
    say("That's it, save it.")  # the same letter, saved again: what she knew of it is replaced
    assert [f.text for f in memory.facts()] == [
        "The user wrote a letter to Amy on 30 November 2026, saying: Thank you for the flowers. They made the whole "
        "flat smell of spring. See you soon."]
    say("Help me write a birthday card for my friend Amy.")
    say("Happy birthday, Amy!")
    assert say("That's it, save it.").startswith("Saved.")
    assert {f.text for f in memory.facts()} >= {"Amy is the user's friend.",
                                                "The user wrote a birthday card to Amy on 30 November 2026, saying: "
                                                "Happy birthday, Amy!"}
    opening = say("Let's write a letter to my friend Amy.")  # the next letter starts from what she knows
    assert "Amy is your friend." in opening and "ou wrote a birthday card to Amy on 30 November 2026, saying: Happy " \
        "birthday, Amy! " in opening, opening
    say("Let's stop here for now.")
    say("Forget about Amy.")
    assert memory.facts() == [] and memory.search("Amy") == []


def test_incognito_a_letter_teaches_her_nothing(tmp_path, monkeypatch):
    conversation, memory, say = companion_talk(tmp_path, monkeypatch, incognito=True)
    assert conversation.letters.learn is None
    assert "incognito" in say("Let's write a letter to my friend Amy.")
    assert memory.facts() == []


def test_how_it_sounds_asks_the_model_with_the_letter_beside_the_question(tmp_path):
    model = Model()
    _, _, say = talk(tmp_path, model)
    say("Let's write a letter to Amy.")
    say("Dear Amy, thanks for everything.")
    assert say("How does it sound?") == model.reply
    aside = [m for m in model.asked[-1] if m.role == "system" and "Dear Amy" in m.content]
    assert aside and "two or three spoken sentences" in aside[0].content
    assert say("How are you, Amy?") == ""  # a question in the letter is the letter's


def test_proofreading_says_the_very_words_it_changed_and_undo_restores_them(tmp_path):
    model = Model(paragraphs=["Dear Amy,", "I received your letter and it's lovely."])
    _, files, say = talk(tmp_path, model)
    say("Let's write a letter to Amy.")
    say("Dear Amy, I recieved your letter and its lovely.")
    assert say("Fix the spelling.") == "I changed “recieved” to “received” and changed “its” to “it's”."
    assert "received" in files.entries()[0].path.read_text()
    say("Undo that.")
    assert say("Read it back.") == "Dear Amy,\n\nI recieved your letter and its lovely."


def test_put_it_nicely_drafts_it_and_a_failed_revision_keeps_the_letter(tmp_path):
    model = Model(paragraphs=["Dear Amy,", "Thank you so much for the flowers."])
    _, _, say = talk(tmp_path, model)
    say("Let's write a letter to Amy.")
    say("tell her thanks for the flowers")
    assert say("Put it nicely.").startswith("I've put it into a letter")
    assert say("Read it back.") == "Dear Amy,\n\nThank you so much for the flowers."
    model.paragraphs = []
    assert say("Make the ending warmer.") == "I couldn't manage that just now; the letter is as it was."
    assert say("Read it back.") == "Dear Amy,\n\nThank you so much for the flowers."


def test_incognito_she_keeps_no_letter_and_requests_are_not_prepared(tmp_path):
    conversation, files, say = talk(tmp_path, incognito=True)
    assert not conversation.can_prepare("Let's write a letter to Amy.")
    assert "incognito" in say("Let's write a letter to Amy.")
    assert files.entries() == []


WRITER = """
import sys
from datetime import date
from samantha.conversation.letter_desk import LetterDesk
from samantha.letters.files import LetterFiles
desk = LetterDesk(LetterFiles(__import__("pathlib").Path(sys.argv[1])), today=lambda: date(2026, 11, 30))
desk.answer("Let's write a letter to Grandma.")
for n in range(100000):
    desk.answer(f"Sentence {n} of the letter.")
    print(n, flush=True)
"""


@pytest.mark.fault("kept")
def test_kill_9_in_the_middle_of_dictation_loses_nothing_dictated_before_it(tmp_path):
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        done = [int(writer.stdout.readline()) for _ in range(40)][-1]
        time.sleep(0.05)  # mid-write
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=10)
    [entry] = LetterFiles(tmp_path).entries()
    kept = entry.letter.draft.text()
    assert all(f"Sentence {n} of the letter." in kept for n in range(done + 1))
    files = LetterFiles(tmp_path)  # a copy half written when the kill came is no letter, and goes at the next save
    files.save(entry.path, entry.letter)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".") and p.name != ".versions"]
