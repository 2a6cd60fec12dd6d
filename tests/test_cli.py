"""The ``samantha`` command end to end, in a subprocess, on the tiny real models."""

import wave

import numpy as np
import pytest
from conftest import run_cli


@pytest.fixture
def flags(model_flags):
    return model_flags


def assert_clean_error(result, *words):
    """Exit 2, a one-paragraph message containing ``words``, and no traceback."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    message = result.stderr.strip()
    assert message.startswith("samantha: ") and "\n\n" not in message
    for word in words:
        assert word in message, message


def test_chat_once_prints_a_reply(cli_env, flags, reply_text):
    result = run_cli(["chat", "--once", "Hello", *flags, "--no-audio"], cli_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == reply_text


def test_keyboard_chat_keeps_a_conversation_and_leaves_on_eof(cli_env, flags, reply_text):
    result = run_cli(["chat", *flags, "--no-audio"], cli_env, input="Hello\n\nHow are you?\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("samantha ›") == 2  # the empty line is skipped
    replies = [line.split("samantha ›", 1)[1] for line in result.stdout.splitlines() if "samantha ›" in line]
    assert [r.strip() for r in replies] == [reply_text, reply_text]


def test_say_writes_a_wav_at_the_voices_rate(cli_env, flags, tmp_path):
    out = tmp_path / "x.wav"
    result = run_cli(["say", "Hello there.", "--out", str(out), *flags], cli_env)
    assert result.returncode == 0, result.stderr
    with wave.open(str(out)) as w:
        assert w.getframerate() == 22050 and w.getnchannels() == 1
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2")
    assert len(pcm) > 0.1 * 22050 and np.abs(pcm).max() > 1000


def test_transcribe_runs_on_real_speech(cli_env, flags, testdata, heard_text):
    result = run_cli(["transcribe", str(testdata / "jfk.flac"), *flags], cli_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == heard_text


def test_transcribe_silence_hears_nothing(cli_env, flags, tmp_path):
    path = tmp_path / "silence.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(bytes(32000))
    result = run_cli(["transcribe", str(path), *flags], cli_env)
    assert result.returncode == 0 and result.stdout == "" and "nothing heard" in result.stderr


def test_transcribe_accepts_any_rate_and_channel_count(cli_env, flags, tmp_path, heard_text):
    path = tmp_path / "stereo44k.wav"
    t = np.arange(44100) / 44100
    tone = (0.3 * np.sin(2 * np.pi * 220 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(np.repeat(tone, 2).tobytes())
    result = run_cli(["transcribe", str(path), *flags], cli_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == heard_text


@pytest.mark.fault("message")
def test_missing_default_model_names_the_path_and_the_download_command(cli_env):
    result = run_cli(["chat", "--once", "Hello", "--no-audio"], cli_env)
    assert_clean_error(result, "not downloaded", cli_env["SAMANTHA_MODELS_DIR"], "samantha models download llama-3.2-3b-instruct")


@pytest.mark.fault("message")
def test_missing_model_path(cli_env, flags, tmp_path):
    result = run_cli(["chat", "--once", "Hi", *flags, "--llm-model", str(tmp_path / "nope.gguf"), "--no-audio"], cli_env)
    assert_clean_error(result, str(tmp_path / "nope.gguf"), "samantha models download")


@pytest.mark.fault("message")
def test_truncated_model_file(cli_env, flags, tiny_models, tmp_path):
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(tiny_models["llm"].read_bytes()[:5000])
    result = run_cli(["chat", "--once", "Hi", *flags, "--llm-model", str(broken), "--no-audio"], cli_env)
    assert_clean_error(result, str(broken), "corrupt", "samantha models download")


@pytest.mark.fault("message")
def test_voice_without_json(cli_env, flags, tiny_models, tmp_path):
    lonely = tmp_path / "lonely.onnx"
    lonely.write_bytes(tiny_models["voice"].read_bytes())
    result = run_cli(["say", "Hi.", "--out", str(tmp_path / "x.wav"), *flags, "--voice", str(lonely)], cli_env)
    assert_clean_error(result, f"{lonely}.json")


@pytest.mark.parametrize("content", [b"", b"this is plain text, not audio" * 20])
@pytest.mark.fault("message")
def test_not_audio_or_empty_file(cli_env, flags, tmp_path, content):
    path = tmp_path / "notes.mp3"
    path.write_bytes(content)
    result = run_cli(["transcribe", str(path), *flags], cli_env)
    assert_clean_error(result, str(path))


@pytest.mark.parametrize("args", [["say", ""], ["say", "   "], ["chat", "--once", "", "--no-audio"]])
@pytest.mark.fault("message")
def test_zero_length_text(cli_env, flags, args):
    assert_clean_error(run_cli([*args, *flags], cli_env), "empty")


@pytest.mark.fault("message")
def test_unspeakable_text_is_said_to_be_so(cli_env, flags):
    assert_clean_error(run_cli(["say", "** 😊 **", *flags], cli_env), "no speakable words")


def test_the_config_default_models_are_the_catalogs_defaults():
    from samantha import config
    from samantha.models import store
    catalog = store.load_catalog()
    for engine in store.ENGINES:
        name = getattr(config.ModelSettings(), engine)
        assert catalog[name].engine == engine and catalog[name].default
        assert [e.name for e in catalog.values() if e.engine == engine and e.default] == [name]


@pytest.mark.fault("message")
def test_unknown_catalog_name(cli_env):
    assert_clean_error(run_cli(["models", "download", "no-such-model"], cli_env), "no-such-model", "whisper-base.en")


def test_models_list_and_path(cli_env):
    listing = run_cli(["models", "list"], cli_env)
    assert listing.returncode == 0
    for name in ("whisper-base.en", "llama-3.2-3b-instruct", "jenny-medium"):
        assert name in listing.stdout
    where = run_cli(["models", "path"], cli_env)
    assert where.returncode == 0 and where.stdout.strip() == cli_env["SAMANTHA_MODELS_DIR"]
    named = run_cli(["models", "path", "jenny-medium"], cli_env).stdout.strip()
    assert named.startswith(cli_env["SAMANTHA_MODELS_DIR"]) and named.endswith("en_GB-jenny_dioco-medium.onnx")


def test_with_her_mind_on_a_server_no_chat_model_is_fetched_or_checked(cli_env):
    said = lambda result: result.stdout + result.stderr
    local = said(run_cli(["models", "verify"], cli_env))
    remote = said(run_cli(["models", "verify", "--llm-backend", "openai"], cli_env))
    assert "llama-3.2-3b-instruct" in local and "whisper-base.en" in local
    assert "llama-3.2-3b-instruct" not in remote and "whisper-base.en" in remote


def test_the_offline_guard_is_active_in_subprocesses(cli_env):
    import subprocess
    import sys

    probe = "import socket; socket.create_connection(('192.0.2.1', 80), timeout=1)"
    result = subprocess.run([sys.executable, "-c", probe], env=cli_env, capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and "offline test guard: refused" in result.stderr


def test_python_dash_m_and_help(cli_env):
    result = run_cli(["--help"], cli_env)
    assert result.returncode == 0
    for command in ("chat", "say", "transcribe", "devices", "doctor", "models", "config"):
        assert command in result.stdout


def test_each_commands_help_lists_only_its_own_flags():
    from samantha.cli.parser import build_parser

    parser = build_parser()
    helps = {c: _help(parser, c) for c in ("voice", "chat", "memory", "config")}  # config show: with every flag
    assert "--ptt-key" in helps["voice"] and "--incognito" in helps["voice"]
    assert "--incognito" in helps["chat"] and "--ptt-key" not in helps["chat"]
    assert "--debug" in helps["memory"] and "--stt-model" in helps["config"]
    assert not any(flag in helps["memory"] for flag in ("--ptt-key", "--output", "--stt-model", "--incognito"))


def _help(parser, command: str) -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        parser.parse_args([command, "--help"])
    return out.getvalue()


@pytest.mark.parametrize("command", [["config", "show"], ["models", "list"]])
@pytest.mark.fault("message")
def test_a_reader_that_goes_away_ends_it_quietly(command, cli_env):
    """``samantha config show | head``: the reader is gone before a word is written."""
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-m", "samantha", *command], env=cli_env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    child.stdout.close()  # long before it has started up and written anything
    try:
        _, stderr = child.communicate(timeout=60)
    finally:
        child.kill()
    assert stderr == "" and child.returncode in (1, 141), stderr  # rich (models list) ends such a write with 1


@pytest.mark.fault("message")
def test_a_data_folder_that_is_a_file_is_named_with_its_fix(cli_env, tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    done = run_cli(["memory", "list"], {**cli_env, "SAMANTHA_DATA_DIR": str(blocker)})
    assert done.returncode == 2 and "A file stands where a folder should be" in done.stderr, done.stderr
    assert "unexpected" not in done.stderr and "Traceback" not in done.stderr and blocker.read_text() == "not a folder"


@pytest.mark.fault("message")
def test_say_into_a_folder_that_does_not_exist_is_one_clean_paragraph(cli_env, flags, tmp_path):
    done = run_cli(["say", "Hello there.", "--out", str(tmp_path / "nowhere" / "x.wav"), *flags], cli_env)
    assert done.returncode == 2 and "choose a folder that exists" in done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr


@pytest.mark.fault("message")
def test_verify_does_not_call_the_users_own_model_files_intact(cli_env, tmp_path):
    own = tmp_path / "mine.gguf"
    own.write_bytes(b"GGUF")
    done = run_cli(["models", "verify", "--llm-model", str(own), "--stt-model", str(tmp_path / "gone")],
                   {**cli_env, "COLUMNS": "400"})  # long paths on one line
    said = (done.stdout + done.stderr).replace("\n", " ")
    assert done.returncode == 1 and "no checksum to verify it against" in said
    assert "does not exist" in said and "all files present and intact" not in said
