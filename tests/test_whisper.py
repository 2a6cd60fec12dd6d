import math
import shutil

import numpy as np
import pytest

from samantha.config import SttSettings
from samantha.engines.whisper import WhisperTranscriber, rejection
from samantha.errors import SamanthaError


def test_transcribes_real_speech_with_the_real_engine(transcriber, testdata, heard_text):
    from samantha.audio.audio_files import load_audio

    audio = load_audio(testdata / "jfk.flac")
    transcript = transcriber.transcribe(audio)
    assert transcript.duration_s == pytest.approx(11.0, abs=0.1)
    # The tiny model's decoder follows one fixed path whatever it hears; it really ran and scored it.
    assert transcript.heard and transcript.text == heard_text
    assert math.isfinite(transcript.avg_logprob) and transcript.avg_logprob < 0
    assert 0.0 <= transcript.no_speech_prob <= 1.0


@pytest.mark.parametrize("audio", [np.zeros(16000, np.float32), np.zeros(0, np.float32),
                                   np.full(8000, 1e-4, np.float32)])
def test_silence_is_nothing_heard(transcriber, audio):
    transcript = transcriber.transcribe(audio)
    assert not transcript.heard and transcript.rejected == "too quiet" and transcript.text == ""


def test_audio_of_any_shape_and_dtype_is_accepted(transcriber):
    noise = np.random.default_rng(0).normal(0, 0.1, (16000, 1)).astype(np.float64)
    transcript = transcriber.transcribe(noise)
    assert transcript.duration_s == pytest.approx(1.0)
    assert transcript.rejected != "too quiet"


def test_configured_thresholds_decide_what_whisper_drops(tiny_models, heard_text):
    """The tiny model is sure (no-speech ~0, log-prob ~-0.2); thresholds of 0 make every segment 'silent'."""
    noise = np.random.default_rng(0).normal(0, 0.1, 16000).astype(np.float32)
    normal = WhisperTranscriber.load(tiny_models["stt"], SttSettings())
    strict = WhisperTranscriber.load(tiny_models["stt"], SttSettings(no_speech_threshold=0.0, logprob_threshold=0.0))
    assert normal.transcribe(noise).text == heard_text
    dropped = strict.transcribe(noise)
    assert not dropped.heard and dropped.rejected == "no speech"


@pytest.mark.parametrize("text, no_speech, logprob, reason", [
    ("Thank you.", 0.5, -0.8, "hallucination"),
    ("Thanks for watching!", 0.3, -0.6, "hallucination"),
    ("you", 0.2, -0.9, "hallucination"),
    ("Subtitles by the Amara.org community", 0.01, -0.1, "hallucination"),
    ("♪ ♪", 0.01, -0.1, "hallucination"),
    ("...", 0.01, -0.1, "hallucination"),
    ("", 0.0, 0.0, "no speech"),
    ("Mumble grumble", 0.05, -2.5, "low confidence"),
    ("Thank you.", 0.02, -0.2, None),  # said clearly: a real thank-you is kept
    ("What's the weather like tomorrow?", 0.05, -0.3, None),
])
def test_hallucination_guard(text, no_speech, logprob, reason):
    assert rejection(text, no_speech, logprob, SttSettings()) == reason


@pytest.mark.parametrize("missing", ["tokenizer.json", "model.bin", "config.json"])
def test_incomplete_model_names_the_missing_file(tiny_models, tmp_path, missing):
    broken = tmp_path / "stt"
    shutil.copytree(tiny_models["stt"], broken)
    (broken / missing).unlink()
    with pytest.raises(SamanthaError) as err:
        WhisperTranscriber.load(broken, SttSettings())
    assert str(broken / missing) in str(err.value) and "samantha models download" in str(err.value)


def test_corrupt_model_is_reported_not_crashed(tiny_models, tmp_path):
    broken = tmp_path / "stt"
    shutil.copytree(tiny_models["stt"], broken)
    data = (broken / "model.bin").read_bytes()
    (broken / "model.bin").write_bytes(data[: len(data) // 2])
    with pytest.raises(SamanthaError) as err:
        WhisperTranscriber.load(broken, SttSettings())
    assert "corrupt" in str(err.value) and str(broken) in str(err.value)
