"""When does the turn end? Clips with known timings through the real VAD and turn-taker.

This drives the voice loop's own decisions (``loop.VoiceLoop``, the object the session runs)
on a virtual clock, in the order the session works (a frame, its VAD change, then what the
transcriber and her voice reported, then the clock), so a minute of speech is measured in a
second or two. The transcriber (and the end-of-turn model) is real and so is its cost: each
transcript becomes ready as long after the transcription was asked for as the transcriber
actually took. Its words are the model's own, or with ``scripted`` the clip's known words,
for models that cannot understand speech (the tiny test models).

A turn answered inside the clip (a pause taken for its end) is played out: her reply starts
``REPLY_AFTER_S`` later unless cancelled first, and is paused, resumed and cancelled as the
loop says, while the clip goes on. If the loop takes it back (the user went on) it is a
false end recovered (``went_on``); if not, the clip was split into two turns (``cut_off``).
The endpoint delay is that of the decision after the clip's end.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from samantha.audio.vad import FRAME, SAMPLE_RATE, SpeechDetector
from samantha.bench.corpus import Clip
from samantha.config import Settings
from samantha.core.frames import Frame
from samantha.core.loop import VoiceLoop
from samantha.core.messages import (
    CancelReply,
    Command,
    Message,
    PausePlayback,
    ReplyStarted,
    Respond,
    ResumePlayback,
    Tick,
    TranscribeAudio,
    TranscriptReady,
)
from samantha.engines.base import Transcriber, TurnJudge
from samantha.runtime.ear import hear

LEAD_S = 0.5  # silence before each clip
REPLY_AFTER_S = 0.15  # her first audio after the end-of-turn decision: a prepared reply's typical wait


@dataclass
class EndpointResult:
    delays_s: list[float] = field(default_factory=list)  # true end of speech -> end-of-turn decision
    cut_off: list[tuple[str, float]] = field(default_factory=list)  # (clip, the inner pause its turn ended in and
    # stayed ended: the first of a clip's true splits, s)
    went_on: list[tuple[str, float, float]] = field(default_factory=list)  # (clip, an inner pause a turn ended in
    # and the user went on after, how long her voice had been audible by then, s: 0 if she never started)
    missed: list[str] = field(default_factory=list)  # clips that never became a turn
    stt_s: list[float] = field(default_factory=list)  # what each transcription cost
    longest_pause_s: float = 0.0  # the longest inner pause among the clips


@dataclass
class _Reply:
    """Her reply to a turn answered inside the clip, as far as it has played."""

    turn: int
    at: float  # when the loop asked for it
    started: bool = False
    since: float | None = None  # audible since (None: not playing)
    heard_s: float = 0.0  # audible so far, before ``since``

    def pause(self, now: float) -> None:
        if self.since is not None:
            self.heard_s, self.since = self.heard_s + now - self.since, None

    def resume(self, now: float) -> None:
        if self.started and self.since is None:
            self.since = now

    def heard(self, now: float) -> float:
        return self.heard_s + (now - self.since if self.since is not None else 0.0)


def measure(clips: list[Clip], settings: Settings, transcriber: Transcriber, scripted: bool,
            judge: TurnJudge | None = None) -> EndpointResult:
    result = EndpointResult()
    rng = np.random.default_rng(0)
    for clip in clips:
        noise = lambda seconds: rng.normal(0, 1e-4, int(seconds * SAMPLE_RATE)).astype(np.float32)  # a quiet room
        tail = max(3.0, settings.turns.trailing_silence_s + 2.0)  # room for the turn to end in
        audio = np.concatenate([noise(LEAD_S), clip.audio, noise(tail)])
        run = _Playout(clip, settings, transcriber, judge, scripted, result.stt_s)
        run.play(audio)
        result.longest_pause_s = max([result.longest_pause_s, *clip.pauses])
        _score(result, clip, run)
    return result


def _score(result: EndpointResult, clip: Clip, run: _Playout) -> None:
    """The clip's decisions into the result: splits recovered, the first true one, the final delay."""
    ends = [end for _, end in clip.segments]
    pause = lambda at: ([p for end, p in zip(ends, clip.pauses) if at >= LEAD_S + end] or [0.0])[-1]  # 0: mid-phrase
    splits = [at for at, withdrawn, _ in run.early if not withdrawn]
    result.went_on += [(clip.name, pause(at), heard) for at, withdrawn, heard in run.early if withdrawn]
    if splits:
        result.cut_off.append((clip.name, pause(splits[0])))
    elif run.final is not None:
        result.delays_s.append(run.final - (LEAD_S + clip.end))
    else:
        result.missed.append(clip.name)


class _Playout:
    """One clip through the loop, with her replies to turns answered inside it played out."""

    def __init__(self, clip: Clip, settings: Settings, transcriber: Transcriber, judge: TurnJudge | None,
                 scripted: bool, stt_s: list[float]):
        self.clip, self.transcriber, self.judge, self.scripted, self.stt_s = clip, transcriber, judge, scripted, stt_s
        self.detector, self.loop = SpeechDetector(settings.vad), VoiceLoop(settings)
        self.pending: list[TranscriptReady] = []  # reported by the "worker", not yet seen by the loop
        self.reply: _Reply | None = None  # her reply standing (asked for inside the clip, not cancelled)
        self.early: list[tuple[float, bool, float]] = []  # each reply asked for inside the clip: (when, withdrawn,
        # her voice audible, s)
        self.final: float | None = None  # the decision after the clip's end

    def play(self, audio: np.ndarray) -> None:
        for i in range(len(audio) // FRAME):
            now = (i + 1) * FRAME / SAMPLE_RATE
            chunk = audio[i * FRAME : (i + 1) * FRAME]
            messages: list[Message] = [Frame(chunk, i * FRAME / SAMPLE_RATE)]
            if change := self.detector.feed(chunk):
                messages.append(change.event)
            messages += [e for e in self.pending if e.t <= now]
            self.pending = [e for e in self.pending if e.t > now]
            if (reply := self.reply) is not None and not reply.started and now >= reply.at + REPLY_AFTER_S:
                reply.started, reply.since = True, now  # her first audio (the loop may pause it at once)
                messages.append(ReplyStarted(now, reply.turn))
            for message in [*messages, Tick(now)]:
                for command in self.loop.handle(message):
                    self._do(command, now)
                    if self.final is not None:
                        return
        if self.reply is not None:  # still standing when the audio ran out: that was the answer
            self.early.append((self.reply.at, False, self.reply.heard(len(audio) / SAMPLE_RATE)))

    def _do(self, command: Command, now: float) -> None:
        reply = self.reply
        match command:
            case Respond() if now >= LEAD_S + self.clip.end:
                self.final = now
            case Respond():
                self.reply = _Reply(command.turn, now)
            case TranscribeAudio():
                self._transcribe(command, now)
            case PausePlayback() if reply is not None:
                reply.pause(now)
            case ResumePlayback() if reply is not None:
                reply.resume(now)
            case CancelReply() if reply is not None and reply.turn == command.turn:
                self.early.append((reply.at, command.withdraw, reply.heard(now)))
                self.reply = None

    def _transcribe(self, job: TranscribeAudio, now: float) -> None:
        start = time.perf_counter()
        heard = hear(job.audio, self.transcriber, self.judge)
        took = time.perf_counter() - start
        self.stt_s.append(took)
        text = self.clip.words_until(now - LEAD_S) if self.scripted else heard.text
        self.pending.append(TranscriptReady(now + took, job.turn, job.pause, text, heard.complete, job.job))
