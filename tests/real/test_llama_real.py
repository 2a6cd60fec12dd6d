"""The chat model on real weights (SmolLM2-135M-Instruct): streamed, cancelled, reused, its
cache kept across turns, and notes taken under the JSON grammar."""

import threading

from samantha.conversation.dialogue import Conversation
from samantha.conversation.persona import load
from samantha.engines.base import Message

SYSTEM = Message("system", load().system_prompt())


def evaluated(model) -> list[int]:
    """Tokens llama.cpp evaluates at each call from now on (the model itself, instrumented)."""
    llama, counts = model._llama, []
    real_eval = llama.eval

    def counting(tokens):
        counts.append(len(tokens))
        return real_eval(tokens)

    llama.eval = counting
    return counts


def test_a_reply_streams_in_many_real_words(smol):
    deltas = list(smol.stream([SYSTEM, Message("user", "Hi! How are you today?")], max_tokens=40))
    text = "".join(deltas)
    assert len(deltas) >= 5 and len(text.split()) >= 3, deltas
    assert "<|im_end|>" not in text and "<|im_start|>" not in text  # the template's tokens stay out


def test_a_reply_cancelled_mid_way_stops_at_once_and_the_model_answers_again(smol):
    stream = smol.stream([SYSTEM, Message("user", "Tell me a long story about a dragon and a lighthouse.")],
                         max_tokens=200)
    got = []
    for delta in stream:
        got.append(delta)
        if len(got) == 5:
            threading.Thread(target=stream.cancel).start()  # from another thread, as a barge-in does
    assert 5 <= len(got) <= 7, len(got)  # within a token or so of the cancel
    again = "".join(smol.stream([SYSTEM, Message("user", "Say hello.")], max_tokens=20))
    assert again.strip()


def test_the_next_turn_reuses_the_cached_prefix(smol):
    first = [SYSTEM, Message("user", "What is your favourite colour?")]
    reply = "".join(smol.stream(first, max_tokens=30))
    counts = evaluated(smol)
    prompt2 = [*first, Message("assistant", reply), Message("user", "Why that one?")]
    "".join(smol.stream(prompt2, max_tokens=5))
    whole = smol.count_tokens(SYSTEM.content)
    assert counts and counts[0] < whole / 2, (counts, whole)  # only the new turn was read, not the persona again


def test_a_prefilled_conversation_only_reads_the_users_new_words(smol):
    """Before the first word (the persona) and after each reply (her words and the template),
    the model reads ahead; the reply then reads only what the user just said."""
    talk = [SYSTEM, Message("user", "Tell me a colour."), Message("assistant", "Blue, like the sea.")]
    smol.prefill(talk)
    counts = evaluated(smol)
    smol.prefill(talk)  # already read: nothing to do
    assert sum(counts) == 0, counts
    "".join(smol.stream([*talk, Message("user", "Why that one?")], max_tokens=3))
    words = smol.count_tokens("Why that one?")
    assert counts[0] <= words + 6, (counts, words)  # the words, the end of the user turn and her opening


def test_a_reply_does_not_wait_for_a_prefill(smol):
    """A prefill gives the model up within a batch when a reply wants it."""
    long_talk = [SYSTEM] + [Message(role, f"Turn {i}: " + "the quick brown fox jumps over the lazy dog " * 8)
                            for i, role in zip(range(12), ["user", "assistant"] * 6)]
    filling = threading.Thread(target=smol.prefill, args=(long_talk,))
    filling.start()
    reply = "".join(smol.stream([SYSTEM, Message("user", "Say hello.")], max_tokens=5))
    filling.join(timeout=30)
    assert reply.strip() and not filling.is_alive()


def test_notes_are_taken_under_the_json_grammar(smol, memory):
    from samantha.conversation.notes import take_notes

    memory.begin()
    for role, text in [("user", "My sister Ana lives in Lisbon and she loves surfing."),
                       ("assistant", "Lisbon and surfing, how lovely! Do you visit her often?"),
                       ("user", "Every summer. I am a nurse, so I plan my holidays early.")]:
        memory.add_message(role, text)
    notes = take_notes(smol, memory, memory.conversation, 2048, "Samantha")
    assert notes.summary.strip()  # written as JSON the grammar kept well-formed, and parsed
    assert all(len(fact.text.split()) >= 2 for fact in memory.facts())  # whatever facts came, sentences
    assert memory.conversation not in memory.unlearned()


def test_a_conversation_on_the_real_model_keeps_its_history(smol, real_settings):
    talk = Conversation(smol, real_settings.llm)
    reply = "".join(talk.respond("Hello there! I'm Theo."))
    assert reply.strip() and [m.role for m in talk.history] == ["user", "assistant"]
    assert talk.history[1].content == reply.strip()
