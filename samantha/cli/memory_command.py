"""``samantha memory``: look into, prune, take away or erase what she remembers."""

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
    from datetime import datetime
    from pathlib import Path

    from samantha.conversation.memory import Memory

    needs_arg = {"search": "TEXT to search for", "forget": "the ID of a fact (see `samantha memory list`)",
                 "export": "a FILE.json to write"}
    if args.action in needs_arg and not args.arg:
        raise SamanthaError(f"samantha memory {args.action} needs {needs_arg[args.action]}.")
    store_ = Memory.open(paths.memory_path())
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
            from samantha.conversation.reminders import ReminderBook
            from samantha.storage import write_private

            everything = store_.export() | {"reminders": ReminderBook(store_.db).export()}  # hers too
            write_private(Path(args.arg), json.dumps(everything, indent=2, ensure_ascii=False), args.force)
            console.print(f"wrote {args.arg}")
        else:
            if not args.yes and not (sys.stdin.isatty() and input("Erase everything Samantha remembers? Type yes: ") == "yes"):
                raise SamanthaError("Nothing was erased. To erase all memory without a question: samantha memory wipe --yes")
            store_.wipe()
            console.print("memory erased")
    finally:
        store_.close()
    return 0
