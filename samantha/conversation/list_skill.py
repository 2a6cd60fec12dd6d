"""Notes and lists in a conversation: the request (``day/lists.py``) carried out on the notebook,
and her reply, which the conversation stores like any reply.

Decisions (README, "Her day job"): an item already on the list is not added twice (one ticked
off is opened again); items are found by their words ("eggs" finds "eggs" and "free-range
eggs", and "egg" finds "eggs"). Clearing a list with anything still to do, or the notes, is
asked back first ("Say yes to confirm"), since a misheard sentence must not lose what the
user wrote; only a yes in the very next turn does it. A list all ticked off is cleared at
once. "Take a note" alone is answered "What should I note?" and the next turn is the note.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from samantha.conversation.notebook import Item, Notebook
from samantha.day.lists import (
    EVERY_LIST,
    NOTES,
    SHOPPING,
    AddItems,
    AddNote,
    ClearList,
    KeepList,
    ListRequest,
    ReadList,
    RemoveItems,
    TickItems,
    yes_or_no,
)
from samantha.day.wording import in_her_words

INCOGNITO = "We're incognito, so I can't write anything down right now. Ask me again another time."
MOST_NOTES, MOST_ITEMS = 5, 12  # read out at once
_LITTLE = {"the", "a", "an", "some", "my", "your", "of"}


def together(words: list[str]) -> str:
    """"milk", "milk and eggs", "milk, eggs and bread"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _key(text: str) -> frozenset[str]:
    words = re.findall(r"[\w']+", text.lower())
    return frozenset(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
                     for w in words if w not in _LITTLE)


def find(items: list[Item], said: str) -> Item | None:
    """The item ``said`` names: the same words first, then one holding all of them; open ones first."""
    want = _key(said)
    if not want:
        return None
    ranked = sorted(items, key=lambda i: (_key(i.text) != want, i.done is not None))
    return next((i for i in ranked if _key(i.text) == want or want <= _key(i.text)), None)


def _named(name: str) -> str:
    return "your notes" if name == NOTES else f"your {name} list"


class ListSkill:
    def __init__(self, book: Notebook, zone: tzinfo):
        self.book, self.zone = book, zone
        self.last: str | None = None  # the list talked about last: "the list"
        self.awaiting: ClearList | AddNote | None = None  # her question, answered in the very next turn

    def follow_up(self, text: str) -> ListRequest | None:
        """The next turn as the answer to her question, if she asked one and it is an answer."""
        asked = self.awaiting
        if isinstance(asked, ClearList) and asked.list_name and (said := yes_or_no(text)) is not None:
            return ClearList(asked.list_name, confirmed=True) if said else KeepList(asked.list_name)
        if isinstance(asked, AddNote) and text.strip():
            return KeepList(NOTES) if yes_or_no(text) is False else AddNote(text.strip(" ."))
        return None

    def would_do(self, r: TickItems) -> bool:
        """False for "I got a new job": a tick that only counts if the item is on a list."""
        return not r.only_if_listed or bool(self._ticking(r))

    def answer(self, r: ListRequest, now: datetime) -> str | None:
        if not isinstance(r, (ReadList, KeepList)) and not self.book.writable:
            return INCOGNITO
        match r:
            case AddNote():
                return self._note(r, now)
            case AddItems():
                return self._add(r, now)
            case ReadList():
                return self._read(r)
            case TickItems():
                return self._tick(r, now)
            case RemoveItems():
                return self._remove(r)
            case ClearList():
                return self._clear(r)
        return "Okay, nothing written down." if r.list_name == NOTES else f"Okay, I'll keep {_named(r.list_name)} as it is."

    def _which(self, name: str | None) -> str:
        chosen = name or self.last or SHOPPING
        if chosen != NOTES:
            self.last = chosen
        return chosen

    def _note(self, r: AddNote, now: datetime) -> str:
        if not r.text:
            self.awaiting = r
            return "What should I note?"
        self.book.add(NOTES, r.text, now.timestamp())
        return f"Okay, I've made a note: {in_her_words(r.text)}."

    def _add(self, r: AddItems, now: datetime) -> str:
        name = self._which(r.list_name)
        added, there = [], []
        for said in dict.fromkeys(r.items):
            found = find(self.book.items(name), said)
            if found is not None and found.done is None:
                there.append(in_her_words(said))
                continue
            if found is not None and _key(found.text) == _key(said):
                self.book.tick(found.id, now.timestamp(), done=False)  # bought before, needed again
            else:
                self.book.add(name, said, now.timestamp())
            added.append(in_her_words(said))
        if not added:
            return f"{together(there).capitalize()} {'is' if len(there) == 1 else 'are'} already on {_named(name)}."
        also = f"; {together(there)} {'was' if len(there) == 1 else 'were'} already on it" if there else ""
        return f"Okay, I've added {together(added)} to {_named(name)}{also}."

    def _read(self, r: ReadList) -> str:
        if r.list_name == EVERY_LIST:
            return self._lists()
        if r.list_name == NOTES:
            return self._notes()
        name = self._which(r.list_name)
        items = self.book.items(name)
        open_ = [in_her_words(i.text) for i in items if i.done is None]
        done = [in_her_words(i.text) for i in items if i.done is not None]
        if not items:
            return f"{_named(name).capitalize()} is empty."
        if not open_:
            return f"Everything on {_named(name)} is ticked off: {together(done)}."
        more = [f"and {len(open_) - MOST_ITEMS} more"] if len(open_) > MOST_ITEMS else []
        count = "one thing" if len(open_) == 1 else f"{len(open_)} things"
        ticked = f" Ticked off already: {together(done)}." if done else ""
        return f"{_named(name).capitalize()} has {count}: {together(open_[:MOST_ITEMS] + more)}.{ticked}"

    def _notes(self) -> str:
        notes = self.book.items(NOTES)
        if not notes:
            return "You don't have any notes yet."
        said = "; ".join(in_her_words(n.text) for n in notes[-MOST_NOTES:])
        if len(notes) > MOST_NOTES:
            return f"You have {len(notes)} notes. The latest {MOST_NOTES}: {said}."
        return f"You have {'one note' if len(notes) == 1 else f'{len(notes)} notes'}: {said}."

    def _lists(self) -> str:
        lists = self.book.lists()
        notes = lists.pop(NOTES, 0)
        said = [f"{'an' if n[:1] in 'aeiou' else 'a'} {n} list with {c} thing{'s' if c != 1 else ''} to do" if n != SHOPPING
                else f"a shopping list with {c} thing{'s' if c != 1 else ''} to get" for n, c in lists.items()]
        if notes:
            said.append("one note" if notes == 1 else f"{notes} notes")
        return f"You have {together(said)}." if said else "You don't have any lists or notes yet."

    def _ticking(self, r: TickItems) -> list[tuple[str, Item | None]]:
        """Each item said, and the item it ticks (the list named, else the one talked about, then any)."""
        names = [self._which(r.list_name)] if r.list_name or not r.only_if_listed else \
            [n for n in dict.fromkeys([self.last or SHOPPING, *self.book.lists()]) if n != NOTES]
        found = [(said, next((f for n in names if (f := find(self.book.items(n), said)) is not None), None))
                 for said in r.items]
        return [] if r.only_if_listed and any(f is None for _, f in found) else found

    def _tick(self, r: TickItems, now: datetime) -> str | None:
        found = self._ticking(r)
        if not found:
            return None
        missing = [in_her_words(said) for said, f in found if f is None]
        ticked = [f for _, f in found if f is not None]
        for f in ticked:
            self.book.tick(f.id, now.timestamp())
        name = ticked[0].list if ticked else self._which(r.list_name)
        self.last = name
        if not ticked:
            return f"I can't find {together(missing)} on {_named(name)}."
        said = f"Got it, I've ticked off {together([in_her_words(f.text) for f in ticked])}."
        if missing:
            said += f" I couldn't find {together(missing)} on {_named(name)}."
        if all(i.done is not None for i in self.book.items(name)):
            said += f" That's everything on {_named(name)}!"
        return said

    def _remove(self, r: RemoveItems) -> str:
        name = self._which(r.list_name)
        found = [(said, find(self.book.items(name), said)) for said in r.items]
        for _, f in found:
            if f is not None:
                self.book.remove(f.id)
        gone = [in_her_words(f.text) for _, f in found if f is not None]
        missing = [in_her_words(said) for said, f in found if f is None]
        if name == NOTES:
            return f"Okay, I've deleted the note: {gone[0]}." if gone else f"I can't find a note about {missing[0]}."
        parts = [f"Okay, I've taken {together(gone)} off {_named(name)}."] if gone else []
        parts += [f"I can't find {together(missing)} on {_named(name)}."] if missing else []
        return " ".join(parts)

    def _clear(self, r: ClearList) -> str:
        name = self._which(r.list_name)
        items = self.book.items(name)
        open_ = [i for i in items if i.done is None]
        if not items:
            return f"{_named(name).capitalize()} is already empty."
        if open_ and not r.confirmed:
            self.awaiting = ClearList(name)
            if name == NOTES:
                return f"Delete all {len(items)} of your notes? Say yes to confirm." if len(items) > 1 else \
                    "Delete your note? Say yes to confirm."
            return (f"{_named(name).capitalize()} still has {len(open_)} thing{'s' if len(open_) > 1 else ''} on it. "
                    "Clear it anyway? Say yes to confirm.")
        self.book.clear(name)
        return "Okay, I've deleted your notes." if name == NOTES else f"Okay, I've cleared {_named(name)}."
