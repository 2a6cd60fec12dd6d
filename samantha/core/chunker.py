"""Split streamed LLM text into pieces worth sending to the voice.

The first piece goes out as soon as it is speakable, at the first clause break after two
words or more ("The weather," "Oh, I love that idea,"), so the voice starts while the model
is still writing: each word the first piece waits for is ~15 ms of the model's writing and
~15 ms of the voice's (a lone "Oh," or "Well," sounds clipped on its own, so it waits). A
first sentence with no clause break ("Sounds like you are talking to a friend.") is cut at
its first phrase boundary instead, before a joining word after four words or more ("Sounds
like you are talking | to a friend."), or after eight words: the voice cannot begin before
its first piece is written and synthesized, and a long one costs 200-400 ms. After that,
whole sentences, which sound more natural than clause fragments. A boundary only counts
once the character after it has arrived, so "3.5" and "Dr. Smith" are not cut.

Her replies reach it through the reply guard (``reply_guard.py``), which releases her first
words at the same phrase boundary but keeps the joining word back while it judges it. So a
chunker told its text is ``released`` by the guard cuts a first piece of four words or more
where a release ends; otherwise it would wait for the next clause ("I was in the market |
for a dragon,": 3 words, ~90 ms, sooner).
"""

from __future__ import annotations

import re

_SENTENCE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|\n")
_CLAUSE = re.compile(r"[,;:](?=\s)|\s[—–-](?=\s)|—")
_JOINERS = frozenset({"to", "and", "but", "or", "so", "because", "that", "which", "who", "with", "for", "of", "in", "on",
                      "at", "about", "when", "if", "as", "than", "from", "into", "like"})  # a phrase may end before these
PHRASE_MIN_WORDS, PHRASE_MAX_WORDS = 4, 8
_NOT_AN_END = re.compile(r"(?:\b(?:Dr|Mr|Mrs|Ms|Prof|St|vs|e\.g|i\.e|approx)|\b[A-Z])\.$")


class Chunker:
    """Feed text deltas, get speakable chunks; ``flush()`` at the end of the reply."""

    def __init__(self, first_clause_words: int = 2, max_chars: int = 220, released: bool = False):
        """``released``: the text comes as the reply guard releases it, whole clauses and phrases."""
        self.first_clause_words, self.released = first_clause_words, released
        self.max_chars = max_chars
        self._buffer = ""
        self._emitted = 0

    def feed(self, delta: str) -> list[str]:
        self._buffer += delta
        chunks = []
        while (cut := self._cut()) is not None:
            piece, self._buffer = self._buffer[:cut].strip(), self._buffer[cut:]
            if piece:
                chunks.append(piece)
                self._emitted += 1
        return chunks

    def flush(self) -> list[str]:
        piece, self._buffer = self._buffer.strip(), ""
        self._emitted = 0
        return [piece] if piece else []

    def _cut(self) -> int | None:
        """Where the next chunk ends in the buffer, or None to wait for more text."""
        for match in _SENTENCE.finditer(self._buffer):
            if not _NOT_AN_END.search(self._buffer[: match.end()]):
                return match.end()
        if self._emitted == 0 or len(self._buffer) > self.max_chars:
            for match in _CLAUSE.finditer(self._buffer):
                if len(self._buffer[: match.start()].split()) >= self.first_clause_words:
                    return match.end()
        if self._emitted == 0 and (cut := phrase_break(self._buffer)) is not None:
            return cut
        if self._emitted == 0 and self.released and self._buffer[-1:].isspace() \
                and len(self._buffer.split()) >= PHRASE_MIN_WORDS and not _NOT_AN_END.search(self._buffer.rstrip()):
            return len(self._buffer)  # the reply guard cut it at a phrase boundary, holding the next word back
        if len(self._buffer) > self.max_chars and " " in self._buffer.strip():
            return self._buffer.rstrip().rfind(" ")  # runaway text without punctuation
        return None


def phrase_break(text: str) -> int | None:
    """Where a first phrase of ``text`` may end when no punctuation has come: before a joining
    word once ``PHRASE_MIN_WORDS`` words are complete, or after ``PHRASE_MAX_WORDS``. Only
    words whose following space has arrived count, so no word is cut in two."""
    complete = list(re.finditer(r"\S+(?=\s)", text))  # (a word and the space after it have arrived)
    for n in range(PHRASE_MIN_WORDS, min(len(complete), PHRASE_MAX_WORDS) + 1):
        joining = n < len(complete) and re.sub(r"\W", "", complete[n].group().lower()) in _JOINERS
        if joining or n == PHRASE_MAX_WORDS:
            return complete[n - 1].end() + 1
    return None
