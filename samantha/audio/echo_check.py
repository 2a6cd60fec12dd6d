"""``samantha doctor``'s echo check, with speakers: a short sound played through the speaker
while the microphone records, then how long her echo takes to come back (the path delay),
how loud it is, and how much of it the echo canceller removes.

The canceller is judged offline on what was recorded, but exactly as the voice loop runs it:
a fresh ``EchoCanceller`` is handed each block the speaker played, with the stamp the
speaker gave it, before each microphone frame that arrived after it, and cleans the frames
in order. So the figure is the one the conversation gets, not a lab one.

The pure functions (``probe``, ``lag``, ``cancel``, ``measure``, ``verdict``) know nothing of
devices (tests/test_echo_check.py runs them on synthetic rooms); ``listen`` is the part
that plays and records.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from samantha.core.frames import FRAME, RATE, AudioChunk, Frame

PROBE_S = 1.5  # the sound: long enough for the canceller to converge, short enough not to annoy
PROBE_DBFS = -20.0  # as loud as her voice ([tts] loudness_dbfs)
MAX_PATH_S = 0.5  # the longest echo path looked for (AEC3's own delay estimator reaches ~0.5 s)
TAIL_S = MAX_PATH_S + 0.2  # recorded after the sound, for its echo to come back
HEARD = 0.3  # least normalised correlation of an echo (the microphone hears the speakers)
QUIET_DB = -50.0  # an echo this far below what was played is no echo worth cancelling
GOOD_DB, FAIR_DB = 30.0, 15.0  # removed: talk over her at a normal level / speak up a little


@dataclass(frozen=True)
class Block:
    """One block the speaker played: when its callback ran, the audio, and when it is heard."""

    called: float
    chunk: AudioChunk
    heard_at: float


@dataclass(frozen=True)
class Recording:
    """What one check played and heard, with the devices' own stamps."""

    probe: np.ndarray  # the sound, 16 kHz
    started: float  # monotonic time its first sample left for the speaker
    blocks: tuple[Block, ...]  # every block the speaker played meanwhile (silence too)
    frames: tuple[Frame, ...]  # every microphone frame, in order
    latency: float  # the microphone's input latency, s


@dataclass(frozen=True)
class Echo:
    """What the check found: ``heard`` False means no echo came back (the rest is then None)."""

    heard: bool
    path_ms: float | None = None  # her sound leaving for the speaker to its echo arriving from the microphone
    level_db: float | None = None  # her echo at the microphone, relative to what was played
    removed_db: float | None = None  # by the canceller, once it has converged (the sound's second half)


def probe(seconds: float = PROBE_S, dbfs: float = PROBE_DBFS) -> np.ndarray:
    """Noise in syllable-long bursts, 200 Hz to 6 kHz: broadband like a voice (the canceller
    learns every frequency of the path) and unambiguous to correlate (a tone is not)."""
    rng = np.random.default_rng(14)
    n = int(seconds * RATE)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / RATE)
    spectrum[(freqs < 200) | (freqs > 6000)] = 0
    noise = np.fft.irfft(spectrum, n)
    t = np.arange(n) / RATE
    bursts = 0.6 + 0.4 * np.sin(2 * np.pi * 4 * t)  # never silent: the canceller keeps learning
    sound = noise * bursts
    ramp = min(n // 2, int(0.01 * RATE))  # no click at either end
    sound[:ramp] *= np.linspace(0, 1, ramp)
    sound[n - ramp:] *= np.linspace(1, 0, ramp)
    return (sound * 10 ** (dbfs / 20) / np.sqrt(np.mean(sound**2))).astype(np.float32)


def lag(played: np.ndarray, heard: np.ndarray, max_s: float = MAX_PATH_S) -> tuple[float, float]:
    """Where ``played`` is in ``heard`` (``heard`` starting when ``played`` began): seconds of
    delay, and the normalised correlation there (1: a clean copy, ~0: not in it at all)."""
    most = min(int(max_s * RATE), max(0, len(heard) - len(played)))
    size = 1 << int(np.ceil(np.log2(len(heard) + len(played))))
    corr = np.fft.irfft(np.fft.rfft(heard, size) * np.conj(np.fft.rfft(played, size)), size)[: most + 1]
    at = int(np.argmax(np.abs(corr)))
    window = heard[at:at + len(played)]
    norm = float(np.sqrt(np.dot(played, played) * np.dot(window, window)))
    return at / RATE, float(abs(corr[at]) / norm) if norm > 0 else 0.0


def cancel(recording: Recording) -> np.ndarray:
    """The microphone's audio as the canceller in the voice loop makes it: each block the
    speaker played handed over before the frames that arrived after it (live, they were in
    its inbox by then). ``PRIMED`` samples behind the microphone's."""
    from samantha.audio.echo_canceller import EchoCanceller

    canceller, blocks, out = EchoCanceller.load(), list(recording.blocks), []
    i = 0
    for frame in recording.frames:
        while i < len(blocks) and blocks[i].called <= frame.at:
            canceller.played(blocks[i].chunk, blocks[i].heard_at)
            i += 1
        out.append(canceller.clean(frame, recording.latency).audio)
    return np.concatenate(out) if out else np.zeros(0, np.float32)


def heard_from(frames: tuple[Frame, ...]) -> tuple[np.ndarray, float]:
    """The microphone's audio end to end, and the monotonic time its first sample arrived (by
    the earliest stamps: a callback can be late, never early)."""
    if not frames:
        return np.zeros(0, np.float32), 0.0
    zero = min(f.at - f.t - FRAME / RATE for f in frames)
    first = frames[0].t
    audio = np.zeros(round((frames[-1].t - first) * RATE) + FRAME, np.float32)
    for f in frames:  # by stream time: a frame dropped is a gap, not a shift
        at = round((f.t - first) * RATE)
        audio[at:at + FRAME] = f.audio
    return audio, zero + first


def measure(recording: Recording, with_canceller: bool = True) -> Echo:
    """The echo in ``recording``: its path and level, and how much the canceller removes."""
    heard, zero = heard_from(recording.frames)
    probe_, start = recording.probe, round((recording.started - zero) * RATE)
    if start < 0 or len(heard) < start + len(probe_):
        return Echo(False)  # the sound was not all recorded: nothing to judge
    after = heard[start:start + len(probe_) + int(MAX_PATH_S * RATE)]
    delay, match = lag(probe_, after)
    at = start + round(delay * RATE)
    echo = heard[at:at + len(probe_)]
    level = _db(echo) - _db(probe_)
    if match < HEARD or level < QUIET_DB:
        return Echo(False)
    removed = None
    if with_canceller:
        from samantha.audio.echo_canceller import PRIMED

        cleaned = cancel(recording)
        half = slice(at + len(probe_) // 2, at + len(probe_))  # converged by then
        shifted = slice(half.start + PRIMED, half.stop + PRIMED)
        removed = round(_db(heard[half]) - _db(cleaned[shifted]), 1)
    return Echo(True, round(delay * 1000), round(level, 1), removed)


def verdict(echo: Echo) -> str:
    """One line for the user: what was found, and what it means when talking to her."""
    if not echo.heard:
        return "no echo heard: a headset, or the microphone does not hear the speakers"
    found = f"path {echo.path_ms:.0f} ms, at {echo.level_db:.0f} dB of her sound"
    if echo.removed_db is None:
        return found
    found += f", {echo.removed_db:.0f} dB removed"
    if echo.removed_db >= GOOD_DB:
        return f"{found}: you can talk over her at a normal level"
    if echo.removed_db >= FAIR_DB:
        return f"{found}: speak up a little to talk over her, or use a headset"
    return f"{found}: too little; talk over her with the talk key, or use a headset"


def _db(audio: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.square(audio, dtype=np.float64)) + 1e-12))


def listen(output_device: str = "", input_device: str = "", timeout: float = 10.0) -> Recording:
    """Play the sound through the speaker while recording the microphone. Both streams are
    running (callbacks flowing: a new stream's first second or so is dead) before it plays.
    Every wait is bounded by ``timeout``; raises SamanthaError when a device stays silent."""
    from samantha.audio.microphone import Microphone
    from samantha.audio.speaker import Speaker
    from samantha.errors import SamanthaError

    blocks: list[Block] = []
    speaker = Speaker.open(output_device)
    try:
        microphone = Microphone.open(input_device)
    except BaseException:
        speaker.close()
        raise
    try:
        speaker.tap = lambda chunk, heard_at: blocks.append(Block(time.monotonic(), chunk, heard_at))
        frames = _until_flowing(microphone, blocks, time.monotonic() + timeout)
        sound = probe()
        queued = speaker.play(AudioChunk(sound, RATE))
        frames += _frames_for(microphone, PROBE_S + TAIL_S + 0.3, time.monotonic() + timeout)
        if queued.started is None:
            raise SamanthaError("The speaker did not play the test sound; check `samantha devices` and --output.")
        return Recording(sound, queued.started, tuple(blocks), tuple(frames), microphone.latency)
    finally:
        speaker.close()
        microphone.close()


def _until_flowing(microphone, blocks: list[Block], deadline: float) -> list[Frame]:
    """Frames until both streams have run for a while (the last 0.5 s of them are kept)."""
    from samantha.errors import SamanthaError

    frames: list[Frame] = []
    while len(frames) * FRAME / RATE < 1.0 or len(blocks) < 50:
        if time.monotonic() > deadline:
            raise SamanthaError("The microphone or speaker delivered no audio; check `samantha devices`, "
                                "--input and --output.")
        if (frame := microphone.read(0.1)) is not None:
            frames.append(frame)
    return frames[-int(0.5 * RATE / FRAME):]


def _frames_for(microphone, seconds: float, deadline: float) -> list[Frame]:
    frames: list[Frame] = []
    while len(frames) * FRAME / RATE < seconds and time.monotonic() < deadline:
        if (frame := microphone.read(0.1)) is not None:
            frames.append(frame)
    return frames
