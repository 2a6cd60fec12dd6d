"""Spoken control of memory: "what do you remember about me?", "forget that", "forget about my trip".

These are answered from the memory itself, not by the model: what she says she remembers
is exactly what is stored, and what she is told to forget is gone when she says so. Only a
whole sentence that is plainly the command counts, and a topic must match a fact in all its
words: "forget about it, let's go out" or "forget it" (never mind) delete nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from samantha.conversation.memory import Memory


@dataclass(frozen=True)
class Answer:
    reply: str
    unsaid: str | None = None  # "forget that": the user's words now forgotten

_WHAT = re.compile(r"\bwhat (?:do|did) you (?:remember|know) about me\b", re.I)
_FORGET_THAT = re.compile(r"^\W*(?:please\W+)?forget (?:that|what i (?:just )?said)(?: please)?\W*$", re.I)
_FORGET_ABOUT = re.compile(r"^\W*(?:please\W+)?forget (?:about|everything (?:you know )?about|what i told you about) "
                           r"(?P<topic>[\w' -]+?)(?: please)?\W*$", re.I)
_NOT_A_TOPIC = re.compile(r"^(?:it|that|this|them|him|her|everything|anything|all that|the whole thing)$", re.I)
MOST = 6  # facts she lists out loud at once


def asks(text: str) -> bool:
    """Does ``text`` ask about or prune her memory? (Pure: such requests act only once said.)"""
    return bool(_WHAT.search(text) or _FORGET_THAT.match(text) or _FORGET_ABOUT.match(text))


def answer(memory: Memory, text: str) -> Answer | None:
    """Her reply if ``text`` asks about or prunes her memory of the user, else None."""
    if _WHAT.search(text):
        facts = memory.facts()[:MOST]
        if not facts:
            return Answer("Not much yet, honestly. Tell me about yourself and I'll remember.")
        return Answer("Here's what I remember. " + " ".join(f.text for f in facts))
    forget_that, forget_about = _FORGET_THAT.match(text), _FORGET_ABOUT.match(text)
    if (forget_that or forget_about) and memory.incognito:
        return Answer("We're incognito, so I can't change my memory right now. Ask me again another time.")
    if forget_that:
        said = memory.unsay()
        return Answer("Okay, I've forgotten that." if said else "There's nothing for me to forget just now.", said)
    if forget_about and not _NOT_A_TOPIC.match(topic := re.sub(r"^(?:my|the|our)\s+", "", forget_about["topic"].strip(),
                                                                flags=re.I)) and len(topic.split()) <= 4:
        gone = [f for f in memory.search(topic, limit=20, every_word=True) if memory.forget(f.id)]
        if not gone:
            return Answer(f"I don't think I remember anything about {topic}.")
        return Answer(f"Done, I've forgotten {'that' if len(gone) == 1 else f'those {len(gone)} things'} about {topic}.")
    return None
