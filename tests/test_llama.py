import threading

import pytest

from samantha.config import LlmSettings
from samantha.engines.base import Message
from samantha.engines.llama import LlamaChatModel
from samantha.errors import SamanthaError

HELLO = [Message("system", "You are Samantha."), Message("user", "Hello there!")]


def test_streams_the_reply_in_deltas_through_the_chat_template(chat_model, reply_text):
    deltas = list(chat_model.stream(HELLO, max_tokens=64))
    assert len(deltas) > 3 and all(isinstance(d, str) and d for d in deltas)
    assert "".join(deltas).strip() == reply_text


def test_max_tokens_cuts_the_reply(chat_model, reply_text):
    short = "".join(chat_model.stream(HELLO, max_tokens=3))
    assert short and reply_text.startswith(short.strip()) and short.strip() != reply_text


def test_cancel_from_another_thread_ends_the_stream_at_the_next_token(chat_model, reply_text):
    stream = chat_model.stream(HELLO)
    got, first, resume, done = [], threading.Event(), threading.Event(), threading.Event()

    def consume():
        for delta in stream:
            got.append(delta)
            first.set()
            resume.wait(10)  # hold the consumer still while another thread cancels
        done.set()

    threading.Thread(target=consume, daemon=True).start()
    assert first.wait(60), "no first token"
    stream.cancel()
    resume.set()
    assert done.wait(10), "stream did not end after cancel"
    assert len(got) == 1
    assert "".join(chat_model.stream(HELLO)).strip() == reply_text  # usable, and unharmed


def test_a_reader_that_stops_reading_does_not_block_the_next_turn(chat_model, reply_text):
    abandoned = iter(chat_model.stream(HELLO))
    assert next(abandoned)  # mid-reply, holding the model...
    result = []
    worker = threading.Thread(target=lambda: result.append("".join(chat_model.stream(HELLO))), daemon=True)
    worker.start()
    worker.join(20)
    assert result and result[0].strip() == reply_text
    assert list(abandoned) == []  # the old reply was ended, not resumed


def test_cancel_before_start_yields_nothing(chat_model):
    stream = chat_model.stream(HELLO)
    stream.cancel()
    assert list(stream) == []


def test_next_turn_reuses_the_cached_prefix(chat_model, monkeypatch):
    """Turn 2 evaluates only what is new: turn 1's whole prompt is already in the KV cache."""
    llama = chat_model._llama
    first_eval = []  # (tokens already cached, tokens evaluated) at the first eval of a turn
    real_eval = llama.eval

    def eval_spy(tokens):
        if not first_eval or first_eval[-1] is None:
            first_eval[-1:] = [(llama.n_tokens, len(tokens))]
        return real_eval(tokens)

    monkeypatch.setattr(llama, "eval", eval_spy)
    first_eval.append(None)
    reply = "".join(chat_model.stream(HELLO, max_tokens=8))
    cached_before, evaluated = first_eval[-1]
    prompt1_tokens = cached_before + evaluated
    first_eval.append(None)
    turn2 = [*HELLO, Message("assistant", reply or "Hi."), Message("user", "Tell me more.")]
    list(chat_model.stream(turn2, max_tokens=4))
    reused, new = first_eval[-1]
    assert reused >= prompt1_tokens - 1
    assert new < prompt1_tokens  # far less than re-reading everything


def test_count_tokens(chat_model):
    assert 0 < chat_model.count_tokens("Hello there, how are you?") < 40
    assert chat_model.count_tokens("") == 0


@pytest.mark.fault("message")
def test_prompt_longer_than_context_is_a_clear_error(chat_model):
    long = [Message("user", "word " * 2000)]
    with pytest.raises(SamanthaError, match="context"):
        list(chat_model.stream(long))


@pytest.mark.fault("message")
def test_truncated_gguf_is_reported(tiny_models, tmp_path):
    broken = tmp_path / "llm.gguf"
    data = tiny_models["llm"].read_bytes()
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(SamanthaError) as err:
        LlamaChatModel.load(broken, LlmSettings(context_tokens=512))
    assert str(broken) in str(err.value) and "corrupt" in str(err.value)


@pytest.mark.fault("message")
def test_a_file_that_is_not_gguf_is_reported(tmp_path):
    bogus = tmp_path / "model.gguf"
    bogus.write_text("definitely not a model")
    with pytest.raises(SamanthaError, match="not a GGUF file"):
        LlamaChatModel.load(bogus, LlmSettings())


@pytest.mark.fault("message")
def test_a_gguf_without_chat_template_is_not_a_chat_model(tmp_path, make_test_models):
    plain = tmp_path / "base.gguf"
    make_test_models.make_llm(plain, chat_template=None)
    with pytest.raises(SamanthaError) as err:
        LlamaChatModel.load(plain, LlmSettings(context_tokens=512))
    assert "not a chat model" in str(err.value) and str(plain) in str(err.value)


def test_thread_counts_are_capped_to_the_machine(monkeypatch):
    from samantha.engines import llama

    monkeypatch.setattr(llama.os, "cpu_count", lambda: 2)
    assert (llama.threads(0), llama.threads(1), llama.threads(64), llama.threads(100000)) == (2, 1, 2, 2)
    monkeypatch.setattr(llama.os, "cpu_count", lambda: 16)
    assert (llama.threads(0), llama.threads(4), llama.threads(64)) == (8, 4, 16)
