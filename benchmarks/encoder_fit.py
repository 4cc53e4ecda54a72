"""Fit the heads of ``--reader encoder`` on the corpus's development part: ``knowledge/encoder.yaml``.

    python benchmarks/encoder_fit.py                    # fit on every development item, write the file
    python benchmarks/encoder_fit.py --measure 724c544  # first: how much it adds on text nobody tuned to

First the encoder's top ``TUNED_LAYERS`` transformer layers are fine-tuned on the development descriptions
(a temporary linear head per question, cross-entropy on the labelled choices, the rest of the encoder
frozen) and written beside the heads as ``encoder_layers.safetensors``. Then each description is read by
the tuned encoder (``dlguide.advisor.encoder.embed``, the function ``--reader encoder`` reads with), and for
each choice question the corpus labels (data, task) a multinomial logistic regression (scikit-learn, L2,
``C``) maps the vector to the labelled choice. The test part is never read here.

``--measure COMMIT`` is the fair test, as ``learn.py --as-it-came``: the word reader as it was at COMMIT
(its cues, and the learned layer fitted on the collections COMMIT had), the heads fitted on those same
collections' development items, and both read on the development items of the collections added since,
at several values of the word reader's bonus (``cue_weight`` where its own words spoke, ``guess_weight``
where only learned words did). ``CUE_WEIGHT`` and ``GUESS_WEIGHT`` were chosen so; ``--tune-layers 0``
measures the published encoder, untuned; ``--curve`` reads the same items with the encoder tuned and its
heads fitted on a quarter and a half of the older items, to see whether more labelled text would pay.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import describe as describe_benchmark  # noqa: E402
import learn  # noqa: E402

from dlguide.advisor import encoder  # noqa: E402
from dlguide.advisor.describe import understand  # noqa: E402
from dlguide.catalogue import kb as knowledge  # noqa: E402
from dlguide.rules.encoder_schema import EncoderHead  # noqa: E402

QUESTIONS = ("data", "task")
C = 2.0  # inverse strength of the L2 penalty; 1 to 16 were measured with --measure (1 and 2 alike, 16 worse)
CUE_WEIGHT = 2.0  # chosen with --measure (0.5 to 4 measured, on the tuned encoder)
GUESS_WEIGHT = 0.0  # the tuned encoder reads better than the learned layer alone: its guesses get no bonus
# Where the words found nothing, the encoder answers from better than even odds. With --measure 564cb5a,
# floors from 0 to 0.8 read the 420 new items alike (the words missed a question in one) and gave a task
# to 100%, 83% and 72% of 1,000 sentences about no project at 0, 0.5 and 0.8: 0.5 is the odds at which a
# guess is likelier right than wrong by the encoder's own account; a higher floor would leave open answers
# it holds likely, which the corpus is too sure of its sentences to price.
ALONE_FLOOR = 0.5
MODEL = "sentence-transformers/all-MiniLM-L6-v2"
OUT = knowledge.builtin_dir() / encoder.HEAD_FILE
LAYER_FILE = "encoder_layers.safetensors"
TUNED_LAYERS = 2  # the top two of six; tuning all six read a held-out fifth of the development part no better
EPOCHS = 5  # 3 and 5 measured on a held-out fifth of the development part: 5 a little better
LEARNING_RATE = 1e-4  # the tuned layers'; the temporary heads learn at HEAD_RATE
HEAD_RATE = 2e-3
BATCH = 32
SCALE = 20.0  # unit-length vectors times this give the temporary heads logits of a usable range
SEED = 0


def tune(items: list[dict], questions: dict, path: Path, layers: int) -> dict | None:
    """Fine-tune the encoder's top ``layers`` on ``items``' labels and write them to ``path`` (float16).
    Returns the ``tuned_layers`` entry of ``encoder.yaml``, or None for ``layers`` 0."""
    if layers == 0:
        return None
    import torch
    from safetensors.torch import save_file

    torch.manual_seed(SEED)
    shuffle = random.Random(SEED)
    model = encoder.load_model(str(encoder.model_folder()))
    network = model[0].auto_model
    depth = network.config.num_hidden_layers
    chosen = list(range(depth - layers, depth))
    prefixes = tuple(f"encoder.layer.{n}." for n in chosen)
    for name, weight in network.named_parameters():
        weight.requires_grad = name.startswith(prefixes)
    choices = {q: [c.id for c in questions[q].choices] for q in QUESTIONS}
    targets = {q: torch.tensor([choices[q].index(i["answers"][q]) if i["answers"].get(q) in choices[q] else -100
                                for i in items]) for q in QUESTIONS}
    width = network.config.hidden_size
    read = getattr(model, "preprocess", None) or model.tokenize  # preprocess: sentence-transformers 6's new name
    heads = torch.nn.ModuleDict({q: torch.nn.Linear(width, len(choices[q])) for q in QUESTIONS})
    optimiser = torch.optim.AdamW([{"params": [w for w in network.parameters() if w.requires_grad], "lr": LEARNING_RATE},
                                   {"params": heads.parameters(), "lr": HEAD_RATE}], weight_decay=0.01)
    steps = EPOCHS * -(-len(items) // BATCH)
    schedule = torch.optim.lr_scheduler.LambdaLR(  # a tenth warming up, then down to zero
        optimiser, lambda step: min(1.0, (step + 1) / (0.1 * steps)) * max(0.0, 1 - step / steps))
    texts = [item["text"] for item in items]
    model.train()
    for epoch in range(EPOCHS):
        # batches of like length (less padding, so faster), in a random order
        order = sorted(range(len(texts)), key=lambda k: len(texts[k]) + shuffle.random() * 20)
        batches = [order[s:s + BATCH] for s in range(0, len(order), BATCH)]
        shuffle.shuffle(batches)
        total = 0.0
        for batch in batches:
            vectors = model(read([texts[k] for k in batch]))["sentence_embedding"] * SCALE
            loss = sum(torch.nn.functional.cross_entropy(heads[q](vectors), targets[q][batch], ignore_index=-100)
                       for q in QUESTIONS)
            loss.backward()
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            total += loss.item()
        print(f"  tuning layers {chosen}: epoch {epoch + 1}/{EPOCHS}, loss {total / len(batches):.3f}",
              file=sys.stderr, flush=True)
    save_file({name: weight.detach().to(torch.float16).contiguous() for name, weight in network.state_dict().items()
               if name.startswith(prefixes)}, str(path))
    return {"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "layers": chosen,
            "method": f"fine-tuned on the development part's data and task labels (cross-entropy, temporary linear "
                      f"heads, AdamW at {LEARNING_RATE}, {EPOCHS} epochs, batches of {BATCH}, seed {SEED}); "
                      f"the other layers as published; stored as float16"}


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
              guess_weight: float, alone_floor: float = ALONE_FLOOR) -> dict:
    """The word reader's answers to ``item``, changed where the heads beat it (``encoder.decide``'s rule)."""
    found = understand(item["text"], questions)
    encoder.decide(questions, found, heads, vector, cue_weight, guess_weight, alone_floor)
    return found.answers


def both_right(items: list[dict], questions: dict, answers: list[dict]) -> str:
    counts = [sum(describe_benchmark.right(questions[q], item, a.get(q)) for item, a in zip(items, answers))
              for q in QUESTIONS]
    both = sum(all(describe_benchmark.right(questions[q], item, a.get(q)) for q in QUESTIONS)
               for item, a in zip(items, answers))
    return "  ".join(f"{n / len(items):.1%}" for n in (*counts, both))


def fitted_on(training: list[dict], unseen: list[str], questions: dict, layers: int) -> tuple[dict, list]:
    """The encoder tuned and its heads fitted on ``training`` (in a throw-away folder): the heads, and the
    vectors of the ``unseen`` texts as that encoder reads them."""
    with tempfile.TemporaryDirectory() as folder:
        tuned = Path(folder) / LAYER_FILE
        tuned = tuned if tune(training, questions, tuned, layers) else None
        vectors = encoder.embed([item["text"] for item in training] + unseen, tuned)
    heads = fit_heads(training, vectors[: len(training)], questions)
    return {qid: EncoderHead.model_validate(head) for qid, head in heads.items()}, vectors[len(training):]


def measure_curve(questions: dict, training: list[dict], unseen: list[dict], layers: int) -> None:
    """The encoder tuned and its heads fitted on a quarter and a half of ``training`` (a random sample), then all."""
    print(f"  encoder trained on          alone: data   task   both    with the words (cue {CUE_WEIGHT}, guess "
          f"{GUESS_WEIGHT}): data   task   both")
    for share in (0.25, 0.5, 1.0):
        sample = random.Random(SEED).sample(training, int(len(training) * share)) if share < 1 else training
        heads, new = fitted_on(sample, [item["text"] for item in unseen], questions, layers)
        alone = both_right(unseen, questions, [read_with(i, questions, heads, v, 0, 0, 0) for i, v in zip(unseen, new)])
        both = both_right(unseen, questions, [read_with(i, questions, heads, v, CUE_WEIGHT, GUESS_WEIGHT)
                                              for i, v in zip(unseen, new)])
        print(f"  {len(sample):5} items ({share:.0%})          {alone}                                  {both}",
              flush=True)


def measure(commit: str, development: list[dict], layers: int, curve: bool = False) -> None:
    stop = frozenset(learn.STOP_WORDS)
    questions, training, unseen, known = learn.older(commit, development)
    learn.attach(questions, {q: learn.fit(training, questions[q], stop) for q in QUESTIONS}, stop)
    print(f"word reader of {commit} (its learned layer fitted on {len(training)} development items of {known} "
          f"collections), the encoder's top {layers} layers tuned and its heads fitted on the same items; read: "
          f"{len(unseen)} development items added since")
    if curve:
        measure_curve(questions, training, unseen, layers)
        return
    sentences = learn.no_project()
    parsed, vectors = fitted_on(training, [item["text"] for item in unseen] + sentences, questions, layers)
    new, elsewhere = vectors[: len(unseen)], vectors[len(unseen):]
    print("  reader                              data   task   both right")
    print(f"  words alone                         {both_right(unseen, questions, [understand(i['text'], questions).answers for i in unseen])}")
    print(f"  encoder alone                       {both_right(unseen, questions, [read_with(i, questions, parsed, v, 0, 0, 0) for i, v in zip(unseen, new)])}")
    for cue_weight in (0.5, 1.0, 1.5, 2.0, 3.0, 4.0):
        for guess_weight in (0.0, 0.5, 1.0):
            answers = [read_with(i, questions, parsed, v, cue_weight, guess_weight) for i, v in zip(unseen, new)]
            print(f"  both, cue {cue_weight:<3} guess {guess_weight:<3}          {both_right(unseen, questions, answers)}")
    print(f"  alone_floor (cue {CUE_WEIGHT}, guess {GUESS_WEIGHT})   data   task   both right   a question missing   "
          f"of {len(sentences)} sentences about no project: data answered, task answered")
    for floor in (0.0, 0.3, 0.5, 0.7, 0.8, 0.9):
        answers = [read_with(i, questions, parsed, v, CUE_WEIGHT, GUESS_WEIGHT, floor) for i, v in zip(unseen, new)]
        missing = sum(not all(q in a for q in QUESTIONS) for a in answers) / len(unseen)
        made_up = [read_with({"text": s}, questions, parsed, v, CUE_WEIGHT, GUESS_WEIGHT, floor)
                   for s, v in zip(sentences, elsewhere)]
        print(f"  {floor:<4}                             {both_right(unseen, questions, answers)}   {missing:.1%}"
              f"                 " + "  ".join(f"{sum(q in a for a in made_up) / len(sentences):.1%}"
                                               for q in QUESTIONS))


def write(items: list[dict], questions: dict, path: Path, layers: int) -> None:
    import yaml

    tuned = path.parent / LAYER_FILE
    entry = tune(items, questions, tuned, layers)
    if entry is None:
        tuned.unlink(missing_ok=True)
    heads = fit_heads(items, encoder.embed([item["text"] for item in items], tuned if entry else None), questions)
    document = {
        "schema_version": 1,
        "model": MODEL,
        "trained_on": f"benchmarks/corpus, development part only: {len(items)} descriptions",
        "method": f"multinomial logistic regression (scikit-learn, L2, C={C}) on the "
                  f"{'tuned' if entry else 'published'} encoder's unit-length sentence vectors",
        "cue_weight": CUE_WEIGHT,
        "guess_weight": GUESS_WEIGHT,
        "alone_floor": ALONE_FLOOR,
        **({"tuned_layers": entry} if entry else {}),
        "questions": heads,
    }
    header = ("# Generated by benchmarks/encoder_fit.py from the corpus's development part; do not edit by hand.\n"
              "# The heads of 'recommend --describe ... --reader encoder': dlguide/advisor/encoder.py says how.\n")
    text = yaml.safe_dump(document, sort_keys=False, default_flow_style=None, width=200)
    path.write_text(header + text, encoding="utf-8")
    print(f"wrote {path}: heads for {', '.join(heads)} from {len(items)} descriptions"
          + (f", on layers {entry['layers']} tuned in {tuned.name}" if entry else ""))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", metavar="COMMIT", help="measure on the collections added since COMMIT instead")
    parser.add_argument("--output", type=Path, default=OUT, help=f"where to write the heads (default {OUT}); the "
                        f"tuned layers go beside them as {LAYER_FILE}")
    parser.add_argument("--curve", action="store_true", help="with --measure: the encoder trained on a quarter, a "
                        "half and all of the older items")
    parser.add_argument("--tune-layers", type=int, default=TUNED_LAYERS, choices=range(7), metavar="N",
                        help=f"how many of the encoder's top layers to fine-tune (0: none; default {TUNED_LAYERS})")
    args = parser.parse_args(argv)
    if args.curve and not args.measure:
        parser.error("--curve needs --measure COMMIT")
    development = corpus.load("dev")
    if args.measure:
        measure(args.measure, development, args.tune_layers, args.curve)
        return
    write(development, knowledge.load(None).questions, args.output, args.tune_layers)


if __name__ == "__main__":
    main()
