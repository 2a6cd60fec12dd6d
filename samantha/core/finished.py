"""Does a transcript read as finished? The words' half of the end-of-turn judgement (the
voice's half is ``engines/smart_turn.py``; ``turns.py`` weighs the two with the silence).

A turn that ends on a comma, an ellipsis or a word that cannot end a sentence ("and", "um",
"the", "my") is trailing off, whatever Whisper's full stop says. So is a turn made only of
words that open a turn ("Well." "So." "Now, look."): people say them to take the floor, then
pause to think, and Whisper writes the pause as a full stop. Answers ("Okay." "Yes.") and
reactions ("Oh." "Wow!") are whole turns, and stay finished.

Between the two: words with no end mark that do not trail off ("montreal forced what's called
a liner"). Whisper leaves the full stop out of a short phrase as often as not, run to run on
the same audio, so these words cannot say; the voice decides (``turns.py``).
"""

from __future__ import annotations

import re

_TRAILING_WORDS = {"and", "but", "so", "or", "because", "um", "uh", "er", "erm", "like", "the", "a", "an",
                   "to", "of", "with", "if", "then", "that", "my", "your", "i", "we", "is", "was"}


_OPENERS = {"well", "so", "now", "look", "listen", "actually", "anyway", "basically", "honestly", "hmm", "um", "uh",
            "er", "erm", "right", "okay", "ok", "alright", "and", "but"}  # "right"/"okay" only count beside another


def _only_opens(words: list[str]) -> bool:
    """"Well." "So, um." "Okay, so." but not "Okay." or "Right.": those answer."""
    return all(w in _OPENERS for w in words) and not (len(words) == 1 and words[0] in {"right", "okay", "ok", "alright"})


def _words(text: str) -> list[str]:
    return [w for w in (re.sub(r"[^\w']", "", w.lower()) for w in text.split()) if w]


def trails_off(text: str) -> bool:
    """Does the transcript read as unfinished: a comma, an ellipsis, a word that cannot end a
    sentence, only words that open a turn, or nothing at all?"""
    text = text.strip()
    if not text or text.endswith(("...", "…", ",", ";", ":", "-", "—")):
        return True
    words = _words(text)
    return not words or words[-1] in _TRAILING_WORDS or _only_opens(words)


def sounds_finished(text: str) -> bool:
    """Does the transcript read as a complete utterance: an end mark, and not trailing off?"""
    return not trails_off(text) and text.strip()[-1] in ".!?"
