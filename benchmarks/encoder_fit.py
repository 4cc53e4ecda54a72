"""Fit the heads of ``--reader encoder`` on the corpus's development part: ``knowledge/encoder.yaml``.

    python benchmarks/encoder_fit.py                    # fit on every development item, write the file
    python benchmarks/encoder_fit.py --measure 724c544  # first: how much it adds on text nobody tuned to

Each development description is read by the sentence encoder (``dlguide.advisor.encoder.embed``, the
function ``--reader encoder`` reads with), and for each choice question the corpus labels (data, task) a
multinomial logistic regression (scikit-learn, L2, ``C``) maps the vector to the labelled choice. The test
part is never read here.

``--measure COMMIT`` is the fair test, as ``learn.py --as-it-came``: the word reader as it was at COMMIT
(its cues, and the learned layer fitted on the collections COMMIT had), the heads fitted on those same
collections' development items, and both read on the development items of the collections added since,
at several values of the word reader's bonus (``cue_weight`` where its own words spoke, ``guess_weight``
where only learned words did). ``CUE_WEIGHT`` and ``GUESS_WEIGHT`` were chosen so.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import describe as describe_benchmark  # noqa: E402
import learn  # noqa: E402

from dlguide.advisor import encoder  # noqa: E402
from dlguide.advisor.describe import understand  # noqa: E402
from dlguide.catalogue import kb as knowledge  # noqa: E402

QUESTIONS = ("data", "task")
C = 2.0  # inverse strength of the L2 penalty; 1 to 16 were measured with --measure (1 and 2 alike, 16 worse)
CUE_WEIGHT = 1.5  # chosen with --measure (0.5 to 4 measured)
GUESS_WEIGHT = 0.5
MODEL = "sentence-transformers/all-MiniLM-L6-v2"
OUT = knowledge.builtin_dir() / encoder.HEAD_FILE


def fit_heads(items: list[dict], vectors: list[list[float]], questions: dict) -> dict[str, dict]:
    from sklearn.linear_model import LogisticRegression

    heads = {}
    for qid in QUESTIONS:
        choices = [c.id for c in questions[qid].choices]
        rows = [(v, item["answers"][qid]) for v, item in zip(vectors, items) if item["answers"].get(qid) in choices]
        model = LogisticRegression(C=C, max_iter=3000).fit([v for v, _ in rows], [label for _, label in rows])
        seen = [str(c) for c in model.classes_]
        # A choice no description was labelled with gets no row from scikit-learn: it is never read.
        heads[qid] = {"choices": seen, "bias": [round(float(b), 4) for b in model.intercept_],
                      "weights": [[round(float(w), 4) for w in row] for row in model.coef_]}
        if len(seen) == 2:  # a binary model has one row; the two choices' log-odds are its two halves
            row = heads[qid]["weights"][0]
            heads[qid]["weights"] = [[-w / 2 for w in row], [w / 2 for w in row]]
            heads[qid]["bias"] = [-heads[qid]["bias"][0] / 2, heads[qid]["bias"][0] / 2]
    return heads


def read_with(item: dict, questions: dict, heads: dict, vector: list[float], cue_weight: float,
              guess_weight: float) -> dict:
    """The word reader's answers to ``item``, changed where the heads beat it (``encoder.decide``'s rule)."""
    found = understand(item["text"], questions)
    encoder.decide(questions, found, heads, vector, cue_weight, guess_weight)
    return found.answers


def both_right(items: list[dict], questions: dict, answers: list[dict]) -> str:
    counts = [sum(describe_benchmark.right(questions[q], item, a.get(q)) for item, a in zip(items, answers))
              for q in QUESTIONS]
    both = sum(all(describe_benchmark.right(questions[q], item, a.get(q)) for q in QUESTIONS)
               for item, a in zip(items, answers))
    return "  ".join(f"{n / len(items):.1%}" for n in (*counts, both))


def measure(commit: str, development: list[dict]) -> None:
    from dlguide.rules.encoder_schema import EncoderHead

    stop = frozenset(learn.STOP_WORDS)
    questions, training, unseen, known = learn.older(commit, development)
    learn.attach(questions, {q: learn.fit(training, questions[q], stop) for q in QUESTIONS}, stop)
    print(f"word reader of {commit} (its learned layer fitted on {len(training)} development items of {known} "
          f"collections), heads fitted on the same items; read: {len(unseen)} development items added since")
    vectors = encoder.embed([item["text"] for item in training + unseen])
    heads = fit_heads(training, vectors[: len(training)], questions)
    parsed = {qid: EncoderHead.model_validate(head) for qid, head in heads.items()}
    print("  reader                              data   task   both right")
    print(f"  words alone                         {both_right(unseen, questions, [understand(i['text'], questions).answers for i in unseen])}")
    print(f"  encoder alone                       {both_right(unseen, questions, [read_with(i, questions, parsed, v, 0, 0) for i, v in zip(unseen, vectors[len(training):])])}")
    for cue_weight in (0.5, 1.0, 1.5, 2.0, 3.0, 4.0):
        for guess_weight in (0.0, 0.5, 1.0):
            answers = [read_with(i, questions, parsed, v, cue_weight, guess_weight)
                       for i, v in zip(unseen, vectors[len(training):])]
            print(f"  both, cue {cue_weight:<3} guess {guess_weight:<3}          {both_right(unseen, questions, answers)}")


def write(items: list[dict], questions: dict, path: Path) -> None:
    import yaml

    heads = fit_heads(items, encoder.embed([item["text"] for item in items]), questions)
    document = {
        "schema_version": 1,
        "model": MODEL,
        "trained_on": f"benchmarks/corpus, development part only: {len(items)} descriptions",
        "method": f"multinomial logistic regression (scikit-learn, L2, C={C}) on the encoder's unit-length "
                  f"sentence vectors",
        "cue_weight": CUE_WEIGHT,
        "guess_weight": GUESS_WEIGHT,
        "questions": heads,
    }
    header = ("# Generated by benchmarks/encoder_fit.py from the corpus's development part; do not edit by hand.\n"
              "# The heads of 'recommend --describe ... --reader encoder': dlguide/advisor/encoder.py says how.\n")
    text = yaml.safe_dump(document, sort_keys=False, default_flow_style=None, width=200)
    path.write_text(header + text, encoding="utf-8")
    print(f"wrote {path}: heads for {', '.join(heads)} from {len(items)} descriptions")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", metavar="COMMIT", help="measure on the collections added since COMMIT instead")
    parser.add_argument("--output", type=Path, default=OUT, help=f"where to write the heads (default {OUT})")
    args = parser.parse_args(argv)
    development = corpus.load("dev")
    if args.measure:
        measure(args.measure, development)
        return
    write(development, knowledge.load(None).questions, args.output)


if __name__ == "__main__":
    main()
