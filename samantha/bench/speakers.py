"""The speakers case of ``samantha bench``: barge-in with her echo in the microphone.

Her output is looped back into the device the test speech plays into (``--through``, a
virtual microphone's sink), at 70 % of its level (``module-loopback``, a room where her
voice reaches the microphone almost as loud as she plays it), with the echo canceller and
the gate on. Each round the user asks, she starts a long reply, and the user talks over her
*at the level of her echo* (0 dB: not louder, as people do). Measured: the barge-in delay
(onset of the user's speech over her to her last sound leaving for the device), and every
time she is interrupted, or takes a turn, with no user speaking: self-interruptions.

It runs with ``--through`` when a sound server (PulseAudio, PipeWire) answers ``pactl`` and
knows that device as a sink; otherwise it says why not. The loopback it loads is always
unloaded, whatever happens.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

import numpy as np

from samantha.bench.corpus import Clip
from samantha.bench.live import LONG, SHORT, WAIT_S, Recorder, running, wait_until
from samantha.bench.paced import PacedChatModel, PacedSynthesizer, PacedTranscriber
from samantha.config import Settings
from samantha.errors import SamanthaError

COUPLING = 0.7  # her echo at the microphone, relative to what she plays
INTO_REPLY_S = 1.5  # the user talks over her this far into her reply
AFTER_S = 3.0  # after her answer ends, still listening for her taking her echo for the user
GOAL_MS = 150


class Unavailable(Exception):
    """The case cannot run here; the message says why (one line, for the report)."""


@dataclass
class SpeakersResult:
    barge_in_s: list[float] = field(default_factory=list)  # onset of the user over her -> her last sound
    self_interruptions: int = 0  # she was cut off, or took a turn, with nobody speaking
    replies: int = 0  # replies listened through for self-interruptions
    missed: int = 0  # the user talked over her and she went on
    removed_db: float | None = None  # by the canceller, at the end
    why_not: str = ""  # not measured: why


class Listener(Recorder):
    """The session's display: turn records as the benchmark's, plus when she was cut off and
    when a turn was taken (the user's, or her echo's)."""

    def __init__(self):
        super().__init__()
        self.cut: list[float] = []  # monotonic times of "(interrupted; ...)" or "(you went on; ...)": she stopped
        self.turns: list[float] = []  # ...of every turn the loop took as the user's

    def user(self, text) -> None:
        self.turns.append(time.monotonic())

    def note(self, text) -> None:
        if str(text).startswith(("(interrupted", "(you went on")):
            self.cut.append(time.monotonic())

    def since(self, t: float) -> int:
        return sum(x >= t for x in self.cut) + sum(x >= t for x in self.turns)


def pactl(*args: str) -> str:
    import os

    try:
        return subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=5, check=True,
                              env=dict(os.environ, LC_ALL="C")).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise Unavailable(f"pactl {args[0]} failed ({exc})") from None


@contextmanager
def looped_back(source: str, sink: str, coupling: float = COUPLING) -> Iterator[None]:
    """``source`` (her sink's monitor) played into ``sink`` at ``coupling``; unloaded on leaving."""
    if not shutil.which("pactl"):
        raise Unavailable("needs PulseAudio or PipeWire (pactl not found)")
    before = _loopbacks()
    module = pactl("load-module", "module-loopback", f"source={source}", f"sink={sink}", "latency_msec=60").strip()
    try:
        deadline = time.monotonic() + 10
        while not (new := sorted(_loopbacks() - before)):
            if time.monotonic() > deadline:
                raise SamanthaError("bench: the loopback of her voice into the microphone did not start.")
            time.sleep(0.1)
        pactl("set-sink-input-volume", new[0], f"{coupling}")
        yield
    finally:
        subprocess.run(["pactl", "unload-module", module], capture_output=True, timeout=5)


def _loopbacks() -> set[str]:
    return {line.split("\t")[0] for line in pactl("list", "short", "sink-inputs").splitlines() if "module-loopback" in line}


def her_sink(through: str) -> str:
    """The sink she plays to (found from her running stream), after checking ``through`` is a sink."""
    from samantha.audio import sound_server

    if not shutil.which("pactl"):
        raise Unavailable("needs PulseAudio or PipeWire (pactl not found)")
    pactl("info")  # a sound server answers
    sinks = [line.split("\t")[1] for line in pactl("list", "short", "sinks").splitlines() if "\t" in line]
    if through not in sinks:
        raise Unavailable(f"--through {through!r} is not a sound-server sink to loop her voice into")
    deadline = time.monotonic() + 5
    while (sink := sound_server.placement().sink) is None:
        if time.monotonic() > deadline:
            raise Unavailable("her output stream did not show on the sound server")
        time.sleep(0.2)
    if sink == through:
        raise Unavailable("she plays into the --through device itself")
    return sink


def measure(settings: Settings, ask: Clip, interruption: Clip, rounds: int, through: str,
            synth=None) -> SpeakersResult:
    """``rounds`` replies talked over at her echo's level, her voice looped back at ``COUPLING``,
    with the canceller on; her replies are spoken by ``synth`` (the real voice when given: a
    voice's echo, not a tone's)."""
    from samantha.audio import echo_canceller

    if not echo_canceller.available():
        return SpeakersResult(why_not="the echo canceller is not installed (pip install livekit)")
    audio = dataclasses.replace(settings.audio, output_kind="speakers", aec="on")
    settings = dataclasses.replace(settings, audio=audio, turns=dataclasses.replace(settings.turns, prepare=False))
    synth = synth or PacedSynthesizer()
    try:
        with ExitStack() as stack:
            return _measure(stack, settings, ask, interruption, rounds, through, synth)
    except Unavailable as exc:
        return SpeakersResult(why_not=str(exc))


def _measure(stack: ExitStack, settings: Settings, ask: Clip, interruption: Clip, rounds: int, through: str,
             synth) -> SpeakersResult:
    from samantha.audio.microphone import Microphone
    from samantha.bench.through import DevicePlayer

    her_rms = _her_level(synth)
    at_echo = lambda clip: dataclasses.replace(clip, audio=_scaled(clip.audio, her_rms * COUPLING))
    ask, interruption = at_echo(ask), at_echo(interruption)
    microphone = Microphone.open(settings.audio.input_device)
    stack.callback(microphone.close)
    player = DevicePlayer(through)
    stack.callback(player.close)
    model, stt, shown = PacedChatModel(), PacedTranscriber(), Listener()
    session, speaker = stack.enter_context(running(settings, microphone, model, synth, stt, shown))
    stack.enter_context(looped_back(f"{her_sink(through)}.monitor", through))
    time.sleep(3.0)  # a new input stream's first second or two is start-up
    result = SpeakersResult()
    for _ in range(rounds):
        _round(session, speaker, player.say, shown, model, stt, ask, interruption, result)
    canceller = session.devices.canceller
    result.removed_db = None if canceller is None or canceller.removed_db is None else round(canceller.removed_db, 1)
    return result


def _round(session, speaker, say, shown: Listener, model, stt, ask: Clip, interruption: Clip,
           result: SpeakersResult) -> None:
    """The user asks; her long reply; the user talks over her at her echo's level; her answer
    plays out, and a few seconds more. Anything taken for the user but the user is her echo."""
    model.tokens, stt.text = LONG, _words(ask)
    asked = time.monotonic()
    say(ask.audio)
    wait_until(lambda: speaker.sounding_until > asked)  # her long reply is playing
    listening = time.monotonic()
    time.sleep(INTO_REPLY_S)
    result.replies += 1
    if herself := shown.since(listening):  # cut off by her own echo before the user spoke
        result.self_interruptions += herself
        _quiet(speaker)
        return
    model.tokens, stt.text = SHORT, _words(interruption)
    talk = say(interruption.audio)
    deadline = time.monotonic() + 3.0
    while not any(c >= listening for c in shown.cut) and time.monotonic() < deadline:
        time.sleep(0.01)
    if not any(c >= listening for c in shown.cut):
        result.missed += 1
        session.press(True)  # she went on: the talk key stops her, to carry on with the next round
        session.press(False)
        _quiet(speaker)
        return
    result.barge_in_s.append(speaker.sounding_until - talk.began)
    talk.done.wait(WAIT_S)
    _answered(speaker, shown, listening, result)


def _answered(speaker, shown: Listener, since: float, result: SpeakersResult) -> None:
    """The interruption became the user's turn; her answer to it plays out, and ``AFTER_S``
    more: whatever is taken for the user from then on is her echo."""
    wait_until(lambda: any(t >= since for t in shown.turns))
    replied = time.monotonic()
    result.replies += 1
    _quiet(speaker, since=replied)
    time.sleep(AFTER_S)
    result.self_interruptions += shown.since(replied)


def _quiet(speaker, since: float | None = None) -> None:
    """Until she has spoken (after ``since``, when given) and been quiet for half a second."""
    if since is not None:
        wait_until(lambda: speaker.sounding_until > since)
    wait_until(lambda: time.monotonic() - speaker.sounding_until > 0.5)


def _her_level(synth) -> float:
    """The RMS of her voiced speech, as the voice speaks."""
    from samantha.engines.piper import voiced_rms

    chunks = list(synth.synthesize("Oh, I love that idea, tell me more about it."))
    return voiced_rms(np.concatenate([c.audio for c in chunks]), chunks[0].sample_rate)


def _scaled(audio: np.ndarray, rms: float) -> np.ndarray:
    from samantha.core.frames import RATE
    from samantha.engines.piper import voiced_rms

    return (audio * (rms / max(voiced_rms(audio, RATE), 1e-9))).astype(np.float32)


def _words(clip: Clip) -> str:
    return " ".join(words for words, _ in clip.segments)
