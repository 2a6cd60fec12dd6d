"""How a request is worded: the words people put before it and after it, and the user's words
turned into hers ("my sister" said back as "your sister"). Shared by every recogniser."""

from __future__ import annotations

import re

LEAD = (r"^\W*(?:(?:hey|hi|ok|okay|oh|and|so|um|uh|also|right)\W+)*(?:samantha\W+)?"
        r"(?:(?:please|can you|could you|would you|will you|would you mind|i need you to|i want you to|i'd like you to"
        r"|you can|go ahead and|just)\W+)*")
END = r"(?:\W+please)?\W*$"
_SWAP = {"my": "your", "me": "you", "i": "you", "mine": "yours", "myself": "yourself", "i'm": "you're", "i've": "you've",
         "i'll": "you'll", "am": "are", "your": "my", "you": "me", "yours": "mine", "yourself": "myself", "our": "your"}


def in_her_words(text: str) -> str:
    """The user's words as she says them back: "call my sister" -> "call your sister"."""
    return re.sub(r"[\w']+", lambda m: _SWAP.get(m.group(0).lower(), m.group(0)), text)


def body(text: str) -> str:
    """The request without what people say before it ("hey", her name, "can you please")."""
    return re.sub(LEAD, "", text.strip(), count=1, flags=re.I)
