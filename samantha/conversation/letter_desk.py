"""Writing a letter together: her letter mode, entered by asking for one.

While a letter is open every finished turn is the letter's (``letters/spoken.py`` tells a
command from dictation at once, by patterns): dictation goes into the draft verbatim and
her reply to it is empty, so by voice she says nothing and listens on, and in keyboard chat
the prompt comes back; dictated turns are kept in the letter, not in the conversation's
history. "New paragraph" is taken as silently as dictation (by voice, and typed too: the same
empty reply); commands whose result the user needs get a short answer ("Scratched: …", the
letter read back, "Saved."), and what asks the model (how it sounds, a question about the
letter) is a ``Consult``: the conversation asks the model as for any reply, with the letter
beside the user's words. Revisions ("put it nicely", "make the ending warmer", "fix the
spelling") come back as JSON under a grammar, and she says what changed (for spelling, the
very words, found by comparing). Every change is saved at once, with the version before it
(``letters/files.py``), so "undo that" and a ``kill -9`` lose nothing. Pure of threads: the
conversation calls it from the reply thread.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from samantha.day import past
from samantha.engines.base import ChatModel, Message
from samantha.errors import SamanthaError
from samantha.letters import draft as drafts
from samantha.letters import remembered, spoken
from samantha.letters.files import LetterFiles
from samantha.letters.front import Letter

INCOGNITO = "We're incognito, so I can't keep a letter right now. Ask me again another time."
SCHEMA = {"type": "object", "required": ["paragraphs"], "properties": {
    "paragraphs": {"type": "array", "minItems": 1, "maxItems": 24, "items": {"type": "string", "maxLength": 1500}}}}
WHO = re.compile(r"^\W*(?:it's |it is |it'll be |that's |this is )?(?:(?:a letter |one )?(?:to|for)\s+)?(?P<to>.+?)\W*$", re.I)


@dataclass(frozen=True)
class Consult:
    """Ask the model, as for any reply, with ``aside`` (the letter, and what is asked) in the prompt."""

    aside: str


class LetterDesk:
    def __init__(self, files: LetterFiles, model: ChatModel | None = None, recall: Callable[[str], list[str]] | None = None,
                 writable: bool = True, today: Callable[[], date] = date.today, her_name: str = "Samantha",
                 learn: Callable[[str], object] | None = None):
        """``recall``: what she remembers about a person (facts); ``learn``: keep a fact in her memory (None: keep
        nothing, as incognito)."""
        self.files, self.model, self.writable, self.today, self.her_name = files, model, writable, today, her_name
        self.recall = recall or (lambda who: [])
        self.learn = learn
        self._started: spoken.StartLetter | None = None  # how the open letter was asked for, if it was just now
        self.path: Path | None = None  # the open letter's file
        self.letter: Letter | None = None
        self.kind = "letter"
        self._asking: spoken.StartLetter | None = None  # "Who is it for?" waits for the next turn
        self._before: drafts.Draft | None = None  # the draft before the last dictation: "scratch that"
        self._dictated = ""

    @property
    def open(self) -> bool:
        return self.letter is not None

    def asks(self, text: str) -> bool:
        """Is ``text`` the letter's (an open letter takes every turn) or a request about letters? Changes nothing."""
        return self.open or self._asking is not None or spoken.request(text) is not None

    def answer(self, text: str) -> str | Consult | None:
        """Her reply: "" for dictation (she listens on), words for a command, a ``Consult`` for the model; None
        if ``text`` is not for the letters at all."""
        asking, self._asking = self._asking, None
        if self.letter is None:
            said = spoken.request(text)
            if said is None and asking is not None and (who := _who(text)):
                said = replace(asking, to=who)
            return None if said is None else self._request(said)
        try:
            return self._in_letter(text)
        except SamanthaError as exc:  # the draft keeps the change; the next save writes it all
            return f"I couldn't save the letter just now. {exc}"

    def _in_letter(self, text: str) -> str | Consult:
        reply: list[str] = []
        for part in spoken.parts(text, self.her_name):
            if isinstance(part, str):
                self._dictate(part)
                continue
            done = self._command(part)
            if isinstance(done, Consult):
                return done
            reply.append(done)
        return " ".join(r for r in reply if r)

    def _request(self, said: spoken.Request) -> str:
        if isinstance(said, spoken.RecallLetter):
            return self._recall(said)
        if not self.writable:
            return INCOGNITO
        if isinstance(said, spoken.OpenLetter):
            return self._reopen(said.to)
        return self._start(said)

    def _start(self, said: spoken.StartLetter) -> str:
        if not said.to:
            self._asking = said
            return f"Sure, let's write a {said.kind}. Who is it for?"
        self.close()
        to = spoken.recipient(said.to)
        self.letter, self.kind, self._started = Letter(to, self.today()), said.kind, said
        self.path = self.files.new_path(self.letter)
        about = f" {spoken.her_words(said.about)}" if said.about else ""
        known = self.recall(to)[:2]
        remember = f" I remember: {_remembered(known)}" if known else ""
        return (f"A {said.kind} to {spoken.her_words(said.to)}{about}, lovely.{remember} What would you like to say? "
                "I'll write it down as you go; say \"read it back\" or \"that's it, save it\" whenever you like.")

    def _reopen(self, who: str) -> str:
        found = self.files.to(who)
        if not found:
            return f"I can't find a letter to {spoken.her_words(who)}. Say \"let's write a letter to {who}\" to start one."
        entry = found[-1]
        if entry.letter is None:
            return f"I can't open that letter. {entry.problem}"
        self.close()
        self.path, self.letter = entry.path, entry.letter
        end = drafts.sentences(entry.letter.draft.body[-1])[-1] if not entry.letter.draft.empty else ""
        ends = f" It ends: {end}" if end else " It's empty so far."
        when = _day(entry.letter.date, self.today())
        return f"Here's your letter to {entry.letter.to}, from {when}.{ends} Go on when you're ready."

    def _recall(self, said: spoken.RecallLetter) -> str:
        """The newest letter to them, or the newest written when they said ("last month"); if none was then,
        she says so and gives the one nearest to it."""
        found = [e.letter for e in self.files.to(said.to) if e.letter and not e.letter.draft.empty]
        if not found:
            return f"I don't have a letter to {spoken.her_words(said.to)} in your letters folder."
        today = self.today()
        span = past.span(said.when, today) if said.when else None
        chosen = [letter for letter in found if span is None or span.holds(letter.date)]
        if span is not None and not chosen:
            nearest = min(found, key=lambda letter: _distance(letter.date, span))
            which = "the last" if nearest is found[-1] else "the nearest"
            head = f"I don't see one to {spoken.her_words(said.to)} {span.words}; {which} was {_on(nearest.date, today)}"
            return f"{head}:\n\n{nearest.draft.text()}" if said.whole else f"{head}: {_gist(nearest)}"
        letter = chosen[-1]
        if said.whole:
            return f"Your letter to {letter.to}, from {_day(letter.date, today)}:\n\n{letter.draft.text()}"
        more = f" That's the latest of {len(chosen)}{f' {span.words}' if span else ''}." if len(chosen) > 1 else ""
        on = _on(letter.date, today)
        return f"{on[:1].upper()}{on[1:]} you wrote to {letter.to}: {_gist(letter)}{more}"

    def close(self) -> None:
        self.path, self.letter, self._before, self._dictated, self._started = None, None, None, "", None

    def _change(self, draft: drafts.Draft, **fields: object) -> None:
        """The open letter changed: saved at once, whole, with the version before it kept."""
        assert self.letter is not None and self.path is not None
        self.letter = replace(self.letter, draft=draft, **fields)  # type: ignore[arg-type]
        if not (self.letter.draft.empty and not self.path.exists()):
            self.files.save(self.path, self.letter)

    def _dictate(self, text: str) -> None:
        assert self.letter is not None
        before = self.letter.draft
        self._change(drafts.dictate(before, text), status="draft")
        self._before, self._dictated = before, drafts.tidy(text)

    def _command(self, said: spoken.Command) -> str | Consult:
        assert self.letter is not None
        draft = self.letter.draft
        match said:
            case spoken.NewParagraph():  # heard as dictation is: silently (an ack would only break the user's flow)
                self._change(drafts.new_paragraph(draft))
                return ""
            case spoken.Scratch():
                return self._scratch(said)
            case spoken.Undo():
                return self._undo()
            case spoken.ReadBack():
                return _read(draft, said)
            case spoken.Feedback() | spoken.AskHer():
                return self._consult(said)
            case spoken.Proofread() | spoken.Revise() | spoken.Nicely():
                return self._revise(said)
            case spoken.Sign():
                self._change(drafts.sign(draft, said.name, said.closing))
                return f"Signed: {self.letter.draft.closing} {said.name}."
            case spoken.Favourite():
                self._change(draft, favourite=True)
                return "It's one of your favourites now, so it goes in the book."
            case spoken.Finish() | spoken.PutAside():
                return self._finish(isinstance(said, spoken.Finish))
            case spoken.StartLetter() | spoken.OpenLetter():
                return self._request(said)
        return ""

    def _scratch(self, said: spoken.Scratch) -> str:
        assert self.letter is not None
        draft = self.letter.draft
        if said.what == "that" and self._before is not None:
            gone, new = self._dictated, self._before
        elif said.what == "paragraph":
            new, gone = drafts.drop_paragraph(draft, said.index)
        else:
            new, gone = drafts.drop_last_sentence(draft)
        if not gone:
            return "There's nothing to scratch."
        self._change(new)
        self._before = None
        return f"Scratched: {gone}"

    def _undo(self) -> str:
        assert self.path is not None
        try:
            letter = self.files.undo(self.path) if self.path.exists() else None
        except SamanthaError as exc:
            return f"I couldn't undo that. {exc}"
        if letter is None:
            return "There's nothing to undo."
        self.letter, self._before = letter, None
        return "Undone."

    def _finish(self, done: bool) -> str:
        assert self.letter is not None
        letter, to = self.letter, self.letter.to
        if letter.draft.empty:
            self.close()
            return "There was nothing in it yet, so I haven't kept a file."
        self._change(drafts.settle(letter.draft), status="done" if done else letter.status)
        if done:
            self._keep_in_mind(self.letter)
        self.close()
        if done:
            return f"Saved. Your letter to {to} is in your letters folder."
        return f"Okay, I've kept it as it is. Say \"let's finish the letter to {to}\" when you want to go on."

    def _keep_in_mind(self, letter: Letter) -> None:
        """A finished letter's facts join her memory (``letters/remembered.py``): dictation never reaches the
        note taker. A memory that cannot take them costs the letter nothing: it is saved already."""
        if self.learn is None:
            return
        started = self._started
        said_to, about = (started.to, started.about) if started else ("", "")
        for fact in remembered.facts(letter, said_to, self.kind if started else "letter", about):
            try:
                self.learn(fact)
            except SamanthaError:
                return

    def _consult(self, said: spoken.Feedback | spoken.AskHer) -> str | Consult:
        assert self.letter is not None
        text = self.letter.draft.text()
        if not text:
            return "There's nothing in it yet. Tell me what you'd like to say."
        head = f"You are helping the user write a {self.kind} to {self.letter.to}. Here it is so far:\n\n{text}\n\n"
        if isinstance(said, spoken.Feedback):
            return Consult(head + "They ask how it sounds. Answer in two or three spoken sentences, candid and kind: what "
                           "works, and the one thing you would change. Do not read it back.")
        return Consult(head + "They are asking you something about it: answer briefly, in one or two spoken sentences.")

    def _revise(self, said: spoken.Proofread | spoken.Revise | spoken.Nicely) -> str:
        assert self.letter is not None
        draft = self.letter.draft
        if draft.empty:
            return "There's nothing in it yet. Tell me what you'd like to say."
        if self.model is None:
            return "I can't rewrite it without my model; the letter is as it was."
        try:
            paragraphs = self._rewritten(draft, _ask(said, self.kind, self.letter.to))
        except Exception:
            return "I couldn't manage that just now; the letter is as it was."
        if not paragraphs:
            return "I couldn't manage that just now; the letter is as it was."
        self._change(replace(draft, paragraphs=paragraphs))
        self._before = None
        if isinstance(said, spoken.Proofread):
            return _changes(draft.body, paragraphs)
        if isinstance(said, spoken.Nicely):
            return "I've put it into a letter, in your words. Say \"read it back\" to hear it, or \"undo that\"."
        return f"I've made {said.part or 'it'} {said.how}. Say \"read it back\" to hear it, or \"undo that\"."

    def _rewritten(self, draft: drafts.Draft, task: str) -> tuple[str, ...]:
        assert self.model is not None
        text = "\n\n".join(draft.body)
        room = min(2000, 2 * self.model.count_tokens(text) + 200)
        answer = self.model.complete_json([Message("system", task), Message("user", text)], SCHEMA, room)
        found = answer.get("paragraphs") if isinstance(answer, dict) else None
        return tuple(" ".join(str(p).split()) for p in found or [] if str(p).strip())


def _ask(said: spoken.Proofread | spoken.Revise | spoken.Nicely, kind: str, to: str) -> str:
    """The model's instructions for a revision; the letter's paragraphs come as the user's message."""
    head = f"You edit a {kind} to {to} that the user is writing. Answer in JSON: paragraphs, the whole {kind}, in order. "
    if isinstance(said, spoken.Proofread):
        return head + ("Fix only spelling, grammar and punctuation; change no word that is right, keep every paragraph "
                       "and the user's voice.")
    if isinstance(said, spoken.Nicely):
        return head + ("The user said what they want to say in their own words; write it as a warm, natural letter in "
                       "the user's own voice (first person, their words where you can), in paragraphs, with every point "
                       "they made and nothing invented. No greeting or signature unless they gave one.")
    return head + (f"Make {said.part or 'it'} {said.how}. Change nothing else; keep the user's voice, invent nothing.")


def _read(draft: drafts.Draft, said: spoken.ReadBack) -> str:
    if draft.empty:
        return "There's nothing in it yet."
    if said.sentence:
        return drafts.sentences(draft.body[-1])[-1]
    if said.index is None:
        return draft.text()
    found = drafts.paragraph(draft, said.index)
    count = len(draft.body)
    return found or f"It has only {count} paragraph{'s' if count > 1 else ''}."


def _changes(before: tuple[str, ...], after: tuple[str, ...]) -> str:
    """What proofreading changed, in the very words: "I changed “recieve” to “receive” and …"."""
    old, new = " ".join(before).split(), " ".join(after).split()
    changed = [(" ".join(old[a:b]), " ".join(new[c:d]))
               for op, a, b, c, d in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes() if op != "equal"]
    if not changed:
        return "It reads right to me; I didn't change anything."
    said = [f"“{a}” to “{b}”" if a and b else f"added “{b}”" if b else f"took out “{a}”" for a, b in changed[:3]]
    said = [s if s.startswith(("added", "took")) else f"changed {s}" for s in said]
    more = f", and {len(changed) - 3} more" if len(changed) > 3 else ""
    return f"I {', '.join(said[:-1]) + ' and ' if len(said) > 1 else ''}{said[-1]}{more}."


def _who(text: str) -> str:
    """The answer to "Who is it for?": "my grandmother", "it's for Amy"; "" if it is a sentence, not a name."""
    m = WHO.match(text)
    return m["to"] if m and len(m["to"].split()) <= 5 else ""


def _remembered(facts: list[str]) -> str:
    """Facts as she says them: "your grandmother lives in Porto. You wrote a letter to…" (after "I remember:")."""
    said = [_yours(fact).strip() for fact in facts]
    said = [f if i == 0 else f[:1].upper() + f[1:] for i, f in enumerate(said)]
    return " ".join(f if re.search(r"[.!?…]$", f) else f"{f}." for f in said)


def _yours(fact: str) -> str:
    return re.sub(r"\bthe user\b", "you", re.sub(r"\bthe user's\b", "your", fact, flags=re.I), flags=re.I)


def _gist(letter: Letter) -> str:
    """Its first thirty words."""
    words = " ".join(letter.draft.body).split()
    return " ".join(words[:30]) + ("…" if len(words) > 30 else "")


def _distance(day: date, span: past.Span) -> int:
    return 0 if span.holds(day) else min(abs((day - span.first).days), abs((day - span.last).days))


def _on(when: date, today: date) -> str:
    """"today", "on 3 September"."""
    said = _day(when, today)
    return said if said == "today" else f"on {said}"


def _day(when: date, today: date) -> str:
    if when == today:
        return "today"
    return f"{when.day} {when:%B}" + (f" {when.year}" if when.year != today.year else "")
