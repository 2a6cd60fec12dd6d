import pytest

from samantha.core.speech_text import clean_for_speech


@pytest.mark.parametrize("written, spoken", [
    ("**Hello** there! 😊", "Hello there!"),
    ("See [the docs](https://example.com/x) or https://www.python.org/downloads/?a=1 now.",
     "See the docs or python.org now."),
    ("# Plan\n- Buy milk\n- Call Dr. Smith", "Plan. Buy milk. Call Doctor Smith."),
    ("Meet at 10:00, or 7pm.", "Meet at 10 o'clock, or 7 p m."),
    ("It's 9:05 and 3:30 PM.", "It's 9 oh 5 and 3 30 P m."),
    ("It costs $3.50, or $12, about 20% off.", "It costs 3 dollars 50, or 12 dollars, about 20 percent off."),
    ("It is 21°C & sunny, e.g. nice.", "It is 21 degrees Celsius and sunny, for example nice."),
    ("Use `print()` then ```python\nx = 1\n``` done", "Use print() then done."),
    ("_really_ *truly*", "really truly."),
    ("Tea vs. coffee, etc.", "Tea versus coffee, et cetera."),
])
def test_written_text_becomes_speakable(written, spoken):
    assert clean_for_speech(written) == spoken


@pytest.mark.parametrize("nothing", ["", "   ", "***", "😊 🎉", "```\ncode only\n```"])
def test_nothing_speakable_gives_empty_text(nothing):
    assert clean_for_speech(nothing) == ""


def test_plain_sentences_pass_through_unchanged():
    text = "I think you're right. What made you change your mind?"
    assert clean_for_speech(text) == text
