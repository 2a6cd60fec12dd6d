import shutil

import numpy as np
import pytest

from samantha.config import TtsSettings
from samantha.engines.piper import PiperSynthesizer, level, voiced_rms
from samantha.errors import SamanthaError


def db(x: float) -> float:
    return 20 * np.log10(x)


def test_synthesizes_speech_chunks_at_the_voices_rate(synthesizer):
    chunks = list(synthesizer.synthesize("Hello there. How are you today?"))
    assert len(chunks) == 2  # piper yields one chunk per sentence
    for chunk in chunks:
        assert chunk.sample_rate == synthesizer.sample_rate == 22050
        assert chunk.audio.dtype == np.float32 and chunk.audio.ndim == 1
        assert chunk.duration_s > 0.05 and np.abs(chunk.audio).max() > 0.01
        assert np.abs(chunk.audio).max() <= 0.97


def test_loudness_is_the_same_across_short_and_long_sentences(synthesizer):
    text = "Oh! That is a much longer sentence, with several clauses, and quite a lot of words in it. Yes."
    chunks = list(synthesizer.synthesize(text))
    assert len(chunks) == 3
    levels = [db(voiced_rms(c.audio, c.sample_rate)) for c in chunks]
    target = TtsSettings().loudness_dbfs
    assert all(abs(lv - target) < 1.0 for lv in levels), levels


def test_markdown_and_emoji_are_not_read_out(synthesizer):
    plain = sum(len(c.audio) for c in synthesizer.synthesize("Hello there."))
    marked = sum(len(c.audio) for c in synthesizer.synthesize("**Hello** there. 😊"))
    assert marked == plain  # same phonemes, so the same length from a deterministic voice


@pytest.mark.parametrize("text", ["", "   ", "** 😊 **"])
def test_nothing_speakable_yields_no_audio(synthesizer, text):
    assert list(synthesizer.synthesize(text)) == []


def test_level_brings_loud_and_quiet_to_the_same_voiced_rms_and_limits_peaks():
    rng = np.random.default_rng(1)
    speech = rng.normal(0, 1, 22050).astype(np.float32)
    with_pause = np.concatenate([speech * 0.01, np.zeros(22050, np.float32)])
    a, b = level(speech * 0.5, 22050, -20.0), level(with_pause, 22050, -20.0)
    assert abs(db(voiced_rms(a, 22050)) - db(voiced_rms(b, 22050))) < 0.5  # the pause does not count
    spiky = np.zeros(22050, np.float32)
    spiky[100] = 1.0
    spiky[200:2000] = 0.001
    assert np.abs(level(spiky, 22050, -20.0)).max() <= 0.97
    assert not level(np.zeros(100, np.float32), 22050, -20.0).any()


@pytest.mark.fault("message")
def test_voice_without_its_json_is_reported(tiny_models, tmp_path):
    onnx = tmp_path / "voice.onnx"
    shutil.copy(tiny_models["voice"], onnx)
    with pytest.raises(SamanthaError) as err:
        PiperSynthesizer.load(onnx, TtsSettings())
    assert f"{onnx}.json" in str(err.value) and "samantha models download" in str(err.value)


@pytest.mark.fault("message")
def test_corrupt_voice_is_reported(tiny_models, tmp_path):
    onnx = tmp_path / "voice.onnx"
    onnx.write_bytes(tiny_models["voice"].read_bytes()[:100])
    shutil.copy(f"{tiny_models['voice']}.json", f"{onnx}.json")
    with pytest.raises(SamanthaError, match="corrupt"):
        PiperSynthesizer.load(onnx, TtsSettings())
