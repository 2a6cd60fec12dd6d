from samantha.core.chunker import Chunker


def stream(text: str, chunker: Chunker | None = None, step: int = 1) -> list[str]:
    """Feed ``text`` in pieces of ``step`` characters, as a model would, then flush."""
    chunker = chunker or Chunker()
    out = []
    for i in range(0, len(text), step):
        out += chunker.feed(text[i : i + step])
    return out + chunker.flush()


def test_first_clause_goes_out_early_then_whole_sentences():
    text = "Oh, I love that idea, honestly. It reminds me of Paris, of rain, of you. Tell me more?"
    assert stream(text) == [
        "Oh, I love that idea,", "honestly.", "It reminds me of Paris, of rain, of you.", "Tell me more?",
    ]


def test_a_first_clause_of_two_words_is_enough_but_one_word_waits():
    assert stream("The weather, it is a beautiful day, I think. Yes.") == [
        "The weather,", "it is a beautiful day, I think.", "Yes."]
    assert stream("Well, that is lovely.")[0] == "Well, that is lovely."


def test_first_words_the_reply_guard_released_at_a_phrase_boundary_go_out_as_they_are():
    from samantha.core.reply_guard import ReplyGuard

    guard, chunker, pieces = ReplyGuard("You are Samantha."), Chunker(released=True), []
    for ch in "I was in the market for a dragon, and I had no idea.":
        for clause in guard.feed(ch):
            pieces += chunker.feed(clause)
    assert pieces[0] == "I was in the market"
    guard, chunker, pieces = ReplyGuard("You are Samantha."), Chunker(released=True), []
    for ch in "I went to see Dr. Smith about my back today. Then home.":
        for clause in guard.feed(ch):
            pieces += chunker.feed(clause)
    assert pieces[0] == "I went to see Dr. Smith about my back today."  # "Dr. " is no boundary
    assert stream("I was in the market for a dragon,")[0] == "I was in the market"  # the model's own words


def test_first_chunk_is_released_before_the_sentence_ends():
    chunker = Chunker()
    released = []
    for ch in "Well, that is a lovely thought, and":
        released += chunker.feed(ch)
    assert released == ["Well, that is a lovely thought,"]


def test_abbreviations_decimals_and_initials_do_not_end_a_sentence():
    text = "Yes. Dr. Smith paid 3.5 dollars to J. Doe today. Then he left."
    assert stream(text) == ["Yes.", "Dr. Smith paid 3.5 dollars to J. Doe today.", "Then he left."]


def test_a_long_first_sentence_goes_out_at_its_first_phrase_boundary():
    assert stream("Sounds like you are talking to a friend of yours. I like that.") == [
        "Sounds like you are talking", "to a friend of yours.", "I like that."]
    assert stream("One two three four five six seven eight nine ten.") == [
        "One two three four five six seven eight", "nine ten."]  # no joining word: after eight
    assert stream("I was thinking that we could go.") == ["I was thinking that we could go."]  # too short to cut


def test_a_phrase_is_only_cut_between_whole_words():
    chunker = Chunker()
    assert chunker.feed("Sounds like you are talking t") == []  # "t" may be "tomorrow"
    assert chunker.feed("o") == []
    assert chunker.feed(" a") == ["Sounds like you are talking"]


def test_no_at_the_end_of_a_sentence_ends_it():
    assert stream("Do you want tea? No. Thanks though.") == ["Do you want tea?", "No.", "Thanks though."]


def test_boundary_waits_for_the_next_character():
    chunker = Chunker()
    assert chunker.feed("It is 3.") == []  # could be 3.5
    assert chunker.feed("5 now. ") == ["It is 3.5 now."]


def test_token_sized_pieces_give_the_same_chunks_as_characters():
    text = "Sure! Let me think: the sky is blue because of Rayleigh scattering. Neat, right?"
    assert stream(text, step=1) == stream(text, step=4) == stream(text, step=len(text))


def test_runaway_text_without_punctuation_is_split():
    words = " ".join(["word"] * 100)
    chunks = stream(words)
    assert len(chunks) > 1 and all(len(c) <= 220 for c in chunks)
    assert " ".join(chunks) == words


def test_flush_returns_the_rest_and_resets():
    chunker = Chunker()
    chunker.feed("Hello there")
    assert chunker.flush() == ["Hello there"]
    assert chunker.flush() == []
    assert chunker.feed("Hi, my dear friend, how") == ["Hi, my dear friend,"]  # first-clause rule again
