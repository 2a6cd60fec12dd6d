"""The standing fault suite's tally: every probe of bad input or a fault, and what came of it.

A probe is a test marked ``@pytest.mark.fault("message")`` (the user is told, in one
paragraph, what to fix) or ``@pytest.mark.fault("kept")`` (nothing the user had is lost,
nothing forgotten survives). Probes live in ``tests/faults`` and beside the module they
probe. At the end of a run the tally is printed: probes tried, clear messages, nothing
lost, and the two numbers that must stay 0, tracebacks (in any command the tests ran
without ``--debug``) and data lost (a "kept" probe that failed).
"""

from __future__ import annotations

from collections import Counter

import pytest

KINDS = ("message", "kept")
tally: Counter[str] = Counter()


def saw_output(args: list[str], stderr: str) -> None:
    """Count a traceback a command printed to the user (``--debug`` asks for them)."""
    if "Traceback (most recent call last)" in (stderr or "") and "--debug" not in args:
        tally["tracebacks"] += 1


def pytest_configure(config):
    config.addinivalue_line("markers", "fault(kind): a probe of the fault suite; kind is 'message' or 'kept'")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    marker = item.get_closest_marker("fault")
    report = outcome.get_result()
    if marker is None or report.when != "call" or report.skipped:
        return
    kind = marker.args[0] if marker.args else "message"
    assert kind in KINDS, f"{item.nodeid}: fault kind must be one of {KINDS}"
    tally["tried"] += 1
    if report.passed:
        tally[kind] += 1
    elif kind == "kept":
        tally["lost"] += 1
    else:
        tally["unclear"] += 1


def pytest_terminal_summary(terminalreporter):
    if not tally["tried"]:
        return
    terminalreporter.write_sep("=", "fault suite")
    terminalreporter.write_line(
        f"{tally['tried']} probes tried · {tally['message']} clear messages · {tally['kept']} kept everything · "
        f"{tally['unclear']} unclear · {tally['tracebacks']} tracebacks · {tally['lost']} data lost")
