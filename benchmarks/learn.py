"""Fit the ``--describe`` reader's learned layer on the corpus's development part: ``knowledge/learned.yaml``.

    python benchmarks/learn.py            # fit on every development item, write knowledge/learned.yaml
    python benchmarks/learn.py --cv       # measure first: 5-fold and leave-one-collection-out, dev only
    python benchmarks/learn.py --as-it-came 44f96e2   # how much the layer should weigh (see below)
    python benchmarks/learn.py --as-it-came 3a1b755 --curve   # would more training text help?

For each choice question the corpus labels (data, task), a multinomial logistic regression on the features
of ``dlguide.advisor.learned.features`` (word stems and pairs of neighbouring stems, stop words left out),
L2-regularised, fitted by full-batch gradient descent with numpy (numpy is needed here only, never by
dlguide at run time). The ``KEEP`` features with the largest weights are kept, rounded; the bias is not
kept, so a sentence with no learned word gets no learned evidence. The test part is never read here.

``--cv`` reads every held-out development item through ``dlguide.advisor.describe.understand`` itself,
with the layer fitted on the other items, and prints data, task and both right with and without it. The
leave-one-collection-out figure holds out a whole collection (its source kind and its domains) at a time,
the nearest thing on the development part to text the reader never met.

Both flatter the cues, which were tuned on every development item, so they cannot say how much the layer
should weigh against the cues on text nobody tuned to. ``--as-it-came COMMIT`` can: it takes the cues
(``questions.yaml``, ``rules.yaml``) as they were at an older commit, fits the layer on the development
parts of the collections that commit already had, and reads the development parts of the collections added
since, which those cues never saw, at several weights. ``WEIGHT`` and ``KEEP`` were chosen so, with
44f96e2 (the cues before the fifth and sixth collections: 470 development items read as they came).
``--as-it-came COMMIT --curve`` fits the layer on growing random shares of those training items instead,
at ``WEIGHT``: whether more labelled text would still help.

``--alone`` measures the other side of the layer's threshold (``learned.ALONE``): every corpus item states
its data and task, so the corpus alone always asks for a bolder layer. Beside the 5-fold reading of the
development part it reads sentences that describe no project at all, the first paragraphs of the docstrings
of Python's own standard library (there on every machine), and counts the answers the layer gave where no
cue spoke or against the cue: each is a guess made up from common words.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import describe as describe_benchmark  # noqa: E402

from dlguide.advisor.describe import understand  # noqa: E402
from dlguide.advisor.learned import features  # noqa: E402
from dlguide.advisor.words import Text, fingerprint  # noqa: E402
from dlguide.catalogue import kb as knowledge  # noqa: E402
from dlguide.rules.learned_schema import Learned  # noqa: E402

QUESTIONS = ("data", "task")
WEIGHT = 3.0  # a learned weight of 1 counts three hints; chosen by --as-it-came (0.5 to 4 were measured)
KEEP = 2000  # features kept per question; --as-it-came: 300 lost 1.5 points against 2000, all gained 0.2
C = 1.0  # inverse strength of the L2 penalty
STEPS = 300
STOP_WORDS = sorted(set("""a an the of to and or in on for with from by is are be been was were we i my our it its
this that these those as at have has had want would like need using use used can could how what which do does
did so if not no but into than then there their them they you your me just also very about some any all each
other more most such only will should may might get got one""".split()))
OUT = knowledge.builtin_dir() / "learned.yaml"


def fit(items: list[dict], question, stop: frozenset[str]) -> dict[str, dict[str, float]]:
    """Feature -> {choice: weight} for ``question``, from ``items``' texts and labelled answers."""
    import numpy as np

    choices = [c.id for c in question.choices]
    rows = [(features(Text(item["text"]), stop), choices.index(item["answers"][question.id])) for item in items
            if item["answers"].get(question.id) in choices]
    seen: dict[str, int] = {}
    for found, _ in rows:
        for f in found:
            seen[f] = seen.get(f, 0) + 1
    vocabulary = sorted(f for f, count in seen.items() if count >= 2)  # a word of one description teaches nothing
    index = {f: k for k, f in enumerate(vocabulary)}
    x = np.zeros((len(rows), len(vocabulary)))
    y = np.zeros((len(rows), len(choices)))
    for row, (found, label) in enumerate(rows):
        x[row, [index[f] for f in found if f in index]] = 1.0
        y[row, label] = 1.0
    weights, bias = np.zeros((len(vocabulary), len(choices))), np.zeros(len(choices))
    for _ in range(STEPS):
        z = x @ weights + bias
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        weights -= x.T @ (p - y) / len(rows) + weights / (C * len(rows))
        bias -= (p - y).mean(axis=0)
    strongest = np.argsort(-np.abs(weights).max(axis=1))[:KEEP]
    return {vocabulary[k]: {choices[j]: round(float(weights[k, j]), 2) for j in range(len(choices))
                            if abs(weights[k, j]) >= 0.02} for k in strongest}


def attach(questions: dict, fitted: dict[str, dict[str, dict[str, float]]], stop: frozenset[str],
           weight: float = WEIGHT) -> None:
    for question_id, words in fitted.items():
        questions[question_id]._learned = Learned(words, weight, stop, fingerprint()) if words is not None else None


def score(items: list[dict], questions: dict) -> tuple[int, int, int]:
    data = task = both = 0
    for item in items:
        answers = understand(item["text"], questions).answers
        right = [describe_benchmark.right(questions[q], item, answers.get(q)) for q in QUESTIONS]
        data, task, both = data + right[0], task + right[1], both + all(right)
    return data, task, both


def _shares(counts: tuple[int, int, int], n: int) -> str:
    """Data, task and both right as shares of ``n``."""
    return "  ".join(f"{count / n:.1%}" for count in counts)


def five_folds(items: list[dict]) -> list[list[dict]]:
    """``items`` dealt into five folds after one seeded shuffle: the same folds for every 5-fold measure."""
    shuffled = list(range(len(items)))
    random.Random(0).shuffle(shuffled)
    return [[items[k] for k in shuffled[f::5]] for f in range(5)]


def cross_validate(items: list[dict], questions: dict, stop: frozenset[str]) -> None:
    folds = five_folds(items)
    collections = sorted({item["id"].split("-")[0] for item in items})
    by_collection = [[item for item in items if item["id"].split("-")[0] == name] for name in collections]
    for name, groups in (("5-fold", folds), ("leave one collection out", by_collection)):
        without = with_layer = (0, 0, 0)
        for held_out in groups:
            ids = {item["id"] for item in held_out}
            training = [item for item in items if item["id"] not in ids]
            attach(questions, {q: None for q in QUESTIONS}, stop)
            without = tuple(a + b for a, b in zip(without, score(held_out, questions)))
            attach(questions, {q: fit(training, questions[q], stop) for q in QUESTIONS}, stop)
            with_layer = tuple(a + b for a, b in zip(with_layer, score(held_out, questions)))
        n = len(items)
        print(f"{name} ({n} development items): data, task, both right")
        print(f"  cues alone        {_shares(without, n)}")
        print(f"  with learned words {_shares(with_layer, n)}")


def no_project(count: int = 1000) -> list[str]:
    """``count`` sentences that describe no project: docstrings' first paragraphs from the standard library."""
    import ast
    import sysconfig

    found = set()
    for path in sorted(Path(sysconfig.get_paths()["stdlib"]).rglob("*.py")):
        if {"site-packages", "test", "tests", "idlelib"} & set(path.parts):
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(node):
                paragraph = " ".join(ast.get_docstring(node).split("\n\n")[0].split())
                if 8 <= len(paragraph.split()) <= 60:
                    found.add(paragraph)
    return random.Random(0).sample(sorted(found), min(count, len(found)))


def made_up(sentences: list[str], questions: dict) -> tuple[int, int]:
    """How many of ``sentences`` got a data, and a task, answer from the learned layer alone or against a cue."""
    counts = [0, 0]
    for sentence in sentences:
        found = understand(sentence, questions)
        for k, qid in enumerate(QUESTIONS):
            counts[k] += qid in found.answers and not found.evidence.get(qid) and bool(found.learned.get(qid))
    return counts[0], counts[1]


def alone(items: list[dict], questions: dict, stop: frozenset[str], thresholds=(1.0, 1.5, 2.0, 2.5)) -> None:
    """Each threshold's 5-fold reading of ``items`` beside the answers it makes up for sentences of no project."""
    from dlguide.advisor import describe as reader

    folds = five_folds(items)
    sentences = no_project()
    right = {t: (0, 0, 0) for t in thresholds}
    invented = {}
    for number, held_out in enumerate(folds):
        ids = {item["id"] for item in held_out}
        attach(questions, {q: fit([i for i in items if i["id"] not in ids], questions[q], stop) for q in QUESTIONS},
               stop)
        for threshold in thresholds:
            reader.ALONE = threshold
            right[threshold] = tuple(a + b for a, b in zip(right[threshold], score(held_out, questions)))
            if not number:  # the layer of the first fold reads the sentences of no project
                invented[threshold] = made_up(sentences, questions)
    print(f"5-fold on {len(items)} development items: data, task, both right; and of {len(sentences)} sentences "
          "of no project (standard-library docstrings), those given a data, a task by learned words alone")
    for threshold in thresholds:
        data, task = invented[threshold]
        print(f"  ALONE {threshold:<4} {_shares(right[threshold], len(items))}   made up: data {data / len(sentences):.1%}"
              f"  task {task / len(sentences):.1%}")


def older(commit: str, development: list[dict]) -> tuple[dict, list[dict], list[dict], int]:
    """The questions (cues) of ``commit``, the development items of the collections it had, those added since,
    and how many collections it had; ``encoder_fit.py --measure`` reads the same split."""
    import shutil
    import subprocess
    import tempfile

    def at_commit(path: str) -> str:
        shown = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=corpus.ROOT, capture_output=True, text=True)
        if shown.returncode:
            raise SystemExit(f"learn.py: --as-it-came {commit}: {shown.stderr.strip().splitlines()[-1]}")
        return shown.stdout

    listed = at_commit("benchmarks/corpus/")
    known = {name for name in listed.split() if name.endswith(".jsonl")}
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder) / "knowledge"
        shutil.copytree(knowledge.builtin_dir(), base, ignore=shutil.ignore_patterns("learned.yaml", "__pycache__"))
        for name in ("questions.yaml", "rules.yaml"):
            (base / name).write_text(at_commit(f"knowledge/{name}"), encoding="utf-8")
        then, problems = knowledge.collect(base)  # not load(): no cache file for a passing folder
    if problems:
        raise SystemExit(f"learn.py: the knowledge of {commit} does not load here: {problems[0]}")
    old = {json.loads(line)["id"] for name in known
           for line in (corpus.CORPUS_DIR / name).read_text(encoding="utf-8").splitlines() if line.strip()}
    training = [item for item in development if item["id"] in old]
    unseen = [item for item in development if item["id"] not in old]
    return then.questions, training, unseen, len(known)


def as_it_came(commit: str, development: list[dict], stop: frozenset[str], shares: tuple[float, ...] = ()) -> None:
    questions, training, unseen, known = older(commit, development)
    print(f"cues of {commit}; layer fitted on {len(training)} development items of {known} collections; "
          f"read: {len(unseen)} development items of the collections added since")
    attach(questions, {q: None for q in QUESTIONS}, stop)
    without = _shares(score(unseen, questions), len(unseen))
    if shares:  # a learning curve: the layer fitted on a random share of the training items, at WEIGHT
        print("  training share  data   task   both right")
        print(f"  none            {without}")
        for share in shares:
            kept = [item for item in training if random.Random(f"{share}:{item['id']}").random() < share]
            attach(questions, {q: fit(kept, questions[q], stop) for q in QUESTIONS}, stop)
            print(f"  {share:<5} ({len(kept):>4})    {_shares(score(unseen, questions), len(unseen))}")
        return
    print("  weight  data   task   both right")
    print(f"  none    {without}")
    fitted = {q: fit(training, questions[q], stop) for q in QUESTIONS}
    for weight in (0.5, 1.0, 2.0, 3.0, 4.0):
        attach(questions, fitted, stop, weight)
        print(f"  {weight:<6}  {_shares(score(unseen, questions), len(unseen))}")


def write(items: list[dict], questions: dict, stop: frozenset[str], path: Path) -> None:
    fitted = {q: fit(items, questions[q], stop) for q in QUESTIONS}
    document = {
        "schema_version": 1,
        "trained_on": f"benchmarks/corpus, development part only: {len(items)} descriptions",
        "method": f"multinomial logistic regression on word stems and stem pairs, L2 (C={C}), {STEPS} gradient "
                  f"steps; the {KEEP} strongest features per question, no bias",
        "stemmer": fingerprint(),
        "weight": WEIGHT,
        "stop_words": STOP_WORDS,
        "questions": {q: {"words": words} for q, words in fitted.items()},
    }
    header = ("# Generated by benchmarks/learn.py from the corpus's development part; do not edit by hand.\n"
              "# The --describe reader adds these weights (times `weight`) to the evidence of the cues of questions.yaml:\n"
              "# dlguide/advisor/learned.py says how. Refit after changing the corpus or the stemmer.\n")
    import yaml

    # One line per feature ({choice: weight} in flow style): the file stays a few hundred kilobytes.
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, default_flow_style=None, width=120)
    path.write_text(header + text, encoding="utf-8")
    print(f"wrote {path}: {sum(len(w) for w in fitted.values())} features from {len(items)} descriptions")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", action="store_true", help="measure on the development part; write nothing")
    parser.add_argument("--as-it-came", metavar="COMMIT",
                        help="measure the layer's weight on collections added since COMMIT, with its cues")
    parser.add_argument("--curve", action="store_true",
                        help="with --as-it-came: a learning curve (1/8, 1/4, 1/2 and all of the training items)")
    parser.add_argument("--alone", action="store_true",
                        help="measure the layer's threshold: dev 5-fold, and sentences that describe no project")
    parser.add_argument("--output", type=Path, default=OUT, help=f"where to write (default {OUT})")
    args = parser.parse_args()
    if args.curve and not args.as_it_came:  # else it would be ignored, and learned.yaml rewritten
        parser.error("--curve needs --as-it-came COMMIT (the commit whose cues read the collections added since)")
    items = corpus.load("dev")
    questions = knowledge.load(None).questions
    stop = frozenset(STOP_WORDS)
    if args.alone:
        alone(items, questions, stop)
    elif args.cv:
        cross_validate(items, questions, stop)
    elif args.as_it_came:
        as_it_came(args.as_it_came, items, stop, (0.125, 0.25, 0.5, 1.0) if args.curve else ())
    else:
        write(items, questions, stop, args.output)


if __name__ == "__main__":
    main()
