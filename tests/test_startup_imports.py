"""The commands that only read knowledge must not import torch, torchvision or scikit-learn."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("torch", "torchvision", "sklearn")

READING_COMMANDS = [
    ["--help"],
    ["list"],
    ["show", "gan"],
    ["compare", "cnn", "rnn"],
    ["kb", "validate"],
    ["run-demo", "--help"],
    ["scaffold", "--help"],
    ["recommend", "--data", "image", "--task", "classify", "--json"],
    ["recommend", "--describe", "800 chest x-rays, a tenth labeled, find pneumonia on a laptop", "--json"],
]


@pytest.mark.parametrize("argv", READING_COMMANDS, ids=" ".join)
def test_reading_commands_do_not_import_heavy_libraries(argv):
    probe = (
        "import sys\n"
        "from dlguide.cli import run\n"
        f"code = run({argv!r})\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print('HEAVY:' + ','.join(heavy), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert "HEAVY:\n" in completed.stderr, completed.stderr.splitlines()[-1]


@pytest.mark.parametrize("argv", [READING_COMMANDS[-2], READING_COMMANDS[-1]], ids=" ".join)
def test_recommend_json_draws_nothing(argv):
    """A --json recommendation writes plain JSON: it loads neither rich nor the contract's models."""
    probe = (
        "import sys\n"
        "from dlguide.cli import run\n"
        f"code = run({argv!r})\n"
        "drawn = sorted(m for m in sys.modules if m.split('.')[0] == 'rich' or m == 'dlguide.rendering.contract')\n"
        "print('DRAWN:' + ','.join(drawn), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert "DRAWN:\n" in completed.stderr, completed.stderr.splitlines()[-1]
