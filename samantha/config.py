"""Settings: typed dataclasses, one documented TOML file, CLI flags on top.

Every key has a default and a one-line doc; ``samantha config init`` writes them all out
commented. A wrong type or an unknown key is an error naming the key and what is expected,
never a silent default.
"""

from __future__ import annotations

import dataclasses
import json
import math
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from samantha.errors import SamanthaError
from samantha.models import paths

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def setting(default: Any, doc: str, minimum: float | None = None, choices: tuple = (),
            maximum: float | None = None) -> Any:
    return field(default=default, metadata={"doc": doc, "min": minimum, "max": maximum, "choices": choices})


@dataclass(frozen=True)
class ModelSettings:
    """Which model each engine uses: a catalog name (``samantha models list``) or a path."""

    stt: str = setting("whisper-base.en", "speech-to-text: catalog name or CTranslate2 Whisper folder")
    llm: str = setting("llama-3.2-3b-instruct", "chat model: catalog name or .gguf file")
    voice: str = setting("jenny-medium", "voice: catalog name or piper .onnx file (its .onnx.json beside it)")
    turn: str = setting("smart-turn-v3.2", "end-of-turn judge: catalog name or Smart Turn .onnx file "
                        "('' = by words and silence only)")


@dataclass(frozen=True)
class SttSettings:
    language: str = setting("en", "spoken language code; fixing it skips detection and saves time")
    threads: int = setting(0, "CPU threads for Whisper (0 = let CTranslate2 decide)", 0, maximum=256)
    no_speech_threshold: float = setting(0.6, "drop text when Whisper's no-speech probability is above this", 0, maximum=1)
    logprob_threshold: float = setting(-1.0, "...and its average log-probability is below this")
    min_rms: float = setting(0.003, "audio quieter than this RMS is 'nothing heard' without running Whisper", 0, maximum=1)
    min_window_s: int = setting(12, "shortest audio window Whisper encodes, s: short turns cost a third of the full "
                                "30 s window; 30 = always the full one (slowest; the accuracy reference)", 1, maximum=30)


@dataclass(frozen=True)
class PersonaSettings:
    """Who she is: samantha/conversation/persona.toml, or your own copy of it."""

    file: str = setting("", "your own persona file (a copy of samantha/conversation/persona.toml); '' = the built-in one")
    name: str = setting("", "her name ('' = the persona file's: Samantha)")
    pronouns: str = setting("", "her pronouns ('' = the persona file's: she/her)")


@dataclass(frozen=True)
class LlmSettings:
    context_tokens: int = setting(4096, "context window in tokens", 256, maximum=131072)
    max_reply_tokens: int = setting(256, "longest reply in tokens", 1, maximum=8192)
    temperature: float = setting(0.7, "sampling temperature (0 = always the likeliest word)", 0, maximum=2)
    threads: int = setting(0, "CPU threads for the LLM (0 = half the cores, at least two)", 0, maximum=256)
    seed: int = setting(-1, "random seed (-1 = random each run)", -1, maximum=2**31 - 1)
    backend: str = setting("local", "'local': the .gguf of [models] llm on this machine; 'openai': an OpenAI-compatible "
                           "server at url (llama-server, Ollama, vLLM, LM Studio): only the conversation's text goes "
                           "there", choices=("local", "openai"))
    url: str = setting("http://127.0.0.1:8080/v1", "with backend = 'openai': the server's API base (usually ends in /v1)")
    model: str = setting("", "with backend = 'openai': the model name the server knows ('' = the first it lists)")
    api_key_env: str = setting("", "with backend = 'openai': the NAME of the environment variable holding the API "
                               "key ('' = no key); the key itself never goes in this file")
    timeout_s: float = setting(30.0, "with backend = 'openai': the longest wait for the server's first words, and "
                               "for each next ones, before she says it is not answering", 1, maximum=600)
    ca_file: str = setting("", "with backend = 'openai' over https: a CA certificate file to trust besides the usual "
                           "ones (a self-signed server); certificates are always verified")


@dataclass(frozen=True)
class TtsSettings:
    speaking_rate: float = setting(1.0, "1.0 = the voice's natural pace; 1.2 = 20% faster", 0.1, maximum=4)
    loudness_dbfs: float = setting(-20.0, "loudness of voiced speech (RMS, dBFS) every chunk is brought to, so sentences match",
                                   -60, maximum=0)


@dataclass(frozen=True)
class VadSettings:
    start_threshold: float = setting(0.5, "Silero speech probability at which speech may start", 0, maximum=1)
    end_threshold: float = setting(0.35, "probability below which speech may end (lower: fewer false ends)", 0, maximum=1)
    start_frames: int = setting(2, "32 ms frames above the start threshold before speech counts", 1, maximum=50)
    end_frames: int = setting(3, "32 ms frames below the end threshold before speech counts as paused", 1, maximum=50)
    silence_rms: float = setting(0.001, "frames quieter than this RMS are silence without running Silero (saves CPU)", 0,
                                 maximum=1)


@dataclass(frozen=True)
class TurnSettings:
    end_silence_s: float = setting(0.2, "silence that ends a turn that sounds finished ('...see you then.'); "
                                   "the VAD dates an end ~40 ms late, so 0.2 is ~250 ms after the last sound", 0)
    trailing_silence_s: float = setting(1.0, "silence that ends a turn that trails off ('and...', 'um', a comma)", 0, maximum=10)
    unsure_silence_s: float = setting(0.7, "silence that ends a turn whose words sound finished but whose voice does not "
                                      "(the end-of-turn model below complete_threshold), or whose voice does but "
                                      "whose words have no end mark", 0)
    complete_threshold: float = setting(0.5, "the end-of-turn model's probability from which the voice sounds finished", 0,
                                        maximum=1)
    prepare: bool = setting(True, "start her reply during a pause that may end your turn, held back until it does "
                            "(dropped, unheard and unstored, if you go on); uses the CPU while you pause")
    go_on_s: float = setting(1.0, "speech over her reply that starts within this of the end of your words (or before "
                             "you could hear her) goes on your turn (a pause she took for its end): her reply is "
                             "taken back and all of it answered; "
                             "later speech interrupts her as a new turn; 0 = always a new turn", 0, maximum=5)
    go_on_min_s: float = setting(0.15, "speech that goes on your turn interrupts her after this (or min_interrupt_s if "
                                 "shorter): a word added to your sentence ('...aligner, I hardly know [0.5 s] 'er') can "
                                 "be a fifth of a second, and nobody says 'mm-hmm' to their own words (with a headset: with "
                                 "speakers it may be her echo)", 0, maximum=5)
    max_turn_s: float = setting(45.0, "a turn this long ends at once, whatever it sounds like", 1, maximum=600)
    min_interrupt_s: float = setting(0.3, "speech over Samantha shorter than this (a cough, 'mm-hmm') does not interrupt", 0,
                                     maximum=5)
    check_in_after_s: float = setting(10.0, "quiet after her question before one gentle check-in", 1, maximum=3600)
    sleep_after_s: float = setting(120.0, "quiet before she sleeps until called by name or the push-to-talk key", 1,
                                   maximum=86400)
    dictating_sleep_after_s: float = setting(1800.0, "the same while a letter is open, when a long quiet is you thinking "
                                             "(and she never checks in); 0 = she stays awake until the letter is closed",
                                             0, maximum=86400)
    wake_name: str = setting("", "the name that wakes her from sleep ('' = her name)")
    mode: str = setting("hands-free", "'hands-free': your voice starts a turn; 'push-to-talk': only the talk key does",
                        choices=("hands-free", "push-to-talk"))


@dataclass(frozen=True)
class PttSettings:
    key: str = setting("<ctrl_r>", "the talk key, as pynput names it: '<ctrl_r>', '<f9>', '<ctrl>+<alt>+t', 'x'")
    toggle: bool = setting(False, "press once to start talking and again to stop, instead of holding the key")


@dataclass(frozen=True)
class MemorySettings:
    learn_every_turns: int = setting(20, "in a long keyboard chat, take notes every this many turns (0 = only "
                                         "when the next conversation starts; by voice: when she falls asleep)", 0)


@dataclass(frozen=True)
class AudioSettings:
    output_device: str = setting("", "output device: name substring or index ('' = system default)")
    input_device: str = setting("", "input device: name substring or index ('' = system default)")
    output_kind: str = setting("auto", "'headset', or 'speakers': her voice reaches the microphone and is listened "
                               "past; 'auto' tells from the device's name (else headset)",
                               choices=("auto", "headset", "speakers"))
    aec: str = setting("auto", "with speakers, take her echo out of what the microphone hears before the echo gate: "
                       "'auto' (on when the livekit package is installed, as pip install brings it), 'on', or "
                       "'off' (the gate alone: over her you must speak up)", choices=("auto", "on", "off"))


@dataclass(frozen=True)
class CalendarSettings:
    """The user's calendars, read (never written) for "what's my day like?"."""

    paths: tuple[str, ...] = setting((), "calendars to read: .ics files, or folders of them (a vdir, as khal and "
                                     "vdirsyncer keep them); ~ is your home, e.g. [\"~/.calendars/work\"]")
    morning_summary: bool = setting(True, "on the first conversation of a day, she tells you what is still to come "
                                    "today (only if there is something; never in `chat --once`)")


@dataclass(frozen=True)
class ReminderSettings:
    """Reminders, timers and alarms when they come due."""

    notify: bool = setting(True, "also post a desktop notification when one is due (where a notification service "
                           "runs on the session bus: local, not the network; skipped silently where none does)")


@dataclass(frozen=True)
class Settings:
    models: ModelSettings = field(default_factory=ModelSettings)
    persona: PersonaSettings = field(default_factory=PersonaSettings)
    stt: SttSettings = field(default_factory=SttSettings)
    llm: LlmSettings = field(default_factory=LlmSettings)
    tts: TtsSettings = field(default_factory=TtsSettings)
    vad: VadSettings = field(default_factory=VadSettings)
    turns: TurnSettings = field(default_factory=TurnSettings)
    ptt: PttSettings = field(default_factory=PttSettings)
    memory: MemorySettings = field(default_factory=MemorySettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    reminders: ReminderSettings = field(default_factory=ReminderSettings)


_TYPE_NAMES = {str: "a string in quotes", int: "a whole number", float: "a number", bool: "true or false"}


def _check(section: str, f: dataclasses.Field, value: Any, source: str) -> Any:
    if f.type in (tuple[str, ...], "tuple[str, ...]"):  # a list of strings, kept as a tuple (frozen)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SamanthaError(f"{source}: [{section}] {f.name} must be a list of strings in quotes, e.g. "
                                f"[\"~/calendar.ics\"] (default: []), got {value!r}.")
        return tuple(value)
    kind = f.type if isinstance(f.type, type) else {"str": str, "int": int, "float": float, "bool": bool}[f.type]
    ok = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value, ok = float(value), True
    if not ok:
        raise SamanthaError(
            f"{source}: [{section}] {f.name} must be {_TYPE_NAMES[kind]} "
            f"(default: {_toml(f.default)}), got {value!r}."
        )
    choices = f.metadata.get("choices")
    if choices and value not in choices:
        raise SamanthaError(f"{source}: [{section}] {f.name} must be one of {', '.join(map(repr, choices))}, "
                            f"got {value!r}.")
    if kind is float and not math.isfinite(value):
        raise SamanthaError(f"{source}: [{section}] {f.name} must be a finite number (default: {_toml(f.default)}), "
                            f"got {value!r}.")
    minimum, maximum = f.metadata.get("min"), f.metadata.get("max")
    if minimum is not None and value < minimum:
        raise SamanthaError(f"{source}: [{section}] {f.name} must be at least {minimum}, got {value!r}.")
    if maximum is not None and value > maximum:
        raise SamanthaError(f"{source}: [{section}] {f.name} must be at most {maximum}, got {value!r}.")
    return value


def from_dict(data: dict[str, Any], source: str = "config") -> Settings:
    """Build Settings from parsed TOML, rejecting unknown sections/keys and wrong types."""
    sections = {f.name: f for f in fields(Settings)}
    built = {}
    for name, values in data.items():
        if name not in sections:
            raise SamanthaError(f"{source}: unknown section [{name}]; expected one of: {', '.join(sections)}.")
        if not isinstance(values, dict):
            raise SamanthaError(f"{source}: [{name}] must be a table of settings, got {values!r}.")
        cls: Any = sections[name].default_factory  # each section is a dataclass with a default
        known = {f.name: f for f in fields(cls)}
        for key in values:
            if key not in known:
                raise SamanthaError(
                    f"{source}: unknown key '{key}' in [{name}]; expected one of: {', '.join(known)}."
                )
        built[name] = cls(**{k: _check(name, known[k], v, source) for k, v in values.items()})
    return Settings(**built)


def load(path: Path | None = None) -> Settings:
    """Settings from the config file (defaults when it does not exist)."""
    path = path or paths.config_path()
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SamanthaError(f"Cannot read the config file {path} ({exc.strerror or exc}).") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SamanthaError(f"{path} is not valid TOML ({exc}). Fix it, or start over with: "
                            "samantha config init --force") from exc
    return from_dict(data, str(path))


def override(settings: Settings, section: str, **values: Any) -> Settings:
    """A copy with the given keys of one section replaced (None values are ignored)."""
    values = {k: v for k, v in values.items() if v is not None}
    if not values:
        return settings
    return dataclasses.replace(settings, **{section: dataclasses.replace(getattr(settings, section), **values)})


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple):
        return json.dumps(list(value), ensure_ascii=False)
    return repr(value)


def render(settings: Settings | None = None, commented: bool = True) -> str:
    """The settings as TOML, every key with its doc; commented out for ``config init``."""
    settings = settings or Settings()
    hash_ = "# " if commented else ""
    out = ["# Samantha's settings. Uncomment a key to change it; flags on the command line win.", ""]
    for section in fields(Settings):
        out.append(f"[{section.name}]")
        values = getattr(settings, section.name)
        for f in fields(values):
            out.append(f"# {f.metadata['doc']}")
            out.append(f"{hash_}{f.name} = {_toml(getattr(values, f.name))}")
        out.append("")
    return "\n".join(out)
