"""What the sweep and the user-file tests share: a folder of user files, its checksums, and the runners.

A row of the sweep runs one dlguide command with its working folder inside a folder of the user's own
files (a data CSV, a config whose keys look like a profile's, notes, an edited knowledge base...), so a
command that wrongly reads an empty path as "here" lands among them and the checksums catch it.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from conftest import BUILTIN_KB, Result

CLOSED_PIPE = "| (a reader that has left)"
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s+File \"", re.M)


def make_user_folder(root: Path) -> Path:
    """A folder of files a user owns; nothing dlguide runs may change it unless named as an output."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "good.csv").write_text("a,b,label\n" + "".join(f"{i % 7}.5,{i % 3},{'x' if i % 2 else 'y'}\n" for i in range(40)))
    (root / "text.csv").write_text("text,label\n" + "".join(f"word{i} other{i % 5},{'p' if i % 2 else ''}\n" for i in range(30)))
    (root / "config.yaml").write_text("# my deployment config\ndata: /srv/datasets/\ncompute: cluster-a\n")
    (root / "profile.yaml").write_text("data: image\ntask: classify\nsamples: 800\n")
    (root / "notes.txt").write_text("my own notes\n")
    (root / "README.md").write_text("# my project\n")
    (root / "broken.yaml").write_text("data: [image\n")
    (root / "list.yaml").write_text("- image\n- classify\n")
    (root / "empty.yaml").write_text("")
    (root / "empty.csv").write_text("")
    (root / "blob.bin").write_bytes(bytes(range(256)) * 4)
    (root / "latin1.yaml").write_bytes("data: caf\xe9\n".encode("latin-1"))
    (root / "unsafe.yaml").write_text("data: !!python/object/apply:os.system ['echo owned']\n")
    (root / "twice.yaml").write_text("data: image\ntask: classify\ndata: text\n")
    (root / "unknown-key.yaml").write_text("data: image\ntask: classify\ncolour: red\n")
    (root / "bad-value.yaml").write_text("data: 7\ntask: classify\n")
    (root / "choice-list.yaml").write_text("data: [image, text]\ntask: classify\n")
    (root / "bad-samples.yaml").write_text("data: image\ntask: classify\nsamples: -3\n")
    (root / "aliases.yaml").write_text("x: &a [1, 2]\ny: [*a, *a]\n")
    (root / "uneven.csv").write_text("a,b,label\n1,2,x\n3\n4,5,y,9\n")
    (root / "words.csv").write_text("a,label\n" + "".join(f"word{i},{'x' if i % 2 else 'y'}\n" for i in range(30)))
    (root / "one-class.csv").write_text("a,b,label\n" + "".join(f"{i},{i % 3},x\n" for i in range(30)))
    (root / "inf-samples.yaml").write_text("data: image\ntask: classify\nsamples: .inf\n")
    (root / "nan-samples.yaml").write_text("data: image\ntask: classify\nsamples: .nan\n")
    (root / "nan-labeled.yaml").write_text("data: image\ntask: classify\nlabeled: .nan\n")
    (root / "huge-int.yaml").write_text(f"data: image\ntask: classify\nsamples: {'9' * 400}\n")
    # 8 MB of comments around a valid profile: refused by its size at once, not parsed for seconds
    (root / "big-answers.yaml").write_text("data: image\ntask: classify\n" + ("# padding padding padding\n" * 320_000))
    (root / "edges.txt").write_text("0 1\n1 2\n2 0\n")
    # embeddings and labels for `propagate`, as CSV so that writing them needs no numpy
    (root / "emb.csv").write_text("id,x,y\n" + "".join(f"item{i},{(i % 2) * 5 + i / 100},{i / 50}\n" for i in range(40)))
    (root / "labels.csv").write_text("id,label\n" + "".join(f"item{i},{'ab'[i % 2] if i < 10 else ''}\n" for i in range(40)))
    (root / "one-label.csv").write_text("id,label\n" + "".join(f"item{i},{'a' if i < 10 else ''}\n" for i in range(40)))
    (root / "no-labels.csv").write_text("id,label\n" + "".join(f"item{i},\n" for i in range(40)))
    (root / "nan-emb.csv").write_text("id,x,y\n" + "".join(f"item{i},{'nan' if i == 7 else i},{i}\n" for i in range(40)))
    (root / "taken" / "README.md").mkdir(parents=True, exist_ok=True)  # a folder where scaffold writes a file
    (root / "taken" / "README.md" / "mine.txt").write_text("mine\n")
    (root / "images" / "cat").mkdir(parents=True, exist_ok=True)
    (root / "images" / "cat" / "not-an-image.png").write_text("plain text, not a PNG\n")
    shutil.copytree(BUILTIN_KB, root / "kb", ignore=shutil.ignore_patterns("__init__.py", "__pycache__"), dirs_exist_ok=True)
    cnn = root / "kb" / "families" / "cnn.yaml"
    cnn.write_text("# my edits\n" + cnn.read_text())
    _broken_kbs(root / "kbs")
    return root


def _broken_kbs(root: Path) -> None:
    """Knowledge folders a user might point --kb at, each wrong in one way."""
    def copy(name: str) -> Path:
        target = root / name
        shutil.copytree(BUILTIN_KB, target, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"), dirs_exist_ok=True)
        return target

    kb = copy("unknown-field")
    (kb / "families" / "gnn.yaml").write_text((kb / "families" / "gnn.yaml").read_text() + "colour: red\n")
    kb = copy("twice-key")
    (kb / "families" / "gan.yaml").write_text((kb / "families" / "gan.yaml").read_text() + "short: GAN again\n")
    kb = copy("bad-yaml")
    (kb / "rules.yaml").write_text("schema_version: 1\nrules: [\n")
    kb = copy("binary-family")
    (kb / "families" / "mlp.yaml").write_bytes(bytes(range(256)))
    kb = copy("bad-reference")
    rules = (kb / "rules.yaml").read_text()
    (kb / "rules.yaml").write_text(rules.replace("{family: gnn,", "{family: gnnn,", 1))
    kb = copy("no-rules")
    (kb / "rules.yaml").unlink()
    kb = copy("empty-family")
    (kb / "families" / "rnn.yaml").write_text("")
    kb = copy("bad-name")
    (kb / "families" / "My Family.yaml").write_text((kb / "families" / "mlp.yaml").read_text())
    (root / "no-families").mkdir(parents=True, exist_ok=True)
    (root / "no-families" / "readme.txt").write_text("nothing here\n")


def checksums(root: Path) -> dict[str, str]:
    """Every file and folder under ``root`` with a digest of its bytes and its mode ('dir' for folders)."""
    sums: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        relative = str(path.relative_to(root))
        if path.is_dir():
            sums[relative] = "dir"
        else:
            sums[relative] = hashlib.sha256(path.read_bytes()).hexdigest() + f":{path.stat().st_mode:o}"
    return sums


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """What differs between two checksums of a folder: added, removed or modified paths."""
    return sorted({key for key in before.keys() | after.keys() if before.get(key) != after.get(key)})


@dataclass(frozen=True)
class Row:
    """One input and what a user must see: the exit code, the stderr line(s), what stderr must say."""

    args: tuple[str, ...]
    code: int
    says: str | None = None  # a regular expression stderr must match
    lines: int | None = None  # stderr lines; default one for an error, none for success
    env: tuple[tuple[str, str | None], ...] = ()
    stdin: str | None = None
    shell: str | None = None  # a redirection for a real process, e.g. "> /dev/full"
    forbid: str | None = None  # a regular expression neither stdout nor stderr may match
    json_stdout: bool = False  # stdout must be one JSON document
    prefix: str = "dlguide: error: "  # how the last stderr line of a failure starts

    def expected_lines(self) -> int:
        return self.lines if self.lines is not None else (1 if self.code else 0)


def fill(args: tuple[str, ...], user: Path, out: Path) -> list[str]:
    return [arg.replace("{user}", str(user)).replace("{out}", str(out)) for arg in args]


def run_in_process(row: Row, args: list[str], capsys, monkeypatch) -> Result:
    from dlguide.cli import run

    monkeypatch.delenv("DLGUIDE_KB", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    for name, value in row.env:
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "stdin", io.StringIO(row.stdin or ""))
    capsys.readouterr()
    code = run(args)
    out, err = capsys.readouterr()
    return Result(code, out, err)


def run_in_shell(row: Row, args: list[str], cwd: Path) -> Result:
    """A real ``python -m dlguide`` whose streams are redirected by bash as a user's would be."""
    env = {k: v for k, v in os.environ.items() if k != "DLGUIDE_KB"}
    env["NO_COLOR"] = "1"
    for name, value in row.env:
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    if row.shell == CLOSED_PIPE:  # a pipe whose reader has already gone: every write is EPIPE, no race
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            done = subprocess.run([sys.executable, "-m", "dlguide", *args], cwd=cwd, env=env, stdout=write_end,
                                  stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, timeout=120)
        finally:
            os.close(write_end)
        return Result(done.returncode, "", done.stderr)
    script = f'"$0" -m dlguide "$@" {row.shell or ""}'
    done = subprocess.run(["bash", "-c", script, sys.executable, *args], cwd=cwd, env=env, input=row.stdin or "",
                          capture_output=True, text=True, timeout=120)
    return Result(done.returncode, done.stdout, done.stderr)


@dataclass
class Checked:
    problems: list[str] = field(default_factory=list)

    def expect(self, ok: bool, message: str) -> None:
        if not ok:
            self.problems.append(message)


def judge(row: Row, result: Result, touched: list[str]) -> list[str]:
    """Everything wrong with ``result`` for ``row``; empty when the row holds."""
    check = Checked()
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    both = result.stdout + result.stderr
    check.expect(result.code == row.code, f"exit code {result.code}, expected {row.code}")
    check.expect(len(lines) == row.expected_lines(), f"{len(lines)} stderr line(s), expected {row.expected_lines()}")
    check.expect(not TRACEBACK.search(both), "a traceback was printed")
    check.expect("dlguide: error: unexpected " not in result.stderr, "an 'unexpected' error for a user's input")
    if row.code and lines and row.shell is None:
        check.expect(lines[-1].startswith(row.prefix), f"the error line does not start with {row.prefix!r}")
    if row.says:
        check.expect(re.search(row.says, result.stderr) is not None, f"stderr does not say /{row.says}/")
    if row.forbid:
        check.expect(re.search(row.forbid, both) is None, f"output shows /{row.forbid}/")
    if row.json_stdout:
        import json

        try:
            json.loads(result.stdout)
        except ValueError:
            check.problems.append("stdout is not one JSON document")
    check.expect(not touched, f"user files changed: {touched}")
    if check.problems:
        check.problems.append(f"stderr was: {result.stderr[-800:]!r}")
    return check.problems


class Terminal:
    """``python -m dlguide ARGS`` on a pseudo-terminal in ``cwd``: keys in, a transcript of all it printed."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str | None]) -> None:
        import pty

        full = {k: v for k, v in os.environ.items() if k != "DLGUIDE_KB"}
        full.update(COLUMNS="100", LINES="40", TERM="xterm")
        for name, value in env.items():
            if value is None:
                full.pop(name, None)
            else:
                full[name] = value
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the CLI
            # A background job (CI started with `&`) inherits SIGINT ignored; a person's terminal never does.
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.chdir(cwd)
            os.execvpe(sys.executable, [sys.executable, "-m", "dlguide", *args], full)
        self.transcript = b""
        self.code: int | None = None

    def _read(self, wait: float) -> bytes | None:
        """What the program printed within ``wait`` seconds: None if nothing yet, b"" once it has ended."""
        import select

        ready, _, _ = select.select([self.fd], [], [], wait)
        if not ready:
            return None
        try:
            chunk = os.read(self.fd, 4096)
        except OSError:  # EIO: the terminal's other side is closed
            chunk = b""
        self.transcript += chunk
        return chunk

    def expect(self, text: str, timeout: float = 30) -> bool:
        """Wait until ``text`` was printed; False when the program ended or the time ran out first."""
        import time

        deadline = time.monotonic() + timeout
        while text.encode() not in self.transcript:
            if time.monotonic() > deadline or self._read(0.2) == b"":
                return text.encode() in self.transcript
        return True

    def send(self, key: bytes) -> None:
        import time

        os.write(self.fd, key)
        time.sleep(0.05)  # one key per read, as a person types

    def wait(self, timeout: float = 30) -> int | None:
        """The exit code, or None (after killing it) when it did not end within ``timeout``."""
        import signal
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._read(0.1)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                while self._read(0.05):  # the rest of what it printed, until the terminal is drained
                    pass
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        return None

    def text(self) -> str:
        return self.transcript.decode(errors="replace").replace("\r\n", "\n")
