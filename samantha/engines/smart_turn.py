"""End of turn from the sound of the voice: Smart Turn v3 (pipecat's audio classifier, BSD-2).

Words alone cannot tell "Can you remind me tomorrow morning" (a pause for thought) from a
finished request, and Whisper punctuates a fragment like a sentence; the voice's pitch and
pace often can. Smart Turn takes the last 8 s of the turn (left-padded with silence) as
Whisper-style log-mel features and returns the probability that the speaker has finished.
It is one signal beside the words and the silence (``core/turns.py`` weighs them), and it is
much surer on people than on synthetic voices.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from samantha.core.frames import RATE
from samantha.errors import model_problem

SECONDS = 8  # what the model hears: the end of the turn


class SmartTurn:
    sample_rate = RATE

    def __init__(self, session, features):
        """``session``: an onnxruntime session of the model; ``features``: faster-whisper's
        log-mel extractor set to the model's 8 s window (both made by ``load``)."""
        self._session, self._features = session, features

    @classmethod
    def load(cls, path: Path) -> SmartTurn:
        if not path.is_file():
            raise model_problem(path, "The end-of-turn model file is missing")
        import onnxruntime
        from faster_whisper.feature_extractor import FeatureExtractor

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1  # ~50 ms a call; Whisper has the rest
        options.log_severity_level = 4
        try:
            session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime's own exception types: the file is damaged either way
            raise model_problem(path, f"The end-of-turn model cannot be loaded, it looks corrupt ({exc})") from exc
        return cls(session, FeatureExtractor(feature_size=80, chunk_length=SECONDS))

    def complete(self, audio: np.ndarray) -> float:
        """Probability (0–1) that the speech in ``audio`` (16 kHz mono, the turn so far) is a
        finished turn."""
        window = np.zeros(SECONDS * RATE, np.float32)
        tail = np.asarray(audio, np.float32).reshape(-1)[-len(window):]
        window[len(window) - len(tail):] = tail
        window = (window - window.mean()) / np.sqrt(window.var() + 1e-7)  # as the model was trained
        features = self._features(window, padding=0)[:, : SECONDS * 100][None].astype(np.float32)
        (probability,) = self._session.run(None, {"input_features": features})
        return float(np.asarray(probability).reshape(-1)[0])
