"""The error classes and exit codes of dlguide, in one place.

Library code raises these; only the CLI boundary (``dlguide.cli``) turns them into a one-line message
and an exit code. Each subclass says when it is raised, so a reader can find every failure a user can
meet by reading this file. The did-you-mean of an unknown name (``closest``) is here too, one
implementation for families, choices, questions and rule names.
"""

from __future__ import annotations

import difflib
import re

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class DlguideError(Exception):
    """Base of every error dlguide reports to a user; ``exit_code`` is what the CLI exits with."""

    exit_code = EXIT_USER_ERROR
    kind = "error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def to_json(self) -> dict:
        payload = {"error": {"kind": self.kind, "message": self.message, "exit_code": self.exit_code}}
        if self.hint:
            payload["error"]["hint"] = self.hint
        return payload


class UsageError(DlguideError):
    """Raised for bad command-line input: an out-of-range value, a missing answer, a bad option mix."""

    exit_code = EXIT_USAGE
    kind = "usage"


class UnknownNameError(UsageError):
    """Raised when a family, technique, aspect or choice name is not known; carries did-you-mean."""

    kind = "unknown_name"

    def __init__(self, what: str, name: str, known: list[str], suggestions: list[str]) -> None:
        hint = f"did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else None
        message = f"unknown {what} {name!r}"
        if hint:
            message += f"; {hint}"
        message += f" (known: {', '.join(known)})"
        super().__init__(message, hint=hint)
        self.name = name
        self.known = known
        self.suggestions = suggestions


def normalise(name: str) -> str:
    """Fold a user-typed name so 'Transfer Learning', 'transfer-learning' and 'transfer_learning' match."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def closest(name: str, spellings: dict[str, str], n: int) -> list[str]:
    """Did-you-mean: what the ``n`` folded spellings nearest to ``name`` stand for, each named once."""
    close = difflib.get_close_matches(normalise(name), list(spellings), n=n, cutoff=0.6)
    return list(dict.fromkeys(spellings[spelling] for spelling in close))


def closest_name(name: str, names, n: int) -> list[str]:
    """Did-you-mean among plain ``names`` (choice or question ids, answers), folded as ``closest`` folds."""
    return closest(name, {normalise(str(known)): str(known) for known in names}, n)


class KnowledgeError(DlguideError):
    """Raised when a knowledge base cannot be found, read, parsed or validated.

    The message is a breadcrumb: file, then item and field path, then what was expected.
    """

    kind = "knowledge"

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        first = problems[0] if problems else "invalid knowledge base"
        more = f" (and {len(problems) - 1} more problem(s); run 'dlguide kb validate' for all)" if len(problems) > 1 else ""
        super().__init__(first + more)

    def to_json(self) -> dict:
        payload = super().to_json()
        payload["error"]["problems"] = self.problems
        return payload


class FileExistsRefusal(DlguideError):
    """Raised when the one write rule (``dlguide.demos.lpfiles``) refuses an output: it would replace a
    user's file without --force, write onto an input of the same run, name no file (an empty path), or
    land where nothing can be written. Raised before any slow work starts."""

    kind = "would_overwrite"


class OutputError(DlguideError):
    """Raised when the result cannot be written to stdout: the disk is full, stdout is closed, or the
    reader of a pipe went away (``broken_pipe``: then nothing is said, as ``head`` asked for no more)."""

    kind = "output"

    def __init__(self, message: str, *, broken_pipe: bool = False) -> None:
        super().__init__(message)
        self.broken_pipe = broken_pipe


class WriteFailed(DlguideError):
    """Raised when an output passed every check but writing it still failed (a full disk, a folder
    removed meanwhile); any file it was replacing is left as it was."""

    kind = "write_failed"


DEMOS_INSTALL = "pip install -c constraints.txt '.[demos]'  (in the dlguide checkout)"
"""The one command that adds torch, torchvision and scikit-learn, quoted wherever a demo needs them."""


class MissingExtraError(DlguideError):
    """Raised when a demo needs torch, torchvision or scikit-learn and the 'demos' extra is not installed."""

    kind = "missing_extra"


class DeviceError(DlguideError):
    """Raised when the requested device (for example cuda) is not available on this machine."""

    kind = "device"


class DataError(DlguideError):
    """Raised when a user's data file or folder cannot be read or does not have the expected shape."""

    kind = "data"
