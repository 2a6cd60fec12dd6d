"""The voice loop in real time on a real output device, with engines of known cost.

Each round: the user asks something and she answers briefly (a 10-token reply); the user
asks again, she starts a long answer (200 tokens), and the user talks over her. From the
turn records and the speaker's own timing this gives time to first audio for short and
long replies, what Samantha's code adds to it, and how fast she falls silent. A second
part listens to the real microphone in silence and measures the process's CPU.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from samantha.audio.speaker import Speaker
from samantha.bench.corpus import Clip
from samantha.bench.paced import PacedChatModel, PacedSource, PacedSynthesizer, PacedTranscriber, Played
from samantha.config import Settings
from samantha.conversation.dialogue import Conversation
from samantha.core.latency import TurnTimes
from samantha.errors import SamanthaError
from samantha.runtime.session import Session, Source

SHORT, LONG = 10, 200  # reply lengths in tokens
GAP_S = 0.5  # the user's pause after her answer, before speaking again
WAIT_S = 30.0  # the longest any step may take before the benchmark gives up


@dataclass
class LiveResult:
    ttfa_short_s: list[float] = field(default_factory=list)  # end of turn -> first audio, 10 tokens
    ttfa_long_s: list[float] = field(default_factory=list)  # the same, 200 tokens
    overhead_s: list[float] = field(default_factory=list)  # time to first audio less the engines' time
    engines_s: list[float] = field(default_factory=list)  # the engines' own time to first audio
    barge_in_s: list[float] = field(default_factory=list)  # onset of talking over her -> her last sound
    ptt_end_s: list[float] = field(default_factory=list)  # talk key let go -> the end of the turn decided
    output_latency_s: float = 0.0  # the output device's buffer, after the stream


class Recorder:
    """The session's display: keeps the turn records, ignores the rest."""

    def __init__(self):
        self.times: queue.Queue[TurnTimes] = queue.Queue()

    def latency(self, times: TurnTimes) -> None:
        self.times.put(times)

    def status(self, state) -> None: ...
    def user(self, text) -> None: ...
    def assistant(self, delta) -> None: ...
    def note(self, text) -> None: ...

    def drain(self) -> None:
        while not self.times.empty():
            self.times.get_nowait()

    def next(self) -> TurnTimes:
        try:
            return self.times.get(timeout=WAIT_S)
        except queue.Empty:
            raise SamanthaError("The benchmark's voice loop stopped answering; run it again with --debug.") from None


@contextmanager
def running(settings: Settings, source, model, synth, stt, recorder, judge=None):
    """The voice loop on its own thread, on the configured output device; closed on exit."""
    speaker = Speaker.open(settings.audio.output_device)
    try:
        session = Session(settings, stt, Conversation(model, settings.llm), synth, speaker, recorder, judge)
    except BaseException:
        speaker.close()
        raise
    stop = threading.Event()
    loop = threading.Thread(target=session.run, args=(source, stop), name="bench-loop", daemon=True)
    loop.start()
    try:
        yield session, speaker
    finally:
        stop.set()
        loop.join(timeout=2)
        session.close()  # closes the speaker too


def measure(settings: Settings, utterance: Clip, interruption: Clip, rounds: int) -> LiveResult:
    """Our own code's numbers, on engines of known cost; replies start at the end of the turn (none prepared)."""
    settings = dataclasses.replace(settings, turns=dataclasses.replace(settings.turns, prepare=False))
    model, synth, stt, recorder, source = PacedChatModel(), PacedSynthesizer(), PacedTranscriber(), Recorder(), PacedSource()

    def ttfa(times: TurnTimes) -> float:
        """Time to first audio; also notes the engines' share of it and what is left: ours."""
        if times.first_audio is None or times.turn_end is None:
            raise SamanthaError("A benchmark reply never reached the output device; check `samantha devices`.")
        engines = model.until_first_piece_s(times.turn_end) + synth.first_piece_s(times.turn_end)
        result.engines_s.append(engines)
        result.overhead_s.append(times.first_audio - times.turn_end - engines)
        return times.first_audio - times.turn_end

    with running(settings, source, model, synth, stt, recorder) as (session, speaker):
        result = LiveResult(output_latency_s=speaker.latency)
        for _ in range(rounds):
            model.tokens, stt.text = SHORT, " ".join(w for w, _ in utterance.segments)
            source.say(utterance.audio)
            result.ttfa_short_s.append(ttfa(recorder.next()))
            time.sleep(GAP_S)
            model.tokens, asked = LONG, time.monotonic()
            source.say(utterance.audio)
            wait_until(lambda asked=asked: speaker.sounding_until > asked)  # her long answer is playing
            time.sleep(0.5)  # well into her answer
            model.tokens, stt.text = SHORT, " ".join(w for w, _ in interruption.segments)
            talk = source.say(interruption.audio)
            cut = recorder.next()  # the long reply, cut off
            result.barge_in_s.append(speaker.sounding_until - talk.began)  # clips start with speech
            result.ttfa_long_s.append(ttfa(cut))
            result.ttfa_short_s.append(ttfa(recorder.next()))  # her answer to the interruption
            time.sleep(GAP_S)
            session.press(True)  # push to talk: hold, speak, let go
            source.say(utterance.audio).done.wait(WAIT_S)
            session.press(False)
            wait_until(lambda: session.decided_at >= session.released_at)
            result.ptt_end_s.append(session.decided_at - session.released_at)
            result.ttfa_short_s.append(ttfa(recorder.next()))
            time.sleep(GAP_S)
    return result


def idle_cpu_pct(settings: Settings, seconds: float) -> float:
    """CPU of the whole process, % of one core, while the loop listens to the microphone."""
    from samantha.audio.microphone import Microphone

    microphone = Microphone.open(settings.audio.input_device)
    try:
        with running(settings, microphone, PacedChatModel(), PacedSynthesizer(), PacedTranscriber(), Recorder()):
            time.sleep(3.0)  # a new stream's first second or two is start-up, not listening
            cpu, wall = time.process_time(), time.monotonic()
            time.sleep(seconds)
            return 100 * (time.process_time() - cpu) / (time.monotonic() - wall)
    finally:
        microphone.close()


def wait_until(condition) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise SamanthaError("The benchmark's voice loop stopped answering; run it again with --debug.")
        time.sleep(0.01)


@dataclass
class VoiceTurn:
    """One turn measured voice to voice, every stamp in seconds after the true end of speech."""

    clip: str
    kind: str
    steps: dict[str, float]  # pause noticed, transcript, end of turn, first token, first audio, audible


@dataclass
class VoiceToVoice:
    turns: list[VoiceTurn] = field(default_factory=list)
    cut_off: list[str] = field(default_factory=list)  # clips whose turn ended before their speech did
    missed: list[str] = field(default_factory=list)  # clips never answered

    def audible_s(self, kind: str | None = None) -> list[float]:
        return [t.steps["audible"] for t in self.turns if kind in (None, t.kind)]


def voice_to_voice(settings: Settings, clips: list[Clip], stt, model, synth, through: str = "",
                   judge=None) -> VoiceToVoice:
    """Each clip spoken in real time into the loop, with the configured engines: from the true
    end of its speech to her first sample leaving the output device's buffer. Her reply plays
    out (the caller caps its length; nothing before her first audio depends on it) before the
    next. The clips go to a stand-in microphone frame by frame at real-time pace, or, with
    ``through``, are played into that output device and heard by the real input device."""
    from contextlib import ExitStack

    recorder, result = Recorder(), VoiceToVoice()
    with ExitStack() as stack:
        if through:
            from samantha.audio.microphone import Microphone
            from samantha.bench.through import DevicePlayer

            microphone = Microphone.open(settings.audio.input_device)
            stack.callback(microphone.close)
            player = DevicePlayer(through)
            stack.callback(player.close)
            source: Source = microphone
            say: Callable[[np.ndarray], Played] = player.say
        else:
            paced = PacedSource()
            source, say = paced, paced.say
        _, speaker = stack.enter_context(running(settings, source, model, synth, stt, recorder, judge))
        time.sleep(3.0 if through else 1.0)  # a new input stream's first second or two is start-up
        for clip in clips:
            recorder.drain()  # a late record of an earlier turn is not this one's
            played = say(clip.audio)
            if not played.done.wait(WAIT_S):
                raise SamanthaError("The benchmark's test speech stopped playing; check the device given to --through.")
            _answer(clip, played.began + clip.end, recorder, speaker.latency, result)
            time.sleep(GAP_S)
    return result


def _answer(clip: Clip, end: float, recorder: Recorder, latency: float, result: VoiceToVoice) -> None:
    """Her answer to ``clip``, whose speech truly ended at ``end``: a turn measured, or why not."""
    while True:
        try:
            times = recorder.next()
        except SamanthaError:
            result.missed.append(clip.name)
            return
        if times.turn_end is not None and times.turn_end < end:
            result.cut_off.append(clip.name)  # answered at an inner pause: not a voice-to-voice turn
            continue
        if times.first_audio is None:
            result.missed.append(clip.name)
            return
        stamps = {"pause noticed": times.noticed, "transcript": times.transcript,
                  "reply started": times.reply_start, "end of turn": times.turn_end,
                  "first token": times.first_token, "first audio": times.first_audio,
                  "audible": times.first_audio + latency}
        result.turns.append(VoiceTurn(clip.name, clip.kind, {k: v - end for k, v in stamps.items() if v}))
        return
