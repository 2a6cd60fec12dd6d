import math
import shutil

import numpy as np
import pytest

from samantha.config import SttSettings
from samantha.engines.whisper import LONGEST_S, WhisperTranscriber, rejection, split_long, window_s, without_loops
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
@pytest.mark.fault("message")
def test_incomplete_model_names_the_missing_file(tiny_models, tmp_path, missing):
    broken = tmp_path / "stt"
    shutil.copytree(tiny_models["stt"], broken)
    (broken / missing).unlink()
    with pytest.raises(SamanthaError) as err:
        WhisperTranscriber.load(broken, SttSettings())
    assert str(broken / missing) in str(err.value) and "samantha models download" in str(err.value)


@pytest.mark.fault("message")
def test_corrupt_model_is_reported_not_crashed(tiny_models, tmp_path):
    broken = tmp_path / "stt"
    shutil.copytree(tiny_models["stt"], broken)
    data = (broken / "model.bin").read_bytes()
    (broken / "model.bin").write_bytes(data[: len(data) // 2])
    with pytest.raises(SamanthaError) as err:
        WhisperTranscriber.load(broken, SttSettings())
    assert "corrupt" in str(err.value) and str(broken) in str(err.value)


@pytest.mark.parametrize("duration, window", [(0.4, 10), (3.0, 10), (9.0, 10), (9.5, 11), (14.2, 16), (29.5, 30), (40, 30)])
def test_the_window_fits_the_speech_with_a_second_to_spare(duration, window):
    assert window_s(duration, 10) == window
    assert window_s(duration, 30) == 30  # the full window, always: the accuracy reference


@pytest.mark.parametrize("text, kept", [
    ("to understand, to understand, to understand, to understand, to understand,", "to understand,"),
    ("well well well well well", "well"),
    ("no no no", "no no no"),  # people say that
    ("I said it, I said it, I said it, I said it. Then I left.", "I said it. Then I left."),
    ("ask not what your country can do for you, ask what you can do", "ask not what your country can do for you, ask what you can do"),
])
def test_a_decoder_loop_is_cut_to_one_saying(text, kept):
    assert without_loops(text) == kept


@pytest.mark.fault("kept")
def test_long_speech_is_cut_at_its_quietest_moments_into_pieces_of_at_most_a_window():
    rng = np.random.default_rng(0)
    rate = 16000
    audio = rng.normal(0, 0.1, 70 * rate).astype(np.float32)
    quiet = [(20.0, 20.5), (41.0, 41.4), (60.0, 60.3)]  # pauses in a 70 s dictation
    for start, end in quiet:
        audio[int(start * rate):int(end * rate)] *= 0.001
    pieces = split_long(audio)
    assert np.array_equal(np.concatenate(pieces), audio)  # nothing lost, nothing doubled
    assert all(len(p) <= LONGEST_S * rate for p in pieces)
    cuts = np.cumsum([len(p) for p in pieces])[:-1] / rate
    assert len(cuts) == 3 and all(s <= c <= e for c, (s, e) in zip(cuts, quiet))
    assert len(split_long(audio[: 28 * rate])) == 1  # a window's worth is one piece


@pytest.mark.fault("message")
def test_a_language_whisper_does_not_know_is_named_with_its_fix(tiny_models):
    with pytest.raises(SamanthaError, match="one of Whisper's language codes.*got 'english'.*config file"):
        WhisperTranscriber.load(tiny_models["stt"], SttSettings(language="english"))
