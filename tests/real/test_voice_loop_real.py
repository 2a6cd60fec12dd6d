"""The whole voice loop on real weights and real (virtual) audio devices: a person's recorded
voice into the microphone, a real ear, mind and voice, her reply recorded from the speaker
and understood by a second ear; then talked over, and history keeps what was heard."""

import time

import numpy as np
import pytest
from pulse import as_device_wav, load_recording, play_into, recording, sounding
from test_voice_loop import samantha_voice
from words import wer

from samantha.bench.corpus import spoken  # the real voice at 16 kHz: a second, human-sounding speaker
from samantha.conversation.memory import Memory

pytestmark = pytest.mark.audio


@pytest.fixture
def asked(testdata):
    """A person saying "ask what you can do for your country." (jfk.flac from 7.55 s: its last phrase)."""
    from samantha.audio.audio_files import load_audio

    return "ask what you can do for your country.", load_audio(testdata / "jfk.flac")[int(7.55 * 16000):]


def wait_for_sound(recorded, timeout: float) -> None:
    """Until the recording being made holds sound in its newest 100 ms."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tail = load_recording(recorded)[-1600:]
        if len(tail) and float(np.sqrt(np.mean(tail**2))) > 0.01:
            return
        time.sleep(0.05)
    raise AssertionError(f"no sound recorded within {timeout} s")


def test_a_person_is_heard_answered_and_understood_then_talked_over(
        pulse, met_before, real_flags, asked, joe, whisper_base, tmp_path):
    words, audio = asked
    ask = as_device_wav(audio, tmp_path / "ask.wav")
    story = as_device_wav(spoken(joe, "Tell me a long story about a dragon who lived in a lighthouse."),
                          tmp_path / "story.wav")
    stop = as_device_wav(spoken(joe, "Let me tell you something first."), tmp_path / "stop.wav")
    (tmp_path / "config.toml").write_text("[llm]\nmax_reply_tokens = 60\ntemperature = 0.0\nseed = 7\n")
    reply_audio = tmp_path / "reply.f32"
    with samantha_voice(pulse, "--verbose", *real_flags) as out:
        out.wait_for("listening", 90)
        time.sleep(2.0)  # the new input stream's first second or so is dead time
        with recording(pulse, "speaker.monitor", reply_audio):
            play_into(pulse, "mic", ask).wait(timeout=30)
            heard = out.wait_for("you ›", 30)
            out.wait_for("latency from end of speech", 90)  # printed once her reply has played
        with recording(pulse, "speaker.monitor", tmp_path / "story.f32"):
            play_into(pulse, "mic", story).wait(timeout=30)
            out.wait_for("samantha ›", 60)
            wait_for_sound(tmp_path / "story.f32", 30)  # her voice is playing (the text comes first)
            time.sleep(1.5)  # she is telling the story: talk over her
            play_into(pulse, "mic", stop)
            cut = out.wait_for(r"\(interrupted; she had said", 15)
        out.wait_for("you ›", 30)  # the interruption is the user's next turn...
        out.wait_for("samantha ›", 60)  # ...and she answers it
        out.wait_for("latency from end of speech", 90)
        out.wait_for("latency from end of speech", 90)  # both replies wound up: the cut one and the answer
    assert wer(words, heard.split("›", 1)[1]) <= 0.10, heard

    memory = Memory.open(tmp_path / "data" / "memory.sqlite3")
    said = memory.messages(max(memory.unlearned()))
    memory.close()
    roles = [role for role, _, _ in said]
    assert roles[:5] == ["user", "assistant", "user", "assistant", "user"], said
    reply = said[1][1]
    back = whisper_base.transcribe(sounding(load_recording(reply_audio)))
    assert wer(reply, back.text) <= 0.25, (reply, back.text)  # her real voice says her real words

    _, kept, interrupted = said[3]
    assert interrupted and kept.strip() == cut.split('she had said: "', 1)[1].rsplit('"', 1)[0].strip()
    assert len(kept.split()) >= 1  # she had begun the story, and only what was heard is kept
