"""Where output goes: results to stdout, messages and progress to stderr.

Only the CLI layer calls these. Rich already honours ``NO_COLOR`` and drops colour and wrapping tricks
when stdout is not a terminal; JSON and Markdown are written as plain text so that a pipe gets exactly
what it asked for and nothing else.
"""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console

_consoles: dict[str, Console] = {}


def _console(stream: str) -> Console:
    # Built lazily and per stream so tests that swap sys.stdout (CliRunner) see their own stream.
    target = sys.stdout if stream == "out" else sys.stderr
    console = _consoles.get(stream)
    if console is None or console.file is not target:
        console = Console(file=target, highlight=False, soft_wrap=False)
        _consoles[stream] = console
    return console


def emit(renderable: Any) -> None:
    """Print a rich renderable (or plain string) as the command's result on stdout."""
    _console("out").print(renderable)


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


def err_console() -> Console:
    """The stderr console, for progress bars and prompts that must not mix with results."""
    return _console("err")
