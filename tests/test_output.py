"""dlguide.rendering.output: a result that cannot be written is an OutputError, a message that cannot be written is
dropped, so the error path itself never fails. The real streams (/dev/full, >&-, a pipe whose reader left)
are swept with real processes in test_sweep.py's SHELL_ROWS."""

from __future__ import annotations

import errno
import io
import sys

import pytest

from dlguide.errors import OutputError
from dlguide.rendering import output


class Full(io.StringIO):
    """A stream whose device is full: every flush fails, as /dev/full's does."""

    def flush(self) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_stdout_is_an_output_error_with_the_reason(monkeypatch):
    watched = output.WatchedStream(Full())
    monkeypatch.setattr(sys, "stdout", watched)
    with pytest.raises(OutputError) as failed:
        output.emit_json("list", {"a": 1})
    assert failed.value.message == "cannot write the result to standard output: No space left on device"
    assert not failed.value.broken_pipe and failed.value.exit_code == 1
    assert watched.failed is not None and output.stdout_failed(OSError(errno.ENOSPC, "x"))


def test_a_closed_stdout_and_a_reader_that_left(monkeypatch):
    monkeypatch.setattr(sys, "stdout", output.ClosedStream("stdout"))
    with pytest.raises(OutputError, match="standard output is closed"):
        output.emit_markdown("# title")
    assert output.describe_failure(BrokenPipeError(errno.EPIPE, "Broken pipe")).broken_pipe


def test_an_oserror_elsewhere_is_not_blamed_on_stdout(monkeypatch):
    monkeypatch.setattr(sys, "stdout", output.WatchedStream(io.StringIO()))
    assert not output.stdout_failed(FileNotFoundError(errno.ENOENT, "no such file"))
    assert not output.stdout_failed(ValueError("not an OSError at all"))


@pytest.mark.parametrize("stderr", [None, Full(), output.ClosedStream("stderr")])
def test_a_message_nobody_can_read_is_dropped_quietly(monkeypatch, stderr):
    monkeypatch.setattr(sys, "stderr", stderr)
    output.note("dlguide: error: something")  # must not raise


def test_the_cli_writes_no_json_error_onto_the_stdout_that_failed(monkeypatch, capsys):
    from dlguide.cli import run

    full = Full()
    monkeypatch.setattr(sys, "stdout", output.WatchedStream(full))
    code = run(["show", "cnn", "--json"])
    err = capsys.readouterr().err
    assert code == 1
    assert err == "dlguide: error: cannot write the result to standard output: No space left on device\n"
    assert full.getvalue().count('"error"') == 0  # the failed card may sit in the buffer, never an error document
