"""How much of what the microphone heard is her voice: on real recorded speech, her echo by
one path or two, alone or with another person speaking over it."""

import numpy as np
import pytest

from samantha.audio.echo_likeness import likeness
from samantha.core.frames import RATE

LEFT = 1600  # 100 ms judged, as the canceller does...
REACH = 4800  # ...against her last 300 ms more


@pytest.fixture
def voices(testdata):
    from samantha.audio.audio_files import load_audio

    her = load_audio(testdata / "multilingual.mp3")[: 8 * RATE]
    them = load_audio(testdata / "jfk.flac")[: 8 * RATE]
    return her, them


def windows(her: np.ndarray, left: np.ndarray, step: int = RATE // 4, loud: np.ndarray | None = None):
    """(left, played) pairs every ``step`` where she is speaking and ``loud`` (by default
    ``left`` itself) is not silent: ``played`` ends 40 ms after ``left`` does, as the
    canceller's feed leads its microphone."""
    loud = left if loud is None else loud
    for end in range(REACH + LEFT, len(her) - 640, step):
        played = her[end + 640 - LEFT - REACH: end + 640]
        if np.sqrt(np.mean(played[-2000:] ** 2)) > 0.02 and np.sqrt(np.mean(loud[end - LEFT:end] ** 2)) > 0.01:
            yield left[end - LEFT:end], played


def delayed(x: np.ndarray, seconds: float) -> np.ndarray:
    n = int(seconds * RATE)
    return np.concatenate([np.zeros(n, np.float32), x[: len(x) - n]])


def test_her_echo_by_any_path_within_reach_is_hers(voices):
    her, _ = voices
    echo = 0.3 * delayed(her, 0.12)
    found = [likeness(left, played) for left, played in windows(her, echo)]
    assert len(found) > 10 and min(found) > 0.99  # measured: 0.9999 at least


def test_her_echo_by_a_direct_path_and_a_reflection_is_hers(voices):
    her, _ = voices
    for later in (0.001, 0.004, 0.02):  # the reflection's extra way
        echo = 0.3 * delayed(her, 0.1) - 0.2 * delayed(her, 0.1 + later)
        found = [likeness(left, played) for left, played in windows(her, echo)]
        assert len(found) > 10 and min(found) > 0.8, (later, found)  # measured: 0.87 at least


@pytest.mark.parametrize("level_db, most", [(0.0, 0.7), (-6.0, 0.9)])
def test_with_another_voice_over_her_echo_the_sound_is_not_all_hers(voices, level_db, most):
    her, them = voices
    echo = 0.3 * delayed(her, 0.1)
    found = []
    for (theirs, played), (hers, _) in zip(windows(her, them), windows(her, echo, loud=them)):
        gain = np.sqrt(np.mean(hers**2) / np.mean(theirs**2)) * 10 ** (level_db / 20)  # at that level, here
        found.append(likeness(hers + gain * theirs, played))
    assert len(found) > 10 and max(found) < most, found  # measured: at most 0.68 at 0 dB, 0.87 at -6 dB


def test_another_voice_is_not_hers(voices):
    her, them = voices
    found = [likeness(left, played) for left, played in windows(her, them)]
    assert len(found) > 10 and max(found) < 0.5, found  # what two filters fit of it by chance: 0.41 at most


def test_silence_on_either_side_is_nothing_of_hers():
    assert likeness(np.zeros(LEFT, np.float32), np.ones(LEFT + REACH, np.float32)) == 0.0
    assert likeness(np.ones(LEFT, np.float32), np.zeros(LEFT + REACH, np.float32)) == 0.0
    assert likeness(np.ones(LEFT, np.float32), np.ones(LEFT // 2, np.float32)) == 0.0  # too little to compare
