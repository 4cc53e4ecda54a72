"""Label propagation on a weighted, symmetric k-nearest-neighbour graph: the engine the demos share.

Zhou et al. (2004) spreading: F = (I - alpha S)^-1 Y, with S = D^-1/2 W D^-1/2 the normalised graph and Y
the one-hot given labels, solved for all classes at once by conjugate gradient (scipy sparse on CPU,
torch on CUDA). W joins each point to its k nearest neighbours (the union of both directions, no
self-loops); its weights are the cosine similarity cubed (Iscen et al., 2019) for ``metric="cosine"``
(the rows are centred and L2-normalised first), or Gaussian with a local scale per point
(Zelnik-Manor and Perona, 2004) for ``metric="euclidean"``. Neighbours come from an exact blocked search
(matrix products and a top-k) up to ``EXACT_LIMIT`` points, and above it from faiss' inverted-file index
when faiss is installed (an exact search and a note otherwise). On CUDA the search is exact (torch).

API, stable for the demos, ``dlguide propagate`` and the scaffolded projects:

- ``propagate(x, y_semi, *, neighbors=None, alpha=0.99, metric="cosine", device="cpu",
  class_mass_normalise=False, index="auto", progress=None, classes=None, graph=None) -> dict``.
  ``x`` is N x d; ``y_semi`` holds N integer labels, -1 for unknown. The result: ``labels`` (N ints,
  the index into ``classes``, the sorted distinct given labels; -1 for a point the labels cannot reach),
  ``classes``, ``probabilities`` (N x C, rows sum to 1, never NaN; uniform where unreachable),
  ``confidence``, ``runner_up`` (class index, -1 when C = 1), ``runner_up_score``, ``unreachable``
  (bool N: no path to any label), ``warnings`` (list of str), ``iterations``, ``timings`` (seconds per
  phase: knn, graph, solve), ``predicted`` (``classes[labels]``: the labels as given, -1 where none),
  and what was used: ``neighbors``, ``index`` ('exact' or 'approximate'), ``backend``, ``device``.
  ``labels`` may differ from a point's own given label where its neighbours outweigh it (spreading,
  not clamping). ``class_mass_normalise`` scales each class's total to its share of the labels (Zhu
  et al., 2003); ``backend="torch"`` runs the CUDA code on the CPU (tests).
- ``estimate_by_folds(x, y_semi, *, folds=5, seed=0, **propagate_kwargs) -> dict``: hide each fold of
  the given labels in turn, propagate from the rest on the same graph and score the hidden fold.
- ``build_graph(x, ...) -> Graph`` and ``solve(graph, y_semi, ...)``, the two halves of ``propagate``.

The neighbour searches and the edge weights are in ``lpknn``. It imports numpy, scipy and the standard library;
torch only on the torch path, faiss only for the approximate index, so that a scaffolded demo can copy
this file next to ``demo.py``.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field

import numpy as np

if __package__:
    from . import lpknn
else:  # run as a copied script: the helpers sit next to this file
    import lpknn

DEFAULT_NEIGHBORS = 10
EXACT_LIMIT = 3_000  # above this many points the faiss index is faster (benchmarks/propagate.py: 2k vs 5k)
MIN_FOLD_LABELS = 20


class PropagationError(ValueError):
    """Input the engine cannot propagate: a bad shape, NaN, fewer than one class, an unknown option."""


class DeviceUnavailable(PropagationError):
    """``device="cuda"`` was asked for where torch sees no CUDA GPU."""


@dataclass
class Graph:
    """The symmetric weight matrix W (scipy CSR, or a torch sparse CSR tensor on the torch path)."""

    weights: object
    n: int
    neighbors: int
    index: str
    backend: str
    device: str = "cpu"
    timings: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    def to_scipy(self):
        """W as a scipy CSR matrix, whatever the backend (for tests and the reference)."""
        if self.backend == "numpy":
            return self.weights
        import scipy.sparse as sp

        w = self.weights.to_sparse_coo().coalesce().cpu()
        rows, cols = w.indices().numpy()
        return sp.csr_matrix((w.values().double().numpy(), (rows, cols)), shape=(self.n, self.n))


def choose_neighbors(n: int) -> int:
    """k for n points: 10, fewer for tiny sets (a third of them, so two small clusters stay apart), < n."""
    return max(0, min(DEFAULT_NEIGHBORS, max(1, n // 3), n - 1))


def check_inputs(x, y_semi) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x as float32 N x d, y_semi as int64 N, and the sorted given classes; raises PropagationError."""
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        raise PropagationError(f"embeddings must be a non-empty N x d array, got shape {x.shape}")
    if not np.issubdtype(x.dtype, np.number) or np.iscomplexobj(x):
        raise PropagationError(f"embeddings must be real numbers, got dtype {x.dtype}")
    bad = ~np.isfinite(x).all(axis=1)
    if bad.any():
        rows = np.flatnonzero(bad)
        raise PropagationError(f"embeddings row {rows[0]} holds NaN or infinity ({len(rows)} such row(s)); remove or fix them")
    y = np.asarray(y_semi)
    if y.shape != (len(x),):
        raise PropagationError(f"labels must be one per embedding row: {len(x)} rows but labels of shape {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise PropagationError(f"labels must be integers (-1 for unknown), got dtype {y.dtype}")
    if (y < -1).any():
        raise PropagationError(f"labels must be -1 (unknown) or a class >= 0, got {int(y.min())}")
    classes = np.unique(y[y >= 0])
    if len(classes) == 0:
        raise PropagationError("no point has a label: give at least one label per class (-1 means unknown)")
    return x.astype(np.float32, copy=False), y.astype(np.int64), classes


def prepare(x: np.ndarray, metric: str) -> np.ndarray:
    """Cosine: rows centred then scaled to unit length (similarity = dot product). Euclidean: as given."""
    if metric not in ("cosine", "euclidean"):
        raise PropagationError(f"metric must be 'cosine' or 'euclidean', got {metric!r}")
    x = np.ascontiguousarray(x, dtype=np.float32)
    if metric == "euclidean":
        return x
    x = x - x.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.ascontiguousarray(x / np.where(norms > 0, norms, 1.0))


def _report(progress, phase: str, done: int, total: int) -> None:
    if progress is not None:
        progress(phase, done, total)


def _backend(device: str, backend):
    """('numpy' or 'torch', torch device name) for the device asked; refuses cuda without a GPU."""
    if device not in ("auto", "cpu", "cuda"):
        raise PropagationError(f"device must be 'auto', 'cpu' or 'cuda', got {device!r}")
    if backend not in (None, "numpy", "torch"):
        raise PropagationError(f"backend must be 'numpy' or 'torch', got {backend!r}")
    if device == "cpu":
        return backend or "numpy", "cpu"
    if device == "auto" and backend is None and not _may_have_cuda():
        return "numpy", "cpu"
    try:
        import torch

        has_cuda = torch.cuda.is_available()
    except ImportError:
        has_cuda = False
    if device == "cuda" and not has_cuda:
        raise DeviceUnavailable("device 'cuda' was asked for but no CUDA GPU is available here; use device 'cpu' or 'auto'")
    if not has_cuda:  # auto on a machine without a GPU
        return backend or "numpy", "cpu"
    if backend == "numpy":
        raise PropagationError("the numpy backend runs on the CPU only; use backend 'torch' on cuda")
    return "torch", "cuda"


def _may_have_cuda() -> bool:
    """False when there is surely no CUDA GPU (no torch, or Linux without the NVIDIA driver); saves
    'auto' the second it takes to import torch just to hear that."""
    import importlib.util
    import os
    import sys

    if importlib.util.find_spec("torch") is None:
        return False
    return not sys.platform.startswith("linux") or os.path.exists("/proc/driver/nvidia/version")


def check_device(device: str, backend=None) -> str:
    """The device that ``device`` resolves to here ('cpu' or 'cuda'); raises DeviceUnavailable for a missing GPU."""
    return _backend(device, backend)[1]


def build_graph(x, *, neighbors=None, metric="cosine", index="auto", device="cpu", backend=None, progress=None) -> Graph:
    """The symmetric weighted kNN graph of ``x`` (see the module docstring for the choices made)."""
    import scipy.sparse  # noqa: F401 - imported before the clock starts, so the phases time work, not imports
    x = prepare(check_inputs(x, np.zeros(len(np.asarray(x)), dtype=np.int64))[0], metric)
    n = len(x)
    k = choose_neighbors(n) if neighbors is None else int(neighbors)
    if n > 1 and not 1 <= k < n:
        raise PropagationError(f"neighbors must be between 1 and {n - 1} for {n} points, got {k}")
    if index not in ("auto", "exact", "approximate"):
        raise PropagationError(f"index must be 'auto', 'exact' or 'approximate', got {index!r}")
    backend, where = _backend(device, backend)
    notes, timings = [], {}
    used = "exact" if index == "exact" or (index == "auto" and n <= EXACT_LIMIT) or backend == "torch" else "approximate"
    if n == 1:
        import scipy.sparse as sp

        return Graph(sp.csr_matrix((1, 1)), 1, 0, "exact", "numpy", timings={"knn": 0.0, "graph": 0.0})
    start = time.perf_counter()
    if backend == "torch":
        import torch

        dtype = torch.float64 if where == "cpu" else torch.float32
        xt = torch.from_numpy(x).to(device=where, dtype=dtype)
        indices, scores = lpknn.knn_torch(xt, k, metric, progress)
        _sync(where)
        timings["knn"] = time.perf_counter() - start
        start = time.perf_counter()
        with warnings.catch_warnings():  # torch's notes that sparse CSR is in beta, on every run
            warnings.simplefilter("ignore", UserWarning)
            weights = lpknn.symmetric_torch(indices, lpknn.edge_weights(indices, scores, metric, xp=torch), n)
        _sync(where)
    else:
        if used == "approximate" and n < 1000:
            used = "exact"  # an index over so few points saves nothing
        if used == "approximate":
            try:
                indices, scores = lpknn.knn_faiss(x, k, metric, progress)
            except ImportError:
                used = "exact"
                notes.append(f"faiss is not installed, so the {n:,} points were searched exactly (slower); pip install faiss-cpu")
        if used == "exact":
            indices, scores = lpknn.knn_exact(x, k, metric, progress)
        timings["knn"] = time.perf_counter() - start
        start = time.perf_counter()
        weights = lpknn.symmetric_numpy(indices, lpknn.edge_weights(indices, scores, metric), n)
    timings["graph"] = time.perf_counter() - start
    return Graph(weights, n, k, used, backend, device=where, timings=timings, notes=notes)


def _sync(device: str) -> None:
    if device == "cuda":
        import torch

        torch.cuda.synchronize()


def _normalised(graph: Graph):
    """S = D^-1/2 W D^-1/2 (Zhou et al., 2004); an isolated point keeps a zero row."""
    if graph.backend == "numpy":
        import scipy.sparse as sp

        degree = np.asarray(graph.weights.sum(axis=1)).ravel()
        scale = np.where(degree > 0, 1.0 / np.sqrt(np.where(degree > 0, degree, 1.0)), 0.0)
        return (sp.diags(scale) @ graph.weights @ sp.diags(scale)).tocsr()
    import torch

    w = graph.weights
    crow, col, values = w.crow_indices(), w.col_indices(), w.values()
    degree = torch.zeros(graph.n, dtype=values.dtype, device=values.device)
    rows = torch.repeat_interleave(torch.arange(graph.n, device=values.device), crow.diff())
    degree.index_add_(0, rows, values)
    scale = torch.where(degree > 0, degree.clamp_min(1e-300).rsqrt(), torch.zeros_like(degree))
    return torch.sparse_csr_tensor(crow, col, values * scale[rows] * scale[col], (graph.n, graph.n))


def conjugate_gradient(matvec, b, *, tol: float, max_iter: int, xp, progress=None):
    """Solve A X = B for every column of B at once (A symmetric positive definite); ``xp`` is numpy or torch.

    Each column keeps its own step sizes, so this is C independent CG runs sharing one sparse product
    per step. Stops when every column's residual is below ``tol`` times its right-hand side's norm.
    Updates are in place: at 200,000 points the temporaries, not the sparse product, cost the most.
    """
    def dot(a, c):
        return xp.einsum("ij,ij->j", a, c)

    x = xp.zeros_like(b)
    r = b * 1
    p = b * 1
    rs = dot(r, r)
    target = (tol * tol) * rs
    for step in range(max_iter):
        if bool((rs <= target).all()):
            return x, step
        ap = matvec(p)
        curvature = dot(p, ap)
        size = xp.where(curvature > 0, rs / xp.where(curvature > 0, curvature, 1), 0)
        x += size * p
        ap *= size
        r -= ap
        new = dot(r, r)
        p *= xp.where(rs > 0, new / xp.where(rs > 0, rs, 1), 0)
        p += r
        rs = new
        _report(progress, "solve", step + 1, max_iter)
    return x, max_iter


def _shifted(s, alpha: float):
    """p -> (I - alpha S) p, in place on the product's result."""
    def matvec(p):
        out = s @ p
        out *= -alpha
        out += p
        return out

    return matvec


def solve(graph: Graph, y_semi, classes, *, alpha=0.99, tol=1e-6, max_iter=1000, progress=None):
    """F = (I - alpha S)^-1 Y for the one-hot Y of ``y_semi`` over ``classes``; returns (F numpy, steps).

    ``y_semi`` may be m x N (several labelings of the same points, as the folds are): F is then N x mC,
    the C columns of each labeling side by side, all solved in one run of the solver.
    """
    if not 0 < alpha < 1:
        raise PropagationError(f"alpha must be between 0 and 1 (exclusive), got {alpha}")
    labelings = np.atleast_2d(np.asarray(y_semi))
    onehot = np.zeros((graph.n, len(classes) * len(labelings)))
    for i, labeling in enumerate(labelings):
        given = np.flatnonzero(labeling >= 0)
        onehot[given, i * len(classes) + np.searchsorted(classes, labeling[given])] = 1.0
    s = _normalised(graph)
    if graph.backend == "numpy":
        f, steps = conjugate_gradient(_shifted(s, alpha), onehot, tol=tol, max_iter=max_iter, xp=np, progress=progress)
        return np.asarray(f), steps
    import torch

    b = torch.from_numpy(onehot).to(device=graph.device, dtype=s.values().dtype)
    f, steps = conjugate_gradient(_shifted(s, alpha), b, tol=tol, max_iter=max_iter, xp=torch, progress=progress)
    _sync(graph.device)
    return f.double().cpu().numpy(), steps


def outcome(f: np.ndarray, y_semi: np.ndarray, classes: np.ndarray, class_mass_normalise: bool) -> dict:
    """Probabilities, labels, runner-up and the warnings a user must see, from the solved F."""
    n, c = f.shape
    unreachable = ~(f != 0).any(axis=1)  # CG from zero leaves exact zeros where no label can flow
    mass = np.clip(f, 0.0, None)
    if class_mass_normalise:  # each class's total mass made proportional to its share of the labels (Zhu 2003)
        prior = np.array([(y_semi == cls).sum() for cls in classes], dtype=np.float64)
        totals = mass.sum(axis=0)
        mass = mass * np.where(totals > 0, prior / prior.sum() / np.where(totals > 0, totals, 1), 0.0)
    total = mass.sum(axis=1)
    undecided = (total <= 0) & ~unreachable
    probabilities = np.where(total[:, None] > 0, mass / np.where(total > 0, total, 1.0)[:, None], 1.0 / c)
    order = np.argsort(-probabilities, axis=1, kind="stable")
    rows = np.arange(n)
    labels = order[:, 0].copy()
    runner_up = order[:, 1].copy() if c > 1 else np.full(n, -1)
    confidence = probabilities[rows, labels]
    runner_score = probabilities[rows, runner_up] if c > 1 else np.zeros(n)
    lost = unreachable | undecided
    labels[lost], runner_up[lost], confidence[lost], runner_score[lost] = -1, -1, 0.0, 0.0
    warnings = []
    if unreachable.any():
        warnings.append(f"{int(unreachable.sum())} point(s) have no path to any labeled point in the graph; "
                        "they get no label (-1): give them a label or raise the number of neighbours")
    if undecided.any():
        warnings.append(f"{int(undecided.sum())} point(s) got too little label mass to decide; they get no label (-1)")
    hidden = (y_semi < 0) & ~lost
    if c == 1:
        warnings.append(f"only one class ({classes[0]}) has labels: every reachable point gets it")
    elif hidden.sum() >= 10:
        values, counts = np.unique(labels[hidden], return_counts=True)
        share = counts.max() / hidden.sum()
        given_share = (y_semi == classes[values[counts.argmax()]]).sum() / (y_semi >= 0).sum()
        if share > max(0.9, given_share + 0.25):
            warnings.append(f"collapse: {share:.0%} of the unlabeled points got class {classes[values[counts.argmax()]]}, "
                            f"which has {given_share:.0%} of the given labels")
    return {"labels": labels, "predicted": np.where(labels >= 0, classes[np.clip(labels, 0, None)], -1),
            "classes": classes, "probabilities": probabilities, "confidence": confidence, "runner_up": runner_up,
            "runner_up_score": runner_score, "unreachable": unreachable, "warnings": warnings}


def propagate(x, y_semi, *, neighbors=None, alpha=0.99, metric="cosine", device="cpu", class_mass_normalise=False,
              index="auto", progress=None, classes=None, graph=None, backend=None, tol=1e-6, max_iter=1000) -> dict:
    """Spread the given labels of ``y_semi`` (-1 unknown) over ``x``; the result is described in the module docstring.

    ``graph`` reuses a ``build_graph`` result (the folds do); ``classes`` lists every class the caller
    expects, so that one without any label is reported; ``backend="torch"`` runs the CUDA code on the CPU.
    """
    x, y, given_classes = check_inputs(x, y_semi)
    if graph is None:
        graph = build_graph(x, neighbors=neighbors, metric=metric, index=index, device=device, backend=backend, progress=progress)
    elif graph.n != len(x):
        raise PropagationError(f"the graph has {graph.n} points but the embeddings {len(x)}")
    start = time.perf_counter()
    f, steps = solve(graph, y, given_classes, alpha=alpha, tol=tol, max_iter=max_iter, progress=progress)
    timings = {**graph.timings, "solve": time.perf_counter() - start}
    result = outcome(f, y, given_classes, class_mass_normalise)
    missing = [] if classes is None else sorted(set(np.asarray(classes).tolist()) - set(given_classes.tolist()))
    result["warnings"] = list(graph.notes) + [f"class {cls} has no label and cannot be predicted" for cls in missing] + result["warnings"]
    if steps >= max_iter:
        result["warnings"].append(f"the solver stopped after {max_iter} steps before reaching tolerance {tol}")
    result.update(iterations=int(steps), timings={k: round(v, 4) for k, v in timings.items()},
                  neighbors=graph.neighbors, index=graph.index, backend=graph.backend, device=graph.device)
    return result


def fold_of_each_label(y_semi: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """The fold (0..folds-1) of every given label, -1 for the rest: each class dealt round the folds in turn.

    Dealing class by class, from where the previous class stopped, keeps folds the same size and every
    class spread over as many folds as it has labels (stratified k-fold that tolerates a class of one).
    """
    rng = np.random.default_rng(seed)
    fold = np.full(len(y_semi), -1)
    start = 0
    for cls in np.unique(y_semi[y_semi >= 0]):
        members = rng.permutation(np.flatnonzero(y_semi == cls))
        fold[members] = (start + np.arange(len(members))) % folds
        start = (start + len(members)) % folds
    return fold


def estimate_by_folds(x, y_semi, *, folds=5, seed=0, graph=None, **propagate_kwargs) -> dict:
    """Accuracy on given labels hidden in turn: k folds, stratified per class, all on one graph.

    Each fold hides its share of every class's labels, propagates from the rest and scores the hidden
    ones. Returns the mean and spread over folds, the accuracy per class, counts per fold, and
    ``meaningful: False`` with a ``note`` when the labels are too few for the figure to mean much.
    """
    x, y, classes = check_inputs(x, y_semi)
    if int(folds) < 2:
        raise PropagationError(f"folds must be at least 2, got {folds}")
    counts = {int(cls): int((y == cls).sum()) for cls in classes}
    given = int((y >= 0).sum())
    report = {"folds": int(folds), "given": given, "meaningful": True, "note": None, "accuracy": None, "spread": None,
              "per_class": {}, "per_fold": []}
    thin = [cls for cls, count in counts.items() if count < 2]
    if len(classes) < 2 or thin:
        why = "only one class has labels" if len(classes) < 2 else f"class(es) {', '.join(map(str, thin))} have a single label"
        report.update(meaningful=False, note=f"no estimate: {why}; hiding a fold would leave a class without labels")
        return report
    if given < MIN_FOLD_LABELS:
        report.update(meaningful=False, note=f"only {given} labels (fewer than {MIN_FOLD_LABELS}): the estimate is too noisy to trust")
    fold_of = fold_of_each_label(y, folds, seed)
    if graph is None:
        keys = ("neighbors", "metric", "index", "device", "backend", "progress")
        graph = build_graph(x, **{k: v for k, v in propagate_kwargs.items() if k in keys})
    solver = {k: v for k, v in propagate_kwargs.items() if k in ("alpha", "tol", "max_iter")}
    used = [fold for fold in range(folds) if (fold_of == fold).any()]
    labelings = np.stack([np.where(fold_of == fold, -1, y) for fold in used])
    f, _ = solve(graph, labelings, classes, **solver)  # every fold in one solve: one sparse product per step
    right = {int(cls): 0 for cls in classes}
    seen = dict.fromkeys(right, 0)
    c = len(classes)
    for i, fold in enumerate(used):
        held = fold_of == fold
        result = outcome(f[:, i * c:(i + 1) * c], labelings[i], classes, propagate_kwargs.get("class_mass_normalise", False))
        truth, guess = y[held], result["predicted"][held]
        for cls in classes:
            mine = truth == cls
            right[int(cls)] += int((guess[mine] == cls).sum())
            seen[int(cls)] += int(mine.sum())
        report["per_fold"].append({"fold": fold, "given": given, "used": given - int(held.sum()), "held_out": int(held.sum()),
                                   "accuracy": round(float((guess == truth).mean()), 4)})
    scores = [fold["accuracy"] for fold in report["per_fold"]]
    report["accuracy"] = round(float(np.mean(scores)), 4)
    report["spread"] = round(float(np.std(scores)), 4)
    report["per_class"] = {cls: {"accuracy": round(right[cls] / seen[cls], 4) if seen[cls] else None, "held_out": seen[cls]}
                           for cls in right}
    return report
