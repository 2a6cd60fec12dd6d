"""``scripts/compare_cancellers.py``, which the README's choice of echo canceller rests on, run
on her real voice: the project's own canceller measured as the README says (the other two are
not dependencies, and are said to be not installed)."""

import importlib.util
import re
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "compare_cancellers.py"


@pytest.fixture(scope="module")
def compare():
    spec = importlib.util.spec_from_file_location("compare_cancellers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_chosen_canceller_removes_her_echo_and_keeps_the_person_over_her(compare, real_settings, testdata):
    pytest.importorskip("livekit.rtc")
    from samantha.audio.audio_files import load_audio

    her = compare.her_voice(real_settings)
    near, person = compare.room(her, load_audio(testdata / "jfk.flac"))
    line = compare.measure(compare.livekit(), her, near, person)
    removed, kept, below = (float(x) for x in re.findall(r"(-?[\d.]+) dB", line))
    assert removed > 40, line  # the README: about 57 dB
    assert -25 < kept < -3 and below > 3, line  # the person over her, cut by the suppressor but above her echo
