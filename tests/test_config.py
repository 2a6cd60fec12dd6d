import pytest
from conftest import run_cli

from samantha import config
from samantha.errors import SamanthaError


def test_defaults_round_trip_through_the_rendered_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(config.render(commented=False))
    assert config.load(path) == config.Settings()


def test_every_key_is_documented_in_the_init_file():
    text = config.render()
    for section in config.fields(config.Settings):
        for f in config.fields(section.default_factory):
            assert f"# {f.name} = " in text, f.name
            assert f.metadata["doc"] in text


def test_missing_file_means_defaults(tmp_path):
    assert config.load(tmp_path / "nope.toml") == config.Settings()


def test_values_from_the_file_are_used(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[llm]\ntemperature = 1\n[models]\nllm = "/x/y.gguf"\n')
    settings = config.load(path)
    assert settings.llm.temperature == 1.0 and isinstance(settings.llm.temperature, float)
    assert settings.models.llm == "/x/y.gguf"
    assert settings.stt == config.SttSettings()


@pytest.mark.parametrize("text, words", [
    ('[stt]\nthreads = "four"\n', ["[stt] threads", "whole number", "'four'"]),
    ("[stt]\nthread = 4\n", ["unknown key 'thread'", "[stt]", "threads"]),
    ("[sound]\nx = 1\n", ["unknown section [sound]", "models"]),
    ("[llm]\nmax_reply_tokens = 0\n", ["max_reply_tokens", "at least 1"]),
    ("[tts]\nspeaking_rate = true\n", ["speaking_rate", "a number", "True"]),
    ("[llm\n", ["not valid TOML", "config init --force"]),
])
@pytest.mark.fault("message")
def test_bad_config_names_the_key_and_what_is_expected(tmp_path, text, words):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(SamanthaError) as err:
        config.load(path)
    for word in words:
        assert word in str(err.value)
    assert str(path) in str(err.value)


def test_override_ignores_none_and_replaces_the_rest():
    settings = config.override(config.Settings(), "models", stt=None, llm="a.gguf")
    assert settings.models.llm == "a.gguf" and settings.models.stt == config.ModelSettings().stt


def test_config_commands(cli_env, tmp_path):
    path = tmp_path / "config.toml"
    assert run_cli(["config", "path"], cli_env).stdout.strip() == str(path)
    assert run_cli(["config", "init"], cli_env).returncode == 0
    assert config.load(path) == config.Settings()
    again = run_cli(["config", "init"], cli_env)
    assert again.returncode == 2 and "--force" in again.stderr
    path.write_text('[llm]\ntemperature = 0.2\n')
    shown = run_cli(["config", "show", "--llm-model", "/m.gguf"], cli_env).stdout
    assert "temperature = 0.2" in shown and 'llm = "/m.gguf"' in shown


@pytest.mark.fault("message")
def test_bad_config_reaches_the_user_without_a_traceback(cli_env, tmp_path):
    (tmp_path / "config.toml").write_text("[stt]\nbeam = 5\n")
    result = run_cli(["chat", "--once", "hi", "--no-audio"], cli_env)
    assert result.returncode == 2
    assert "unknown key 'beam'" in result.stderr and "Traceback" not in result.stderr
    debug = run_cli(["chat", "--once", "hi", "--no-audio", "--debug"], cli_env)
    assert "Traceback" in debug.stderr


@pytest.mark.fault("message")
def test_a_missing_or_unreadable_config_given_with_a_flag_is_an_error(cli_env, tmp_path):
    missing = run_cli(["chat", "--once", "hi", "--no-audio", "--config", str(tmp_path / "typo.toml")], cli_env)
    assert missing.returncode == 2 and "typo.toml" in missing.stderr and "config init" in missing.stderr
    folder = run_cli(["chat", "--once", "hi", "--no-audio", "--config", str(tmp_path)], cli_env)
    assert folder.returncode == 2 and "Traceback" not in folder.stderr
    created = run_cli(["config", "init", "--config", str(tmp_path / "new.toml")], cli_env)
    assert created.returncode == 0 and (tmp_path / "new.toml").is_file()


@pytest.mark.parametrize("section, key, value, says", [
    ("llm", "threads", 100000, "at most 256"),
    ("llm", "temperature", float("nan"), "finite"),
    ("tts", "speaking_rate", float("inf"), "finite"),
    ("llm", "context_tokens", 999999999, "at most 131072"),
    ("llm", "seed", -5, "at least -1"),
    ("vad", "end_threshold", 1.5, "at most 1"),
])
@pytest.mark.fault("message")
def test_every_setting_has_a_range_and_numbers_are_finite(section, key, value, says):
    from samantha.config import from_dict

    with pytest.raises(SamanthaError, match=says) as err:
        from_dict({section: {key: value}})
    assert f"[{section}] {key}" in str(err.value)


def test_calendar_paths_are_a_list_of_strings(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[calendar]\npaths = ["~/cal.ics", "~/.calendars/work"]\nmorning_summary = false\n')
    assert config.load(path).calendar == config.CalendarSettings(("~/cal.ics", "~/.calendars/work"), False)


@pytest.mark.fault("message")
@pytest.mark.parametrize("value", ['"~/cal.ics"', '[1, 2]'])
def test_calendar_paths_that_are_not_a_list_of_strings_are_named(tmp_path, value):
    path = tmp_path / "c.toml"
    path.write_text(f"[calendar]\npaths = {value}\n")
    with pytest.raises(SamanthaError, match=r"\[calendar\] paths must be a list of strings"):
        config.load(path)
