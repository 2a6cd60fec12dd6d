"""A letter written by voice, end to end on the virtual devices with the real small models: a
human-sounding voice (the real piper voice) opens a letter, dictates two paragraphs with a
pause inside them, says "new paragraph", "scratch that", "read it back" and "save it"; her
reading is understood from the speaker's recording by a second ear (Whisper base), and the
file holds the dictated text in its paragraphs, without what was scratched."""

import time

import pytest
from pulse import as_device_wav, load_recording, play_into, recording, sounding
from test_voice_loop import samantha_voice
from test_voice_loop_real import wait_for_sound
from words import wer

from samantha.bench.corpus import spoken
from samantha.letters.files import LetterFiles

pytestmark = pytest.mark.audio
FIRST = "Thank you for the lovely scarf. It keeps me warm on my walks."
SECOND = "I hope to visit you in the spring."
SCRATCHED = "The garden is full of roses."


def say(pulse, joe, tmp_path, text: str, name: str) -> None:
    play_into(pulse, "mic", as_device_wav(spoken(joe, text), tmp_path / f"{name}.wav")).wait(timeout=30)


def on_disk(tmp_path) -> str:
    """The letter's text as its file holds it now (it is saved as it grows)."""
    entries = LetterFiles(tmp_path / "letters").entries()
    return entries[0].letter.draft.text() if entries and entries[0].letter else ""


def dictated(out, pulse, joe, tmp_path, text: str, name: str) -> None:
    """Dictate ``text`` (Whisper may make it one turn or two): she says nothing back, and the
    file holds its last words once she listens again."""
    say(pulse, joe, tmp_path, text, name)
    tail = " ".join(text.lower().rstrip(".").split()[-2:])
    deadline = time.monotonic() + 30
    while tail not in on_disk(tmp_path).lower():
        assert time.monotonic() < deadline, f"{text!r} not in the letter: {on_disk(tmp_path)!r}"
        time.sleep(0.1)
    assert not [line for line in out.collect(30, until="· listening") if "samantha ›" in line]  # silent


def answered(out, pulse, joe, tmp_path, text: str, name: str) -> str:
    """Say a command: her answer, once she has said it all."""
    say(pulse, joe, tmp_path, text, name)
    reply = out.wait_for("samantha ›", 60)
    out.collect(90, until="· listening")
    return reply.lower()


def test_a_letter_dictated_by_voice_is_read_back_and_kept_as_dictated(pulse, met_before, real_flags, joe,
                                                                      whisper_base, tmp_path):
    (tmp_path / "config.toml").write_text("[llm]\nmax_reply_tokens = 40\ntemperature = 0.0\nseed = 7\n")
    reading = tmp_path / "reading.f32"
    with samantha_voice(pulse, "--verbose", *real_flags) as out:
        out.wait_for("listening", 90)
        time.sleep(2.0)  # the new input stream's first second or so is dead time
        assert "amy" in answered(out, pulse, joe, tmp_path, "Let's write a letter to Amy.", "open")
        dictated(out, pulse, joe, tmp_path, FIRST, "first")  # a pause, then the next paragraph
        dictated(out, pulse, joe, tmp_path, f"New paragraph. {SECOND}", "second")  # silent, like dictation
        dictated(out, pulse, joe, tmp_path, SCRATCHED, "scratched")
        assert "garden" in answered(out, pulse, joe, tmp_path, "Scratch that.", "scratch")  # says what went
        with recording(pulse, "speaker.monitor", reading):
            say(pulse, joe, tmp_path, "Read it back.", "read")
            out.wait_for("samantha ›", 30)
            wait_for_sound(reading, 30)
            out.collect(90, until="· listening")  # she has read it all
        assert "saved" in answered(out, pulse, joe, tmp_path, "That's it, save it.", "save")
    [entry] = LetterFiles(tmp_path / "letters").entries()
    paragraphs = entry.letter.draft.text().split("\n\n")
    assert len(paragraphs) == 2, paragraphs
    assert wer(FIRST, paragraphs[0]) <= 0.15 and wer(SECOND, paragraphs[1]) <= 0.15, paragraphs
    assert "garden" not in entry.letter.draft.text().lower()
    assert entry.letter.status == "done" and entry.letter.to == "Amy"
    back = whisper_base.transcribe(sounding(load_recording(reading))).text
    assert wer(f"{FIRST} {SECOND}", back) <= 0.25, back  # her reading is the letter
