"""Headset or speakers? With speakers her voice reaches the microphone, and the echo gate
(core/echo_gate.py) must listen past it; with a headset it does not, and the gate would only make her
harder to interrupt.

``[audio] output_kind`` / ``--output-kind`` decide; ``auto`` reads the output device's name
and, where that is just the sound server ("default", "pulse"), the server's default sink: its
active port ("analog-output-speaker", "...-headphones"), form factor and description. When
nothing there says, the answer is *headset*, the setup the issue assumes people talk in.
"""

from __future__ import annotations

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


def detect(setting: str, device_name: str, server_says: tuple[str, ...] | None = None) -> tuple[str, str]:
    """The kind to use, and why, for ``[audio] output_kind`` = ``setting``. ``server_says`` is
    what the sound server has already told of the device; None: ask it, if the name is its."""
    if setting != "auto":
        return setting, "as set"
    texts = [t for t in server_says or () if t] + [device_name]
    if device_name.strip().lower() in SERVERS and server_says is None:
        from samantha.audio.sound_server import sink_texts

        texts = sink_texts() + texts
    kind = classify(texts)
    if kind is None:
        return "headset", f"assumed: nothing in {' / '.join(texts)!r} says; use --output-kind speakers if not"
    return kind, f"detected from {' / '.join(texts)!r}"
