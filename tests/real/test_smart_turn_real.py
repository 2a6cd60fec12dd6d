"""The end-of-turn model on real weights and real human pauses (jfk.flac)."""

from pathlib import Path

import numpy as np
import pytest

from samantha.errors import SamanthaError


def test_a_person_pausing_mid_sentence_does_not_sound_finished_and_at_the_end_does(smart_turn, testdata):
    """At each of his three pauses for effect he goes on; after "...for your country." he is done."""
    from samantha.bench.corpus import recorded_clips

    clip = recorded_clips(testdata)[0]
    heard = [smart_turn.complete(clip.audio[: int(end * 16000)]) for _, end in clip.segments]
    assert max(heard[:-1]) < 0.5 < heard[-1], heard


def test_any_length_of_audio_is_judged(smart_turn):
    rng = np.random.default_rng(1)
    for seconds in (0.0, 0.3, 8.0, 20.0):  # shorter than its window, exactly it, and longer
        p = smart_turn.complete(rng.normal(0, 0.05, int(seconds * 16000)).astype(np.float32))
        assert 0.0 <= p <= 1.0


def test_a_damaged_model_is_named_with_its_fix(tmp_path):
    from samantha.engines.smart_turn import SmartTurn

    broken = tmp_path / "turn.onnx"
    broken.write_bytes(b"not a model")
    with pytest.raises(SamanthaError, match="corrupt") as err:
        SmartTurn.load(broken)
    assert str(broken) in str(err.value)
    with pytest.raises(SamanthaError, match="missing"):
        SmartTurn.load(Path(tmp_path / "absent.onnx"))
