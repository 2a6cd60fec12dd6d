"""``samantha letters``: the letters written with her, as the files they are.

``list`` numbers them (oldest first; the number, the file name or the recipient's name
picks one), ``show`` prints one, ``open`` opens it in the user's editor, ``export`` writes it as Markdown, plain text or a PDF of
its own, and ``book`` binds several into one typeset PDF: the letters named, else the
favourites ("make it a favourite"), else every letter that has any text. A file that is
not a letter (bad front matter, not UTF-8) is listed with its problem, and left alone.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from samantha.cli.console import console
from samantha.config import Settings
from samantha.errors import SamanthaError

FORMATS = ("md", "txt", "pdf")


def letters(args: argparse.Namespace, settings: Settings) -> int:
    """List, show, export or bind the user's letters."""
    from samantha.letters.files import LetterFiles

    files = LetterFiles()
    words = list(getattr(args, "arg", None) or [])
    if args.action == "list":
        _list(files)
    elif args.action == "book":
        _book(files, words, args.title, args.force)
    else:
        if len(words) != 1:
            raise SamanthaError(f"samantha letters {args.action} needs one letter: its number or name as `samantha letters "
                                "list` shows them, or the name of the person it is to.")
        entry = files.find(words[0])
        if entry.letter is None:
            raise SamanthaError(entry.problem)
        if args.action == "show":
            _show(entry.letter, entry.path)
        elif args.action == "open":
            _open(entry.path)
        else:
            _export(entry.letter, entry.path, args.to, args.out, args.force)
    return 0


def _list(files) -> None:
    entries = files.entries()
    for n, e in enumerate(entries, start=1):
        if e.letter is None:
            print(f"{n:>4}  {e.path.name}  (cannot be read: {e.problem})")
            continue
        words = len(e.letter.draft.text().split())
        mark = " ★" if e.letter.favourite else ""
        print(f"{n:>4}  {e.letter.date}  to {e.letter.to}  ({e.letter.status}, {words} words){mark}  {e.path.name}")
    if not entries:
        console.print(f"[dim](no letters yet in {files.folder})[/]")


def _show(letter, path: Path) -> None:
    if letter.draft.empty:
        raise SamanthaError(f"The letter {path} is empty: there is nothing to show yet.")
    print(f"To {letter.to}, {letter.date} ({letter.status})\n")
    print(letter.draft.text())


def _open(path: Path) -> None:
    """The letter in the user's own editor (``$VISUAL``, ``$EDITOR``), waited for, or else the
    desktop's app for Markdown (``xdg-open``): the file is theirs to change."""
    import os
    import shlex
    import shutil
    import subprocess

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    desktop = shutil.which("xdg-open") if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") else None
    if not editor and not desktop:
        raise SamanthaError(f"Nothing to open {path} with: set the EDITOR environment variable (e.g. export "
                            "EDITOR=nano), or open the file yourself.")
    command = [*shlex.split(editor), str(path)] if editor else [str(desktop), str(path)]
    try:
        if editor:
            subprocess.run(command, check=False)
        else:
            subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError as exc:
        raise SamanthaError(f"Could not start {command[0]} to open {path} ({exc.strerror}). Check the EDITOR "
                            "environment variable, or open the file yourself.") from exc


def _export(letter, path: Path, to: str, out: Path | None, force: bool) -> None:
    from samantha.letters.front import format_letter
    from samantha.storage import write_private

    if letter.draft.empty:
        raise SamanthaError(f"The letter {path} is empty, so there is nothing to export. Nothing was written.")
    target = out or Path(f"{path.stem}.{to}")
    if to == "pdf":
        from samantha.letters.book import bind_one

        data: str | bytes = bind_one(letter)
    else:
        data = format_letter(letter) if to == "md" else letter.draft.text() + "\n"
    write_private(target, data, force)
    console.print(f"wrote {target}")


def _book(files, words: list[str], title: str, force: bool) -> None:
    from samantha.letters.book import bind
    from samantha.storage import write_private

    if not words or not words[-1].lower().endswith(".pdf"):
        raise SamanthaError("samantha letters book needs the PDF to write, last: e.g. `samantha letters book "
                            "--title \"Letters\" Letters.pdf`, or `samantha letters book 1 3 Letters.pdf` for chosen letters.")
    *chosen, out = words
    entries = [files.find(w) for w in chosen] if chosen else files.entries()
    readable = [e.letter for e in entries if e.letter is not None and not e.letter.draft.empty]
    if not chosen:
        readable = [x for x in readable if x.favourite] or readable
    if not readable:
        raise SamanthaError(f"There are no letters to bind in {files.folder} (none with any text). Write one with "
                            "Samantha first (\"let's write a letter to …\"), or drop a .md file there. Nothing was written.")
    write_private(Path(out), bind(readable, title), force)
    console.print(f"wrote {out}: {len(readable)} letter{'s' if len(readable) > 1 else ''}")
