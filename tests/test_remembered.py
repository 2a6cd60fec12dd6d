"""What she keeps in mind of a finished letter: facts read from it by patterns, naming the person."""

from datetime import date

from samantha.letters.draft import Draft
from samantha.letters.front import Letter
from samantha.letters.remembered import GIST_WORDS, facts, head

DAY = date(2026, 11, 30)


def letter(to: str, *paragraphs: str) -> Letter:
    return Letter(to, DAY, Draft(paragraphs), status="done")


def test_a_friend_named_is_known_as_one_and_the_letter_is_kept_with_its_first_words():
    said = facts(letter("Amy", "Dear Amy,", "Thank you for the flowers. They smell of spring.", "See you soon."),
                 "my friend Amy", "thank-you note", "for the flowers")
    assert said == ["Amy is the user's friend.",
                    "The user wrote a thank-you note to Amy for the flowers on 30 November 2026, saying: Thank you for "
                    "the flowers. They smell of spring. See you soon."]


def test_a_relation_gets_the_name_the_letter_greets_them_by():
    said = facts(letter("Grandmother", "Dear Grandma,", "Thank you for the scarf."), "my grandmother")
    assert said == ["The user's grandmother is Grandma.",
                    "The user wrote a letter to the user's grandmother on 30 November 2026, saying: Thank you for the scarf."]
    assert facts(letter("Parents", "Dear Mum and Dad,", "Hello."), "my parents")[0].startswith("The user wrote")
    assert facts(letter("Grandmother", "Dear Grandmother,", "Hi."), "my grandmother")[0].startswith("The user wrote")


def test_a_letter_reopened_or_dropped_in_is_kept_by_the_name_it_is_filed_under():
    assert facts(letter("Amy", "Thanks for everything.")) == [
        "The user wrote a letter to Amy on 30 November 2026, saying: Thanks for everything."]
    assert facts(letter("Amy", "Dear Amy,")) == ["The user wrote a letter to Amy on 30 November 2026."]


def test_the_first_words_are_whole_sentences_up_to_the_limit_and_a_long_one_is_cut():
    first = "We went to the lake and swam until the sun went down and the water turned cold."
    said = facts(letter("Amy", f"{first} Then we walked home in the dark, singing the whole way back."))[-1]
    assert said.endswith(f"saying: {first}")
    long = " ".join(f"word{n}" for n in range(40)) + "."
    said = facts(letter("Amy", long))[-1]
    assert said.endswith("…") and len(said.split("saying: ")[1].split()) == GIST_WORDS


def test_what_it_was_about_is_told_of_the_user():
    assert "about the user's trip to Porto on" in facts(letter("Amy", "Hi."), "Amy", about="about my trip to Porto")[-1]


def test_the_same_letter_saved_again_has_the_same_head():
    one = facts(letter("Amy", "Thanks."))[-1]
    two = facts(letter("Amy", "Thanks, and see you soon."))[-1]
    assert head(one) == head(two) == "The user wrote a letter to Amy on 30 November 2026"
    assert head("Amy is the user's friend.") is None
