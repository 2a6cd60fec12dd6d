"""The resampler the microphone and the canceller's far end share: nothing held back, faithful."""

import numpy as np
import pytest

from samantha.audio.resampler import Resampler
from samantha.core.frames import RATE


def db(x: np.ndarray) -> float:
    return 10 * np.log10(np.mean(np.square(x)) + 1e-20)


def residue_db(out: np.ndarray, first: int, hz: float) -> float:
    """How far below ``out`` (from output sample ``first`` on) what is not a ``hz`` tone is."""
    n = np.arange(first, first + len(out)) / RATE
    basis = np.stack([np.sin(2 * np.pi * hz * n), np.cos(2 * np.pi * hz * n)], 1)
    fit, *_ = np.linalg.lstsq(basis, out, rcond=None)
    return db(out - basis @ fit) - db(out)


@pytest.mark.parametrize("rate", [48000, 44100])
def test_audio_is_resampled_at_once_and_faithfully(rate):
    t = np.arange(rate) / rate
    tone = np.sin(2 * np.pi * 1000 * t).astype(np.float32)
    resampler = Resampler(rate)
    block = rate // 100
    blocks = [resampler(tone[i:i + block]) for i in range(0, rate, block)]
    assert all(abs(len(b) - 160) <= 1 for b in blocks)  # every 10 ms block out as it comes (soxr's stream holds some back)
    assert abs(sum(len(b) for b in blocks) - RATE) <= 1
    out = np.concatenate(blocks)[400:]
    assert residue_db(out, 400, 1000) < -40


@pytest.mark.parametrize(("rate", "block"), [(44100, 1411), (48000, 1024), (44100, 441)])
def test_a_long_stream_in_any_block_size_keeps_its_length_to_the_sample(rate, block):
    resampler, total = Resampler(rate), 0
    chunk = np.sin(np.arange(block) / 7).astype(np.float32)
    for _ in range(3000):
        total += len(resampler(chunk))
    assert abs(total - 3000 * block * RATE / rate) <= 1  # neither fast nor slow: the clock of the device


def test_what_a_microphone_cannot_carry_at_16_khz_is_filtered_not_folded_back():
    rate = 48000
    whistle = np.sin(2 * np.pi * 11000 * np.arange(rate) / rate).astype(np.float32)  # above 8 kHz: would fold to 5 kHz
    out = Resampler(rate)(whistle)[200:]
    assert db(out) - db(whistle) < -30


def test_the_frames_own_rate_passes_through():
    audio = np.random.default_rng(0).standard_normal(512).astype(np.float32)
    assert np.array_equal(Resampler(RATE)(audio), audio)
    resampler = Resampler(RATE)
    assert [resampler.skip(160) for _ in range(3)] == [160] * 3  # and its silence, skipped, as long as it came


@pytest.mark.parametrize("rate", [48000, 44100])
def test_silence_takes_the_short_way_and_comes_out_exactly_as_the_long_way_would(rate, monkeypatch):
    """An idle speaker's zeros skip the filter: block by block, the same samples out as the
    whole stream in one call (which filters its silence), and sound after them from the same state."""
    rng = np.random.default_rng(1)
    sound = [rng.standard_normal(rate // 100).astype(np.float32) * 0.1 for _ in range(3)]
    blocks = sound + [np.zeros(rate // 100, np.float32)] * 40 + sound
    resampler, short = Resampler(rate), []
    monkeypatch.setattr(resampler, "skip", lambda n: short.append(n) or Resampler.skip(resampler, n))
    by_block = np.concatenate([resampler(b) for b in blocks])
    whole = Resampler(rate)(np.concatenate(blocks))
    assert len(short) > 30  # most of the silence went the short way
    assert len(by_block) == len(whole) and np.allclose(by_block, whole, atol=1e-6)
