"""What "forget about …" cuts out of stored text: whole sentences about the topic, marked."""

import pytest

from samantha.conversation.forgetting import FORGOTTEN, mentions, redact, topic_words


def test_a_topic_is_its_content_words():
    assert topic_words("my trip to Porto") == ("trip", "porto")
    assert topic_words("the ex") == ("ex",) and topic_words("it") == ()


@pytest.mark.parametrize(("text", "kept"), [
    ("My trip to Porto was great. The food was better!", f"{FORGOTTEN} The food was better!"),
    ("I planned a trip. It is to Porto. Then home.", f"{FORGOTTEN} Then home."),  # a run of them: one mark
    ("Porto is lovely.", "Porto is lovely."),  # not every word of the topic: not about it
    ("A TRIP to PORTO's old town\nand more", f"{FORGOTTEN} and more"),
    ("Trips to Portofino", "Trips to Portofino"),  # whole words only
])
def test_the_sentences_about_a_topic_are_cut_and_marked(text, kept):
    assert redact(text, topic_words("my trip to Porto")) == kept
    assert mentions(text, ("trip", "porto")) == (kept != text)
