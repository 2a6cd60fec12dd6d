"""Stand-ins with fixed, known costs, for measuring what Samantha's own code adds.

With engines whose compute time is known (and, since a sleep can overrun, also measured:
each records how long it really took), the time from the end of a turn to her first audio
splits cleanly into the engines' share and ours. ``PacedSource`` is a
microphone that delivers scripted speech in real time, one 32 ms frame at a time, and
knows the wall-clock moment each clip began.
"""

from __future__ import annotations

import threading
import time
from collections import deque

import numpy as np

from samantha.core.chunker import Chunker
from samantha.core.frames import FRAME, RATE, Frame
from samantha.engines.base import AudioChunk, Transcript


class PacedTranscriber:
    sample_rate = RATE

    def __init__(self, delay_s: float = 0.05, text: str = ""):
        self.delay_s, self.text = delay_s, text

    def transcribe(self, audio: np.ndarray) -> Transcript:
        time.sleep(self.delay_s)
        return Transcript(self.text, 0.0, 0.0, len(audio) / RATE)


class PacedStream:
    def __init__(self, words: list[str], first_s: float, each_s: float):
        self.words, self._first_s, self._each_s = words, first_s, each_s
        self._cancelled = threading.Event()
        self.created = time.monotonic()
        self.took: list[float] = []  # the model's own time for each token

    def __iter__(self):
        for i, word in enumerate(self.words):
            start = time.monotonic()
            if self._cancelled.wait(self._first_s if i == 0 else self._each_s):
                return
            self.took.append(time.monotonic() - start)
            yield word

    def cancel(self) -> None:
        self._cancelled.set()

    close = cancel


def reply_words(tokens: int) -> list[str]:
    """A reply of ``tokens`` one-word tokens, always opening with the same clause."""
    opening = ["Oh,", "I", "love", "that", "idea,", "tell", "me", "more", "about", "it."]
    filler = ["The", "sea", "was", "calm", "and", "bright", "all", "day,", "and", "the", "gulls", "were", "loud."]
    words = (opening + filler * (tokens // len(filler) + 1))[:tokens]
    return [w if i == 0 else " " + w for i, w in enumerate(words)]


class PacedChatModel:
    """Replies ``tokens`` words; the first after ``first_token_s``, then one every ``token_s``."""

    def __init__(self, tokens: int = 10, first_token_s: float = 0.15, token_s: float = 0.02):
        self.tokens, self.first_token_s, self.token_s = tokens, first_token_s, token_s
        self.streams: list[PacedStream] = []

    def stream(self, messages, max_tokens=None) -> PacedStream:
        self.streams.append(PacedStream(reply_words(self.tokens), self.first_token_s, self.token_s))
        return self.streams[-1]

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def prefill(self, messages) -> None:
        """Nothing to warm: its time to first token is fixed."""

    def until_first_piece_s(self, since: float) -> float:
        """The model's own time, in the first reply begun after ``since``, until the chunker
        could release its first speakable piece."""
        stream = next(s for s in self.streams if s.created >= since)
        chunker = Chunker()
        first = next((i for i, word in enumerate(stream.words) if chunker.feed(word)), len(stream.words) - 1)
        return sum(stream.took[: first + 1])


class PacedSynthesizer:
    """``delay_s`` per piece; a soft tone of ``s_per_word`` seconds per word."""

    sample_rate = 22050

    def __init__(self, delay_s: float = 0.03, s_per_word: float = 0.25):
        self.delay_s, self.s_per_word = delay_s, s_per_word
        self.calls: list[tuple[float, float]] = []  # (start, how long it took)

    def first_piece_s(self, since: float) -> float:
        """How long the first piece synthesized after ``since`` took."""
        return next(took for start, took in self.calls if start >= since)

    def synthesize(self, text: str):
        start = time.monotonic()
        time.sleep(self.delay_s)
        self.calls.append((start, time.monotonic() - start))
        n = int(len(text.split()) * self.s_per_word * self.sample_rate)
        yield AudioChunk((0.3 * np.sin(np.arange(n) * 2 * np.pi * 220 / self.sample_rate)).astype(np.float32),
                         self.sample_rate)


class Played:
    """When a clip given to ``PacedSource.say`` began, on the monotonic clock (once it has)."""

    def __init__(self, audio: np.ndarray):
        self.audio, self.began, self.done = audio, 0.0, threading.Event()


class PacedSource:
    """A microphone playing scripted clips in real time; silence (a quiet room) in between."""

    def __init__(self):
        self._clips: deque[Played] = deque()
        self._offset = 0  # samples of the head clip already delivered
        self._count = 0
        self._start = time.monotonic()
        self._noise = np.random.default_rng(0).normal(0, 1e-4, FRAME).astype(np.float32)

    def say(self, audio: np.ndarray) -> Played:
        played = Played(audio)
        self._clips.append(played)
        return played

    def read(self, timeout: float) -> Frame | None:
        """The next frame, delivered when its last sample would have arrived from a real device."""
        due = self._start + (self._count + 1) * FRAME / RATE
        if due - time.monotonic() > timeout:
            time.sleep(timeout)
            return None
        time.sleep(max(0.0, due - time.monotonic()))
        frame = self._noise.copy()
        filled = 0
        while filled < FRAME and self._clips:
            head = self._clips[0]
            if self._offset == 0:
                head.began = self._start + (self._count * FRAME + filled) / RATE
            n = min(FRAME - filled, len(head.audio) - self._offset)
            frame[filled : filled + n] += head.audio[self._offset : self._offset + n]
            filled, self._offset = filled + n, self._offset + n
            if self._offset >= len(head.audio):
                self._clips.popleft()
                self._offset = 0
                head.done.set()
        self._count += 1
        return Frame(frame, (self._count - 1) * FRAME / RATE)
