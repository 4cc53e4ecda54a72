"""The commands that read the knowledge base: ``list``, ``show`` and ``compare``.

They load the knowledge base, ask ``dlguide.catalogue.compare`` or the knowledge itself for a result and hand it
to ``dlguide.rendering.render`` in the format asked for. Nothing here imports torch or scikit-learn.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from dlguide.catalogue import compare as comparing
from dlguide.catalogue import kb as knowledge
from dlguide.options import JsonOption, KbOption, MarkdownOption, output_format
from dlguide.rendering import render
from dlguide.rendering.output import emit, emit_json, emit_markdown


def _print(command: str, fmt: str, rich_view, json_view, markdown_view) -> None:
    if fmt == "json":
        emit_json(command, json_view())
    elif fmt == "markdown":
        emit_markdown(markdown_view())
    else:
        emit(rich_view())


def list_families(kb: KbOption = None, as_json: JsonOption = False, as_markdown: MarkdownOption = False) -> None:
    """List the architecture families and techniques, one line each, with their aliases."""
    fmt = output_format(as_json, as_markdown)
    base = knowledge.load(kb)
    _print("list", fmt, lambda: render.family_list(base), lambda: render.family_list_json(base),
           lambda: render.family_list_markdown(base))


def show(
    name: Annotated[str, typer.Argument(help="A family or technique: id or alias (cnn, lstm, vit, transfer).")],
    kb: KbOption = None,
    as_json: JsonOption = False,
    as_markdown: MarkdownOption = False,
) -> None:
    """Show one family's (or technique's) full card: what it is, when to use it, when not, and why."""
    fmt = output_format(as_json, as_markdown)
    base = knowledge.load(kb)
    entry_id = base.resolve(name)
    _print("show", fmt, lambda: render.card(base, entry_id), lambda: render.card_json(base, entry_id),
           lambda: render.card_markdown(base, entry_id))


def compare(
    names: Annotated[list[str], typer.Argument(help="Two or more families: ids or aliases (cnn rnn vit ...).")],
    aspects: Annotated[
        Optional[list[str]],
        typer.Option("--aspects", "-a", help="Only these aspect rows (comma-separated or repeated), e.g. memory,long_sequences."),
    ] = None,
    kb: KbOption = None,
    as_json: JsonOption = False,
    as_markdown: MarkdownOption = False,
) -> None:
    """Compare families side by side: aspects as rows, when to choose which, and their traits."""
    fmt = output_format(as_json, as_markdown)
    result = comparing.compare(knowledge.load(kb), names, aspects)
    _print("compare", fmt, lambda: render.comparison(result), lambda: render.comparison_json(result),
           lambda: render.comparison_markdown(result))


def register(app: typer.Typer) -> None:
    app.command("list")(list_families)
    app.command("show")(show)
    app.command("compare")(compare)
