"""A letter as a Markdown file: front matter (to, date, status…) above the text. Pure.

The file is the user's, readable and editable in any editor, so the format is the plainest
one people know: ``key: value`` lines between two ``---`` lines, then the letter. Keys it
does not know are kept as they were. A file without front matter (a letter written
elsewhere and dropped into the folder) is read whole as the letter, addressed to the
name in its file name. Front matter that cannot be read is never rewritten: reading stops
with a message saying which line to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from samantha.errors import SamanthaError
from samantha.letters.draft import Draft, from_text

KNOWN = ("to", "date", "status", "from", "favourite")
STATUSES = ("draft", "done")


class LetterProblem(SamanthaError):
    """A letter file that cannot be read as one; the message names the file and the fix."""


@dataclass(frozen=True)
class Letter:
    to: str
    date: date
    draft: Draft = field(default_factory=Draft)
    status: str = "draft"  # "draft" while it is being written, "done" once the user said so
    favourite: bool = False  # bound into the book by `samantha letters book` without a choice
    extra: tuple[tuple[str, str], ...] = ()  # front matter keys of the user's own, kept as they were


def _value(text: str) -> str:
    """One line of front matter, quoted when YAML would read it otherwise."""
    text = " ".join(text.split())
    return f'"{text}"' if re.search(r"^[\"'\[{>|*&!%@`#-]|: | #|:$", text) else text


def format_letter(letter: Letter) -> str:
    """The whole file: front matter, a blank line, the letter, a final newline."""
    lines = ["---", f"to: {_value(letter.to)}", f"date: {letter.date.isoformat()}", f"status: {letter.status}"]
    if letter.draft.signature:
        lines.append(f"from: {_value(letter.draft.signature)}")
    if letter.favourite:
        lines.append("favourite: yes")
    lines += [f"{key}: {value}" for key, value in letter.extra]
    text = letter.draft.text()
    return "\n".join([*lines, "---", ""]) + (f"\n{text}\n" if text else "")


def parse_letter(text: str, where: str, to: str, written: date) -> Letter:
    """The letter in ``text`` (the file ``where``); ``to`` and ``written`` stand in for what
    its front matter does not say (from the file's name and time)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    if not re.match(r"---[ \t]*\n", text):
        return Letter(to, written, from_text(text))
    end = re.search(r"^---[ \t]*$", text[4:], re.M)
    if end is None:
        raise LetterProblem(f"The letter {where} starts with --- but its front matter never ends: add a line "
                            "with --- after its last `key: value` line (or remove the first ---). The file was not "
                            "changed.")
    fields = _fields(text[4:4 + end.start()], where)
    body = text[4 + end.end():]
    return Letter(
        to=fields.get("to") or to, date=_date(fields.get("date"), where, written), draft=from_text(body, fields.get("from", "")),
        status=fields.get("status", "draft") if fields.get("status") in STATUSES else "draft",
        favourite=fields.get("favourite", "").lower() in ("yes", "true", "1"),
        extra=tuple((k, v) for k, v in fields.items() if k not in KNOWN))


def _fields(block: str, where: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for number, line in enumerate(block.splitlines(), start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.fullmatch(r"([A-Za-z_][\w-]*)\s*:\s*(.*)", line.strip())
        if m is None:
            raise LetterProblem(f"Line {number} of the letter {where} (\"{line.strip()[:60]}\") is not `key: value`: "
                                "fix that line, or delete the front matter between the two --- lines. The file "
                                "was not changed.")
        value = m.group(2).strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        fields[m.group(1).lower()] = value
    return fields


def _date(said: str | None, where: str, written: date) -> date:
    if not said:
        return written
    try:
        return date.fromisoformat(said.strip()[:10])
    except ValueError:
        raise LetterProblem(f"The date \"{said}\" in the letter {where} is not a date like 2026-11-30: write it that "
                            "way, or delete the date line. The file was not changed.") from None
