"""Notes and lists, asked for in plain words: "note that the plumber comes Thursday", "add milk
and eggs to my shopping list", "what's on my shopping list?", "I got the milk", "take eggs off
the list", "clear my shopping list", "read me my notes".

Pure, like ``requests.py`` (which tries these recognisers after the reminders'). Only a
sentence that plainly is such a request counts, and the rules are these:

- A list is named by the word(s) before "list" ("shopping", "to-do", "packing"; "grocery" is
  the shopping list, "todo" and "to do" are "to-do"); "the list" or "my list" is the list
  talked about last, else the shopping list. Notes are a list of their own ("notes").
- Items are split at commas and "and" ("milk, eggs and bread" is three; so is "salt and
  pepper" two), and lose a leading "the", "a", "an" or "some". A note is kept whole, in the
  user's words ("my sister's birthday is May 3"), and said back in hers.
- "I got the milk", "I bought eggs", "I did the laundry" tick the item off only if it is on a
  list (``TickItems.only_if_listed``): "I got a new job" is conversation, and goes to the LLM.
- "Note that…", "make a note…", "jot down…", "write down…" take a note; "note how I feel" and
  "I need to note how I feel" do not, nor does any sentence that only mentions a list ("my
  shopping list is long today").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from samantha.day.wording import END, body

NOTES = "notes"  # the list plain notes are kept in
SHOPPING = "shopping"  # the list meant when none was named or talked about
EVERY_LIST = "*"  # "what lists do I have?"
_NAMES = {"grocery": SHOPPING, "groceries": SHOPPING, "shopping": SHOPPING, "todo": "to-do", "to do": "to-do",
          "to-do": "to-do", "note": NOTES, "notes": NOTES}
_LIST = (r"(?:my|the|our|this|that)\s+(?:(?P<name>[a-z][\w'-]*(?:\s(?!list\b)[a-z][\w'-]*)?)\s+)?list"
         r"|(?P<notes>(?:my|the)\s+notes)")


@dataclass(frozen=True)
class AddNote:
    text: str  # the user's words; "" when only "take a note" was said (she asks what)


@dataclass(frozen=True)
class AddItems:
    items: tuple[str, ...]
    list_name: str | None  # None: the list talked about last, else the shopping list


@dataclass(frozen=True)
class ReadList:
    list_name: str | None  # NOTES for the notes, EVERY_LIST for the names of all lists


@dataclass(frozen=True)
class TickItems:
    items: tuple[str, ...]
    list_name: str | None
    only_if_listed: bool = False  # "I got the milk": a tick only if it is on a list, else conversation


@dataclass(frozen=True)
class RemoveItems:
    items: tuple[str, ...]
    list_name: str | None


@dataclass(frozen=True)
class ClearList:
    list_name: str | None
    confirmed: bool = False  # the user said yes to her question


@dataclass(frozen=True)
class KeepList:
    """A no to her question ("clear it all?", "what should I note?"): nothing changes."""

    list_name: str


ListRequest = AddNote | AddItems | ReadList | TickItems | RemoveItems | ClearList | KeepList
_YES = re.compile(r"^\W*(?:yes|yeah|yep|yup|sure|do it|go ahead|please do|clear it|ok(?:ay)?)\b"
                  r"(?![^?]*\b(?:no|not|don't|wait|stop|cancel|keep)\b)[^?]*$", re.I)
_NO = re.compile(r"^\W*(?:no|nope|nah|don't|do not|never ?mind|cancel|stop|wait|keep)\b", re.I)


def yes_or_no(text: str) -> bool | None:
    """The answer to her yes-or-no question: True, False, or None (something else was said)."""
    return True if _YES.match(text) else False if _NO.match(text) else None


def list_named(m: re.Match[str]) -> str | None:
    """The list a ``_LIST`` match names ("my shopping list" -> "shopping"); None for "the list"."""
    if m.groupdict().get("notes"):
        return NOTES
    name = (m.groupdict().get("name") or "").lower().strip()
    return _NAMES.get(name, name) or None


def items(text: str) -> tuple[str, ...]:
    """"milk, eggs and the bread" -> ("milk", "eggs", "bread")."""
    parts = re.split(r"\s*,\s*(?:and\s+|&\s+)?|\s+(?:and|&)\s+", text.strip(" ,.!?"), flags=re.I)
    cleaned = (re.sub(r"^(?:the|a|an|some|my)\s+", "", p.strip(), flags=re.I).strip() for p in parts)
    return tuple(p for p in cleaned if p)


def _named(m: re.Match[str], group: str = "items") -> tuple[tuple[str, ...], str | None]:
    return items(m[group]), list_named(m)


def _note(text: str, now: datetime) -> ListRequest | None:
    m = re.match(r"(?:(?:make|take|write|leave)(?: me)? a (?:quick )?note(?: of)?|note to self|note(?: down)?"
                 r"|jot(?: down)?|write down|jot this down|write this down)(?:\W+(?:that\b\W*)?(?P<text>.*?))?\W*$",
                 body(text), re.I | re.S)
    if m is None:
        return None
    said = (m["text"] or "").strip()
    if re.match(r"(?:how|what|why|when|where|who|whether|if|the way|it|that|this)\b\W*$", said, re.I) \
            or re.match(r"(?:how|what|why|where|who|whether|the way)\b", said, re.I):
        return None  # "note how the light changes": said to her, not a note
    return AddNote(said)


def _add(text: str, now: datetime) -> ListRequest | None:
    m = re.match(rf"(?:add|put|stick|pop|throw|write|jot|put down)\s+(?P<items>.+?)\s+(?:on|to|onto|in|into)\s+(?:{_LIST})"
                 rf"(?:,?\s+too|,?\s+as well)?{END}", body(text), re.I)
    if m is None:
        return None
    found, name = _named(m)
    if name == NOTES:
        return AddNote(m["items"].strip(" ,.!?"))
    return AddItems(found, name) if found else None


def _read(text: str, now: datetime) -> ListRequest | None:
    said = body(text)
    if re.match(rf"(?:what|which) lists (?:do i have|have i got|are there|have you got){END}|(?:read|tell|list|show)"
                rf"(?: me)? (?:all )?my lists{END}", said, re.I):
        return ReadList(EVERY_LIST)
    m = re.match(rf"(?:what(?:'s| is| do i have| have i got| did i put| have i put| else is)? (?:on|in) "
                 rf"|(?:read|tell|show|give|check|list)(?: me)?(?: back)?(?: what(?:'s| is) on)? (?:all )?(?:of )?"
                 rf"|what(?:'s| is| are) |(?:do i have|have i got|are there) any )(?:{_LIST}){END}", said, re.I)
    if m:
        return ReadList(list_named(m))
    if re.match(rf"(?:what notes do i have|what did i (?:note|write down)|what have i noted|any notes){END}", said, re.I):
        return ReadList(NOTES)
    return None


def _tick(text: str, now: datetime) -> ListRequest | None:
    said = body(text)
    m = re.match(rf"(?:tick|check|cross|strike|scratch|mark)\s+(?:off\s+)?(?P<items>.+?)(?:\s+off)?"
                 rf"(?:\s+(?:on|from|off)\s+(?:{_LIST}))?(?:\s+as\s+(?:done|bought|finished|complete|completed))?{END}",
                 said, re.I)
    if m and (re.search(r"\b(?:off|as done|as bought|as finished|as complete|as completed)\b", said, re.I)
              or said.lower().startswith("tick")):
        found, name = _named(m)
        return TickItems(found, name) if found and found != ("it",) else None
    m = re.match(rf"i(?: have|'ve| just| already)*\s+(?:got|bought|picked up|grabbed|done|did|finished|completed)\s+"
                 rf"(?P<items>.+?)(?:\s+(?:on|from|off)\s+(?:{_LIST}))?(?:,?\s+(?:already|now|too|as well|today))?{END}",
                 said, re.I)
    if m is None:
        return None
    found, name = _named(m)
    return TickItems(found, name, only_if_listed=name is None) if found else None


def _remove(text: str, now: datetime) -> ListRequest | None:
    said = body(text)
    m = (re.match(rf"(?:take|get)\s+(?P<items>.+?)\s+off\s+(?:of\s+)?(?:{_LIST}){END}", said, re.I)
         or re.match(rf"(?:remove|delete|drop|erase|get rid of)\s+(?P<items>.+?)\s+(?:from|off|on)\s+(?:{_LIST}){END}",
                     said, re.I))
    if m:
        found, name = _named(m)
        return RemoveItems(found, name) if found else None
    m = re.match(rf"(?:remove|delete|drop|erase|get rid of|scrap)\s+(?:the|my|that)\s+note\s+(?:about|on|that says|saying"
                 rf"|with)\s+(?P<items>.+?){END}", said, re.I)
    return RemoveItems((m["items"].strip(),), NOTES) if m else None


def _clear(text: str, now: datetime) -> ListRequest | None:
    said = body(text)
    m = (re.match(rf"(?:clear|empty|wipe|delete|erase|reset|clean)(?:\s+out)?\s+(?:everything on\s+|all(?: of)?\s+)?"
                  rf"(?:{_LIST}){END}", said, re.I)
         or re.match(rf"(?:start|begin)\s+(?:{_LIST})\s+(?:over|again|afresh){END}", said, re.I))
    return ClearList(list_named(m)) if m else None


RECOGNISERS = (_clear, _remove, _tick, _read, _add, _note)
