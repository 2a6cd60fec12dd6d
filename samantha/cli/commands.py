"""What each command does: one module per command (or per family), dispatched by name."""

from __future__ import annotations

import argparse

from samantha.cli.bench_command import bench
from samantha.cli.config_command import config_command
from samantha.cli.letters_command import letters
from samantha.cli.memory_command import memory
from samantha.cli.models_command import doctor, models
from samantha.cli.notes_command import notes
from samantha.cli.reminders_command import reminders
from samantha.cli.sound import devices, say, transcribe
from samantha.cli.talk import chat, setup, voice
from samantha.config import Settings


def run(name: str, args: argparse.Namespace, settings: Settings) -> int:
    handlers = {"voice": voice, "chat": chat, "say": say, "transcribe": transcribe, "devices": devices,
                "doctor": doctor, "models": models, "config": config_command, "bench": bench, "memory": memory,
                "setup": setup, "reminders": reminders, "letters": letters, "notes": notes}
    return handlers[name](args, settings)
