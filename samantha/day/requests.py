"""Which of her skills a sentence asks for: recognised by patterns, in pure Python, at once.

How requests reach her skills (README, "Her day job"): every finished user turn is
offered first to her memory's commands, then to ``recognise`` here, and only then to the
LLM. A recogniser is a handful of anchored regular expressions, so a request is known in
well under a millisecond, before any model runs, and the same on a 135M model as on a 3B
one. Only a sentence that is plainly a request counts: it must *start* as one ("remind
me…", "set a timer…", "wake me…", "cancel the…", after "please", "can you", her name and
the like), or start with a time and then ask ("in twenty minutes, tell me to…"). "I need
to remember to be kinder to myself", "remind me what we said" or "my alarm went off at 7"
are conversation, and go to the LLM. What the skill did is then her reply, stored in the
history like any other, so the LLM can talk about it afterwards.

Requests are frozen values; ``RECOGNISERS`` are tried in order and the first that answers
wins. Notes and lists (``lists.py``) and the day's agenda (``agenda.py``) bring their own
recognisers and request types, tried after the reminders'; their skills are
``conversation/list_skill.py`` and ``conversation/agenda_skill.py``, reached through ``skills.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from samantha.day import agenda, lists
from samantha.day.agenda import AskAgenda
from samantha.day.lists import ListRequest
from samantha.day.numbers import HOUR
from samantha.day.when import DURATION, Past, Unclear, When, duration, find, resolve
from samantha.day.wording import END, body, in_her_words

SNOOZE = timedelta(minutes=10)  # "snooze that", with no length
KINDS = {"reminder": "reminder", "timer": "timer", "alarm": "alarm"}


@dataclass(frozen=True)
class SetReminder:
    kind: str  # "reminder" | "timer" | "alarm"
    what: str  # in her words: "call your sister", "about the team call"; "" when not said
    when: When | Unclear | Past | None  # None: no time said (she asks)
    length: timedelta | None = None  # a timer's


@dataclass(frozen=True)
class ListReminders:
    kind: str | None = None  # only timers, or alarms, when said


@dataclass(frozen=True)
class CancelReminder:
    target: str  # words naming it ("bread"); "" is the one just talked about
    kind: str | None = None
    every: bool = False  # "cancel all my reminders"


@dataclass(frozen=True)
class Snooze:
    length: timedelta


Request = SetReminder | ListReminders | CancelReminder | Snooze | ListRequest | AskAgenda  # notes, lists: day/lists.py
_body = body


def _snooze(text: str, now: datetime) -> Request | None:
    m = re.match(rf"(?:snooze(?: (?:that|it|this|(?:the|my) (?:reminder|alarm|timer)))?"
                 rf"|(?:remind|tell|ask) me (?:again|later|about (?:that|it) (?:again|later)))"
                 rf"(?: (?:for|in) (?:another )?(?P<d>{DURATION}))?{END}", _body(text), re.I)
    return Snooze(duration(m["d"]) if m["d"] else SNOOZE) if m else None


def _list(text: str, now: datetime) -> Request | None:
    kinds = r"(reminders?|timers?|alarms?)"
    m = re.match(rf"(?:(?:what|which)(?: are)?(?: my| the)? {kinds}(?: do i have| have i got| are (?:there|set|on|coming up)"
                 rf"| did i set| have i set| have you got| do you have(?: for me)?)?"
                 rf"|(?:do i have|have i got|are there|is there)(?: any)? {kinds}(?: set| on| coming up| for me)?"
                 rf"|(?:list|show|tell me|read|give me|check)(?: me)?(?: all)?(?: of)? (?:my |the )?{kinds}"
                 rf"|any {kinds}|what(?:'s| is) on my {kinds}"
                 rf"|how (?:long|much time)(?: is)? left(?: on (?:the|my) (timer))?){END}", _body(text), re.I)
    if m is None:
        return None
    said = next((g for g in m.groups() if g), None)
    kind = said.lower().rstrip("s") if said else "timer"
    return ListReminders(None if kind == "reminder" else kind)


def _cancel(text: str, now: datetime) -> Request | None:
    m = re.match(rf"(?P<v>cancel|delete|remove|clear|scrap|stop|turn off|switch off|get rid of|never ?mind|drop)"
                 rf"\s+(?P<t>.+?){END}", _body(text), re.I)
    if m is None:
        return None
    target = m["t"].lower()
    every = re.fullmatch(r"(?:all|every|all of)(?: of)?(?: my| the)? (?P<k>reminders|timers|alarms)", target)
    if every:
        return CancelReminder("", KINDS[every["k"].rstrip("s")], every=True)
    if re.fullmatch(r"that|it|this|that one|this one|the last one", target):
        ok = m["v"].lower() in ("cancel", "delete", "remove", "scrap")  # "stop it" is not about a reminder
        return CancelReminder("") if ok else None
    named = re.fullmatch(r"(?:the|my|that|this)?\s*(?P<w>.*?)\s*(?P<k>reminder|timer|alarm|one)"
                         r"(?:\s+(?:about|to|for|at|on)\s+(?P<more>.+))?", target)
    if named is None:
        return None
    words = " ".join(w for w in (named["w"], named["more"]) if w)
    return CancelReminder(in_her_words(words).strip(), KINDS.get(named["k"]))


def _timer(text: str, now: datetime) -> Request | None:
    body = _body(text)
    m = (re.match(rf"(?:set|start|put on|make|give me|run)(?: me)?(?: a| an| the| my)?(?: (?P<d1>{DURATION}))?[ -]?timer"
                  rf"(?: for (?P<d2>{DURATION}))?(?: (?:for|to|so) (?P<what>.+?))?{END}", body, re.I)
         or re.match(rf"(?:a |an )?(?P<d1>{DURATION})[ -]timer(?: (?:for|to) (?P<what>.+?))?{END}", body, re.I)
         or re.match(rf"timer (?:for )?(?P<d2>{DURATION})(?: (?:for|to) (?P<what>.+?))?{END}", body, re.I))
    if m is None:
        return None
    said = m.groupdict().get("d1") or m.groupdict().get("d2")
    length = duration(said) if said else None
    when = When((now + length), relative=True) if length else None
    return SetReminder("timer", in_her_words(m["what"] or ""), when, length)


def _alarm(text: str, now: datetime) -> Request | None:
    m = re.match(rf"(?:wake me(?: up)?|get me up|set (?:an|my|the|a) alarm|alarm)(?P<rest>(?:\W.*)?){END}",
                 _body(text), re.I)
    if m is None:
        return None
    rest = re.sub(rf"\bfor (?=(?:{HOUR})\b(?![ -]?(?:min|hour|sec)))", "at ", m["rest"], flags=re.I)
    found = find(rest, now.date())
    if not found.said and found.rest.strip(" ,.!?"):
        return None  # "wake me up inside": no time, and more words than a request
    return SetReminder("alarm", "", resolve(found, now, alarm=True))


def _reminder(text: str, now: datetime) -> Request | None:
    body = _body(text)
    ask = r"(?:remind me|set (?:a|me a) reminder|add a reminder|make a reminder|create a reminder|don't let me forget)"
    m = re.match(rf"{ask}\b(?P<rest>.*)$", body, re.I)
    if m is None:  # a time first: "in twenty minutes, tell me to...", "every Monday at nine remind me about..."
        m = re.match(r"(?P<pre>.+?)\W+(?:remind me|tell me|ask me|nudge me)\b(?P<rest>\s+(?:to|about|that)\b.*)$", body, re.I)
        if m is None or not (found := find(m["pre"], now.date())).said or found.rest.strip(" ,.").lower() not in ("", "then"):
            return None  # what comes before must be a time and nothing else
        rest = f"{m['pre']} {m['rest']}"
    else:
        rest = m["rest"]
        if re.match(r"\s+(?:what|why|how|who|where|which|whether|if|of|when|again)\b", rest, re.I):
            return None  # "remind me what we said": a question for her, not a reminder
    found = find(rest, now.date())
    what = re.sub(r"^(?:(?:for|at|on|by|in)\s+)+", "", found.rest.strip(" ,."), flags=re.I)
    what = re.sub(r"^(?:to|that)\s+", "", what, flags=re.I).strip(" ,.!?")
    if not found.said and not what:
        return None
    return SetReminder("reminder", in_her_words(what), resolve(found, now))


RECOGNISERS: tuple[Callable[[str, datetime], Request | None], ...] = (
    _snooze, _list, _cancel, _timer, _alarm, _reminder, *lists.RECOGNISERS, *agenda.RECOGNISERS)


def recognise(text: str, now: datetime) -> Request | None:
    """The request ``text`` makes of her skills, read at ``now`` (aware, the user's zone), or None."""
    for recogniser in RECOGNISERS:
        if (request := recogniser(text, now)) is not None:
            return request
    return None
