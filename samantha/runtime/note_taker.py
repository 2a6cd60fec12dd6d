"""Notes taken behind the conversation: on their own thread, while she is idle, giving way to every turn.

A tester waited 46 s of "remembering…" for her greeting (three conversations' notes, a 135M
model). Now she greets at once, and notes are taken meanwhile. The model is one llama.cpp
context, which two threads must not use at once, so the notes take it only between turns:
once no turn has been under way (``busy``) for ``QUIET_S``, one conversation at a time, and
they give it up within a token, or a 32-token batch of their prompt, the moment a turn
starts or a reply wants the model (``GaveWay``). Nothing of an abandoned pass is stored and
its conversation stays unread, so the pass is simply done again at the next quiet moment (or
at the next start, if she is left first): nothing is lost. Afterwards the conversation is read
back into the model's cache, so the next reply does not pay for the notes.

They write through their own connection to the memory file: two threads writing on one SQLite
connection could each read back the other's row id. What they have to report (notes that
failed) waits in ``news()``, for the conversation to show where it interrupts nobody.
"""

from __future__ import annotations

import threading
import time

from samantha.conversation import notes
from samantha.conversation.dialogue import Conversation
from samantha.conversation.memory import Memory
from samantha.engines.base import GaveWay

QUIET_S = 1.0  # no turn under way for this long: the notes may take the model


class NoteTaker:
    def __init__(self, conversation: Conversation):
        """Earlier conversations not read yet are noted down at once, to be read when she is idle."""
        self.conversation = conversation
        memory = conversation.memory
        self._path = None if memory is None or memory.incognito else memory.path
        self._jobs: list[tuple[int, bool]] = [(c, True) for c in notes.unread(memory)] if self._path and memory else []
        self._news: list[str] = []
        self._unreported = 0  # earlier conversations read and not yet said so
        self._busy, self._quiet_since, self._closed = False, time.monotonic(), False
        self._changed = threading.Condition()
        self.idle = threading.Event()  # set while there is nothing to do
        self._thread = threading.Thread(target=self._run, name="notes", daemon=True)

    def start(self) -> NoteTaker:
        if self._path is not None:
            self._thread.start()
        return self

    def busy(self, busy: bool) -> None:
        """A turn is under way (the user talking, her thinking or speaking): notes wait, or give way."""
        with self._changed:
            if busy != self._busy:
                self._busy = busy
                self._quiet_since = time.monotonic()
                self._changed.notify_all()

    def take_current(self) -> None:
        """Notes from this conversation, at the next quiet moment (a long chat, her falling asleep)."""
        current = self.conversation.memory.conversation if self.conversation.memory else None
        if current is not None and self._path is not None:
            with self._changed:
                if (current, False) not in self._jobs:
                    self._jobs.append((current, False))
                    self.idle.clear()
                    self._changed.notify_all()

    def news(self) -> list[str]:
        """What the notes have to say since last asked (taken from earlier conversations, failures)."""
        with self._changed:
            said, self._news = self._news, []
        return said

    def close(self) -> None:
        """Stop now: a pass under way gives way within a token and stays unread for next time."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        if self._thread.ident is not None:
            self._thread.join(timeout=0.2)  # a daemon: what it has not stored is redone next time

    def _give_way(self) -> bool:
        return self._busy or self._closed

    def _run(self) -> None:
        try:
            memory = Memory.open(self._path)  # type: ignore[arg-type]  # only started with a path
        except Exception as exc:  # the conversation itself goes on; the notes wait for next time
            self._news.append(f"Could not take notes now: {exc}")
            self.idle.set()
            return
        try:
            while (job := self._next()) is not None:
                self._take(memory, *job)
        finally:
            memory.close()

    def _next(self) -> tuple[int, bool] | None:
        """The next conversation to read, once she is quiet; None once closed."""
        with self._changed:
            while not self._closed:
                if not self._jobs:
                    self._report_read()
                    self.idle.set()
                    self._changed.wait()
                    continue
                quiet = time.monotonic() - self._quiet_since
                if not self._busy and quiet >= QUIET_S:
                    return self._jobs[0]
                self._changed.wait(None if self._busy else QUIET_S - quiet)
            return None

    def _take(self, memory: Memory, conversation: int, earlier: bool) -> None:
        c = self.conversation
        try:
            if earlier:
                problem = notes.read_earlier(c.model, memory, conversation, c.settings.context_tokens, c.name,
                                             self._give_way)
            else:
                notes.take_notes(c.model, memory, conversation, c.settings.context_tokens, c.name, self._give_way)
                problem = None
        except GaveWay:
            return  # still the first job: done again at the next quiet moment
        except Exception as exc:  # this conversation's notes wait for the next start
            problem = f"this conversation: {exc}"
        with self._changed:
            self._jobs.remove((conversation, earlier))
            self._unreported += earlier and problem is None
            if problem:
                self._news.append(f"Could not take notes from {problem}; its messages are kept.")
        if not self._jobs and not self._closed:
            self._read_back()

    def _report_read(self) -> None:
        if read := self._unreported:
            self._news.append(f"(took notes from {read} earlier conversation{'s' if read > 1 else ''})")
            self._unreported = 0

    def _read_back(self) -> None:
        """The conversation back into the model's cache, which the notes' prompt took."""
        try:
            self.conversation.prefill()
        except Exception:
            pass
