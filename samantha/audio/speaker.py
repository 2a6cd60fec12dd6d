"""The speaker: one persistent output stream fed from a queue of turn-tagged chunks.

Opening a PortAudio stream costs over a second before callbacks flow, so the stream is
opened once and kept running, writing zeros when idle. Stopping speech (barge-in) is then
just emptying the queue: the tail is one output block. Each chunk keeps its text and how
many of its frames have gone out, so after a flush the caller knows which words were
actually heard (frames still in the device buffer are not counted as heard).

If the device goes away, ``drop`` closes the dead stream and, until ``reopen`` succeeds,
whatever she says is discarded at once (the words still reach the terminal), so nothing
waits on a speaker that is not there.

Kept running means paid for: on ALSA's PulseAudio plugin a bare stream writing zeros at these
settings costs 2.5–2.9 % of a core (100 callbacks a second), half of a quiet voice loop's
CPU. Stopping it while she is quiet was tried and dropped: a stream started again there
calls back three times and then not for ~2 s (measured, ``stop`` or ``abort`` alike), so
her next words would wait that long.

The device buffer starts at two blocks (20 ms: every millisecond of it is heard as delay).
A machine too busy to feed it in time underruns, and under ALSA's PulseAudio plugin an
underrun is a ~2 s silence; so after one, ``grow`` (called by the device watch while she
is quiet) reopens the stream with twice the buffer, up to ``MAX_BUFFER_S``. A quiet machine
keeps the short one.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from samantha.audio import devices
from samantha.audio.kept_stream import KeptStream, Liveness
from samantha.audio.played_levels import PlayedLevels
from samantha.core.frames import AudioChunk
from samantha.errors import SamanthaError

MAX_BUFFER_S = 0.16


@dataclass
class Queued:
    audio: np.ndarray  # at the device's rate
    text: str = ""
    written: int = 0  # frames handed to the device so far
    started: float | None = None  # when its first frame went into the output stream (monotonic, s)


def heard_words(text: str, fraction: float) -> str:
    """The words of ``text`` a listener has heard when ``fraction`` of its audio has played."""
    words = text.split()
    return " ".join(words[: int(len(words) * max(0.0, min(1.0, fraction)) + 1e-9)])


class Speaker(KeptStream):
    def __init__(self, device: str = "", block_ms: int = 10):
        """Touches no device: ``open`` opens the stream (and ``reopen`` again, after a loss)."""
        self.device, self.block_ms = device, block_ms
        self.name = ""  # the device's own name, once opened
        self._queue: deque[Queued] = deque()
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()
        self._paused = False
        self._played: list[Queued] = []  # chunks started since the last flush, oldest first
        self.sounding_until = 0.0  # when the last frame of speech went into the output stream
        # (both stamps: the callback's clock plus the frame's place in its block; the device
        # plays it ``latency`` seconds later)
        self.levels = PlayedLevels()  # how loud each block she played was, for the echo gate
        self.tap: Callable[[AudioChunk, float], None] | None = None  # every block as it is heard (the echo canceller)
        self.life = Liveness()
        self._stream = None
        self.sample_rate, self._out_latency = 0, 0.0
        self.buffer_s = 2 * block_ms / 1000  # two blocks: callbacks come evenly, not in bursts
        self.underruns = 0  # since the stream opened: the machine did not feed it in time

    @classmethod
    def open(cls, device: str = "", block_ms: int = 10) -> Speaker:
        speaker = cls(device, block_ms)
        speaker._open(device)
        return speaker

    def _open(self, device: str) -> None:
        try:
            self._install(*self._new_stream(device))
        except SamanthaError:
            with self._lock:
                self._stream = None
            self.flush()  # anything queued meanwhile will never play
            raise

    def _new_stream(self, device: str):
        """A started output stream on ``device`` (name or index) with the current buffer, and its rate."""
        sd = devices.sounddevice()
        index = devices.find(device, "output")
        name, rate = devices.name(index, "output"), devices.default_rate(index, "output")
        stream = None
        try:
            stream = sd.RawOutputStream(device=index, samplerate=rate, channels=1, dtype="float32",
                                        blocksize=rate * self.block_ms // 1000, callback=self._fill,
                                        latency=self.buffer_s)
            self.life.opened()
            stream.start()
        except sd.PortAudioError as exc:
            devices.close_quietly(stream)
            raise SamanthaError(
                f"Cannot open the audio output device ({exc}). Check `samantha devices` and choose "
                "one with --output; or go without sound: `chat --no-audio`, `say --out FILE.wav`."
            ) from exc
        return stream, rate, name

    def _install(self, stream, rate: int, name: str) -> None:
        with self._lock:  # the stream and its rate together: play() takes the lock to read them
            self._stream, self.sample_rate, self._out_latency = stream, rate, float(stream.latency)
            self.underruns, self.name = 0, name

    # --- coming and going (see kept_stream.py) ---
    def drop(self) -> None:
        with self._lock:
            stream, self._stream = self._stream, None
        self.flush()
        devices.close_quietly(stream)

    def grow(self) -> bool:
        """After an underrun, while nothing is playing: the same device with twice the buffer.
        The new stream is running before the old one closes, and if it cannot open, the old
        one simply stays (a busy machine may refuse a new stream too)."""
        if not self.underruns or self.buffer_s >= MAX_BUFFER_S or not self._idle.is_set() or self._stream is None:
            return False
        before, self.buffer_s = self.buffer_s, min(MAX_BUFFER_S, 2 * self.buffer_s)
        try:
            stream, rate, name = self._new_stream(self.device)
        except SamanthaError:
            self.buffer_s, self.underruns = before, 0  # tried; maybe after the next underrun
            return False
        with self._lock:
            old = self._stream
        self._install(stream, rate, name)
        devices.close_quietly(old)
        return True

    def play(self, chunk: AudioChunk, text: str = "") -> Queued:
        """Queue a chunk; it plays after whatever is already queued. The returned item tells
        when it started playing and how much of it has."""
        audio, rate = chunk.audio, self.sample_rate
        if chunk.sample_rate != rate:
            import soxr

            audio = soxr.resample(audio, chunk.sample_rate, rate)
        item = Queued(np.asarray(audio, dtype=np.float32), text)
        with self._lock:
            if self._stream is None or rate != self.sample_rate:  # no device (or a new one): said, and gone
                return item
            self._queue.append(item)
            self._idle.clear()
        return item

    @property
    def latency(self) -> float:
        """Seconds between a frame leaving the callback and being heard (the device's buffer)."""
        stream = self._stream  # read once: the device may go at any moment
        return float(stream.latency) if stream is not None else 0.0

    def pause(self) -> None:
        """Silence from the next block on, keeping the queue (``resume`` carries on)."""
        self._paused = True

    def resume(self) -> None:
        self._paused = False

    def flush(self) -> str:
        """Stop at once: drop everything queued. Returns the text the listener has heard since
        the last flush, cut at the last word whose audio left the device buffer."""
        with self._lock:
            self._queue.clear()
            self._idle.set()
            self._paused = False
            played, self._played = self._played, []
        unheard = int(self.latency * self.sample_rate)  # still in the device buffer
        heard = []
        for item in reversed(played):
            gone = max(0, item.written - unheard)
            unheard = max(0, unheard - item.written)
            heard.append(heard_words(item.text, gone / max(1, len(item.audio))))
        return " ".join(w for w in reversed(heard) if w)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until everything queued has been handed to the device and heard; False on timeout."""
        if not self._idle.wait(timeout):
            return False
        threading.Event().wait(self.latency)  # the last block is still in the device buffer
        return True

    def close(self) -> None:
        self.drop()

    def _fill(self, raw, frames: int, _time, status) -> None:
        """PortAudio callback: copy queued audio into the block, zeros where there is none. The
        stream is a raw one, its block bytes: sounddevice's wrapping of every block in a numpy
        array costs ~0.6 % of a core at 100 blocks a second (measured on a bare stream), and a
        block of silence needs no array at all."""
        out: np.ndarray | None = None
        filled = 0
        with self._lock:
            now = time.monotonic()
            self.life.call(now)
            self.underruns += bool(status.output_underflow)
            while filled < frames and self._queue and not self._paused:
                head = self._queue[0]
                if head.written == 0:
                    head.started = now + filled / self.sample_rate
                    self._played.append(head)
                    if len(self._played) > 64:  # a long monologue: keep what a flush needs
                        del self._played[0]
                n = min(frames - filled, len(head.audio) - head.written)
                if out is None:
                    out = np.frombuffer(raw, np.float32)
                out[filled : filled + n] = head.audio[head.written : head.written + n]
                head.written += n
                filled += n
                if head.written >= len(head.audio):
                    self._queue.popleft()
            if not self._queue and not self._idle.is_set():  # set once: an Event's set() takes its own lock
                self._idle.set()
            if filled:
                self.sounding_until = now + filled / self.sample_rate
        heard_at = now + self._out_latency  # to match the microphone's frames
        if out is None:  # nothing to play
            raw[:] = bytes(len(raw))
        else:
            out[filled:] = 0.0
            self.levels.add(heard_at, float(np.sqrt(np.mean(np.square(out)))))
        if (tap := self.tap) is not None:  # silence too: the canceller's far end runs on without gaps
            tap(AudioChunk(np.zeros(frames, np.float32) if out is None else out.copy(), self.sample_rate), heard_at)
