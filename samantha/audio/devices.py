"""Audio devices through PortAudio: find them by name or index, list them, explain failures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from samantha.errors import SamanthaError

PORTAUDIO_FIX = "sudo apt-get install libportaudio2 libasound2-plugins"


def sounddevice() -> Any:
    """The sounddevice module, or a clear error when the system PortAudio library is missing."""
    try:
        import sounddevice as sd
    except OSError as exc:
        raise SamanthaError(
            f"Audio is unavailable: the PortAudio library is not installed ({exc}). "
            f"To fix it, run: {PORTAUDIO_FIX} (or use --no-audio)"
        ) from exc
    return sd


@dataclass(frozen=True)
class Device:
    index: int
    name: str
    inputs: int
    outputs: int
    sample_rate: float
    default_input: bool
    default_output: bool


def list_devices() -> list[Device]:
    sd = sounddevice()
    try:
        raw = sd.query_devices()
        default_in, default_out = sd.default.device
    except sd.PortAudioError as exc:
        raise SamanthaError(f"Cannot list audio devices ({exc}).") from exc
    return [
        Device(i, d["name"], d["max_input_channels"], d["max_output_channels"], d["default_samplerate"],
               i == default_in, i == default_out)
        for i, d in enumerate(raw)
    ]


def find(spec: str, kind: str) -> int | None:
    """The PortAudio index for a name substring or index (None = system default)."""
    spec = spec.strip()
    if not spec:
        return None
    channels = "inputs" if kind == "input" else "outputs"
    candidates = [d for d in list_devices() if getattr(d, channels) > 0]
    if spec.isdigit() and any(d.index == int(spec) for d in candidates):
        return int(spec)
    matches = [d for d in candidates if spec.lower() in d.name.lower()]
    if not matches:
        names = "; ".join(f"{d.index}: {d.name}" for d in candidates) or "none"
        raise SamanthaError(f"No {kind} device matches '{spec}'. Available {kind} devices: {names}. See: samantha devices")
    return matches[0].index


def default_rate(index: int | None, kind: str) -> int:
    sd = sounddevice()
    try:
        return int(sd.query_devices(index, kind=kind)["default_samplerate"])
    except (sd.PortAudioError, ValueError) as exc:
        raise SamanthaError(
            f"No audio {kind} device is available ({exc}). Connect a headset or speakers and "
            "check `samantha devices`; or go without sound: `chat --no-audio`, `say --out FILE.wav`."
        ) from exc


def name(index: int | None, kind: str) -> str:
    """The device's name as PortAudio gives it (the system default's, for None)."""
    sd = sounddevice()
    try:
        return str(sd.query_devices(index, kind=kind)["name"])
    except (sd.PortAudioError, ValueError):
        return "the default device"


def open_either(open_stream: Callable[[str], None], spec: str) -> bool:
    """Open a stream on the device ``spec`` names, else on the system default; False if
    neither can be opened now (for trying again later)."""
    for choice in dict.fromkeys((spec, "")):
        try:
            open_stream(choice)
            return True
        except Exception:  # whatever PortAudio or the device says, it is "not yet"
            continue
    return False


def close_quietly(stream: Any) -> None:
    """Close a stream whose device may already be gone (closing then fails, harmlessly)."""
    if stream is None:
        return
    try:
        stream.abort()
        stream.close()
    except Exception:
        pass
