"""The voice loop's decisions, pure: timestamped messages in, commands out.

Everything the threaded shell (``runtime/session.py``) used to decide lives here, on top of the
turn-taker: which audio a transcription gets (the turn's speech plus a pre-roll, so its first
syllable is not cut), one transcription at a time with only the newest waiting one kept (a
later pause makes every earlier transcript stale, and a slow model must not fall behind),
the talk key's tail (after the key is let go, the last words are still on their way in),
a guess ahead (the transcription of a pause starts at its first quiet frame, two frames
before the VAD confirms it; if the speech goes on instead, that answer is dropped), a reply
prepared while a pause may still be the end of the turn (held back, and dropped the moment
the user goes on),
frames of a microphone stream that went away (never listened to), and when a pause for
"speech" that came to nothing was her own echo (a false alarm for the echo gate).

No threads, clocks, audio devices or models: the shell turns microphone frames, VAD changes,
worker reports and key presses into messages and carries out the commands; the benchmark
and the tests drive this same object on a virtual clock.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

import numpy as np

from samantha.config import Settings
from samantha.core.announcer import Announcer
from samantha.core.frames import FRAME, RATE, Frame
from samantha.core.messages import (
    Command,
    DropPrepared,
    EchoFalseAlarm,
    Event,
    KeyEndedTurn,
    Message,
    MicrophoneLost,
    PausePlayback,
    Prepare,
    Respond,
    ResumePlayback,
    Schedule,
    SpeechEnded,
    SpeechPausing,
    SpeechUnlikely,
    TalkKey,
    Transcribe,
    TranscribeAudio,
    TranscriptReady,
)
from samantha.core.turns import TurnTaker

PREROLL_S = 0.3  # audio kept before the VAD's speech start, so the first syllable is not cut
FALSE_ALARM_S = 0.4  # a pause for "speech" that ended within this was no one speaking
KEY_TAIL_S = 0.12  # after the talk key is let go, what was said just before is still on its way in


@dataclass(frozen=True)
class Guess:
    """A transcription started at the first quiet frame, before the pause was confirmed."""

    pause: Transcribe  # what the turn-taker will ask for if the pause is confirmed
    at: float  # that quiet frame: a confirmed pause is dated to it
    job: int
    confirmed: bool = False


class VoiceLoop:
    def __init__(self, settings: Settings):
        self.turns = TurnTaker(settings.turns)
        self.frames: deque[Frame] = deque(maxlen=int((settings.turns.max_turn_s + 5) * RATE / FRAME))
        self.now = 0.0  # stream time at the end of the latest frame
        self._frame_at = 0.0  # ...when that frame arrived (the microphone's own stamp)
        self._stream, self._dead_stream = 0, -1  # the latest frame's stream; one that went away
        self._paused_at = 0.0  # when she last paused for what may have been the user
        self._tail: tuple[Transcribe, float] | None = None  # a let-go turn, waiting for its last audio
        self._busy = False  # a transcription is running
        self._waiting: TranscribeAudio | None = None  # the newest one asked for meanwhile
        self._jobs = 0  # transcriptions asked for so far: each one's id
        self._guess: Guess | None = None  # the pause being guessed at
        self._held: TranscriptReady | None = None  # its answer, come before the pause was confirmed
        self._dropped: set[int] = set()  # jobs whose answers nobody wants any more
        self.prepares = settings.turns.prepare  # start replies during a pause that may end the turn
        self._prepared: tuple[int, str] | None = None  # (turn, words) of the reply being prepared
        self.announcer = Announcer()  # reminders due, said when the floor is free (core/announcer.py)

    def listening(self, frame: Frame) -> bool:
        """Whether ``frame`` is to be heard at all: not when its stream already went away."""
        return frame.stream > self._dead_stream

    def handle(self, message: Message) -> list[Command]:
        if isinstance(message, Schedule):  # reminders to say: the announcer's alone
            return self.announcer.handle(message, self.turns)
        commands = self._handle(message)
        commands = commands + self._prepare(commands) if self.prepares else commands
        return commands + self.announcer.handle(message, self.turns)  # a reminder due, once the floor is free

    def _handle(self, message: Frame | Event) -> list[Command]:
        match message:
            case Frame():
                return self._frame(message)
            case MicrophoneLost():
                return self._lost(message)
            case SpeechPausing():
                return self._guess_ahead(message) + self._decide(message)
            case TranscriptReady():
                self._busy = False
                commands = self._answered(message)
                if self._waiting is not None and not self._busy:
                    commands.insert(0, self._start(self._waiting))
                return commands
            case _:
                return self._decide(message)

    def _prepare(self, commands: list[Command]) -> list[Command]:
        """A reply is prepared while the turn may be over (the words are in, the silence is not
        yet long enough) and dropped as soon as it is not (the user goes on)."""
        if any(isinstance(c, Respond) for c in commands):
            self._prepared = None  # the turn is over: the shell answers with the prepared reply if it fits
            return []
        words = self.turns.awaiting()
        now = (self.turns.turn, words) if words else None
        if now == self._prepared:
            return []
        out: list[Command] = [DropPrepared(self._prepared[0])] if self._prepared else []
        self._prepared = now
        return [*out, Prepare(*now)] if now else out

    def _frame(self, frame: Frame) -> list[Command]:
        if not self.listening(frame):
            return []
        self.frames.append(frame)
        self.now, self._frame_at, self._stream = frame.t + FRAME / RATE, frame.at, frame.stream
        if self._tail is not None and self.now >= self._tail[1]:
            return self._transcribe_tail()
        return []

    def _lost(self, message: MicrophoneLost) -> list[Command]:
        """What was said up to now is all there is: a let-go turn need not wait for more audio,
        and frames of the dead stream still on their way (perhaps her own voice, from a
        monitor) are not listened to."""
        self._dead_stream = self._stream
        commands = self._transcribe_tail() if self._tail is not None else []
        return commands + self._decide(message)

    def _decide(self, event: Event) -> list[Command]:
        commands: list[Command] = []
        for action in self.turns.handle(event):
            match action:
                case PausePlayback():
                    self._paused_at = event.t
                    commands.append(action)
                case ResumePlayback():
                    commands.append(action)
                    if isinstance(event, (SpeechUnlikely, SpeechEnded)) and event.t - self._paused_at <= FALSE_ALARM_S:
                        commands.append(EchoFalseAlarm(self._frame_at))
                case Transcribe() if isinstance(event, TalkKey):
                    self._tail = (action, event.t + KEY_TAIL_S)  # transcribed once its last words are in
                    commands.append(KeyEndedTurn(action.turn))
                case Transcribe() if self._guessed(action, event):
                    commands += self._confirm(event.t)
                case Transcribe():
                    self._forget_guess()
                    commands += self._ask(self._job(action))
                case _:
                    commands.append(action)
        return commands

    def _transcribe_tail(self) -> list[Command]:
        assert self._tail is not None
        action, self._tail = self._tail[0], None
        return self._ask(self._job(action))

    # --- guessing ahead: the transcription of a pause starts on its first quiet frame ---
    def _guess_ahead(self, e: SpeechPausing) -> list[Command]:
        pause = self.turns.next_pause()
        if pause is None or self._busy:  # a guess never delays a transcription that is due
            return []
        self._forget_guess()
        job = self._job(pause)
        self._guess = Guess(pause, e.t, job.job)
        return [self._start(job)]

    def _guessed(self, action: Transcribe, event: Event) -> bool:
        """Is ``action`` the pause guessed at, confirmed (dated to the same quiet frame)?"""
        g = self._guess
        return (g is not None and not g.confirmed and isinstance(event, SpeechEnded)
                and action == g.pause and event.t == g.at)

    def _confirm(self, t: float) -> list[Command]:
        assert self._guess is not None
        if self._held is None:  # still being transcribed: its answer goes straight through
            self._guess = replace(self._guess, confirmed=True)
            return []
        held, self._held, self._guess = self._held, None, None
        return self._decide(replace(held, t=t))

    def _answered(self, message: TranscriptReady) -> list[Command]:
        if message.job in self._dropped:
            self._dropped.discard(message.job)
            return []
        g = self._guess
        if g is not None and message.job == g.job:
            if not g.confirmed:  # the pause may yet come to nothing: keep it until it is confirmed
                self._held = message
                return []
            self._guess = None
        return self._decide(message)

    def _forget_guess(self) -> None:
        """The speech went on: an unconfirmed guess's answer is of no use."""
        g = self._guess
        if g is not None and not g.confirmed and self._held is None:
            self._dropped.add(g.job)
        self._guess, self._held = None, None

    def _job(self, action: Transcribe) -> TranscribeAudio:
        self._jobs += 1
        return TranscribeAudio(action.turn, action.pause, self._audio_since(action.since), self._jobs)

    def _ask(self, job: TranscribeAudio) -> list[Command]:
        """One transcription at a time: a newer request replaces any still waiting."""
        if self._busy:
            self._waiting = job
            return []
        return [self._start(job)]

    def _start(self, job: TranscribeAudio) -> TranscribeAudio:
        self._busy, self._waiting = True, None
        return job

    def _audio_since(self, since: float) -> np.ndarray:
        start = since - PREROLL_S
        audio = [f.audio for f in self.frames if f.t + FRAME / RATE > start]
        return np.concatenate(audio) if audio else np.zeros(0, np.float32)
