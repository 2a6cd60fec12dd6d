"""The microphone: one persistent input stream, delivered as 32 ms frames of 16 kHz mono.

Devices offer what they offer (48 kHz stereo on most headsets), so capture happens at the
device's own rate and channel count and is mixed and resampled here (``resampler.py``, which
holds nothing back; soxr's streams hold back the newest 21 ms). Asking the sound server for
16 kHz mono instead, and letting it convert, was tried: the microphone's thread cost 0.4 % of
a core less (1.05–1.15 → 0.6–0.7 %, the server no busier), but a click reached the loop 10 ms
later (p50 60 → 70 ms, measured on PulseAudio), and every such millisecond is one more before
she answers; so not.

The stream asks for low latency: at PortAudio's default ("high") its callbacks came in pairs
every 64 ms on PulseAudio, every other frame 32 ms late; at "low" one every 32 ms. It is opened
once: every start costs over a second before audio flows. Frames carry their stream time, so
every decision downstream is dated by the audio, not by when a thread happened to run, and
the time they arrived, to compare with what she was playing (the echo gate). If the device
goes away, ``drop`` and ``reopen`` (see kept_stream.py) swap the stream underneath; stream
time carries on where it stopped.
"""

from __future__ import annotations

import queue
import time

import numpy as np

from samantha.audio import devices
from samantha.audio.kept_stream import KeptStream, Liveness
from samantha.audio.resampler import Resampler
from samantha.core.frames import FRAME, RATE, Frame
from samantha.errors import SamanthaError


def whole_frames_rate(index: int | None, channels: int) -> int:
    """The device's own rate, or 48 kHz where that is not a multiple of 16 kHz and the device
    takes 48 kHz too (most do; PulseAudio's default device says 44.1 kHz): then each callback
    is one whole 32 ms frame. At 44.1 kHz it is 511.96 samples, so the last frame's tail waits
    for the next callback, up to a frame (16 ms on average)."""
    rate = devices.default_rate(index, "input")
    if rate % RATE == 0:
        return rate
    sd = devices.sounddevice()
    try:
        sd.check_input_settings(device=index, samplerate=48000, channels=channels, dtype="float32")
    except (sd.PortAudioError, ValueError):
        return rate
    return 48000


class Microphone(KeptStream):
    def __init__(self, device: str = "", max_backlog_s: float = 10.0):
        """Touches no device: ``open`` opens the stream (and ``reopen`` again, after a loss)."""
        self.device = device
        self.name = ""  # the device's own name, once opened
        self._count = 0  # frames delivered so far
        self._generation = -1  # of the stream: frames of a dead one can be told apart
        self.frames: queue.SimpleQueue[Frame] = queue.SimpleQueue()  # all in C: put from the audio callback, 31 times a second
        self._backlog = int(max_backlog_s * RATE / FRAME)  # frames kept at most
        self.life = Liveness()
        self._stream = None

    @classmethod
    def open(cls, device: str = "", max_backlog_s: float = 10.0) -> Microphone:
        microphone = cls(device, max_backlog_s)
        microphone._open(device)
        return microphone

    def _open(self, device: str) -> None:
        sd = devices.sounddevice()
        index = devices.find(device, "input")
        self.name = devices.name(index, "input")
        channels = max(1, min(2, int(sd.query_devices(index, kind="input")["max_input_channels"])))
        self._convert_from(whole_frames_rate(index, channels), channels)
        stream = None
        try:
            stream = sd.RawInputStream(  # bytes: sounddevice's numpy wrapping costs more than ours (speaker.py)
                device=index, samplerate=self.device_rate, channels=self.channels, dtype="float32",
                blocksize=self.device_rate * FRAME // RATE, callback=self._on_audio, latency="low",
            )
            self.life.opened()
            stream.start()
            self._stream = stream
        except sd.PortAudioError as exc:
            devices.close_quietly(stream)
            raise SamanthaError(
                f"Cannot open the microphone ({exc}). Check `samantha devices` and choose one with --input."
            ) from exc

    def _convert_from(self, rate: int, channels: int) -> None:
        """A new stream's format, and no frame of the one before carried over."""
        self.device_rate, self.channels = rate, channels
        self._resampler = Resampler(rate)
        self._pending = np.zeros(0, np.float32)
        self._generation += 1

    # --- coming and going (see kept_stream.py) ---
    def drop(self) -> None:
        stream, self._stream = self._stream, None
        devices.close_quietly(stream)

    @property
    def latency(self) -> float:
        """Seconds between a sample reaching the device and its callback (the input buffer)."""
        stream = self._stream  # read once: the device may go at any moment
        return float(stream.latency) if stream is not None else 0.0

    def read(self, timeout: float) -> Frame | None:
        """The next frame, or None if none arrived within ``timeout`` seconds."""
        try:
            return self.frames.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        self.drop()

    def _on_audio(self, raw, _frames: int, _time, _status) -> None:
        """PortAudio callback: mix to mono, resample, cut into frames; never blocks."""
        arrived = time.monotonic()
        self.life.call(arrived)
        samples = np.frombuffer(raw, np.float32)  # interleaved, when in stereo
        mono = samples if self.channels == 1 else (samples[0::2] + samples[1::2]) * np.float32(0.5)  # (``mean(axis=1)``
        # costs several times more, in a callback that runs 31 times a second)
        pending = np.concatenate([self._pending, self._resampler(mono)])  # a new array: the device reuses its buffer
        whole = len(pending) // FRAME
        for i in range(whole):
            self._put(Frame(pending[i * FRAME:(i + 1) * FRAME], self._count * FRAME / RATE, arrived, self._generation))
            self._count += 1
        self._pending = pending[whole * FRAME:]

    def _put(self, frame: Frame) -> None:
        """Into the queue; when nobody is reading, the oldest frame gives way to the newest."""
        self.frames.put(frame)
        if self.frames.qsize() > self._backlog:
            try:
                self.frames.get_nowait()
            except queue.Empty:  # the reader took it meanwhile
                pass
