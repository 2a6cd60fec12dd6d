"""Reminders said when they are due, pure: when she may speak up, and saying it again once.

Decided on the session's clock, beside the turn-taker: a reminder that has fallen due waits
for the floor. Never over the user's words: while the user talks it waits for the turn to be
over (and her reply to it); while she talks it waits for her reply to end; asleep, it wakes
her (the turn-taker's ``take_floor``). Several due at once are said together. When she has
said it, the store is told (``Told``), so a crash afterwards does not say it again; if she
is cut off the user was there, and it counts as said. If nobody answers (no speech, no talk
key) within ``repeat_after_s`` after she finished, she says it once more, and then lets it be.

The edge (``runtime/reminding.py``) sends what the store holds as ``Schedule``; this module
knows nothing of SQLite, zones or wall clocks.
"""

from __future__ import annotations

from samantha.core.messages import (
    Announce,
    Command,
    Due,
    Message,
    ReplyFinished,
    Schedule,
    SpeechStarted,
    TalkKey,
    Tick,
    Told,
)
from samantha.core.turns import TurnTaker

REPEAT_AFTER_S = 60.0  # unanswered this long after she finished: said once more
AGAIN = "In case you missed it:"


class Announcer:
    def __init__(self, repeat_after_s: float = REPEAT_AFTER_S):
        self.repeat_after_s = repeat_after_s
        self._pending: dict[tuple[int, float], Due] = {}
        self._said: set[tuple[int, float]] = set()  # announced this session (the store may not know yet)
        self._saying: Announce | None = None  # her announcement under way
        self._waiting: tuple[Announce, float] | None = None  # said once, when it ended; unanswered so far

    def handle(self, message: Message, turns: TurnTaker) -> list[Command]:
        match message:
            case Schedule():
                self._pending = {(d.id, d.occurrence): d for d in message.due if (d.id, d.occurrence) not in self._said}
            case SpeechStarted() | TalkKey(down=True):
                return self._answered()
            case ReplyFinished() if self._saying is not None and message.turn == self._saying.turn:
                return self._finished(message.t)
            case Tick():
                return self._tick(message.t, turns)
        return []

    def _answered(self) -> list[Command]:
        """The user spoke: whatever she was saying, or had said, was heard."""
        saying, self._saying, self._waiting = self._saying, None, None
        return [Told(saying.ids)] if saying is not None and not saying.again else []

    def _finished(self, t: float) -> list[Command]:
        saying, self._saying = self._saying, None
        if saying is None or saying.again:
            return []
        self._waiting = (saying, t)
        return [Told(saying.ids)]

    def _tick(self, t: float, turns: TurnTaker) -> list[Command]:
        if self._saying is not None:
            return []
        if self._waiting is not None and t - self._waiting[1] >= self.repeat_after_s - 1e-6:
            said = self._waiting[0]
            turn = turns.take_floor()
            if turn is None:
                return []
            self._waiting = None
            return [self._say(Announce(turn, said.ids, f"{AGAIN} {said.words}", again=True))]
        due = sorted((d for d in self._pending.values() if d.due <= t), key=lambda d: (d.due, d.id))
        if not due:
            return []
        turn = turns.take_floor()
        if turn is None:
            return []
        for d in due:
            key = (d.id, d.occurrence)
            del self._pending[key]
            self._said.add(key)
        self._waiting = None  # a new announcement replaces the wait to repeat an older one
        return [self._say(Announce(turn, tuple(d.id for d in due), " ".join(d.words for d in due)))]

    def _say(self, announce: Announce) -> Announce:
        self._saying = announce
        return announce
