"""Where output goes: results to stdout, messages and progress to stderr, and what happens when they fail.

Only the CLI layer calls these. Rich already honours ``NO_COLOR`` and drops colour and wrapping tricks
when stdout is not a terminal; JSON and Markdown are written as plain text so that a pipe gets exactly
what it asked for and nothing else.

The error path cannot fail: a result that cannot be written (stdout full, closed, or a pipe whose reader
left) raises ``OutputError`` for the CLI to report on stderr, and a message that cannot be written to
stderr is dropped, since there is nowhere left to say it. ``guard_standard_streams`` and
``settle_standard_streams`` make a closed or broken stream at start or exit behave the same way.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from contextlib import contextmanager
from typing import Any, Iterator

from dlguide.errors import OutputError

_console: Any = None

SCHEMA_VERSION = 1
"""The version of the --json contract (``dlguide.rendering.contract`` declares its documents)."""


def envelope(command: str, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` (a command's result, or ``{"error": ...}``) inside the contract's envelope."""
    return {"schema_version": SCHEMA_VERSION, "command": command, **body}


class ClosedStream(io.TextIOBase):
    """Stands in for a standard stream that was closed when dlguide started (``>&-``): writes fail."""

    def __init__(self, name: str) -> None:
        self.name = name

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, f"standard output is closed ({self.name})")


class WatchedStream:
    """Wraps stdout for a real run and remembers a failed write, so an OSError raised by code that
    printed (click's --help, a demo's report) is known to be stdout's and not a file's."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.failed: OSError | None = None

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            self.failed = exc
            raise

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            self.failed = exc
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _stdout_console():
    # Built lazily, and again whenever sys.stdout was swapped (tests capture it), so output lands there.
    global _console
    if _console is None or _console.file is not sys.stdout:
        from rich.console import Console  # only the runs that print rich output pay for it

        _console = Console(file=sys.stdout, highlight=False, soft_wrap=False)
    return _console


def describe_failure(exc: OSError) -> OutputError:
    """The one-line error for a result that could not be written to stdout."""
    if isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE:
        return OutputError("the reader of the output went away", broken_pipe=True)
    if sys.stdout is None or isinstance(sys.stdout, ClosedStream) or exc.errno == errno.EBADF:
        return OutputError("cannot write the result: standard output is closed; send it to a file or a pipe")
    reason = exc.strerror or str(exc)
    return OutputError(f"cannot write the result to standard output: {reason}")


@contextmanager
def _writing() -> Iterator[None]:
    if sys.stdout is None:
        raise describe_failure(OSError(errno.EBADF, "closed"))
    try:
        yield
    except OSError as exc:
        raise describe_failure(exc) from exc


def emit(renderable: Any) -> None:
    """Print a rich renderable (or plain string) as the command's result on stdout."""
    with _writing():
        _stdout_console().print(renderable)
        sys.stdout.flush()


def _speaks_unicode(stream: Any) -> bool:
    return "utf" in (getattr(stream, "encoding", None) or "utf-8").lower()


def emit_json(command: str, payload: dict) -> None:
    """Print one JSON document on stdout, ``payload`` in the envelope of ``dlguide.rendering.contract``: the whole of
    stdout for a --json run.

    Non-ASCII text is written as is to a UTF-8 stdout and as \\u escapes to any other, so the JSON
    stays exact whatever the terminal's encoding.
    """
    import json  # only the runs that write JSON pay for it

    payload = envelope(command, payload)
    with _writing():
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=not _speaks_unicode(sys.stdout)) + "\n")
        sys.stdout.flush()


def emit_markdown(text: str) -> None:
    """Print Markdown source (not rendered) on stdout, so it can be pasted into documents."""
    with _writing():
        sys.stdout.write(text.rstrip("\n") + "\n")
        sys.stdout.flush()


def emit_lines(lines: list[str]) -> None:
    """Print plain lines (a listing) on stdout."""
    with _writing():
        for line in lines:
            sys.stdout.write(line + "\n")
        sys.stdout.flush()


def note(message: str) -> None:
    """A message for the person, never part of the result: goes to stderr as one unwrapped line.

    A closed or full stderr drops the message: there is nowhere else to say it, and failing here would
    turn a clean error into a traceback.
    """
    if sys.stderr is None:
        return
    try:
        sys.stderr.write(message.rstrip("\n") + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def stdout_failed(exc: BaseException) -> bool:
    """Whether ``exc`` (raised by code that printed, such as click's --help) means stdout is broken."""
    if not isinstance(exc, OSError):
        return False
    if isinstance(exc, BrokenPipeError) or sys.stdout is None or isinstance(sys.stdout, ClosedStream):
        return True
    if isinstance(sys.stdout, WatchedStream):
        return sys.stdout.failed is not None
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        return True
    return False


def _fill(fd: int) -> None:
    """Give a closed descriptor 0-2 /dev/null, so no file dlguide opens later can take its number."""
    try:
        os.fstat(fd)
    except OSError:
        spare = os.open(os.devnull, os.O_RDWR)
        if spare != fd:
            os.dup2(spare, fd)
            os.close(spare)


def guard_standard_streams() -> None:
    """At start: a closed stdin reads as empty, a closed stdout fails each write, a closed stderr is silent."""
    for fd in (0, 1, 2):
        _fill(fd)
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")
    if sys.stdout is not None and not _speaks_unicode(sys.stdout):
        # PYTHONIOENCODING=ascii or a latin-1 terminal: a '·' in a card must not end the run; it prints as '?'
        try:
            sys.stdout.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass
    sys.stdout = ClosedStream("stdout") if sys.stdout is None else WatchedStream(sys.stdout)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")


def settle_standard_streams() -> bool:
    """At exit: flush stdout and stderr; a stream that cannot take its last bytes is pointed at /dev/null,
    so the interpreter's own final flush cannot print a traceback. Returns whether stdout failed."""
    failed = False
    for name, fd in (("stdout", 1), ("stderr", 2)):
        stream = getattr(sys, name)
        stream = getattr(stream, "_stream", stream)  # a WatchedStream: settle the real one
        if stream is None or isinstance(stream, ClosedStream):
            continue
        try:
            stream.flush()
        except (OSError, ValueError):
            failed = failed or name == "stdout"
            try:
                spare = os.open(os.devnull, os.O_WRONLY)
                os.dup2(spare, stream.fileno())
                os.close(spare)
            except (OSError, ValueError):
                pass
    return failed
