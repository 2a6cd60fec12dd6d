"""``samantha bench --real-test-models`` on the virtual devices: real engines, voice to voice
measured with its breakdown, and the end of turn reported for each kind of speaker. Checks
what is measured, never how fast."""

import json

import pytest
from conftest import TESTDATA, run_cli
from real_models import WHISPER_TINY

from samantha.bench import corpus

pytestmark = pytest.mark.audio


@pytest.mark.timeout(480)
def test_the_benchmark_measures_voice_to_voice_on_the_real_models(pulse, real_models):
    done = run_cli(["bench", "--json", "--real-test-models", "--stt-model", str(real_models[WHISPER_TINY]),
                    "--rounds", "1", "--idle-seconds", "2", "--voice-turns", "3", "--through", "mic"], pulse, timeout=400)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert results["models"]["which"] == "real test models (PyPI)"
    assert results["models"]["llm"].endswith("SmolLM2-135M-Instruct.Q4_1.gguf")
    v = results["voice_to_voice_ms"]
    assert v["input"] == "played through mic"  # into the virtual microphone: the real input path
    assert v["n"] + len(v["missed"]) == 3 and v["n"] >= 2, v
    order = ["pause noticed", "transcript", "end of turn", "first audio", "audible"]  # the first token may come
    for turn in v["turns"]:                                                       # before the end: prepared
        stamps = [turn[step] for step in order if step in turn]
        assert len(stamps) == len(order) and stamps == sorted(stamps) and stamps[-1] > 0, turn
        assert turn["first token"] <= turn["first audio"], turn
    if TESTDATA.is_dir():
        assert v["turns"][0]["kind"] in ("human", "unseen")  # recordings first (jfk may be cut at its long pauses)
        assert "jfk.flac" in [t["clip"] for t in v["turns"]] + v["cut_off"] + v["missed"]
    e = results["endpoint_delay_ms"]
    assert e["scripted_words"] is False and {"espeak", "voice"} <= set(e["by_kind"])
    assert e["by_kind"]["voice"]["turns"] + e["by_kind"]["voice"]["cut_off"] + e["by_kind"]["voice"]["missed"] == 12
    words = results["word_error_rate"]
    assert 0 <= words["voice"]["wer_pct"] <= 100 and 0 <= words["voice"]["full_window_wer_pct"] <= 100
    people = e["by_kind"]["people"]  # the recordings of people fetched with the real test models
    assert people["turns"] + people["cut_off"] + people["missed"] == len(corpus.PEOPLE) and words["people"]["n"] == 11
    readers = e["by_kind"]["reader"]  # the held-out reading, fetched with them
    assert readers["turns"] + readers["cut_off"] + readers["missed"] == len(corpus.READERS) == words["reader"]["n"]
    if TESTDATA.is_dir():  # the recordings: known words, and a reading compared with the full window
        assert {"human", "unseen", "reading"} <= set(e["by_kind"]) and "wer_pct" in words["unseen"]
        assert 0 <= words["reading"]["differs_from_full_window_pct"] <= 100
