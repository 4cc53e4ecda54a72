"""A plain, non-editable ``pip install .`` into a fresh virtual environment finds the knowledge base.

Slow (it builds a wheel and installs the core dependencies from the package index), so it is marked.
It also checks the core install stays light: no torch, torchvision or scikit-learn.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.slow


def sh(*argv, cwd=None, timeout=600):
    completed = subprocess.run([str(a) for a in argv], capture_output=True, text=True, cwd=cwd, timeout=timeout)
    assert completed.returncode == 0, f"{argv}: {completed.stdout}\n{completed.stderr}"
    return completed.stdout


def test_installed_package_reads_its_knowledge_from_anywhere(tmp_path: Path):
    venv = tmp_path / "venv"
    sh(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    sh(python, "-m", "pip", "install", "--quiet", str(REPO), "-c", REPO / "constraints.txt", timeout=900)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    listed = json.loads(sh(venv / "bin" / "dlguide", "list", "--json", cwd=elsewhere))
    assert sorted(f["id"] for f in listed["families"]) == sorted(p.stem for p in (REPO / "knowledge" / "families").glob("*.yaml"))
    card = sh(python, "-m", "dlguide", "show", "lstm", cwd=elsewhere)
    assert "Recurrent" in card
    location = sh(python, "-c", "import dlguide.catalogue.kb as k; print(k.builtin_dir())", cwd=elsewhere).strip()
    assert str(venv) in location, "the installed package must read its own copy, not the checkout's"
    # every shipped file came along: kb validate checks encoder.yaml's tuned layers by their checksum
    sh(venv / "bin" / "dlguide", "kb", "validate", cwd=elsewhere)  # exit 1 if a file is missing
    installed = sh(python, "-m", "pip", "list", "--format=freeze").lower()
    for heavy in ("torch", "torchvision", "scikit-learn"):
        assert f"\n{heavy}==" not in "\n" + installed, f"the core install pulled {heavy}"
