"""Comparing what was said with what was heard: word error rate on normalised words."""

import re


def normalized(text: str) -> str:
    """Words to compare: spoken forms (times, money, abbreviations as the voice says them),
    numbers as words, no punctuation or case, and spelled-out letters joined ("p. m." = "pm")."""
    from num2words import num2words

    from samantha.core.speech_text import clean_for_speech

    text = clean_for_speech(text).lower().replace("-", " ")
    text = re.sub(r"\d+(?:\.\d+)?", lambda m: " " + num2words(m.group()) + " ", text.replace(",", " "))
    text = re.sub(r"[^\w\s']", " ", text).replace("-", " ")
    text = re.sub(r"\b(\w) (?=\w\b)", r"\1", text)  # "p m" -> "pm"
    return " ".join(text.split())


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    return jiwer.wer(normalized(reference), normalized(hypothesis))


def missed(reference: str, hypothesis: str) -> float:
    """The share of the reference's words missing or changed in the hypothesis; words heard
    besides it (say, the start of a reply she took back before saying this one) do not count."""
    import jiwer

    out = jiwer.process_words(normalized(reference), normalized(hypothesis))
    return (out.substitutions + out.deletions) / max(1, out.hits + out.substitutions + out.deletions)
