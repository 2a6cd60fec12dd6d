"""Speakers, for real: her real voice looped back from the virtual speaker into the virtual
microphone, as laptop speakers leak into the laptop's microphone. She must never take her own
echo for the user, a louder voice must still stop her, and with a headset setting the very
same echo does cut her off (so the echo in this test is real). The echo gate alone
(``--aec off``): the canceller in front of it is tests/real/test_echo_canceller_real.py."""

import time

import pytest
from pulse import as_device_wav, pactl, play_into
from test_voice_loop import samantha_voice

pytestmark = pytest.mark.audio


@pytest.fixture
def echoing(pulse):
    """Her speaker looped back into the virtual microphone at half volume (about -18 dB)."""
    pactl(pulse, "load-module", "module-loopback", "source=speaker.monitor", "sink=mic", "latency_msec=60")
    deadline = time.monotonic() + 10
    while not (loops := [line.split("\t")[0] for line in pactl(pulse, "list", "short", "sink-inputs").splitlines()
                         if "module-loopback" in line]):
        assert time.monotonic() < deadline, "the loopback did not start"
        time.sleep(0.1)
    pactl(pulse, "set-sink-input-volume", loops[0], "50%")
    return pulse


@pytest.mark.parametrize("kind", ["speakers", "headset"])
def test_with_speakers_she_never_answers_or_interrupts_herself_but_a_louder_voice_stops_her(
        kind, echoing, met_before, real_flags, phrase, tmp_path):
    normal = as_device_wav(phrase, tmp_path / "normal.wav")
    louder = as_device_wav(phrase * 4, tmp_path / "louder.wav")  # 12 dB up, clipped where it must be
    (tmp_path / "config.toml").write_text(  # quick to take anything for the user; replies long enough to hear
        "[turns]\nmin_interrupt_s = 0.1\n[llm]\nmax_reply_tokens = 60\ntemperature = 0.0\nseed = 7\n")
    with samantha_voice(echoing, "--output-kind", kind, "--aec", "off", *real_flags) as out:
        assert f"as {kind} (as set)" in out.wait_for("speaking on", 90)
        out.wait_for("· listening", 30)
        time.sleep(2.0)
        play_into(echoing, "mic", normal).wait(timeout=30)
        assert "fellow" in out.wait_for("you ›", 30).lower()  # the person's words (tiny.en may mishear the rest)
        out.wait_for("samantha ›", 60)
        if kind == "headset":
            out.wait_for(r"you ›|interrupted", 30)  # her own voice, heard as the user's
            return
        seen = out.collect(60, until="· listening") + out.collect(3.0)  # her whole reply and its echo, and 3 s more
        assert not [line for line in seen if "you ›" in line or "interrupted" in line], seen
        play_into(echoing, "mic", normal).wait(timeout=30)
        out.wait_for("samantha ›", 60)
        time.sleep(1.0)
        play_into(echoing, "mic", louder)
        out.wait_for(r"\(interrupted; she had said", 10)
