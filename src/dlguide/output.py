"""Where output goes: results to stdout, messages and progress to stderr.

Only the CLI layer calls these. Rich already honours ``NO_COLOR`` and drops colour and wrapping tricks
when stdout is not a terminal; JSON and Markdown are written as plain text so that a pipe gets exactly
what it asked for and nothing else.
"""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console

_console: Console | None = None


def _stdout_console() -> Console:
    # Built lazily, and again whenever sys.stdout was swapped (tests capture it), so output lands there.
    global _console
    if _console is None or _console.file is not sys.stdout:
        _console = Console(file=sys.stdout, highlight=False, soft_wrap=False)
    return _console


def emit(renderable: Any) -> None:
    """Print a rich renderable (or plain string) as the command's result on stdout."""
    _stdout_console().print(renderable)


def emit_json(payload: Any) -> None:
    """Print one JSON document on stdout: the whole of stdout for a --json run."""
    import json  # only the runs that write JSON pay for it

    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def emit_markdown(text: str) -> None:
    """Print Markdown source (not rendered) on stdout, so it can be pasted into documents."""
    sys.stdout.write(text.rstrip("\n") + "\n")
    sys.stdout.flush()


def note(message: str) -> None:
    """A message for the person, never part of the result: goes to stderr as one unwrapped line."""
    sys.stderr.write(message.rstrip("\n") + "\n")
    sys.stderr.flush()
