"""What a pause's audio says: its words, and whether the voice sounded finished.

Shared by the session's transcription worker and the benchmark, so both hear the same way.
The end-of-turn model is asked only when the words sound finished: for a turn that trails
off ("and...") the words already decide, and its ~50 ms are saved.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from samantha.core.turns import sounds_finished
from samantha.engines.base import Transcriber, TurnJudge


@dataclass(frozen=True)
class Heard:
    text: str  # "" when nothing was heard
    complete: float | None  # the end-of-turn model's probability; None when not asked


def hear(audio: np.ndarray, transcriber: Transcriber, judge: TurnJudge | None) -> Heard:
    transcript = transcriber.transcribe(audio)
    text = transcript.text if transcript.heard else ""
    complete = judge.complete(audio) if judge is not None and sounds_finished(text) else None
    return Heard(text, complete)
