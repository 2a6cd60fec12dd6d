"""Does a transcript read as finished? The words' half of the end-of-turn judgement (the
voice's half is ``engines/smart_turn.py``; ``turns.py`` weighs the two with the silence).

A turn that ends on a comma, an ellipsis or a word that cannot end a sentence ("and", "um",
"the", "my") is trailing off, whatever Whisper's full stop says.
"""

from __future__ import annotations

import re

_TRAILING_WORDS = {"and", "but", "so", "or", "because", "um", "uh", "er", "erm", "like", "the", "a", "an",
                   "to", "of", "with", "if", "then", "that", "my", "your", "i", "we", "is", "was"}


def sounds_finished(text: str) -> bool:
    """Does the transcript read as a complete utterance, rather than one trailing off?"""
    text = text.strip()
    if not text or text.endswith(("...", "…", ",", ";", ":", "-", "—")):
        return False
    last = re.sub(r"[^\w']", "", text.split()[-1].lower())
    return text[-1] in ".!?" and last not in _TRAILING_WORDS
