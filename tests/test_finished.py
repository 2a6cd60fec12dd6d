"""Does a transcript read as finished: the words' half of the end-of-turn judgement."""

import pytest

from samantha.core.finished import sounds_finished


@pytest.mark.parametrize("text, finished", [
    ("See you tomorrow.", True), ("What time is it?", True), ("Wow!", True),
    ("I think that", False), ("and um.", False), ("Well,", False), ("So...", False), ("", False),
    ("because", False), ("Let me think about it", False),
    ("Well.", False), ("So.", False), ("Now, look.", False), ("Okay, so.", False), ("Hmm.", False),
    ("Okay.", True), ("Right.", True), ("Oh.", True), ("Yes.", True), ("That went well.", True), ("So it begins.", True),
])
def test_sounds_finished(text, finished):
    assert sounds_finished(text) is finished
