"""With speakers: her own voice taken out of what the microphone hears, before the VAD, the
echo gate and the transcriber see it. WebRTC's echo canceller (AEC3), through the ``livekit``
package's ``AudioProcessingModule``.

The canceller is told exactly what she played (the far end) and, 10 ms at a time, what the
microphone heard; it learns the path from one to the other (the speakers, the room, both
device buffers) and subtracts her. Both sides are dated by the stamps the devices already
keep: the speaker knows when each block is heard (its callback's time plus its output
latency), the microphone when each frame was captured (its arrival minus its input
latency). Each 10 ms of microphone captured at ``c`` is processed right after the far end
heard up to ``c + LEAD_S``, so her sound always reaches the canceller before its echo does,
and the delay it is told is what the stamps say is left (``LEAD_S``, the least it can be;
measured on a simulated room, a delay hint above the truth costs the first second, one below
costs nothing). AEC3's own delay estimator finds the rest, up to ~0.5 s. A new device starts
a new canceller (``reset``), as the path it learned is gone.

Decisions: 16 kHz on both sides (the frames' own rate; her voice is resampled from the
device's rate; 48 kHz costs three times as much and the VAD and Whisper only see 16 kHz);
echo cancellation and the high-pass filter only, no noise suppression or gain control (they
would change the user's voice, which the VAD's thresholds and Whisper are tuned on). It
rests only in a quiet room: after 320 ms of a microphone quieter than any voice while none
of her sound was fed or is waiting, frames pass through untouched (and her silence is
dropped, not fed) until any sound comes, the user's or hers, which it meets awake. (Resting
whenever she was quiet, and waking when she spoke again, left her first words uncancelled on
the real devices; a room with sound in it keeps it awake, at ~0.4 ms of one core per 32 ms
frame.) The speaker's callback only appends a copy of each block to a deque (``played``);
all the work runs on the voice loop's thread (``clean``). Its timelines run by the devices'
sample counts, set by their stamps and then held still (``Stamps``): a late callback on a
busy machine is no gap in the sound, and the stamps' wandering is no jump in her echo's path.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from typing import Any

import numpy as np

from samantha.audio.echo_likeness import likeness
from samantha.audio.far_end import FarEnd
from samantha.audio.resampler import Resampler
from samantha.core.frames import FRAME, RATE, AudioChunk, Frame
from samantha.errors import SamanthaError

BLOCK = RATE // 100  # the canceller's 10 ms
BLOCK_S = BLOCK / RATE
LEAD_S = 0.04  # her sound is fed this long before the microphone audio captured as it is heard: the
# timelines' error, up to ``TOLERANCE_S`` each way once settled (measured on PulseAudio: the canceller
# found her echo 12 ms later than this hint, so the error there ran the safe way)
JUMP_S = 0.3  # a stamp this far from the sample count: a new stream, or an underrun's gap
SHIFT_S = 0.002  # a timeline settling moves when its stamps are this far off...
SETTLE_S = 0.5  # ...and, when they are later than it, were so all along for this long
TOLERANCE_S = 0.03  # settled, a timeline moves only when its stamps are this far off...
LASTING_S = 5.0  # ...and, when they are later than it, were so all along for this long
SOUND = 1e-3  # RMS: she is making sound (her voice, not the zeros of an idle speaker); also a quiet room's
REST_AFTER = 10  # quiet frames (320 ms) after which the canceller rests, in a quiet room (``_rests``)
HEARD_BLOCKS = 500  # ~5 s of her echo to tell how much is removed
PRIMED = FRAME % BLOCK * 4  # 128: output kept back so a 32 ms frame can always be returned whole
HEARD_RAW_BLOCKS = 10  # the microphone judged by ``mine`` (100 ms)...
ECHO_BLOCKS = 30  # ...against her voice fed over that and the 300 ms before: her echo comes back within that


def available() -> bool:
    """Is the canceller's library installed (``auto`` turns it on only then)?"""
    import importlib.util

    try:
        return importlib.util.find_spec("livekit.rtc") is not None
    except ModuleNotFoundError:
        return False


class EchoCanceller:
    def __init__(self) -> None:
        """Touches no library: ``load`` makes the canceller itself."""
        self._apm: Any = None  # the library's AudioProcessingModule, once loaded
        self._far_frame: Any = None
        self._near_frame: Any = None
        self._inbox: deque[tuple[float, AudioChunk]] = deque(maxlen=400)  # from the speaker: ~4 s
        self._heard: deque[float] = deque(maxlen=HEARD_BLOCKS)  # dB removed, per 10 ms of her echo
        self._fresh()

    @classmethod
    def load(cls) -> EchoCanceller:
        canceller = cls()
        canceller.reset()
        return canceller

    def reset(self) -> None:
        """A new device: a new canceller, the far end's timeline and the measurements afresh."""
        try:
            from livekit import rtc

            self._apm = rtc.AudioProcessingModule(echo_cancellation=True, high_pass_filter=True)
        except ImportError as exc:
            raise SamanthaError("The echo canceller needs the livekit package: pip install livekit "
                                "(or --aec off: the echo gate alone).") from exc
        except (OSError, RuntimeError) as exc:  # installed, but its native library would not run here
            raise SamanthaError(f"The echo canceller (livekit) would not start: {exc}. Reinstall it "
                                "(pip install --force-reinstall livekit), or use --aec off: the echo gate alone.") from exc
        self._far_frame = rtc.AudioFrame.create(RATE, 1, BLOCK)
        self._near_frame = rtc.AudioFrame.create(RATE, 1, BLOCK)
        self._fresh()

    def _fresh(self) -> None:
        self._resampler: Resampler | None = None
        self._far = FarEnd()  # her voice at 16 kHz, not yet fed
        self._in_next = 0.0  # when the next block from the speaker should be heard
        self._far_next = float("-inf")  # the far end's next 10 ms to feed, by when it is heard
        self._near_in = np.zeros(0, np.float32)
        self._near_t = 0.0  # stream time of its first sample
        self._near_out = np.zeros(PRIMED, np.float32)
        self._zero: tuple[int, float] | None = None  # (stream, monotonic time of stream time 0)
        self._near_clock = Stamps(SETTLE_S / FRAME * RATE, LASTING_S / FRAME * RATE)
        self._far_clock = Stamps(SETTLE_S / BLOCK_S, LASTING_S / BLOCK_S)
        self._recent: deque[float] = deque([0.0] * 50, maxlen=50)  # energy of the last 0.5 s of far end fed
        self._blocks = 0  # microphone blocks processed since the last reset
        self._quiet = 0  # quiet microphone frames in a row, with her silent (``_rests``)
        self._heard.clear()
        self._fed: deque[np.ndarray] = deque(maxlen=HEARD_RAW_BLOCKS + ECHO_BLOCKS)  # her last blocks fed (``mine``)
        self._heard_raw: deque[np.ndarray] = deque(maxlen=HEARD_RAW_BLOCKS)  # and of the microphone, as it came

    # --- the speaker's side: from its audio callback, so only a copy into a deque ---
    def played(self, chunk: AudioChunk, heard_at: float) -> None:
        """A block she played, and the monotonic time its first sample is heard."""
        self._inbox.append((heard_at, chunk))

    # --- the microphone's side: on the voice loop's thread ---
    def clean(self, frame: Frame, latency: float = 0.0) -> Frame:
        """``frame`` without her echo (``latency``: the microphone's input latency, s). The
        result is ``PRIMED`` samples (8 ms) behind the input, every frame alike."""
        self._take_played()
        zero = self._capture_zero(frame, latency)
        if abs(frame.t - (self._near_t + len(self._near_in) / RATE)) > 1e-3:
            self._near_t = frame.t - len(self._near_in) / RATE  # frames were dropped: carry on from here
        near = np.concatenate([self._near_in, frame.audio], dtype=np.float32)
        blocks = len(near) // BLOCK
        if self._rests(frame.audio):  # the blocks pass as they are, her silence up to the last one dropped
            self._catch_up(zero + self._near_t + (blocks - 1) * BLOCK_S, feed=False)
            self._near_t += blocks * BLOCK_S
            done = [near[:blocks * BLOCK]]
        else:
            done = []
            for i in range(0, blocks * BLOCK, BLOCK):
                self._catch_up(zero + self._near_t, feed=True)
                done.append(self._cancel(near[i:i + BLOCK]))
                self._near_t += BLOCK_S
        self._near_in = near[blocks * BLOCK:]
        out = np.concatenate([self._near_out, *done])
        self._near_out = out[FRAME:]
        return replace(frame, audio=out[:FRAME])

    @property
    def resting(self) -> bool:
        """Is it resting (a quiet room, her silent)?"""
        return self._quiet >= REST_AFTER

    def mine(self) -> float:
        """How much of what the microphone just heard (its last 100 ms, before cancelling) is her
        voice, 0 to 1 (``echo_likeness``): asked of a frame loud enough to be the user over her.
        All of it means what the canceller let through is a misfit of her echo, not the user."""
        if len(self._heard_raw) < HEARD_RAW_BLOCKS or len(self._fed) < HEARD_RAW_BLOCKS + ECHO_BLOCKS:
            return 0.0
        return likeness(np.concatenate(self._heard_raw), np.concatenate(self._fed))

    @property
    def removed_db(self) -> float | None:
        """How much of her echo is removed now (median over her last ~5 s of sound), or None
        before she has been heard."""
        return float(np.median(self._heard)) if len(self._heard) >= 50 else None

    def _capture_zero(self, frame: Frame, latency: float) -> float:
        """The monotonic time the microphone's stream time 0 was captured: by the sample
        count, from the earliest stamps of its first half second, then held still (``Stamps``)."""
        seen = frame.at - latency - frame.t - FRAME / RATE
        if self._zero is None or self._zero[0] != frame.stream or abs(seen - self._zero[1]) > JUMP_S:
            self._zero = (frame.stream, seen)
            self._near_clock.clear()
        else:
            self._zero = (frame.stream, self._zero[1] + self._near_clock.shift(seen - self._zero[1]))
        return self._zero[1]

    def _take_played(self) -> None:
        while self._inbox:
            heard_at, chunk = self._inbox.popleft()
            self._append(chunk, heard_at)

    def _append(self, chunk: AudioChunk, heard_at: float) -> None:
        """Her block onto the far end's timeline, which runs by the sample count, set by the
        earliest stamps and then held still (``Stamps``: a late callback is no gap in her sound),
        or by the stamps at once when they jump (a new stream, a gap after an underrun)."""
        late = heard_at - self._in_next
        if self._resampler is None or self._resampler.rate != chunk.sample_rate or abs(late) > JUMP_S:
            self._far.restart(heard_at)
            self._in_next = heard_at
            self._resampler = Resampler(chunk.sample_rate)
            self._far_clock.clear()
        elif shift := self._far_clock.shift(late):
            self._in_next += shift
            self._far.end += shift
        audio = chunk.audio
        if self._resampler.quiet and not audio.any():  # an idle speaker's zeros, most of the day: only counted
            self._far.add_silence(self._resampler.skip(len(audio)))
        else:
            self._far.add(self._resampler(np.asarray(audio, np.float32)))
        self._in_next += len(audio) / chunk.sample_rate

    def _rests(self, near: np.ndarray) -> bool:
        """May this frame skip the library? Only in a quiet room, once ``REST_AFTER`` quiet frames
        in a row have come while none of her sound was fed or is waiting: there is no echo to
        cancel, and the output is the input (as far behind it as ever). Any sound wakes it, the
        user's first or her own before it is heard, so her echo never finds it resting."""
        quiet = float(np.dot(near, near)) < SOUND**2 * len(near) and max(self._recent) < SOUND**2
        if quiet and self._far.peak() >= SOUND:
            quiet = False  # her next words are on their way
        self._quiet = self._quiet + 1 if quiet else 0
        return self.resting

    def _catch_up(self, captured: float, feed: bool) -> None:
        """Her voice heard up to ``LEAD_S`` after ``captured`` (the 10 ms of microphone about to be
        processed) fed to the library first; resting (``feed`` False), her silence is dropped."""
        due = captured + LEAD_S
        if self._far_next < due - 0.2:  # at the start (or after a stall of this thread): from here on
            self._far_next = due - BLOCK_S
        while self._far_next <= due + 1e-6:
            if feed:
                self._feed(self._far.take(self._far_next, BLOCK))
            else:
                self._far.skip(self._far_next, BLOCK)
            self._far_next += BLOCK_S

    def _feed(self, far: np.ndarray) -> None:
        self._recent.append(float(np.dot(far, far)) / BLOCK)
        self._fed.append(far)
        np.frombuffer(self._far_frame.data, np.int16)[:] = _pcm(far)
        self._apm.process_reverse_stream(self._far_frame)

    def _cancel(self, near: np.ndarray) -> np.ndarray:
        pcm = np.frombuffer(self._near_frame.data, np.int16)
        pcm[:] = _pcm(near)
        if self._blocks % 100 == 0:  # kept by AEC3 until changed; once a second, not every call (a third
            self._apm.set_stream_delay_ms(round(LEAD_S * 1000))  # of the cost: each call crosses the library's FFI)
        self._blocks += 1
        self._apm.process_stream(self._near_frame)
        out = np.frombuffer(self._near_frame.data, np.int16).astype(np.float32) / 32767
        self._heard_raw.append(near.copy())
        her = sum(self._recent) / len(self._recent)
        if her > (10 * SOUND) ** 2:  # her echo may be in it
            before, after = float(np.mean(np.square(near))), float(np.mean(np.square(out)))
            if before > max(1e-8, 1e-4 * her):  # and it is, not only the room
                self._heard.append(10 * np.log10(before / max(after, 1e-10)))
        return out


class Stamps:
    """A stream's samples run on without gaps; the stamps of its callbacks do not: a callback
    can be late (a busy machine), never early. So a timeline kept by the sample count settles,
    over its first ``settle`` stamps, on the earliest of them (to ``SHIFT_S``); after that it
    stays put unless a stamp is more than ``TOLERANCE_S`` earlier than it, or every stamp for
    ``lasting`` stamps is that much later (two devices' clocks drifting apart, a longer buffer).

    Why so still: every move of either timeline is, for the canceller, a jump in her echo's
    path, and it takes it a few seconds of her echo half-cancelled to learn it again (measured
    on the real devices: a 16 ms move left her next reply uncancelled for 4 s, and she took
    it for the user). The microphone's stamps on PulseAudio wander by ±16 ms, more on a busy
    machine, with nothing moved; ``LEAD_S`` covers the error left. The price: a timeline that
    drifts (two devices' clocks) is corrected only once it is ``TOLERANCE_S`` off, and, when the
    stamps are late, once that has lasted for ``lasting`` stamps."""

    def __init__(self, settle: float, lasting: float):
        self._settle, self._lasting = int(settle), int(lasting)
        self._run, self._least = 0, float("inf")
        self.clear()

    def clear(self) -> None:
        self._seen = 0  # stamps since the timeline started
        self._new_run()

    def shift(self, late: float) -> float:
        """How far to move the timeline, given this stamp's distance after it."""
        self._seen += 1
        settling = self._seen <= self._settle
        if self._seen == self._settle + 1:  # settled: a run of late stamps counts afresh, against the wider band
            self._new_run()
        band = SHIFT_S if settling else TOLERANCE_S
        if late <= band:
            self._new_run()
            return late if late < -band else 0.0
        self._run, self._least = self._run + 1, min(self._least, late)
        if self._run < (self._settle if settling else self._lasting):
            return 0.0
        least = self._least
        self._new_run()
        return least

    def _new_run(self) -> None:
        """Stamps in a row later than the band, and the least of them: none yet."""
        self._run, self._least = 0, float("inf")


def _pcm(audio: np.ndarray) -> np.ndarray:
    return (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16)
