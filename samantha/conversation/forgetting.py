"""What "forget about my trip" cuts out of stored text: the sentences that speak of the topic.

A topic is its content words ("my trip to Porto" -> trip, porto). Text *mentions* a topic
when it holds every one of those words as whole words, in any case (the rule facts have
always been forgotten by). In a message or a summary that mentions it, every sentence with
any of the topic's words is replaced by ``FORGOTTEN``, so what was said about the topic
goes, the rest of the message stays, and a reader can tell that something was forgotten.
Whole sentences go, not just the words: "my sister Zanzibarqux is a nurse" without the name
would still teach her that the user's sister is a nurse.
"""

from __future__ import annotations

import re

FORGOTTEN = "[forgotten]"
STOP = frozenset({"a", "an", "the", "my", "your", "i", "me", "is", "are", "was", "to", "of", "and", "or", "in",
                  "on", "it", "that", "this", "you", "do", "what", "about", "with", "for", "at", "be", "have",
                  "has", "so"})
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*")


def topic_words(topic: str) -> tuple[str, ...]:
    """The words a topic is recognised by: lower-cased, without little words, each once."""
    words = [w for w in re.findall(r"\w+", topic.lower()) if w not in STOP and len(w) > 1]
    return tuple(dict.fromkeys(words))


def _has(text: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.I) is not None


def mentions(text: str | None, words: tuple[str, ...]) -> bool:
    """Does ``text`` hold every one of the topic's ``words``?"""
    return bool(text and words and all(_has(text, w) for w in words))


def redact(text: str, words: tuple[str, ...]) -> str:
    """``text`` with every sentence that has one of ``words`` replaced by the mark (once for a run
    of them), if it mentions the topic at all; else ``text`` unchanged."""
    if not mentions(text, words):
        return text
    kept: list[str] = []
    for sentence in _SENTENCE_END.split(text.strip()):
        if any(_has(sentence, w) for w in words):
            if not kept or kept[-1] != FORGOTTEN:
                kept.append(FORGOTTEN)
        elif sentence:
            kept.append(sentence)
    return " ".join(kept)
