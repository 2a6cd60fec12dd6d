"""Keyboard chat on a real terminal (a pseudo-terminal): she shows she is thinking, and what is
typed while she answers stays out of her line and waits, intact, after the next prompt."""

import os
import pty
import select
import subprocess
import sys
import time

import pytest


class Screen:
    """Everything the terminal shows, read with bounded waits."""

    def __init__(self, fd: int):
        self.fd, self.raw = fd, b""

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8", "replace")  # whole, so no character is split between reads

    def wait_for(self, text: str, timeout: float, after: int = 0) -> int:
        """Where ``text`` first shows at or after ``after``."""
        deadline = time.monotonic() + timeout
        while (at := self.text.find(text, after)) < 0:
            assert time.monotonic() < deadline, f"no {text!r} within {timeout} s; got {self.text[after:]!r}"
            if select.select([self.fd], [], [], 0.1)[0]:
                try:
                    self.raw += os.read(self.fd, 4096)
                except OSError:  # the other side closed
                    pass
        return at


@pytest.mark.audio
def test_she_shows_she_is_thinking_and_keys_typed_meanwhile_wait_for_the_next_prompt(
        pulse, met_before, model_flags, tmp_path, reply_text):
    (tmp_path / "config.toml").write_text("[tts]\nspeaking_rate = 0.15\n")  # she speaks for seconds
    terminal, theirs = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "samantha", "chat", *model_flags], env=pulse,
                            stdin=theirs, stdout=theirs, stderr=theirs, start_new_session=True)
    os.close(theirs)
    screen = Screen(terminal)
    try:
        first = screen.wait_for("you › ", 60)
        os.write(terminal, b"Hello\r")
        hers = screen.wait_for("samantha › ", 30, first)
        os.write(terminal, b"typed ahead")  # while she is still speaking
        prompt = screen.wait_for("you › ", 60, hers)
        screen.wait_for("typed ahead", 10, prompt)  # shown after the prompt, ready to send
        os.write(terminal, b"\r")
        screen.wait_for(f"samantha › {reply_text}", 60, prompt)  # sent, and answered
        screen.wait_for("you › ", 60, prompt + 1)
        os.write(terminal, b"\x04")  # Ctrl+D: leave
        proc.wait(timeout=10)
    finally:
        proc.kill()
        os.close(terminal)
    assert "thinking…" in screen.text[first:hers]  # from Enter to her first words
    her_line = screen.text[hers:prompt]  # (ALSA may write an underrun warning to the terminal after it)
    assert her_line.startswith(f"samantha › {reply_text}") and "typed" not in her_line  # her words, only hers
    assert proc.returncode == 0
