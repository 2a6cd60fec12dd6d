"""Taking notes: the LLM reads a conversation back and writes down what it learned.

The output is JSON constrained by a grammar made from ``SCHEMA``, so even a small model
cannot break the format. Facts are short sentences about the user (people in their life,
preferences, plans, what happened); one that contradicts a known fact names its id and
replaces it, and one already known is merged by ``Memory.remember``. Notes are taken after
a conversation, for any conversation not yet read: in the background when the next one starts
(``runtime/note_taker.py``: her greeting never waits, and notes give the model up to every reply,
``give_way``), every ``[memory] learn_every_turns`` turns of a keyboard chat, and in the voice loop
when she falls asleep after a long quiet. A conversation is marked read only once its notes are
stored, so a pass abandoned for a reply (``GaveWay``), or cut short by leaving, is simply done
again, and nothing is lost. Notes read while something was forgotten (by any
connection) are thrown away unkept: they may hold what was just forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from samantha.conversation.memory import Memory
from samantha.engines.base import ChatModel, GaveWay, Message

SCHEMA = {
    "type": "object",
    "properties": {
        "summary": {"type": "string", "maxLength": 300},
        "facts": {"type": "array", "maxItems": 6, "items": {
            "type": "object",
            "properties": {"text": {"type": "string", "maxLength": 160}, "replaces": {"type": ["integer", "null"]}},
            "required": ["text", "replaces"]}},
    },
    "required": ["summary", "facts"],
}
INSTRUCTIONS = (
    "You keep {name}'s notes about the person {name} talks with. Read the conversation and answer in JSON. "
    "summary: two sentences on what you talked about. facts: new things worth remembering for months about "
    "the person (people in their life, likes and dislikes, plans, what happened to them), each one short "
    "sentence that names the person or says 'the user'. Leave out small talk and what {name} said about herself. "
    "If a fact changes one you already know, set replaces to that fact's id; otherwise null. "
    "Do not repeat facts you already know."
)
MAX_TOKENS = 800  # room for the longest notes the schema allows (~1,300 characters of JSON)


@dataclass(frozen=True)
class Notes:
    summary: str
    facts: list[int]  # ids of the facts added, merged or replaced


def take_notes(model: ChatModel, memory: Memory, conversation: int, context_tokens: int, name: str = "Samantha",
               give_way: Callable[[], bool] | None = None) -> Notes:
    """Read ``conversation`` (its newest messages that fit) and store a summary and facts.
    ``give_way``: stop (``GaveWay``, nothing stored) as soon as it says so."""
    forgets, known = memory.forgets, {f.id: f.text for f in memory.facts()[:40]}
    head = INSTRUCTIONS.format(name=name) + "\n\nFacts you already know:\n" + (
        "\n".join(f"{i}: {text}" for i, text in known.items()) or "(none yet)")
    room = min(MAX_TOKENS, context_tokens // 3)  # a small context still leaves room to read
    budget = context_tokens - room - model.count_tokens(head) - 64
    lines: list[str] = []
    for role, content, cut in reversed(memory.messages(conversation)):
        line = f"{'The user' if role == 'user' else name}: {content}{' (cut off)' if cut else ''}"
        budget -= model.count_tokens(line) + 2
        if budget < 0:
            break
        lines.append(line)
    if not lines:
        memory.learned(conversation)
        return Notes("", [])
    transcript = "\n".join(reversed(lines))
    notes = model.complete_json([Message("system", head), Message("user", f"The conversation:\n{transcript}")],
                                SCHEMA, room, give_way=give_way)
    if memory.forgets != forgets:  # forgotten while the model read: its notes may hold it
        return Notes("", [])
    stored = []
    for fact in notes.get("facts") or []:
        text = str(fact.get("text") or "").strip() if isinstance(fact, dict) else ""
        if len(text.split()) >= 2:  # a sentence, not a stray word
            replaces = fact.get("replaces")
            stored.append(memory.remember(text, replaces if replaces in known else None, conversation))
    summary = str(notes.get("summary") or "").strip()
    if summary:
        memory.set_summary(summary, conversation)
    memory.learned(conversation)
    return Notes(summary, stored)


def unread(memory: Memory, most: int = 3) -> list[int]:
    """Up to ``most`` earlier conversations not yet read, oldest first (the rest wait for next time)."""
    return [c for c in memory.unlearned() if c != memory.conversation][:most]


def read_earlier(model: ChatModel, memory: Memory, conversation: int, context_tokens: int, name: str = "Samantha",
                 give_way: Callable[[], bool] | None = None) -> str | None:
    """Notes from an earlier conversation; what went wrong, if anything. A conversation whose notes
    fail is marked read, so it can never stop her from starting; its messages stay stored. Giving
    way is not failing: ``GaveWay`` goes up, and the conversation stays unread; nor is a chat
    server away or busy (``transient``): read next time."""
    try:
        take_notes(model, memory, conversation, context_tokens, name, give_way)
        return None
    except GaveWay:
        raise
    except Exception as exc:
        if not getattr(exc, "transient", False):  # a chat server away or busy: read next time
            memory.learned(conversation)
        return f"conversation {conversation}: {exc}"


def catch_up(model: ChatModel, memory: Memory, context_tokens: int, name: str = "Samantha",
             most: int = 3) -> tuple[int, list[str]]:
    """Take notes from up to ``most`` earlier conversations not yet read, oldest first. Returns
    how many were read, and what went wrong (see ``read_earlier``). None while the memory is not
    saving (they would be lost), and none past a chat server that is away: taken next time."""
    read, problems = 0, []
    for conversation in unread(memory, most):
        if memory.failure is not None:
            break
        if (problem := read_earlier(model, memory, conversation, context_tokens, name)) is None:
            read += 1
            continue
        problems.append(problem)
        if conversation in memory.unlearned():  # left unread: the server is away or busy
            break
    return read, problems
