"""Everything that flows through the voice loop, as frozen dataclasses: what happened (events,
timestamped on the session's clock) and what to do about it (the turn-taker's actions and the
loop's commands). Pure values; ``turns.py`` and ``loop.py`` decide with them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from samantha.core.frames import Frame


# --- events: what happened, and when (seconds on the session's clock) ---
@dataclass(frozen=True)
class SpeechStarted:
    t: float


@dataclass(frozen=True)
class SpeechEnded:
    t: float


@dataclass(frozen=True)
class SpeechPausing:
    t: float  # the first quiet frame while the user speaks: a pause may be beginning (SpeechEnded
    # confirms it, dated to this same frame, or the speech simply goes on)


@dataclass(frozen=True)
class SpeechLikely:
    t: float  # a frame that may be the start of speech; SpeechStarted or SpeechUnlikely follows


@dataclass(frozen=True)
class SpeechUnlikely:
    t: float  # ...it was not


@dataclass(frozen=True)
class TranscriptReady:
    t: float
    turn: int
    pause: int  # which pause of the turn it transcribes; older ones are stale
    text: str  # "" when nothing was heard
    complete: float | None = None  # how sure the voice sounded finished (0-1; None: not judged)
    job: int = 0  # the TranscribeAudio.job it answers


@dataclass(frozen=True)
class ReplyStarted:
    t: float
    turn: int  # her first audio of this turn's reply is playing (-1: of a reply already cancelled)


@dataclass(frozen=True)
class ReplyFinished:
    t: float
    turn: int  # all of this turn's reply has played
    asked: bool = False  # it ended in a question (worth a check-in)


@dataclass(frozen=True)
class TalkKey:
    t: float
    down: bool  # pressed (True) or let go


@dataclass(frozen=True)
class MicrophoneLost:
    t: float  # the microphone went: nothing more will be heard until it is back


@dataclass(frozen=True)
class Tick:
    t: float


@dataclass(frozen=True)
class Binding:
    """Her reply to ``turn`` acts on the words at once (a command, a skill, the letter, the first meeting): it
    cannot be taken back, so the user going on after it is an ordinary interruption, not the same turn."""

    t: float
    turn: int


@dataclass(frozen=True)
class Dictating:
    """A letter was opened (``on``) or closed: while one is, a long quiet is the user thinking what to say next,
    not gone, so she waits ``[turns] dictating_sleep_after_s`` before sleeping, and does not check in."""

    t: float
    on: bool


@dataclass(frozen=True)
class Speakers:
    """Her voice now comes back through the microphone (``on``: speakers, the echo gate at work)
    or not (a headset). With speakers a short sound at the start of her reply may be her own
    echo that got past the gate, so it is not taken for the user going on sooner than any other
    interruption (``[turns] go_on_min_s`` applies only without)."""

    t: float
    on: bool


# --- actions: what the session should do now ---
@dataclass(frozen=True)
class Transcribe:
    turn: int
    pause: int
    since: float  # transcribe the audio from here (the turn's first speech) to now


@dataclass(frozen=True)
class Respond:
    turn: int
    text: str


@dataclass(frozen=True)
class PausePlayback:
    pass


@dataclass(frozen=True)
class ResumePlayback:
    pass


@dataclass(frozen=True)
class CancelReply:
    turn: int  # stop the LLM, drop queued speech, and ignore anything late from this turn
    withdraw: bool = False  # the user went on with this turn: take back its exchange too (their words, her reply)


@dataclass(frozen=True)
class CheckIn:
    turn: int


@dataclass(frozen=True)
class FallAsleep:
    pass


Event = (SpeechStarted | SpeechEnded | SpeechPausing | SpeechLikely | SpeechUnlikely | TranscriptReady | ReplyStarted
         | ReplyFinished | TalkKey | MicrophoneLost | Tick | Dictating | Speakers | Binding)


# --- the loop's commands, beyond the turn-taker's actions (loop.py) ---
@dataclass(frozen=True)
class Prepare:
    """Start the reply to ``text`` now, held back (not shown, said or stored): the turn may be
    over, and if it is (``Respond`` with the same words) she answers without waiting for it."""

    turn: int
    text: str


@dataclass(frozen=True)
class DropPrepared:
    """The user went on: the held reply is cancelled and nothing of it is kept."""

    turn: int


@dataclass(frozen=True)
class TranscribeAudio:
    """Transcribe ``audio`` (the turn so far) and report ``TranscriptReady(turn, pause, job=job)``."""

    turn: int
    pause: int
    audio: np.ndarray
    job: int = 0  # which request this is, so the answer to one that was dropped is known


@dataclass(frozen=True)
class KeyEndedTurn:
    """Letting go of the talk key ended ``turn`` now; its transcription follows once its last audio is in."""

    turn: int


@dataclass(frozen=True)
class EchoFalseAlarm:
    """She paused for a sound that at once came to nothing: with speakers, her own echo likely
    got through the gate, which should raise its bar to the level that fooled it (at ``at``)."""

    at: float


# --- reminders due: what the edge knows is pending, and what she says (core/announcer.py) ---
@dataclass(frozen=True)
class Due:
    """A reminder waiting to be said."""

    id: int
    occurrence: float  # when it falls due on the wall clock (epoch seconds): with ``id``, which one this is
    due: float  # the same moment on the session's clock
    words: str  # what she says then


@dataclass(frozen=True)
class Schedule:
    """Every reminder still to be said, as the store has them now (sent at start, on changes, and now and then)."""

    t: float
    due: tuple[Due, ...]


@dataclass(frozen=True)
class Announce:
    """Say ``words`` now, as her reply of ``turn`` (reported back like one): reminders that fell due."""

    turn: int
    ids: tuple[int, ...]
    words: str
    again: bool = False  # the one repeat of an announcement nobody answered


@dataclass(frozen=True)
class Told:
    """These reminders have been said: the store marks them (a repeating one moves on to its next time)."""

    ids: tuple[int, ...]


Action = Transcribe | Respond | PausePlayback | ResumePlayback | CancelReply | CheckIn | FallAsleep  # the turn-taker's
Message = Frame | Event | Schedule
Command = (TranscribeAudio | Respond | PausePlayback | ResumePlayback | CancelReply | CheckIn | FallAsleep
           | EchoFalseAlarm | KeyEndedTurn | Prepare | DropPrepared | Announce | Told)

