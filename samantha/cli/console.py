"""Where the command line writes its notes and tables: stderr, so stdout stays the data."""

from rich.console import Console

console = Console(stderr=True, highlight=False)
