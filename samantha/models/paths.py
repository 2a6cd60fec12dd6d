"""Where Samantha keeps things.

A source checkout keeps downloaded models in its own ``models/`` folder (git-ignored), so
a developer sees them next to the code; an installed copy uses the platform's user data
dir. Memory always lives in the user data dir, never in a checkout. ``SAMANTHA_MODELS_DIR``,
``SAMANTHA_DATA_DIR`` and ``SAMANTHA_CONFIG`` override.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "samantha"
_CHECKOUT = Path(__file__).resolve().parents[2]


def source_checkout() -> Path | None:
    """The repository root when running from a source checkout, else None."""
    if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "models").is_dir():
        return _CHECKOUT
    return None


def models_dir() -> Path:
    if env := os.environ.get("SAMANTHA_MODELS_DIR"):
        return Path(env).expanduser()
    if root := source_checkout():
        return root / "models"
    return Path(platformdirs.user_data_dir(APP)) / "models"


def memory_path() -> Path:
    data = os.environ.get("SAMANTHA_DATA_DIR") or platformdirs.user_data_dir(APP)
    return Path(data).expanduser() / "memory.sqlite3"


def config_path() -> Path:
    if env := os.environ.get("SAMANTHA_CONFIG"):
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"
