"""The sound server (PulseAudio, or PipeWire's pulse service), watched through ``pactl``.

On a desktop PortAudio's default device is the sound server, and a server does not let a
stream die when its device goes: it moves it to its fallback. That is right for the speaker
(she goes on from the laptop's speakers when the headset is pulled out) and for a microphone
with another one to fall back on, but with no microphone left the fallback is the *monitor*
of her own speaker: she would hear only herself. So this watches where her two streams are
(``pactl subscribe``: no polling, nothing when nothing changes) and reports each move; the
session treats "listening to her own speaker" as the microphone gone. Without ``pactl`` or a
server, nothing is watched and only a stream that stops calling back counts as lost.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

ENV = dict(os.environ, LC_ALL="C")  # pactl's field names, whatever the user's language
RESTART_S = 3.0  # after the server went away, watch again this often


@dataclass(frozen=True)
class Stirring:
    """The server's first event of a burst, before anyone has looked at what changed (that takes
    ~0.16 s): her voice may be on its way back by another path (``DeviceWatch.stirring``)."""

    at: float  # monotonic


@dataclass(frozen=True)
class Placement:
    """Where her streams are on the server (names and descriptions; None: no such stream)."""

    source: str | None = None
    source_about: str = ""
    source_monitors: str | None = None  # the sink whose monitor the source is, if it is one
    sink: str | None = None
    sink_about: str = ""
    sink_texts: tuple[str, ...] = ()  # what tells headset from speakers: active port, form factor, description
    default_source: str = ""  # where a new microphone stream would land (PULSE_SOURCE, else the server's default)
    hers: tuple[str, ...] = ()  # what the server's events call her streams and devices: "sink-input #12", "sink #1"...

    @property
    def hears_herself(self) -> bool:
        """The microphone stream is on the monitor of the sink she plays to."""
        return self.source is not None and self.source_monitors is not None and self.source_monitors == self.sink


def _pactl(*args: str) -> str:
    try:
        return subprocess.run(["pactl", *args], capture_output=True, text=True, errors="replace", timeout=3,
                              env=ENV).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def _blocks(listing: str) -> list[dict[str, str]]:
    """``pactl list X`` as one dict per object: its #index, fields and properties."""
    found = []
    for block in re.split(r"\n(?=\S)", listing.strip()):
        head = re.match(r"\S.*#(\d+)", block)
        if not head:
            continue
        fields = {"index": head.group(1)}
        for key, value in re.findall(r"^\t([\w ]+): (.*)$", block, re.M):
            fields[key] = value.strip()
        for key, value in re.findall(r"^\t\t([\w.]+) = \"(.*)\"$", block, re.M):
            fields[key] = value
        found.append(fields)
    return found


_SUBJECT = re.compile(rb"on ((?:sink-input|source-output|sink|source) #\d+)")
NOT_HERS = ("samantha.stream", "test-speech")  # a stream property: what `bench --through` plays is not her voice


def placement(pid: int | None = None) -> Placement:
    """Where this process's capture and playback streams are now."""
    ours_pid = str(pid or os.getpid())
    sources = {b["index"]: b for b in _blocks(_pactl("list", "sources"))}
    sinks = {b["index"]: b for b in _blocks(_pactl("list", "sinks"))}
    ours = lambda kind: [b for b in _blocks(_pactl("list", kind)) if b.get("application.process.id") == ours_pid
                         and b.get(NOT_HERS[0]) != NOT_HERS[1]]
    outputs, inputs = ours("source-outputs"), ours("sink-inputs")
    source = next((sources.get(b.get("Source", "")) for b in outputs), None)
    sink = next((sinks.get(b.get("Sink", "")) for b in inputs), None)
    monitors = source.get("Monitor of Sink") if source else None
    hers = (*(f"source-output #{b['index']}" for b in outputs), *(f"sink-input #{b['index']}" for b in inputs),
            *((f"source #{source['index']}",) if source else ()), *((f"sink #{sink['index']}",) if sink else ()))
    return Placement(
        source["Name"] if source else None, source.get("Description", "") if source else "",
        None if monitors in (None, "n/a") else monitors,
        sink["Name"] if sink else None, sink.get("Description", "") if sink else "",
        tuple(sink.get(k, "") for k in ("Active Port", "device.form_factor", "Description")) if sink else (),
        os.environ.get("PULSE_SOURCE") or _pactl("get-default-source").strip(), hers,
    )


def sink_texts(name: str | None = None) -> list[str]:
    """What the server says of a sink (its default one if no name): active port, form factor,
    description; empty without pactl, or if it does not answer."""
    if not shutil.which("pactl"):
        return []
    name = name or _pactl("get-default-sink").strip()
    for block in _blocks(_pactl("list", "sinks")):
        if block.get("Name") == name:
            return [block[k] for k in ("Active Port", "device.form_factor", "Description") if block.get(k)]
    return []


class ServerWatch:
    """Calls ``on_move(placement)`` (from its own thread) whenever her streams' places change,
    and ``on_move(Stirring)`` at once when a burst of the server's events about her own streams or
    devices begins (not another program's: a sound played elsewhere must not make the gate wary)."""

    def __init__(self, on_move: Callable[[Placement | Stirring], None]):
        self.on_move = on_move
        self.now = Placement()
        self._closed = False
        self._proc: subprocess.Popen | None = None
        self._thread = threading.Thread(target=self._run, name="sound-server", daemon=True)
        self._thread.start()

    @classmethod
    def start(cls, on_move: Callable[[Placement | Stirring], None]) -> ServerWatch | None:
        """A watch, or None where there is no pactl or no server answering it."""
        if not shutil.which("pactl") or not _pactl("info"):
            return None
        return cls(on_move)

    def _run(self) -> None:
        """Watch until closed; if the server goes (it restarts), say nothing is known and try
        again every few seconds."""
        while not self._closed:
            try:
                self._proc = subprocess.Popen(["pactl", "subscribe"], stdout=subprocess.PIPE,
                                              stderr=subprocess.DEVNULL, env=ENV)
                if self._closed:  # closed while it started
                    self._proc.kill()
                    return
                self._watch(self._proc)
            except Exception:  # never the end of the conversation; only of knowing where things are
                pass
            if not self._closed:
                self._report(Placement())
                time.sleep(RESTART_S)

    def _report(self, now: Placement) -> None:
        if now != self.now:
            self.now = now
            self.on_move(now)

    def _watch(self, proc: subprocess.Popen) -> None:
        """Each burst of events (a device plugged in makes a dozen) is one look, 0.1 s after it."""
        relevant = re.compile(rb"on (server|source|sink|source-output|sink-input)\b")
        assert proc.stdout is not None  # started with stdout=PIPE
        fd, rest, since = proc.stdout.fileno(), b"", time.monotonic()  # look once at the start
        while True:
            ready, _, _ = select.select([fd], [], [], 0.1 if since else None)
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    return
                *lines, rest = (rest + chunk).split(b"\n")
                if not since and any(relevant.search(line) for line in lines):
                    since = time.monotonic()
                    if any(m and m[1].decode() in self.now.hers for m in map(_SUBJECT.search, lines)):
                        self.on_move(Stirring(since))  # her own stream or device: before looking what
            if since and (not ready or time.monotonic() - since > 0.5):  # quiet again, or busy for long
                since = 0.0
                self._report(placement())

    def close(self) -> None:
        self._closed = True
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait(timeout=5)
