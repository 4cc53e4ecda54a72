"""--help on every command: each one answers, and on/off flags carry no ``<bool>`` type label."""

from __future__ import annotations

import pytest
import typer.main

from dlguide.cli import build_app


def _command_paths(command, prefix=()):
    subcommands = getattr(command, "commands", {})
    if not subcommands:
        yield prefix
    for name, sub in subcommands.items():
        yield from _command_paths(sub, prefix + (name,))


COMMANDS = [(),] + sorted(set(_command_paths(typer.main.get_command(build_app()))))


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "dlguide")
def test_help_reads_cleanly(cli, path):
    result = cli(*path, "--help")
    assert result.code == 0, result.stderr
    assert "Usage: dlguide" in result.stdout
    assert "<bool>" not in result.stdout
    assert "--help" in result.stdout


def test_shell_completion_is_offered_and_completes_commands():
    from conftest import run_process

    assert "--install-completion" in run_process("--help", env={"COLUMNS": "120"}).stdout
    done = run_process(env={"_DLGUIDE_COMPLETE": "complete_bash", "COMP_WORDS": "dlguide sh", "COMP_CWORD": "1"})
    assert done.code == 0 and done.stdout.split() == ["show"]
    done = run_process(env={"_DLGUIDE_COMPLETE": "complete_bash", "COMP_WORDS": "dlguide kb v", "COMP_CWORD": "2"})
    assert done.stdout.split() == ["validate"]
