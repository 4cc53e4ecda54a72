"""Files dlguide keeps between runs to start faster, under ``$XDG_CACHE_HOME/dlguide`` or ``~/.cache/dlguide``.

A cache only saves time, never changes an answer: ``DLGUIDE_NO_CACHE=1`` turns it off, a relative
``$XDG_CACHE_HOME`` is ignored as the XDG spec says (else the file would land in whatever folder the user
is in), and a missing, stale, unreadable or unwritable file only means building again. Each file holds a
key (what its contents were built from) and the contents, pickled, and is written whole or not at all.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any


def path(name: str) -> Path | None:
    """Where the cache file ``name`` lives; None when caching is off or there is no valid cache folder."""
    if os.environ.get("DLGUIDE_NO_CACHE", "") not in ("", "0"):
        return None
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "dlguide" / name if base.is_absolute() else None


def read(where: Path | None, key: str) -> Any | None:
    """The contents kept at ``where`` if they were built from ``key``; else None."""
    if where is None:
        return None
    try:
        with where.open("rb") as handle:
            stored_key, contents = pickle.load(handle)
    except Exception:  # noqa: BLE001 - missing, truncated or from another version: build again
        return None
    return contents if stored_key == key else None


def write(where: Path | None, key: str, contents: Any) -> None:
    """Keep ``contents`` built from ``key`` at ``where``: a temporary file, then a rename; errors pass."""
    if where is None:
        return
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        partial = where.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps((key, contents), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, where)
    except OSError:  # a read-only home is fine: the next run builds again
        pass
