"""With speakers and the echo canceller on, her output device changes in the middle of a
reply, and her voice's echo, now coming back by another path, must not make her interrupt
or answer herself.

How the device changes: her playback stream is moved (``pactl move-sink-input``) from the
"speaker" null sink to a second one, "other", whose monitor is looped into the virtual
microphone at the same coupling (0.7) but with a longer loopback (120 ms against 60): her
echo keeps its level and takes another path, the way it does when a user picks other
speakers in the desktop's sound settings or plugs in USB ones (the sound server moves the
running stream; the application is not asked). Moving the loopback alone would change the
room without any device changing (the canceller re-adapting by itself, unannounced: another
case), and moving it to a sink the microphone does not hear would only take the echo away.
The sound server's first event of the move makes the gate wary at once (``EchoGate.wary``:
its report of what moved comes ~0.16 s later, while her echo by the new path is back within
0.12 s, nearly whole, as the canceller has not learned it); the report then starts a new
canceller and a new gate (``DeviceWatch._redetect``).
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from pulse import as_device_wav, load_recording, loopback, pactl, play_into, recording
from test_echo_canceller_real import at_her_echo
from test_voice_loop import samantha_voice

pytestmark = pytest.mark.audio

COUPLING = 0.7


def her_stream(env, pid: int) -> str:
    """The index of her playback stream (the sink-input of process ``pid``)."""
    index = ""
    for line in pactl(env, "list", "sink-inputs").splitlines():
        line = line.strip()
        if line.startswith("Sink Input #"):
            index = line.split("#", 1)[1]
        elif line == f'application.process.id = "{pid}"':
            return index
    raise AssertionError(f"no playback stream of process {pid}")


def sounding(path, timeout: float) -> None:
    """Wait until the recording's last 0.1 s is loud (she is speaking there)."""
    deadline = time.monotonic() + timeout
    while (tail := load_recording(path)[-1600:]).size < 1600 or np.sqrt(np.mean(tail**2)) < 0.01:
        assert time.monotonic() < deadline, "she did not start speaking"
        time.sleep(0.02)


def test_her_speaker_changing_mid_reply_does_not_make_her_interrupt_herself(
        pulse, met_before, real_flags, testdata, tmp_path):
    from samantha.audio.audio_files import load_audio

    speech = load_audio(testdata / "jfk.flac")
    ask = as_device_wav(at_her_echo(speech[: int(2.4 * 16000)], COUPLING), tmp_path / "ask.wav")
    (tmp_path / "config.toml").write_text(
        "[turns]\nmin_interrupt_s = 0.1\n[llm]\nmax_reply_tokens = 60\ntemperature = 0.0\nseed = 7\n")
    pactl(pulse, "load-module", "module-null-sink", "sink_name=other", "rate=48000",
          "sink_properties=device.description=Other")
    loopback(pulse, "speaker.monitor", "mic", COUPLING, latency_ms=60)
    loopback(pulse, "other.monitor", "mic", COUPLING, latency_ms=120)
    before, after = tmp_path / "speaker.f32", tmp_path / "other.f32"
    with recording(pulse, "speaker.monitor", before), recording(pulse, "other.monitor", after), \
            samantha_voice(pulse, "--output-kind", "speakers", "--aec", "on", "--verbose", *real_flags) as out:
        out.wait_for("speaking on", 90)
        out.wait_for("· listening", 30)
        time.sleep(2.0)
        for _ in range(2):  # the canceller has learned the first path: a reply plays out on it
            play_into(pulse, "mic", ask).wait(timeout=30)
            out.wait_for("you ›", 30)
            out.wait_for("samantha ›", 60)
            out.collect(90, until="· listening")
            time.sleep(3.0)
        play_into(pulse, "mic", ask).wait(timeout=30)
        out.wait_for("you ›", 30)
        reply = out.wait_for("samantha ›", 60)
        sounding(before, 30)
        time.sleep(0.3)  # early in her reply (some are short): her speaker changes
        pactl(pulse, "move-sink-input", her_stream(pulse, out.proc.pid), "other")
        seen = out.collect(90, until="· listening") + out.collect(3.0)
    moved = [line for line in seen if "the speaker is now Other" in line]
    there = load_recording(after)
    voiced = 0.1 * int((np.sqrt(np.mean(there[: len(there) // 1600 * 1600].reshape(-1, 1600) ** 2, axis=1)) > 0.01).sum())
    herself = [line for line in seen if "you ›" in line or "interrupted" in line]
    assert moved, f"the move was not noticed: {seen}"
    print(f"after the move: {voiced:.1f} s of her voice on the new speaker (recorded {len(there) / 16000:.1f} s); "
          f"{len(herself)} self-interruptions; her reply: {reply.strip()!r}; {seen}")
    assert voiced >= 0.5, "she did not go on speaking on the new speaker"
    assert not herself, f"she interrupted or answered herself after the device change: {seen}"
