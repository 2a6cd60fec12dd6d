"""Does a transcript read as finished: the words' half of the end-of-turn judgement."""

import pytest

from samantha.core.finished import sounds_finished, trails_off


@pytest.mark.parametrize("text, finished", [
    ("See you tomorrow.", True), ("What time is it?", True), ("Wow!", True),
    ("I think that", False), ("and um.", False), ("Well,", False), ("So...", False), ("", False),
    ("because", False), ("Let me think about it", False),
    ("Well.", False), ("So.", False), ("Now, look.", False), ("Okay, so.", False), ("Hmm.", False),
    ("Okay.", True), ("Right.", True), ("Oh.", True), ("Yes.", True), ("That went well.", True), ("So it begins.", True),
])
def test_sounds_finished(text, finished):
    assert sounds_finished(text) is finished


@pytest.mark.parametrize("text, trailing", [
    ("I think that", True), ("Well,", True), ("So...", True), ("", True), ("Well.", True), ("um", True),
    ("Montreal forced what's called a liner", False), ("Let me think about it", False), ("See you tomorrow.", False),
])
def test_trails_off_and_words_without_an_end_mark_that_do_not(text, trailing):
    """Between finished and trailing off: no end mark, no trailing word; the voice decides."""
    assert trails_off(text) is trailing
    assert sounds_finished(text) is (text == "See you tomorrow.")  # without an end mark, not finished either
