"""The sweep that stays: bad and odd inputs to every command, as a hostile but realistic user types them.

Each row runs one command (in this process where it can, as a real process where the streams matter,
through a pseudo-terminal for keys and signals) from inside a folder of the user's own files, and
asserts what the user sees: the exit code, a single line on stderr (none for a success), no traceback,
no "unexpected" (that word is for dlguide's own bugs), and that no file of the user's changed.

Rows whose fix lives on another branch are in their own tables (DEMO_ROWS: the demos' own-data work;
QUESTIONNAIRE_ROWS: the reader of numbers, sentences and the terminal); they were written before those
fixes landed, as a check on them.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
from dataclasses import dataclass

import pytest

from registry import DEMOS_INSTALLED, needs_demos

from dlguide.catalogue import kb as _knowledge

BUILTIN_FILES = len(_knowledge.shipped_files(_knowledge.builtin_dir()))
from sweep_support import (CLOSED_PIPE, TRACEBACK, Row, Terminal, changed, checksums, fill, judge, make_user_folder,
                           run_in_process, run_in_shell)

pytest.importorskip("pty", reason="the key and signal rows need a POSIX pseudo-terminal")

LONG = "x" * 5000
DIGITS = "9" * 400


def r(*args: str, code: int, **options) -> Row:
    return Row(tuple(args), code, **options)


def rows(*made: Row, marks=()) -> list:
    ids: dict[str, int] = {}
    params = []
    for row in made:
        base = (" ".join(row.args) + (f" {row.shell}" if row.shell else "") + "".join(f" {k}={v}" for k, v in row.env))[:70]
        ids[base] = ids.get(base, 0) + 1
        params.append(pytest.param(row, id=base if ids[base] == 1 else f"{base} #{ids[base]}", marks=marks))
    return params


IMG = ("--data", "image", "--task", "classify")

RECOMMEND_ROWS = rows(
    # names
    r("recommend", "--data", "zz", "--task", "classify", code=2, says="unknown value for --data: 'zz'"),
    r("recommend", "--data", "imgae", "--task", "classify", code=2, says="did you mean 'image'"),
    r("recommend", "--data", "pictures", "--task", "classify", code=2, says="did you mean 'image'"),
    r("recommend", "--data", "", "--task", "classify", code=2, says="missing answers: --data"),
    r("recommend", "--data", "IMAGE", "--task", "Classify", code=0),
    r("recommend", "--data", " image ", "--task", "classify", code=0),
    r("recommend", "--data", "image", "--task", "zzz", code=2, says="unknown value for --task"),
    r("recommend", "--data", "image", code=2, says="missing answers: --task"),
    r("recommend", code=2, says="missing answers: --data, --task"),
    r("recommend", *IMG, "--compute", "ultra", code=2, says="unknown value for --compute"),
    r("recommend", *IMG, "--priority", "speed,bogus", code=2, says="unknown value for --priority"),
    r("recommend", *IMG, "--priority", "", code=0),
    r("recommend", *IMG, "--priority", "speed", "--priority", "speed", code=0),
    r("recommend", *IMG, "--data", "text", code=0),
    r("recommend", "--data", "image;rm -rf /", "--task", "classify", code=2, says="unknown value"),
    r("recommend", "--data", "../../etc/passwd", "--task", "classify", code=2, says="unknown value"),
    r("recommend", "--data", "🙂", "--task", "classify", code=2, says="unknown value"),
    r("recommend", "--data", LONG, "--task", "classify", code=2, says="unknown value"),
    # numbers
    r("recommend", *IMG, "--samples", "-5", code=2),
    r("recommend", *IMG, "--samples", "abc", code=2, says="--samples: expected a whole number"),
    r("recommend", *IMG, "--samples", "1.5", code=2, says="--samples: expected a whole number"),
    r("recommend", *IMG, "--samples", "0", code=2, says="out of range"),
    r("recommend", *IMG, "--samples", "1e9", code=2, says="--samples"),
    r("recommend", *IMG, "--samples", "2k", code=0),
    r("recommend", *IMG, "--samples", "1.5M", code=0),
    r("recommend", *IMG, "--samples", "1,000", code=0),
    r("recommend", *IMG, "--samples", "1_000", code=0),
    r("recommend", *IMG, "--samples", "10%", code=2, says="--samples"),
    r("recommend", *IMG, "--samples", "nan", code=2, says="--samples"),
    r("recommend", *IMG, "--samples", "inf", code=2, says="--samples"),
    r("recommend", *IMG, "--samples", "0x10", code=2, says="--samples"),
    r("recommend", *IMG, "--samples", "٣٠٠", code=0),  # Arabic-Indic digits read as 300
    r("recommend", *IMG, "--samples", "", code=0),
    r("recommend", *IMG, "--samples", "unknown", code=0),
    r("recommend", *IMG, "--samples", "100000000000", code=0),
    r("recommend", *IMG, "--labeled", "1.5", code=2, says="out of range"),
    r("recommend", *IMG, "--labeled", "-0.1", code=2),
    r("recommend", *IMG, "--labeled", "150%", code=2, says="out of range"),
    r("recommend", *IMG, "--labeled", "abc", code=2, says="--labeled: expected a fraction"),
    r("recommend", *IMG, "--labeled", "0", code=0),
    r("recommend", *IMG, "--labeled", "1", code=0),
    r("recommend", *IMG, "--labeled", "10%", code=0),
    r("recommend", "--data", "text", "--task", "classify", "--seq-len", "0", code=2, says="out of range"),
    r("recommend", "--data", "text", "--task", "classify", "--seq-len", "2.5", code=2, says="--seq-len"),
    # options
    r("recommend", *IMG, "--json", "--markdown", code=2, says="choose one of --json and --markdown"),
    r("recommend", *IMG, "--bogus", code=2, says="No such option"),
    r("recommend", *IMG, "extra", code=2, says="unexpected extra argument|Got unexpected"),
    r("recommend", *IMG, "--samples", code=2, says="requires an argument"),
    r("recommend", *IMG, "--json", code=0, json_stdout=True),
    r("recommend", "--data", "zz", "--json", code=2, json_stdout=True),
    r("recommend", *IMG, "--markdown", "--explain", code=0),
    r("recommend", *IMG, "--no-input", code=0),
    # sentences
    r("recommend", "--describe", "", code=2, says="missing answers: --data"),
    r("recommend", "--describe", "   ", code=2, says="missing answers: --data"),
    r("recommend", "--describe", "🙂🙂🙂", code=2, says="missing answers"),
    r("recommend", "--describe", "x-rays", code=2, says="missing answers: --task", lines=2),
    r("recommend", "--describe", "images " * 800, code=2, says="missing answers", lines=2),
    r("recommend", "--describe", "classify 800 x-rays", code=0, lines=1, says="Understood"),
    r("recommend", "--describe", "classify x-rays", "--data", "text", code=0, lines=1),
    r("recommend", "--describe", "'; DROP TABLE families; --", code=2, says="missing answers: --task", lines=2),
    r("recommend", "--describe", "\x1b[31mred\x1b[0m images, classify", code=0, lines=1),
    # answers files (YAML)
    r("recommend", "--answers", "{user}/missing.yaml", code=2, says="cannot read the answers file"),
    r("recommend", "--answers", "{user}", code=2, says="cannot read the answers file"),
    r("recommend", "--answers", "", code=2),
    r("recommend", "--answers", "{user}/broken.yaml", code=2, says="not valid YAML"),
    r("recommend", "--answers", "{user}/list.yaml", code=2, says="expected a mapping"),
    r("recommend", "--answers", "{user}/empty.yaml", code=2, says="expected a mapping"),
    r("recommend", "--answers", "{user}/blob.bin", code=2, says="cannot read the answers file"),
    r("recommend", "--answers", "{user}/latin1.yaml", code=2, says="cannot read the answers file"),
    r("recommend", "--answers", "{user}/unsafe.yaml", code=2, says="not valid YAML"),
    r("recommend", "--answers", "{user}/twice.yaml", code=2, says="duplicate key 'data'"),
    r("recommend", "--answers", "{user}/unknown-key.yaml", code=2, says="unknown question"),
    r("recommend", "--answers", "{user}/bad-value.yaml", code=2, says="unknown value"),
    r("recommend", "--answers", "{user}/choice-list.yaml", code=2, says="unknown value"),
    r("recommend", "--answers", "{user}/bad-samples.yaml", code=2, says="out of range"),
    r("recommend", "--answers", "{user}/aliases.yaml", code=2, says="unknown question"),
    r("recommend", "--answers", "{user}/config.yaml", code=2, says="unknown value"),
    r("recommend", "--answers", "{user}/good.csv", code=2),
    r("recommend", "--answers", "{user}/profile.yaml", code=0),
    r("recommend", "--answers", "{user}/profile.yaml", "--data", "text", code=0),
    # --save: the write rule
    r("recommend", *IMG, "--save", "", code=1, says="--save: an empty path names nothing"),
    r("recommend", *IMG, "--save", " ", code=1, says="--save: an empty path names nothing"),
    r("recommend", *IMG, "--save", "{user}/config.yaml", code=1, says="already exists; choose another name, or add --force"),
    r("recommend", *IMG, "--save", "{user}/profile.yaml", code=1, says="already exists"),
    r("recommend", *IMG, "--save", "config.yaml", code=1, says="already exists"),
    r("recommend", *IMG, "--save", "{user}", code=1, says="is a folder"),
    r("recommend", *IMG, "--save", "{user}", "--force", code=1, says="is a folder"),
    r("recommend", *IMG, "--save", "{user}/notes.txt/p.yaml", code=1, says="is a file, not a folder"),
    r("recommend", "--answers", "{user}/profile.yaml", "--save", "{user}/profile.yaml", "--force", code=1, says="also an input"),
    r("recommend", "--answers", "profile.yaml", "--save", "./profile.yaml", "--force", code=1, says="also an input"),
    r("recommend", *IMG, "--save", "/proc/1/p.yaml", code=1, says="not writable"),
    r("recommend", *IMG, "--kb", "{user}/kb", "--save", "{user}/kb/rules.yaml", "--force", code=1, says="also an input"),
    r("recommend", *IMG, "--save", "{user}/config.yaml", "--json", code=1, json_stdout=True, says="already exists"),
    r("recommend", "--data", "zz", "--save", "{user}/config.yaml", code=1, says="already exists"),
    r("recommend", *IMG, "--save", "{out}/new/profile.yaml", code=0),
    r("recommend", *IMG, "--force", code=0),
    # knowledge folder and environment
    r("recommend", *IMG, "--kb", "{user}/nope", code=1, says="no such knowledge folder"),
    r("recommend", *IMG, "--kb", "{user}/notes.txt", code=1, says="no such knowledge folder"),
    r("recommend", *IMG, "--kb", "{user}/kbs/no-rules", code=1, says="rules.yaml"),
    r("recommend", *IMG, code=1, env=(("DLGUIDE_KB", "{user}/nope"),), says="no such knowledge folder"),
    r("recommend", *IMG, code=0, env=(("DLGUIDE_KB", ""),)),
    r("recommend", *IMG, code=0, env=(("TERM", "dumb"),), forbid="\x1b\\["),
    r("recommend", *IMG, code=0, env=(("NO_COLOR", "1"),), forbid="\x1b\\["),
    r("recommend", *IMG, code=0, env=(("COLUMNS", "10"),)),
    r("recommend", *IMG, code=0, env=(("COLUMNS", "abc"),)),
    r("recommend", *IMG, code=0, env=(("LINES", "-1"),)),
    r("recommend", *IMG, code=0, env=(("DLGUIDE_DEBUG", "1"),)),
    r("list", code=0, env=(("XDG_CACHE_HOME", "relative-cache"), ("DLGUIDE_NO_CACHE", None))),
    r("list", code=0, env=(("XDG_CACHE_HOME", "{user}/notes.txt"), ("DLGUIDE_NO_CACHE", None))),
    r("show", "cnn", code=0, env=(("HOME", ""), ("XDG_CACHE_HOME", ""), ("DLGUIDE_NO_CACHE", None))),
    r("recommend", *IMG, code=0, stdin="image\nclassify\n"),
)

READ_ROWS = rows(
    r("list", "extra", code=2, says="unexpected extra argument|Got unexpected"),
    r("list", "--json", "--markdown", code=2, says="choose one of"),
    r("list", "--kb", "{user}/kbs/unknown-field", code=1, says="colour: unknown field"),
    r("list", "--kb", "{user}/kbs/twice-key", code=1, says="duplicate key 'short'"),
    r("list", "--kb", "{user}/kbs/bad-yaml", code=1, says="not valid YAML"),
    r("list", "--kb", "{user}/kbs/binary-family", code=1, says="cannot read"),
    r("list", "--kb", "{user}/kbs/empty-family", code=1, says="empty"),
    r("list", "--kb", "{user}/kbs/bad-name", code=1, says="file name is the id"),
    r("list", "--kb", "{user}/kbs/no-families", code=1, says="no family files found"),
    r("list", "--kb", "{user}/kb", code=0),
    r("list", "--kb", "", code=1),
    r("list", "--json", code=0, json_stdout=True),
    r("list", code=1, env=(("DLGUIDE_KB", "{user}/kbs/unknown-field"),), says="colour: unknown field"),
    r("show", code=2, says="Missing argument"),
    r("show", "nosuch", code=2, says="unknown family or technique 'nosuch'"),
    r("show", "cnnn", code=2, says="did you mean 'cnn'"),
    r("show", "", code=2, says="unknown family or technique"),
    r("show", "   ", code=2, says="unknown family or technique"),
    r("show", "../../etc/passwd", code=2, says="unknown family"),
    r("show", "🙂", code=2, says="unknown family"),
    r("show", LONG, code=2, says="unknown family"),
    r("show", "CNN", code=0),
    r("show", "Transfer Learning", code=0),
    r("show", "lstm", "--markdown", code=0),
    r("show", "cnn", "--json", "--markdown", code=2, says="choose one of"),
    r("show", "cnn", "rnn", code=2, says="unexpected extra argument|Got unexpected"),
    r("show", "cnn", "--kb", "{user}/kbs/bad-yaml", code=1, says="not valid YAML"),
    r("show", "nosuch", "--json", code=2, json_stdout=True),
    r("compare", code=2, says="Missing argument"),
    r("compare", "cnn", code=2),
    r("compare", "cnn", "nosuch", code=2, says="unknown"),
    r("compare", "cnn", "cnn", code=2),
    r("compare", "cnn", "transfer_learning", code=2, says="technique"),
    r("compare", "cnn", "rnn", "--aspects", "bogus", code=2, says="bogus"),
    r("compare", "cnn", "rnn", "--aspects", "", code=0),
    r("compare", "cnn", "rnn", "gan", "gnn", "mlp", "transformer", "diffusion", "autoencoder", code=0),
    r("compare", "cnn", "rnn", "--json", code=0, json_stdout=True),
    r("compare", "cnn", "rnn", "--aspects", "memory,long_sequences", "--markdown", code=0),
    r("compare", "cnn", "rnn", code=0, env=(("COLUMNS", "20"),)),
    r("nosuch", code=2, says="No such command"),
    r("recomend", code=2, says="recommend"),
    r("--version", code=0),
    r("--bogus", code=2, says="No such option"),
    r("--help", code=0),
)

KB_ROWS = rows(
    r("kb", "validate", "{user}/nope", code=1, says="no such knowledge folder", lines=2),
    r("kb", "validate", "{user}/notes.txt", code=1, says="no such knowledge folder", lines=2),
    r("kb", "validate", "{user}/kb", code=0, lines=1, says="valid"),
    r("kb", "validate", "{user}/kbs/bad-reference", code=1, says="unknown family 'gnnn'", lines=2),
    r("kb", "validate", "{user}/kbs/no-rules", code=1, says="rules.yaml: missing", lines=2),
    r("kb", "validate", "{user}/kbs/bad-name", code=1, says="file name is the id", lines=2),
    r("kb", "validate", "{user}/kbs/no-families", code=1, says="no family files found", lines=2),
    # with --json the problems are the JSON's; stderr lists them as breadcrumbs, without a summary line
    r("kb", "validate", "{user}/kbs/bad-reference", "--json", code=1, json_stdout=True, lines=1, prefix=""),
    r("kb", "validate", "", code=1, lines=2),
    r("kb", "validate", code=0, lines=1, env=(("DLGUIDE_KB", "{user}/kb"),)),
    r("kb", "validate", code=1, lines=2, env=(("DLGUIDE_KB", "{user}/nope"),)),
    r("kb", "validate", "a", "b", code=2, says="unexpected extra argument|Got unexpected"),
    r("kb", "nosuch", code=2, says="No such command"),
    r("kb", "init", code=2, says="Missing argument"),
    r("kb", "init", "", code=1, says="kb init: an empty path names nothing"),
    r("kb", "init", "", "--force", code=1, says="kb init: an empty path names nothing"),
    r("kb", "init", "{user}", code=1, says="is not empty"),
    r("kb", "init", ".", code=1, says="is not empty"),
    r("kb", "init", "{user}/notes.txt", code=1, says="is a file, not a folder"),
    r("kb", "init", "{user}/notes.txt", "--force", code=1, says="is a file, not a folder"),
    r("kb", "init", "{user}/notes.txt/kb", code=1, says="is a file, not a folder"),
    r("kb", "init", "/proc/1/kb", code=1, says="not writable"),
    # every file of the built-in knowledge is kept as it is, none replaced
    r("kb", "init", "{user}/kb", "--force", code=0, lines=3, says=f"kept {BUILTIN_FILES} existing"),
    r("kb", "init", "{out}/kb", code=0, lines=2),
)

SCAFFOLD_ROWS = rows(
    r("scaffold", code=2, says="Missing argument"),
    r("scaffold", "mlp", "", code=1, says="scaffold: an empty path names nothing"),
    r("scaffold", "mlp", "", "--force", code=1, says="scaffold: an empty path names nothing"),
    r("scaffold", "mlp", " ", "--force", "--dry-run", code=1, says="an empty path names nothing"),
    r("scaffold", "mlp", "{user}", code=1, says="is not empty; choose a new folder, or add --force"),
    r("scaffold", "mlp", ".", code=1, says="is not empty"),
    r("scaffold", "mlp", "{user}", "--dry-run", code=1, says="is not empty"),
    r("scaffold", "mlp", "{user}", "--force", "--dry-run", code=0),
    r("scaffold", "mlp", "{user}/notes.txt", code=1, says="is a file, not a folder"),
    r("scaffold", "mlp", "{user}/notes.txt", "--force", code=1, says="is a file, not a folder"),
    r("scaffold", "mlp", "{user}/notes.txt/x", code=1, says="is a file, not a folder"),
    r("scaffold", "mlp", "/proc/1/demo", code=1, says="not writable"),
    r("scaffold", "mlp", "{user}/taken", "--force", code=1, says="README.md is a folder"),
    r("scaffold", "mlp", "{user}/taken", "--force", "--dry-run", code=1, says="README.md is a folder"),
    r("scaffold", "mlp", "/proc/1/demo", "--dry-run", code=1, says="not writable"),
    r("scaffold", "nosuch", "{out}/p", code=2, says="unknown family"),
    r("scaffold", "transfer_learning", "{out}/p", code=2, says="technique"),
    r("scaffold", "mlp", "{out}/p", "extra", code=2, says="unexpected extra argument|Got unexpected"),
    r("scaffold", "mlp", "{out}/p", code=0),
    r("scaffold", "gru", "{out}/p", "--dry-run", "--json", code=0, json_stdout=True),
    r("scaffold", "mlp", "{user}", "--json", code=1, json_stdout=True),
    r("scaffold", "mlp", "{out}/p", "--kb", "{user}/kbs/bad-yaml", code=1, says="not valid YAML"),
)

RUN_DEMO_ROWS = rows(
    r("run-demo", code=2, says="Missing argument"),
    r("run-demo", "nosuch", code=2, says="unknown family 'nosuch'"),
    r("run-demo", "mlpp", code=2, says="did you mean 'mlp'"),
    r("run-demo", "", code=2, says="unknown family"),
    r("run-demo", "transfer_learning", code=2, says="technique"),
    r("run-demo", "mlp", "--labeled", "2", code=2, says="--labeled"),
    r("run-demo", "mlp", "--labeled", "0", code=2, says="--labeled"),
    r("run-demo", "mlp", "--epochs", "0", code=2, says="--epochs"),
    r("run-demo", "mlp", "--samples", "-1", code=2, says="--samples"),
    r("run-demo", "mlp", "--device", "tpu", code=2, says="--device"),
    r("run-demo", "mlp", "--method", "bogus", code=2, says="--method"),
    r("run-demo", "mlp", "--graph", "bogus", code=2, says="--graph"),
    r("run-demo", "mlp", "--neighbors", "0", code=2, says="--neighbors"),
    r("run-demo", "mlp", "--bogus", code=2, says="--bogus"),
    r("run-demo", "mlp", "--table", "iris", code=2, says="--table"),
    r("run-demo", "rnn", "--cell", "bogus", code=2, says="--cell"),
    r("run-demo", "mlp", "--data", "{user}/missing.csv", code=1, says="missing.csv"),
    r("run-demo", "rnn", "--data", "{user}/missing.csv", code=1, says="missing.csv"),
    r("run-demo", "cnn", "--data", "{user}/nope", code=1, says="nope"),
    r("run-demo", "gnn", "--edges", "{user}/missing.txt", "--nodes", "{user}/missing.csv", code=1, says="missing"),
    r("run-demo", "mlp", "--kb", "{user}/kbs/bad-yaml", code=1, says="not valid YAML"),
    r("run-demo", "mlp", "--json", "--labeled", "2", code=2),
    r("run-demo", "mlp", "--", "--help", code=0),
    r("run-demo", "--help", code=0),
    r("run-demo", "mlp", "--data", "{user}/empty.csv", "--quick", code=1, says="empty"),
    r("run-demo", "mlp", "--data", "{user}/one-class.csv", "--quick", code=1, says="class"),
)

SHELL_ROWS = rows(
    r("show", "cnn", "--json", shell="> /dev/full", code=1, says="cannot write the result to standard output: No space left"),
    r("show", "cnn", shell="> /dev/full", code=1, says="No space left on device"),
    r("list", shell="> /dev/full", code=1, says="No space left on device"),
    r("compare", "cnn", "rnn", "--markdown", shell="> /dev/full", code=1, says="No space left on device"),
    r("recommend", *IMG, "--json", shell="> /dev/full", code=1, says="No space left on device"),
    r("recommend", "--data", "zz", "--json", shell="> /dev/full", code=2, says="unknown value for --data"),
    r("--help", shell="> /dev/full", code=1, says="No space left on device"),
    r("kb", "validate", "--json", shell="> /dev/full", code=1, says="No space left on device"),
    r("show", "cnn", shell=">&-", code=1, says="standard output is closed"),
    r("list", "--json", shell=">&-", code=1, says="standard output is closed"),
    r("recommend", *IMG, shell=">&-", code=1, says="standard output is closed"),
    r("show", "nosuch", "--json", shell=">&-", code=2, says="unknown family"),
    r("kb", "validate", shell=">&-", code=0, lines=1, says="valid"),
    r("show", "cnn", shell="2>&- >&-", code=1, lines=0),
    r("show", "nosuch", shell="2>&-", code=2, lines=0),
    r("show", "nosuch", shell="2>/dev/full", code=2, lines=0),
    r("show", "cnn", shell="2>/dev/full >/dev/full", code=1, lines=0),
    r("show", "cnn", shell=CLOSED_PIPE, code=1, lines=0),
    r("show", "cnn", "--json", shell=CLOSED_PIPE, code=1, lines=0),
    r("--help", shell=CLOSED_PIPE, code=1, lines=0),
    r("show", "nosuch", shell=CLOSED_PIPE, code=2, says="unknown family"),
    r("recommend", *IMG, shell="<&-", code=0),
    r("recommend", *IMG, shell="</dev/null", code=0),
    r("recommend", shell="<&-", code=2, says="missing answers"),
    r("show", "cnn", shell="> /dev/null", env=(("PYTHONIOENCODING", "ascii"),), code=0),
    r("show", "cnn", "--json", shell="| python3 -c 'import json,sys; json.load(sys.stdin)'", env=(("PYTHONIOENCODING", "latin-1"),), code=0),
    r("recommend", *IMG, shell="> /dev/null", env=(("LANG", "C"), ("LC_ALL", "C")), code=0),
    r("show", "cnn", shell="> /dev/null", env=(("TERM", "dumb"),), code=0),
)


# Keys and signals through a pseudo-terminal: (args, steps, exit code, what the last line says).
# A step is ("expect", text), ("key", bytes) or ("signal", number); stdout and stderr share the terminal.
DOWN, ENTER, SPACE, CTRL_C, CTRL_D = b"\x1b[B", b"\r", b" ", b"\x03", b"\x04"


@dataclass(frozen=True)
class Keys:
    args: tuple[str, ...]
    steps: tuple
    codes: tuple[int, ...]
    last: str | None = None  # a regular expression the last line printed must match
    env: tuple[tuple[str, str], ...] = ()
    forbid: str | None = None
    wait: float = 30


def keys(*args: str, steps, codes, **options) -> Keys:
    return Keys(tuple(args), tuple(steps), tuple(codes), **options)


def key_rows(*made: Keys, marks=()) -> list:
    return [pytest.param(k, id=" ".join(k.args)[:50] + " | " + " ".join(repr(v)[:12] for _, v in k.steps)[:60], marks=marks)
            for k in made]


MENU = ("expect", "enter picks")
INTERRUPTED = "^dlguide: interrupted$"
DESCRIBED = "800 chest x-rays, a tenth labeled, find pneumonia on a laptop"

KEY_ROWS = key_rows(
    keys("recommend", steps=[MENU, ("key", CTRL_C)], codes=[130], last=INTERRUPTED),
    keys("recommend", steps=[MENU, ("key", DOWN), ("key", DOWN), ("key", CTRL_C)], codes=[130], last=INTERRUPTED),
    keys("recommend", steps=[MENU, ("signal", signal.SIGINT)], codes=[130], last=INTERRUPTED),
    keys("recommend", "--data", "image", "--task", "classify", steps=[("expect", "> "), ("key", b"12"), ("key", CTRL_C)],
         codes=[130], last=INTERRUPTED),
    keys("recommend", "--data", "image", "--task", "classify", steps=[("expect", "> "), ("key", b"abc\r"),
         ("expect", "expected a whole number"), ("key", CTRL_C)], codes=[130], last=INTERRUPTED),
    keys("recommend", "--data", "image", "--task", "classify", "--samples", "800", "--labeled", "0.1", "--compute", "low",
         steps=[("expect", "space toggles"), ("key", SPACE), ("key", CTRL_C)], codes=[130], last=INTERRUPTED),
    keys("recommend", steps=[MENU, ("key", CTRL_C)], codes=[130], last=INTERRUPTED, env=(("NO_COLOR", "1"),)),
    keys("recommend", "--save", "{user}/config.yaml", steps=[], codes=[1], last="already exists; choose another name",
         forbid="question 1"),
    keys("recommend", "--save", "", steps=[], codes=[1], last="an empty path names nothing", forbid="question 1"),
    keys("recommend", "--answers", "{user}/broken.yaml", steps=[], codes=[2], last="not valid YAML", forbid="question 1"),
    keys("recommend", "--kb", "{user}/nope", steps=[], codes=[1], last="no such knowledge folder", forbid="question 1"),
    keys("show", "cnn", steps=[], codes=[0]),
    keys("scaffold", "mlp", "{user}", steps=[], codes=[1], last="is not empty"),
)


# ---- Rows for the demos' data checks and the questionnaire's numbers, sentences and terminal.

INTERNAL = r"_fraction|_positive|invalid int value|invalid float value"

DEMO_ROWS = rows(
    r("run-demo", "mlp", "--labeled", "abc", code=2, says="--labeled: expected a fraction", forbid=INTERNAL),
    r("run-demo", "mlp", "--samples", "many", code=2, says="--samples", forbid=INTERNAL),
    r("run-demo", "mlp", "--epochs", "1.5", code=2, says="--epochs", forbid=INTERNAL),
    r("run-demo", "mlp", "--seed", "abc", code=2, says="--seed", forbid=INTERNAL),
    r("run-demo", "mlp", "--data", "{user}/uneven.csv", "--quick", code=1, says="uneven.csv.*(row|line) 3"),
    r("run-demo", "mlp", "--data", "{user}/words.csv", "--quick", code=1, says="words.csv: no column holds numbers"),
    r("run-demo", "mlp", "--data", "{user}/images", "--quick", code=1, says="is a folder"),
    r("run-demo", "cnn", "--data", "{user}/good.csv", "--quick", code=1, says="is a file"),
    r("run-demo", "mlp", "--data", "{user}/good.csv", "--output", "{user}/good.csv", "--quick", code=1, says="input"),
    r("run-demo", "mlp", "--data", "{user}/good.csv", "--output", "{user}/good.csv", "--force", "--quick", code=1, says="input"),
    r("run-demo", "mlp", "--output", "{user}/notes.txt", "--quick", code=1, says="already exists"),
    r("run-demo", "mlp", "--output", "{user}", "--quick", code=1, says="is a folder"),
    r("run-demo", "mlp", "--output", "", "--quick", code=1, says="empty path"),
    r("run-demo", "mlp", "--output", "/proc/1/out.csv", "--quick", code=1, says="not writable"),
    r("run-demo", "gan", "--png", "{user}/README.md", "--quick", "--epochs", "1", "--samples", "200", code=1, says="already exists"),
)

NEEDS_NUMPY = pytest.mark.skipif(__import__("importlib").util.find_spec("numpy") is None, reason="propagate needs the demos extra")
PROPAGATE = ("propagate", "{user}/emb.csv", "--labels")
PROPAGATE_ROWS = rows(
    r(*PROPAGATE, "{user}/labels.csv", "--output", "{user}/notes.txt", code=1, says="already exists"),
    r(*PROPAGATE, "{user}/labels.csv", "--output", "{user}/labels.csv", "--force", code=1, says="also an input"),
    r(*PROPAGATE, "{user}/labels.csv", "--output", "{user}/emb.csv", "--force", code=1, says="also an input"),
    r(*PROPAGATE, "{user}/labels.csv", "--output", "", code=1, says="empty path"),
    r(*PROPAGATE, "{user}/labels.csv", "--output", "{user}", code=1, says="is a folder"),
    r(*PROPAGATE, "{user}/labels.csv", "--output", "/proc/1/out.csv", code=1, says="not writable"),
    r(*PROPAGATE, "{user}/one-label.csv", "--output", "{user}/o.csv", code=1, says="class"),
    r(*PROPAGATE, "{user}/no-labels.csv", "--output", "{user}/o.csv", code=1, says="label"),
    r(*PROPAGATE, "{user}/missing.csv", "--output", "{user}/o.csv", code=1, says="missing.csv"),
    r("propagate", "{user}/nan-emb.csv", "--labels", "{user}/labels.csv", "--output", "{user}/o.csv", code=1, says="row 8|line 9"),
    r("propagate", "{user}/notes.txt", "--labels", "{user}/labels.csv", code=2, says="npy"),
    r("propagate", "{user}/missing.npy", "--labels", "{user}/labels.csv", code=1, says="does not exist"),
    r(*PROPAGATE, "{user}/labels.csv", "--alpha", "2", "--output", "{user}/o.csv", code=2, says="--alpha"),
    r(*PROPAGATE, "{user}/labels.csv", "--neighbors", "0", "--output", "{user}/o.csv", code=2, says="--neighbors"),
    r(*PROPAGATE, "{user}/labels.csv", "--folds", "1", "--output", "{user}/o.csv", code=2, says="--folds"),
    r(*PROPAGATE, "{user}/labels.csv", "--metric", "manhattan", "--output", "{user}/o.csv", code=2, says="manhattan"),
    r(*PROPAGATE, "{user}/labels.csv", "--device", "tpu", "--output", "{user}/o.csv", code=2, says="tpu"),
    r(*PROPAGATE, "{user}/labels.csv", "--engine", "faiss", "--output", "{user}/o.csv", code=2, says="faiss"),
    marks=NEEDS_NUMPY,
)

QUESTIONNAIRE_ROWS = rows(
    r("recommend", *IMG, "--samples", DIGITS, code=2, says="out of range"),
    r("recommend", *IMG, "--samples", "10000000000000", code=2, says="out of range"),
    # a number in a sentence out of range for its role is ignored and said so, never an error (issue 7)
    r("recommend", *IMG, "--describe", f"{DIGITS} photos", code=0, says="out of range for samples", lines=1),
    r("recommend", "--describe", "1000 photos, zero labeled, classify", code=0, lines=1, says="labeled=0"),
    r("recommend", "--describe", "classify 800 x-rays", "--data", "text", code=0, lines=1, says="--data"),
    r("recommend", *IMG, "--seq-len", "50", code=0, lines=1, says="seq"),
    r("recommend", "--answers", "{user}/inf-samples.yaml", code=2, says="out of range"),
    r("recommend", "--answers", "{user}/nan-samples.yaml", code=2, says="samples"),
    r("recommend", "--answers", "{user}/nan-labeled.yaml", code=2, says="labeled"),
    r("recommend", "--answers", "{user}/huge-int.yaml", code=2, says="out of range"),
    r("recommend", "--answers", "{user}/big-answers.yaml", code=2, says=r"MB|KB|kB|bytes|too (large|big)|size|limit"),
)

# they end at the offer to run the top pick's demo, which a core install replaces with how to install it
KEY_ROWS += key_rows(
    keys("recommend", "--describe", DESCRIBED, steps=[("expect", "space toggles"), ("key", ENTER), ("expect", "[y/N]"),
         ("key", CTRL_C)], codes=[130], last=INTERRUPTED),
    keys("recommend", "--describe", DESCRIBED, steps=[("expect", "space toggles"), ("key", ENTER), ("expect", "[y/N]"),
         ("key", b"n\r")], codes=[0]),
    marks=[needs_demos],
)

READER_KEY_ROWS = key_rows(
    keys("recommend", steps=[MENU, ("key", CTRL_D)], codes=[130, 2], wait=8),
    # end of input with data and task known: the results, as when stdin is not a terminal
    keys("recommend", "--data", "image", "--task", "classify", steps=[("expect", "> "), ("key", CTRL_D)], codes=[0], wait=8),
    # TERM=dumb gets numbered menus without cursor escapes
    keys("recommend", steps=[("expect", "number > "), ("key", CTRL_C)], codes=[130], last=INTERRUPTED, env=(("TERM", "dumb"),), forbid=r"\x1b\["),
)


@pytest.fixture(scope="module")
def user_template(tmp_path_factory):
    return make_user_folder(tmp_path_factory.mktemp("template") / "user")


@pytest.fixture(scope="module")
def user_folder(tmp_path_factory, user_template):
    """The user's folder the rows run in; restored from the template if a row ever damages it."""
    folder = tmp_path_factory.mktemp("home") / "user"
    shutil.copytree(user_template, folder)
    return folder


def _restore(folder, template) -> None:
    shutil.rmtree(folder)
    shutil.copytree(template, folder)


def _sweep(row: Row, user_folder, user_template, tmp_path, runner) -> None:
    pristine = checksums(user_template)
    assert checksums(user_folder) == pristine
    out = tmp_path / "out"
    out.mkdir()
    args = fill(row.args, user_folder, out)
    if row.env:
        row = Row(**{**row.__dict__, "env": tuple((k, None if v is None else fill((v,), user_folder, out)[0]) for k, v in row.env)})
    try:
        result = runner(row, args)
    finally:
        touched = changed(pristine, checksums(user_folder))
        if touched:
            _restore(user_folder, user_template)
    problems = judge(row, result, touched)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("row", RECOMMEND_ROWS + READ_ROWS + KB_ROWS + SCAFFOLD_ROWS + RUN_DEMO_ROWS + DEMO_ROWS + PROPAGATE_ROWS
                         + QUESTIONNAIRE_ROWS)
def test_sweep(row, user_folder, user_template, tmp_path, capsys, monkeypatch):
    if row.args[:1] == ("run-demo",) and not DEMOS_INSTALLED:
        pytest.skip("run-demo needs the demos extra (torch, torchvision, scikit-learn), which is not installed")
    monkeypatch.chdir(user_folder)
    _sweep(row, user_folder, user_template, tmp_path, lambda row, args: run_in_process(row, args, capsys, monkeypatch))


@pytest.mark.parametrize("row", KEY_ROWS + READER_KEY_ROWS)
def test_sweep_keys_and_signals(row, user_folder, user_template):
    pristine = checksums(user_template)
    args = [arg.replace("{user}", str(user_folder)) for arg in row.args]
    term = Terminal(args, user_folder, dict(row.env))
    code = None
    try:
        for kind, value in row.steps:
            if kind == "expect":
                assert term.expect(value), f"did not see {value!r}; got:\n{term.text()[-1500:]}"
            elif kind == "key":
                term.send(value)
            else:
                os.kill(term.pid, value)
        code = term.wait(row.wait)
    finally:
        if code is None and term.pid:
            term.wait(0.1)
        touched = changed(pristine, checksums(user_folder))
        if touched:
            _restore(user_folder, user_template)
    text = term.text()
    lines = [line for line in text.splitlines() if line.strip()]
    assert code in row.codes, f"exit code {code}, expected {row.codes}; got:\n{text[-1500:]}"
    assert not TRACEBACK.search(text) and "dlguide: error: unexpected" not in text, text[-1500:]
    if row.last:
        assert lines and re.search(row.last, lines[-1]), f"last line {lines[-1:]!r} does not match /{row.last}/"
        assert len([line for line in lines if line.startswith(("dlguide: error", "dlguide: interrupted"))]) == 1, text[-1500:]
    if row.forbid:
        assert not re.search(row.forbid, text), f"the terminal shows /{row.forbid}/:\n{text[-1500:]}"
    assert not touched, f"user files changed: {touched}"


@pytest.mark.parametrize("row", SHELL_ROWS)
def test_sweep_real_streams(row, user_folder, user_template, tmp_path):
    _sweep(row, user_folder, user_template, tmp_path, lambda row, args: run_in_shell(row, args, user_folder))
