"""The canceller's far end: her voice placed on its timeline to the sample, silence only counted."""

import numpy as np

from samantha.audio.far_end import KEEP, FarEnd
from samantha.core.frames import RATE

BLOCK = RATE // 100


def tone(n: int, start: float = 0.1) -> np.ndarray:
    return (start + np.arange(n) / (10 * n)).astype(np.float32)


def test_sound_after_silence_comes_out_where_it_was_heard():
    far = FarEnd()
    far.end = 10.0
    for _ in range(30):  # an idle speaker: 300 ms of zeros
        far.add(np.zeros(BLOCK, np.float32))
    voice = tone(BLOCK)
    far.add(voice)
    assert far.peak() >= 0.1 and abs(far.end - (10.0 + 31 * BLOCK / RATE)) < 1e-9
    heard_from = 10.0 + 0.3
    assert not far.take(heard_from - BLOCK / RATE, BLOCK).any()  # the 10 ms before her voice: silence
    np.testing.assert_array_equal(far.take(heard_from, BLOCK), voice)


def test_a_block_across_her_first_sample_holds_silence_then_her_voice():
    far = FarEnd()
    far.add(np.zeros(100, np.float32))
    far.add(tone(BLOCK))
    block = far.take(far.end - (BLOCK + 40) / RATE, BLOCK)  # 40 samples of silence, then 120 of her
    assert not block[:40].any()
    np.testing.assert_array_equal(block[40:], tone(BLOCK)[:BLOCK - 40])


def test_idle_silence_is_counted_not_kept_and_skipping_makes_nothing():
    far = FarEnd()
    for _ in range(10 * 100):  # ten seconds of an idle speaker
        far.add(np.zeros(BLOCK, np.float32))
    assert len(far) == KEEP and far.peak() == 0.0  # no more than KEEP, and not one sample made
    far.skip(far.end - BLOCK / RATE, BLOCK)
    assert len(far) == 0


def test_a_restart_after_a_gap_is_silence_up_to_it_and_one_earlier_cuts_what_was_dated_past_it():
    far = FarEnd()
    far.add(tone(BLOCK))
    far.restart(far.end + 0.05)  # an underrun's 50 ms
    assert len(far) == BLOCK + round(0.05 * RATE)
    np.testing.assert_array_equal(far.take(far.end - len(far) / RATE, BLOCK), tone(BLOCK))
    far.add(tone(BLOCK, 0.5))
    far.restart(far.end - 0.005)  # stamped 5 ms too late: those 80 samples are cut from the end
    start = far.end - len(far) / RATE
    kept = far.take(start + round(0.05 * RATE) / RATE, BLOCK)  # her second block, less its last 80
    np.testing.assert_array_equal(kept[:80], tone(BLOCK, 0.5)[:80])
    assert not kept[80:].any()
    far.restart(far.end + 2.0)  # a new stream: nothing carried over
    assert len(far) == 0 and far.peak() == 0.0
