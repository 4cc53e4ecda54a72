"""Options that several commands share, declared once so their names and help stay the same."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

KbOption = Annotated[
    Optional[Path],
    typer.Option(
        "--kb",
        envvar="DLGUIDE_KB",
        help="Knowledge folder to read instead of the built-in one (also $DLGUIDE_KB). "
        "'dlguide kb init DIR' makes an editable copy.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout, nothing else.")]
MarkdownOption = Annotated[bool, typer.Option("--markdown", help="Print Markdown, for pasting into documents.")]


def output_format(as_json: bool, as_markdown: bool) -> str:
    """'json', 'markdown' or 'rich'; asking for both machine formats at once is a usage error."""
    if as_json and as_markdown:
        from dlguide.errors import UsageError

        raise UsageError("choose one of --json and --markdown, not both")
    return "json" if as_json else "markdown" if as_markdown else "rich"
