"""Her voice: text pieces in, audio out of the speaker, in order, on one worker thread.

Synthesis runs as the text arrives, piece by piece, so she starts speaking while the model
is still writing; a barge-in stops it all at once and nothing said before the stop can
reach the speaker after it.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

import numpy as np

from samantha.audio.speaker import Queued, Speaker
from samantha.config import Settings
from samantha.conversation.dialogue import Conversation
from samantha.core.chunker import Chunker
from samantha.engines.base import AudioChunk, Synthesizer
from samantha.errors import SamanthaError


def open_voice(settings: Settings) -> VoiceOut:
    """Her voice on the configured output device: the synthesizer loaded, the speaker opened."""
    from samantha.audio.speaker import Speaker
    from samantha.engines import load_synthesizer

    return VoiceOut(load_synthesizer(settings), Speaker.open(settings.audio.output_device))


class VoiceOut:
    """Text pieces in, audio out of the speaker, in order, on one worker thread.

    Every piece carries the generation it was said in; ``stop()`` starts a new generation and
    flushes the speaker under the same lock the worker holds to check-and-play, so nothing
    said before ``stop()`` can reach the speaker after it returns.
    """

    def __init__(self, synthesizer: Synthesizer, speaker: Speaker,
                 on_audio: Callable[[int, Queued], None] | None = None):
        """``on_audio(generation, item)`` is called once per generation, when its first audio is
        queued; ``item.started`` tells when it actually began to play."""
        self._synthesizer, self._speaker, self._on_audio = synthesizer, speaker, on_audio
        self._voiced = -1  # the last generation whose first audio went to the speaker
        self._first = threading.Condition()  # notified when a generation's first audio is queued
        self._pieces: queue.Queue[tuple[int, str] | None] = queue.Queue()
        self._generation = 0
        self._lock = threading.Lock()
        self.error: Exception | None = None
        self._worker = threading.Thread(target=self._run, name="voice-out", daemon=True)
        self._worker.start()

    def say(self, text: str, generation: int | None = None) -> None:
        """Queue ``text``; pass the generation its reply began in, so a cancelled reply's
        last words are dropped rather than spoken in the next one."""
        self._pieces.put((self._generation if generation is None else generation, text))

    def finish(self, timeout: float = 120.0) -> None:
        """Wait until everything said so far has been synthesized and played."""
        deadline = time.monotonic() + timeout
        with self._pieces.all_tasks_done:
            while self._pieces.unfinished_tasks:
                if not self._pieces.all_tasks_done.wait(deadline - time.monotonic()):
                    raise SamanthaError("Speech synthesis stalled; the reply was printed but not spoken.")
        if error := self.error:
            self.error = None
            raise error
        if not self._speaker.wait(max(0.0, deadline - time.monotonic())):
            raise SamanthaError("The audio device stopped playing. Check `samantha devices`, or use --no-audio.")

    def wait_first(self, generation: int, timeout: float) -> bool:
        """Wait until ``generation``'s first audio is on its way to the speaker (or it was
        stopped). The reply waits here after its first clause: on two cores, the model writing
        on would halve the voice's speed just when her first words are being made."""
        with self._first:
            return self._first.wait_for(lambda: self._voiced >= generation or self._generation != generation
                                        or self.error is not None, timeout)

    def use(self, synthesizer: Synthesizer) -> None:
        """Speak in another voice from the next piece on."""
        self._synthesizer = synthesizer

    def pause(self) -> None:
        self._speaker.pause()

    def resume(self) -> None:
        self._speaker.resume()

    @property
    def generation(self) -> int:
        return self._generation

    def stop(self) -> str:
        """Drop what is queued and silence the speaker now; returns the words that were heard."""
        with self._lock:
            self._generation += 1
            self.error = None  # a failure belongs to the reply it happened in
            heard = self._speaker.flush()
        with self._first:
            self._first.notify_all()
        return heard

    def close(self, patience: float = 5.0) -> None:
        """Silence, then give the worker ``patience`` seconds to finish the piece it is making."""
        self.stop()
        self._pieces.put(None)
        self._worker.join(timeout=patience)
        self._speaker.close()

    def _run(self) -> None:
        while (item := self._pieces.get()) is not None:
            generation, text = item
            try:
                chunks = list(self._synthesizer.synthesize(text)) if generation == self._generation else []
                with self._lock:  # one piece, one chunk: so its text maps onto its audio
                    if chunks and generation == self._generation:
                        audio = np.concatenate([c.audio for c in chunks])
                        queued = self._speaker.play(AudioChunk(audio, chunks[0].sample_rate), text)
                        if self._voiced != generation:
                            with self._first:
                                self._voiced = generation
                                self._first.notify_all()
                            if self._on_audio:
                                self._on_audio(generation, queued)
            except Exception as exc:  # reported by finish(), on the caller's thread
                self.error = exc
                with self._first:
                    self._first.notify_all()
            finally:
                self._pieces.task_done()


def reply_aloud(conversation: Conversation, voice: VoiceOut | None, text: str, out: TextIO = sys.stdout,
                first: Callable[[], None] | None = None) -> None:
    """Stream one reply to ``out``, handing each speakable piece to the voice as soon as it is complete.
    ``first`` runs once, just before her first words are written (keyboard chat puts her name there)."""
    chunker, begun = Chunker(released=True), first is None
    for delta in conversation.respond(text):
        if not begun:
            begun = True
            first()  # type: ignore[misc]  # not None when not begun
        out.write(delta)
        out.flush()
        for piece in chunker.feed(delta) if voice else ():
            voice.say(piece)  # type: ignore[union-attr]  # only with a voice
    if begun:  # a reply that says nothing (dictation into a letter) shows nothing, not even her name
        out.write("\n")
    if voice:
        for piece in chunker.flush():
            voice.say(piece)
        voice.finish()
