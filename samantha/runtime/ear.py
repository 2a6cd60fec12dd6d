"""What a pause's audio says: its words, and whether the voice sounded finished.

Shared by the session's transcription worker and the benchmark, so both hear the same way.
The end-of-turn model runs beside Whisper, on its own thread (one core's worth for ~50 ms,
measured 40-50 ms sooner than one after the other on two cores); its verdict is kept unless
the words trail off, since for a turn that trails off ("and...") the words decide.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from samantha.core.finished import trails_off
from samantha.engines.base import Transcriber, TurnJudge


@dataclass(frozen=True)
class Heard:
    text: str  # "" when nothing was heard
    complete: float | None  # the end-of-turn model's probability; None when not asked


def hear(audio: np.ndarray, transcriber: Transcriber, judge: TurnJudge | None) -> Heard:
    verdict: list[float] = []

    def judged(judge: TurnJudge) -> None:
        try:
            verdict.append(judge.complete(audio))
        except Exception:  # a broken judge leaves the words and the silence to decide
            pass

    judging = None
    if judge is not None:
        judging = threading.Thread(target=judged, args=(judge,), name="turn-judge", daemon=True)
        judging.start()
    transcript = transcriber.transcribe(audio)
    text = transcript.text if transcript.heard else ""
    if judging is not None:
        judging.join()
    complete = verdict[0] if verdict and not trails_off(text) else None
    return Heard(text, complete)
