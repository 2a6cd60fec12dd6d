"""Spoken control of memory: "what do you remember about me?", "what do you know about Amy?",
"forget that", "forget about my trip", "forget everything you know about me".

These are answered from the memory itself, not by the model: what she says she remembers
is exactly what is stored, and what she is told to forget is gone, from every file, when she
says so (``Memory.forget_topic``). Only a whole sentence that is plainly the command counts,
and a topic must be mentioned with all its words: "forget about it, let's go out" or
"forget it" (never mind) delete nothing. Forgetting everything is asked back first, and only
a yes in the very next turn does it; anything else keeps everything. Where the memory file
cannot take it (a full disk...), she says she could not forget, and why.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from samantha.conversation.forgetting import mentions, topic_words
from samantha.conversation.memory import Memory
from samantha.conversation.memory_problems import StorageError

EVERYTHING = "everything"  # what a yes in the next turn would forget


@dataclass(frozen=True)
class Answer:
    reply: str
    unsaid: str | None = None  # "forget that": the user's words now forgotten
    topic: tuple[str, ...] = ()  # "forget about …": the words of the topic, to cut from the conversation too
    everything: bool = False  # "forget everything" done: nothing of the conversation so far is kept
    awaits: str | None = None  # she asked for a yes: what it would do (EVERYTHING)


_WHAT = re.compile(r"\bwhat (?:do|did) you (?:remember|know) about me\b", re.I)
_WHAT_ABOUT = re.compile(r"^\W*(?:so\W+)?(?:and\W+)?what (?:do|did) you (?:remember|know) about (?P<topic>[\w' -]+?)\W*$", re.I)
_FORGET_THAT = re.compile(r"^\W*(?:please\W+)?forget (?:that|what i (?:just )?said)(?: please)?\W*$", re.I)
_FORGET_ALL = re.compile(r"^\W*(?:please\W+)?(?:(?:can|could|would) you\W+)?forget (?:(?:all )?about me|(?:everything|all)"
                         r"(?: (?:that )?you (?:know|remember))?(?: about me)?)(?: please)?\W*$", re.I)
_FORGET_ABOUT = re.compile(r"^\W*(?:please\W+)?forget (?:about|everything (?:you know )?about|what i told you about) "
                           r"(?P<topic>[\w' -]+?)(?: please)?\W*$", re.I)
_NOT_A_TOPIC = re.compile(r"^(?:it|that|this|them|him|her|everything|anything|all that|the whole thing)$", re.I)
_YES = re.compile(r"^\W*(?:yes|yeah|yep|yup|sure|do it|go ahead|please do)\b"
                  r"(?![^?]*\b(?:no|not|don't|wait|stop|cancel|keep)\b)[^?]*$", re.I)
_NO = re.compile(r"^\W*(?:no|nope|nah|don't|do not|never ?mind|cancel|stop|wait|keep)\b", re.I)
CONFIRM = ("Do you want me to forget everything I know about you, your name, what you've told me and all our "
           "conversations? Say yes to confirm.")
MOST = 6  # facts she lists out loud at once


def asks(text: str) -> bool:
    """Does ``text`` ask about or prune her memory? (Pure: such requests act only once said.)"""
    return bool(_WHAT.search(text) or _about(text) or _FORGET_THAT.match(text) or _FORGET_ALL.match(text)
                or _FORGET_ABOUT.match(text))


def answer(memory: Memory, text: str, awaiting: str | None = None) -> Answer | None:
    """Her reply if ``text`` asks about or prunes her memory of the user (or answers her
    question, ``awaiting``, asked the turn before), else None."""
    if awaiting == EVERYTHING and (_YES.match(text) or _NO.match(text)):
        return _act(memory, _forget_everything) if _YES.match(text) else Answer("Okay, I'll keep everything.")
    if _WHAT.search(text):
        facts = memory.facts()[:MOST]
        if not facts:
            return Answer("Not much yet, honestly. Tell me about yourself and I'll remember.")
        return Answer("Here's what I remember. " + " ".join(f.text for f in facts))
    if (asked := _about(text)) and (known := _what_about(memory, asked)):
        return known
    forget_that, forget_all, forget_about = _FORGET_THAT.match(text), _FORGET_ALL.match(text), _FORGET_ABOUT.match(text)
    if forget_all:
        return _act(memory, lambda m: Answer(CONFIRM, awaits=EVERYTHING))
    if forget_that:
        return _act(memory, _forget_that)
    if forget_about and not _NOT_A_TOPIC.match(topic := re.sub(r"^(?:my|the|our)\s+", "", forget_about["topic"].strip(),
                                                                flags=re.I)) and len(topic.split()) <= 4:
        said = re.sub(r"^my\b", "your", forget_about["topic"].strip(), flags=re.I)  # "my trip": "your trip"
        return _act(memory, lambda m: _forget_topic(m, topic, said))
    return None


def _about(text: str) -> str | None:
    """The person or thing asked about in "what do you know about Amy?" (not "me", nor "it")."""
    m = _WHAT_ABOUT.match(text)
    topic = re.sub(r"^(?:my|the|our)\s+", "", m["topic"].strip(), flags=re.I) if m else ""
    return topic if topic and not _NOT_A_TOPIC.match(topic) and topic.lower() != "me" and len(topic.split()) <= 4 else None


def _what_about(memory: Memory, topic: str) -> Answer | None:
    """What is stored that names ``topic``, said to the user, exactly as kept: a small model asked
    the same invents a life story (measured: "Amy ... is my wife"). None when nothing stored
    names it: "what do you know about black holes?" is for the model."""
    words = topic_words(topic)
    facts = [f.text for f in memory.facts() if mentions(f.text, words)][:MOST]
    if not facts:
        return None
    return Answer(f"Here's what I know about {topic}. " + " ".join(_to_you(f) for f in facts))


def _to_you(fact: str) -> str:
    """A stored fact ("The user's friend Amy …") as said to the user ("Your friend Amy …")."""
    said = re.sub(r"\bthe user's\b", "your", fact, flags=re.I)
    said = re.sub(r"\bthe user\b", "you", said, flags=re.I)
    return said[:1].upper() + said[1:]


def _act(memory: Memory, change: Callable[[Memory], Answer]) -> Answer:
    """A change to her memory, unless she cannot make it (incognito, or the file fails)."""
    if memory.incognito:
        return Answer("We're incognito, so I can't change my memory right now. Ask me again another time.")
    try:
        if memory.failure is None:
            return change(memory)
        found = memory.failure
    except StorageError as exc:
        found = exc.cause
    return Answer(f"I couldn't forget that, because {found.what}; {found.fix}.")


def _forget_that(memory: Memory) -> Answer:
    said = memory.unsay()
    return Answer("Okay, I've forgotten that." if said else "There's nothing for me to forget just now.", said)


def _forget_topic(memory: Memory, topic: str, said: str) -> Answer:
    if not memory.forget_topic(topic):
        return Answer(f"I don't think I remember anything about {said}.", topic=topic_words(topic))
    return Answer(f"Done, I've forgotten everything about {said}.", topic=topic_words(topic))


def _forget_everything(memory: Memory) -> Answer:
    memory.forget_everything()
    return Answer("Done. I've forgotten everything about you; it's as if we've just met.", everything=True)
