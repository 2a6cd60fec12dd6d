"""When does the turn end? Clips with known timings through the real VAD and turn-taker.

This drives the voice loop's own decisions (``loop.VoiceLoop``, the object the session runs)
on a virtual clock, in the order the session works (a frame, its VAD change, then what the
transcriber reported, then the clock), so a minute of speech is measured in a second or two.
The transcriber (and the end-of-turn model) is real and so is its cost: each transcript becomes ready as long after the
transcription was asked for as the transcriber actually took. Its words are the model's own,
or with ``scripted`` the clip's known words, for models that cannot understand speech (the
tiny test models).
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
from samantha.core.messages import Message, Respond, Tick, TranscribeAudio, TranscriptReady
from samantha.engines.base import Transcriber, TurnJudge
from samantha.runtime.ear import hear

LEAD_S = 0.5  # silence before each clip


@dataclass
class EndpointResult:
    delays_s: list[float] = field(default_factory=list)  # true end of speech -> end-of-turn decision
    cut_off: list[tuple[str, float]] = field(default_factory=list)  # (clip, the inner pause its turn ended in, s)
    missed: list[str] = field(default_factory=list)  # clips that never became a turn
    stt_s: list[float] = field(default_factory=list)  # what each transcription cost
    longest_pause_s: float = 0.0  # the longest inner pause among the clips


def measure(clips: list[Clip], settings: Settings, transcriber: Transcriber, scripted: bool,
            judge: TurnJudge | None = None) -> EndpointResult:
    result = EndpointResult()
    rng = np.random.default_rng(0)
    for clip in clips:
        noise = lambda seconds: rng.normal(0, 1e-4, int(seconds * SAMPLE_RATE)).astype(np.float32)  # a quiet room
        tail = max(3.0, settings.turns.trailing_silence_s + 2.0)  # room for the turn to end in
        audio = np.concatenate([noise(LEAD_S), clip.audio, noise(tail)])
        decided = _decision_time(audio, clip, settings, transcriber, judge, scripted, result.stt_s)
        result.longest_pause_s = max([result.longest_pause_s, *clip.pauses])
        if decided is None:
            result.missed.append(clip.name)
        elif decided < LEAD_S + clip.end:
            ends = [end for _, end in clip.segments]
            begun = [p for end, p in zip(ends, clip.pauses) if decided >= LEAD_S + end]
            result.cut_off.append((clip.name, begun[-1] if begun else 0.0))  # the pause it fell in; 0: mid-phrase
        else:
            result.delays_s.append(decided - (LEAD_S + clip.end))
    return result


def _decision_time(audio: np.ndarray, clip: Clip, settings: Settings, transcriber: Transcriber, judge: TurnJudge | None,
                   scripted: bool, stt_s: list[float]) -> float | None:
    """Virtual time at which the loop asked for a reply, or None if it never did."""
    detector, loop = SpeechDetector(settings.vad), VoiceLoop(settings)
    pending: list[TranscriptReady] = []  # reported by the "worker", not yet seen by the loop
    for i in range(len(audio) // FRAME):
        now = (i + 1) * FRAME / SAMPLE_RATE
        chunk = audio[i * FRAME : (i + 1) * FRAME]
        messages: list[Message] = [Frame(chunk, i * FRAME / SAMPLE_RATE)]
        if change := detector.feed(chunk):
            messages.append(change.event)
        messages += [e for e in pending if e.t <= now]
        pending = [e for e in pending if e.t > now]
        for message in [*messages, Tick(now)]:
            for command in loop.handle(message):
                if isinstance(command, Respond):
                    return now
                if isinstance(command, TranscribeAudio):
                    start = time.perf_counter()
                    heard = hear(command.audio, transcriber, judge)
                    took = time.perf_counter() - start
                    stt_s.append(took)
                    text = clip.words_until(now - LEAD_S) if scripted else heard.text
                    pending.append(TranscriptReady(now + took, command.turn, command.pause, text, heard.complete,
                                                   command.job))
    return None
