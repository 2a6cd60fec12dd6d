"""``samantha notes``: her notes and lists, printed or exported as Markdown.

``export DIR`` writes one file per list (``shopping.md``, ``to-do.md``, ``notes.md``): to-dos
as ``- [ ]`` / ``- [x]`` check boxes, notes with the date and time each was written. Each file
is written privately (0600) and whole or not at all (``storage.write_private``); a missing
DIR is created (0700). If any of the files is already there, nothing is written and the
message names them: ``--force`` replaces them (exporting again into the same folder is the
usual way to refresh it), and files of lists that no longer exist are left alone.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from samantha.cli.console import console
from samantha.config import Settings
from samantha.errors import SamanthaError
from samantha.models import paths


def add_notes_parser(add, options: argparse.ArgumentParser) -> None:
    notes = add("notes", parents=[options], help="her notes and lists: print them, or export them as Markdown")
    notes.add_argument("action", choices=["list", "export"])
    notes.add_argument("arg", nargs="?", help="export: the folder DIR to write one Markdown file per list into")
    notes.add_argument("--force", action="store_true", help="with export: replace files already in DIR")


def notes(args: argparse.Namespace, settings: Settings) -> int:
    """Print every list as Markdown, or export each to its own file."""
    from samantha.conversation.memory import Memory
    from samantha.conversation.notebook import Notebook, markdown
    from samantha.conversation.reminders import local_zone

    if args.action == "export" and not (args.arg or "").strip():
        raise SamanthaError("samantha notes export needs a folder DIR to write the Markdown files into.")
    memory = Memory.open(paths.memory_path(), keep_going=False)
    try:
        book, zone = Notebook(memory.db), local_zone()
        texts = {name: markdown(name, book.items(name), zone) for name in book.lists()}
    finally:
        memory.close()
    if args.action == "list":
        if not texts:
            console.print("[dim](no notes or lists)[/]")
        print("\n".join(texts.values()), end="")
        return 0
    export(texts, Path(args.arg).expanduser(), args.force)
    return 0


def export(texts: dict[str, str], folder: Path, force: bool) -> None:
    """Each list's Markdown into ``folder``: all of them, or (a file in the way, without ``force``) none."""
    from samantha.conversation.notebook import file_name
    from samantha.storage import write_private

    if not texts:
        raise SamanthaError("There are no notes or lists to export yet; nothing was written.")
    if folder.exists() and not folder.is_dir():
        raise SamanthaError(f"{folder} is a file; give a folder to write the Markdown files into.")
    targets = {name: folder / file_name(name) for name in texts}
    there = sorted(p.name for p in targets.values() if p.exists())
    if there and not force:
        raise SamanthaError(f"{', '.join(there)} already exist{'s' if len(there) == 1 else ''} in {folder}; nothing was "
                            "written. Add --force to replace them, or choose another folder.")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise SamanthaError(f"Cannot create the folder {folder} ({exc.strerror}); choose another place.") from exc
    for name, target in targets.items():
        write_private(target, texts[name], force=True)
        console.print(f"wrote {target}")
