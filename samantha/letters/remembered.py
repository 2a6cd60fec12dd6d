"""What she keeps in mind of a letter once it is finished: a few facts for her memory. Pure.

Dictated turns never reach the conversation's history (they are the letter's), so the note
taker cannot learn from them; instead, when the user says "save it", the letter itself says
who it went to and what it was about, read by patterns, not by the model (a small one would
invent): who the recipient is to the user ("Amy is the user's friend.", from "my friend Amy";
"The user's grandmother is Grandma.", from "my grandmother" and "Dear Grandma,"), and that
the user wrote to them, when, and its first words ("The user wrote a thank-you note to Amy on
30 November 2026, saying: Thank you for the flowers."). Facts name the person, so "forget
about Amy" takes them away like any other.
"""

from __future__ import annotations

import re

from samantha.letters import spoken
from samantha.letters.draft import Draft, sentences
from samantha.letters.front import Letter

GIST_WORDS = 25  # the letter's first words kept in the fact
_GREETING = re.compile(r"(?:dear(?:est)?|hi|hello|hey|my dear(?:est)?)\s+(?P<name>[^,.!?:]{1,40}?)\s*[,:!.]?", re.I)
_THIRD = {"my": "the user's", "me": "the user", "i": "the user", "mine": "the user's", "our": "the user's"}


def facts(letter: Letter, said_to: str = "", kind: str = "letter", about: str = "") -> list[str]:
    """The facts a finished letter gives: ``said_to`` is the recipient as the user named them when it was
    started ("my friend Amy"; "" when not known), ``about`` what they said it was for ("for the flowers")."""
    kin, name = spoken.relation(said_to)
    who = name or (f"the user's {kin}" if kin else letter.to)
    found = []
    if kin and name:
        found.append(f"{name} is the user's {kin}.")
    greeted = _greeted(letter.draft)
    if kin and not name and greeted and greeted.lower() != kin.lower() and not kin.endswith("s"):
        found.append(f"The user's {kin} is {greeted}.")
    about = f" {_third(about)}" if about else ""
    wrote = f"The user wrote a {kind} to {who}{about} on {letter.date.day} {letter.date:%B %Y}"
    gist = _gist(letter.draft)
    found.append(f"{wrote}, saying: {gist}" if gist else f"{wrote}.")
    return found


def head(fact: str) -> str | None:
    """Which letter a fact of ``facts`` tells of ("The user wrote a letter to Amy … on 30 November 2026"), so that
    saving the same letter again replaces what was kept of it; None for any other fact."""
    return fact.split(", saying:")[0].rstrip(".") if fact.startswith("The user wrote a ") else None


def _greeted(draft: Draft) -> str:
    """The name in its greeting ("Dear Grandma," -> "Grandma"), or ""."""
    first = draft.body[0] if draft.body else ""
    m = _GREETING.fullmatch(first.strip())
    return m["name"].strip() if m and len(m["name"].split()) <= 3 else ""


def _gist(draft: Draft) -> str:
    """Its first sentences after the greeting, up to ``GIST_WORDS`` words (the first one cut there if longer)."""
    body = [p for p in draft.body if not _GREETING.fullmatch(p.strip())]
    said: list[str] = []
    for sentence in sentences(" ".join(body)):
        if said and len(" ".join([*said, sentence]).split()) > GIST_WORDS:
            break
        said.append(sentence)
    words = " ".join(said).split()
    if len(words) <= GIST_WORDS:
        return " ".join(words)
    return " ".join(words[:GIST_WORDS]).rstrip(",;:") + "…"


def _third(text: str) -> str:
    """The user's words about the letter, told of the user: "about my trip" -> "about the user's trip"."""
    return re.sub(r"[\w']+", lambda m: _THIRD.get(m.group(0).lower(), m.group(0)), text)
