"""Text conversation: the history, the prompt, and replies spoken as they are written.

``Conversation`` owns the message history and builds each prompt, and releases the reply
through the reply guard (``reply_guard.py``: never her instructions, never a loop): the persona and what
memory holds about the user (fixed for the conversation, so the KV cache is reused), the
newest turns that fit the context, and just before the user's last words the remembered
facts that bear on them. With a ``Memory`` it records every message the moment it is final.
If memory stops saving mid-conversation (a full disk...), the conversation goes on and her
next reply ends with one sentence saying so, and why (said once, as part of her reply, since
by voice nobody may be watching the screen). A question she asked about her memory ("forget
everything?") waits for its answer here: only the very next turn can say yes.
Keyboard chat speaks the reply as it streams (``runtime/voice_out.py``, ``reply_aloud``).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator

from samantha.config import LlmSettings
from samantha.conversation import memory_commands as recall
from samantha.conversation.forgetting import redact
from samantha.conversation.letter_desk import Consult, LetterDesk
from samantha.conversation.memory import Memory
from samantha.conversation.onboarding import Onboarding
from samantha.conversation.persona import Persona
from samantha.conversation.persona import load as load_persona
from samantha.conversation.skills import Skills
from samantha.core.reply_guard import ReplyGuard
from samantha.engines.base import ChatModel, ChatStream, Message

HOLD_WAIT_S = 120.0  # a prepared reply's longest wait to learn whether the turn was over
TANGLED = "Sorry, my words got tangled there. Could you say that another way?"  # when the guard cut everything


class Hold:
    """A reply prepared before the user's turn was over: released when it was, dropped when
    the user went on. Its thread waits on it before anything is shown, said or stored."""

    def __init__(self) -> None:
        self._decided = threading.Event()
        self.released = False

    def release(self) -> None:
        self.released = True
        self._decided.set()

    def drop(self) -> None:
        self._decided.set()

    def wait(self, timeout: float | None = None) -> bool:
        """True once released; False if dropped (or undecided after ``timeout``)."""
        return self._decided.wait(timeout) and self.released


class Conversation:
    def __init__(self, model: ChatModel, settings: LlmSettings, memory: Memory | None = None,
                 persona: Persona | None = None):
        self.model = model
        self.settings = settings
        self.memory = memory
        self._turns = 0  # the user's turns so far
        self._reply_id: int | None = None  # her last recorded reply, while it is the newest message
        self._user_id: int | None = None  # the user's last recorded words (what a withdrawal takes back from)
        self.persona = persona or load_persona()
        self.name = self.persona.name
        self._system: Message | None = None
        self.onboarding: Onboarding | None = None  # the first meeting, while it lasts
        self.skills: Skills | None = None  # reminders, timers, alarms (conversation/skills.py)
        self.letters: LetterDesk | None = None  # letters written together (conversation/letter_desk.py)
        self._aside: Message | None = None  # the open letter, beside the user's words, when the model is consulted
        self.history: list[Message] = []
        self.stream: ChatStream | None = None
        self.stopped: str | None = None  # why the reply guard cut the last reply short, if it did
        self.first_token: float | None = None  # when the model's first words of the last reply came (monotonic)
        self._awaiting: str | None = None  # what a yes to her last question would do ("forget everything?")
        self._told = False  # that memory stopped saving, once
        self._tokens: dict[Message, int] = {}

    @property
    def system(self) -> Message:
        """The persona with the profile and last summary, fixed at first use for the whole conversation."""
        if self._system is None:
            memory = self.memory
            self._system = Message("system", self.persona.system_prompt(memory.profile(), memory.last_summary())
                                   if memory else self.persona.system_prompt())
        return self._system

    @property
    def dictating(self) -> bool:
        """A letter is open: every turn is the letter's, and a long quiet is the user thinking (``core/turns.py``)."""
        return bool(self.letters and self.letters.open)

    def can_prepare(self, user_text: str) -> bool:
        """Can the reply to ``user_text`` start before the turn is over? Only a plain reply: not
        during the first meeting, not a request about her memory (those act when said)."""
        return (not (self.onboarding and not self.onboarding.done) and not self._awaiting
                and not (self.memory and recall.asks(user_text)) and not (self.skills and self.skills.asks(user_text))
                and not (self.letters and self.letters.asks(user_text)))

    def respond(self, user_text: str, held: Hold | None = None) -> Iterator[str]:
        """Stream the reply to ``user_text``; what was generated joins the history, even if cut short.

        ``held``: the reply is prepared before the user's turn is over. Nothing is recorded
        until ``confirm`` (the turn was over); if the hold is dropped (the user went on),
        nothing of it ever is."""
        self.first_token = None
        if held is None and self.onboarding and not self.onboarding.done:
            yield from self._onboard(user_text)
            return
        if held is None and (answer := self._answered_at_once(user_text)) is not None:
            if answer:
                yield answer  # dictation into a letter is silent: she listens on
            return
        if held is None:
            self.confirm(user_text)
        yield from self._from_the_model(Message("user", user_text), held)

    def _answered_at_once(self, user_text: str) -> str | None:
        """Her answer when ``user_text`` is for the letter being written, her memory or a skill
        (acted on at once, no model); else None: the model replies."""
        self._aside = None
        if isinstance(reply := self._letter(user_text), str):
            return reply
        if self._aside is None:  # a letter's question for the model is not a command
            return self._about_memory(user_text) or self._skill(user_text)
        return None

    def _from_the_model(self, user: Message, held: Hold | None) -> Iterator[str]:
        stream = self.stream = self.model.stream(self.prompt(None if held is None else user))
        guard = ReplyGuard(self.system.content)  # the persona and what memory put in the prompt
        parts: list[str] = []
        try:
            for delta in stream:
                self.first_token = self.first_token or time.monotonic()
                for clause in guard.feed(delta):
                    parts.append(clause)
                    yield clause
                if guard.stopped:
                    break
            for clause in guard.flush():
                parts.append(clause)
                yield clause
            if guard.stopped and not "".join(parts).strip():  # nothing fit to say: say so, briefly
                parts.append(TANGLED)
                yield TANGLED
            if (held is None or held.wait(HOLD_WAIT_S)) and (news := self._news()):
                parts.append(news)
                yield news
        finally:
            stream.close()
            if self.stream is stream:  # a newer reply may have started meanwhile
                self.stream = None
            self.stopped = guard.stopped
            if (reply := "".join(parts).strip()) and (held is None or held.wait(HOLD_WAIT_S)):
                self._add(Message("assistant", reply))

    def _about_memory(self, user_text: str) -> str | None:
        """Her answer, when ``user_text`` asks about or prunes her memory (acted on at once)."""
        if not self.memory:
            return None
        control, self._awaiting = recall.answer(self.memory, user_text, self._awaiting), None  # asked once
        if control is None:
            return None
        self._awaiting = control.awaits
        reply = control.reply
        if control.everything:  # nothing of the conversation so far is kept, not even this exchange
            self.history.clear()
            self._system, self._reply_id = None, None
            return reply + self._news()
        if control.unsaid is not None:  # "forget that": the user's last words and her answer are gone
            last = max((i for i, m in enumerate(self.history) if m.role == "user"), default=len(self.history))
            del self.history[last:]
        if control.topic:  # "forget about …": gone from what the model reads too, and from this exchange
            self.history = [dataclasses.replace(m, content=redact(m.content, control.topic)) for m in self.history]
            self._system = None  # the profile and summary it holds may have named it
            user_text, reply = redact(user_text, control.topic), redact(reply, control.topic)
        self._add(Message("user", user_text))
        self._add(Message("assistant", reply + (news := self._news())))
        return control.reply + news

    def _news(self) -> str:
        """Once: the sentence saying memory stopped saving and why, to end her reply with (else "")."""
        if self._told or self.memory is None or self.memory.failure is None:
            return ""
        self._told = True
        return " " + self.memory.failure.sentence()

    def _skill(self, user_text: str) -> str | None:
        """Her reply, when ``user_text`` asks for a reminder, a timer or an alarm (``skills.py``):
        carried out at once, and both sides kept in the history so the model can talk about it."""
        if self.skills is None or (reply := self.skills.answer(user_text)) is None:
            return None
        self.confirm(user_text)
        self._add(Message("assistant", reply))
        return reply

    def _letter(self, user_text: str) -> str | None:
        """Her reply when ``user_text`` is the open letter's or a request about letters (``letter_desk.py``):
        "" for dictation (kept in the letter, not the history), a command's answer (kept like a reminder's),
        or None, after setting the aside, when the model is to answer with the letter beside the words."""
        desk = self.letters
        if desk is None or not desk.asks(user_text):
            return None
        if not desk.open and (self.memory and recall.asks(user_text)):
            return None  # her memory's commands come first outside a letter
        reply = desk.answer(user_text)
        if isinstance(reply, Consult):
            self._aside = Message("system", reply.aside)
            return None
        if reply:
            self.confirm(user_text)
            self._add(Message("assistant", reply))
        return reply

    def confirm(self, user_text: str) -> None:
        """The user's turn is over: their words join the history (and memory)."""
        self._turns += 1
        self._add(Message("user", user_text))

    def prefill(self) -> None:
        """Let the model read the conversation so far while the user speaks (or before the first
        word), so a reply only has the user's new words to read. Safe to skip."""
        if not (self.onboarding and not self.onboarding.done):
            self.model.prefill(self.prompt())

    def cancel(self) -> None:
        if stream := self.stream:
            stream.cancel()

    def interrupted(self, heard: str) -> None:
        """Her last reply was cut off: keep only what the listener heard, marked as such."""
        if self.history and self.history[-1].role == "assistant":
            self.history.pop()
            if self.memory and self._reply_id is not None:
                self.memory.amend_reply(self._reply_id, heard)
        if heard.strip():
            self.history.append(Message("assistant", heard.strip(), interrupted=True))

    def withdraw(self, user_text: str) -> None:
        """The user went on with the turn ``user_text`` (its end was a pause): their words and anything
        of her reply are taken back from the history and memory; the turn comes again, whole. Nothing
        if those words are not the last the user said (a prepared reply never confirmed recorded nothing)."""
        last = max((i for i, m in enumerate(self.history) if m.role == "user"), default=None)
        if last is None or self.history[last].content != user_text:
            return
        del self.history[last:]
        self._turns -= 1
        self._reply_id = None
        if self.memory and self._user_id is not None:
            self.memory.withdraw(self._user_id)
        self._user_id = None

    def add_reply(self, text: str) -> None:
        """A reply that did not come from the model (a check-in, an apology)."""
        self._add(Message("assistant", text))

    def _onboard(self, answer: str) -> Iterator[str]:
        onboarding = self.onboarding
        assert onboarding is not None  # only called while the first meeting lasts
        self._add(Message("user", answer))
        for line in onboarding.respond(answer):
            line += self._news()
            self._add(Message("assistant", line))
            yield line
        if onboarding.done:  # her (perhaps new) name and what she learned shape every prompt from now
            self.persona = dataclasses.replace(self.persona, name=onboarding.her_name)
            self.name, self._system = self.persona.name, None

    def notes_pending(self) -> bool:
        """Something said in this conversation has not been read for notes yet."""
        memory = self.memory
        return bool(memory and not memory.incognito and memory.failure is None and memory.conversation in memory.unlearned())

    def notes_due(self, every: int) -> bool:
        """Time to take notes in a long keyboard chat: every ``every`` turns (0: never mid-conversation)."""
        return bool(every and self._turns and self._turns % every == 0 and self.notes_pending())

    def take_notes(self) -> None:
        from samantha.conversation.notes import take_notes

        if self.memory and self.memory.conversation is not None:
            take_notes(self.model, self.memory, self.memory.conversation, self.settings.context_tokens, self.name)

    def _add(self, message: Message) -> None:
        self.history.append(message)
        if self.memory:
            row = self.memory.add_message(message.role, message.content)
            self._reply_id = row if message.role == "assistant" else None  # what an interruption amends
            self._user_id = row if message.role == "user" else self._user_id

    def prompt(self, pending: Message | None = None) -> list[Message]:
        """The persona, the newest turns that fit, and what is remembered about the last words,
        leaving room for the reply; ``pending``: the user's words not yet in the history."""
        history = [*self.history, pending] if pending else self.history
        budget = self.settings.context_tokens - self.settings.max_reply_tokens - self._count(self.system) - 16
        recalled = self._recalled(history)
        if recalled is not None:
            budget -= self._count(recalled) + 8
        if self._aside is not None:
            budget -= self._count(self._aside) + 8
        kept: list[Message] = []
        for message in reversed(history):
            budget -= self._count(message) + 8  # template tokens around each message
            if budget < 0 and kept:
                break
            kept.append(message)
        kept.reverse()
        if recalled is not None and kept and kept[-1].role == "user":
            kept.insert(len(kept) - 1, recalled)  # after the stable part, so the cache still holds it
        if self._aside is not None and kept and kept[-1].role == "user":
            kept.insert(len(kept) - 1, self._aside)
        return [self.system, *kept]

    def _recalled(self, history: list[Message], limit: int = 5) -> Message | None:
        """Remembered facts that share words with what the user just said."""
        if not self.memory or not history or history[-1].role != "user":
            return None
        facts = self.memory.search(history[-1].content, limit)
        if not facts:
            return None
        return Message("system", "You remember: " + " ".join(f.text for f in facts))

    def _count(self, message: Message) -> int:
        if message not in self._tokens:
            self._tokens[message] = self.model.count_tokens(message.content)
        return self._tokens[message]
