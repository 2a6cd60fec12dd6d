"""``samantha memory``: look into, prune, take away or erase what she remembers.

``forget`` does what saying it to her does: a fact's ID forgets that fact, a topic is
forgotten everywhere it is stored (as "forget about …"), and ``--everything`` forgets all she
knows about you (as "forget everything you know about me"), after a typed yes or ``--yes``.
Unlike a conversation, a command that cannot write the memory file stops and says why.
"""

from __future__ import annotations

import argparse
import sys

from samantha.cli.console import console
from samantha.config import Settings
from samantha.errors import SamanthaError
from samantha.models import paths


def memory(args: argparse.Namespace, settings: Settings) -> int:
    """Look into, prune or erase what Samantha remembers."""
    import json
    from pathlib import Path

    from samantha.conversation.memory import Memory

    text = " ".join(args.arg or []).strip()
    needs_arg = {"search": "TEXT to search for", "forget": "the ID of a fact (see `samantha memory list`), a TOPIC, "
                 "or --everything", "export": "a FILE.json to write"}
    if args.action in needs_arg and not text and not (args.action == "forget" and args.everything):
        raise SamanthaError(f"samantha memory {args.action} needs {needs_arg[args.action]}.")
    store_ = Memory.open(paths.memory_path(), keep_going=False)
    try:
        if args.action in ("list", "search"):
            _show(store_, None if args.action == "list" else text)
        elif args.action == "forget":
            _forget(store_, text, args.everything, args.yes)
        elif args.action == "export":
            from samantha.conversation.notebook import Notebook
            from samantha.conversation.reminders import ReminderBook
            from samantha.storage import write_private

            everything = store_.export() | {"reminders": ReminderBook(store_.db).export(),  # hers too
                                            "notes": Notebook(store_.db).export()}  # notes and lists
            write_private(Path(text), json.dumps(everything, indent=2, ensure_ascii=False), args.force)
            console.print(f"wrote {text}")
        else:
            _confirm(args.yes, "Erase everything Samantha remembers? Type yes: ",
                     "Nothing was erased. To erase all memory without a question: samantha memory wipe --yes")
            store_.wipe()
            console.print("memory erased")
    finally:
        store_.close()
    return 0


def _show(store_, search: str | None) -> None:
    """The profile and every fact, or the facts that match ``search``."""
    from datetime import datetime

    facts = store_.facts() if search is None else store_.search(search, limit=20)
    if search is None:
        for key, value in store_.profile().items():
            print(f"profile  {key}: {value}")
    for f in facts:
        print(f"{f.id:>5}  {f.text}  (learned {datetime.fromtimestamp(f.learned):%Y-%m-%d})")
    if not facts:
        console.print("[dim](nothing remembered)[/]" if search is None else "[dim](no fact matches)[/]")


def _forget(store_, what: str, everything: bool, yes: bool) -> None:
    """One fact (an ID), a topic wherever it is stored, or everything she knows about the user."""
    if everything:
        if what:
            raise SamanthaError(f"samantha memory forget --everything takes no topic (it was given {what!r}).")
        _confirm(yes, "Forget everything Samantha knows about you: your profile, what she learned and all your "
                 "conversations? Type yes: ", "Nothing was forgotten. To forget everything without a question: "
                 "samantha memory forget --everything --yes")
        store_.forget_everything()
        console.print("forgot everything she knew about you")
    elif what.isdigit():
        if not store_.forget(int(what)):
            raise SamanthaError(f"No fact with ID {what}; `samantha memory list` shows them.")
        console.print(f"forgot fact {what}")
    elif what.lower() in ("everything", "all", "me", "about me"):
        raise SamanthaError("To forget everything Samantha knows about you: samantha memory forget --everything")
    elif gone := store_.forget_topic(what):
        counts = ((gone.facts, "fact", "facts"), (gone.messages, "message", "messages"),
                  (gone.summaries, "summary", "summaries"), (gone.profile, "profile entry", "profile entries"),
                  *(c for c in ((gone.reminders, "reminder", "reminders"),
                                (gone.notes, "note or list item", "notes and list items")) if c[0]))  # when there were any
        console.print(f"forgot {what}: " + ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts),
                      soft_wrap=True)
    else:
        console.print(f"[dim](nothing remembered mentions {what})[/]")


def _confirm(yes: bool, question: str, refused: str) -> None:
    """Go on only with ``--yes`` or a typed yes on a terminal; else stop, saying how to do it."""
    if not yes and not (sys.stdin.isatty() and input(question).strip().lower() == "yes"):
        raise SamanthaError(refused)
