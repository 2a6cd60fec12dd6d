"""A letter's draft and the edits dictation makes to it: pure values, no files.

Dictation goes in verbatim; only its joins are tidied, since Whisper punctuates each turn
on its own: a turn that ends mid-sentence ("I was thinking that") is carried on by the
next one in lower case ("we could go to the lake."), each sentence starts with a capital,
and a letter that opens with "Dear Grandma, thank you…" gets its greeting on a line of its
own. Nothing else of the user's words is changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

END = re.compile(r"(?<=[.!?…])[\"”’')\]]*\s+")  # where one sentence ends and the next starts
GREETING = re.compile(r"^((?:dear(?:est)?|hi|hello|hey|my dear(?:est)?)\s+[^,.!?]{1,40}?)\s*(?:[,:!.]\s*|$)", re.I)
_COMMON_WORDS = """a an the and but or so because if when while then than that this these those there here it its
we you he she they him her them us our your their my me what which who how why where after before as at by for from in
into of on to with about again also always just maybe perhaps still even only really very not no yes all some any
every each more most much many few one two three is was were be been are am will would could should can might must
do did does have has had get got go went make made see saw say said think thought know knew want wanted like love
miss hope feel felt now soon today tomorrow yesterday tonight since until though although once well too anyway
especially hopefully probably"""
COMMON = frozenset(_COMMON_WORDS.split())
I_WORDS = {"i", "i'm", "i've", "i'll", "i'd", "i’m", "i’ve", "i’ll", "i’d"}


@dataclass(frozen=True)
class Draft:
    """Paragraphs of the letter's body, then its sign-off ("With love," / "Theo").

    A last paragraph of "" means "the next words start a new paragraph"."""

    paragraphs: tuple[str, ...] = ()
    closing: str = ""
    signature: str = ""

    @property
    def body(self) -> tuple[str, ...]:
        return tuple(p for p in self.paragraphs if p.strip())

    def text(self) -> str:
        """The letter as written: paragraphs, then the sign-off, each apart by a blank line."""
        parts = list(self.body)
        if self.signature:
            parts.append(f"{self.closing}\n{self.signature}" if self.closing else self.signature)
        return "\n\n".join(parts)

    @property
    def empty(self) -> bool:
        return not self.body


def sentences(paragraph: str) -> list[str]:
    return [s for s in END.split(paragraph.strip()) if s]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.!?…:][\"”’')\]]*$", text.rstrip()))


def _carry_on(text: str, before: str) -> str:
    """Whisper capitalises every turn: a turn that carries on a sentence starts in lower case when
    its first word is a common one, or written in lower case elsewhere in the letter; any other
    (a name: "Amy") keeps its capital, and so does "I"."""
    first = text.split(maxsplit=1)[0] if text.split() else ""
    word = first.strip(",.;:!?\"“”")
    if not word[:1].isupper() or word.lower() in I_WORDS or (len(word) > 1 and not word[1:].islower()):
        return text
    lower = word.lower()
    if lower in COMMON or re.search(rf"\b{re.escape(lower)}\b", before):
        return text[:1].lower() + text[1:]
    return text


def tidy(text: str) -> str:
    """One dictated turn, cleaned: spaces, and a capital at the start of each sentence."""
    text = re.sub(r"\s+", " ", text).strip()
    return " ".join(_capital(s) for s in sentences(text))


def dictate(draft: Draft, said: str) -> Draft:
    """``said`` added to the draft where the user left off."""
    text = tidy(said)
    if not text:
        return draft
    paragraphs = list(draft.paragraphs)
    if not draft.body and (greeting := GREETING.match(text)):  # "Dear Grandma, thank you…"
        paragraphs, text = [greeting.group(1) + ",", ""], _capital(text[greeting.end():])
        if not text:
            return replace(draft, paragraphs=tuple(paragraphs))
    if not paragraphs or paragraphs[-1] == "":
        return replace(draft, paragraphs=(*paragraphs[:-1], _capital(text)))
    last = paragraphs[-1]
    if not _ends_sentence(last):  # the last turn stopped mid-sentence: this one carries it on
        text = _carry_on(text, draft.text())
    paragraphs[-1] = f"{last} {text}"
    return replace(draft, paragraphs=tuple(paragraphs))


def new_paragraph(draft: Draft) -> Draft:
    """The next words start a paragraph of their own (a full stop closes the one left open)."""
    if not draft.body or draft.paragraphs[-1] == "":
        return draft
    last = draft.paragraphs[-1]
    closed = last if _ends_sentence(last) or last.endswith(",") else last + "."
    return replace(draft, paragraphs=(*draft.paragraphs[:-1], closed, ""))


def drop_last_sentence(draft: Draft) -> tuple[Draft, str]:
    """The draft without its last sentence, and that sentence ("" if there was none)."""
    body = list(draft.body)
    if not body:
        return draft, ""
    said = sentences(body[-1])
    gone = said.pop() if said else ""
    body[-1] = " ".join(said)
    return replace(draft, paragraphs=tuple(p for p in body if p)), gone


def drop_paragraph(draft: Draft, index: int) -> tuple[Draft, str]:
    """The draft without paragraph ``index`` (0-based, -1 the last), and its text."""
    body = list(draft.body)
    if not body or not -len(body) <= index < len(body):
        return draft, ""
    gone = body.pop(index)
    return replace(draft, paragraphs=tuple(body)), gone


def sign(draft: Draft, name: str, closing: str = "") -> Draft:
    """Signed by ``name``, under ``closing`` ("With love,"), or under the one it had."""
    closing = closing.strip()
    if closing and not closing.endswith(","):
        closing += ","
    settled = settle(draft)
    return replace(settled, signature=name.strip(), closing=_capital(closing) if closing else draft.closing or "With love,")


def paragraph(draft: Draft, index: int) -> str | None:
    """Paragraph ``index`` of the body (0-based, -1 the last), or None if there is no such one."""
    body = draft.body
    return body[index] if body and -len(body) <= index < len(body) else None


def from_text(body: str, signature: str = "") -> Draft:
    """A draft read back from a letter's text; ``signature`` (from its front matter) is split off the end."""
    paragraphs = [re.sub(r"[ \t]*\n[ \t]*", " ", p).strip() if not _is_sign_off(p, signature) else p.strip()
                  for p in re.split(r"\n\s*\n", body.strip())]
    paragraphs = [p for p in paragraphs if p]
    closing = ""
    if signature and paragraphs and paragraphs[-1].splitlines()[-1].strip() == signature:
        closing = "\n".join(paragraphs.pop().splitlines()[:-1]).strip()
    return Draft(tuple(paragraphs), closing, signature)


def _is_sign_off(paragraph_text: str, signature: str) -> bool:
    return bool(signature) and paragraph_text.strip().splitlines()[-1].strip() == signature


def settle(draft: Draft) -> Draft:
    """The last sentence closed with a full stop, if dictation left it open (signing, saving)."""
    body = draft.body
    if not body or _ends_sentence(body[-1]) or body[-1].endswith(","):
        return replace(draft, paragraphs=body)
    return replace(draft, paragraphs=(*body[:-1], body[-1] + "."))
