"""``dlguide propagate``: spread the labels you have over your own embeddings.

Parses the options and hands them to ``dlguide.projects.propagate_run``, which reads the files, runs the engine
(``dlguide.demos.lpgraph``) and writes the output CSV; this module prints the summary it returns. numpy,
scipy and scikit-learn are imported only when the command runs, never when the app is built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from dlguide.options import JsonOption


def _opt(flag: str, text: str, **extra):
    return typer.Option(flag, help=text, show_default=extra.pop("show_default", False), **extra)


def register(app: typer.Typer) -> None:
    """Add ``propagate`` to the dlguide app."""

    @app.command("propagate")
    def propagate(
        embeddings: Annotated[Path, typer.Argument(help="N x d embeddings: .npy, .npz or a CSV of numbers (one row per item).", show_default=False)],
        labels: Annotated[Path, _opt("--labels", "CSV with a label column (empty = unknown) and an optional id column.")],
        label_column: Annotated[str, _opt("--label-column", "Column of --labels holding the labels.", show_default=True)] = "label",
        labels_id_column: Annotated[str, _opt("--labels-id-column", "Column of --labels naming each item (matched to the embeddings' ids, else kept as its name).", show_default=True)] = "id",
        output: Annotated[Optional[str], _opt("--output", "CSV to write (default ./EMBEDDINGS-STEM.propagated.csv).")] = None,
        as_json: JsonOption = False,
        neighbors: Annotated[Optional[int], _opt("--neighbors", "k of the kNN graph (default 10, fewer for tiny sets).", min=1)] = None,
        alpha: Annotated[float, _opt("--alpha", "How far labels spread, between 0 and 1.", show_default=True)] = 0.99,
        metric: Annotated[Literal["cosine", "euclidean"], _opt("--metric", "Similarity of embeddings.", show_default=True)] = "cosine",
        device: Annotated[Literal["auto", "cpu", "cuda"], _opt("--device", "Where to compute (auto: CUDA when present).", show_default=True)] = "auto",
        engine: Annotated[Literal["dlguide", "sklearn"], _opt("--engine", "dlguide's engine, or scikit-learn's LabelSpreading for comparison.", show_default=True)] = "dlguide",
        folds: Annotated[int, _opt("--folds", "Estimate accuracy by hiding each of N folds of the given labels (0: none).", show_default=True, min=0)] = 5,
        id_column: Annotated[Optional[str], _opt("--id-column", "Column of a CSV of embeddings holding ids (name or 1-based number; default: one named 'id').")] = None,
        array: Annotated[Optional[str], _opt("--array", "Array of a .npz file to read, when it holds several.")] = None,
        force: Annotated[bool, _opt("--force", "Replace an existing output file (never an input).")] = False,
    ) -> None:
        """Spread a few labels over your embeddings: each item gets a label, a confidence and a runner-up."""
        from dlguide.projects import propagate_run
        from dlguide.rendering.output import emit_json

        settings = propagate_run.Settings(embeddings, labels, output, neighbors, alpha, metric, device, engine, folds, id_column, array, force,
                                           label_column, labels_id_column)
        summary = propagate_run.run(settings)
        if as_json:
            emit_json("propagate", summary)
            return
        typer.echo("\n".join(propagate_run.text(summary)))
