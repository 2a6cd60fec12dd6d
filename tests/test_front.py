"""A letter file's front matter: written plainly, read back, and a file that cannot be read
is one paragraph naming the line to fix (the file untouched)."""

from datetime import date

import pytest

from samantha.letters.draft import Draft
from samantha.letters.front import Letter, LetterProblem, format_letter, parse_letter

LETTER = Letter("Grandma", date(2026, 11, 30), Draft(("Dear Grandma,", "Thank you — “truly”."), "With love,", "Theo"),
                status="done", favourite=True, extra=(("mood", "sunny"),))


def test_front_matter_is_plain_and_reads_back():
    text = format_letter(LETTER)
    assert text.startswith("---\nto: Grandma\ndate: 2026-11-30\nstatus: done\nfrom: Theo\nfavourite: yes\nmood: sunny\n---\n\n")
    assert text.endswith("Dear Grandma,\n\nThank you — “truly”.\n\nWith love,\nTheo\n")
    assert parse_letter(text, "x.md", "?", date(2000, 1, 1)) == LETTER


def test_a_value_yaml_would_misread_is_quoted():
    text = format_letter(Letter("Mum: and Dad", date(2026, 1, 2)))
    assert 'to: "Mum: and Dad"' in text
    assert parse_letter(text, "x.md", "?", date(2000, 1, 1)).to == "Mum: and Dad"


def test_a_letter_without_front_matter_is_read_whole():
    letter = parse_letter("Dear Amy,\n\nThanks!\n", "2026-01-02 Amy.md", "Amy", date(2026, 1, 2))
    assert (letter.to, letter.date, letter.status) == ("Amy", date(2026, 1, 2), "draft")
    assert letter.draft.body == ("Dear Amy,", "Thanks!")


@pytest.mark.fault("message")
@pytest.mark.parametrize(("text", "words"), [
    ("---\nto: Amy\nthis line is wrong\n---\n\nHi\n", ("Line 3", "key: value", "not changed")),
    ("---\nto: Amy\ndate: last Tuesday\n---\n\nHi\n", ("last Tuesday", "2026-11-30", "not changed")),
    ("---\nto: Amy\n\nHi\n", ("never ends", "not changed")),
])
def test_front_matter_that_cannot_be_read_says_which_line_to_fix(text, words):
    with pytest.raises(LetterProblem) as caught:
        parse_letter(text, "x.md", "Amy", date(2026, 1, 1))
    message = str(caught.value)
    assert "\n" not in message and all(w in message for w in words), message
