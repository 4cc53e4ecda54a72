"""What every demo shares: options, device, the labels, label propagation done right, and self-training.

A demo turns data into embeddings in the way natural to its family; this module spreads the known labels
over those embeddings with dlguide's engine (``lpgraph``: a weighted symmetric kNN graph solved by
conjugate gradient; ``--engine sklearn`` runs scikit-learn's LabelSpreading, the reference), and the same
over the raw inputs for comparison. On built-in data a ``--labeled`` share of the truth is shown and accuracy is
counted on the hidden rest. On the user's own data every label they gave is used for the predictions,
and accuracy is estimated by k-fold over those labels (hide a fold, propagate from the others, score the
hidden fold) - ``lpresult.estimate_by_folds``, for the embeddings and the raw inputs alike.

Propagation is done the careful way: embeddings are centred and L2-normalised; the graph is a sparse
symmetric k-nearest-neighbour graph whose k adapts to the number of points (it never reaches n, and a
tiny set gets a sparse graph that still separates); a dense RBF kernel is n x n and is refused above
10,000 points; and a run that collapses to one class, does not converge or leaves points without any
label mass says so instead of printing a number that hides it.

It imports only numpy, scikit-learn, torch and the standard library so that a scaffolded demo can copy
it next to ``demo.py``.
"""

from __future__ import annotations

import argparse
import math
import platform
import sys
import time
import warnings
from contextlib import contextmanager

import numpy as np

if __package__:
    from . import lpgraph
else:  # copied next to a scaffolded demo.py
    import lpgraph

DENSE_RBF_LIMIT = 10_000
DEFAULT_ALPHA = 0.5  # demos: 10% of labels need not travel far; 0.5 matched or beat 0.8-0.99 and scikit-learn on the quick cnn, rnn and mlp runs
MAX_COUNT = 1_000_000_000  # --samples, --epochs and the like: beyond this a number is a typo, not a plan
MIN_ESTIMATE_LABELS = 20  # fewer given labels than this and a k-fold accuracy says nothing
MIN_COLLAPSE_POINTS = 10  # fewer unlabeled points than this and "all one class" is no evidence of collapse


class DemoError(Exception):
    """A problem the user can fix: bad usage (exit 2), a missing device or unreadable data (exit 1)."""

    # "output": a file the run would write is refused (exists, is an input, cannot be written); exit 1 as
    # for dlguide's own --save and scaffold, since the command line itself was well formed
    exit_codes = {"usage": 2, "device": 1, "data": 1, "output": 1}

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.exit_code = self.exit_codes[kind]


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, and says what went wrong in plain words."""

    def error(self, message: str):  # noqa: D401 - argparse's hook
        if message.startswith("unrecognized arguments: "):
            unknown = message.split(": ", 1)[1]
            message = f"{unknown}: not an option of the {self.prog}; its options are listed by --help"
        elif message.startswith("argument "):
            message = message[len("argument "):]  # "argument --labeled: ..." -> "--labeled: ..."
        raise DemoError("usage", f"{self.prog}: {message}")


def _share(*, one_allowed: bool):
    """A converter for a number above 0 and below 1 (or up to 1), whose complaint names the interval."""
    words = "a fraction between 0 and 1 (above 0)" if one_allowed else "a number between 0 and 1 (both excluded)"

    def convert(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (0.0 < value <= 1.0 if one_allowed else 0.0 < value < 1.0):
            raise argparse.ArgumentTypeError(f"expected {words}, got {text!r}")
        return value

    return convert


_fraction = _share(one_allowed=True)  # --labeled, --keep: a share of the points, all of them allowed
_alpha = _share(one_allowed=False)  # --alpha: at 1 the spreading system (I - alpha S) is singular


def _count(low: int, high: int):
    """A converter for whole numbers from ``low`` to ``high``, whose complaint names the range."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected a whole number from {low:,} to {high:,}, got {text!r}")
        return value

    convert.__name__ = "whole number"
    return convert


_positive = _count(1, MAX_COUNT)


def make_parser(family: str, description: str, *, samples: int, epochs: int) -> argparse.ArgumentParser:
    """The options every demo takes; a demo adds its own data options to the parser it gets back."""
    parser = _Parser(prog=f"{family} demo", description=description)
    add = parser.add_argument
    add("--labeled", type=_fraction, default=0.1, help="built-in data: fraction of known labels shown to the model (default 0.1; at least one per class). Your own --data: every label you gave is used")
    add("--samples", type=_positive, default=samples, help=f"built-in data: number of points to use (default {samples})")
    add("--epochs", type=_positive, default=epochs, help=f"training epochs (default {epochs})")
    add("--seed", type=_count(0, 2**32 - 1), default=0, help="random seed for data, split, folds and training (default 0)")
    add("--device", choices=["auto", "cpu", "cuda"], default="auto", help="where to train and embed (auto: cuda when present)")
    add("--quick", action="store_true", help="a run of a few seconds: fewer points and epochs (for tests)")
    add("--json", action="store_true", help="print one JSON object with the results and nothing else on stdout")
    add("--output", metavar="FILE", help="write a CSV: one row per item, named as in your data, with its label, confidence and runner-up")
    add("--map", metavar="FILE", help="where to write the PNG map of the embeddings beside the raw inputs (default: FAMILY_map.png, never overwriting a file)")
    add("--force", action="store_true", help="let --output, --map and --png replace a file that exists (never an input of the run)")
    add("--folds", type=_count(2, 20), default=5, help="your own --data: folds of the accuracy estimate over your labels (default 5)")
    add("--estimate", choices=["refit", "reuse"], default="refit", help="your own --data: per fold, train a fresh model without the fold's labels (refit, default: honest) or reuse the one trained on all (reuse: fast, optimistic)")
    add("--engine", choices=["dlguide", "sklearn"], default="dlguide", help="label propagation by dlguide's engine (default: weighted symmetric kNN graph, conjugate gradient) or scikit-learn's, the reference")
    add("--alpha", type=_alpha, default=None, help=f"how far labels spread, in (0, 1) (default {DEFAULT_ALPHA} for dlguide's engine, 0.2 for scikit-learn's LabelSpreading)")
    add("--method", choices=["spreading", "propagation"], default="spreading", help="with --engine sklearn: LabelSpreading (default) or LabelPropagation")
    add("--graph", choices=["knn", "rbf"], default="knn", help="with --engine sklearn: sparse symmetric kNN graph (default) or dense RBF (at most 10,000 points)")
    add("--neighbors", type=_count(1, 1000), default=10, help="k of the kNN graph (default 10; smaller on small sets, never n or more)")
    return parser


def propagation_settings(args) -> dict:
    """The propagation options of a run, as ``propagate`` takes them (one place, for every call)."""
    return {"engine": args.engine, "alpha": args.alpha, "method": args.method, "graph": args.graph, "neighbors": args.neighbors}


def parse(parser: argparse.ArgumentParser, argv) -> argparse.Namespace:
    """Parse ``argv`` (None: sys.argv), turning argparse's complaints into a DemoError."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = parser.parse_args(argv)
    except (ValueError, TypeError) as exc:  # a type converter that raised something argparse did not wrap
        raise DemoError("usage", str(exc)) from exc
    # which options the user typed, so that one that does not apply can be noted rather than silently ignored
    args.typed = {a.split("=", 1)[0] for a in argv if a.startswith("--")}
    return args


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


def graph_neighbors(n: int, asked: int) -> int:
    """k of the kNN graph for ``n`` points: at most ``asked``, never n or more, about sqrt(n) on a small set.

    Ten neighbours over six points join everything to everything, and every unlabeled point then takes
    the majority class; about sqrt(n) keeps a small graph sparse enough to separate its classes.
    """
    return max(1, min(asked, n - 1, max(2, int(round(math.sqrt(n))))))


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


def propagate(x, y_semi, *, engine="dlguide", alpha=None, method="spreading", graph="knn", neighbors=10, max_iter=200,
              classes=None) -> dict:
    """Spread the labels of ``y_semi`` (-1 unknown, classes 0..C-1) over ``x``.

    Returns ``labels`` and ``confidence`` per point, ``probabilities`` (N x C, columns = classes 0..C-1
    where C is one more than the largest given label), ``runner_up`` and ``runner_up_score`` (the second
    most likely class, -1 when there is none; ``classes`` widens C for a class no given label names),
    ``unreachable`` (points no label reached), the k used as
    ``neighbors``, ``warnings`` and ``iterations``.
    """
    if engine == "dlguide" and method == "spreading" and graph == "knn":
        return _propagate_lpgraph(x, y_semi, neighbors=neighbors, alpha=DEFAULT_ALPHA if alpha is None else alpha, classes=classes)
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.semi_supervised import LabelPropagation, LabelSpreading

    x = normalise(x)
    y_semi = np.asarray(y_semi)
    n = len(x)
    k = graph_neighbors(n, neighbors)
    if graph == "rbf":
        if n > DENSE_RBF_LIMIT:
            raise DemoError("usage", f"--graph rbf builds a dense {n} x {n} kernel; it is refused above {DENSE_RBF_LIMIT:,} points (use --graph knn)")
        sample = x[np.random.default_rng(0).choice(n, size=min(n, 1000), replace=False)]
        squared = ((sample[:, None, :] - sample[None, :, :]) ** 2).sum(-1)
        # the median heuristic keeps affinities away from underflow on any scale of embedding
        kernel_args = {"kernel": "rbf", "gamma": 1.0 / max(float(np.median(squared[squared > 0])) if (squared > 0).any() else 1.0, 1e-12)}
    else:
        kernel_args = {"kernel": knn_kernel(k)}
    model_cls = LabelSpreading if method == "spreading" else LabelPropagation
    extra = {"alpha": 0.2 if alpha is None else alpha} if method == "spreading" else {}
    model = model_cls(max_iter=max_iter, **kernel_args, **extra)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(divide="ignore", invalid="ignore"):
            model.fit(x, y_semi)
    classes = max(int(y_semi.max()) + 1, classes or 0)
    distributions = np.zeros((n, classes))
    distributions[:, model.classes_[model.classes_ >= 0]] = np.nan_to_num(model.label_distributions_, nan=0.0)[:, model.classes_ >= 0]
    mass = distributions.sum(axis=1)
    probabilities = distributions / np.where(mass > 0, mass, 1.0)[:, None]
    order = np.argsort(-probabilities, axis=1, kind="stable")
    labels = order[:, 0]
    confidence = np.where(mass > 0, probabilities[np.arange(n), labels], 0.0)
    runner_up = order[:, 1] if classes > 1 else np.full(n, -1)
    runner_up_score = probabilities[np.arange(n), runner_up] if classes > 1 else np.zeros(n)
    problems = []
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        problems.append(f"propagation did not converge in {max_iter} iterations")
    unreachable = int((mass <= 0).sum())
    if unreachable:
        problems.append(f"{unreachable} point(s) got no label mass (no path to any labeled point); they defaulted to class {labels[mass <= 0][0]}")
    unknown = y_semi < 0
    if unknown.sum() >= MIN_COLLAPSE_POINTS and len(np.unique(y_semi[~unknown])) > 1:
        values, counts = np.unique(labels[unknown], return_counts=True)
        if len(values) == 1 or counts.max() > 0.9 * unknown.sum():
            problems.append(f"collapse: {counts.max() / unknown.sum():.0%} of the unlabeled points got class {values[counts.argmax()]}")
    return {"labels": labels, "confidence": confidence, "probabilities": probabilities, "runner_up": runner_up,
            "runner_up_score": runner_up_score, "unreachable": unreachable, "neighbors": k if graph == "knn" else None,
            "warnings": problems, "iterations": int(model.n_iter_)}


def _propagate_lpgraph(x, y_semi, *, neighbors: int, alpha: float, classes=None) -> dict:
    """``propagate`` on dlguide's own engine (lpgraph: weighted symmetric kNN graph, conjugate gradient).

    The result keeps this module's shape: class indices 0..C-1, probabilities N x C; a point that no
    label can reach keeps label -1 and confidence 0 rather than a class it was never shown evidence for.
    """
    y_semi = np.asarray(y_semi)
    k = graph_neighbors(len(y_semi), neighbors)
    result = lpgraph.propagate(np.asarray(x, dtype=np.float64).reshape(len(y_semi), -1), y_semi, neighbors=k, alpha=alpha)
    given = np.asarray(result["classes"])
    width = max(int(y_semi.max()) + 1, classes or 0)
    probabilities = np.zeros((len(y_semi), width))
    probabilities[:, given] = result["probabilities"]
    as_class = lambda index: np.where(index >= 0, given[np.clip(index, 0, None)], -1)  # noqa: E731
    unreachable = np.asarray(result["unreachable"])
    probabilities[unreachable] = 0.0
    warnings_ = [w for w in result["warnings"] if not w.startswith("class ")]
    return {"labels": as_class(result["labels"]), "confidence": result["confidence"], "probabilities": probabilities,
            "runner_up": as_class(result["runner_up"]), "runner_up_score": result["runner_up_score"],
            "unreachable": int(unreachable.sum()), "neighbors": k, "warnings": warnings_, "iterations": result["iterations"]}


def given_labels(args, data) -> np.ndarray:
    """The labels propagation starts from: on the user's own data all of them; on built-in data a
    ``--labeled`` share of the truth, the rest hidden so that accuracy can be counted on it."""
    if data.own:
        return data.labels.copy()
    return split_labels(data.labels, args.labeled, args.seed)


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


def add_self_training(parser, rounds: int, keep: float = 0.7) -> None:
    """The options of ``self_train``: how many rounds, and how much of the propagated labels to learn from."""
    parser.add_argument("--rounds", type=_positive, default=rounds,
                        help=f"training rounds; each after the first also learns from confident propagated labels (default {rounds})")
    parser.add_argument("--keep", type=_fraction, default=keep,
                        help=f"share of the propagated labels, most confident first, that later rounds learn from (default {keep})")


def self_train(label: str, rounds: int, train_round, embed, y_semi: np.ndarray, settings: dict, timings: dict,
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
                targets = confident_targets(propagate(embeddings, y_semi, **settings), y_semi, keep)
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


def run_main(main, argv=None) -> None:
    """The ``__main__`` guard of a demo: one line on stderr and the exit code for a user error."""
    try:
        main(argv)
    except BrokenPipeError:  # a closed stdout (| head) is the reader's choice, not an error
        sys.stderr.close()
        raise SystemExit(1) from None
    except DemoError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        raise SystemExit(exc.exit_code) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
