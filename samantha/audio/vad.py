"""Streaming voice activity detection: Silero, one 32 ms frame at a time.

faster-whisper ships the Silero model but its wrapper resets the recurrent state on every
call, so it cannot follow a live stream; here the state and the 64 samples of context are
carried from frame to frame. ``SpeechDetector`` adds hysteresis, so one loud click does not
start speech and one quiet syllable does not end it; its events are dated to the frame where
the change really began, not the frame where it was confirmed. It also says at once when
speech *may* be starting ("maybe", then "start" or "no"), so Samantha can fall silent on the
first frame of an interruption, before it is confirmed, and when speech *may* be ending
("pausing", on its first quiet frame), so its transcription can start two frames early.

Frames far quieter than any voice (``silence_rms``) skip the model: in a quiet room that is
nearly every frame, and it keeps the idle loop cheap. After a third of a second of them the
model's memory is set to that of having heard silence, which is what it missed, so the next
speech is judged as after a pause; a lone quiet frame inside speech leaves it alone. Not to
the model's blank memory: from it, Silero is deaf to a quiet first word (a mumbled "i hardly
know 'er" 13 dB under the sentence before scored 0.45 at most from blank, 0.88 after one
frame of silence), so a quiet afterthought after a pause was not heard as the turn going on.
With speakers (``blank_after_silence``) the blank memory is kept: there a first sound after a
silence is as often a flare of her own echo past the gate, at the start of one of her phrases,
and from blank Silero needs a clearer one to call it speech (from the memory of silence her
echo took her reply back as the user going on 56 times in 60 replies, against 1 in 260).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from samantha.config import VadSettings
from samantha.core.frames import FRAME
from samantha.core.frames import RATE as SAMPLE_RATE
from samantha.core.messages import SpeechEnded, SpeechLikely, SpeechPausing, SpeechStarted, SpeechUnlikely

CONTEXT = 64  # samples of the previous frame the model sees with each new one
QUIET_RESET = 10  # silent frames (320 ms) after which the model's memory is cleared
_ZEROS = np.zeros((1, 1, 128), np.float32)
BLANK: tuple[np.ndarray, np.ndarray] = (_ZEROS, _ZEROS)  # the model's memory when it has heard nothing (never written to)
SURE_FRAMES = 20  # 640 ms: her pause reaches the microphone and the canceller lets go of the user (measured:
# Silero called them speech ~0.4 s after she paused); longer than a false alarm (0.4 s), so it never is one
SURE_REST = 160  # 5 s after a window that came to nothing, none opens again: a loud sound that is no voice
# (a vacuum cleaner, music) would otherwise pause her again and again
HEARD_SILENCE = 3  # frames of silence the cleared memory has heard (one is enough; three is sure)


def _model_path() -> str:
    import faster_whisper

    return os.path.join(os.path.dirname(faster_whisper.__file__), "assets", "silero_vad_v6.onnx")


class SileroVad:
    """Probability that a 32 ms frame is speech, with the model's memory kept across frames."""

    def __init__(self, silence_rms: float = 0.0):
        import onnxruntime

        self._silence_energy = silence_rms**2 * FRAME  # sum of squares of a frame at that RMS

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1  # ~0.2 ms a frame; threads only cost
        options.log_severity_level = 4
        self._session = onnxruntime.InferenceSession(_model_path(), options, providers=["CPUExecutionProvider"])
        self._silent = self._heard_silence()
        self.blank_after_silence = False  # with speakers: the cleared memory is blank (see above)
        self.reset()

    def _heard_silence(self) -> tuple[np.ndarray, np.ndarray]:
        """The model's memory after a few frames of silence from a blank one."""
        h, c = BLANK
        for _ in range(HEARD_SILENCE):
            _, h, c = self._session.run(None, {"input": np.zeros((1, CONTEXT + FRAME), np.float32), "h": h, "c": c})
        return np.asarray(h), np.asarray(c)

    def reset(self) -> None:
        """Forget what was heard, as if after a pause (see the module's docstring)."""
        self._h, self._c = BLANK if self.blank_after_silence else self._silent
        self._context = np.zeros(CONTEXT, np.float32)
        self._quiet = QUIET_RESET  # silent frames in a row (as if many: the state is fresh)

    def __call__(self, frame: np.ndarray) -> float:
        frame = np.asarray(frame, np.float32).reshape(FRAME)
        if float(np.dot(frame, frame)) < self._silence_energy:  # silence: no voice, no model
            self._quiet += 1
            if self._quiet == QUIET_RESET:
                self.reset()
            self._context = frame[-CONTEXT:]
            return 0.0
        self._quiet = 0
        x = np.concatenate([self._context, frame])[None, :]
        prob, self._h, self._c = self._session.run(None, {"input": x, "h": self._h, "c": self._c})
        self._context = frame[-CONTEXT:]
        return float(np.asarray(prob).reshape(-1)[0])


@dataclass(frozen=True)
class VadEvent:
    kind: str  # "maybe" (speech may be starting) | "start" | "no" (it did not) | "pausing" (it may be ending) | "end"
    time_s: float  # stream time where the speech really started or stopped

    @property
    def event(self) -> SpeechLikely | SpeechStarted | SpeechUnlikely | SpeechPausing | SpeechEnded:
        """The turn-taker's typed event for this change."""
        return _EVENTS[self.kind](self.time_s)


_EVENTS: dict[str, type[SpeechLikely | SpeechStarted | SpeechUnlikely | SpeechPausing | SpeechEnded]] = {
    "maybe": SpeechLikely, "start": SpeechStarted, "no": SpeechUnlikely, "pausing": SpeechPausing, "end": SpeechEnded}


class SpeechDetector:
    """Frames in, speech start/end events out, with hysteresis in level and in time."""

    def __init__(self, settings: VadSettings, vad: SileroVad | None = None):
        self.settings = settings
        self.vad = vad or SileroVad(settings.silence_rms)
        self.speaking = False
        self.probability = 0.0
        self._frames = 0  # frames seen
        self._run = 0  # consecutive frames on the other side of the threshold
        self._sure = 0  # frames left for Silero to take up a "maybe" the echo gate was sure of
        self._rest = 0  # frames before a sure frame may open another window

    def feed(self, frame: np.ndarray, sure: bool = False) -> VadEvent | None:
        """``sure``: the echo gate is sure this frame is not her echo (``EchoGate.sure``)."""
        return self._surely(sure, self._feed(frame))

    def _surely(self, sure: bool, event: VadEvent | None) -> VadEvent | None:
        """With speakers, over her, the canceller leaves the user's first words so mangled that
        Silero may not call them speech until she stops (measured on the real devices: 0.3 s of
        the user at her level, loud after the canceller, scored 0.05-0.18). A frame the echo gate
        is sure of says "maybe" (she pauses: her echo goes, and the user is heard whole). Silero's
        own "maybe" and "no" within ``SURE_FRAMES`` are not passed on (as her echo fades it
        wavers around its threshold); if by then it has not started speech, "no" (she carries
        on), unless it is just then above its threshold: its own "start" or "no" decides. After a
        window that came to nothing, none opens for ``SURE_REST``."""
        now = (self._frames - 1) * FRAME / SAMPLE_RATE
        self._rest = max(0, self._rest - 1)
        if self.speaking or (event is not None and event.kind not in ("maybe", "no")):
            self._sure = 0  # Silero's own judgement from here
            return event
        if self._sure:
            self._sure -= 1
            if self._sure or self._run:
                return None
            self._rest = SURE_REST
            return VadEvent("no", now)
        if sure and not self._run and not self._rest:
            self._sure = SURE_FRAMES
            return VadEvent("maybe", now)
        return event

    def _feed(self, frame: np.ndarray) -> VadEvent | None:
        self.probability = self.vad(frame)
        self._frames += 1
        s = self.settings
        crossing = self.probability < s.end_threshold if self.speaking else self.probability >= s.start_threshold
        was, self._run = self._run, self._run + 1 if crossing else 0
        needed = s.end_frames if self.speaking else s.start_frames
        now = (self._frames - 1) * FRAME / SAMPLE_RATE
        if not self.speaking and needed > 1 and (self._run == 1 or (was and not self._run)):
            return VadEvent("maybe" if self._run else "no", now)
        if self._run < needed:
            return VadEvent("pausing", now) if self.speaking and self._run == 1 else None
        self.speaking, self._run = not self.speaking, 0
        began = (self._frames - needed) * FRAME / SAMPLE_RATE
        return VadEvent("start" if self.speaking else "end", began)

    def with_speakers(self, on: bool) -> None:
        """Her voice can come back through the microphone (speakers) or not (a headset): with
        speakers a first sound after a silence may be her echo's flare, so the model's memory
        after a silence is kept blank (``SileroVad.blank_after_silence``)."""
        self.vad.blank_after_silence = on

    def lost(self) -> None:
        """The audio stopped (its device went away): whatever was under way is over (the turn-
        taker hears of it as ``MicrophoneLost``), and the model starts afresh."""
        self.speaking, self._run, self._sure, self._rest = False, 0, 0, 0
        self.vad.reset()
