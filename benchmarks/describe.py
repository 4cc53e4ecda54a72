"""How well ``recommend --describe`` reads real project descriptions, on the corpus's dev and test parts.

For each part it prints, per question, how often the reader's answer matches the careful reader's
(``answers`` in the corpus; numbers within 10%, fractions within 0.02), how often it set a question the
careful reader left open, the share of descriptions where data or task is missing, and how often the
recommender's top family, run on what was read, is one the experts accepted. Beside it, the same top-1
on the careful reader's own answers: the ceiling the rules allow whatever the reader does.

Tune only on dev; the test part is for reporting. ``--misses`` lists dev descriptions read wrongly.

    DLGUIDE_CORPUS_DIR=/path/to/corpus python benchmarks/describe.py [--output benchmarks/results/describe.md]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402 - the loader next to this file

from dlguide.advisor import engine  # noqa: E402
from dlguide.advisor.describe import understand  # noqa: E402
from dlguide.advisor.questionnaire import parse_answer  # noqa: E402
from dlguide.catalogue import kb as knowledge  # noqa: E402
from dlguide.rules.rules_schema import Profile  # noqa: E402

BARS = {"data and task right": 0.90, "data or task missing": 0.05, "top-1 accepted": 0.85}


def same(question, expected, got) -> bool:
    if got is None:
        return False
    if question.kind == "multi":  # some labellers wrote a single choice as a word, not a list
        return sorted([expected] if isinstance(expected, str) else expected) == sorted(got)
    if question.kind == "choice":
        return expected == got
    if question.kind == "fraction":
        return abs(float(expected) - float(got)) <= 0.02
    return math.isclose(float(expected), float(got), rel_tol=0.1)


def top1(base, answers: dict) -> str | None:
    profile = {qid: parse_answer(base.questions[qid], value, source=qid) for qid, value in answers.items()
               if qid in base.questions}
    if any(base.questions[q].required and q not in profile for q in base.questions):
        return None
    return engine.recommend(base, Profile(answers=profile)).ranking[0].id


def right(question, item: dict, got) -> bool:
    """The labelled answer, or one of the choices the guideline's ``also`` calls equally right."""
    gold = item["answers"].get(question.id)
    return same(question, gold, got) or got in item.get("also", {}).get(question.id, [])


def readings(items: list[dict], base, reader: str = "words") -> list[dict]:
    """Each item's answers as ``recommend --describe`` reads them, with ``--reader`` READER: the word reader,
    then the encoder's word table (words) or the sentence encoder (encoder), as ``recommend`` refines them."""
    from dlguide.advisor import encoder, encoder_words

    texts = [item["text"] for item in items]
    vectors = encoder.vectors_for(base.root, texts) if reader == "encoder" else [None] * len(texts)  # a batch
    found = []
    for text, vector in zip(texts, vectors):
        read = understand(text, base.questions)
        if vector is None:
            encoder_words.refine(text, base.questions, read)
        else:
            encoder.refine(text, base.questions, read, base.root, vector=vector, explain=False)
        found.append(read.answers)
    return found


def score(items: list[dict], base, reader: str = "words") -> dict:
    questions = base.questions
    stats = {qid: {"labelled": 0, "right": 0, "extra": 0, "open": 0} for qid in questions}
    both = strict = missing = accepted = ceiling = 0
    misses = []
    for item, found in zip(items, readings(items, base, reader)):
        gold = item["answers"]
        wrong = []
        for qid, question in questions.items():
            if qid in gold:
                stats[qid]["labelled"] += 1
                if right(question, item, found.get(qid)):
                    stats[qid]["right"] += 1
                else:
                    wrong.append(f"{qid}: {found.get(qid)} (want {gold[qid]})")
            elif qid in found and found[qid] not in ([], None):
                stats[qid]["extra"] += 1
            if qid not in found:
                stats[qid]["open"] += 1
        required = [q for q in questions if questions[q].required]
        both += all(right(questions[q], item, found.get(q)) for q in required)
        strict += all(same(questions[q], gold.get(q), found.get(q)) for q in required)
        missing += any(q not in found for q in required)
        pick = top1(base, found)
        accepted += pick in item["expert"]["accepted"]
        ceiling += top1(base, gold) in item["expert"]["accepted"]
        if wrong:
            misses.append((item["id"], item["text"], wrong, pick))
    n = max(len(items), 1)
    return {"n": len(items), "stats": stats, "data and task right": both / n,
            "data and task right, labelled choice only": strict / n, "data or task missing": missing / n,
            "top-1 accepted": accepted / n, "top-1 on the careful reader's answers": ceiling / n, "misses": misses}


def table(name: str, result: dict) -> str:
    lines = [f"### {name} part ({result['n']} descriptions)", "",
             "| question | labelled | read right | accuracy | set where not labelled |", "|---|---|---|---|---|"]
    for qid, s in result["stats"].items():
        accuracy = f"{s['right'] / s['labelled']:.1%}" if s["labelled"] else "-"
        lines.append(f"| {qid} | {s['labelled']} | {s['right']} | {accuracy} | {s['extra']} |")
    lines += ["", "| measure | value | bar |", "|---|---|---|"]
    for measure in ("data and task right", "data and task right, labelled choice only", "data or task missing", "top-1 accepted", "top-1 on the careful reader's answers"):
        bar = BARS.get(measure)
        verdict = "" if bar is None else (f">= {bar:.0%} " if measure != "data or task missing" else f"<= {bar:.0%} ")
        if bar is not None:
            good = result[measure] <= bar if measure == "data or task missing" else result[measure] >= bar
            verdict += "met" if good else "NOT met"
        lines.append(f"| {measure} | {result[measure]:.1%} | {verdict} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, help="also write the report (Markdown) to this file")
    parser.add_argument("--misses", type=int, default=0, help="list this many dev descriptions read wrongly")
    parser.add_argument("--dev-only", action="store_true", help="score the development part alone, for tuning")
    parser.add_argument("--reader", choices=("words", "encoder"), default="words",
                        help="read as 'recommend --describe ... --reader READER' does (encoder: the 'reader' extra)")
    args = parser.parse_args(argv)
    base = knowledge.load(None)
    engine.check_ready(base)
    parts = {part: score(corpus.load(part), base, args.reader) for part in (("dev",) if args.dev_only else ("dev", "test"))}
    command = "python benchmarks/describe.py" + (f" --reader {args.reader}" if args.reader != "words" else "")
    header = (f"# --describe on the corpus\n\nWritten by `{command}` on {time.strftime('%Y-%m-%d')}, "
              "with the rules and questions of this checkout. Numbers count as right within 10%, fractions within "
              "0.02; a choice counts as right when it is the labelled one or one the labelling guideline's `also` names "
              "(benchmarks/corpus/GUIDELINE.md), and the strict figure beside it counts the labelled choice only. "
              "'set where not labelled' counts answers the careful reader left open. Bars apply to the test part. "
              "The learned layer (knowledge/learned.yaml), the encoder's word table (knowledge/encoder_words.yaml) "
              "and the encoder were fitted on the development part, so the development figures are partly "
              "in-sample; `python benchmarks/learn.py --cv` and `python benchmarks/encoder_words_fit.py --measure` "
              "measure them held out.\n")
    report = header + "\n" + "\n\n".join(table(part, result) for part, result in parts.items()) + "\n"
    print(report)
    for item_id, text, wrong, pick in parts["dev"]["misses"][: args.misses]:
        print(f"- {item_id}: {text}\n    {'; '.join(wrong)}; top-1 {pick}")
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(report)


if __name__ == "__main__":
    main()
