"""Hearing a pause: the words, and the end-of-turn model's verdict only where it matters."""

import numpy as np
import pytest

from samantha.engines.base import Transcript
from samantha.runtime.ear import Heard, hear


class Words:
    sample_rate = 16000

    def __init__(self, text: str, rejected: str | None = None):
        self.text, self.rejected = text, rejected

    def transcribe(self, audio):
        return Transcript(self.text, 0.0, -0.1, len(audio) / 16000, self.rejected)


class Judge:
    sample_rate = 16000

    def __init__(self, p: float | Exception):
        self.p, self.heard = p, []

    def complete(self, audio):
        self.heard.append(len(audio))
        if isinstance(self.p, Exception):
            raise self.p
        return self.p


AUDIO = np.zeros(16000, np.float32)


def test_finished_words_carry_the_voices_verdict():
    judge = Judge(0.3)
    assert hear(AUDIO, Words("Can you remind me tomorrow morning?"), judge) == Heard("Can you remind me tomorrow morning?", 0.3)
    assert judge.heard == [16000]  # it heard the same audio as Whisper


def test_words_without_an_end_mark_carry_the_voices_verdict_too():
    assert hear(AUDIO, Words("Montreal forced what's called a liner"), Judge(0.9)).complete == 0.9


@pytest.mark.parametrize("text", ["I think that", "Well,", ""])
def test_words_that_trail_off_or_nothing_heard_need_no_verdict(text):
    assert hear(AUDIO, Words(text), Judge(0.99)) == Heard(text, None)


def test_a_rejected_transcript_is_nothing_heard():
    assert hear(AUDIO, Words("Thanks for watching!", rejected="hallucination"), Judge(0.9)) == Heard("", None)


def test_without_a_judge_or_with_a_broken_one_the_words_decide():
    assert hear(AUDIO, Words("Good morning!"), None) == Heard("Good morning!", None)
    assert hear(AUDIO, Words("Good morning!"), Judge(RuntimeError("onnx says no"))) == Heard("Good morning!", None)
