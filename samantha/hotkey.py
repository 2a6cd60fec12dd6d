"""The talk key: held (or pressed twice, in toggle mode) anywhere on the desktop.

pynput's global listener sees the key while another window has focus. Where no global hook
is possible (no display, Wayland without an X server, a terminal over SSH) that is said
once, and Enter in this terminal toggles talking instead.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Callable, TextIO

from samantha.errors import SamanthaError


class PushToTalk:
    def __init__(self, spec: str, toggle: bool, on_change: Callable[[bool], None], terminal: TextIO | None = None):
        """``on_change(True)`` when talking starts, ``on_change(False)`` when it ends."""
        self.spec, self.toggle, self._on_change = spec, toggle, on_change
        self._terminal = terminal if terminal is not None else sys.stdin
        self._talking, self._down, self._pressed = False, False, set()
        self._listener = None

    def start(self) -> str:
        """Start listening; returns what to tell the user (how to talk, or why the terminal is used)."""
        why = self._no_global_hook()
        if why is None:
            try:
                self._listen_globally()
                how = "press once to talk, again to stop" if self.toggle else "hold it while you talk"
                return f"Talk key: {self.spec} ({how})."
            except SamanthaError:
                raise
            except Exception as exc:  # noqa: BLE001 - any backend failure means: no global hook here
                why = f"the desktop's keyboard cannot be watched ({exc})"
        if not self._terminal.isatty():
            return f"No talk key: {why}, and there is no terminal to press Enter in."
        threading.Thread(target=self._read_terminal, name="talk-key", daemon=True).start()
        return f"No global talk key: {why}. Press Enter here to start talking, and Enter again to stop."

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.stop()

    @staticmethod
    def _no_global_hook() -> str | None:
        if os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"):
            return "this is a terminal over SSH"
        if not os.environ.get("DISPLAY"):
            return "Wayland lets no program watch the keyboard" if os.environ.get("WAYLAND_DISPLAY") else "there is no display"
        return None

    def _listen_globally(self) -> None:
        from pynput import keyboard

        def ident(key) -> tuple:  # pynput's KeyCodes from parse() and from the listener do not compare equal
            key = key.value if isinstance(key, keyboard.Key) else key
            return ("char", key.char.lower()) if getattr(key, "char", None) else ("vk", getattr(key, "vk", None))

        try:
            keys = {ident(k) for k in keyboard.HotKey.parse(self.spec)}
        except ValueError as exc:
            raise SamanthaError(f"[ptt] key {self.spec!r} is not a key pynput can name ({exc}); write it like "
                                "'<ctrl_r>', '<f9>', '<ctrl>+<alt>+t' or 'x'.") from exc

        def matches(key) -> tuple | None:
            for k in (ident(key), ident(listener.canonical(key))):  # as pressed, and as the spec may name it
                if k in keys:
                    return k
            return None

        def on_press(key) -> None:
            if (k := matches(key)) is not None:
                self._pressed.add(k)
                if self._pressed >= keys and not self._down:
                    self._down = True
                    self._set(not self._talking if self.toggle else True)

        def on_release(key) -> None:
            if (k := matches(key)) is not None:
                self._pressed.discard(k)
                if self._down:
                    self._down = False
                    if not self.toggle:
                        self._set(False)

        listener = keyboard.Listener(on_press=on_press, on_release=on_release)
        listener.start()
        listener.wait()  # raises here if the backend cannot start
        self._listener = listener

    def _read_terminal(self) -> None:
        try:
            for _ in iter(self._terminal.readline, ""):  # each Enter toggles; end of input ends it
                self._set(not self._talking)
        except (OSError, ValueError):  # the terminal went away
            pass

    def _set(self, talking: bool) -> None:
        if talking != self._talking:
            self._talking = talking
            self._on_change(talking)
