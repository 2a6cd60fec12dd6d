"""The engine interfaces and the typed values that flow between them.

Each engine is a small Protocol with one real implementation in its own module; the
session only ever sees these types, so a new backend is a new file plus one line in
``samantha/engines/__init__.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from samantha.core.frames import AudioChunk  # audio values are the core's; re-exported for the engines


@dataclass(frozen=True)
class Transcript:
    """What was said, with Whisper's own confidence; ``rejected`` says why nothing was heard."""

    text: str
    no_speech_prob: float
    avg_logprob: float
    duration_s: float
    rejected: str | None = None

    @property
    def heard(self) -> bool:
        return self.rejected is None and bool(self.text)


@dataclass(frozen=True)
class Message:
    role: str  # "system" | "user" | "assistant"
    content: str
    interrupted: bool = False  # an assistant reply cut short: ``content`` is what was heard


class GaveWay(Exception):
    """Background work on the chat model (notes) stopped because a reply or a turn needed the
    machine: nothing of it was kept, and it can simply be done again later."""


class Transcriber(Protocol):
    sample_rate: int

    def transcribe(self, audio: np.ndarray) -> Transcript:
        """Mono float32 audio at ``sample_rate`` in, text out (or a rejection)."""


class TurnJudge(Protocol):
    sample_rate: int

    def complete(self, audio: np.ndarray) -> float:
        """Probability that the turn in ``audio`` (the speech so far) is finished."""


class ChatStream(Protocol):
    def __iter__(self) -> Iterator[str]:
        """Text deltas as the model produces them."""

    def cancel(self) -> None:
        """Stop generating soon; safe from any thread; the model stays usable."""

    def close(self) -> None:
        """Cancel, and release the model now even if nobody reads the stream any more."""


class ChatModel(Protocol):
    def stream(self, messages: Sequence[Message], max_tokens: int | None = None) -> ChatStream: ...

    def prefill(self, messages: Sequence[Message]) -> None:
        """Optionally read ``messages`` ahead of the next reply (a cache warm-up); may do nothing."""

    def count_tokens(self, text: str) -> int: ...

    def complete_json(self, messages: Sequence[Message], schema: dict, max_tokens: int = 512,
                      give_way: Callable[[], bool] | None = None) -> dict:
        """A reply constrained to JSON matching ``schema`` (a grammar, so a small model cannot break it).
        Work in the background: raises ``GaveWay`` soon after a reply wants the model or ``give_way()``."""


class Synthesizer(Protocol):
    sample_rate: int

    def synthesize(self, text: str) -> Iterator[AudioChunk]:
        """Speakable audio for ``text``, one chunk per sentence, at consistent loudness."""
