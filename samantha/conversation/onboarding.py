"""The first meeting: a short spoken setup, like a new OS asking a few questions.

She introduces herself and asks what to call the user, whether they like long chats or
short ones, what she should know about them, which of the installed voices they like (when
there is more than one and a way to play them), and whether she should go by another name.
Every answer lands in the profile. It runs as a conversation of its own, so keyboard chat
and the voice loop both drive it by calling ``respond``; ``samantha setup`` runs it again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from samantha.conversation.memory import Memory

NOTHING = re.compile(r"^\W*(no|nope|nothing|not really|no thanks|nah|that's it|keep (it|that))\b", re.I)
_NAMED = re.compile(r"\b(?:call me|i'm|i am|my name is|name's|how about|what about|maybe)\s+"
                    r"([\w'-]+(?:\s+(?-i:[A-Z])[\w'-]*)?)", re.I)  # a second word only if capitalised
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")


def a_name(answer: str) -> str:
    """'Call me Theo.' -> 'Theo'; a bare answer of one or two words is the name itself; else ''."""
    if match := _NAMED.search(answer):
        return match.group(1).strip(" .,!?\"'")[:40]
    bare = answer.strip(" .,!?\"'")
    return bare[:40] if 0 < len(bare.split()) <= 2 else ""


class Onboarding:
    def __init__(self, memory: Memory, her_name: str, voices: list[str] | None = None,
                 preview: Callable[[str], None] | None = None):
        """``voices``: installed voice names; ``preview(voice)`` plays a sample in it."""
        self.memory, self.her_name, self.user = memory, her_name, ""
        self.voices, self.preview = voices or [], preview
        self._steps = [self._got_name, self._got_style, self._got_about]
        if len(self.voices) > 1 and preview:
            self._steps.append(self._got_voice)
        self._steps.append(self._got_her_name)
        self.done = False
        self._asked_again = False

    def opening(self) -> str:
        return (f"Hi, I'm {self.her_name}. I'll be right here whenever you want to talk. "
                "First things first: what should I call you?")

    def respond(self, answer: str) -> Iterator[str]:
        """Take the answer to the last question; yield what she says next."""
        step = self._steps.pop(0)
        said = step(answer.strip())
        self.done = not self._steps
        yield said

    def _got_name(self, answer: str) -> str:
        self.user = a_name(answer)
        if not self.user and not self._asked_again:  # once more, then a kind default
            self._asked_again = True
            self._steps.insert(0, self._got_name)
            return "Sorry, I didn't quite catch that. What name should I use for you?"
        self.user = self.user or "friend"
        self.memory.set_profile("name", self.user)
        return f"Nice to meet you, {self.user}. Do you like long chats, or should I keep things short?"

    def _got_style(self, answer: str) -> str:
        brief = re.search(r"\b(short|brief|quick|concise|few words|to the point)\b", answer, re.I)
        self.memory.set_profile("likes_to_talk", "briefly" if brief else "at length")
        return ("Short it is. " if brief else "Good, I like a proper conversation. ") + \
            "Is there anything you'd like me to know about you?"

    def _got_about(self, answer: str) -> str:
        if answer and not NOTHING.match(answer):
            self.memory.remember(f"{self.user} said about themselves: {answer.rstrip('.')}.")
        if self._steps[0] == self._got_voice:
            if preview := self.preview:
                for voice in self.voices:
                    preview(voice)
            listed = ", ".join(f"the {_ORDINALS[i]}" for i in range(min(len(self.voices), 6)))
            return f"Thank you. I can speak in {len(self.voices)} voices; you just heard them. Which did you like: {listed}?"
        return self._ask_her_name()

    def _got_voice(self, answer: str) -> str:
        words = answer.lower()
        for i, voice in enumerate(self.voices):
            if re.search(rf"\b({_ORDINALS[i] if i < 6 else '-'}|{i + 1})\b", words) or voice.lower() in words:
                self.memory.set_profile("voice", voice)
                break
        return self._ask_her_name()

    def _ask_her_name(self) -> str:
        return f"One last thing. I'm {self.her_name}, but I could go by another name. What would you like to call me?"

    def _got_her_name(self, answer: str) -> str:
        keep = NOTHING.match(answer) or re.search(rf"\b{re.escape(self.her_name)}\b", answer, re.I) \
            or re.search(r"\b(fine|good|like it|love it|stay|same|don't mind)\b", answer, re.I)
        if not keep and (name := a_name(answer)):
            self.her_name = name
            self.memory.set_profile("her_name", self.her_name)
        return f"{self.her_name} it is. So, {self.user}, what's on your mind?"
