"""A watch on her streamed reply: she never speaks her instructions and never loops.

Real models of any size sometimes recite their system prompt ("You are Samantha, a
companion who lives on this person's computer…") or loop on one phrase until the token
limit ("Your superpower is your own superpower, …"): a minute of nonsense, out loud. The
guard holds the reply back one clause at a time, the unit the voice needs anyway (the
chunker never speaks less than a clause), and releases a clause only once it is clean:

- **recital**: five words in a row that also stand in her instructions (across the clause
  boundary too), at least one of them a long word ("companion", "speaking"), so everyday
  phrases the persona happens to use ("if you do not know") are not taken for a recital;
  seven words in a row in any case; or a heading of the prompt around the persona ("Last
  time you talked:"). A short clause that is itself a run of the instructions' words waits
  for the next one before it is judged;
- **a loop**: a clause of three or more words said before in this reply, one word six times
  running, or any four words in a row for the third time.

Text with no clause break is released at a word boundary once 220 characters are held, as
the chunker does, so a run-on reply neither waits for its end nor escapes the checks; and
the reply's first words are released at their first phrase boundary (``chunker.phrase_break``),
so her voice can begin before a long first sentence is written.

A clause that fails stops the reply there: nothing of it is shown, spoken or stored, and
the model's stream is closed. Pure: text in, text out.
"""

from __future__ import annotations

import re
from itertools import pairwise

from samantha.core.chunker import phrase_break

SHINGLE = 5  # words in a row shared with the instructions that make a recital (with a long word)
LONG_RUN = 7  # ...or this many, whatever the words
LONG_WORD = 6  # letters
LOOP_GRAM = 4  # a run of this many words seen LOOP_TIMES times is a loop
LOOP_TIMES = 3
SAME_WORD = 6  # one word this many times running
MAX_HELD = 220  # characters held without a clause break before releasing at a word boundary
# A clause ends at punctuation and the space after it (the chunker needs to see that space),
# at a full-width mark (no space follows those), or at a line break.
_BOUNDARY = re.compile(r"[.!?…,;:]+[\"'”’)\]]*\s+|[。！？，、；：]|\n")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# The headings of the prompt around the persona (persona.py, dialogue.py): never hers to say.
SCAFFOLDING = re.compile(r"(about the person you are talking with|last time you talked|you remember)\s*:", re.I)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def grams(seq: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(seq[i:i + n]) for i in range(len(seq) - n + 1)}


class ReplyGuard:
    """Feed deltas, get the text that is safe to show and say; ``stopped`` says why a reply was cut."""

    def __init__(self, instructions: str):
        secret = words(instructions)
        self._secret = secret
        self._shingles = {g for g in grams(secret, SHINGLE) if any(len(w) >= LONG_WORD for w in g)}
        self._runs = grams(secret, LONG_RUN)
        self._pending = ""
        self._said: list[str] = []  # every word released so far
        self._clauses: set[tuple[str, ...]] = set()
        self.stopped: str | None = None

    def feed(self, delta: str) -> list[str]:
        """Clauses now safe to release (empty while a clause is still being written, or once stopped)."""
        if self.stopped:
            return []
        self._pending += delta
        out: list[str] = []
        while (cut := self._next_cut()) is not None:
            clause, self._pending = self._pending[:cut], self._pending[cut:]
            if not self._accept(clause):
                return out
            out.append(clause)
        return out

    def flush(self) -> list[str]:
        """The reply ended: the last clause, if it is clean."""
        clause, self._pending = self._pending, ""
        if self.stopped or not clause.strip() or not self._accept(clause):
            return []
        return [clause]

    def _next_cut(self) -> int | None:
        """The end of the next clause to judge: at a boundary whose next character has arrived,
        and past a short run of the instructions' own words ("You are Samantha,"), which is
        judged together with what follows it."""
        for match in _BOUNDARY.finditer(self._pending):
            new = words(self._pending[: match.end()])
            if new and not (len(new) < SHINGLE and self._echoes_secret(new)):
                return match.end()
        if not self._said and (cut := phrase_break(self._pending)) is not None:
            new = words(self._pending[:cut])  # her first words, as soon as the voice can take them
            if not self._echoes_secret(new):
                return cut
        if len(self._pending) > MAX_HELD and (space := self._pending.rstrip().rfind(" ")) > 0:
            return space + 1  # a run-on: released (and judged) a word boundary at a time
        return None

    def _echoes_secret(self, new: list[str]) -> bool:
        return len(new) > 1 and bool(grams(new, len(new)) & grams(self._secret, len(new)))

    def _accept(self, clause: str) -> bool:
        """Release ``clause`` if it is clean; otherwise stop the reply and say why."""
        self.stopped = self._fault(words(clause), clause)
        if self.stopped:
            self._pending = ""
            return False
        self._release(clause)
        return True

    def _fault(self, new: list[str], clause: str) -> str | None:
        recent = self._said[-(LONG_RUN - 1):] + new
        if grams(recent, SHINGLE) & self._shingles or grams(recent, LONG_RUN) & self._runs or SCAFFOLDING.search(clause):
            return "recited her instructions"
        if len(new) >= 3 and tuple(new) in self._clauses:
            return "repeated itself"
        everything = self._said + new
        run = 1
        for a, b in pairwise(everything):
            run = run + 1 if a == b else 1
            if run >= SAME_WORD:
                return "repeated itself"
        counts: dict[tuple[str, ...], int] = {}
        for i in range(len(everything) - LOOP_GRAM + 1):
            gram = tuple(everything[i:i + LOOP_GRAM])
            counts[gram] = counts.get(gram, 0) + 1
            if counts[gram] >= LOOP_TIMES:
                return "repeated itself"
        return None

    def _release(self, clause: str) -> None:
        new = words(clause)
        self._said += new
        if len(new) >= 3:
            self._clauses.add(tuple(new))
