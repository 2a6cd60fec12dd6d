"""The whole loop in one process: real speech frames through the real VAD, tiny real
engines, and a recording stand-in for the sound device (the device itself is tested on
PulseAudio in test_audio_devices / test_microphone)."""

import dataclasses
import threading
import time

import numpy as np
import pytest
from conftest import BRIEF

from samantha.audio.speaker import Queued
from samantha.config import LlmSettings, Settings, TurnSettings
from samantha.conversation.dialogue import Conversation
from samantha.core.frames import FRAME, RATE, Frame
from samantha.core.turns import State
from samantha.runtime.replies import LOST_THREAD
from samantha.runtime.session import Session


class Device:
    """Records what would be played; ``hold`` keeps a reply 'playing' until flushed."""

    def __init__(self, hold: bool = False):
        self.played, self.paused, self.flushes, self.hold = [], False, 0, hold
        self._done = threading.Event()
        self._done.set()

    def play(self, chunk, text=""):
        self.played.append(text)
        if self.hold:
            self._done.clear()
        return Queued(chunk.audio, text, started=time.monotonic())

    def pause(self):
        self.paused = True

    def resume(self):
        self.paused = False

    def flush(self):
        self.flushes += 1
        self._done.set()
        heard, self.played = " ".join(self.played[:1]), []
        return heard

    def wait(self, timeout=None):
        return self._done.wait(timeout)

    def close(self):
        self._done.set()


class Log:
    def __init__(self):
        self.states, self.users, self.deltas, self.notes, self.times = [], [], [], [], []

    def status(self, state):
        self.states.append(state)

    def user(self, text):
        self.users.append(text)

    def assistant(self, delta):
        self.deltas.append(delta)

    def note(self, text):
        self.notes.append(text)

    def latency(self, times):
        self.times.append(times)


class Feeder:
    def __init__(self, session: Session):
        self.session, self.t = session, 0.0

    def audio(self, samples: np.ndarray) -> None:
        for i in range(len(samples) // FRAME):
            self.session.step(Frame(samples[i * FRAME : (i + 1) * FRAME], self.t))
            self.t += FRAME / RATE

    def silence_until(self, done, wall_s: float = 30) -> None:
        deadline = time.monotonic() + wall_s
        while not done():
            assert time.monotonic() < deadline, "timed out"
            self.audio(np.zeros(FRAME, np.float32))
            time.sleep(0.005)  # let the workers run, as real time would


@pytest.fixture
def utterance(testdata):
    from samantha.audio.audio_files import load_audio

    return load_audio(testdata / "jfk.flac")[: int(2.4 * RATE)]  # "And so my fellow Americans"


def make(transcriber, chat_model, synthesizer, device, model=None, settings=None, memory=None):
    settings = settings or Settings()
    conversation = Conversation(model or chat_model, LlmSettings(context_tokens=512), memory=memory, persona=BRIEF)
    log = Log()
    return Session(settings, transcriber, conversation, synthesizer, device, log), conversation, log


def test_a_spoken_turn_is_heard_answered_aloud_and_kept(transcriber, chat_model, synthesizer, utterance,
                                                       heard_text, reply_text):
    session, conversation, log = make(transcriber, chat_model, synthesizer, Device())
    feed = Feeder(session)
    feed.audio(utterance)
    feed.silence_until(lambda: session.machine.state is State.LISTENING and log.users)
    assert log.users == [heard_text]
    assert "".join(log.deltas).strip() == reply_text
    assert [s for s in log.states] == [State.USER_SPEAKING, State.THINKING, State.SPEAKING, State.LISTENING]
    assert [(m.role, m.content) for m in conversation.history] == [("user", heard_text), ("assistant", reply_text)]
    [times] = log.times  # where the turn's time went, in the order it happened
    assert times.turn == 1 and not times.interrupted
    assert times.transcript <= times.turn_end <= times.first_token <= times.first_audio
    assert times.speech_end < times.turn_end
    session.close()


def test_talking_over_her_stops_her_and_keeps_only_what_was_heard(transcriber, chat_model, synthesizer, utterance,
                                                                 heard_text):
    device = Device(hold=True)  # her reply keeps "playing" until she is stopped
    session, conversation, log = make(transcriber, chat_model, synthesizer, device)
    feed = Feeder(session)
    feed.audio(utterance)
    feed.silence_until(lambda: session.machine.state is State.SPEAKING)
    feed.audio(np.zeros(int(1.2 * RATE), np.float32))  # long after the user's words: not their turn going on
    speech = utterance[int(0.32 * RATE):]  # jfk's first word starts 0.32 s in
    heard = 0
    while not device.paused and heard < int(0.2 * RATE):  # the VAD hears speech: she pauses at once
        feed.audio(speech[heard : heard + FRAME])
        heard += FRAME
    assert device.paused and session.machine.state is State.SPEAKING and session.machine.turn == 1
    feed.audio(speech[heard:])  # ...and it goes on: a real interruption
    assert log.notes == ['(interrupted; she had said: "Hello from the tiny test model.")']
    assert session.machine.turn == 2
    feed.silence_until(lambda: len(log.users) == 2 and any(m.interrupted for m in conversation.history))  # the cut
    interrupted = [m for m in conversation.history if m.interrupted]  # reply winds up on its own thread
    assert len(interrupted) == 1 and interrupted[0].content == "Hello from the tiny test model."
    session.close()


def test_when_the_user_goes_on_her_reply_is_taken_back_and_all_their_words_are_one_turn(
        transcriber, chat_model, synthesizer, utterance, memory):
    settings = dataclasses.replace(Settings(), turns=TurnSettings(go_on_s=5))  # however slow the machine
    ears = Measuring(transcriber)
    session, conversation, log = make(ears, chat_model, synthesizer, Device(hold=True), settings=settings,
                                      memory=memory)
    feed = Feeder(session)
    feed.audio(utterance)
    feed.silence_until(lambda: session.machine.state is State.THINKING)  # a pause taken for the end
    went_on = utterance[int(0.32 * RATE):]
    feed.audio(went_on)  # ...and the user goes on
    assert log.notes == ["(you went on; she listens)"] and session.machine.turn == 2
    feed.silence_until(lambda: len(log.users) == 2 and session.machine.state is State.SPEAKING)
    users = [m.content for m in conversation.history if m.role == "user"]
    assert users == [log.users[1]]  # one turn...
    # ...transcribed from its first word to its last: both parts, whatever pause the workers' timing left
    # between them (none, at the least), less at most the first part's silence before its first word.
    # The second part alone would be under 2.5 s (its own length, 0.3 s before it, a quiet frame after).
    assert ears.seconds[-1] > (len(utterance) + len(went_on)) / RATE - 0.3
    assert [text for role, text, _ in memory.messages() if role == "user"] == [log.users[1]]
    assert not any(m.interrupted for m in conversation.history)  # nothing of her withdrawn reply is kept
    session.close()


def test_after_a_command_she_acted_on_speech_soon_after_is_an_ordinary_interruption(
        transcriber, chat_model, synthesizer, utterance, memory):
    settings = dataclasses.replace(Settings(), turns=TurnSettings(go_on_s=5))
    session, conversation, log = make(Saying(transcriber, "Forget that."), chat_model, synthesizer, Device(hold=True),
                                      settings=settings, memory=memory)
    feed = Feeder(session)
    feed.audio(utterance)
    feed.silence_until(lambda: session.machine.state is State.THINKING)  # acted on at once: no taking it back
    feed.audio(utterance[int(0.32 * RATE):])
    assert log.notes[0].startswith("(interrupted; she had said") and session.machine.turn == 2
    session.close()


class Saying:
    """The real tiny Whisper, but every transcript is ``text``."""

    def __init__(self, transcriber, text):
        self.transcriber, self.sample_rate, self.text = transcriber, transcriber.sample_rate, text

    def transcribe(self, audio):
        return dataclasses.replace(self.transcriber.transcribe(audio), text=self.text)


class Measuring:
    """The real tiny Whisper, noting how many seconds of audio each transcription was given."""

    def __init__(self, transcriber):
        self.transcriber, self.sample_rate, self.seconds = transcriber, transcriber.sample_rate, []

    def transcribe(self, audio):
        self.seconds.append(len(audio) / self.sample_rate)
        return self.transcriber.transcribe(audio)


class Broken:
    def count_tokens(self, text):
        return len(text.split())

    def prefill(self, messages):
        pass

    def stream(self, messages, max_tokens=None):
        class Failing:
            def __iter__(self):
                yield "Well,"
                raise RuntimeError("the model fell over")

            def cancel(self):
                pass

            def close(self):
                pass

        return Failing()


def test_an_engine_that_fails_mid_turn_is_apologised_for_and_she_keeps_listening(
        transcriber, chat_model, synthesizer, utterance):
    device = Device()
    session, conversation, log = make(transcriber, chat_model, synthesizer, device, model=Broken())
    feed = Feeder(session)
    feed.audio(utterance)
    feed.silence_until(lambda: session.machine.state is State.LISTENING and log.users)
    assert any("the model fell over" in n for n in log.notes)
    assert LOST_THREAD in device.played and conversation.history[-1].content == LOST_THREAD
    session.close()


def test_clipped_speech_is_still_heard_and_answered(transcriber, chat_model, synthesizer, utterance, heard_text):
    session, conversation, log = make(transcriber, chat_model, synthesizer, Device())
    feed = Feeder(session)
    feed.audio(np.clip(utterance * 40, -1, 1))  # a microphone gain far too high
    feed.silence_until(lambda: session.machine.state is State.LISTENING and log.users)
    assert log.users == [heard_text] and conversation.history[-1].role == "assistant"
    session.close()


class MidThought:
    """The real tiny Whisper, but every transcript trails off, as a real one would mid-monologue."""

    def __init__(self, transcriber):
        self.transcriber, self.sample_rate, self.longest_s = transcriber, transcriber.sample_rate, 0.0

    def transcribe(self, audio):
        self.longest_s = max(self.longest_s, len(audio) / self.sample_rate)
        heard = self.transcriber.transcribe(audio)
        return dataclasses.replace(heard, text=heard.text.rstrip(".") + ", and")


def test_a_minute_long_monologue_is_capped_answered_and_nothing_gets_stuck(
        transcriber, chat_model, synthesizer, testdata):
    from samantha.audio.audio_files import load_audio

    monologue = load_audio(testdata / "multilingual.mp3")  # 60 s: the MIT licence read aloud, twice
    settings = dataclasses.replace(Settings(), turns=TurnSettings(max_turn_s=45, trailing_silence_s=5))
    stt = MidThought(transcriber)
    session, conversation, log = make(stt, chat_model, synthesizer, Device(), settings=settings)
    feed = Feeder(session)
    for second in range(int(len(monologue) / RATE)):  # at a pace the workers can follow
        feed.audio(monologue[second * RATE : (second + 1) * RATE])
        time.sleep(0.01)
    # Its end depends on timing: speech after a pause may rightly interrupt her answer. Either
    # way the loop must come back to listening with nothing left running.
    feed.silence_until(lambda: session.machine.state is State.LISTENING and not session.replies.replying.is_alive())
    assert log.users[0].endswith(", and")  # the cap ended the first turn, mid-thought, and she set out to answer
    assert 44 < stt.longest_s < 46 + 0.5  # what was transcribed is the capped turn, not the whole minute
    assert conversation.history[0].content == log.users[0]  # kept, whether or not her answer was talked over
    assert not [n for n in log.notes if "failed" in n or "could not" in n]
    session.close()


def test_when_she_falls_asleep_she_takes_notes_of_the_conversation(transcriber, chat_model, synthesizer, utterance,
                                                                   tmp_path, reply_text):
    from samantha.conversation.memory import Memory

    memory = Memory.open(tmp_path / "memory.sqlite3")
    settings = dataclasses.replace(Settings(), turns=TurnSettings(sleep_after_s=2, wake_name="Samantha"))
    conversation = Conversation(chat_model, LlmSettings(context_tokens=4096), memory, BRIEF)  # room for notes
    session = Session(settings, transcriber, conversation, synthesizer, Device(), Log())
    feed = Feeder(session)
    feed.audio(utterance)
    feed.silence_until(lambda: session.machine.state is State.SLEEPING and not memory.unlearned())
    assert memory.export()["conversations"][0]["summary"] == reply_text  # the tiny model's notes
    session.close()
    memory.close()


def test_while_a_letter_is_open_a_long_quiet_does_not_put_her_to_sleep(transcriber, chat_model, synthesizer, tmp_path):
    from samantha.conversation.letter_desk import LetterDesk
    from samantha.letters.files import LetterFiles

    settings = dataclasses.replace(Settings(), turns=TurnSettings(sleep_after_s=1, wake_name="Samantha"))
    session, conversation, _ = make(transcriber, chat_model, synthesizer, Device(), settings=settings)
    conversation.letters = LetterDesk(LetterFiles(tmp_path))
    conversation.letters.answer("Let's write a letter to Amy.")  # as her reply to it would
    feed = Feeder(session)
    feed.audio(np.zeros(2 * RATE, np.float32))  # twice the quiet she sleeps after
    assert session.machine.dictating and session.machine.state is State.LISTENING
    conversation.letters.answer("That's it, save it.")
    feed.audio(np.zeros(FRAME, np.float32))
    assert not session.machine.dictating and session.machine.state is State.SLEEPING
    session.close()


def test_letting_go_of_the_key_still_transcribes_the_words_on_their_way_in(transcriber, chat_model, synthesizer,
                                                                         utterance):
    stt = MidThought(transcriber)
    session, _, log = make(stt, chat_model, synthesizer, Device())
    feed = Feeder(session)
    feed.audio(np.zeros(RATE, np.float32))
    session.press(True)
    session.step(None)
    feed.audio(utterance[: RATE])
    session.press(False)  # let go: the turn is over...
    session.step(None)
    assert session.decided_at >= session.released_at and stt.longest_s == 0
    feed.audio(utterance[RATE : int(1.3 * RATE)])  # ...but its last 0.12 s were still in the pipeline
    feed.silence_until(lambda: log.users)
    assert stt.longest_s == pytest.approx(1.0 + 0.3 + 0.12, abs=0.07)  # from the press (less pre-roll) to the tail
    session.close()


class Speakers(Device):
    """A recording stand-in that has been playing her voice loudly all along (for the echo gate)."""

    name = "Built-in Speakers"

    def __init__(self, hold: bool = False):
        super().__init__(hold)
        from samantha.audio.played_levels import PlayedLevels

        self.levels = PlayedLevels()

    def sounding(self) -> float:
        now = time.monotonic()
        self.levels.add(now, 0.1)
        return now


def test_the_turn_taker_knows_whether_her_echo_may_come_back(transcriber, chat_model, synthesizer):
    from samantha.config import AudioSettings

    for kind, echo in (("speakers", True), ("headset", False)):
        settings = dataclasses.replace(Settings(), audio=AudioSettings(output_kind=kind, aec="off"))
        session, _, _ = make(transcriber, chat_model, synthesizer, Speakers(), settings=settings)
        session.step(Frame(np.zeros(FRAME, np.float32), 0.0))
        assert session.machine.speakers is echo  # with speakers, no quicker "going on" (core/turns.py)
        assert session.detector.vad.blank_after_silence is echo  # nor a keener ear after silence (audio/vad.py)
        session.close()


def test_with_speakers_a_voice_no_louder_than_her_echo_starts_nothing_but_the_talk_key_always_works(
        transcriber, chat_model, synthesizer, utterance, heard_text):
    from samantha.config import AudioSettings

    settings = dataclasses.replace(Settings(), audio=AudioSettings(output_kind="speakers", aec="off"))  # the gate alone
    speaker = Speakers()
    session, _, log = make(transcriber, chat_model, synthesizer, speaker, settings=settings)
    assert session.devices.kind == "speakers" and session.devices.echo is not None
    quiet = utterance / np.abs(utterance).max() * 0.08  # under the gate's bar while she plays at 0.1

    def feed(audio, t):
        for i in range(len(audio) // FRAME):
            session.step(Frame(audio[i * FRAME:(i + 1) * FRAME], t, at=speaker.sounding()))
            t += FRAME / RATE
        return t

    t = feed(quiet, 0.0)
    t = feed(np.zeros(RATE, np.float32), t)
    assert not log.users and session.machine.state is State.LISTENING  # taken for her echo
    session.press(True)
    session.step(None)
    t = feed(quiet, t)
    session.press(False)
    deadline = time.monotonic() + 30
    while not log.users:
        assert time.monotonic() < deadline, "timed out"
        t = feed(np.zeros(FRAME, np.float32), t)
        time.sleep(0.005)
    assert log.users == [heard_text]  # the key's turn, heard through the gate
    session.close()


def test_when_the_microphone_goes_mid_turn_what_was_heard_is_answered_and_its_last_frames_are_ignored(
        transcriber, chat_model, synthesizer, utterance, heard_text):
    session, conversation, log = make(transcriber, chat_model, synthesizer, Device())
    feed = Feeder(session)
    feed.audio(utterance[: int(1.5 * RATE)])  # "And so my fellow..." and the microphone is pulled out
    assert session.machine.state is State.USER_SPEAKING
    session._deaf()  # what the device watch says when it notices
    deadline = time.monotonic() + 30
    while not log.users:  # no frame will come to end the turn: it ends with what was heard
        assert time.monotonic() < deadline, "timed out"
        session.step(None)
        time.sleep(0.01)
    assert log.users == [heard_text]
    turns = session.machine.turn

    def frames(stream: int):
        for i in range(len(utterance) // FRAME):
            session.step(Frame(utterance[i * FRAME:(i + 1) * FRAME], feed.t, stream=stream))
            feed.t += FRAME / RATE

    frames(stream=0)  # late frames of the stream that went (perhaps her own voice, from a monitor)
    assert session.machine.turn == turns
    frames(stream=1)  # the microphone is back: a new stream
    assert session.machine.turn == turns + 1
    session.close()


def test_with_speakers_a_pause_for_what_came_to_nothing_raises_the_gates_bar_and_a_real_utterance_does_not(
        transcriber, chat_model, synthesizer, utterance):
    from samantha.config import AudioSettings
    from samantha.core.messages import SpeechEnded, SpeechLikely, SpeechUnlikely

    settings = dataclasses.replace(Settings(), audio=AudioSettings(output_kind="speakers", aec="off"))  # the gate alone
    speaker = Speakers(hold=True)  # her reply goes on playing
    session, _, log = make(transcriber, chat_model, synthesizer, speaker, settings=settings)
    feed = Feeder(session)
    feed.audio(utterance)
    feed.silence_until(lambda: session.machine.state is State.SPEAKING)

    def loud_then(end_event, after_s: float) -> float:
        """A loud frame gets through the gate, she pauses for it, and it ends ``after_s`` later."""
        session.devices._fresh_gate()
        session.step(Frame(np.full(FRAME, 0.5, np.float32), feed.t, at=speaker.sounding()))
        feed.t += FRAME / RATE
        session._handle(SpeechLikely(session.now))
        assert speaker.paused
        session._handle(end_event(session.now + after_s))
        assert not speaker.paused
        return session.devices.echo.coupling

    assert loud_then(SpeechUnlikely, 0.064) >= 4.9  # nobody: her own echo, 5 times what she plays
    assert loud_then(SpeechEnded, 0.2) >= 4.9  # a blip just as short: the same
    assert loud_then(SpeechEnded, 0.6) == 1.0  # an "mm-hmm": a person, nothing learned from it
    session.close()


class Trailing:
    """The real tiny Whisper, but every transcript trails off: the turn waits a long silence."""

    def __init__(self, transcriber):
        self.transcriber, self.sample_rate = transcriber, transcriber.sample_rate

    def transcribe(self, audio):
        heard = self.transcriber.transcribe(audio)
        return dataclasses.replace(heard, text=heard.text.rstrip(".") + ", and")


class PauseAware(Device):
    """Notes, for each chunk, whether playback was paused when it arrived (so it waited)."""

    def __init__(self):
        super().__init__()
        self.arrived_paused = []

    def play(self, chunk, text=""):
        self.arrived_paused.append(self.paused)
        return super().play(chunk, text)


def test_a_reply_prepared_in_the_pause_is_said_once_the_turn_is_over(transcriber, chat_model, synthesizer, utterance,
                                                                    reply_text):
    device = PauseAware()
    session, conversation, log = make(Trailing(transcriber), chat_model, synthesizer, device)
    feed = Feeder(session)
    feed.audio(utterance)
    feed.silence_until(lambda: session.replies.held is not None)  # the words are in; the silence is not long enough yet
    assert log.users == [] and conversation.history == []  # prepared: nothing shown, nothing kept
    deadline = time.monotonic() + 30  # the pause goes on as long as the reply takes to write, however busy the
    while not device.arrived_paused:  # machine: no virtual time passes meanwhile
        assert time.monotonic() < deadline, "the prepared reply never reached the speaker"
        time.sleep(0.01)
    feed.silence_until(lambda: session.machine.state is State.LISTENING and log.times)
    [user] = log.users
    assert "".join(log.deltas).strip() == reply_text
    assert [(m.role, m.content) for m in conversation.history] == [("user", user), ("assistant", reply_text)]
    [times] = log.times
    assert times.first_token < times.turn_end  # written during the pause...
    assert device.arrived_paused[0] and not device.paused  # ...and its first words waited for the turn to end
    session.close()


def test_a_prepared_reply_is_dropped_unheard_when_the_user_goes_on(transcriber, chat_model, synthesizer, utterance,
                                                                   reply_text):
    device = Device()
    session, conversation, log = make(Trailing(transcriber), chat_model, synthesizer, device)
    feed = Feeder(session)
    feed.audio(utterance)
    feed.silence_until(lambda: session.replies.held is not None)
    first = session.replies.held[2]
    feed.audio(utterance)  # ...and goes on talking
    assert first.wait(5) is False  # dropped
    feed.silence_until(lambda: session.machine.state is State.LISTENING and log.times)
    assert len(log.users) == 1 and "".join(log.deltas).strip() == reply_text  # one reply, said once
    assert [m.role for m in conversation.history] == ["user", "assistant"]
    assert device.played and all(text for text in device.played)
    session.close()


def test_without_preparing_the_reply_starts_when_the_turn_is_over(transcriber, chat_model, synthesizer, utterance):
    settings = dataclasses.replace(Settings(), turns=TurnSettings(prepare=False))
    session, conversation, log = make(Trailing(transcriber), chat_model, synthesizer, Device(), settings=settings)
    feed = Feeder(session)
    feed.audio(utterance)
    feed.silence_until(lambda: session.machine.state is State.LISTENING and log.times)
    assert session.replies.held is None and log.times[0].first_token > log.times[0].turn_end
    session.close()
