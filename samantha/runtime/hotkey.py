"""The talk key: held (or pressed twice, in toggle mode) anywhere on the desktop.

pynput's global listener sees the key while another window has focus. Where no global hook
is possible (no display, Wayland without an X server, a terminal over SSH) that is said
once, and Enter in this terminal toggles talking instead. A held ordinary key (F9, say)
repeats as release-press pairs on X11, so a release only counts once no press follows it
within ``REPEAT_S``.
"""

from __future__ import annotations

import os
import select
import sys
import threading
from collections.abc import Callable
from typing import TextIO

from samantha.errors import SamanthaError

REPEAT_S = 0.06  # a release followed this soon by a press is the keyboard's auto-repeat


class PushToTalk:
    def __init__(self, spec: str, toggle: bool, on_change: Callable[[bool], None], terminal: TextIO | None = None):
        """``on_change(True)`` when talking starts, ``on_change(False)`` when it ends."""
        self.spec, self.toggle, self._on_change = spec, toggle, on_change
        self._terminal = terminal if terminal is not None else sys.stdin
        self._talking, self._down = False, False
        self._pressed: set[object] = set()
        self._listener = None
        self._stopped = threading.Event()
        self._reader: threading.Thread | None = None

    def start(self, required: bool = False) -> str:
        """Start listening; returns what to tell the user (how to talk, or why the terminal is used).
        ``required``: with no key at all (push-to-talk mode), that is an error, not a note."""
        why = self._no_global_hook()
        if why is None:
            try:
                self._listen_globally()
                how = "press once to talk, again to stop" if self.toggle else "hold it while you talk"
                return f"Talk key: {self.spec} ({how})."
            except SamanthaError:
                raise
            except Exception as exc:
                why = f"the desktop's keyboard cannot be watched ({exc})"
        if not self._terminal.isatty():
            if required:
                raise SamanthaError(f"Push-to-talk needs a talk key, and there is none: {why}, and there is no "
                                    "terminal to press Enter in. Run in a terminal, or use --mode hands-free.")
            return f"No talk key: {why}, and there is no terminal to press Enter in."
        self._reader = threading.Thread(target=self._read_terminal, name="talk-key", daemon=True)
        self._reader.start()
        return f"No global talk key: {why}. Press Enter here to start talking, and Enter again to stop."

    def stop(self) -> None:
        self._stopped.set()
        if self._listener is not None:
            self._listener.stop()
        if self._reader is not None:
            self._reader.join(timeout=1)

    @staticmethod
    def _no_global_hook() -> str | None:
        if os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"):
            return "this is a terminal over SSH"
        if not os.environ.get("DISPLAY"):
            return "Wayland lets no program watch the keyboard" if os.environ.get("WAYLAND_DISPLAY") else "there is no display"
        return None

    def _listen_globally(self) -> None:
        from pynput import keyboard

        talk_key = TalkKey(keyboard, self.spec)
        pending: dict[tuple, threading.Timer] = {}  # releases that may yet prove to be auto-repeat

        def on_press(key) -> None:
            if (k := talk_key.match(key, listener)) is None:
                return
            if (repeat := pending.pop(k, None)) is not None:
                repeat.cancel()  # auto-repeat: the key never really went up
                return
            self._pressed.add(k)
            if self._pressed >= talk_key.keys and not self._down:
                self._down = True
                self._set(not self._talking if self.toggle else True)

        def released(k) -> None:
            pending.pop(k, None)
            self._released(k)

        def on_release(key) -> None:
            if (k := talk_key.match(key, listener)) is None:
                return
            if k in talk_key.modifiers:
                released(k)
            else:
                pending[k] = threading.Timer(REPEAT_S, released, (k,))
                pending[k].start()

        listener = keyboard.Listener(on_press=on_press, on_release=on_release)
        listener.start()
        listener.wait()  # raises here if the backend cannot start
        self._listener = listener

    def _released(self, k: tuple) -> None:
        """A key of the talk key really went up (not the keyboard's auto-repeat)."""
        self._pressed.discard(k)
        if self._down:
            self._down = False
            if not self.toggle:
                self._set(False)

    def _read_terminal(self) -> None:
        """Each Enter toggles. Raw reads with a timeout, so nothing holds the terminal's buffer
        when Samantha exits (a thread blocked in readline() can abort the interpreter's exit)."""
        fd = self._terminal.fileno()
        try:
            while not self._stopped.is_set():
                if select.select([fd], [], [], 0.2)[0]:
                    data = os.read(fd, 1024)
                    if not data:
                        return  # end of input
                    for _ in range(data.count(b"\n")):
                        self._set(not self._talking)
        except (OSError, ValueError):  # the terminal went away
            pass

    def _set(self, talking: bool) -> None:
        if talking != self._talking:
            self._talking = talking
            self._on_change(talking)


class TalkKey:
    """The talk key's keys as pynput names them, and which key of it (if any) an event is.

    pynput's KeyCodes from ``HotKey.parse`` and from the listener do not compare equal, so
    both are compared as ``ident`` tuples."""

    def __init__(self, keyboard, spec: str):
        self._keyboard = keyboard
        self.generic = {self.ident(k) for k in (keyboard.Key.ctrl, keyboard.Key.shift, keyboard.Key.alt, keyboard.Key.cmd)}
        try:
            self.keys = {self.ident(k) for k in keyboard.HotKey.parse(spec)}
        except ValueError as exc:
            raise SamanthaError(f"[ptt] key {spec!r} is not a key pynput can name ({exc}); write it like "
                                "'<ctrl_r>', '<f9>', '<ctrl>+<alt>+t' or 'x'.") from exc
        self.modifiers = {self.ident(getattr(keyboard.Key, n)) for n in (
            "ctrl", "ctrl_l", "ctrl_r", "shift", "shift_l", "shift_r", "alt", "alt_l", "alt_r", "alt_gr", "cmd",
            "cmd_l", "cmd_r")}  # they do not auto-repeat: their release counts at once

    def ident(self, key) -> tuple:
        key = key.value if isinstance(key, self._keyboard.Key) else key
        return ("char", key.char.lower()) if getattr(key, "char", None) else ("vk", getattr(key, "vk", None))

    def match(self, key, listener) -> tuple | None:
        """The talk key's key that ``key`` is, or None."""
        if (k := self.ident(key)) in self.keys:
            return k
        k = self.ident(listener.canonical(key))  # Right Ctrl is also "<ctrl>", 'T' is also 't'
        return k if k in self.keys and (k in self.generic or k[0] == "char") else None
