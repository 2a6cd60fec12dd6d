"""The chat model on a real OpenAI-compatible server (llama-cpp-python's, on 127.0.0.1) serving
real weights (SmolLM2-135M-Instruct): real words streamed, a reply cancelled mid-way that the
server itself stops, the conversation's prefix found in the server's cache, notes under the
schema, and her first token here and there."""

import re
import threading
import time

import pytest
from conftest import NETGUARD
from real_models import LLM
from remote_servers import LlamaServer

from samantha.config import LlmSettings
from samantha.conversation.dialogue import Conversation
from samantha.conversation.notes import SCHEMA
from samantha.conversation.persona import load
from samantha.engines.base import Message
from samantha.engines.openai_chat import OpenAIChat
from samantha.engines.schema_check import mismatch

SYSTEM = Message("system", load().system_prompt())
STORY = [SYSTEM, Message("user", "Tell me a long story about a dragon and a lighthouse.")]


@pytest.fixture(scope="module")
def server(real_models, tmp_path_factory):
    running = LlamaServer(real_models[LLM], tmp_path_factory.mktemp("server") / "server.log", netguard=NETGUARD).start()
    yield running
    running.stop()


@pytest.fixture
def model(server):
    return OpenAIChat.load(LlmSettings(backend="openai", url=server.url, temperature=0.0, seed=7))


def wait_for(log, text: str, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return True
        time.sleep(0.05)
    return False


def test_a_reply_streams_in_many_real_words(model):
    deltas = list(model.stream([SYSTEM, Message("user", "Hi! How are you today?")], max_tokens=40))
    assert len(deltas) >= 5 and len("".join(deltas).split()) >= 3, deltas
    assert "<|im_end|>" not in "".join(deltas)


def test_a_cancelled_reply_is_stopped_by_the_server_and_the_next_one_comes_at_once(model, server):
    stream = model.stream(STORY, max_tokens=400)
    got = []
    for delta in stream:
        got.append(delta)
        if len(got) == 5:
            threading.Thread(target=stream.cancel).start()  # from another thread, as a barge-in does
    assert 5 <= len(got) <= 8
    assert wait_for(server.log, "Disconnected from client")  # the server noticed, and stopped generating
    started = time.monotonic()
    assert "".join(model.stream([SYSTEM, Message("user", "Say hi.")], max_tokens=8))
    assert time.monotonic() - started < 15


def test_the_conversation_so_far_is_found_in_the_servers_cache(model, server):
    conversation = Conversation(model, LlmSettings(context_tokens=2048, max_reply_tokens=24))
    "".join(conversation.respond("Hi! My name is Theo."))
    before = len(server.log.read_text(errors="replace"))
    "".join(conversation.respond("What a lovely day it is."))
    hits = re.findall(r"(\d+) prefix-match hit, remaining (\d+) prompt tokens",
                      server.log.read_text(errors="replace")[before:])
    reused, remaining = map(int, hits[-1])
    print(f"prefix reused from the server cache: {reused} tokens, read anew: {remaining}")
    assert reused > 3 * remaining  # the persona and the first exchange came from the cache: only the new words were read


def test_notes_follow_the_schema_on_real_weights(model):
    notes = model.complete_json([Message("system", "Answer in JSON."),
                                 Message("user", "The conversation:\nThe user: My sister Anna is a nurse.")], SCHEMA, 200)
    assert mismatch(notes, SCHEMA) is None


def test_first_token_here_and_on_the_server(model, smol, record_property):
    """Measured, not judged strictly: the server on this same machine costs an HTTP round trip."""
    prompt = [SYSTEM, Message("user", "Hi! How are you today?")]
    times = {}
    for name, engine in (("local", smol), ("remote", model)):
        for _ in range(2):  # the second run, with the cache warm, is the one a conversation sees
            started = time.monotonic()
            stream = iter(engine.stream(prompt, max_tokens=8))
            next(stream)
            times[name] = time.monotonic() - started
            list(stream)
    record_property("first_token_s", times)
    print(f"first token: local {times['local'] * 1000:.0f} ms, remote on loopback {times['remote'] * 1000:.0f} ms")
    assert times["remote"] < times["local"] + 1.0


@pytest.mark.audio
@pytest.mark.timeout(480)
def test_the_benchmark_measures_voice_to_voice_with_her_mind_on_the_server(server, pulse, real_models):
    import json

    from conftest import run_cli
    from real_models import WHISPER_TINY

    done = run_cli(["bench", "--json", "--real-test-models", "--stt-model", str(real_models[WHISPER_TINY]),
                    "--llm-backend", "openai", "--llm-url", server.url, "--rounds", "1", "--idle-seconds", "2",
                    "--voice-turns", "2"], pulse, timeout=400)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert results["models"]["llm"].endswith(f"at {server.url}")
    v = results["voice_to_voice_ms"]
    assert v["n"] >= 1, v
    for turn in v["turns"]:
        assert 0 < turn["first token"] <= turn["first audio"], turn
