"""Where the time of one turn went: end of speech → pause noticed → transcript → reply started →
end of turn → first token → first audio.

Every stamp is ``time.monotonic()`` seconds, so stamps taken on different threads (the
loop, the transcriber, the reply worker, the audio callback) line up. ``samantha --verbose``
prints one line per turn; ``samantha bench`` collects the same records to measure.
"""

from __future__ import annotations

from dataclasses import dataclass

STEPS = (("noticed", "pause noticed"), ("transcript", "transcript"), ("reply_start", "reply started"),
         ("turn_end", "end of turn"), ("first_token", "first token"),
         ("first_audio", "first audio"))  # the usual order; a reply prepared in the pause starts before the end


@dataclass
class TurnTimes:
    turn: int
    speech_end: float | None = None  # the user stopped talking (the VAD's dating of it)
    turn_end: float | None = None  # the turn-taker decided the user had finished
    transcript: float | None = None  # the transcript that decided it was ready
    noticed: float | None = None  # the VAD noticed the pause that ended the turn
    reply_start: float | None = None  # her reply was started (before the end of the turn when prepared)
    first_token: float | None = None  # the LLM's first words
    first_audio: float | None = None  # her first sample went to the output stream
    interrupted: bool = False

    def since_speech_end(self, step: str) -> float | None:
        """Seconds from the end of the user's speech to ``step`` (None if either is missing)."""
        at = getattr(self, step)
        return None if at is None or self.speech_end is None else at - self.speech_end

    def line(self) -> str:
        """'… transcript +31 ms · end of turn +262 ms · …', each step counted from the end of speech."""
        since = {step: self.since_speech_end(step) for step, _ in STEPS}
        parts = [f"{label} +{s * 1000:.0f} ms" for step, label in STEPS if (s := since[step]) is not None]
        cut = " (interrupted)" if self.interrupted else ""
        return f"latency from end of speech: {' · '.join(parts) or 'n/a'}{cut}"
