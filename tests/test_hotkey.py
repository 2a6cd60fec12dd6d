"""The talk key: the global hook on a virtual X screen driven by xdotool, and the terminal
fallback through a pseudo-terminal."""

import os
import pty
import queue
import subprocess
import sys
import time

import pytest

from samantha.errors import SamanthaError
from samantha.runtime.hotkey import PushToTalk

WATCH = """
import sys, time
from samantha.errors import SamanthaError
from samantha.runtime.hotkey import PushToTalk
talk = PushToTalk(sys.argv[1], sys.argv[2] == "toggle", lambda down: print("down" if down else "up", flush=True))
print(talk.start(), flush=True)
time.sleep(30)
"""


class Watcher:
    """A process watching the talk key on the virtual screen; its lines with bounded waits."""

    def __init__(self, env, spec, mode="hold"):
        self.env = env
        self.proc = subprocess.Popen([sys.executable, "-c", WATCH, spec, mode], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        import threading

        self._reader = threading.Thread(target=lambda: [self.lines.put(l.strip()) for l in self.proc.stdout],
                                        daemon=True)
        self._reader.start()
        self.started = self.next(20)

    def next(self, timeout=5):
        """The next line, or None after ``timeout`` or as soon as the process has ended without one."""
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                return self.lines.get(timeout=0.05)
            except queue.Empty:
                if self.proc.poll() is not None:  # it ended: what it printed is all there is
                    self._reader.join(timeout=2)
                    return None if self.lines.empty() else self.lines.get_nowait()
        return None

    def keys(self, *args):
        subprocess.run(["xdotool", *args], env=self.env, check=True, timeout=10)

    def close(self):
        self.proc.kill()
        self.proc.wait(timeout=5)


@pytest.fixture
def watch(xvfb):
    watchers = []

    def start(spec, mode="hold"):
        watchers.append(Watcher(xvfb, spec, mode))
        return watchers[-1]

    yield start
    for w in watchers:
        w.close()


def test_hold_to_talk_on_the_desktop(watch):
    w = watch("<ctrl_r>")
    assert w.started == "Talk key: <ctrl_r> (hold it while you talk)."
    w.keys("type", "--delay", "20", "hello there")  # typing other keys does nothing
    assert w.next(1) is None
    w.keys("keydown", "Control_R")
    assert w.next() == "down"
    w.keys("type", "abc")  # still held
    w.keys("keyup", "Control_R")
    assert w.next() == "up" and w.next(1) is None


def test_an_ordinary_key_held_down_is_one_press_whatever_the_keyboard_repeats(watch):
    w = watch("<f9>")
    w.keys("keydown", "F9")
    assert w.next() == "down"
    time.sleep(1.5)  # long enough for the X server to auto-repeat it, if it does
    w.keys("keyup", "F9")
    assert w.next() == "up" and w.next(1) is None


def test_toggle_mode_and_a_key_combination(watch):
    w = watch("<ctrl>+<alt>+t", "toggle")
    w.keys("key", "t")
    assert w.next(1) is None
    w.keys("key", "ctrl+alt+t")
    assert w.next() == "down"
    w.keys("key", "ctrl+alt+t")
    assert w.next() == "up"


def test_a_key_pynput_cannot_name_is_explained(watch):
    w = watch("<no_such_key>")
    assert w.started is None
    w.proc.wait(timeout=10)
    assert "[ptt] key '<no_such_key>' is not a key pynput can name" in w.proc.stderr.read()


def test_without_a_display_enter_in_the_terminal_toggles_talking(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("SSH_TTY", raising=False)
    master, slave = pty.openpty()
    changes = queue.Queue()
    terminal = os.fdopen(slave, "r")
    try:
        talk = PushToTalk("<ctrl_r>", False, changes.put, terminal=terminal)
        said = talk.start()
        assert said == ("No global talk key: there is no display. "
                        "Press Enter here to start talking, and Enter again to stop.")
        os.write(master, b"\n")
        assert changes.get(timeout=5) is True
        os.write(master, b"\n")
        assert changes.get(timeout=5) is False
    finally:
        os.close(master)  # the reader sees the terminal go away and ends


def test_over_ssh_it_says_why_and_with_no_terminal_that_there_is_no_key(monkeypatch, tmp_path):
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 22 10.0.0.2 22")
    with open(os.devnull) as nothing:
        said = PushToTalk("<ctrl_r>", False, lambda down: None, terminal=nothing).start()
    assert said == "No talk key: this is a terminal over SSH, and there is no terminal to press Enter in."
    with open(os.devnull) as nothing, pytest.raises(SamanthaError, match="Push-to-talk needs a talk key"):
        PushToTalk("<ctrl_r>", False, lambda down: None, terminal=nothing).start(required=True)
