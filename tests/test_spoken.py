"""Spoken commands inside a letter, and requests about letters outside one: a scored suite.

A command counts only as a whole turn, so sentences of the letter that merely contain
command words stay dictation. The score is printed at the end of the run."""

from __future__ import annotations

import time

import pytest

from samantha.letters.spoken import (
    AskHer,
    Favourite,
    Feedback,
    Finish,
    NewParagraph,
    Nicely,
    OpenLetter,
    Proofread,
    PutAside,
    ReadBack,
    RecallLetter,
    Revise,
    Scratch,
    Sign,
    StartLetter,
    Undo,
    command,
    parts,
    recipient,
    request,
)

COMMANDS = [
    ("New paragraph.", NewParagraph()),
    ("next paragraph", NewParagraph()),
    ("Paragraph.", NewParagraph()),
    ("New pair graph.", NewParagraph()),  # as Whisper has heard it, in the real voice-dictation test
    ("You pair a graph.", NewParagraph()),
    ("Scratch that.", Scratch("that")),
    ("Scratch that last sentence.", Scratch("sentence")),
    ("Delete the last sentence.", Scratch("sentence")),
    ("No, scratch that.", Scratch("that")),
    ("To scratch that.", Scratch("that")),  # a breath before it, as Whisper tiny.en heard it
    ("Remove the last paragraph.", Scratch("paragraph")),
    ("Delete the second paragraph.", Scratch("paragraph", 1)),
    ("Undo that.", Undo()),
    ("Undo.", Undo()),
    ("Read it back.", ReadBack()),
    ("Read it back to me, please.", ReadBack()),
    ("Can you read me what we have so far?", ReadBack()),
    ("Read me the second paragraph.", ReadBack(1)),
    ("Read the last paragraph.", ReadBack(-1)),
    ("Read me the last sentence.", ReadBack(-1, sentence=True)),
    ("Where was I?", ReadBack(-1, sentence=True)),
    ("Make the ending warmer.", Revise("warmer", "the ending")),
    ("Make it a bit shorter.", Revise("shorter")),
    ("Shorter.", Revise("shorter")),
    ("Make the second paragraph more formal.", Revise("more formal", "the second paragraph")),
    ("Could you make the opening funnier?", Revise("funnier", "the opening")),
    ("Tighten it.", Revise("shorter")),
    ("Sign it from Theo.", Sign("Theo")),
    ("Sign it love, Theo.", Sign("Theo", "love")),
    ("Sign it with love from Theo.", Sign("Theo", "with love")),
    ("Sign it your grandson, Theo.", Sign("Theo", "your grandson")),
    ("That's it, save it.", Finish()),
    ("I'm done.", Finish()),
    ("Okay, that's all.", Finish()),
    ("Save the letter.", Finish()),
    ("Let's stop here for now.", PutAside()),
    ("Let's finish it later.", PutAside()),
    ("How does it sound?", Feedback()),
    ("What do you think of it so far?", Feedback()),
    ("Is it okay?", Feedback()),
    ("Fix the spelling.", Proofread()),
    ("Check the spelling and grammar, please.", Proofread()),
    ("Proofread it for me.", Proofread()),
    ("Put it nicely.", Nicely()),
    ("Can you turn that into a proper letter?", Nicely()),
    ("Make it a favourite.", Favourite()),
    ("How do you spell rhododendron?", AskHer("How do you spell rhododendron?")),
    ("Samantha, should I mention the money?", AskHer("Samantha, should I mention the money?")),
    ("What's a better word for nice?", AskHer("What's a better word for nice?")),
    ("Let's write a letter to Amy.", StartLetter("Amy")),
]
DICTATION = [
    "I will never read it back to you.",
    "Dear Grandma, thank you for the scarf.",
    "We should make the kitchen warmer before winter.",
    "How are you, Grandma?",
    "Do you remember the summer at the lake?",
    "I'm done with school in June.",
    "Please sign it and send it back to the bank for me.",
    "Save the date for the wedding!",
    "What do you think about coming in spring?",
    "The new paragraph in my thesis took a week.",
    "I had to scratch that idea because it cost too much.",
    "Mum says I should undo the knot myself.",
    "Should I bring anything?",
    "It was shorter than last year.",
    "That's it for the news from here.",
    "I read it back to front, the way you taught me.",
]
REQUESTS = [
    ("Let's write a letter to my grandmother.", StartLetter("my grandmother")),
    ("Help me write a thank-you note to Amy.", StartLetter("Amy", "thank-you note")),
    ("Can you help me write a birthday card for my sister Jo?", StartLetter("my sister Jo", "birthday card")),
    ("Let's write a letter.", StartLetter("")),
    ("Help me write a thank-you note to Amy for the flowers.", StartLetter("Amy", "thank-you note", "for the flowers")),
    ("Let's finish the letter to Grandma.", OpenLetter("Grandma")),
    ("What did I write to Amy last month?", RecallLetter("Amy", when="last month")),
    ("What did I write to my grandmother two weeks ago?", RecallLetter("my grandmother", when="two weeks ago")),
    ("Read me my letter to Amy from yesterday.", RecallLetter("Amy", whole=True, when="yesterday")),
    ("What did I write to Amy?", RecallLetter("Amy")),
    ("What did I say in my letter to Grandma?", RecallLetter("Grandma")),
    ("Read me my letter to Amy.", RecallLetter("Amy", whole=True)),
]
NOT_REQUESTS = [
    "I got a letter from my grandmother today.",
    "I need to answer an email from work.",
    "Writing letters was her thing.",
    "What did I do wrong?",
    "What did I tell you about Amy?",
    "I wrote to Amy last week.",
]
score = {"right": 0, "tried": 0}


@pytest.mark.parametrize(("text", "expected"), COMMANDS)
def test_a_command_is_read_exactly(text, expected):
    score["tried"] += 1
    assert command(text) == expected
    score["right"] += 1


@pytest.mark.parametrize("text", DICTATION)
def test_a_sentence_of_the_letter_is_dictation(text):
    score["tried"] += 1
    assert command(text) is None
    assert parts(text) == [text]
    score["right"] += 1


@pytest.mark.parametrize(("text", "expected"), REQUESTS)
def test_a_request_about_letters_is_read_exactly(text, expected):
    score["tried"] += 1
    assert request(text) == expected
    score["right"] += 1


@pytest.mark.parametrize("text", NOT_REQUESTS)
def test_talk_about_letters_is_not_a_request(text):
    score["tried"] += 1
    assert request(text) is None
    score["right"] += 1


def test_new_paragraph_said_within_dictation_breaks_it_there():
    assert parts("Thank you for the scarf. New paragraph. Also, the cake was lovely.") == [
        "Thank you for the scarf.", NewParagraph(), "Also, the cake was lovely."]
    assert parts("New paragraph. Also the cake.") == [NewParagraph(), "Also the cake."]
    assert parts("And that was lovely. New paragraph.") == ["And that was lovely.", NewParagraph()]
    assert parts("And that was lovely, new paragraph.") == ["And that was lovely", NewParagraph()]
    assert parts("New paragraph, also the cake was lovely.") == [NewParagraph(), "also the cake was lovely."]
    assert parts("It was lovely. Next paragraph. We went home, paragraph break. Then bed.") == [
        "It was lovely.", NewParagraph(), "We went home", NewParagraph(), "Then bed."]
    assert parts("I started a new paragraph, then stopped.") == ["I started a new paragraph, then stopped."]
    assert parts("It keeps me warm. New pair graph. I hope to visit.") == ["It keeps me warm.", NewParagraph(),
                                                                           "I hope to visit."]  # as Whisper heard it
    assert parts("We drew a new graph. The pair of graphs was nice.") == ["We drew a new graph. The pair of graphs was nice."]
    assert parts("It sold a new line, new line.") == ["It sold a new line, new line."]  # only "new paragraph" at a comma


def test_the_recipient_is_filed_by_name():
    assert recipient("my grandmother") == "Grandmother"
    assert recipient("my friend Amy") == "Amy"
    assert recipient("my sister Jo") == "Jo"
    assert recipient("mum and dad") == "Mum and Dad"


def test_commands_are_recognised_in_well_under_five_milliseconds():
    texts = [t for t, _ in COMMANDS] + DICTATION
    start = time.perf_counter()
    for _ in range(5):
        for text in texts:
            parts(text)
    each = (time.perf_counter() - start) / (5 * len(texts))
    assert each < 0.005, f"{each * 1000:.2f} ms a turn"


def test_the_score():
    print(f"\nletter commands and requests read exactly: {score['right']}/{score['tried']}")
    assert score["right"] == score["tried"] == len(COMMANDS) + len(DICTATION) + len(REQUESTS) + len(NOT_REQUESTS)
