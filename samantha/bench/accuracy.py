"""Is the fast ear as good as the slow one? Word error rates of the configured transcriber and
of Whisper's full 30 s window, on the same whole utterances.

The fitted window (``[stt] min_window_s``) is a speed-up that must not cost accuracy: the goal
is a word error rate within one point of the full window's. Where a clip's words are known
(the scripts, the recordings' transcripts) both are measured against them; where they are not
(the reading), the two are compared with each other.
"""

from __future__ import annotations

import dataclasses
import re

from samantha.bench.corpus import Clip
from samantha.config import Settings
from samantha.engines.base import Transcriber


def normalized(text: str) -> str:
    """Words only: no case, no punctuation ("ComfyUI" and "Comfy UI" still differ)."""
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


def error_rate(reference: list[str], hypothesis: list[str]) -> float | None:
    import jiwer

    pairs = [(normalized(r), normalized(h)) for r, h in zip(reference, hypothesis) if normalized(r)]
    if not pairs:
        return None
    return round(100 * jiwer.wer([r for r, _ in pairs], [h or "-" for _, h in pairs]), 2)


def measure(clips: list[Clip], settings: Settings, transcriber: Transcriber) -> dict[str, dict]:
    """Per kind of speaker: word error rate (%) of the configured ear and of the full window,
    against the known words, or, for clips without them, between the two."""
    from samantha.engines import load_transcriber

    full = load_transcriber(dataclasses.replace(settings, stt=dataclasses.replace(settings.stt, min_window_s=30)))
    results = {}
    for kind in sorted({clip.kind for clip in clips}):
        chosen = [clip for clip in clips if clip.kind == kind]
        truth = [" ".join(words for words, _ in clip.segments) for clip in chosen]
        quick = [transcriber.transcribe(clip.audio).text for clip in chosen]
        slow = [full.transcribe(clip.audio).text for clip in chosen]
        if any(normalized(t) for t in truth):
            results[kind] = {"wer_pct": error_rate(truth, quick), "full_window_wer_pct": error_rate(truth, slow),
                             "n": len(chosen)}
        else:
            results[kind] = {"differs_from_full_window_pct": error_rate(slow, quick), "n": len(chosen)}
    return results
