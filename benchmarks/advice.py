"""How often dlguide's top pick agrees with the experts, on real questions and on the seed-written cases.

Each corpus item (see ``benchmarks/corpus.py``) carries the flags an expert would set and what the
experts in its thread said: the family they recommended, the families they would also accept, and those
that would be a mistake. Every item runs through ``dlguide recommend --json`` (in this process, through
the real command line) and counts three things per part of the corpus:

- top-1 in accepted: the first family is one the experts accept (the recommended one counts too);
- recommended in top 3: the experts' recommended family is among the first three;
- mistake at top-1: the first family is one the experts call a mistake (listed, item by item).

The regression cases written from the seeds (``tests/test_regression_cases.py``, those with
``written="seeds"``) are scored the same way: their ``top`` (or, where experts disagree, their ``top3``) is what is accepted and
their ``not_top`` what would be a mistake. Tune on the ``dev`` part only; read ``test`` only to report.

    DLGUIDE_CORPUS_DIR=/path/to/corpus python benchmarks/advice.py [--part dev|test|all] [--misses]
        [--output benchmarks/results/advice.md]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import inspect
import io
import json
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "tests")]

import corpus  # noqa: E402  (a sibling module, found through the path set just above)


@functools.lru_cache(maxsize=1)
def named_options() -> frozenset[str]:
    """The parameters of ``recommend``: the questions it has an option of its own for."""
    from dlguide.commands.recommend import recommend

    return frozenset(inspect.signature(recommend).parameters)


def flags_of(answers: dict) -> list[str]:
    """The ``recommend`` flags an item's answers stand for, e.g. --samples 3000 --priority speed; a question
    without an option of its own (output_kind) goes through --set."""
    named = named_options()
    args: list[str] = []
    for key, value in answers.items():
        for item in value if isinstance(value, list) else [value]:
            args += [f"--{key.replace('_', '-')}", str(item)] if key in named else ["--set", f"{key}={item}"]
    return args


def ranked(args: list[str]) -> list[str]:
    """The families ``dlguide recommend ARGS --json`` ranks, best first, excluded ones left out."""
    from dlguide.cli import run

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(["recommend", *args, "--json", "--no-input"])
    if code != 0:
        raise SystemExit(f"recommend {' '.join(args)} failed ({code}): {err.getvalue().strip()}")
    return [r["id"] for r in json.loads(out.getvalue())["recommendations"] if not r["excluded"]]


def score(cases: list[dict]) -> dict:
    """Counts over cases of {id, args, recommended, accepted, mistakes}; lists the misses."""
    top1 = top3 = with_recommended = 0
    mistakes, misses = [], []
    for case in cases:
        order = ranked(case["args"])
        accepted = set(case["accepted"]) | ({case["recommended"]} if case["recommended"] else set())
        if order[0] in accepted:
            top1 += 1
        else:
            misses.append(f"{case['id']}: top-1 {order[0]} not accepted {sorted(accepted)}")
        if case["recommended"]:
            with_recommended += 1
            if case["recommended"] in order[:3]:
                top3 += 1
            else:
                misses.append(f"{case['id']}: recommended {case['recommended']} not in top 3 {order[:3]}")
        if order[0] in case["mistakes"]:
            mistakes.append(f"{case['id']}: {order[0]} first, a mistake ({' '.join(case['args'])})")
    return {"n": len(cases), "top1": top1, "top3": top3, "with_recommended": with_recommended,
            "mistakes": mistakes, "misses": misses}


def corpus_cases(part: str) -> list[dict]:
    return [{"id": item["id"], "args": flags_of(item["answers"]), "recommended": item["expert"]["recommended"],
             "accepted": item["expert"].get("accepted", []), "mistakes": item["expert"].get("mistakes", [])}
            for item in corpus.load(part)]


def seed_cases() -> list[dict]:
    """The seed-written regression cases of the test suite: flags (or a sentence) in, families out."""
    import test_regression_cases as regression

    return [{"id": c.id, "args": c.args()[1:-1], "recommended": c.top, "accepted": [c.top] if c.top else list(c.top3),
             "mistakes": list(c.not_top)} for c in regression.CASES if c.written == "seeds"]


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def report(name: str, counts: dict, show_misses: bool) -> list[str]:
    lines = [f"| {name} | {counts['n']} | {pct(counts['top1'], counts['n'])} ({counts['top1']}) "
             f"| {pct(counts['top3'], counts['with_recommended'])} ({counts['top3']}/{counts['with_recommended']}) "
             f"| {len(counts['mistakes'])} |"]
    details = [f"- mistake at top-1, {name}: {m}" for m in counts["mistakes"]]
    if show_misses:
        details += [f"- miss, {name}: {m}" for m in counts["misses"]]
    return lines + ([""] + details + [""] if details else [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["dev", "test", "all"], default="dev",
                        help="Corpus part(s) to score: dev (tune on it), test (report only), all.")
    parser.add_argument("--misses", action="store_true", help="Also list every item whose top-1 is not accepted.")
    parser.add_argument("--output", type=Path, help="Also write the table as Markdown to this file.")
    options = parser.parse_args(argv)
    parts = ["dev", "test"] if options.part == "all" else [options.part]
    header = ["| cases | n | top-1 in accepted | recommended in top 3 | mistakes at top-1 |", "|---|---|---|---|---|"]
    body: list[str] = []
    for part in parts:
        body += report(f"corpus {part}", score(corpus_cases(part)), options.misses)
    body += report("seed-written cases", score(seed_cases()), options.misses)
    table = [line for line in body if line.startswith("|")]
    details = [line for line in body if line.startswith("- ")]
    stamp = (f"dlguide recommend --json on each item's flags; Python {platform.python_version()}, "
             f"{datetime.date.today().isoformat()}.")
    text = "\n".join([stamp, "", *header, *table, "", *details]).rstrip() + "\n"
    sys.stdout.write(text)
    if options.output:
        options.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
