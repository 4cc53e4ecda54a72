"""The floor of any typer + rich CLI: imports typer, rich, pydantic and yaml and prints a table.

``benchmarks/startup.py`` times dlguide's reading commands against this in the same run. The table has
the shape of ``dlguide compare cnn rnn``'s output (13 aspect rows and 6 trait rows over two families,
cells of similar length), so the difference between the two is what dlguide itself costs: loading and
validating the knowledge base and building the result.

Its rows go through a pydantic model, as they would in any CLI built on these libraries: a bare
``import pydantic`` is lazy and loads none of the model machinery, which would make the floor a CLI that
imports pydantic without using it.
"""

import typer
import yaml  # noqa: F401  (imported because dlguide imports it: part of the floor)
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False)
CELL = "Learns local patterns with shared filters, then composes them into larger structures over depth."


class Row(BaseModel):
    aspect: str
    left: str
    right: str


@app.command()
def table(rows: int = 19) -> None:
    grid = Table(show_lines=True, expand=True)
    for header in ("Aspect", "CNN", "RNN"):
        grid.add_column(header)
    for index in range(rows):
        row = Row(aspect=f"aspect {index}", left=CELL, right=CELL[::-1])
        grid.add_row(row.aspect, row.left, row.right)
    Console().print(grid)


if __name__ == "__main__":
    app()
