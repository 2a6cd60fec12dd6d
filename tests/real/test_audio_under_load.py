"""Audio under load: both cores saturated by busy processes at her own priority while a person
talks to her on the virtual devices, on real weights. The whole reply must still be heard, no
device declared lost, and no sound-library chatter on her terminal."""

import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from pulse import as_device_wav, load_recording, play_into, recording, sounding
from test_voice_loop import samantha_voice
from words import missed, wer

from samantha.conversation.memory import Memory

pytestmark = [pytest.mark.audio, pytest.mark.fault("kept")]
BUSY = "while True: pass"


@contextmanager
def busy_cores(count: int):
    """``count`` processes spinning at the same priority as everything else."""
    spinners = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(count)]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait(timeout=10)


def test_a_whole_reply_is_heard_while_every_core_is_busy(pulse, met_before, real_flags, testdata, whisper_base,
                                                         tmp_path):
    import os

    from samantha.audio.audio_files import load_audio

    ask = as_device_wav(load_audio(testdata / "jfk.flac")[int(7.55 * 16000):], tmp_path / "ask.wav")
    (tmp_path / "config.toml").write_text("[llm]\nmax_reply_tokens = 60\ntemperature = 0.0\nseed = 7\n")
    reply_audio = tmp_path / "reply.f32"
    with samantha_voice(pulse, "--verbose", *real_flags) as out:
        out.wait_for("listening", 90)
        time.sleep(2.0)  # the new input stream's first second or so is dead time
        with busy_cores(os.cpu_count() or 2), recording(pulse, "speaker.monitor", reply_audio):
            play_into(pulse, "mic", ask).wait(timeout=30)
            lines = [out.wait_for("you ›", 60)]
            # Her last reply's line, printed once it has played. Under load the player can stall mid-words,
            # ending the turn early: that reply is withdrawn when the user goes on, its line "(interrupted)".
            lines += out.collect(180, until=r"latency from end of speech(?!.*\(interrupted\))")
    printed = "\n".join(lines) + out.proc.stderr.read()  # her terminal: both streams
    assert "gone" not in printed and "ALSA" not in printed and "pa_linux_alsa" not in printed, printed

    memory = Memory.open(tmp_path / "data" / "memory.sqlite3")
    said = memory.messages(max(memory.unlearned()))
    memory.close()
    asked = [text for role, text, _ in said if role == "user"]
    assert len(asked) == 1 and wer(JFK_TAIL, asked[0]) <= 0.25, said  # one turn, whole, even if she was cut off in it
    role, reply, interrupted = said[-1]
    assert role == "assistant" and not interrupted, said
    back = whisper_base.transcribe(sounding(load_recording(reply_audio))).text
    went_on = "(you went on" in printed
    # all of her last reply was played, audibly; before it, the start of a withdrawn one may have been
    assert (missed(reply, back) if went_on else wer(reply, back)) <= 0.25, (reply, back, went_on)


JFK_TAIL = "ask what you can do for your country"  # the clip: its last clause
