"""Test speech played through a real output device whose sound reaches the input device.

With ``samantha bench --through DEVICE``, voice to voice measures the whole path a person's
voice takes: the recording is played into DEVICE (a virtual microphone's sink, or a loopback
cable into the sound card's input), the real microphone stream picks it up, and the time of
its last sample is when the device really played it. One stream, opened once and kept
running (a stream start costs over a second), writing zeros between clips.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from contextlib import contextmanager

import numpy as np

from samantha.audio import devices
from samantha.bench.paced import Played
from samantha.core.frames import RATE
from samantha.errors import SamanthaError


@contextmanager
def _sound_server_sink(device: str):
    """The PortAudio device to open for ``device``: itself when PortAudio lists it by that name; otherwise, on
    a sound server (PulseAudio, PipeWire), its "pulse" device aimed at the sink named ``device``
    (PULSE_SINK and PULSE_PROP are read when a stream connects, so only this stream goes there,
    marked as not hers for the sound-server watch)."""
    listed = [d for d in devices.list_devices() if d.outputs]
    if any(d.name == device for d in listed) or not any(d.name == "pulse" for d in listed):
        yield device  # a PortAudio device by its name (or a part of it, where there is no sound server)
        return
    from samantha.audio.sound_server import NOT_HERS

    aimed = {"PULSE_SINK": device, "PULSE_PROP": "=".join(NOT_HERS)}  # not her voice: see sound_server.placement
    before = {key: os.environ.get(key) for key in aimed}
    os.environ.update(aimed)
    try:
        yield "pulse"
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class DevicePlayer:
    def __init__(self, device: str):
        sd = devices.sounddevice()
        with _sound_server_sink(device) as spec:
            index = devices.find(spec, "output")
            self._open(sd, index, device)
        self.name = device

    def _open(self, sd, index: int | None, device: str) -> None:
        self.rate = devices.default_rate(index, "output")
        self._clips: deque[tuple[Played, np.ndarray]] = deque()
        self._offset = 0
        self._lock = threading.Lock()
        try:
            self._stream = sd.OutputStream(device=index, samplerate=self.rate, channels=1, dtype="float32",
                                           blocksize=self.rate // 100, callback=self._fill, latency=0.02)
            self._stream.start()
        except sd.PortAudioError as exc:
            raise SamanthaError(f"bench --through: cannot open the output device {device!r} to play the test speech "
                                f"into ({exc}). Check `samantha devices`.") from exc

    def say(self, audio: np.ndarray) -> Played:
        """Play 16 kHz ``audio`` after whatever is queued; ``began`` is when its first sample is heard."""
        import soxr

        played = Played(audio)
        with self._lock:
            self._clips.append((played, soxr.resample(audio, RATE, self.rate).astype(np.float32)))
        return played

    def close(self) -> None:
        devices.close_quietly(self._stream)

    def _fill(self, out: np.ndarray, frames: int, times, _status) -> None:
        """PortAudio callback: each sample is dated when the device plays it (the callback's
        clock plus the stream's own delay to the converter)."""
        now = time.monotonic()
        delay = max(0.0, float(times.outputBufferDacTime - times.currentTime)) if times else 0.0
        filled = 0
        with self._lock:
            while filled < frames and self._clips:
                played, audio = self._clips[0]
                if self._offset == 0:
                    played.began = now + delay + filled / self.rate
                n = min(frames - filled, len(audio) - self._offset)
                out[filled:filled + n, 0] = audio[self._offset:self._offset + n]
                filled, self._offset = filled + n, self._offset + n
                if self._offset >= len(audio):
                    self._clips.popleft()
                    self._offset = 0
                    played.done.set()
        out[filled:, 0] = 0.0
