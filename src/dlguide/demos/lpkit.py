"""What every demo shares: options, device, the labeled split, label propagation done right, the report.

A demo turns data into embeddings in the way natural to its family; this module spreads a few known
labels over those embeddings with scikit-learn's LabelSpreading (or LabelPropagation) and compares the
result with the same propagation on the raw inputs: same split, same labels. Propagation is done the
careful way: embeddings are centred and L2-normalised, the graph is a sparse symmetric k-nearest-neighbour
graph (a dense RBF kernel is n x n and is refused above 10,000 points), accuracy is counted on the hidden
points only, and a run that collapses to one class, does not converge, leaves points without any label
mass or has a class without a label says so instead of printing a number that hides it.

It imports only numpy, scikit-learn, torch and the standard library so that a scaffolded demo can copy
it next to ``demo.py``.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import sys
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np

DENSE_RBF_LIMIT = 10_000


class DemoError(Exception):
    """A problem the user can fix: bad usage (exit 2), a missing device or unreadable data (exit 1)."""

    exit_codes = {"usage": 2, "device": 1, "data": 1}

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.exit_code = self.exit_codes[kind]


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so run-demo can report usage errors in its own way."""

    def error(self, message: str):  # noqa: D401 - argparse's hook
        raise DemoError("usage", f"{self.prog}: {message}")


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a fraction in (0, 1], got {text}")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def make_parser(family: str, description: str, *, samples: int, epochs: int) -> argparse.ArgumentParser:
    """The options every demo takes; a demo adds its own data options to the parser it gets back."""
    parser = _Parser(prog=f"{family} demo", description=description)
    add = parser.add_argument
    add("--labeled", type=_fraction, default=0.1, help="fraction of known labels shown to the model (default 0.1; at least one per class)")
    add("--samples", type=_positive, default=samples, help=f"number of points to use (default {samples})")
    add("--epochs", type=_positive, default=epochs, help=f"training epochs (default {epochs})")
    add("--seed", type=int, default=0, help="random seed for data, split and training (default 0)")
    add("--device", choices=["auto", "cpu", "cuda"], default="auto", help="where to train and embed (auto: cuda when present)")
    add("--quick", action="store_true", help="a run of a few seconds: fewer points and epochs (for tests)")
    add("--json", action="store_true", help="print one JSON object with the results and nothing else on stdout")
    add("--output", metavar="FILE", help="write a CSV of every point's propagated label and confidence")
    add("--method", choices=["spreading", "propagation"], default="spreading", help="LabelSpreading (default) or LabelPropagation")
    add("--graph", choices=["knn", "rbf"], default="knn", help="sparse symmetric kNN graph (default) or dense RBF (at most 10,000 points)")
    add("--neighbors", type=_positive, default=10, help="k of the kNN graph (default 10)")
    return parser


def parse(parser: argparse.ArgumentParser, argv) -> argparse.Namespace:
    """Parse ``argv`` (None: sys.argv), turning argparse's complaints into a DemoError."""
    try:
        return parser.parse_args(argv)
    except (ValueError, TypeError) as exc:  # a type converter that raised something argparse did not wrap
        raise DemoError("usage", str(exc)) from exc


def progress(message: str) -> None:
    """Progress goes to stderr so stdout stays clean for the report or the JSON."""
    print(message, file=sys.stderr, flush=True)


def advance(label: str, done: int, total: int, **metrics) -> None:
    """Training progress: a bar redrawn in place on a terminal, a line at each quarter in a log or pipe.

    Metric values may be tensors; they are read (a device sync) only when something is drawn.
    """
    terminal = sys.stderr.isatty()
    every = max(1, total // 100) if terminal else max(1, total // 4)
    if done % every and done != total:
        return
    shown = "".join(f", {name} {float(value):.3f}" for name, value in metrics.items())
    if not terminal:
        progress(f"{label} {done}/{total}{shown}")
        return
    filled = 24 * done // total
    sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (24 - filled)}] {done}/{total}{shown}\x1b[K")
    sys.stderr.write("\n" if done == total else "")
    sys.stderr.flush()


def choose_device(name: str):
    """The torch device: 'auto' takes CUDA when present; 'cuda' without a GPU is a clear error."""
    import torch

    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise DemoError("device", "--device cuda was asked for but no CUDA GPU is available here; use --device cpu or auto")
    return torch.device(name)


def seed_everything(seed: int) -> None:
    import torch

    np.random.seed(seed)
    torch.manual_seed(seed)


def split_labels(y: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """Hide all but ``fraction`` of the known labels (-1 = hidden), keeping at least one per class.

    Points already unknown in ``y`` (-1) stay unknown. The split draws per class so every class keeps a
    label, which propagation needs: a class with no labeled point can never be predicted.
    """
    rng = np.random.default_rng(seed)
    y_semi = np.full_like(y, -1)
    for cls in np.unique(y[y >= 0]):
        members = np.flatnonzero(y == cls)
        keep = max(1, int(round(fraction * len(members))))
        y_semi[rng.choice(members, size=keep, replace=False)] = cls
    return y_semi


def normalise(x: np.ndarray) -> np.ndarray:
    """Centre, then scale each row to unit length, so distances compare directions, not magnitudes."""
    x = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    x = x - x.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


def knn_kernel(k: int):
    """A callable kernel for scikit-learn: a sparse, symmetric k-nearest-neighbour connectivity graph.

    scikit-learn's own 'knn' kernel is not symmetric; symmetrising keeps the graph Laplacian well defined.
    """
    from sklearn.neighbors import NearestNeighbors

    def kernel(a: np.ndarray, b: np.ndarray):
        neighbours = NearestNeighbors(n_neighbors=min(k + 1, len(b))).fit(b)
        graph = neighbours.kneighbors_graph(a, mode="connectivity")
        if a is b:
            graph = graph.maximum(graph.T).tolil()
            graph.setdiag(0)
            graph = graph.tocsr()
            graph.eliminate_zeros()
        return graph

    return kernel


def propagate(x, y_semi, *, method="spreading", graph="knn", neighbors=10, max_iter=200) -> dict:
    """Spread the labels of ``y_semi`` (-1 unknown) over ``x``; returns labels, confidence and warnings."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.semi_supervised import LabelPropagation, LabelSpreading

    x = normalise(x)
    n = len(x)
    if graph == "rbf":
        if n > DENSE_RBF_LIMIT:
            raise DemoError("usage", f"--graph rbf builds a dense {n} x {n} kernel; it is refused above {DENSE_RBF_LIMIT:,} points (use --graph knn)")
        sample = x[np.random.default_rng(0).choice(n, size=min(n, 1000), replace=False)]
        squared = ((sample[:, None, :] - sample[None, :, :]) ** 2).sum(-1)
        # the median heuristic keeps affinities away from underflow on any scale of embedding
        kernel_args = {"kernel": "rbf", "gamma": 1.0 / max(float(np.median(squared[squared > 0])), 1e-12)}
    else:
        kernel_args = {"kernel": knn_kernel(neighbors)}
    model_cls = LabelSpreading if method == "spreading" else LabelPropagation
    extra = {"alpha": 0.2} if method == "spreading" else {}
    model = model_cls(max_iter=max_iter, **kernel_args, **extra)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(divide="ignore", invalid="ignore"):
            model.fit(x, y_semi)
    distributions = np.nan_to_num(model.label_distributions_, nan=0.0)
    mass = distributions.sum(axis=1)
    labels = model.classes_[distributions.argmax(axis=1)]
    confidence = np.where(mass > 0, distributions.max(axis=1) / np.where(mass > 0, mass, 1), 0.0)
    problems = []
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        problems.append(f"propagation did not converge in {max_iter} iterations")
    starved = int((mass <= 0).sum())
    if starved:
        problems.append(f"{starved} point(s) got no label mass (no affinity to any labeled point); they defaulted to class {model.classes_[0]}")
    unknown = y_semi < 0
    if unknown.any() and len(np.unique(y_semi[~unknown])) > 1:
        values, counts = np.unique(labels[unknown], return_counts=True)
        if len(values) == 1 or counts.max() > 0.9 * unknown.sum():
            problems.append(f"collapse: {counts.max() / unknown.sum():.0%} of the unlabeled points got class {values[counts.argmax()]}")
    return {"labels": labels, "confidence": confidence, "warnings": problems, "iterations": int(model.n_iter_)}


def accuracy(predicted, y_true, y_semi):
    """Accuracy on the hidden points only (known truth, label not shown); None when none are hidden."""
    hidden = (y_semi < 0) & (y_true >= 0)
    return float((predicted[hidden] == y_true[hidden]).mean()) if hidden.any() else None


def confident_targets(result: dict, y_semi: np.ndarray, keep: float = 0.7) -> np.ndarray:
    """Self-training targets: the given labels plus the most confident ``keep`` share of propagated ones.

    Only labels the user gave and labels propagated from them are used, never the hidden truth.
    """
    targets = y_semi.copy()
    hidden = np.flatnonzero(y_semi < 0)
    if len(hidden):
        cut = np.quantile(result["confidence"][hidden], 1.0 - keep)
        chosen = hidden[result["confidence"][hidden] >= cut]
        targets[chosen] = result["labels"][chosen]
    return targets


def random_shift(x):
    """Images moved by up to 1/8 of their side (one offset per batch): the same digit, a pixel away."""
    import torch.nn.functional as F

    pad = max(1, x.shape[-1] // 8)
    padded = F.pad(x, (pad, pad, pad, pad))
    dx, dy = np.random.randint(0, 2 * pad + 1, size=2)
    return padded[..., dy : dy + x.shape[-2], dx : dx + x.shape[-1]]


def random_affine(x, degrees: float = 12.0, shift: float = 0.125, scale: float = 0.1):
    """Each image turned by up to ``degrees``, moved by up to ``shift`` of its side and scaled by up to
    ``scale``, independently per image: the same digit as another hand might have written it."""
    import math

    import torch
    import torch.nn.functional as F

    n = len(x)
    angle = (torch.rand(n, device=x.device) * 2 - 1) * math.radians(degrees)
    zoom = 1 + (torch.rand(n, device=x.device) * 2 - 1) * scale
    move = (torch.rand(n, 2, device=x.device) * 2 - 1) * shift * 2  # grid coordinates span [-1, 1]
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack([torch.stack([cos, -sin, move[:, 0]], 1), torch.stack([sin, cos, move[:, 1]], 1)], 1)  # N x 2 x 3
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")


def add_self_training(parser, rounds: int, keep: float = 0.7) -> None:
    """The options of ``self_train``: how many rounds, and how much of the propagated labels to learn from."""
    parser.add_argument("--rounds", type=_positive, default=rounds,
                        help=f"training rounds; each after the first also learns from confident propagated labels (default {rounds})")
    parser.add_argument("--keep", type=_fraction, default=keep,
                        help=f"share of the propagated labels, most confident first, that later rounds learn from (default {keep})")


def self_train(label: str, rounds: int, train_round, embed, y_semi: np.ndarray, neighbors: int, timings: dict,
               keep: float = 0.7) -> np.ndarray:
    """Train, embed, and before each further round add the most confident propagated labels as targets.

    ``train_round(targets)`` trains on the points whose target is not -1 (it may return a loss to show);
    ``embed()`` returns the embeddings of every point. Only given labels and labels propagated from them
    are ever targets (self-training), never the hidden truth. Returns the last round's embeddings.
    """
    targets = y_semi
    for round_ in range(rounds):
        with timed(timings, "train"):
            loss = train_round(targets)
        with timed(timings, "embed"):
            embeddings = embed()
        shown = f", loss {loss:.3f}" if loss is not None else ""
        progress(f"{label}: round {round_ + 1}/{rounds}, {int((targets >= 0).sum())} targets{shown}")
        if round_ + 1 < rounds:
            with timed(timings, "train"):
                targets = confident_targets(propagate(embeddings, y_semi, neighbors=neighbors), y_semi, keep)
    return embeddings


@contextmanager
def timed(timings: dict, phase: str):
    start = time.perf_counter()
    yield
    timings[phase] = round(timings.get(phase, 0.0) + time.perf_counter() - start, 3)


def versions() -> dict:
    import sklearn
    import torch

    return {"python": platform.python_version(), "torch": torch.__version__, "sklearn": sklearn.__version__, "numpy": np.__version__}


def evaluate(args, *, family, variant, dataset, device, embeddings, raw, y_true, y_semi, timings, class_names, files=None) -> dict:
    """Propagate on the embeddings and on the raw inputs, check both, and build the result object."""
    settings = {"method": args.method, "graph": args.graph, "neighbors": args.neighbors}
    with timed(timings, "propagate"):
        ours = propagate(embeddings, y_semi, **settings)
    with timed(timings, "propagate_raw"):
        base = propagate(raw, y_semi, **settings)
    missing = sorted(set(np.unique(y_true[y_true >= 0])) - set(np.unique(y_semi[y_semi >= 0])))
    notes = [f"class {class_names[c]} has no labeled point and cannot be predicted" for c in missing]
    notes += [f"embeddings: {w}" for w in ours["warnings"]] + [f"raw baseline: {w}" for w in base["warnings"]]
    files = dict(files or {})
    if args.output:
        files["csv"] = write_csv(args.output, ours, y_true, y_semi, class_names)
    return {
        "family": family, "variant": variant, "dataset": dataset,
        "n_samples": int(len(y_true)), "n_labeled": int((y_semi >= 0).sum()),
        "n_hidden": int(((y_semi < 0) & (y_true >= 0)).sum()), "n_unlabeled": int((y_true < 0).sum()),
        "n_classes": len(class_names), "embedding_dim": int(np.asarray(embeddings).reshape(len(y_true), -1).shape[1]),
        "device": str(device), "seed": args.seed, "quick": bool(args.quick), "epochs": args.epochs,
        "labeled_fraction": args.labeled, "propagation": settings,
        "accuracy": {"embeddings": accuracy(ours["labels"], y_true, y_semi), "raw_baseline": accuracy(base["labels"], y_true, y_semi)},
        "chance": round(1.0 / max(len(class_names), 1), 4),
        "timings": timings, "warnings": notes, "files": files, "versions": versions(),
    }


def write_csv(path, result: dict, y_true, y_semi, class_names) -> str:
    """One row per point: its given label, its true label if known, the propagated label and confidence."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    name = lambda c: class_names[c] if c >= 0 else ""  # noqa: E731
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["index", "role", "given_label", "true_label", "propagated_label", "confidence"])
        for i, (truth, given) in enumerate(zip(y_true, y_semi)):
            role = "labeled" if given >= 0 else ("hidden" if truth >= 0 else "unlabeled")
            writer.writerow([i, role, name(given), name(truth), name(result["labels"][i]), f"{result['confidence'][i]:.4f}"])
    return str(path)


def save_grid(images, path, default: str, nrow: int = 8) -> str:
    """Write a PNG grid of images (a tensor N x C x H x W in [0, 1]); returns the path written.

    ``path`` is the user's --png: theirs to name, and written as asked. Without it the grid goes to
    ``default`` in the current folder, or to the first free ``name-1.png``, ``name-2.png``... so that a
    demo never overwrites a file the user already had.
    """
    from torchvision.utils import save_image

    path = Path(path) if path else free_path(Path(default))
    path.parent.mkdir(parents=True, exist_ok=True)
    save_image(images.detach().float().cpu().clamp(0, 1), str(path), nrow=nrow, padding=1)
    return str(path)


def free_path(path: Path) -> Path:
    """``path`` itself if nothing is there, else the first of path-1, path-2, ... that is free."""
    candidate, number = path, 0
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def report(result: dict, as_json: bool) -> None:
    """Print the result: one JSON object, or a plain table (no rich, so a copied demo needs nothing more)."""
    if as_json:
        print(json.dumps(result, indent=2))
        return
    fmt = lambda v: "n/a (no hidden points)" if v is None else f"{v:.3f}"  # noqa: E731
    t = result["timings"]
    lines = [
        f"{result['family']} demo ({result['variant']}) on {result['dataset']}: {result['n_samples']} points, "
        f"{result['n_labeled']} labeled, {result['n_hidden']} hidden, {result['n_unlabeled']} unlabeled; seed {result['seed']}",
        "",
        f"  {'propagation on':<28}{'accuracy on hidden points':>26}",
        f"  {result['family'] + ' embeddings':<28}{fmt(result['accuracy']['embeddings']):>26}",
        f"  {'raw inputs (baseline)':<28}{fmt(result['accuracy']['raw_baseline']):>26}",
        f"  {'chance':<28}{result['chance']:>26.3f}",
        "",
        f"  {'phase':<28}{'seconds':>26}",
    ]
    lines += [f"  {phase:<28}{t[phase]:>26.2f}" for phase in ("train", "embed", "propagate", "propagate_raw") if phase in t]
    lines += [f"  {'device':<28}{result['device']:>26}", ""]
    lines += [f"warning: {w}" for w in result["warnings"]] or ["no warnings: propagation converged and did not collapse"]
    lines += [f"wrote {kind}: {path}" for kind, path in result["files"].items()]
    print("\n".join(lines))


def run_main(main, argv=None) -> None:
    """The ``__main__`` guard of a demo: one line on stderr and the exit code for a user error."""
    try:
        main(argv)
    except DemoError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        raise SystemExit(exc.exit_code) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
