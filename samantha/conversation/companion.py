"""Samantha assembled for a conversation: her memory, her persona, the voice chosen for her,
and the first meeting when there is no profile yet.

Her voice follows this order: ``--voice``, then what was chosen in the first meeting
(``samantha setup``), then the config file; her name: the first meeting, then the config.
"""

from __future__ import annotations

import argparse

from rich.console import Console

from samantha import config
from samantha.config import Settings
from samantha.conversation.memory import Memory
from samantha.models import paths, store

console = Console(stderr=True, highlight=False)


def open_memory(args: argparse.Namespace) -> Memory:
    return Memory.open(paths.memory_path(), incognito=getattr(args, "incognito", False))


def as_chosen(settings: Settings, memory: Memory, args: argparse.Namespace) -> Settings:
    """Settings with the voice chosen at setup, unless --voice says otherwise."""
    voice = memory.profile().get("voice")
    return config.override(settings, "models", voice=voice) if voice and not getattr(args, "voice", None) else settings


def conversation(model, settings: Settings, memory: Memory):
    from samantha.conversation.dialogue import Conversation
    from samantha.conversation.persona import load

    p = settings.persona
    persona = load(p.file, memory.profile().get("her_name") or p.name, p.pronouns)
    talk = Conversation(model, settings.llm, memory, persona)
    talk.skills = skills(memory, settings.calendar.paths)
    talk.letters = letters(memory, model, talk.name)
    return talk


def letters(memory: Memory, model=None, her_name: str = "Samantha"):
    """Her letters, kept as files in the user's letters folder (none written when incognito)."""
    from samantha.conversation.letter_desk import LetterDesk
    from samantha.letters.files import LetterFiles

    recall = (lambda who: [f.text for f in memory.search(who, limit=2)])
    learn = None if memory.incognito else (lambda fact: _learn(memory, fact))
    return LetterDesk(LetterFiles(), model, recall, writable=not memory.incognito, her_name=her_name, learn=learn)


def _learn(memory: Memory, fact: str) -> int:
    """A fact from a finished letter kept; one kept before of the same letter (saved again) is replaced."""
    from samantha.letters.remembered import head

    letter = head(fact)
    same = next((f.id for f in memory.facts() if letter and head(f.text) == letter), None)
    return memory.remember(fact, same)


def skills(memory: Memory, calendars: tuple[str, ...] = ()):
    """Her reminders, timers and alarms, notes and lists, kept in the memory's file (none written
    when incognito), and the day's agenda with the calendars at ``calendars``."""
    from samantha.conversation.agenda_skill import AgendaSkill
    from samantha.conversation.list_skill import ListSkill
    from samantha.conversation.notebook import Notebook
    from samantha.conversation.reminders import ReminderBook, local_zone
    from samantha.conversation.skills import Skills

    book, zone = ReminderBook(memory.db, writable=not memory.incognito), local_zone()
    lists = ListSkill(Notebook(memory.db, writable=not memory.incognito), zone)
    return Skills(book, zone, lists=lists, agenda=AgendaSkill(book, calendars, zone))


def installed_voices(settings: Settings) -> list[str]:
    """Catalog voices that are downloaded, the configured one first."""
    here = [e.name for e in store.load_catalog().values() if e.engine == "voice"
            and all((e.folder() / f.path).is_file() for f in e.files)]
    return sorted(here, key=lambda name: name != settings.models.voice)


def first_meeting(conversation, settings: Settings, voice_out=None, force: bool = False) -> str | None:
    """Begin the first meeting if there is no profile yet (or ``force``); returns her opening line.
    With ``voice_out`` the user hears each installed voice and picks one. Met before, her
    opening is the day's agenda on its first conversation (``morning``), if there is one."""
    from samantha.conversation.onboarding import Onboarding
    from samantha.engines import load_synthesizer

    memory = conversation.memory
    if memory.incognito or (not force and "name" in memory.profile()):
        return None if memory.incognito or force else morning(conversation, settings)

    def preview(voice: str) -> None:
        voice_out.use(load_synthesizer(config.override(settings, "models", voice=voice)))
        voice_out.say("Hi! I could sound like this.")
        voice_out.finish()

    conversation.onboarding = Onboarding(memory, conversation.name, installed_voices(settings) if voice_out else [],
                                         preview if voice_out else None)
    return conversation.onboarding.opening()


def morning(conversation, settings: Settings) -> str | None:
    """On the first conversation of a day, what is still to come today, in a sentence or two
    (``[calendar] morning_summary``; agenda_skill.py says when); else None."""
    from samantha.day.agenda import bounds

    skills = conversation.skills
    if not settings.calendar.morning_summary or skills is None or skills.agenda is None:
        return None
    now = skills.now()
    if conversation.memory.talked_since(bounds(now.date(), skills.zone)[0].timestamp()):
        return None
    return skills.agenda.morning(now, conversation.memory.profile().get("name"))


def after_meeting(conversation, settings: Settings, args: argparse.Namespace, voice_out) -> None:
    """Once the first meeting is over, speak in the voice it chose (or the configured one)."""
    from samantha.engines import load_synthesizer

    meeting = conversation.onboarding
    if meeting and meeting.done:
        conversation.onboarding = None  # once
        if voice_out and meeting.voices[1:]:
            voice_out.use(load_synthesizer(as_chosen(settings, conversation.memory, args)))
