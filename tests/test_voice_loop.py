"""End to end on real audio devices: speak into a virtual microphone, hear her on a virtual
speaker, talk over her, and leave with Ctrl+C. Tiny real models; PulseAudio null sinks."""

import queue
import re
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import numpy as np
import pytest
from pulse import load_recording, play_into, recording

from samantha.conversation.memory import Memory

pytestmark = pytest.mark.audio


class Output:
    """The process's stdout, line by line, with bounded waits."""

    def __init__(self, proc):
        self.proc, self.lines, self._queue = proc, [], queue.Queue()
        threading.Thread(target=lambda: [self._queue.put(l) for l in proc.stdout], daemon=True).start()

    def wait_for(self, pattern: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines:
                if re.search(pattern, line):
                    self.lines.remove(line)
                    return line
            try:
                self.lines.append(self._queue.get(timeout=0.1))
            except queue.Empty:
                pass
        raise AssertionError(f"no line matching {pattern!r} within {timeout} s; got {self.lines}")

    def collect(self, seconds: float, until: str | None = None) -> list[str]:
        """Every line printed from now for ``seconds``, or up to the first matching ``until``
        (which must come within ``seconds``). Lines seen before are dropped."""
        self.lines, deadline = [], time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self.lines.append(line := self._queue.get(timeout=min(0.1, left)))
            except queue.Empty:
                continue
            if until and re.search(until, line):
                break
        else:
            assert until is None, f"no line matching {until!r} within {seconds} s; got {self.lines}"
        seen, self.lines = self.lines, []
        return seen


@contextmanager
def samantha_voice(env, *flags, program=("-m", "samantha")):
    """``samantha voice`` running, with its output read line by line; on leaving the block it
    must have exited 0 on Ctrl+C (it is killed if it did not)."""
    proc = subprocess.Popen([sys.executable, *program, "voice", *flags], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield Output(proc)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == 0, proc.stderr.read()


def loud(audio: np.ndarray, rate: int = 16000, block: float = 0.1) -> np.ndarray:
    """RMS per 100 ms block above a floor: where the speaker was making sound."""
    n = int(rate * block)
    blocks = audio[: len(audio) // n * n].reshape(-1, n)
    return np.sqrt((blocks**2).mean(axis=1)) > 0.01


def test_she_answers_out_loud_stops_when_talked_over_and_leaves_on_ctrl_c(
        pulse, met_before, model_flags, tiny_models, phrase_wav, tmp_path, heard_text):
    utterance = phrase_wav
    (tmp_path / "config.toml").write_text("[tts]\nspeaking_rate = 0.15\n")  # a long reply, to talk over
    heard = tmp_path / "speaker.f32"
    with recording(pulse, "speaker.monitor", heard), samantha_voice(pulse, "--verbose", *model_flags) as out:
        out.wait_for("listening", 60)
        time.sleep(2.0)  # the new input stream's first second or so is dead time
        play_into(pulse, "mic", utterance).wait(timeout=30)
        assert heard_text in out.wait_for("you ›", 30)
        out.wait_for("samantha ›", 30)
        time.sleep(1.5)  # she is speaking now; talk over her
        player = play_into(pulse, "mic", utterance)
        cut = out.wait_for(r"\(interrupted; she had said", 10)
        timing = out.wait_for(r"latency from end of speech", 10)  # --verbose: where the turn's time went
        player.wait(timeout=30)
        out.wait_for("you ›", 30)  # the interruption became the user's next turn
    assert re.search(r"transcript \+\d+ ms · reply started \+\d+ ms · end of turn \+\d+ ms · first token \+\d+ ms · "
                     r"first audio \+\d+ ms \(interrupted\)", timing), timing
    said = re.search(r'she had said: "(.*)"\)', cut).group(1)
    assert REPLY.startswith(said) and said != REPLY  # history keeps what was heard, not the whole reply

    # The null sink's monitor only records while something plays into it, so the recording
    # has no wall-clock timeline; judge her voice by its own runs of sound instead.
    runs = sound_runs(loud(load_recording(heard)))
    full = reply_seconds(tiny_models, said_in_full=REPLY)
    assert runs and runs[0][1] >= 1.0, f"she was not audibly speaking before being talked over: {runs}"
    assert runs[0][1] <= full - 2.0, f"her voice went on (full reply {full:.1f} s): {runs}"
    if len(runs) > 1:  # her answer to the interruption comes only after the user has finished
        assert runs[1][0] - (runs[0][0] + runs[0][1]) >= 1.0, runs


REPLY = "Hello from the tiny test model. It speaks in short sentences, then stops!"


def sound_runs(sound: np.ndarray, block: float = 0.1) -> list[tuple[float, float]]:
    """(start, length) in seconds of each stretch of sound."""
    runs, start = [], None
    for i, on in enumerate(list(sound) + [False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            runs.append((start * block, (i - start) * block))
            start = None
    return runs


def reply_seconds(tiny_models, said_in_full: str) -> float:
    from samantha.config import TtsSettings
    from samantha.engines.piper import PiperSynthesizer

    voice = PiperSynthesizer.load(tiny_models["voice"], TtsSettings(speaking_rate=0.15))
    return sum(c.duration_s for c in voice.synthesize(said_in_full))


def test_the_first_meeting_is_spoken_and_the_answer_lands_in_the_profile(
        pulse, model_flags, phrase_wav, tmp_path, heard_text):
    answer = phrase_wav
    heard = tmp_path / "speaker.f32"
    with recording(pulse, "speaker.monitor", heard), samantha_voice(pulse, *model_flags) as out:
        opening = out.wait_for("what should I call you", 60)  # she speaks first
        time.sleep(2.0)
        for reply in ("didn't quite catch that", "Nice to meet you, friend"):  # the tiny Whisper's words
            play_into(pulse, "mic", answer).wait(timeout=30)             # are no name: asked again,
            assert heard_text in out.wait_for("you ›", 30)               # then a kind default
            out.wait_for(reply, 30)
            time.sleep(1.5)
    assert opening.startswith("samantha › Hi, I'm Samantha.")
    assert sound_runs(loud(load_recording(heard))), "her opening was not heard"
    memory = Memory.open(tmp_path / "data" / "memory.sqlite3")
    assert memory.profile() == {"name": "friend"}
    memory.close()


def test_push_to_talk_on_the_desktop_hold_speak_let_go_and_press_to_stop_her(
        pulse, xvfb, met_before, model_flags, phrase_wav, tmp_path, heard_text):
    speech = phrase_wav
    (tmp_path / "config.toml").write_text("[tts]\nspeaking_rate = 0.15\n")  # a long reply, to stop

    def key(action):
        subprocess.run(["xdotool", action, "Control_R"], env=xvfb, check=True, timeout=10)

    with samantha_voice(xvfb, "--mode", "push-to-talk", *model_flags) as out:
        assert "Talk key: <ctrl_r> (hold it while you talk)." in out.wait_for("Talk key", 60)
        out.wait_for("listening", 30)
        time.sleep(2.0)
        play_into(pulse, "mic", speech).wait(timeout=30)  # voice alone starts nothing in this mode
        time.sleep(1.0)
        key("keydown")
        play_into(pulse, "mic", speech).wait(timeout=30)
        time.sleep(0.5)
        key("keyup")  # letting go ends the turn
        assert heard_text in out.wait_for("you ›", 30)
        out.wait_for("samantha ›", 30)
        time.sleep(1.5)  # she is speaking
        key("keydown")
        out.wait_for(r"\(interrupted; she had said", 10)  # held past min_interrupt_s: she stops
        key("keyup")
        out.wait_for("listening", 30)  # that press held only silence: nothing heard, back to listening
    assert not [line for line in out.lines if line.startswith("you ›")]  # the speech without the key: no turn
