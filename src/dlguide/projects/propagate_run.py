"""``dlguide propagate`` from files to summary: check, read, match, propagate, estimate, write, summarise.

The engine is ``dlguide.demos.lpgraph``; ``engine="sklearn"`` runs scikit-learn's kNN ``LabelSpreading``
on the same prepared embeddings instead, as the reference to compare with. The result is one summary
dict (the ``--json`` contract: ``dlguide.rendering.contract.PropagateDocument``) that ``text`` turns into lines for a person.
Progress goes to stderr: a percentage redrawn in place on a terminal, a line per phase otherwise.
numpy, scipy and scikit-learn are imported only inside ``run``.
"""

from __future__ import annotations

import importlib.util
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from dlguide.errors import DEMOS_INSTALL, DataError, DeviceError, MissingExtraError, UsageError
from dlguide.projects import propagate_io as io
from dlguide.rendering.output import note



@dataclass
class Settings:
    """What the command line asked for."""

    embeddings: Path
    labels: Path
    output: Optional[str] = None  # as typed: "" must stay empty, never become "."
    neighbors: Optional[int] = None
    alpha: float = 0.99
    metric: str = "cosine"
    device: str = "auto"
    engine: str = "dlguide"
    folds: int = 5
    id_column: Optional[str] = None
    array: Optional[str] = None
    force: bool = False
    label_column: str = "label"
    labels_id_column: str = "id"


class Progress:
    """The engine's progress callback: an in-place percentage on a terminal, nothing in a pipe or a log."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()
        self.shown = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.live:
            return
        text = f"{phase} {100 * done // total}%" if phase == "knn" else f"{phase} step {done}"
        if text != self.shown:
            sys.stderr.write(f"\r{text}\x1b[K")
            sys.stderr.flush()
            self.shown = text

    def line(self, message: str) -> None:
        """A terse line for the phase that just ended (clearing the in-place percentage first)."""
        if self.live and self.shown:
            sys.stderr.write("\r\x1b[K")
            self.shown = None
        note(f"dlguide: {message}")


def check_settings(settings: Settings) -> None:
    if not 0 < settings.alpha < 1:
        raise UsageError(f"--alpha must be between 0 and 1 (exclusive), got {settings.alpha}")
    if settings.folds == 1:
        raise UsageError("--folds must be 0 (no estimate) or at least 2, got 1")
    missing = [name for module, name in (("numpy", "numpy"), ("scipy", "scipy")) if importlib.util.find_spec(module) is None]
    if settings.engine == "sklearn" and importlib.util.find_spec("sklearn") is None:
        missing.append("scikit-learn")
    if missing:
        raise MissingExtraError(f"dlguide propagate needs {', '.join(missing)}, which are not installed; install them with: {DEMOS_INSTALL}",
                                hint=DEMOS_INSTALL)


def run(settings: Settings) -> dict:
    """Propagate the labels of ``settings.labels`` over ``settings.embeddings`` and write the output CSV."""
    check_settings(settings)
    output = io.check_output(settings.output if settings.output is not None else io.default_output(settings.embeddings),
                             [settings.embeddings, settings.labels], settings.force)
    _check_device(settings)
    progress, timings, started = Progress(), {}, time.perf_counter()
    embeddings = io.read_embeddings(settings.embeddings, array=settings.array, id_column=settings.id_column)
    texts, ids, matched_by = io.match(embeddings, io.read_labels(settings.labels, settings.label_column, settings.labels_id_column), settings.labels)
    y, names = io.encode(texts, settings.labels, settings.label_column)
    n, d = embeddings.x.shape
    timings["read"] = time.perf_counter() - started
    if settings.neighbors is not None and settings.neighbors >= n:
        raise UsageError(f"--neighbors must be below the number of items ({n}), got {settings.neighbors}")
    progress.line(f"read {n:,} x {d} embeddings and {int((y >= 0).sum()):,} labels in {len(names)} classes; "
                  f"rows matched by {'id' if matched_by == 'id' else 'order (row i of the labels is row i of the embeddings)'}")
    result, estimate, notes = _propagate(embeddings.x, y, settings, progress, timings)
    start = time.perf_counter()
    io.write_rows(output, ids, texts, names, result)
    timings["write"] = time.perf_counter() - start
    timings["total"] = time.perf_counter() - started
    return _summary(settings, output, embeddings.x, y, names, matched_by, result, estimate, notes, timings)


def _check_device(settings: Settings) -> None:
    """Refuse a missing GPU before reading anything; scikit-learn runs on the CPU only."""
    from dlguide.demos import lpgraph

    if settings.engine == "sklearn" and settings.device == "cuda":
        raise UsageError("--engine sklearn runs on the CPU only; use --device cpu or auto, or --engine dlguide")
    try:
        lpgraph.check_device(settings.device)
    except lpgraph.DeviceUnavailable:
        raise DeviceError("--device cuda was asked for but no CUDA GPU is available here; use --device cpu or auto") from None


def _propagate(x, y, settings: Settings, progress: Progress, timings: dict):
    from dlguide.demos import lpgraph

    options = {"neighbors": settings.neighbors, "metric": settings.metric, "device": settings.device, "progress": progress}
    notes = []
    try:
        if settings.engine == "sklearn":
            start = time.perf_counter()
            result = sklearn_propagate(x, y, neighbors=settings.neighbors, alpha=settings.alpha, metric=settings.metric)
            timings["propagate"] = time.perf_counter() - start
            progress.line(f"scikit-learn LabelSpreading took {timings['propagate']:.1f} s ({result['iterations']} steps)")
            if settings.folds:
                notes.append("the estimate over folds is computed by the dlguide engine only; none with --engine sklearn")
            return result, None, notes
        graph = lpgraph.build_graph(x, **options)
        timings.update(graph.timings)
        progress.line(f"{graph.index} kNN graph of {graph.n:,} points (k={graph.neighbors}) built in "
                      f"{graph.timings['knn'] + graph.timings['graph']:.1f} s on {graph.device}")
        result = lpgraph.propagate(x, y, graph=graph, alpha=settings.alpha, progress=progress)
        timings["solve"] = result["timings"]["solve"]
        progress.line(f"solved in {result['iterations']} steps ({timings['solve']:.1f} s)")
        estimate = None
        if settings.folds:
            start = time.perf_counter()
            estimate = lpgraph.estimate_by_folds(x, y, folds=settings.folds, graph=graph, alpha=settings.alpha)
            timings["folds"] = time.perf_counter() - start
            progress.line(f"estimated accuracy over {settings.folds} folds of the given labels in {timings['folds']:.1f} s")
        return result, estimate, notes
    except lpgraph.PropagationError as exc:
        raise DataError(str(exc)) from None


def sklearn_propagate(x, y, *, neighbors=None, alpha=0.99, metric="cosine", max_iter=1000) -> dict:
    """scikit-learn's ``LabelSpreading(kernel="knn")`` on the embeddings prepared as the engine does; same result keys."""
    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.semi_supervised import LabelSpreading

    from dlguide.demos import lpgraph

    x, y, classes = lpgraph.check_inputs(x, y)
    k = neighbors or lpgraph.choose_neighbors(len(x))
    model = LabelSpreading(kernel="knn", n_neighbors=k, alpha=alpha, max_iter=max_iter)
    with warnings.catch_warnings(record=True) as caught, np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("always")
        model.fit(lpgraph.prepare(x, metric), y)
    result = lpgraph.outcome(np.nan_to_num(model.label_distributions_, nan=0.0), y, classes, False)
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        result["warnings"].append(f"scikit-learn's LabelSpreading did not converge in {max_iter} steps")
    result.update(iterations=int(model.n_iter_), neighbors=k, index="exact", backend="sklearn", device="cpu")
    return result


def _summary(settings, output, x, y, names, matched_by, result, estimate, notes, timings) -> dict:
    import numpy as np

    labels = result["labels"]
    per_class = {name: {"given": int((y == i).sum()), "predicted": int((labels == i).sum())} for i, name in enumerate(names)}
    if estimate is not None:
        estimate = {**estimate, "per_class": {names[int(c)]: v for c, v in estimate["per_class"].items()}}
    return {
        "embeddings": str(settings.embeddings), "labels": str(settings.labels), "output": str(output),
        "items": int(len(x)), "dimensions": int(x.shape[1]), "matched_by": matched_by,
        "engine": settings.engine, "device": result["device"], "backend": result["backend"], "index": result["index"],
        "neighbors": int(result["neighbors"]), "alpha": settings.alpha, "metric": settings.metric,
        "classes": names,
        "counts": {"given": int((y >= 0).sum()), "unknown": int((y < 0).sum()),
                   "unreachable": int(np.asarray(result["unreachable"]).sum()), "per_class": per_class},
        "iterations": int(result["iterations"]),
        "timings": {phase: round(float(seconds), 3) for phase, seconds in timings.items()},
        "estimate": estimate,
        "warnings": notes + list(result["warnings"]),
    }


def text(summary: dict) -> list:
    """The summary as lines for a person."""
    counts = summary["counts"]
    engine = "dlguide's engine" if summary["engine"] == "dlguide" else "scikit-learn's LabelSpreading"
    lines = [f"propagated {counts['given']:,} given labels over {summary['items']:,} items ({summary['dimensions']} dimensions) "
             f"with {engine} on {summary['device']}: k={summary['neighbors']}, alpha {summary['alpha']}, {summary['metric']}, "
             f"{summary['index']} neighbours", ""]
    width = max(12, *(len(name) for name in summary["classes"]))
    lines.append(f"  {'class':<{width}} {'given':>10} {'predicted':>10}")
    lines += [f"  {name:<{width}} {c['given']:>10,} {c['predicted']:>10,}" for name, c in counts["per_class"].items()]
    if counts["unreachable"]:
        lines.append(f"  {'(no label)':<{width}} {'':>10} {counts['unreachable']:>10,}")
    estimate = summary["estimate"]
    if estimate is not None:
        lines.append("")
        if estimate["accuracy"] is None or not estimate["meaningful"]:  # a number that means nothing is not shown
            lines.append(f"estimate: {estimate['note']}")
        else:
            lines.append(f"estimated accuracy, {estimate['folds']} folds over the given labels: {estimate['accuracy']:.3f} "
                         f"(spread {estimate['spread']:.3f} across folds)" + (f" - {estimate['note']}" if estimate["note"] else ""))
    lines += ["", "seconds: " + ", ".join(f"{phase} {sec:.2f}" for phase, sec in summary["timings"].items())]
    lines += [f"warning: {w}" for w in summary["warnings"]]
    lines.append(f"wrote {summary['output']}")
    return lines
