"""Speakers with the echo canceller in front of the gate, for real: her real voice looped back
from the virtual speaker into the virtual microphone (``module-loopback``) at a coupling of
1.0, 0.7 and 0.3 (the loopback's volume as a linear factor: her echo at the microphone is
that fraction of what she plays). At each: over several replies she never interrupts or
answers herself, and a user speaking at the level of her echo (0 dB, not louder) interrupts
her, and what is transcribed of that interruption is the user's words, not hers.

The same runs with ``--aec off`` (the gate alone) measure what the canceller changes; they
assert only that she never answers herself. Every run adds a row to the table printed at
the end (``-s`` is not needed): echo removed, self-interruptions, the interruption heard,
how long it took, and its transcript.

The whole table (six runs, ~5 minutes) is a measurement: ``SAMANTHA_ECHO_TABLE=1`` runs it
(``SAMANTHA_ECHO_REPLIES=20`` listens through 20 replies at each coupling, ``SAMANTHA_ECHO_AEC=on`` only the
canceller's rows).
The suite runs the canceller at 0.7, as ``[audio] aec``'s default has it with speakers, and
asserts all of it: she never interrupts or answers herself, most of her echo is removed, and
the user at her echo's level interrupts her, in their own words.
"""

from __future__ import annotations

import os
import re
import time

import numpy as np
import pytest
from pulse import as_device_wav, load_recording, loopback, play_into, recording
from test_voice_loop import samantha_voice

pytestmark = pytest.mark.audio

HER_DBFS = -20.0  # [tts] loudness_dbfs: the level she speaks at
REPLIES = int(os.environ.get("SAMANTHA_ECHO_REPLIES", "3"))  # replies to listen through at each coupling, for her
# interrupting herself (the issue's measurement: 20)
USER_SAID = "what your country can do for you ask what you can do for your country"  # the interruption
ROWS: list[dict] = []
TABLE = os.environ.get("SAMANTHA_ECHO_TABLE") == "1"
CASES = [(c, a) for a in os.environ.get("SAMANTHA_ECHO_AEC", "on,off").split(",") for c in (1.0, 0.7, 0.3)] \
    if TABLE else [(0.7, "auto")]  # the default, which with livekit installed is on


@pytest.fixture(scope="module", autouse=True)
def table(request):
    """The measured table, printed once every run is done."""
    yield
    if ROWS:
        with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
            _print_table()


def _print_table() -> None:
    print("\ncoupling  aec  echo removed  self-interruptions  0 dB user heard  barge-in  transcript of the interruption")
    for r in ROWS:
        removed = f"{r['removed']:.0f} dB" if r["removed"] is not None else "-"
        delay = f"{r['delay']:.2f} s" if r["delay"] is not None else "-"
        print(f"{r['coupling']:>8}  {r['aec']:>3}  {removed:>12}  {r['self']:>18}  {r['heard']!s:>15}  "
              f"{delay:>8}  {r['transcript']!r}")


def looped(env, coupling: float) -> None:
    """Her speaker into the virtual microphone, at ``coupling`` (linear)."""
    loopback(env, "speaker.monitor", "mic", coupling)


def at_her_echo(audio: np.ndarray, coupling: float) -> np.ndarray:
    """``audio`` at the level her voice reaches the microphone (0 dB relative to her echo)."""
    from samantha.engines.piper import voiced_rms

    return (audio * (10 ** (HER_DBFS / 20) * coupling / voiced_rms(audio, 16000))).astype(np.float32)


def audible(recorded, timeout: float) -> None:
    """Wait until her voice is on the speaker (the recording's last 0.1 s is loud)."""
    deadline = time.monotonic() + timeout
    while (tail := load_recording(recorded)[-1600:]).size < 1600 or np.sqrt(np.mean(tail**2)) < 0.01:
        assert time.monotonic() < deadline, "she did not start speaking"
        time.sleep(0.02)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


@pytest.mark.parametrize(("coupling", "aec"), CASES)
def test_she_never_interrupts_herself_and_a_user_at_her_echos_level_interrupts_her(
        coupling, aec, pulse, met_before, real_flags, testdata, tmp_path):
    from samantha.audio.audio_files import load_audio

    speech = load_audio(testdata / "jfk.flac")
    short = as_device_wav(at_her_echo(speech[: int(2.4 * 16000)], coupling), tmp_path / "short.wav")
    long = as_device_wav(at_her_echo(speech[int(5.3 * 16000):], coupling), tmp_path / "long.wav")  # not her words
    (tmp_path / "config.toml").write_text(  # quick to take anything for the user; replies long enough to hear
        "[turns]\nmin_interrupt_s = 0.1\n[llm]\nmax_reply_tokens = 60\ntemperature = 0.0\nseed = 7\n")
    looped(pulse, coupling)
    row = {"coupling": coupling, "aec": aec, "removed": None, "self": 0, "heard": False, "delay": None, "transcript": ""}
    ROWS.append(row)
    heard = tmp_path / "speaker.f32"
    with recording(pulse, "speaker.monitor", heard), \
            samantha_voice(pulse, "--output-kind", "speakers", "--aec", aec, "--verbose", *real_flags) as out:
        out.wait_for("speaking on", 90)
        out.wait_for("· listening", 30)
        time.sleep(2.0)
        for _ in range(REPLIES):  # her whole reply and its echo, and 3 s more: never herself taken for the user
            play_into(pulse, "mic", short).wait(timeout=30)
            out.wait_for("you ›", 30)
            out.wait_for("samantha ›", 60)
            seen = out.collect(90, until="· listening") + out.collect(3.0)
            herself = [line for line in seen if "you ›" in line or "interrupted" in line or "went on" in line]
            row["self"] += len(herself)
            row.setdefault("lines", []).extend(herself)
            row["removed"] = _removed(seen, row["removed"])
        play_into(pulse, "mic", short).wait(timeout=30)
        out.wait_for("you ›", 30)
        reply = out.wait_for("samantha ›", 60)
        audible(heard, 30)
        time.sleep(0.3)  # she is speaking: talk over her, at her echo's own level
        started = time.monotonic()
        play_into(pulse, "mic", long)
        try:
            out.wait_for(r"\(interrupted; she had said", 10)
            row["heard"], row["delay"] = True, time.monotonic() - started
            row["transcript"] = out.wait_for("you ›", 30).split("you ›", 1)[1].strip()
        except AssertionError:
            pass
    assert row["self"] == 0, f"she interrupted or answered herself: {row}"
    if aec != "off":
        assert row["removed"] is not None and row["removed"] >= 30, f"little of her echo removed: {row}"
        assert row["heard"], f"a user at her echo's level did not interrupt her: {row}"
        said, theirs = words(row["transcript"]), set(USER_SAID.split())
        hers = set(words(reply.split("›", 1)[1])) - theirs
        # the user's words, most of them (the canceller clips a syllable or two where they start over her,
        # and Whisper tiny.en guesses there: 'or some tree can do for you', 'if our country can do for you')
        assert len(said) >= 3 and sum(w in theirs for w in said) >= 0.5 * len(said), row
        assert len([w for w in said if w in hers]) <= 1, f"her words ({hers}) in the user's turn: {row}"


def _removed(lines: list[str], before: float | None) -> float | None:
    for line in lines:
        if m := re.search(r"\(echo: (\d+) dB", line):
            return float(m.group(1))
    return before
