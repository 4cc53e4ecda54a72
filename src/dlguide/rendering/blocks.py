"""The small rich building blocks every view shares: a section heading and a hanging-indent list.

Kept apart from ``render`` so that the recommendation view can use them without importing the card and
comparison views (and the modules they need): start-up time is a feature.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text


def heading(title: str) -> Text:
    """A section title of a card, comparison or recommendation."""
    return Text(f"\n{title}", style="bold cyan")


def bullets(items: list[str | tuple[str, str]]) -> Table:
    """A hanging-indent list; a (name, text) pair shows its name in bold."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=1, no_wrap=True)
    grid.add_column(ratio=1)
    for item in items:
        if isinstance(item, tuple):
            grid.add_row("•", Text.assemble((item[0], "bold"), f": {item[1]}"))
        else:
            grid.add_row("•", item)
    return grid
