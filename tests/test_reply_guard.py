"""The reply guard on text: clean replies pass whole and unchanged, recitals and loops stop
at the clause where they begin. (On a real model's replies: tests/real/test_reply_guard_real.py.)"""

import pytest

from samantha.conversation.persona import load
from samantha.core.reply_guard import ReplyGuard

INSTRUCTIONS = load().system_prompt()


def guarded(text: str, step: int = 3) -> tuple[str, str | None]:
    """What the guard releases of ``text`` streamed ``step`` characters at a time, and why it stopped."""
    guard, out = ReplyGuard(INSTRUCTIONS), []
    for i in range(0, len(text), step):
        out += guard.feed(text[i:i + step])
    out += guard.flush()
    return "".join(out).strip(), guard.stopped


@pytest.mark.parametrize("reply", [
    "Oh, I love that idea, tell me more about it. What did you do next?",
    "Ha, ha, that's funny. I think you are right, say so if I'm wrong.",
    "Hmm. I'm not sure, honestly. Maybe ask me again tomorrow?",
    "It was a long, long day, and I am glad it is over.",
    "Yes! Yes, it is.",
    "If you do not know where to start, begin small.",  # everyday words the persona also uses
    "Oh, last time you talked about your sister, remember?",
    "No, no, no, no, I mean it.",
    "Привет! Как дела? Я рада тебя слышать.",
    "今日はいい天気ですね。散歩に行きましょうか？",
])
def test_a_clean_reply_passes_whole_and_unchanged(reply):
    assert guarded(reply) == (reply, None)
    assert guarded(reply, step=1) == (reply, None)


def test_her_instructions_are_never_released_even_from_the_first_words():
    text, why = guarded("You are Samantha (she/her), a companion who lives on this person's computer.")
    assert (text, why) == ("", "recited her instructions")


def test_a_recital_after_a_clean_start_stops_where_it_begins():
    text, why = guarded("Sure! You are speaking, not writing. Talk the way people talk.")
    assert (text, why) == ("Sure!", "recited her instructions")


def test_her_first_words_are_released_at_their_first_phrase_boundary():
    guard = ReplyGuard(INSTRUCTIONS)
    released = []
    for ch in "Sounds like you are talking to a friend":
        released += guard.feed(ch)
    assert released == ["Sounds like you are talking "]  # the voice can start on them
    assert guard.feed(". ") == ["to a friend. "]


def test_a_recital_in_the_first_phrase_is_still_caught():
    guard = ReplyGuard(INSTRUCTIONS)
    recital = " ".join(INSTRUCTIONS.split()[:12]) + " "
    assert "".join(guard.feed(recital)) == "" and guard.stopped == "recited her instructions"


def test_the_prompt_scaffolding_is_not_hers_to_say():
    assert guarded("Okay. About the person you are talking with: name: Theo.")[0] == "Okay."


def test_a_short_run_of_instruction_words_waits_for_the_next_clause_before_it_is_judged():
    guard = ReplyGuard(INSTRUCTIONS)
    assert guard.feed("You are Samantha, ") == []  # could be the start of a recital: held
    assert guard.feed("and I am glad you are here. ") == ["You are Samantha, and I am glad you are here. "]


@pytest.mark.parametrize("loop", [
    "Your superpower is your own superpower, your superpower is your own superpower, your superpower",
    "I'm here for you. I'm here for you. I'm here for you.",
])
def test_a_repeated_clause_stops_the_reply_after_its_first_time(loop):
    text, why = guarded(loop)
    assert why == "repeated itself"
    assert text in ("Your superpower is your own superpower,", "I'm here for you.")


def test_one_word_over_and_over_or_a_phrase_a_third_time_is_a_loop():
    assert guarded("Well well well well well well, that is that.") == ("", "repeated itself")
    text, why = guarded("I think that we can do it and I think that we should, so I think that we will.")
    assert why == "repeated itself" and text == "I think that we can do it and I think that we should,"


def test_nothing_comes_out_after_a_stop():
    guard = ReplyGuard(INSTRUCTIONS)
    guard.feed("You are Samantha (she/her), a companion who lives on this computer. ")
    assert guard.stopped and guard.feed("Anyway, how are you? ") == [] and guard.flush() == []


def test_a_run_on_reply_is_released_and_judged_before_it_ends():
    guard = ReplyGuard(INSTRUCTIONS)
    released = []
    for i in range(200):
        released += guard.feed(f"word{i} ")  # no punctuation, no repetition
    assert released and len("".join(released)) >= 700  # long before its end...
    loop = ReplyGuard(INSTRUCTIONS)
    out = []
    for _ in range(30):
        out += loop.feed("your superpower is ")
    assert loop.stopped == "repeated itself" and len("".join(out)) < 300  # ...and a loop without commas is caught


def test_what_she_remembers_in_her_prompt_is_not_recited_either():
    from samantha.conversation.persona import load as persona

    prompt = persona().system_prompt({"name": "Theo"}, "Theo told her about his trip to Lisbon and the old tram.")
    guard = ReplyGuard(prompt)
    out = guard.feed("Sure. Theo told her about his trip to Lisbon and the old tram. ") + guard.flush()
    assert "".join(out).strip() == "Sure." and guard.stopped == "recited her instructions"
    guard = ReplyGuard(prompt)
    assert guard.feed("Okay. Last time you talked: we spoke of Lisbon. ") == ["Okay. "]
