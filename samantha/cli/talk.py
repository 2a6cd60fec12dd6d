"""Talking with her: by voice (``samantha voice``), by keyboard (``chat``), and the first meeting again (``setup``)."""

from __future__ import annotations

import argparse
import sys

from rich.markup import escape

from samantha import config
from samantha.cli.console import console
from samantha.config import Settings
from samantha.errors import SamanthaError
from samantha.runtime import leaving
from samantha.runtime.voice_out import open_voice

LEAVING_PATIENCE_S = 0.2  # each worker's time to wind up when she is left: a reply or a word in the making


def chat(args: argparse.Namespace, settings: Settings, setup: bool = False) -> int:
    """Keyboard chat; on a terminal with no profile yet (or as ``setup``), the first meeting first.
    She greets at once: notes from earlier conversations are taken behind the conversation
    (runtime/note_taker.py), and what they report is shown before the next prompt."""
    from samantha.conversation import companion
    from samantha.engines import load_chat_model
    from samantha.runtime.note_taker import NoteTaker
    from samantha.runtime.notifications import Notifier
    from samantha.runtime.reminding import ChatReminders
    from samantha.runtime.voice_out import reply_aloud

    once = getattr(args, "once", None)
    if once is not None and not once.strip():
        raise SamanthaError("Nothing to reply to: the text given to --once is empty.")
    memory = companion.open_memory(args)
    settings = companion.as_chosen(settings, memory, args)
    model = load_chat_model(settings)
    voice = None if getattr(args, "no_audio", False) else open_voice(settings)
    conversation = companion.conversation(model, settings, memory)
    reminders, notes = None, NoteTaker(conversation)
    try:
        if once is not None:
            reply_aloud(conversation, voice, once.strip())
            return 0
        notes.start()
        _greet(conversation, settings, voice, setup)
        notifier = Notifier(settings.reminders.notify, _dim if getattr(args, "verbose", False) else None)
        reminders = ChatReminders(conversation, voice, notifier=notifier).start()  # due ones printed between replies
        return _typed_turns(conversation, settings, args, voice, setup, notes)
    finally:
        for done in (reminders, notes, memory, voice):
            if done is not None:
                done.close()


def _typed_turns(conversation, settings: Settings, args: argparse.Namespace, voice, setup: bool, notes) -> int:
    """Line after line until Ctrl+D (or Ctrl+C at the prompt), or ``setup``'s meeting is over."""
    from samantha.cli import keyboard

    keyboard.line_editor()
    while True:
        _show(notes.news())
        try:
            line = input("you › ").strip()
            if line and _typed_turn(conversation, settings, args, voice, line, setup, notes):
                return 0
        except (EOFError, KeyboardInterrupt):  # Ctrl+D, or Ctrl+C while she is not replying
            console.print()
            return leaving.exit_code(ctrl_c=0)


def _show(news: list[str]) -> None:
    """What the notes had to say: problems in yellow, the rest dim."""
    for line in news:
        console.print(f"[yellow]{line}[/]" if line.startswith("Could not") else f"[dim]{line}[/]")


def _dim(line: str) -> None:
    console.print(f"[dim]{escape(line)}[/]")


def _greet(conversation, settings: Settings, voice, setup: bool) -> None:
    """Her opening if this is the first meeting (never in scripted use), else how to talk to her."""
    from samantha.conversation import companion

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


def _typed_turn(conversation, settings: Settings, args: argparse.Namespace, voice, line: str, setup: bool,
                notes) -> bool:
    """Her reply to one typed line; Ctrl+C stops only the reply. True once ``setup``'s meeting is over.
    Notes wait meanwhile; those due in a long chat are taken after it, behind the conversation."""
    from samantha.cli import keyboard
    from samantha.conversation import companion
    from samantha.runtime.voice_out import reply_aloud

    notes.busy(True)
    try:
        with leaving.reply_only():
            with keyboard.answering(conversation.name.lower()) as first:
                reply_aloud(conversation, voice, line, first=first)
            companion.after_meeting(conversation, settings, args, voice)
            if setup and conversation.onboarding is None:  # the meeting is over
                return True
            if conversation.notes_due(settings.memory.learn_every_turns):
                notes.take_current()
    except KeyboardInterrupt:
        conversation.cancel()
        if voice:
            voice.stop()
        if leaving.signalled():  # it came just after her reply: it means leave
            raise
        console.print("\n[dim](stopped)[/]")
    except SamanthaError as exc:
        console.print(f"\n[red]{escape(str(exc))}[/]")
    finally:
        notes.busy(False)
    return False


def setup(args: argparse.Namespace, settings: Settings) -> int:
    """The first meeting again: her questions, by keyboard (and voice unless --no-audio)."""
    if getattr(args, "incognito", False):
        raise SamanthaError("samantha setup stores your answers; it cannot run --incognito.")
    return chat(args, settings, setup=True)


def voice(args: argparse.Namespace, settings: Settings) -> int:
    """The hands-free conversation, until Ctrl+C (or SIGTERM): the signal only sets the loop's stop
    flag (runtime/leaving.py), the loop winds up at its next pass, and the workers get a moment
    each, not more: leaving takes well under a second, and nothing said is lost. Exit 0 (143 on SIGTERM)."""
    import threading

    from samantha.audio.microphone import Microphone
    from samantha.audio.speaker import Speaker
    from samantha.conversation import companion
    from samantha.engines import load_chat_model, load_synthesizer, load_transcriber, load_turn_judge
    from samantha.runtime.hotkey import PushToTalk
    from samantha.runtime.session import Session
    from samantha.runtime.terminal import Terminal

    memory = companion.open_memory(args)
    settings = companion.as_chosen(settings, memory, args)
    transcriber, model, synthesizer = load_transcriber(settings), load_chat_model(settings), load_synthesizer(settings)
    display = Terminal(verbose=getattr(args, "verbose", False))
    judge = load_turn_judge(settings, display.note)
    speaker = microphone = session = talk_key = None
    conversation = companion.conversation(model, settings, memory)
    settings = config.override(settings, "turns", wake_name=settings.turns.wake_name or conversation.name)
    try:
        speaker = Speaker.open(settings.audio.output_device)
        microphone = Microphone.open(settings.audio.input_device)
        session = Session(settings, transcriber, conversation, synthesizer, speaker, display, judge)
        _say_where(display, session, microphone, speaker)
        talk_key = PushToTalk(settings.ptt.key, settings.ptt.toggle, session.press)
        _start_listening(display, talk_key, conversation, settings, session)
        with leaving.stop_on(threading.Event()) as stop:
            session.run(microphone, stop)
        display.note("bye")
    except KeyboardInterrupt:  # before she was listening
        display.note("bye")
    finally:
        _close(talk_key, microphone, session, speaker, memory, patience=LEAVING_PATIENCE_S)
    return leaving.exit_code(ctrl_c=0)


def _say_where(display, session, microphone, speaker) -> None:
    """Which devices she hears and speaks on, and as what kind of output: speakers change how to interrupt her."""
    kind, cancelled = session.devices.kind, session.devices.canceller is not None
    how = ("; her echo is cancelled, so talk over her as you would to anyone." if cancelled else
           "; over her voice, speak up to interrupt, or use the talk key." if kind == "speakers" else ".")
    display.note(f"Hearing you on {microphone.name}, speaking on {speaker.name} as {kind} ({session.devices.why}){how}")


def _start_listening(display, talk_key, conversation, settings: Settings, session) -> None:
    """The talk key on, how to talk said, and her opening queued if this is the first meeting."""
    from samantha.conversation import companion
    from samantha.core.turns import State

    hands_free = settings.turns.mode == "hands-free"
    display.note(talk_key.start(required=not hands_free))
    display.note(f"{conversation.name} is listening. {'Just talk' if hands_free else 'Use the talk key'}; "
                 "Ctrl+C to leave.")
    display.status(State.LISTENING)
    if opening := companion.first_meeting(conversation, settings):
        session.say_first(opening)


def _close(talk_key, microphone, session, speaker, memory, patience: float) -> None:
    """Whatever was opened, whichever step failed; the session closes the speaker it was given."""
    if talk_key is not None:
        talk_key.stop()
    if microphone is not None:
        microphone.close()
    if session is not None:
        session.close(patience)  # closes the speaker too
    elif speaker is not None:
        speaker.close()
    memory.close()
