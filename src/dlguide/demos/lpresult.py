"""A demo's result: propagate on the embeddings and the raw inputs, estimate, write the files, report.

``check_outputs`` refuses, before any training, an output that would replace or damage a file.
``evaluate`` builds one result object (the JSON contract of ``--json``): on built-in data the accuracy on
the hidden points (``hidden_accuracy``); on the user's own data the k-fold estimate over their labels (``estimate_by_folds``),
since no truth is known for the rest. It writes the ``--output`` CSV (one row per item, named as the user named it, with the
label as they wrote it, the confidence and the runner-up) and the PNG map of both embeddings. ``report``
prints the result as a plain table or as JSON, and names every file written.

It imports only numpy and the other helpers, so a scaffolded demo can copy it next to ``demo.py``.
"""

from __future__ import annotations

import csv
import io
import json
import os
from contextlib import contextmanager

import numpy as np

try:
    from . import lpfiles, lpgraph, lpkit, lpplot
except ImportError:  # run as a copied script next to the other helpers
    import lpfiles
    import lpgraph
    import lpkit
    import lpplot


def check_outputs(args, inputs) -> None:
    """Refuse, before any data is read or model trained, an output that would replace or damage a file.

    Each of --output, --map and --png (when given) goes through ``lpfiles.check_file``: no empty path,
    no folder, nothing replaced without --force, never an input of this run, a writable place.
    """
    named = [(flag, getattr(args, flag.lstrip("-"), None)) for flag in ("--output", "--map", "--png")]
    named = [(flag, path) for flag, path in named if path is not None]
    seen = {}
    for flag, path in named:
        try:
            target = lpfiles.check_file(path, force=args.force, inputs=inputs, what=flag)
        except lpfiles.WriteRefused as exc:
            raise lpkit.DemoError("output", exc.message) from None
        key = str(target.absolute())
        if key in seen:
            raise lpkit.DemoError("output", f"{flag}: {path} is also the {seen[key]} file; give each output its own name")
        seen[key] = flag
    here = args.map is None or (hasattr(args, "png") and args.png is None)  # a default map or grid goes to the current folder
    if here and not os.access(".", os.W_OK | os.X_OK):  # say so now, not after the training
        raise lpkit.DemoError("output", f"the current folder {os.getcwd()} is not writable, and the map goes there by default; name a file with --map (and --png)")


def note_unused_options(args, own_data: bool) -> list:
    """Notes for options the user typed that do not apply to this run's data (never silently ignored)."""
    notes = []
    if own_data:
        for flag, why in (("--labeled", "every label you gave is used"), ("--samples", "every item of your data is used")):
            if flag in args.typed:
                notes.append(f"{flag} applies to built-in data only and was ignored: {why}")
    else:
        for flag in ("--folds", "--estimate", "--id-column", "--label-column", "--text-column", "--image-size"):
            if flag in args.typed and not (flag == "--image-size" and getattr(args, "dataset", None)):
                notes.append(f"{flag} applies to your own --data only and was ignored")
    return notes


def evaluate(args, *, family, variant, data, device, embeddings, raw, y_semi, timings, files=None, refit=None) -> dict:
    """Propagate on the embeddings and on the raw inputs, check both, write the files, build the result.

    ``refit(labels, clock)`` trains a fresh model on ``labels`` only and returns its embeddings; with it
    (and ``--estimate refit``) each fold of the estimate on the user's data trains without the fold's
    labels. None means the embeddings never saw a label (a pretrained network), so reusing them is fair.
    """
    settings = lpkit.propagation_settings(args)
    y_true, names, n = data.labels, data.classes, len(data.labels)
    with lpkit.timed(timings, "propagate"):
        ours = lpkit.propagate(embeddings, y_semi, classes=len(names), **settings)
    with lpkit.timed(timings, "propagate_raw"):
        base = lpkit.propagate(raw, y_semi, classes=len(names), **settings)
    estimate = None
    if data.own:
        with lpkit.timed(timings, "estimate"):
            estimate = _estimate(args, embeddings, raw, y_semi, names, settings, refit)
    missing = sorted(set(np.unique(y_true[y_true >= 0])) - set(np.unique(y_semi[y_semi >= 0])))
    notes = list(data.notes) + note_unused_options(args, data.own)
    problems = [f"class {names[c]} has no labeled point and cannot be predicted" for c in missing]
    problems += [f"embeddings: {w}" for w in ours["warnings"]] + [f"raw baseline: {w}" for w in base["warnings"]]
    unlabeled = y_semi < 0
    result = {
        "family": family, "variant": variant, "dataset": data.name, "own_data": data.own,
        "n_samples": int(n), "n_labeled": int((y_semi >= 0).sum()),
        "n_hidden": int((unlabeled & (y_true >= 0)).sum()), "n_unlabeled": int((y_true < 0).sum()),
        "n_classes": len(names), "classes": list(names),
        "labels": _label_counts(data, y_semi, estimate),
        "embedding_dim": int(np.asarray(embeddings).reshape(n, -1).shape[1]),
        "device": str(device), "seed": args.seed, "quick": bool(args.quick), "epochs": args.epochs,
        "labeled_fraction": None if data.own else args.labeled,
        "propagation": {**settings, "neighbors_used": ours["neighbors"]},
        "accuracy": {"embeddings": hidden_accuracy(ours["labels"], y_true, y_semi), "raw_baseline": hidden_accuracy(base["labels"], y_true, y_semi)},
        "estimate": estimate,
        "predicted": {names[c]: int(k) for c, k in zip(*np.unique(ours["labels"][unlabeled], return_counts=True)) if c >= 0},
        "chance": round(1.0 / max(len(names), 1), 4),
        "timings": timings, "warnings": problems, "notes": notes, "files": dict(files or {}), "versions": lpkit.versions(),
    }
    if args.output:
        result["files"]["csv"] = _writing(args.output, lambda: write_csv(args.output, ours, data, y_semi, force=args.force))
    with lpkit.timed(timings, "map"), _disk(args.map or f"{family}_map.png"):
        path = args.map or lpfiles.free_path(f"{family}_map.png")
        accuracy = result["accuracy"] if not data.own else {k: (estimate[k]["mean"]) for k in ("embeddings", "raw_baseline")}
        result["files"]["map"] = lpplot.embedding_map(
            path, [(f"{family} embeddings", embeddings, ours, accuracy["embeddings"]), ("raw inputs (baseline)", raw, base, accuracy["raw_baseline"])],
            y_semi=y_semi, y_true=None if data.own else y_true, classes=names, quick=args.quick, seed=args.seed,
            title=f"{family} demo on {data.name}", items=data.items)
    return result


@contextmanager
def _disk(path):
    """A write that fails on the disk (full, gone, refused) is one line naming the file, not a traceback."""
    try:
        yield
    except lpfiles.WriteRefused as exc:
        raise lpkit.DemoError("output", exc.message) from None
    except OSError as exc:
        raise lpkit.DemoError("data", f"cannot write {path}: {exc.strerror or exc}") from None


def _writing(path, write):
    with _disk(path):
        return write()


def _estimate(args, embeddings, raw, y_semi, names, settings, refit) -> dict:
    """The k-fold estimate over the given labels, for the embeddings and the raw inputs alike."""
    leak = refit is not None and args.estimate == "reuse"  # the model saw the labels each fold hides
    fresh = (lambda labels: refit(labels, {})) if refit is not None and args.estimate == "refit" else None
    folds = {"embeddings": estimate_by_folds(embeddings, y_semi, args.folds, args.seed, refit=fresh, **settings),
             "raw_baseline": estimate_by_folds(raw, y_semi, args.folds, args.seed, **settings)}
    first = folds["embeddings"]
    out = {"method": f"{args.folds}-fold over the given labels", "folds": args.folds, "meaningful": first["meaningful"], "note": first["note"],
           "per_fold": [{"used": f["used"], "held_out": f["held_out"]} for f in first["per_fold"]],
           "model_refit_per_fold": fresh is not None, "embedding_learned_from_held_out_labels": leak}
    for key, fold in folds.items():
        out[key] = {"mean": fold["mean"], "spread": fold["spread"], "per_fold": [f["accuracy"] for f in fold["per_fold"]],
                    "per_class": {names[c]: acc for c, acc in fold["per_class"].items()}, "warnings": fold["warnings"]}
    return out


def _label_counts(data, y_semi, estimate) -> dict:
    """How many labels were given, how many the predictions used, and how many each fold held out."""
    given = int((data.labels >= 0).sum())
    used = int((y_semi >= 0).sum())
    if data.own:
        return {"given": given, "used": used, "held_out_per_fold": [f["held_out"] for f in estimate["per_fold"]],
                "used_per_fold": [f["used"] for f in estimate["per_fold"]]}
    return {"given": given, "used": used, "hidden": given - used}


def write_csv(path, result: dict, data, y_semi, force: bool = False) -> str:
    """One row per item, named as in the user's data, with its given and predicted label (as the user
    wrote it, never an internal number), the confidence, and the runner-up class with its score."""
    names = data.classes
    name = lambda c: names[c] if c >= 0 else ""  # noqa: E731
    target = lpfiles.check_file(path, force=force, inputs=data.inputs, what="--output")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    truth = [] if data.own else ["true_label"]
    writer.writerow([data.item_header, "role", "given_label", *truth, "predicted_label", "confidence", "runner_up", "runner_up_score"])
    items = data.items if data.own else range(len(y_semi))
    for i, (item, given) in enumerate(zip(items, y_semi)):
        role = "labeled" if given >= 0 else ("hidden" if data.labels[i] >= 0 else "unlabeled")
        shown_truth = [] if data.own else [name(data.labels[i])]
        writer.writerow([item, role, name(given), *shown_truth, name(result["labels"][i]), f"{result['confidence'][i]:.4f}",
                         name(result["runner_up"][i]), f"{result['runner_up_score'][i]:.4f}"])
    lpfiles.write_text(target, buffer.getvalue())
    return str(target)


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _estimate_lines(result: dict) -> list:
    est, family = result["estimate"], result["family"]
    labels = result["labels"]
    if not est["meaningful"]:
        return [f"  accuracy estimate: {est['note']}"]
    held = labels["held_out_per_fold"]
    lines = [f"  accuracy estimate ({est['method']}: each fold hides {min(held)}-{max(held)} of the {labels['given']} labels",
             f"  and propagates from the other {min(labels['used_per_fold'])}-{max(labels['used_per_fold'])})", "",
             f"  {'propagation on':<28}{'mean ± spread':>16}   per fold"]
    for key, title in (("embeddings", f"{family} embeddings"), ("raw_baseline", "raw inputs (baseline)")):
        fold = est[key]
        lines.append(f"  {title:<28}{_fmt(fold['mean']) + ' ± ' + _fmt(fold['spread']):>16}   {' '.join(_fmt(a) for a in fold['per_fold'])}")
    lines.append(f"  {'chance':<28}{result['chance']:>16.3f}")
    per_class = ", ".join(f"{c} {a:.2f}" for c, a in est["embeddings"]["per_class"].items())
    lines += ["", f"  per class ({family} embeddings): {per_class}"]
    if est["model_refit_per_fold"]:
        lines.append(f"  each fold trained a fresh {family} model without the labels it hides, so they reached neither model nor propagation")
    if est["embedding_learned_from_held_out_labels"]:
        lines.append("  note: with --estimate reuse the model behind the embeddings learned from every given label, held-out"
                     " folds included, so its estimate leans optimistic; the raw baseline's does not")
    return lines


def report(result: dict, as_json: bool) -> None:
    """Print the result: one JSON object, or a plain table (no rich, so a copied demo needs nothing more)."""
    if as_json:
        print(json.dumps(result, indent=2))
        return
    t, family = result["timings"], result["family"]
    if result["own_data"]:
        head = (f"{family} demo ({result['variant']}) on {result['dataset']}: {result['n_samples']} items, "
                f"{result['labels']['given']} labels given (all used for the predictions), {result['n_unlabeled']} unlabeled; seed {result['seed']}")
        body = _estimate_lines(result)
    else:
        head = (f"{family} demo ({result['variant']}) on {result['dataset']}: {result['n_samples']} points, "
                f"{result['n_labeled']} labeled, {result['n_hidden']} hidden, {result['n_unlabeled']} unlabeled; seed {result['seed']}")
        fmt = lambda v: "n/a (no hidden points)" if v is None else f"{v:.3f}"  # noqa: E731
        body = [f"  {'propagation on':<28}{'accuracy on hidden points':>26}",
                f"  {family + ' embeddings':<28}{fmt(result['accuracy']['embeddings']):>26}",
                f"  {'raw inputs (baseline)':<28}{fmt(result['accuracy']['raw_baseline']):>26}",
                f"  {'chance':<28}{result['chance']:>26.3f}"]
    lines = [head, "", *body, ""]
    if result["own_data"] and result["predicted"]:
        lines += ["  predicted for the unlabeled items: " + ", ".join(f"{c} {k}" for c, k in result["predicted"].items()), ""]
    lines.append(f"  {'phase':<28}{'seconds':>26}")
    lines += [f"  {phase:<28}{t[phase]:>26.2f}" for phase in ("train", "embed", "propagate", "propagate_raw", "estimate", "map") if phase in t]
    lines += [f"  {'device':<28}{result['device']:>26}", ""]
    lines += [f"note: {w}" for w in result["notes"]]
    lines += [f"warning: {w}" for w in result["warnings"]] or ["no warnings: propagation converged and did not collapse"]
    lines += [f"wrote {kind}: {path}" for kind, path in result["files"].items()]
    print("\n".join(lines))


# -- the accuracy and its k-fold estimate -------------------------------------------------------------

def estimate_by_folds(x, y_semi, folds: int = 5, seed: int = 0, refit=None, **settings) -> dict:
    """Accuracy of propagation from the given labels, estimated by k-fold over those labels.

    Each fold hides its labels, propagates from the others and scores the hidden ones. ``refit(labels)``,
    when given, returns embeddings from a fresh model that learned from ``labels`` only, so that a fold's
    hidden labels reach neither the model nor the propagation (without it ``x`` serves every fold). Returns the mean
    and spread (standard deviation) over folds, each fold's accuracy and labels used and held out, and
    the accuracy per class; with fewer than lpkit.MIN_ESTIMATE_LABELS labels, ``meaningful`` is False and no
    number is given, because a handful of held-out points says nothing.
    """
    y_semi = np.asarray(y_semi)
    given = int((y_semi >= 0).sum())
    out = {"folds": folds, "labels_given": given, "meaningful": given >= lpkit.MIN_ESTIMATE_LABELS, "mean": None, "spread": None,
           "per_fold": [], "per_class": {}, "warnings": []}
    if not out["meaningful"]:
        out["note"] = f"not meaningful with {given} given labels: an estimate needs at least {lpkit.MIN_ESTIMATE_LABELS}; every label was used for the predictions"
        return out
    fold = lpgraph.fold_of_each_label(y_semi, folds, seed)
    hits = np.zeros(len(y_semi), dtype=bool)
    for k in range(folds):
        held = fold == k
        trial = np.where(held, -1, y_semi)
        if refit is not None:
            lpkit.progress(f"estimate: fold {k + 1}/{folds}, a fresh model learns without this fold's {int(held.sum())} labels")
        result = lpkit.propagate(x if refit is None else refit(trial), trial, classes=int(y_semi.max()) + 1, **settings)
        hits[held] = result["labels"][held] == y_semi[held]
        out["per_fold"].append({"used": int((trial >= 0).sum()), "held_out": int(held.sum()), "accuracy": float(hits[held].mean())})
        out["warnings"] += [f"fold {k + 1}: {w}" for w in result["warnings"] if not w.startswith("collapse")]
    scores = [f["accuracy"] for f in out["per_fold"]]
    out["mean"], out["spread"] = float(np.mean(scores)), float(np.std(scores))
    out["per_class"] = {int(c): float(hits[y_semi == c].mean()) for c in np.unique(y_semi[y_semi >= 0])}
    out["note"] = None
    return out


def hidden_accuracy(predicted, y_true, y_semi):
    """Accuracy on the hidden points only (known truth, label not shown); None when none are hidden."""
    hidden = (y_semi < 0) & (y_true >= 0)
    return float((predicted[hidden] == y_true[hidden]).mean()) if hidden.any() else None
