"""Her voice and ears on their own: ``say``, ``transcribe``, and the audio ``devices``."""

from __future__ import annotations

import argparse

import numpy as np
from rich.console import Console
from rich.table import Table

from samantha.cli.console import console
from samantha.config import Settings
from samantha.errors import SamanthaError
from samantha.runtime.voice_out import open_voice


def say(args: argparse.Namespace, settings: Settings) -> int:
    from samantha.core.speech_text import clean_for_speech
    from samantha.engines import load_synthesizer

    if not args.text.strip():
        raise SamanthaError("Nothing to say: the text is empty.")
    if not clean_for_speech(args.text):
        raise SamanthaError(f"Nothing to say: {args.text!r} has no speakable words.")
    if args.out is None:
        voice = open_voice(settings)
        try:
            voice.say(args.text)
            voice.finish()
        finally:
            voice.close()
        return 0
    from samantha.audio.audio_files import write_wav

    synthesizer = load_synthesizer(settings)
    chunks = [c.audio for c in synthesizer.synthesize(args.text)]
    write_wav(args.out, np.concatenate(chunks), synthesizer.sample_rate)
    console.print(f"wrote {args.out} ({sum(map(len, chunks)) / synthesizer.sample_rate:.2f} s)")
    return 0


def transcribe(args: argparse.Namespace, settings: Settings) -> int:
    from samantha.audio.audio_files import load_audio
    from samantha.engines import load_transcriber

    audio = load_audio(args.file)
    transcript = load_transcriber(settings).transcribe(audio)
    if transcript.heard:
        print(transcript.text)
    else:
        console.print(f"[dim](nothing heard: {transcript.rejected})[/]")
    return 0


def devices(args: argparse.Namespace, settings: Settings) -> int:
    """Every device, the system defaults, and the ones Samantha would use (--input/--output)."""
    from samantha.audio import devices as audio_devices
    from samantha.audio import output_kind
    listed = audio_devices.list_devices()
    if not listed:
        raise SamanthaError(
            "No sound devices at all: PortAudio sees no microphone and no speaker. Start the sound server "
            "(PipeWire: systemctl --user start pipewire pipewire-pulse; PulseAudio: pulseaudio --start), or plug "
            "in a headset, then run samantha devices again. To talk by keyboard meanwhile: samantha chat --no-audio")
    chosen: dict[str, int | None] = {}
    for kind, spec in (("input", settings.audio.input_device), ("output", settings.audio.output_device)):
        try:
            chosen[kind] = audio_devices.find(spec, kind)
        except SamanthaError as exc:  # the list is what helps then: show it, and say what is wrong
            console.print(f"[yellow]{exc}[/]")
            chosen[kind] = -1
    table = Table("#", "device", "in", "out", "rate", "default", "Samantha uses")
    for d in listed:
        mark = " ".join(m for m, on in (("input", d.default_input), ("output", d.default_output)) if on)
        uses = " ".join(kind for kind, index in chosen.items()
                        if index == d.index or (index is None and getattr(d, f"default_{kind}")))
        table.add_row(str(d.index), d.name, str(d.inputs), str(d.outputs), f"{d.sample_rate:.0f}", mark,
                      f"[bold]{uses}[/]" if uses else "")
    Console().print(table)
    if chosen["output"] != -1:
        output = audio_devices.name(chosen["output"], "output")
        kind, why = output_kind.detect(settings.audio.output_kind, output)
        Console().print(f"Output {output} counts as {kind} ({why}).")
    return 0
