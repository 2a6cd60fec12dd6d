"""Who Samantha is, and the stable start of every prompt.

The persona is a small TOML file: the built-in ``persona.toml`` or the user's own copy
(``[persona] file``), with name and pronouns overridable in the config. The system prompt
joins it with what memory holds that does not change within a conversation (the profile,
the last conversation's summary), so it stays byte-identical from turn to turn and
llama.cpp reuses its KV cache.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from samantha.errors import SamanthaError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

BUILT_IN = Path(__file__).with_name("persona.toml")
OWN_SETTINGS = {"her_name", "voice"}  # profile entries about her, not about the user


@dataclass(frozen=True)
class Persona:
    name: str
    pronouns: str
    instructions: str  # with {name} and {pronouns} to fill in

    def system_prompt(self, profile: dict[str, str] | None = None, summary: str | None = None) -> str:
        text = self.instructions.format(name=self.name, pronouns=self.pronouns).strip()
        profile = {k: v for k, v in (profile or {}).items() if k not in OWN_SETTINGS}
        if profile:
            about = "; ".join(f"{key.replace('_', ' ')}: {value}" for key, value in sorted(profile.items()))
            text += f"\n\nAbout the person you are talking with: {about}."
        if summary:
            text += f"\n\nLast time you talked: {summary}"
        return text


def load(file: str = "", name: str = "", pronouns: str = "") -> Persona:
    """The persona from ``file`` (default: the built-in one), with ``name``/``pronouns`` on top."""
    path = Path(file).expanduser() if file else BUILT_IN
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SamanthaError(f"Cannot read the persona file {path} ({exc.strerror or exc}). Fix [persona] file "
                            f"in the config, or copy the built-in one from {BUILT_IN}.") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SamanthaError(f"The persona file {path} is not valid TOML ({exc}).") from exc
    for key in ("name", "pronouns", "instructions"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise SamanthaError(f"The persona file {path} needs {key} = \"...\" (a non-empty string).")
    try:
        data["instructions"].format(name="", pronouns="")
    except (KeyError, IndexError, ValueError) as exc:
        raise SamanthaError(f"The persona file {path}: instructions may only use {{name}} and {{pronouns}} "
                            f"in braces ({exc!r}); write other braces doubled, {{{{ and }}}}.") from exc
    return Persona(name or data["name"].strip(), pronouns or data["pronouns"].strip(), data["instructions"])
