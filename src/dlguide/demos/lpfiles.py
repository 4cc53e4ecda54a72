"""The one rule for every file dlguide writes: a user's file is never replaced or lost by accident.

Every output - a demo's ``--output`` CSV and PNG maps, ``recommend --save``, ``scaffold``, ``kb init``,
``propagate --output`` - is checked here before any slow work starts:

- an empty path is never "here": it is refused, not read as the current folder;
- an existing file is replaced only with ``--force``;
- an input of the same run is never written onto, not even with ``--force``;
- a folder where a file is expected (or the reverse) is refused;
- the destination must be writable: the nearest folder that exists must allow writing.

The module uses only the standard library, so a scaffolded demo can copy it next to ``demo.py`` and the
CLI can import it without pulling in torch. Refusals raise ``WriteRefused`` with one line that says what
was wrong and what would be right.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Union

PathLike = Union[str, "os.PathLike[str]"]


class WriteRefused(Exception):
    """A write that would lose or damage something of the user's, or that cannot succeed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def named_path(path: PathLike | None, what: str, example: str | None = None) -> Path:
    """``path`` as a Path; an empty one is refused here, before ``Path("")`` could turn it into "."."""
    if path is None or not str(path).strip():
        raise WriteRefused(f"{what}: an empty path names nothing; give a name (for example {example or what.lstrip('-') + '.csv'})")
    return Path(str(path)).expanduser()


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def _writable_parent(path: Path, what: str) -> None:
    """The nearest existing folder above ``path`` must be a folder we may write into."""
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise WriteRefused(f"{what}: cannot write {path}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise WriteRefused(f"{what}: cannot write {path}: the folder {parent} is not writable; choose another place")


def check_file(path: PathLike | None, *, force: bool = False, inputs: Iterable[PathLike | None] = (), what: str = "--output",
               example: str | None = None) -> Path:
    """The path to write a file to, after every check; raises ``WriteRefused`` with the reason.

    ``example`` is the file name an error about an empty path suggests (default: ``<what>.csv``).
    """
    target = named_path(path, what, example)
    for given in inputs:
        if given is not None and str(given).strip() and _same_file(target, Path(str(given)).expanduser()):
            raise WriteRefused(f"{what}: {target} is also an input of this run; write the result to another file")
    if target.is_dir():
        raise WriteRefused(f"{what}: {target} is a folder; name a file to write (for example {target / 'result.csv'})")
    if target.exists() and not force:
        raise WriteRefused(f"{what}: {target} already exists; choose another name, or add --force to replace it")
    if target.exists() and not os.access(target, os.W_OK):
        raise WriteRefused(f"{what}: {target} is read-only; choose another name")
    _writable_parent(target, what)
    return target


def check_folder(path: PathLike | None, *, force: bool = False, what: str = "folder", example: str | None = None) -> Path:
    """A folder to write into: refused if it is a file, or not empty without ``force``, or not writable."""
    target = named_path(path, what, example or "my-folder")
    if target.exists() and not target.is_dir():
        raise WriteRefused(f"{what}: {target} is a file, not a folder; name a new folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise WriteRefused(f"{what}: {target} is not empty; choose a new folder, or add --force to write into it")
    if target.is_dir():
        if not os.access(target, os.W_OK | os.X_OK):
            raise WriteRefused(f"{what}: the folder {target} is not writable; choose another place")
    else:
        _writable_parent(target, what)
    return target


def plan(paths: Iterable[Path], *, force: bool = False, inputs: Iterable[PathLike | None] = (), what: str = "output") -> dict[str, list[Path]]:
    """What writing ``paths`` would do: {"create": [...], "overwrite": [...]} (overwrite needs ``force``)."""
    inputs = list(inputs)
    planned: dict[str, list[Path]] = {"create": [], "overwrite": []}
    for path in paths:
        target = check_file(path, force=force, inputs=inputs, what=what)
        planned["overwrite" if target.exists() else "create"].append(target)
    return planned


def free_path(path: PathLike) -> Path:
    """``path`` itself if nothing is there, else the first free ``name-1.ext``, ``name-2.ext``, ..."""
    path = Path(path)
    candidate, number = path, 0
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def write_text(path: PathLike, text: str) -> Path:
    """Write ``text`` all at once: a temporary file beside the target, then a rename.

    A run that fails half-way (a full disk, Ctrl-C) leaves the old file as it was, never a torn one.
    """
    import tempfile  # here, not at the top: the CLI imports this module on every run, and starts fast

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        # mkstemp makes the file private (0600); give it the mode a plain open() would have given, or
        # the mode of the file it replaces, so a README or a profile stays readable as before.
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _mode_for(path: Path) -> int:
    """The permission bits a file written at ``path`` should have: the replaced file's, else 0666 less umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_new(path: PathLike, text: str | bytes) -> bool:
    """Write ``text`` (or bytes) to ``path`` only if nothing is there; returns whether it wrote.

    For adding files to a folder the user may have edited (``kb init --force``): an existing file,
    even one that appeared a moment ago, is kept as it is.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with (open(path, "xb") if isinstance(text, bytes)  # 'x': fails if the file exists
              else open(path, "x", encoding="utf-8", newline="")) as stream:
            stream.write(text)
    except FileExistsError:
        return False
    return True
