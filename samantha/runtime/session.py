"""The voice loop: microphone → VAD → turn-taking → speech-to-text → LLM → voice → speaker.

One thread owns the state machine: it takes microphone frames and what the workers and the
talk key report from one queue, as each arrives, feeds frames to the VAD, ticks the clock,
and carries out the machine's actions. Slow work runs on workers (one transcriber, one
reply at a time), and everything they report carries the turn id it was started for, so
after an interruption late results are dropped by the state machine instead of being spoken.
Time is the microphone's stream time.

With speakers, frames that are only her own voice coming back reach the VAD as silence (the
echo gate, core/echo_gate.py). Devices that go, come back or move are watched from the same loop
(audio/device_watch.py): the conversation waits, and listening or speaking resumes.
"""

from __future__ import annotations

import queue
import random
import threading
import time
from typing import Protocol

import numpy as np

from samantha.audio.device_watch import DeviceWatch
from samantha.audio.sound_server import Placement
from samantha.audio.speaker import Queued, Speaker
from samantha.audio.vad import SpeechDetector
from samantha.config import Settings
from samantha.conversation.dialogue import Conversation, Hold
from samantha.core.chunker import Chunker
from samantha.core.frames import FRAME, RATE, Frame
from samantha.core.latency import TurnTimes
from samantha.core.loop import VoiceLoop
from samantha.core.messages import (
    CancelReply,
    CheckIn,
    Command,
    DropPrepared,
    EchoFalseAlarm,
    FallAsleep,
    KeyEndedTurn,
    Message,
    MicrophoneLost,
    PausePlayback,
    Prepare,
    ReplyFinished,
    ReplyStarted,
    Respond,
    ResumePlayback,
    TalkKey,
    Tick,
    TranscribeAudio,
    TranscriptReady,
)
from samantha.core.turns import State
from samantha.engines.base import Synthesizer, Transcriber, TurnJudge
from samantha.runtime.ear import Heard, hear
from samantha.runtime.voice_out import VoiceOut

CHECK_INS = ("Still there? No rush.", "Take your time. I'm here.", "Hmm, did I lose you?")
LOST_THREAD = "Sorry, I lost my train of thought. Could you say that again?"
SILENCE = np.zeros(FRAME, np.float32)
FIRST_AUDIO_WAIT_S = 2.0  # the longest the model waits for her first clause's audio
HOLD_WAIT_S = 120.0  # a prepared reply's longest wait for the turn to be over (it is decided long before)


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
        self.detector = SpeechDetector(settings.vad)
        self.transcriber, self.conversation, self.display = transcriber, conversation, display
        self.judge = judge  # the end-of-turn model, if there is one
        self.voice = VoiceOut(synthesizer, speaker, on_audio=self._first_audio)
        self.devices = DeviceWatch(settings.audio.output_kind, speaker, display.note, self._announce, self._deaf)
        self._frame_wall = time.monotonic()  # when that frame arrived
        self.inbox: queue.Queue[Message | Placement] = queue.Queue()  # what the workers, the key and
        # the sound server report (and frames)
        self.released_at = self.decided_at = 0.0  # the talk key let go, and the turn's end decided (monotonic)
        self._jobs: queue.Queue[TranscribeAudio | None] = queue.Queue()  # the loop sends one at a time
        self._voicing = (-1, -1)  # (voice generation, turn) of the reply being spoken
        self._first_chunk: tuple[int, Queued | None] = (-1, None)  # (generation, its first audio)
        self._speech_end: float | None = None  # monotonic time the user last stopped talking, this turn
        self._transcribed: float | None = None  # monotonic time the latest transcript was ready
        self._noticed: float | None = None  # monotonic time the VAD noticed the user's latest pause
        self._heard: dict[int, str] = {}  # turn -> what was heard of its reply when cut off
        self._cut = threading.Lock()  # makes "silence the reply" and "note what was heard" one step
        self._replying: threading.Thread | None = None
        self._held: tuple[int, str, Hold, TurnTimes] | None = None  # (turn, words, ...) of a prepared reply
        self._stt = threading.Thread(target=self._transcribe_jobs, name="stt", daemon=True)
        self._stt.start()

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
        threading.Thread(target=self.prefill, name="prefill", daemon=True).start()  # before the first word
        self.devices.watch(microphone, self.inbox.put)
        try:
            while not stop.is_set():
                try:
                    item = self.inbox.get(timeout=0.1)
                except queue.Empty:
                    item = None
                if item is not None:
                    self._take(item)
                self._handle(Tick(self.clock()))
                self.devices.check()
        finally:
            done.set()
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
        self._handle(Tick(self.now))

    @property
    def now(self) -> float:
        """Stream time at the end of the latest frame (the loop keeps it)."""
        return self.loop.now

    def _take(self, item: Message | Placement) -> None:
        match item:
            case Frame():
                self._frame(item)
            case Placement():
                self.devices.placed(item)
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
        self._frame_wall = time.monotonic()
        self._handle(frame)
        audio = frame.audio
        echo = self.devices.echo
        if echo is not None and not self.detector.speaking and not echo.admit(audio, frame.at):
            audio = SILENCE  # only her own voice, coming back from the speakers
        if change := self.detector.feed(audio):
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

    def close(self) -> None:
        """Stop speaking and thinking, and let the workers finish before the streams close. A
        reply cut short by leaving keeps what was heard of it, as any interrupted reply does."""
        self._drop_held()
        with self._cut:
            heard = self.voice.stop()
            if self._replying is not None and self._replying.is_alive():
                self._heard[self._voicing[1]] = heard
        self.conversation.cancel()
        self._jobs.put(None)
        if self._replying is not None and self._replying.ident is not None:
            self._replying.join(timeout=2)
        self._stt.join(timeout=2)
        self.voice.close()

    # --- the state machine's actions ---
    def _handle(self, message: Message) -> None:
        before = self.machine.state
        for command in self.loop.handle(message):
            self._do(command)
        if self.machine.state is not before:
            self.display.status(self.machine.state)

    def _do(self, command: Command) -> None:
        match command:
            case TranscribeAudio():
                self._jobs.put(command)
            case KeyEndedTurn():
                self.decided_at = time.monotonic()  # let go: the turn ended here
                self._speech_end, self._noticed = self.released_at, None
            case Respond():
                self.display.user(command.text)
                times = TurnTimes(command.turn, self._speech_end, time.monotonic(), self._transcribed, self._noticed)
                if not self._release_held(command.turn, command.text, times):
                    self._reply(command.turn, command.text, times)
            case Prepare():
                self._prepare(command.turn, command.text)
            case DropPrepared():
                self._drop_held()
            case CheckIn():
                self._reply(command.turn, None, TurnTimes(command.turn))
            case PausePlayback():
                self.voice.pause()
            case ResumePlayback():
                self.voice.resume()
            case EchoFalseAlarm():
                if self.devices.echo is not None:
                    self.devices.echo.false_alarm(command.at)
            case CancelReply():
                with self._cut:  # silence first, then stop the thinking
                    heard = self._heard[command.turn] = self.voice.stop()
                self.conversation.cancel()
                self.display.note(f"(interrupted; she had said: \"{heard}\")")
            case FallAsleep():
                wake = f"say \"{self.machine.s.wake_name}\"" if self.machine.hands_free else "press the talk key"
                self.display.note(f"(resting; {wake} to wake me)")
                if self.conversation.notes_pending():  # a long quiet: the time to take notes, unnoticed
                    threading.Thread(target=self._take_notes, name="notes", daemon=True).start()

    def _first_audio(self, generation: int, item: Queued) -> None:
        current, turn = self._voicing
        self._first_chunk = (generation, item)
        self.inbox.put(ReplyStarted(self.now, turn if generation == current else -1))

    # --- workers ---
    def _take_notes(self) -> None:
        try:
            self.conversation.take_notes()
        except Exception as exc:  # they can wait for the next conversation
            self.display.note(f"(could not take notes now: {exc})")

    def _transcribe_jobs(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                heard = hear(job.audio, self.transcriber, self.judge)
            except Exception as exc:  # a broken engine must not end the conversation
                self.display.note(f"(could not transcribe: {exc})")
                heard = Heard("", None)
            self._transcribed = time.monotonic()
            self.inbox.put(TranscriptReady(self.now, job.turn, job.pause, heard.text, heard.complete, job.job))

    # --- a reply prepared while the turn may be over ---
    def _prepare(self, turn: int, text: str) -> None:
        """Start the reply now with her voice paused and nothing shown or stored (``Hold``)."""
        self._drop_held()
        if not self.conversation.can_prepare(text):
            return
        hold, times = Hold(), TurnTimes(turn)
        self._held = (turn, text, hold, times)
        self._reply(turn, text, times, hold)

    def _drop_held(self) -> None:
        """The user went on: the prepared reply stops, unheard and unstored."""
        if self._held is None:
            return
        hold, self._held = self._held[2], None
        hold.drop()
        with self._cut:
            self.voice.stop()
        self.conversation.cancel()
        self.voice.resume()

    def _release_held(self, turn: int, text: str, times: TurnTimes) -> bool:
        """The turn is over: if its reply was prepared for these very words, it goes on, out loud."""
        if self._held is None:
            return False
        if self._held[:2] != (turn, text):
            self._drop_held()
            return False
        hold, held_times, self._held = self._held[2], self._held[3], None
        held_times.speech_end, held_times.turn_end = times.speech_end, times.turn_end
        held_times.transcript, held_times.noticed = times.transcript, times.noticed
        self.conversation.confirm(text)  # before the release: her reply is recorded after the user's words
        hold.release()
        self.voice.resume()
        if self._first_chunk[0] == self._voicing[0]:  # its first audio is ready: she is speaking now
            self.inbox.put(ReplyStarted(self.now, turn))
        return True

    def _reply(self, turn: int, text: str | None, times: TurnTimes, hold: Hold | None = None) -> None:
        self.voice.stop()  # nothing of an earlier reply may follow; also resets what was heard
        if hold is not None:
            self.voice.pause()  # prepared: its audio waits in the speaker until the turn is over
        generation = self.voice.generation
        self._voicing = (generation, turn)
        times.reply_start = time.monotonic()
        previous = self._replying
        replying = threading.Thread(target=self._speak_reply, args=(times, generation, text, previous, hold),
                                    name="reply", daemon=True)
        replying.start()
        self._replying = replying  # only once started: Ctrl+C may land on any line, and close() joins it

    def _speak_reply(self, times: TurnTimes, generation: int, text: str | None,
                     previous: threading.Thread | None, hold: Hold | None = None) -> None:
        if previous is not None:  # a cancelled reply winds up within a token; keep history in order
            previous.join(timeout=30)
        said: list[str] = []
        try:
            if text is None:
                said.append(random.choice(CHECK_INS))
                self.conversation.add_reply(said[0])
                self.voice.say(said[0], generation)
            elif not self._stream_reply(text, generation, times, said, hold):
                return  # prepared, and the user went on: nothing of it happened
            self.voice.finish()
        except Exception as exc:  # an engine failed mid-turn: say so, keep listening
            self.display.note(f"(reply failed: {exc})")
            if self.voice.generation == generation:
                self.conversation.add_reply(LOST_THREAD)
                self.voice.say(LOST_THREAD, generation)
                try:
                    self.voice.finish()
                except Exception:
                    pass
        self._finish_reply(times, generation, text, said)

    def _stream_reply(self, text: str, generation: int, times: TurnTimes, said: list[str], hold: Hold | None) -> bool:
        """The model's words to the screen and, clause by clause, to her voice; after the first
        clause the model waits until its audio is made (the two share the CPU). A prepared
        reply (``hold``) then waits for the turn to be over: False if it never was."""
        chunker, unshown = Chunker(), []
        for delta in self.conversation.respond(text, hold):
            times.first_token = times.first_token or self.conversation.first_token or time.monotonic()
            said.append(delta)
            unshown.append(delta)
            for piece in chunker.feed(delta):
                self.voice.say(piece, generation)
                self.voice.wait_first(generation, FIRST_AUDIO_WAIT_S)
                if hold is not None and not hold.wait(HOLD_WAIT_S):
                    return False
            if hold is None or hold.released:
                self.display.assistant("".join(unshown))
                unshown.clear()
        if hold is not None and not hold.wait(HOLD_WAIT_S):  # all written before the turn was over
            return False
        self.display.assistant("".join(unshown))
        for piece in chunker.flush():
            self.voice.say(piece, generation)
        self.display.assistant("\n")  # the text is complete; her voice may go on
        return True

    def _finish_reply(self, times: TurnTimes, generation: int, text: str | None, said: list[str]) -> None:
        turn = times.turn
        voiced, item = self._first_chunk
        times.first_audio = item.started if voiced == generation and item is not None else None
        times.interrupted = self.voice.generation != generation
        if text is not None:
            self.display.latency(times)
        if times.interrupted:  # keep only what was heard
            with self._cut:
                self.conversation.interrupted(self._heard.pop(turn, ""))
        else:
            asked = "".join(said).rstrip().endswith("?")
            self.inbox.put(ReplyFinished(self.now, turn, asked=asked))
        self.prefill()

    def prefill(self) -> None:
        """The model reads the conversation so far while the user speaks: a warm-up, so any
        failure is only a slower next reply."""
        try:
            self.conversation.prefill()
        except Exception:
            pass
