"""What a sentence says about letters, read by patterns in pure Python (under a millisecond).

Outside a letter, three requests: start one ("let's write a letter to my grandmother",
"help me write a thank-you note to Amy"), go back to one ("let's finish the letter to
Grandma"), and ask what one said ("what did I write to Amy last month?").

Inside a letter, dictation is the rule and a command the exception, so a command counts
only when it is the whole turn ("New paragraph.", "Scratch that.", "Read me the second
paragraph.", "Make the ending warmer.", "Sign it from Theo.", "That's it, save it."):
"I will never read it back to you" is a sentence of the letter. The one exception is "new
paragraph", said in the same breath as the words around it ("…the scarf. New paragraph.
Also…", "…was lovely, new paragraph."): a sentence that is only "new paragraph", or a first or
last clause that is, breaks the paragraph there. A question counts as one for her (answered,
not written down) only when it names her or asks about the letter itself, its words or their
spelling: "How are you, Grandma?" is the letter's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from samantha.day.numbers import NUM
from samantha.day.requests import in_her_words
from samantha.day.when import MONTH

LEAD = (r"^\W*(?:(?:hey|hi|ok|okay|oh|and|so|um|uh|also|right|alright|now|well)\W+)*(?:samantha\W+)?"
        r"(?:(?:please|can you|could you|would you|will you|just|ok|okay)\W+)*")
END = r"(?:\W+(?:please|samantha|thanks|thank you))*\W*$"
KINDS = r"(?P<kind>(?:thank[- ]you |birthday |love |get[- ]well |condolence |sympathy |short |little |quick )?" \
        r"(?:letter|note|card|message|email|e-mail))"
ANY_KIND = KINDS.replace("(?P<kind>", "(?:")
ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "sixth": 5, "seventh": 6, "eighth": 7,
            "ninth": 8, "tenth": 9, "1st": 0, "2nd": 1, "3rd": 2, "4th": 3, "5th": 4, "last": -1, "final": -1,
            "opening": 0, "closing": -1}
ORDINAL = r"(?P<nth>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|1st|2nd|3rd|4th|5th|last|final)"


@dataclass(frozen=True)
class StartLetter:
    to: str  # as the user said it: "my grandmother", "Amy"; "" when not said (she asks)
    kind: str = "letter"
    about: str = ""  # "for her birthday", "thanking her for the flowers"


@dataclass(frozen=True)
class OpenLetter:
    to: str  # the newest letter to them is opened again


@dataclass(frozen=True)
class RecallLetter:
    to: str
    whole: bool = False  # "read me my letter to Amy": all of it, not a few words
    when: str = ""  # the time phrase as said ("last month", "in October"); ``day/past.py`` reads it


@dataclass(frozen=True)
class NewParagraph:
    pass


@dataclass(frozen=True)
class Scratch:
    what: str  # "that" (the last thing dictated) | "sentence" | "paragraph"
    index: int = -1  # which paragraph


@dataclass(frozen=True)
class Undo:
    pass


@dataclass(frozen=True)
class ReadBack:
    index: int | None = None  # a paragraph; None: all of it
    sentence: bool = False  # "read me the last sentence"


@dataclass(frozen=True)
class Feedback:
    pass


@dataclass(frozen=True)
class Proofread:
    pass


@dataclass(frozen=True)
class Revise:
    how: str  # "warmer", "shorter", "more formal"
    part: str = ""  # "the ending", "the second paragraph"; "" the whole letter


@dataclass(frozen=True)
class Nicely:
    pass


@dataclass(frozen=True)
class Sign:
    name: str
    closing: str = ""


@dataclass(frozen=True)
class Finish:
    pass


@dataclass(frozen=True)
class PutAside:
    pass


@dataclass(frozen=True)
class Favourite:
    pass


@dataclass(frozen=True)
class AskHer:
    text: str


Request = StartLetter | OpenLetter | RecallLetter
Command = (NewParagraph | Scratch | Undo | ReadBack | Feedback | Proofread | Revise | Nicely | Sign | Finish | PutAside
           | Favourite | AskHer | StartLetter | OpenLetter)


def _body(text: str) -> str:
    return re.sub(LEAD, "", text.strip(), count=1, flags=re.I)


def _fits(pattern: str, text: str) -> re.Match[str] | None:
    return re.fullmatch(rf"(?:{pattern}){END}", _body(text), re.I)


_NAMED = re.compile(r"(?P<kin>(?:best |old |dear )?(?:friend|sister|brother|cousin|aunt|uncle|neighbou?r|colleague"
                    r"|teacher|boss|son|daughter|niece|nephew|partner|wife|husband|girlfriend|boyfriend))\s+"
                    r"(?P<name>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)")


def recipient(said: str) -> str:
    """The name a letter is filed under: "my grandmother" -> "Grandmother", "my friend Amy" -> "Amy"."""
    words = re.sub(r"^(?:my|our|the|dear)\s+", "", said.strip(" ,.!?"), flags=re.I)
    named = _NAMED.fullmatch(words)
    words = named["name"] if named else words
    return " ".join(w if w.lower() in ("and", "of") else w[:1].upper() + w[1:] for w in words.split())


def relation(said: str) -> tuple[str, str]:
    """Who the recipient is to the user, and their name, as said: "my friend Amy" -> ("friend", "Amy"), "my
    grandmother" -> ("grandmother", ""), "Amy" -> ("", "")."""
    mine = re.fullmatch(r"(?:my|our)\s+(?P<rest>.+)", said.strip(" ,.!?"), re.I)
    if mine is None:
        return "", ""
    named = _NAMED.fullmatch(mine["rest"])
    return (named["kin"].lower(), named["name"]) if named else (mine["rest"], "")


def _split_to(rest: str) -> tuple[str, str]:
    """ "my grandmother for her birthday" -> ("my grandmother", "for her birthday")."""
    m = re.match(r"(.+?)\s*(?:,\s*|\s)((?:for|about|to say|saying|thanking|telling|asking|because|on|after)\b.*)$",
                 rest, re.I)
    return (m.group(1), m.group(2)) if m else (rest, "")


_TIME = (rf"\s+(?:(?:from|of|written|sent) )?(?P<when>(?:last|this|in|on|yesterday|today|the day before yesterday"
         rf"|the past|during|recently|the other day|a while ago|earlier|before|back in|at"
         rf"|(?:about |around )?{NUM} (?:day|week|month|year)s? ago)\b.*)$"
         rf"|\s+(?:from|of|written|sent) (?P<dated>(?:the )?(?:\d|{MONTH}\b).*)$")  # "from October 5th"


def _to(said: str | None) -> str:
    return _to_when(said)[0]


def _to_when(said: str | None) -> tuple[str, str]:
    """ "Amy last month" -> ("Amy", "last month"): who, and when (as said; "" if no time was)."""
    said = (said or "").strip(" ,.!?")
    m = re.search(_TIME, said, re.I)
    return (said[:m.start()], m["when"] or m["dated"]) if m else (said, "")


def request(text: str) -> Request | None:
    """A request about letters made outside one: start, go back to, or recall a letter."""
    body = _body(text)
    start = re.fullmatch(
        rf"(?:(?:let's|lets|let us|i want to|i'd like to|i would like to|i wanna|we should|can we|could we|shall we"
        rf"|(?:will you |can you |could you |would you )?help me(?: to)?)\s+)?(?:write|draft|compose|start|do|take(?: down)?)"
        rf"\s+(?:a|an|another|one more)\s+{KINDS}(?:\s+(?:to|for)\s+(?P<rest>.+?))?{END}", body, re.I) or re.fullmatch(
        rf"help me with (?:a|an) {KINDS}(?:\s+(?:to|for)\s+(?P<rest>.+?))?{END}", body, re.I)
    if start:
        to, about = _split_to(start["rest"] or "")
        if len(to.split()) > 5:
            return None
        return StartLetter(to.strip(" ,."), start["kind"].lower().replace("thank you", "thank-you"), about.strip(" ,.!?"))
    again = re.fullmatch(
        r"(?:(?:let's|lets|let us|can we|could we|shall we|i want to|i'd like to)\s+)?(?:finish|continue|go back to"
        r"|get back to|work on|pick up|open|keep working on|carry on with|reopen|revise|edit)\s+(?:the|my|our|that)\s+"
        rf"{ANY_KIND}\s+(?:to|for)\s+(?P<to>.+?){END}", body, re.I)
    if again:
        return OpenLetter(_to(again["to"]))
    return _recall(body)


def _recall(body: str) -> RecallLetter | None:
    m = re.fullmatch(
        rf"(?:what did i (?:write|say) in (?:my|the) (?:last )?{ANY_KIND} to (?P<b>.+?)"
        rf"|what did i write(?: to)? (?P<a>(?!in )(?!about ).+?)|when did i (?:last )?write to (?P<c>.+?)(?: last)?"
        rf"|what was (?:my|the) (?:last )?{ANY_KIND} to (?P<d>.+?) about){END}", body, re.I)
    if m:
        to, when = _to_when(next(g for g in (m["a"], m["b"], m["c"], m["d"]) if g))
        return RecallLetter(to, when=when)
    m = re.fullmatch(rf"read (?:me )?(?:back )?(?:my|the) (?:last )?(?:letter|note|card) (?:i wrote |i sent )?to"
                     rf" (?P<to>.+?){END}", body, re.I)
    if m is None:
        return None
    to, when = _to_when(m["to"])
    return RecallLetter(to, whole=True, when=when)


PARAGRAPH = r"(?:paragraph|para ?graph|pair (?:a )?graph)"  # as Whisper may hear it ("New pair graph.")
_PLAIN: tuple[tuple[str, Command], ...] = (
    (rf"(?:(?:a |start a )?(?:new|knew)|next|another|start a new) {PARAGRAPH}|you pair (?:a )?graph"
     rf"|{PARAGRAPH}(?: break)?|new line", NewParagraph()),
    (r"undo(?: that| it| the last (?:change|thing|bit))?|go back|put it back(?: (?:how|the way) it was)?|change it back",
     Undo()),
    (r"how does (?:it|that|this|the letter|the note|the card) (?:sound|read|look)(?: so far| now)?|what do you think"
     r"(?: of (?:it|that|this|the letter|the note))?(?: so far| now)?|(?:does|is) (?:it|this|that) (?:sound )?(?:ok|okay"
     r"|good|all right|alright|right|any good)(?: so far)?|(?:any|give me(?: some)?|your) (?:feedback|thoughts)(?: on it)?"
     r"|be honest,? how(?:'s| is) it", Feedback()),
    (r"(?:proofread|proof|check|fix|correct|clean up|tidy up|go over)(?: it| this| that| the letter| the note"
     r"| the (?:spelling|grammar|punctuation)(?:(?:,| and) (?:the )?(?:spelling|grammar|punctuation))*)(?: for me)?"
     r"(?: for (?:mistakes|typos|errors))?|(?:are there |any )(?:typos|mistakes|spelling mistakes)"
     r"|fix (?:any|the) (?:typos|mistakes|errors)", Proofread()),
    (r"put it nicely|(?:make|put|say|write) it (?:nicely|properly|nice)|make it (?:sound )?(?:nice|like a letter|proper)"
     r"|(?:turn|make) (?:it|that|this|what i said) into a (?:proper |real )?(?:letter|note)|polish (?:it|that)(?: up)?"
     r"|(?:write|draft) it (?:up )?(?:for me|properly|nicely)|you write it|shape it(?: for me)?|dress it up",
     Nicely()),
    (r"(?:ok(?:ay)?,? )?(?:that's it|that is it|that's all|that's everything|(?:i'm|i am|we're|we are|all) done|done"
     r"|finished|i'm finished|we're finished)(?:[,.!]? (?:save it|save the letter|save|you can save it|keep it"
     r"|that's it))?|save (?:it|the letter|this|the note|the card)(?: now| for me)?|(?:finish|close) (?:it|the letter)(?: up)?"
     r"|(?:that's|that is) the end(?: of the letter)?", Finish()),
    (r"(?:let's )?(?:stop|pause|leave it) (?:(?:here|there)(?: for now)?|for now)|(?:let's |we can |i'll )?"
     r"(?:finish|continue|do the rest|carry on) (?:it |this )?(?:later|another time|tomorrow)"
     r"|(?:put|set) (?:it|this|the letter) aside(?: for now)?"
     r"|save it for later|keep it (?:as a draft|for later)", PutAside()),
    (r"(?:make|mark|save|keep) (?:it|this|that)(?: as)? (?:a|my|one of my) favou?rites?|(?:put|add) (?:it|this) (?:in|to|into)"
     r" the book|(?:it's|this is|that's) a keeper", Favourite()),
)
_UNIT = {"sentence": "sentence", "line": "sentence", "paragraph": "paragraph"}
_CLOSINGS = (r"love|with love|lots of love|all my love|much love|best|best wishes|all the best|warmly|warm wishes|yours"
             r"|cheers|thanks|thank you|sincerely|yours truly|yours sincerely|kind regards|regards|hugs|xx|xoxo")


def command(text: str, her_name: str = "Samantha") -> Command | None:
    """The command a whole turn inside a letter gives, or None: then it is dictation."""
    for pattern, found in _PLAIN:
        if _fits(pattern, text):
            return found
    for reader in (_scratch, _read, _revise, _sign):
        if (said := reader(text)) is not None:
            return said
    if (asked := request(text)) is not None and not isinstance(asked, RecallLetter):
        return asked
    return AskHer(text.strip()) if _asks_her(text, her_name) else None


def _nth(word: str | None) -> int:
    return ORDINALS.get((word or "last").lower(), -1)


def _scratch(text: str) -> Scratch | None:
    # "to" as Whisper may hear a breath before the command ("To scratch that."); no letter says that alone.
    verbs = r"(?:to )?(?:scratch|strike|delete|remove|cut|take out|erase|lose|drop|forget|get rid of)"
    m = _fits(rf"{verbs} (?:that|this|it)(?: (?:last )?(?P<u>sentence|paragraph|line|bit|part))?|(?:never ?mind|no,?) "
              rf"(?:scratch|strike|delete) that|{verbs} (?:the |that )?(?:last|previous) (?P<v>sentence|paragraph|line)"
              rf"|{verbs} the {ORDINAL} (?P<w>paragraph)", text)
    if m is None:
        return None
    unit = m["u"] or m["v"] or m["w"]
    return Scratch(_UNIT.get((unit or "").lower(), "that"), _nth(m["nth"]) if m["w"] else -1)


def _read(text: str) -> ReadBack | None:
    m = _fits(rf"read (?:it|that|this|the letter|the note|the whole (?:thing|letter)|(?:it|that|the letter) all)"
              rf"(?: back)?(?: to me)?|read (?:it )?back(?: to me)?|read (?:me |back )?(?:back )?what (?:we|i|you)"
              rf"(?: have| 've got|'ve got|'ve written| wrote| have written)(?: so far)?|what (?:do|have) we (?:have|got)"
              rf"(?: so far)?|read (?:me |back )?(?:back )?the (?P<p>{ORDINAL}|opening|closing) paragraph(?: back)?"
              rf"(?: to me)?|read (?:me |back )?(?:back )?(?:the )?(?:last|previous) (?P<s>sentence|line)(?: back)?"
              rf"|where (?:was i|were we)", text)
    if m is None:
        return None
    if m["s"] or re.match(r"\W*where", text, re.I):
        return ReadBack(-1, sentence=True)
    return ReadBack(ORDINALS.get(m["p"].lower(), -1)) if m["p"] else ReadBack()


def _revise(text: str) -> Revise | None:
    how = r"(?P<how>(?:more|less) [a-z]+|[a-z]+er|simple|formal|casual|funny|sweet|short)"
    degree = r"(?:(?:a (?:bit|little|touch|lot)|much|even|slightly|way|somewhat) )?"
    m = _fits(rf"make (?P<part>it|that|this|the (?:letter|note|card|whole thing)|the (?:ending|end|beginning|start|opening"
              rf"|closing|middle|last sentence|first sentence|last bit|sign[- ]off)|the {ORDINAL} paragraph|that (?:last )?"
              rf"(?:bit|sentence|paragraph)) {degree}(?:sound )?{how}|{degree}(?P<bare>shorter|longer|warmer|simpler|funnier"
              rf"|friendlier|softer|happier|lighter|gentler|more (?:formal|casual|personal|polite|cheerful|loving|heartfelt)"
              rf"|less (?:formal|stiff|gushy|sad))|(?P<cut>shorten|tighten|trim|cut down) (?:it|the letter|that)", text)
    if m is None:
        return None
    if m["cut"]:
        return Revise("shorter")
    part = (m["part"] or "").lower()
    return Revise((m["how"] or m["bare"]).lower(), "" if part in ("it", "this", "that", "the letter", "the note",
                                                                  "the card", "the whole thing") else part)


def _sign(text: str) -> Sign | None:
    m = _fits(r"sign (?:it|the letter|this|the note|the card|off)(?: off)?,? (?P<rest>.+?)", text)
    if m is None:
        return None
    rest = m["rest"].strip(" ,.")
    said = re.fullmatch(r"(?:from|as|by|with) (?P<name>[^,]+)", rest, re.I)
    if said and not re.match(rf"(?:{_CLOSINGS})\b", said["name"], re.I):
        return Sign(said["name"].strip())
    said = re.fullmatch(rf"(?P<c>(?:with )?(?:{_CLOSINGS})|your [a-z]+(?: [a-z]+)?)(?:,\s*|\s+from\s+|\s+)(?P<name>.+)",
                        rest, re.I)
    if said:
        return Sign(said["name"].strip(), said["c"])
    return Sign(rest) if len(rest.split()) <= 3 else None


def _asks_her(text: str, her_name: str) -> bool:
    """A question for her, not for the letter's reader: named, or about the letter or its words."""
    said = text.strip()
    if not said.endswith("?"):
        return False
    name = re.escape(her_name.lower())
    if re.match(rf"\W*(?:hey |ok |okay )?{name}\b", said, re.I) or re.search(rf",\s*{name}\W*$", said, re.I):
        return True
    return bool(re.search(
        r"\b(?:the|this|my|our) (?:letter|note|card|draft)\b|\bhow (?:do|should|would) (?:you|i|we) spell\b|\bspell(?:ed|t)?\b"
        r"|\bspelling\b|\ba (?:better |nicer |different |another |other )?(?:word|way to say) (?:for|than)\b|\bsynonym\b"
        r"|\bshould i (?:say|write|put|add|mention|include|end|start|sign|open|close)\b|\bwhat (?:else )?should i (?:say|write"
        r"|put|add|tell)\b|\bhow should i (?:say|put|end|start|sign|open|close|word)\b|\bwhat(?:'s| is) (?:a|the) (?:word"
        r"|phrase|expression)\b|\bis (?:it|that) (?:spelled|spelt|a word|correct)\b", said, re.I))


def parts(text: str, her_name: str = "Samantha") -> list[Command | str]:
    """A whole turn inside a letter, in order: one command, or dictation with any "new paragraph" said within it."""
    said = command(text, her_name)
    if said is not None:
        return [said]
    out: list[Command | str] = []
    for sentence in re.split(r"(?<=[.!?…])\s+", text.strip()):
        for piece in _breaks(sentence):
            if out and isinstance(out[-1], str) and isinstance(piece, str):
                out[-1] = f"{out[-1]} {piece}"
            elif piece:
                out.append(piece)
    return out


_BREAK = rf"(?:new|next) {PARAGRAPH}|paragraph break"


def _breaks(sentence: str) -> list[Command | str]:
    """A sentence of dictation with "new paragraph" in it as a sentence of its own ("New paragraph."), or as its
    first or last clause, after or before a comma ("…was lovely, new paragraph.", "New paragraph, also…")."""
    if _fits(_PLAIN[0][0], sentence):
        return [NewParagraph()]
    if m := re.fullmatch(rf"(?P<text>.*\w.*?),\s*(?:{_BREAK}){END}", sentence, re.I):
        return [m["text"], NewParagraph()]
    if m := re.fullmatch(rf"\W*(?:{_BREAK}),\s*(?P<text>.*\w.*)", sentence, re.I):
        return [NewParagraph(), m["text"]]
    return [sentence]


def her_words(to: str) -> str:
    """The recipient as she says it: "my grandmother" -> "your grandmother"."""
    return in_her_words(to)
