"""``samantha reminders``: list, add or cancel reminders from a script or another terminal.

``add`` reads its text exactly as she hears a spoken request ("at 5 pm to call my sister",
"in 20 minutes to take the bread out", "every Monday at 9 about the team call"; "remind me"
may be left out). A running Samantha sees the change within a second.
"""

from __future__ import annotations

import argparse
from datetime import datetime

from samantha.cli.console import console
from samantha.config import Settings
from samantha.errors import SamanthaError
from samantha.models import paths

EXAMPLES = ('samantha reminders add "at 5 pm to call my sister", "in 20 minutes to take the bread out" or '
            '"every Monday at 9 am about the team call"')


def reminders(args: argparse.Namespace, settings: Settings) -> int:
    """List, add or cancel reminders (they live in the memory file)."""
    from samantha.conversation import companion
    from samantha.conversation.memory import Memory

    needs_arg = {"add": "the reminder, in words (e.g. " + EXAMPLES.split(" add ", 1)[1] + ")",
                 "cancel": "the ID of a reminder (see `samantha reminders list`)"}
    if args.action in needs_arg and not (args.arg or "").strip():
        raise SamanthaError(f"samantha reminders {args.action} needs {needs_arg[args.action]}.")
    memory = Memory.open(paths.memory_path())
    try:
        skills = companion.skills(memory)
        if args.action == "list":
            _list(skills)
        elif args.action == "add":
            console.print(add(skills, args.arg.strip()))
        else:
            if not args.arg.isdigit() or not skills.book.cancel(int(args.arg), datetime.now().timestamp()):
                raise SamanthaError(f"No pending reminder with ID {args.arg}; `samantha reminders list` shows them.")
            console.print(f"cancelled reminder {args.arg}")
    finally:
        memory.close()
    return 0


def _list(skills) -> None:
    from datetime import timedelta

    from samantha.day import phrases

    now = skills.now()
    pending = skills.book.pending()
    for r in pending:
        span = timedelta(seconds=r.length) if r.length else None
        due = r.due_at(skills.zone)
        print(f"{r.id:>5}  {due:%Y-%m-%d %H:%M}  {phrases.when(due, now, r.rule)}: {phrases.summary(r.kind, r.what, span)}")
    if not pending:
        console.print("[dim](no reminders)[/]")


def add(skills, text: str) -> str:
    """Add the reminder ``text`` asks for; her confirmation, or a one-paragraph error if the time is not clear."""
    from samantha.conversation.skills import confirmation
    from samantha.day.requests import SetReminder, recognise
    from samantha.day.when import Past, Unclear, When

    now = skills.now()
    request = recognise(text, now)
    if not isinstance(request, SetReminder):
        request = recognise(f"remind me {text}", now)
    when = request.when if isinstance(request, SetReminder) else None
    if isinstance(when, Unclear):
        raise SamanthaError(f"\"{text}\" does not say whether it is morning or afternoon. Add am or pm (or \"in the "
                            "morning\", \"tonight\"), or a 24-hour time such as 17:00. Nothing was added.")
    if isinstance(when, Past):
        raise SamanthaError(f"\"{text}\" is in the past ({when.due:%Y-%m-%d %H:%M}). Give a time still to come. "
                            "Nothing was added.")
    if not isinstance(request, SetReminder) or not isinstance(when, When):
        raise SamanthaError(f"No time could be read in \"{text}\". Say when, as you would to her, e.g. {EXAMPLES}. "
                            "Nothing was added.")
    reminder = skills.book.add(request.kind, request.what, when.due, when.rule, request.length, now.timestamp())
    return f"{reminder}: {confirmation(request, when, now)}"
