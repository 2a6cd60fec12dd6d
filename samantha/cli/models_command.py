"""The models: ``samantha models list | download | verify | path``, and ``doctor``."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Column, Table

from samantha.cli.console import console
from samantha.config import Settings
from samantha.errors import SamanthaError
from samantha.models import paths, store

OPTIONAL = ("turn",)  # engines she can run without: a failed download of one does not stop set-up


def models(args: argparse.Namespace, settings: Settings) -> int:
    catalog = store.load_catalog()
    unknown = [n for n in args.names if n not in catalog]
    if unknown:
        raise SamanthaError(f"Unknown model {', '.join(unknown)}; choose from: {', '.join(catalog)}")
    remote = settings.llm.backend != "local"  # her mind on a server: no chat model to fetch or check here
    configured = ["" if remote and engine == "llm" else getattr(settings.models, engine) for engine in store.ENGINES]
    chosen = [catalog[n] for n in args.names] or [catalog[n] for n in configured if n in catalog]
    if args.action == "list":
        table = Table(Column("name", no_wrap=True), "engine", Column("size", justify="right"), "here",
                      "about", box=box.SIMPLE, caption="* = default for its engine")
        for e in catalog.values():
            here = all((e.folder() / f.path).is_file() for f in e.files)
            table.add_row(e.name + (" *" if e.default else ""), e.engine, f"{sum(f.size for f in e.files) / 1e6:.0f} MB",
                          "✓" if here else "", f"{e.description}\n[dim]{e.license}[/]")
        Console().print(table)
    elif args.action == "download":
        if not chosen:
            console.print("The configured models are paths, not catalog names: nothing to download.")
        store.download([e for e in chosen if e.engine not in OPTIONAL or args.names])
        for entry in [e for e in chosen if e.engine in OPTIONAL and not args.names]:
            try:
                store.download([entry])
            except SamanthaError as exc:  # she runs without it: say so, and let set-up go on
                console.print(f"[yellow]{exc}[/] Samantha works without {entry.name}; the end of your turn is "
                              "then judged by your words and silence only.")
    elif args.action == "verify":
        return _verify(chosen, [] if args.names else [(e, s) for e, s in zip(store.ENGINES, configured)
                                                      if s and s not in catalog])
    else:
        print("\n".join(str(e.main_path()) for e in chosen) if args.names else paths.models_dir())
    return 0


def _verify(chosen: list, own: list[tuple[str, str]]) -> int:
    """Catalog models against their checksums; the user's own files (paths in the config) can
    only be checked to exist, and the report says so instead of calling them intact."""
    problems = store.verify(chosen)
    for line in problems:
        console.print(f"[red]✗[/] {line}")
    for engine, spec in own:
        if not Path(spec).expanduser().exists():
            problems.append(spec)
            console.print(f"[red]✗[/] {engine}: {spec} does not exist")
        else:
            console.print(f"[yellow]·[/] {engine}: {spec} is your own file: it exists, but there is no checksum "
                          "to verify it against")
    if problems:
        return 1
    if chosen:
        console.print(f"[green]✓[/] {', '.join(e.name for e in chosen)}: all files present and intact")
    elif not own:
        console.print("nothing to verify: no catalog model is chosen")
    return 0


def doctor(args: argparse.Namespace, settings: Settings) -> int:
    from samantha.cli.doctor import report

    return report(settings, Console())
