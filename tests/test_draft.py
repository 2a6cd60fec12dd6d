"""The draft's edits, pure: dictation kept verbatim with its joins tidied, paragraphs,
scratching, signing, and reading a letter's text back into a draft."""

from samantha.letters.draft import Draft, dictate, drop_last_sentence, drop_paragraph, from_text, new_paragraph, sign


def written(*turns: str) -> Draft:
    draft = Draft()
    for turn in turns:
        draft = new_paragraph(draft) if turn == "¶" else dictate(draft, turn)
    return draft


def test_dictation_is_kept_verbatim_with_its_joins_tidied():
    draft = written("Dear Grandma, thank you for the scarf.", "I was thinking that", "We could go to the lake in June.",
                    "Amy says hello.")
    assert draft.paragraphs == ("Dear Grandma,", "Thank you for the scarf. I was thinking that we could go to the lake "
                                "in June. Amy says hello.")


def test_a_name_carrying_on_a_sentence_keeps_its_capital_and_sentences_start_with_one():
    draft = written("Amy came over.", "I told", "Amy about it. and she laughed.")
    assert draft.paragraphs == ("Amy came over. I told Amy about it. And she laughed.",)


def test_new_paragraph_closes_an_open_sentence_and_scratching_takes_the_last_one():
    draft = written("Dear Amy,", "Thanks for the flowers", "¶", "See you soon. Bring the dog.")
    assert draft.paragraphs == ("Dear Amy,", "Thanks for the flowers.", "See you soon. Bring the dog.")
    shorter, gone = drop_last_sentence(draft)
    assert gone == "Bring the dog." and shorter.body[-1] == "See you soon."
    fewer, gone = drop_paragraph(draft, 1)
    assert gone == "Thanks for the flowers." and fewer.body == ("Dear Amy,", "See you soon. Bring the dog.")


def test_unicode_survives_untouched():
    said = "Thank you — truly — for the “café” scarf; it’s naïve to think I’d forget."
    assert written(said).body == (said,)


def test_signed_text_reads_back_into_the_same_draft():
    draft = sign(written("Dear Grandma,", "Thank you", "¶", "Love you."), "Theo", "with love")
    assert draft.text() == "Dear Grandma,\n\nThank you.\n\nLove you.\n\nWith love,\nTheo"
    assert from_text(draft.text(), "Theo") == draft
    assert from_text("Dear Amy,\n\nA line\nwrapped by an editor.\n") == Draft(("Dear Amy,", "A line wrapped by an editor."))
