"""Leaving: Ctrl+C and SIGTERM end ``samantha voice`` and ``samantha chat`` within a few seconds,
whatever she is doing (loading, listening, thinking, speaking), with the exit code the README
gives, no traceback, and nothing said lost. Real processes on the tiny models; the voice on
PulseAudio null sinks. Each probe prints how long leaving took."""

import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import fault_tally
import pytest
from pulse import play_into
from test_voice_loop import Output

from samantha.conversation.memory import Memory

GONE_WITHIN_S = 3.0  # the promise is "within a second"; a shared, noisy machine gets some slack
NAMES = {signal.SIGINT: "Ctrl+C", signal.SIGTERM: "SIGTERM"}


def leave(proc: subprocess.Popen, signum: int, moment: str) -> float:
    """Send ``signum``; the process must be gone within GONE_WITHIN_S. Returns how long it took."""
    sent = time.monotonic()
    proc.send_signal(signum)
    try:
        proc.wait(timeout=GONE_WITHIN_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
        raise AssertionError(f"still running {GONE_WITHIN_S} s after {NAMES[signum]} while {moment}") from None
    took = time.monotonic() - sent
    print(f"\n{NAMES[signum]} while {moment}: gone in {took * 1000:.0f} ms, exit {proc.returncode}")
    return took


def loading(proc: subprocess.Popen) -> None:
    """Until the command has begun (its own signal handlers are in: SIGTERM is caught), which is
    when it starts loading its engines."""
    deadline = time.monotonic() + 30
    while True:
        caught = re.search(r"SigCgt:\s*([0-9a-f]+)", Path(f"/proc/{proc.pid}/status").read_text())
        if caught and int(caught.group(1), 16) >> (signal.SIGTERM - 1) & 1:
            return
        assert time.monotonic() < deadline and proc.poll() is None, "the command never began"
        time.sleep(0.005)


def clean(args: list[str], stderr: str) -> None:
    fault_tally.saw_output(args, stderr)
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr


def reach(moment: str, out: Output, env, speech) -> None:
    """Wait until ``samantha voice`` is doing ``moment``."""
    if moment == "loading":
        loading(out.proc)
        return
    out.wait_for("listening", 60)
    time.sleep(1.5)  # the new input stream's first second or so is dead time
    if moment == "listening":
        return
    play_into(env, "mic", speech).wait(timeout=30)
    out.wait_for("you ›", 30)  # the turn is over: she is thinking
    if moment == "speaking":
        out.wait_for("samantha ›", 30)
        time.sleep(1.0)  # a long reply at a slow rate: she is mid-sentence


@pytest.mark.audio
@pytest.mark.fault("kept")
@pytest.mark.parametrize(("moment", "signum"), [
    ("loading", signal.SIGINT), ("listening", signal.SIGINT), ("thinking", signal.SIGINT),
    ("speaking", signal.SIGINT), ("listening", signal.SIGTERM), ("speaking", signal.SIGTERM)])
def test_voice_leaves_at_once_whatever_she_is_doing(pulse, met_before, model_flags, phrase_wav, tmp_path,
                                                    heard_text, moment, signum):
    (tmp_path / "config.toml").write_text("[tts]\nspeaking_rate = 0.15\n")  # a long reply, to leave during
    args = ["voice", *model_flags]
    proc = subprocess.Popen([sys.executable, "-m", "samantha", *args], env=pulse, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        reach(moment, Output(proc), pulse, phrase_wav)
        leave(proc, signum, moment)
    finally:
        proc.kill()
    clean(args, proc.stderr.read())
    expected = 143 if signum == signal.SIGTERM else 0  # Ctrl+C is how a conversation ends...
    assert proc.returncode in (expected, 128 + signum)  # ...or how its start is interrupted (130)
    if moment != "loading":
        assert proc.returncode == expected
    memory = Memory.open(tmp_path / "data" / "memory.sqlite3")
    said = [(role, text) for c in memory.export()["conversations"] for role, text, _ in
            [(m["role"], m["content"], m["interrupted"]) for m in c["messages"]]]
    memory.close()
    if moment in ("thinking", "speaking"):  # the user's words were committed when heard
        assert said[0] == ("user", heard_text), said


class Lines:
    """A stream read in the background, with bounded waits for a text to appear."""

    def __init__(self, stream):
        self.text, self._queue = "", queue.Queue()
        threading.Thread(target=lambda: [self._queue.put(c) for c in iter(lambda: stream.read(1), "")],
                         daemon=True).start()

    def wait_for(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.text:
            assert time.monotonic() < deadline, f"no {text!r} within {timeout} s; got {self.text!r}"
            try:
                self.text += self._queue.get(timeout=0.1)
            except queue.Empty:
                pass


def start_chat(env, flags, *more):
    args = ["chat", *flags, *more]
    proc = subprocess.Popen([sys.executable, "-m", "samantha", *args], env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, args, Lines(proc.stdout), Lines(proc.stderr)


@pytest.mark.fault("kept")
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 0), (signal.SIGTERM, 143)])
def test_chat_leaves_at_once_from_the_prompt(cli_env, met_before, model_flags, tmp_path, reply_text, signum, code):
    proc, args, out, err = start_chat(cli_env, model_flags, "--no-audio")
    try:
        err.wait_for("is here", 60)
        proc.stdin.write("Hello\n")
        proc.stdin.flush()
        out.wait_for(reply_text + "\nyou › ", 30)  # her reply is over: the next prompt
        leave(proc, signum, "waiting for the next line")
    finally:
        proc.kill()
    clean(args, err.text)
    assert proc.returncode == code
    memory = Memory.open(tmp_path / "data" / "memory.sqlite3")
    assert [(m["role"], m["content"]) for m in memory.export()["conversations"][-1]["messages"]] == [
        ("user", "Hello"), ("assistant", reply_text)]
    memory.close()


@pytest.mark.fault("kept")
def test_chat_interrupted_while_loading_is_gone_at_once(cli_env, model_flags):
    proc, args, _, err = start_chat(cli_env, model_flags, "--no-audio")
    try:
        loading(proc)
        leave(proc, signal.SIGINT, "loading")
    finally:
        proc.kill()
    time.sleep(0.2)
    clean(args, err.text)
    assert proc.returncode == 130


@pytest.mark.audio
def test_ctrl_c_in_a_spoken_keyboard_reply_stops_only_the_reply(pulse, met_before, model_flags, tmp_path):
    (tmp_path / "config.toml").write_text("[tts]\nspeaking_rate = 0.15\n")  # she speaks for seconds
    proc, args, out, err = start_chat(pulse, model_flags)
    try:
        err.wait_for("is here", 60)
        proc.stdin.write("Hello\n")
        proc.stdin.flush()
        out.wait_for("samantha ›", 30)
        time.sleep(1.0)  # her text is out; her voice goes on
        proc.send_signal(signal.SIGINT)
        err.wait_for("(stopped)", 10)
        time.sleep(GONE_WITHIN_S)
        assert proc.poll() is None, "Ctrl+C in a reply ended the chat"  # she stopped, and is still here
        proc.stdin.close()  # Ctrl+D: leave
        proc.wait(timeout=10)
    finally:
        proc.kill()
    clean(args, err.text)
    assert proc.returncode == 0
