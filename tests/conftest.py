"""Shared helpers: run the real CLI in-process (fast) or as a fresh process (for imports and exit codes)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BUILTIN_KB = REPO / "knowledge"


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory):
    """Keep the tests' knowledge-base caches out of the user's ~/.cache, for this process and children."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run ``dlguide ARGS`` in this process, with a clean environment for dlguide's own variables."""
    from dlguide.cli import run

    monkeypatch.delenv("DLGUIDE_KB", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")

    def invoke(*args: str) -> Result:
        capsys.readouterr()
        code = run([str(a) for a in args])
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return invoke


@pytest.fixture
def demo_cli(cli):
    """Like ``cli``, as the (exit code, stdout, stderr) triple the demo tests unpack."""

    def invoke(*args):
        result = cli(*args)
        return result.code, result.stdout, result.stderr

    return invoke


def run_process(*args: str, env: dict | None = None, stdin: str | None = None, cwd: Path | None = None,
                timeout: float = 120) -> Result:
    """Run ``python -m dlguide ARGS`` as a fresh process, stdin not a terminal."""
    full_env = {k: v for k, v in os.environ.items() if k != "DLGUIDE_KB"}
    full_env.update(NO_COLOR="1", **(env or {}))
    completed = subprocess.run(
        [sys.executable, "-m", "dlguide", *map(str, args)],
        input=stdin or "", capture_output=True, text=True, env=full_env, cwd=cwd, timeout=timeout,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture(scope="module")
def questions():
    """The shipped knowledge base's questions, cues and learned layer: what --describe reads with."""
    from dlguide.catalogue import kb as knowledge

    return knowledge.load(None).questions


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the built-in knowledge base."""
    target = tmp_path / "kb"
    shutil.copytree(BUILTIN_KB, target, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    return target
