"""The voice loop: microphone → VAD → turn-taking → speech-to-text → LLM → voice → speaker.

One thread owns the state machine: it takes microphone frames and what the workers and the
talk key report from one queue, as each arrives, feeds frames to the VAD, ticks the clock,
and carries out the machine's actions. Slow work runs on workers (one transcriber, and one
reply at a time, ``replies.py``), and everything they report carries the turn id it was started for, so
after an interruption late results are dropped by the state machine instead of being spoken.
Time is the microphone's stream time.

With speakers, frames that are only her own voice coming back reach the VAD as silence (the
echo gate, core/echo_gate.py). Devices that go, come back or move are watched from the same loop
(audio/device_watch.py): the conversation waits, and listening or speaking resumes.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Protocol

import numpy as np

from samantha.audio.device_watch import DeviceWatch
from samantha.audio.sound_server import Placement, Stirring
from samantha.audio.speaker import Speaker
from samantha.audio.vad import SpeechDetector
from samantha.config import Settings
from samantha.conversation.dialogue import Conversation
from samantha.core.frames import FRAME, RATE, Frame
from samantha.core.latency import TurnTimes
from samantha.core.loop import VoiceLoop
from samantha.core.messages import (
    Announce,
    Binding,
    CancelReply,
    CheckIn,
    Command,
    Dictating,
    DropPrepared,
    EchoFalseAlarm,
    FallAsleep,
    KeyEndedTurn,
    Message,
    MicrophoneLost,
    PausePlayback,
    Prepare,
    Respond,
    ResumePlayback,
    Speakers,
    TalkKey,
    Tick,
    Told,
    TranscribeAudio,
    TranscriptReady,
)
from samantha.core.turns import State
from samantha.engines.base import Synthesizer, Transcriber, TurnJudge
from samantha.runtime.ear import Heard, hear
from samantha.runtime.note_taker import NoteTaker
from samantha.runtime.notifications import Notifier
from samantha.runtime.reminding import Reminding
from samantha.runtime.replies import Replies
from samantha.runtime.voice_out import VoiceOut

IDLE = (State.LISTENING, State.SLEEPING)  # no turn under way: notes may use the model


class Display(Protocol):
    def status(self, state: State) -> None: ...
    def user(self, text: str) -> None: ...
    def assistant(self, delta: str) -> None: ...
    def note(self, text: str) -> None: ...
    def latency(self, times: TurnTimes) -> None: ...


class Source(Protocol):
    def read(self, timeout: float) -> Frame | None: ...


class Session:
    def __init__(self, settings: Settings, transcriber: Transcriber, conversation: Conversation,
                 synthesizer: Synthesizer, speaker: Speaker, display: Display, judge: TurnJudge | None = None):
        self.loop = VoiceLoop(settings)  # every decision; this class only carries them out
        self.inbox: queue.Queue[Message | Placement | Stirring] = queue.Queue()  # what the workers, the key and
        # the sound server report (and frames)
        self.detector = SpeechDetector(settings.vad)
        self.transcriber, self.conversation, self.display = transcriber, conversation, display
        self.judge = judge  # the end-of-turn model, if there is one
        self.replies = Replies(conversation, display, self.inbox.put, lambda: self.now)
        self.voice = self.replies.voice = VoiceOut(synthesizer, speaker, on_audio=self.replies.first_audio)
        self.devices = DeviceWatch(settings.audio.output_kind, speaker, display.note, self._announce, self._deaf,
                                   settings.audio.aec)
        self._echo_told = float("-inf")  # when --verbose last said how much echo is removed (monotonic)
        self._frame_wall = time.monotonic()  # when that frame arrived
        self.released_at = self.decided_at = 0.0  # the talk key let go, and the turn's end decided (monotonic)
        self._jobs: queue.Queue[TranscribeAudio | None] = queue.Queue()  # the loop sends one at a time
        self._speech_end: float | None = None  # monotonic time the user last stopped talking, this turn
        self._transcribed: float | None = None  # monotonic time the latest transcript was ready
        self._noticed: float | None = None  # monotonic time the VAD noticed the user's latest pause
        self._stt = threading.Thread(target=self._transcribe_jobs, name="stt", daemon=True)
        self._stt.start()
        notifier = Notifier(settings.reminders.notify, display.note if getattr(display, "verbose", False) else None)
        self.reminding = Reminding(conversation.skills, self.inbox.put, lambda: self.now,  # reminders due
                                   notifier=notifier)
        self.notes = NoteTaker(conversation).start()  # earlier conversations, read while she is idle
        self._dictating = False  # a letter is open, as the turn-taker was last told
        self._speakers = False  # her echo may come back, as the turn-taker was last told

    def run(self, microphone: Source, stop: threading.Event) -> None:
        """Until ``stop``: frames and reports handled the moment they arrive (a key press need not
        wait for the next frame)."""
        done = threading.Event()

        def pump() -> None:
            while not (stop.is_set() or done.is_set()):
                if (frame := microphone.read(0.1)) is not None:
                    self.inbox.put(frame)

        pumping = threading.Thread(target=pump, name="microphone", daemon=True)
        pumping.start()
        threading.Thread(target=self.replies.prefill, name="prefill", daemon=True).start()  # before the first word
        self.devices.watch(microphone, self.inbox.put)
        self.reminding.start()
        try:
            while not stop.is_set():
                try:
                    item = self.inbox.get(timeout=0.1)
                except queue.Empty:
                    item = None
                if item is not None:
                    self._take(item)
                self._tell()
                self._handle(Tick(self.clock()))
                self.devices.check(quiet=self.machine.state in (State.LISTENING, State.SLEEPING))
                for news in self.notes.news():
                    self.display.note(news)
        finally:
            done.set()
            self.reminding.close()
            pumping.join(timeout=1)
            self.devices.close()

    def step(self, frame: Frame | None) -> None:
        """One pass, for driving the loop frame by frame: a frame (if any) through the VAD, then
        the workers' reports, then the clock."""
        if frame is not None:
            self._frame(frame)
        while True:
            try:
                self._take(self.inbox.get_nowait())
            except queue.Empty:
                break
        self._tell()
        self._handle(Tick(self.now))

    def _tell(self) -> None:
        """What changed at the edges that the turn-taker weighs: a reply opened or closed a letter
        (on its own thread), so that while one is open a long quiet does not put her to sleep
        (``Dictating``); her output became speakers or a headset (``Speakers``; the VAD is told too)."""
        if (dictating := self.conversation.dictating) != self._dictating:
            self._dictating = dictating
            self._handle(Dictating(self.now, dictating))
        if (speakers := self.devices.echo is not None) != self._speakers:
            self._speakers = speakers
            self.detector.with_speakers(speakers)
            self._handle(Speakers(self.now, speakers))

    @property
    def now(self) -> float:
        """Stream time at the end of the latest frame (the loop keeps it)."""
        return self.loop.now

    def _take(self, item: Message | Placement | Stirring) -> None:
        match item:
            case Frame():
                self._frame(item)
            case Placement():
                self.devices.placed(item)
            case Stirring():
                self.devices.stirring(item)
            case _:
                self._handle(item)

    def clock(self) -> float:
        """Stream time now: the latest frame's end plus the time since it arrived (at most a frame)."""
        return self.now + min(time.monotonic() - self._frame_wall, FRAME / RATE)

    def press(self, down: bool) -> None:
        """The talk key went down or up (from any thread)."""
        if not down:
            self.released_at = time.monotonic()
        self.inbox.put(TalkKey(self.clock(), down))

    @property
    def machine(self):
        """The turn-taker (its state is what the terminal shows)."""
        return self.loop.turns

    def _frame(self, frame: Frame) -> None:
        """The VAD dates events by the frames it has seen, the clock by the frames' stream time;
        they agree unless the microphone dropped frames (only after a 10 s stall of this loop)."""
        if not self.loop.listening(frame):
            return
        frame = self.devices.clean(frame)  # without her echo, for the VAD, the gate and the transcriber
        self._frame_wall = time.monotonic()
        self._handle(frame)
        audio = frame.audio
        echo, sure = self.devices.echo, False
        if echo is not None and not self.detector.speaking:
            if not echo.admit(audio, frame.at, self.devices.mine):
                audio = np.zeros_like(audio)  # only her own voice, coming back from the speakers
            sure = echo.sure  # far louder than her echo: she pauses for it, and the VAD decides
        if change := self.detector.feed(audio, sure=sure):
            if change.kind == "start":  # this speech's end and transcript are yet to come
                self._speech_end = self._transcribed = self._noticed = None
            elif change.kind == "end":  # the audio clock to the wall clock: it ended this long ago
                self._noticed = time.monotonic()
                self._speech_end = self._noticed - (self.now - change.time_s)
            self._handle(change.event)

    def _deaf(self) -> None:
        """The microphone went: the loop decides what that means for the turn under way."""
        self.detector.lost()
        self._handle(MicrophoneLost(self.now))

    def _announce(self, words: str) -> None:
        """Device news, said out loud: shown as hers, but no part of the conversation."""
        self.display.assistant(words + "\n")
        self.voice.say(words)

    def say_first(self, text: str) -> None:
        """She speaks before anyone has said anything (the first meeting's opening line)."""
        self.conversation.add_reply(text)
        self.display.assistant(text + "\n")
        self.voice.say(text)

    def close(self, patience: float = 2.0) -> None:
        """Stop speaking, thinking and taking notes, and give the workers ``patience`` seconds
        each to finish before the streams close (they are daemons: a short wait when leaving)."""
        self.notes.close()
        self.replies.close(patience)
        self._jobs.put(None)
        self._stt.join(timeout=patience)
        self.voice.close(patience)

    # --- the state machine's actions ---
    def _handle(self, message: Message) -> None:
        before = self.machine.state
        for command in self.loop.handle(message):
            self._do(command)
        if self.machine.state is not before:
            self.notes.busy(self.machine.state not in IDLE)
            self.display.status(self.machine.state)
            if before is State.SPEAKING:
                self._tell_echo()

    def _tell_echo(self) -> None:
        """With --verbose, after her reply (at most every 20 s): how much of her echo the
        canceller removes, and the level the gate now holds back."""
        canceller, gate, now = self.devices.canceller, self.devices.echo, time.monotonic()
        if not getattr(self.display, "verbose", False) or canceller is None or now - self._echo_told < 20:
            return
        if (removed := canceller.removed_db) is not None and gate is not None:
            self._echo_told = now
            self.display.note(f"(echo: {removed:.0f} dB of her voice removed by the canceller; "
                              f"the gate holds back the rest up to {20 * np.log10(max(gate.coupling, 1e-6)):.0f} dB)")

    def _do(self, command: Command) -> None:
        match command:
            case TranscribeAudio():
                self._jobs.put(command)
            case KeyEndedTurn():
                self.decided_at = time.monotonic()  # let go: the turn ended here
                self._speech_end, self._noticed = self.released_at, None
            case Respond():
                self.display.user(command.text)
                if not self.conversation.can_prepare(command.text):  # a command acts at once: no taking it back
                    self._handle(Binding(self.now, command.turn))
                times = TurnTimes(command.turn, self._speech_end, time.monotonic(), self._transcribed, self._noticed)
                if not self.replies.release_held(command.turn, command.text, times):
                    self.replies.start(command.turn, command.text, times)
            case Prepare():
                self.replies.prepare(command.turn, command.text)
            case DropPrepared():
                self.replies.drop_held()
            case CheckIn():
                self.replies.check_in(command.turn)
            case Announce() | Told():
                self.reminding.do(command, self.replies.announce)
            case PausePlayback():
                self.voice.pause()
            case ResumePlayback():
                self.voice.resume()
            case EchoFalseAlarm():
                if self.devices.echo is not None:
                    self.devices.echo.false_alarm(command.at)
            case CancelReply():
                heard = self.replies.cancel(command.turn, command.withdraw)
                self.display.note("(you went on; she listens)" if command.withdraw
                                  else f"(interrupted; she had said: \"{heard}\")")
            case FallAsleep():
                wake = f"say \"{self.machine.s.wake_name}\"" if self.machine.hands_free else "press the talk key"
                self.display.note(f"(resting; {wake} to wake me)")
                if self.conversation.notes_pending():  # a long quiet: the time to take notes, unnoticed
                    self.notes.take_current()

    # --- workers ---
    def _transcribe_jobs(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                heard = hear(job.audio, self.transcriber, self.judge)
            except Exception as exc:  # a broken engine must not end the conversation
                self.display.note(f"(could not transcribe: {exc})")
                heard = Heard("", None)
            self._transcribed = time.monotonic()
            self.inbox.put(TranscriptReady(self.now, job.turn, job.pause, heard.text, heard.complete, job.job))

