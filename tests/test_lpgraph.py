"""The propagation engine (dlguide.demos.lpgraph) held to the closed form and to scikit-learn's fixed point."""

from __future__ import annotations

import sys

import pytest

pytest.importorskip("scipy", reason="the demos extra (numpy, scipy) is not installed")

import numpy as np  # noqa: E402  (after the skip: a core install has no numpy)

from dlguide.demos import lpgraph


def clusters(n_per=40, centres=((4, 0, 0, 0), (0, 4, 0, 0), (0, 0, 4, 0)), labeled=3, seed=0, noise=1.0):
    """Gaussian clusters, ``labeled`` labels given per cluster; returns (x, y_true, y_semi)."""
    rng = np.random.default_rng(seed)
    centres = np.asarray(centres, dtype=float)
    y = np.repeat(np.arange(len(centres)), n_per)
    x = centres[y] + noise * rng.normal(size=(len(y), centres.shape[1]))
    y_semi = np.full(len(y), -1)
    for cls in range(len(centres)):
        y_semi[rng.choice(np.flatnonzero(y == cls), size=labeled, replace=False)] = cls
    return x, y, y_semi


def closed_form(w, y_semi, alpha, class_mass=False):
    """(I - alpha S)^-1 Y by a dense solve, rows normalised: Zhou et al. 2004 written out."""
    w = w.toarray()
    degree = w.sum(axis=1)
    scale = np.where(degree > 0, 1 / np.sqrt(np.where(degree > 0, degree, 1)), 0)
    s = scale[:, None] * w * scale[None, :]
    classes = np.unique(y_semi[y_semi >= 0])
    y = (y_semi[:, None] == classes[None, :]).astype(float)
    f = np.linalg.solve(np.eye(len(w)) - alpha * s, y)
    if class_mass:
        prior = y.sum(axis=0) / y.sum()
        f = f * prior / f.sum(axis=0)
    return f / f.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
@pytest.mark.parametrize("alpha", [0.5, 0.99])
def test_engine_equals_the_closed_form_on_the_same_graph(metric, alpha):
    x, _, y_semi = clusters(noise=2.0)
    graph = lpgraph.build_graph(x, neighbors=6, metric=metric)
    result = lpgraph.propagate(x, y_semi, graph=graph, alpha=alpha, tol=1e-12)
    np.testing.assert_allclose(result["probabilities"], closed_form(graph.to_scipy(), y_semi, alpha), atol=1e-8)
    assert not result["unreachable"].any()


def test_class_mass_normalisation_equals_the_closed_form():
    x, _, y_semi = clusters(noise=2.5)
    y_semi[np.flatnonzero(y_semi == 0)[:2]] = -1  # one label of class 0 against three of the others
    graph = lpgraph.build_graph(x, neighbors=6)
    result = lpgraph.propagate(x, y_semi, graph=graph, tol=1e-12, class_mass_normalise=True)
    np.testing.assert_allclose(result["probabilities"], closed_form(graph.to_scipy(), y_semi, 0.99, class_mass=True), atol=1e-8)


def test_engine_equals_scikit_learn_label_spreading_on_the_same_graph():
    from sklearn.semi_supervised import LabelSpreading

    x, _, y_semi = clusters(noise=2.0)
    graph = lpgraph.build_graph(x, neighbors=6)
    w = graph.to_scipy()
    reference = LabelSpreading(kernel=lambda a, b: w, alpha=0.8, max_iter=100_000, tol=1e-13).fit(x, y_semi)
    result = lpgraph.propagate(x, y_semi, graph=graph, alpha=0.8, tol=1e-12)
    np.testing.assert_allclose(result["probabilities"], reference.label_distributions_, atol=1e-9)
    np.testing.assert_array_equal(result["predicted"], reference.transduction_)


def test_torch_backend_on_cpu_equals_the_numpy_backend():
    pytest.importorskip("torch")
    x, _, y_semi = clusters(noise=2.0)
    reference = lpgraph.propagate(x, y_semi, neighbors=6)
    for metric in ("cosine", "euclidean"):
        reference = lpgraph.propagate(x, y_semi, neighbors=6, metric=metric)
        ours = lpgraph.propagate(x, y_semi, neighbors=6, metric=metric, backend="torch")
        assert ours["backend"] == "torch"
        np.testing.assert_allclose(ours["probabilities"], reference["probabilities"], atol=1e-6)
        np.testing.assert_array_equal(ours["labels"], reference["labels"])


def test_cuda_without_a_gpu_is_refused(monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    x, _, y_semi = clusters()
    with pytest.raises(lpgraph.DeviceUnavailable, match="no CUDA GPU"):
        lpgraph.propagate(x, y_semi, device="cuda")
    assert lpgraph.propagate(x, y_semi, device="auto")["device"] == "cpu"


def test_result_keys_shapes_and_accuracy_on_separated_clusters():
    x, y, y_semi = clusters()
    result = lpgraph.propagate(x, y_semi)
    n = len(y)
    assert list(result["classes"]) == [0, 1, 2]
    assert result["probabilities"].shape == (n, 3)
    np.testing.assert_allclose(result["probabilities"].sum(axis=1), 1.0)
    for key in ("labels", "confidence", "runner_up", "runner_up_score", "unreachable"):
        assert result[key].shape == (n,), key
    assert (result["confidence"] >= result["runner_up_score"]).all()
    assert (result["runner_up"] != result["labels"]).all()
    assert set(result["timings"]) == {"knn", "graph", "solve"}
    assert result["iterations"] > 0 and result["warnings"] == []
    hidden = y_semi < 0
    assert (result["predicted"][hidden] == y[hidden]).mean() > 0.95


def test_points_without_a_path_to_a_label_are_reported_not_guessed():
    x, _, y_semi = clusters(centres=((8, 0), (-8, 0)), noise=0.5)
    y_semi[y_semi == 1] = -1  # the second cluster has no label, and cosine similarity across is negative
    result = lpgraph.propagate(x, y_semi, neighbors=5)
    far = np.arange(len(x)) >= 40
    assert result["unreachable"][far].all() and not result["unreachable"][~far].any()
    assert (result["labels"][far] == -1).all() and (result["confidence"][far] == 0).all()
    np.testing.assert_allclose(result["probabilities"][far], 1.0)  # one class given: uniform is 1
    assert any("40 point(s) have no path to any labeled point" in w for w in result["warnings"])


def test_identical_points_give_no_nan():
    x = np.ones((12, 3))
    y_semi = np.array([0, 1] + [-1] * 10)
    result = lpgraph.propagate(x, y_semi)
    assert np.isfinite(result["probabilities"]).all()
    np.testing.assert_allclose(result["probabilities"].sum(axis=1), 1.0)
    assert list(result["labels"][:2]) == [0, 1]  # a labeled point keeps its own label
    assert result["unreachable"][2:].all()


@pytest.mark.parametrize("n_per", [1, 2, 3, 5])
def test_tiny_sets_still_separate(n_per):
    x, y, y_semi = clusters(n_per=n_per, centres=((5, 0), (0, 5)), labeled=1, noise=0.3)
    result = lpgraph.propagate(x, y_semi)
    assert 1 <= result["neighbors"] < len(x)
    np.testing.assert_array_equal(result["predicted"], y)


def test_a_single_point():
    result = lpgraph.propagate(np.zeros((1, 4)), np.array([3]))
    assert list(result["predicted"]) == [3] and result["probabilities"].shape == (1, 1)


def test_neighbors_adapt_to_the_size_and_never_reach_it():
    assert [lpgraph.choose_neighbors(n) for n in (1, 2, 3, 7, 30, 10_000)] == [0, 1, 1, 2, 10, 10]


def test_collapse_and_classes_without_labels_are_warned():
    x, _, y_semi = clusters(noise=0.3)
    y_semi[y_semi == 2] = -1
    result = lpgraph.propagate(x, y_semi, classes=[0, 1, 2])
    assert "class 2 has no label and cannot be predicted" in result["warnings"]
    x = np.vstack([x[:40], x[40:42]])
    y_semi = np.array([0] * 3 + [-1] * 37 + [1, 1])  # class 1: two points far away from everything else
    warned = lpgraph.propagate(x, y_semi, neighbors=3)["warnings"]
    assert any(w.startswith("collapse: ") and "of the unlabeled points got class 0, which has 60% of the given labels" in w
               for w in warned), warned
    assert not any("collapse" in w for w in lpgraph.propagate(*clusters()[::2])["warnings"])


@pytest.mark.parametrize("make, message", [
    (lambda x, y: (x[:, :0], y), "non-empty N x d"),
    (lambda x, y: (x, y[:-1]), "one per embedding row"),
    (lambda x, y: (x, np.full_like(y, -1)), "no point has a label"),
    (lambda x, y: (np.where(np.arange(len(x))[:, None] == 7, np.nan, x), y), "row 7 holds NaN"),
    (lambda x, y: (x, y.astype(float)), "must be integers"),
])
def test_bad_input_is_named(make, message):
    x, _, y_semi = clusters()
    with pytest.raises(lpgraph.PropagationError, match=message):
        lpgraph.propagate(*make(x, y_semi))


@pytest.mark.parametrize("option, message", [
    ({"neighbors": 120}, "neighbors must be between 1 and 119"),
    ({"alpha": 1.0}, "alpha must be between 0 and 1"),
    ({"metric": "manhattan"}, "metric must be 'cosine' or 'euclidean'"),
    ({"index": "hnsw"}, "index must be"),
])
def test_bad_options_are_named(option, message):
    x, _, y_semi = clusters()
    with pytest.raises(lpgraph.PropagationError, match=message):
        lpgraph.propagate(x, y_semi, **option)


def test_approximate_index_and_fallback_without_faiss(monkeypatch):
    x, y, y_semi = clusters(n_per=600, labeled=10)
    hidden = y_semi < 0
    if "faiss" in sys.modules or _has("faiss"):
        fast = lpgraph.propagate(x, y_semi, index="approximate")
        assert fast["index"] == "approximate" and fast["warnings"] == []
        assert (fast["predicted"][hidden] == y[hidden]).mean() > 0.95
    monkeypatch.setitem(sys.modules, "faiss", None)  # import faiss now raises ImportError
    slow = lpgraph.propagate(x, y_semi, index="approximate")
    assert slow["index"] == "exact" and "faiss is not installed" in slow["warnings"][0]
    assert (slow["predicted"][hidden] == y[hidden]).mean() > 0.95


def _has(module):
    import importlib.util

    return importlib.util.find_spec(module) is not None


def test_folds_hide_given_labels_and_score_them():
    x, _, y_semi = clusters(labeled=10)
    report = lpgraph.estimate_by_folds(x, y_semi, folds=5, neighbors=6)
    assert report["meaningful"] and report["note"] is None
    assert len(report["per_fold"]) == 5
    assert sum(f["held_out"] for f in report["per_fold"]) == 30
    assert all(f["used"] + f["held_out"] == f["given"] == 30 for f in report["per_fold"])
    assert report["accuracy"] > 0.9 and report["spread"] >= 0
    assert {c: v["held_out"] for c, v in report["per_class"].items()} == {0: 10, 1: 10, 2: 10}


def test_folds_are_not_meaningful_on_too_few_labels():
    x, _, y_semi = clusters(labeled=3)
    few = lpgraph.estimate_by_folds(x, y_semi)
    assert not few["meaningful"] and "fewer than 20" in few["note"] and few["accuracy"] is not None
    y_semi[np.flatnonzero(y_semi == 1)[1:]] = -1
    single = lpgraph.estimate_by_folds(x, y_semi)
    assert not single["meaningful"] and single["accuracy"] is None and "class(es) 1 have a single label" in single["note"]
    with pytest.raises(lpgraph.PropagationError, match="folds must be at least 2"):
        lpgraph.estimate_by_folds(x, y_semi, folds=1)


@pytest.mark.slow
def test_the_benchmark_runs_both_engines_side_by_side():
    import subprocess

    from conftest import REPO

    completed = subprocess.run([sys.executable, str(REPO / "benchmarks" / "propagate.py"), "--sizes", "4000", "--skip-demos",
                                "--study", "4000", "--no-write"], capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr
    row = next(line for line in completed.stdout.splitlines() if line.startswith("clusters: n=4,000"))
    assert "approximate" in row and "| sklearn" in row and row.endswith("x")
    assert "index n=4,000: exact" in completed.stdout
