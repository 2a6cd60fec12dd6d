"""The chat model on an OpenAI-compatible server: llama-cpp-python's own server on the tiny
GGUF (its reply is fixed), and a scripted server for the failures a real one will not stage
on demand. Everything listens on 127.0.0.1; the test guard still refuses any other address."""

import socket
import threading
import time

import pytest
from conftest import BRIEF, NETGUARD, run_cli
from remote_servers import LlamaServer, Scripted, free_port

from samantha.config import LlmSettings
from samantha.conversation.dialogue import Conversation
from samantha.conversation.notes import SCHEMA, take_notes
from samantha.engines.base import Message
from samantha.engines.openai_chat import OpenAIChat, estimate_tokens
from samantha.engines.openai_problems import SPOKEN_SLOW, ServerProblem
from samantha.engines.schema_check import mismatch
from samantha.errors import SamanthaError

HELLO = [Message("system", "You are Samantha."), Message("user", "Hello there!")]


def remote(url: str, **values) -> OpenAIChat:
    return OpenAIChat.load(LlmSettings(backend="openai", url=url, **values))


@pytest.fixture(scope="module")
def server(tiny_models, tmp_path_factory):
    running = LlamaServer(tiny_models["llm"], tmp_path_factory.mktemp("server") / "server.log", netguard=NETGUARD).start()
    yield running
    running.stop()


@pytest.fixture
def scripted():
    fake = Scripted()
    yield fake
    fake.close()


def test_streams_the_reply_in_deltas_from_the_server(server, reply_text):
    model = remote(server.url)
    deltas = list(model.stream(HELLO, max_tokens=64))
    assert len(deltas) > 3 and "".join(deltas).strip() == reply_text
    assert model.model == str(server.model)  # the first model the server lists


def test_tokens_are_counted_by_the_server(server, chat_model):
    model = remote(server.url)
    assert model.tokenizer == "/extras/tokenize"
    text = "Hello from the tiny test model."
    assert abs(model.count_tokens(text) - chat_model.count_tokens(text)) <= 1  # its BOS, perhaps


def test_a_server_without_a_tokenizer_gets_a_long_side_estimate(scripted):
    model = remote(scripted.url)
    assert model.tokenizer is None and "estimated" in model.describe()
    assert model.count_tokens("abcdefg") == estimate_tokens("abcdefg") == 3  # 7 characters / 3, rounded up


def test_cancel_hangs_up_at_once_and_the_server_stops(scripted):
    scripted.mode = "endless"
    model = remote(scripted.url)
    stream = model.stream(HELLO)
    got, first, resume, done = [], threading.Event(), threading.Event(), threading.Event()

    def consume():
        for delta in stream:
            got.append(delta)
            first.set()
            resume.wait(10)
        done.set()

    threading.Thread(target=consume, daemon=True).start()
    assert first.wait(10), "no first token"
    stream.cancel()
    resume.set()
    assert done.wait(5), "stream did not end after cancel"
    assert len(got) <= 2 and scripted.hung_up.wait(5)  # the server saw the client leave
    scripted.mode = "ok"
    assert "".join(model.stream(HELLO)) == "Hello there, friend."  # and the next reply comes at once


def test_a_cancel_while_the_server_has_not_answered_yet_frees_her_at_once(scripted):
    scripted.mode = "slow"  # 3 s before a word
    model = remote(scripted.url)
    stream, ended = model.stream(HELLO), threading.Event()
    threading.Thread(target=lambda: (list(stream), ended.set()), daemon=True).start()
    time.sleep(0.3)
    stream.cancel()
    assert ended.wait(0.5)
    scripted.mode = "ok"
    started = time.monotonic()
    assert "".join(model.stream(HELLO)) == "Hello there, friend."  # on another connection, at once
    assert time.monotonic() - started < 1.0


def test_a_cancelled_reply_leaves_the_real_server_ready(server, reply_text):
    model = remote(server.url)
    stream = iter(model.stream(HELLO))
    assert next(stream)
    started = time.monotonic()
    again = "".join(model.stream(HELLO))  # closes the first
    assert again.strip() == reply_text and time.monotonic() - started < 10
    assert list(stream) == []


def test_notes_come_as_json_through_the_servers_schema_support(server, memory, reply_text):
    model = remote(server.url)
    notes = model.complete_json([Message("user", "Take notes on: I love green tea.")], SCHEMA, 300)
    assert mismatch(notes, SCHEMA) is None
    assert model._format == 1  # llama_cpp.server refuses OpenAI's json_schema form, takes json_object + schema
    memory.add_message("user", "My sister Anna is a nurse.")
    memory.add_message("assistant", "Oh, that's lovely.")
    result = take_notes(model, memory, memory.conversation, context_tokens=2048)
    assert memory.unlearned() == [] and result.summary == reply_text  # the tiny model's one path


def test_json_mode_answers_are_checked_against_the_schema(scripted):
    scripted.mode = "json"
    model = remote(scripted.url)
    assert model.complete_json(HELLO, SCHEMA) == {"summary": "A chat.", "facts": []}
    assert model._format == 1
    with pytest.raises(SamanthaError, match="did not follow the format"):
        model.complete_json(HELLO, {"type": "object", "required": ["mood"]})


def test_only_the_configured_server_is_ever_connected_to(server, monkeypatch):
    seen = []
    connect = socket.socket.connect  # the test guard's, which still refuses the rest

    def watched(self, address):
        seen.append(address[:2] if isinstance(address, tuple) else address)
        return connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", watched)
    model = remote(server.url)
    conversation = Conversation(model, LlmSettings(context_tokens=1024, max_reply_tokens=32), persona=BRIEF)
    "".join(conversation.respond("Hi!"))
    model.complete_json(HELLO, SCHEMA, 64)
    assert seen and set(seen) == {("127.0.0.1", server.port)}


def test_chat_once_talks_to_the_server_from_the_command_line(server, cli_env, reply_text, tmp_path):
    done = run_cli(["chat", "--once", "Hello!", "--no-audio", "--llm-backend", "openai", "--llm-url", server.url],
                   cli_env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == reply_text
    assert (tmp_path / "data" / "memory.sqlite3").is_file()  # memory stays on this machine
    incognito = run_cli(["chat", "--once", "Hi", "--no-audio", "--incognito", "--llm-backend", "openai",
                         "--llm-url", server.url], dict(cli_env, SAMANTHA_DATA_DIR=str(tmp_path / "none")), timeout=120)
    assert incognito.returncode == 0 and not (tmp_path / "none").exists()


# Faults: each one a clear message, nothing lost, no traceback.


@pytest.mark.fault("message")
def test_doctor_names_the_url_it_could_not_reach(cli_env, model_flags):
    url = f"http://127.0.0.1:{free_port()}/v1"
    doctor = run_cli(["doctor", *model_flags, "--llm-backend", "openai", "--llm-url", url], cli_env, timeout=120)
    said = " ".join(doctor.stdout.split())  # as one line, however the terminal wrapped it
    line = said[said.index("chat model"):said.index("voice:")]
    assert f"✗ chat model: Cannot reach the chat server at {url}" in said and "[llm] url" in line
    assert "Traceback" not in doctor.stdout + doctor.stderr


@pytest.mark.fault("message")
@pytest.mark.parametrize("url", ["http://samantha-no-such-host.invalid/v1", "http://192.0.2.7:8080/v1"])
def test_a_name_that_does_not_resolve_or_an_address_off_this_machine_is_said(url):
    started = time.monotonic()
    with pytest.raises(ServerProblem, match=f"Cannot reach the chat server at {url}"):
        remote(url)
    assert time.monotonic() - started < 30  # the test guard refuses 192.0.2.7 before a packet leaves


@pytest.mark.fault("message")
@pytest.mark.parametrize(("status", "names"), [("401", "api_key_env"), ("403", "api_key_env"), ("404", "[llm] url"),
                                               ("429", "Wait a little"), ("500", "its own log"), ("400", "context_tokens")])
def test_an_error_answer_is_one_paragraph_naming_the_fix(scripted, status, names):
    model = remote(scripted.url)
    scripted.mode = status
    with pytest.raises(ServerProblem) as caught:
        list(model.stream(HELLO))
    text = str(caught.value)
    assert f"answered {status}" in text and names in text and "scripted failure" in text and "\n" not in text


@pytest.mark.fault("message")
def test_a_missing_api_key_variable_is_said_at_start(scripted, monkeypatch):
    monkeypatch.delenv("SAMANTHA_TEST_KEY", raising=False)
    with pytest.raises(SamanthaError, match="SAMANTHA_TEST_KEY"):
        remote(scripted.url, api_key_env="SAMANTHA_TEST_KEY")


@pytest.mark.fault("message")
def test_a_wrong_api_key_is_refused_by_the_real_server_with_the_setting_named(server, tmp_path, tiny_models, monkeypatch):
    guarded = LlamaServer(tiny_models["llm"], tmp_path / "log", netguard=NETGUARD).start("--api_key", "right")
    try:
        monkeypatch.setenv("SAMANTHA_TEST_KEY", "wrong")
        with pytest.raises(ServerProblem, match="SAMANTHA_TEST_KEY"):
            remote(guarded.url, api_key_env="SAMANTHA_TEST_KEY")
        monkeypatch.setenv("SAMANTHA_TEST_KEY", "right")
        assert "".join(remote(guarded.url, api_key_env="SAMANTHA_TEST_KEY").stream(HELLO))
    finally:
        guarded.stop()


@pytest.mark.fault("message")
def test_garbage_is_not_taken_for_a_reply(scripted):
    model = remote(scripted.url)
    scripted.mode = "garbage"
    with pytest.raises(ServerProblem, match="does not answer like an OpenAI-compatible chat server"):
        list(model.stream(HELLO))


@pytest.mark.fault("message")
def test_a_slow_first_token_is_a_timeout_she_tells_about(scripted):
    model = remote(scripted.url, timeout_s=1.0)
    scripted.mode = "slow"
    started = time.monotonic()
    with pytest.raises(ServerProblem, match=r"did not answer in time.*\[llm\] timeout_s") as caught:
        list(model.stream(HELLO))
    assert time.monotonic() - started < 2.5 and caught.value.spoken == SPOKEN_SLOW


@pytest.mark.fault("kept")
def test_a_server_that_dies_mid_reply_loses_nothing_heard_and_the_next_turn_tries_again(scripted, memory):
    model = remote(scripted.url)
    conversation = Conversation(model, LlmSettings(context_tokens=1024), memory, BRIEF)
    scripted.mode = "die"
    said = []
    with pytest.raises(ServerProblem, match="in the middle of her reply"):
        for clause in conversation.respond("Tell me something."):
            said.append(clause)
    assert [content for _, content, _ in memory.messages(memory.conversation)] == ["Tell me something.", *(
        ["".join(said).strip()] if "".join(said).strip() else [])]
    scripted.mode = "ok"
    assert "".join(conversation.respond("Again, please.")) == "Hello there, friend."


@pytest.mark.fault("kept")
def test_the_server_killed_and_started_late_again(tiny_models, tmp_path, memory, reply_text):
    server = LlamaServer(tiny_models["llm"], tmp_path / "log", netguard=NETGUARD).start()
    model = remote(server.url)
    conversation = Conversation(model, LlmSettings(context_tokens=1024, max_reply_tokens=32), memory, BRIEF)
    try:
        assert "".join(conversation.respond("Hello!")).strip() == reply_text
        server.stop()
        with pytest.raises(ServerProblem, match=f"Cannot reach the chat server at {server.url}"):
            "".join(conversation.respond("Are you there?"))
        server.start()
        assert "".join(conversation.respond("And now?")).strip() == reply_text
    finally:
        server.stop()
    said = [content for _, content, _ in memory.messages(memory.conversation)]
    assert said == ["Hello!", reply_text, "Are you there?", "And now?", reply_text]


@pytest.mark.fault("message")
def test_chat_once_against_a_failing_server_says_so_without_a_traceback(scripted, cli_env):
    scripted.mode = "500"
    done = run_cli(["chat", "--once", "Hello!", "--no-audio", "--llm-backend", "openai", "--llm-url", scripted.url],
                   cli_env, timeout=120)
    assert done.returncode == 2 and f"The chat server at {scripted.url} answered 500" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.fault("message")
def test_a_url_that_is_not_a_server_address_is_named():
    with pytest.raises(SamanthaError, match=r"\[llm\] url must be"):
        remote("127.0.0.1:8080")


@pytest.mark.fault("kept")
def test_by_voice_a_slow_server_is_said_out_loud_and_her_turn_is_kept(scripted, transcriber, synthesizer, testdata,
                                                                       heard_text):
    import test_session as spoken  # its recording stand-in for the sound device, and its feeder of real speech

    from samantha.audio.audio_files import load_audio
    from samantha.core.turns import State

    scripted.mode = "slow"
    device = spoken.Device()
    session, conversation, log = spoken.make(transcriber, None, synthesizer, device,
                                             model=remote(scripted.url, timeout_s=1.0))
    feed = spoken.Feeder(session)
    feed.audio(load_audio(testdata / "jfk.flac")[: int(2.4 * 16000)])
    try:
        feed.silence_until(lambda: session.machine.state is State.LISTENING and log.users)
        assert any("did not answer in time" in note for note in log.notes)
        assert SPOKEN_SLOW in device.played
        assert [(m.role, m.content) for m in conversation.history] == [("user", heard_text), ("assistant", SPOKEN_SLOW)]
    finally:
        session.close()


@pytest.mark.fault("kept")
def test_notes_wait_for_a_server_that_is_away_and_are_taken_once_it_is_back(scripted, memory):
    from samantha.conversation.notes import catch_up

    model = remote(scripted.url)
    memory.add_message("user", "My sister Anna is a nurse.")
    earlier = memory.conversation
    memory.begin()
    scripted.mode = "503"
    read, problems = catch_up(model, memory, 2048)
    assert read == 0 and "answered 503" in problems[0] and memory.unlearned() == [earlier]  # still to read
    scripted.mode = "json"
    assert catch_up(model, memory, 2048) == (1, []) and memory.unlearned() == []
