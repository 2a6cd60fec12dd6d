"""Headset or speakers? With speakers her voice reaches the microphone, and the echo gate
(echo.py) must listen past it; with a headset it does not, and the gate would only make her
harder to interrupt.

``[audio] output_kind`` / ``--output-kind`` decide; ``auto`` reads the output device's name
and, where that is just the sound server ("default", "pulse"), the server's default sink: its
active port ("analog-output-speaker", "...-headphones"), form factor and description. When
nothing there says, the answer is *headset*, the setup the issue assumes people talk in.
"""

from __future__ import annotations

import re
import shutil
import subprocess

HEADSET = ("headset", "headphone", "earphone", "earbud", "airpods", "buds", "hands-free", "handsfree", "handset")
SPEAKERS = ("speaker", "built-in", "internal", "laptop")
SERVERS = ("default", "pulse", "pipewire", "sysdefault")


def classify(texts: list[str]) -> str | None:
    """'headset', 'speakers' or None, from the first text (most telling first) that says."""
    for text in texts:
        text = text.lower()
        if any(word in text for word in HEADSET):
            return "headset"
        if any(word in text for word in SPEAKERS):
            return "speakers"
    return None


def server_sink() -> list[str]:
    """What the sound server says of its default sink: active port, form factor, description
    (empty without pactl, or if it does not answer within two seconds)."""
    if not shutil.which("pactl"):
        return []
    try:
        default = subprocess.run(["pactl", "get-default-sink"], capture_output=True, text=True, timeout=2).stdout.strip()
        listing = subprocess.run(["pactl", "list", "sinks"], capture_output=True, text=True, timeout=2).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    for block in listing.split("\n\n"):
        if re.search(rf"^\s*Name: {re.escape(default)}$", block, re.M):
            found = [re.search(rf"^\s*{key}\s*[:=]\s*\"?(.*?)\"?$", block, re.M)
                     for key in ("Active Port", "device.form_factor", "Description")]
            return [m.group(1) for m in found if m]
    return []


def detect(setting: str, device_name: str) -> tuple[str, str]:
    """The kind to use, and why, for ``[audio] output_kind`` = ``setting``."""
    if setting != "auto":
        return setting, "as set"
    texts = [device_name]
    if device_name.strip().lower() in SERVERS:
        texts = server_sink() + texts
    kind = classify(texts)
    if kind is None:
        return "headset", f"assumed: nothing in {' / '.join(texts)!r} says; use --output-kind speakers if not"
    return kind, f"detected from {' / '.join(texts)!r}"
