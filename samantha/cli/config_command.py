"""``samantha config path | show | init``."""

from __future__ import annotations

import argparse

from samantha import config
from samantha.cli.console import console
from samantha.config import Settings
from samantha.errors import SamanthaError
from samantha.models import paths


def config_command(args: argparse.Namespace, settings: Settings) -> int:
    path = getattr(args, "config", None) or paths.config_path()
    if args.action == "path":
        print(path)
    elif args.action == "show":
        print(config.render(settings, commented=False))
    else:
        if path.exists() and not args.force:
            raise SamanthaError(f"{path} already exists; use `samantha config init --force` to overwrite it.")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(config.render(), encoding="utf-8")
        console.print(f"wrote {path}")
    return 0
