"""The dlguide command line: builds the typer app and turns every failure into one line and an exit code.

Commands live in ``dlguide.commands`` (one module per group, each with ``register(app)``); they parse,
call the library and hand the result to a renderer. This module is the only error boundary: library code
raises ``dlguide.errors`` classes, and ``run`` maps them, click's usage errors and Ctrl-C to a one-line
message on stderr (and, with ``--json``, a JSON error object on stdout) and the exit codes of
``dlguide.errors``. ``--debug`` (or ``DLGUIDE_DEBUG=1``) shows the traceback of an unexpected error.
The error path itself cannot fail: a stdout that is full or closed is one line on stderr and exit 1
(the JSON error is not written to the stream that just failed), a pipe whose reader left ends quietly,
and a closed stderr silences the line but keeps the exit code.
"""

from __future__ import annotations

import errno
import importlib
import os
import sys
import traceback
from typing import Annotated, NoReturn

import typer
from typer.exceptions import Abort, TyperException

from dlguide import __version__
from dlguide.rendering import output
from dlguide.errors import (EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, EXIT_USER_ERROR, DlguideError, FileExistsRefusal,
                            OutputError)
from dlguide.rendering.output import emit_json, note

# Which module of dlguide.commands registers each command, in --help order. A run builds only the
# group it invokes: typer parses every registered command's signature on each run, and start-up time
# is a feature. --help and unknown names build them all, so listings and did-you-mean see everything.
COMMAND_GROUPS = {
    "recommend": "recommend", "list": "read", "show": "read", "compare": "read",
    "run-demo": "demo", "scaffold": "demo", "kb": "kb_cmd", "propagate": "propagate",
}


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"dlguide {__version__}")
        raise typer.Exit()


def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback of an unexpected error.")] = False,
) -> None:
    """Ask which architecture fits, read the knowledge behind the answer, and watch a demo run."""


def build_app(argv: list[str] | None = None) -> typer.Typer:
    """The typer app with the command groups that ``argv`` needs (all of them when argv is None)."""
    app = typer.Typer(
        name="dlguide",
        help="Which deep-learning architecture fits my data and my goal, and what does it look like running?",
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_root)
    named = next((arg for arg in argv or [] if not arg.startswith("-")), None)
    groups = [COMMAND_GROUPS[named]] if named in COMMAND_GROUPS else list(dict.fromkeys(COMMAND_GROUPS.values()))
    for group in groups:
        importlib.import_module(f"dlguide.commands.{group}").register(app)
    return app


def _plain_flags(command):
    """Show on/off flags in --help without typer's ``<bool>`` type label: a flag takes no value."""
    for param in command.params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    help_option = command.get_help_option

    def plain_help_option(ctx):
        option = help_option(ctx)
        if option is not None and option.metavar is None:
            option.metavar = ""
        return option

    command.get_help_option = plain_help_option
    for sub in getattr(command, "commands", {}).values():
        _plain_flags(sub)
    return command


_ARGV: list[str] = []


def _command_name() -> str:
    """The command a JSON error is about, as the envelope names it ('show', 'kb validate'), from the argv."""
    words = [arg for arg in _ARGV if not arg.startswith("-")]
    if not words:
        return "dlguide"
    return " ".join(words[:2]) if words[0] == "kb" and len(words) > 1 else words[0]


def _fail(message: str, code: int, *, as_json: bool, payload: dict | None = None) -> int:
    message = " ".join(part.strip() for part in message.splitlines() if part.strip())  # one line, always
    note(f"dlguide: error: {message}")
    if as_json:
        try:
            emit_json(_command_name(), payload or {"error": {"kind": "usage" if code == EXIT_USAGE else "error", "message": message, "exit_code": code}})
        except OutputError:  # stdout is broken too; the line on stderr has said it all
            pass
    return code


def _output_failed(exc: OutputError) -> int:
    # Never a JSON error here: stdout is the stream that just failed.
    if not exc.broken_pipe:  # a reader that left (``| head``) asked for no more; say nothing
        note(f"dlguide: error: {exc.message}")
    return exc.exit_code


def _write_refused(exc: Exception) -> bool:
    """Whether ``exc`` is lpfiles' refusal; lpfiles is imported only by commands that write, so a run
    that never loaded it cannot have raised it (and the reading commands stay free of the import)."""
    lpfiles = sys.modules.get("dlguide.demos.lpfiles")
    return lpfiles is not None and isinstance(exc, lpfiles.WriteRefused)


def run(argv: list[str]) -> int:
    """Run the CLI on ``argv`` and return the exit code; never lets a traceback reach the user."""
    as_json = "--json" in argv
    _ARGV[:] = argv
    debug = "--debug" in argv or os.environ.get("DLGUIDE_DEBUG", "") not in ("", "0")
    try:
        result = _plain_flags(typer.main.get_command(build_app(argv))).main(args=argv, prog_name="dlguide", standalone_mode=False)
    except (KeyboardInterrupt, Abort):
        result = EXIT_INTERRUPTED
    except TyperException as exc:  # typer's own parse errors: unknown option, missing argument, bad value
        context = getattr(exc, "ctx", None)
        where = context.command_path if context is not None else "dlguide"
        return _fail(f"{exc.format_message()} (see '{where} --help')", exc.exit_code, as_json=as_json)
    except SystemExit as exc:  # a demo's argparse after '--help' (exit 0), run in this process
        return exc.code if isinstance(exc.code, int) else EXIT_OK if exc.code is None else EXIT_USER_ERROR
    except OutputError as exc:
        return _output_failed(exc)
    except DlguideError as exc:
        return _fail(exc.message, exc.exit_code, as_json=as_json, payload=exc.to_json())
    except Exception as exc:  # the boundary: anything unexpected still gets one line
        if _write_refused(exc):  # the one write rule (lpfiles) refused: a user's file stays as it is
            refusal = FileExistsRefusal(exc.message)
            return _fail(refusal.message, refusal.exit_code, as_json=as_json, payload=refusal.to_json())
        if output.stdout_failed(exc):  # click's own printing (--help) hit a broken stdout
            return _output_failed(output.describe_failure(exc))  # type: ignore[arg-type]
        if debug:
            traceback.print_exc()
        hint = "" if debug else " (rerun with --debug for the traceback)"
        return _fail(f"unexpected {type(exc).__name__}: {exc}{hint}", EXIT_USER_ERROR, as_json=as_json)
    if result == EXIT_INTERRUPTED:  # typer turns Ctrl-C into a silent exit 130; say what happened
        # on its own line: Ctrl-C at a prompt leaves the cursor after "> " on the terminal
        note(("\n" if getattr(sys.stderr, "isatty", lambda: False)() else "") + "dlguide: interrupted")
    return result if isinstance(result, int) else EXIT_OK


def main(argv: list[str] | None = None) -> NoReturn:
    output.guard_standard_streams()
    code = run(sys.argv[1:] if argv is None else list(argv))
    if output.settle_standard_streams() and code == EXIT_OK:
        code = _output_failed(output.describe_failure(OSError(errno.EIO, "the last of the result could not be written")))
    sys.exit(code)
