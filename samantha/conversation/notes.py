"""Taking notes: the LLM reads a conversation back and writes down what it learned.

The output is JSON constrained by a grammar made from ``SCHEMA``, so even a small model
cannot break the format. Facts are short sentences about the user (people in their life,
preferences, plans, what happened); one that contradicts a known fact names its id and
replaces it, and one already known is merged by ``Memory.remember``. Notes are taken at
the start of the next conversation for any conversation not yet read (so leaving is instant
and a crash loses nothing); mid-conversation, every ``[memory] learn_every_turns`` turns of
a keyboard chat, and in the voice loop when she falls asleep after a long quiet (so notes
never hold up a spoken reply). Notes read while something was forgotten are thrown away
unkept (the conversation is read again, as it now is, next time): they may hold what was
just forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass

from samantha.conversation.memory import Memory
from samantha.engines.base import ChatModel, Message

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


def take_notes(model: ChatModel, memory: Memory, conversation: int, context_tokens: int, name: str = "Samantha") -> Notes:
    """Read ``conversation`` (its newest messages that fit) and store a summary and facts."""
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
                                SCHEMA, room)
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


def catch_up(model: ChatModel, memory: Memory, context_tokens: int, name: str = "Samantha",
             most: int = 3) -> tuple[int, list[str]]:
    """Take notes from up to ``most`` earlier conversations not yet read, oldest first (the rest
    next time). Returns how many were read, and what went wrong: a conversation whose notes
    fail is marked read, so it can never stop her from starting; its messages stay stored."""
    pending = [c for c in memory.unlearned() if c != memory.conversation][:most]
    read, problems = 0, []
    for conversation in pending:
        if memory.failure is not None:  # not saving: these notes would be lost; they are taken next time
            break
        try:
            take_notes(model, memory, conversation, context_tokens, name)
            read += 1
        except Exception as exc:
            problems.append(f"conversation {conversation}: {exc}")
            if getattr(exc, "transient", False):  # a chat server away or busy: these notes are taken next time
                break
            memory.learned(conversation)
    return read, problems
