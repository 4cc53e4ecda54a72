"""dlguide's propagation engine against scikit-learn's kNN LabelSpreading, side by side on the same data.

One run measures, on the same embeddings and the same 1% of labels: Gaussian clusters (d = 64, 10
classes, the overlap set by ``--spread``: the spread of the class centres against unit noise) at 10k,
50k and 200k points, and the embeddings of the cnn and rnn demos. For each engine: seconds per phase,
peak resident memory, accuracy on the unlabeled points, and the ratio of end-to-end times. Each
engine runs in a fresh Python process on the same arrays, so its peak memory (its VmHWM) is its own
(Python, numpy and the data included). A second table measures exact against approximate (faiss) neighbour search
across sizes - the time of each, the approximate index's recall of the exact 10 nearest neighbours
and the accuracy each gives - which is how ``lpgraph.EXACT_LIMIT`` was chosen. CUDA runs 1M x 64 only
where a GPU is present; otherwise the report says CUDA was not measured.

    python benchmarks/propagate.py                       # about 5 minutes on 2 CPU cores
    python benchmarks/propagate.py --sizes 10000 --skip-demos --no-write
"""

from __future__ import annotations

import argparse
import os
import pickle
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dlguide.demos import lpgraph, lpknn  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "propagate.md"


def clusters(n: int, *, d=64, classes=10, spread=0.6, labeled=0.01, seed=0):
    """Gaussian clusters: centres ~ N(0, spread^2) per dimension, unit noise; ``labeled`` of the points keep a label."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(classes, d)) * spread
    y = rng.integers(0, classes, n)
    x = (centres[y] + rng.normal(size=(n, d))).astype(np.float32)
    y_semi = np.full(n, -1)
    for cls in range(classes):  # at least one label per class, as a user would give
        members = np.flatnonzero(y == cls)
        keep = rng.choice(members, size=max(1, int(round(labeled * len(members)))), replace=False)
        y_semi[keep] = cls
    return x, y, y_semi


def in_child(engine: str, x, y, y_semi, workdir: Path, **options):
    """Run one engine in a fresh Python process on the same arrays; returns (its result, its peak memory in MiB).

    A fresh process (not a fork: BLAS and OpenMP thread pools deadlock in forked children) so that the
    peak resident memory (the child's VmHWM; os.wait4 elsewhere) belongs to that engine alone; it
    includes Python, numpy and the data.
    """
    data, out = workdir / "data.npz", workdir / "result.pkl"
    np.savez(data, x=x, y=y, y_semi=y_semi)
    command = [sys.executable, __file__, "--child", engine, str(data), str(out), repr(options)]
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise RuntimeError(f"the {engine} run failed (status {status})")
    with out.open("rb") as handle:
        result = pickle.load(handle)
    # Linux keeps the forking parent's resident size in ru_maxrss across exec; VmHWM is the child's own
    return result, result.pop("vm_hwm_mib", None) or usage.ru_maxrss / 1024


def child(engine: str, data: str, out: str, options: str) -> None:
    """The other end of ``in_child``: load the arrays, run the engine, pickle its result."""
    import ast

    arrays = np.load(data)
    run = run_dlguide if engine == "dlguide" else run_sklearn
    result = run(arrays["x"], arrays["y"], arrays["y_semi"], **ast.literal_eval(options))
    status = Path("/proc/self/status")
    if status.exists():
        peak = [line.split()[1] for line in status.read_text().splitlines() if line.startswith("VmHWM:")]
        result["vm_hwm_mib"] = int(peak[0]) / 1024 if peak else None
    with open(out, "wb") as handle:
        pickle.dump(result, handle)


def accuracy(predicted, y, y_semi) -> float:
    hidden = y_semi < 0
    return float((np.asarray(predicted)[hidden] == y[hidden]).mean())


def run_dlguide(x, y, y_semi, **options) -> dict:
    start = time.perf_counter()
    result = lpgraph.propagate(x, y_semi, **options)
    total = time.perf_counter() - start
    return {"total": total, **result["timings"], "accuracy": accuracy(result["predicted"], y, y_semi),
            "index": result["index"], "iterations": result["iterations"], "warnings": result["warnings"]}


def run_sklearn(x, y, y_semi, **_) -> dict:
    """scikit-learn as its users run it: LabelSpreading(kernel="knn") with its defaults, on the same prepared rows."""
    import warnings

    from sklearn.semi_supervised import LabelSpreading

    start = time.perf_counter()
    prepared = lpgraph.prepare(x, "cosine")
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")
        model = LabelSpreading(kernel="knn").fit(prepared, y_semi)
    total = time.perf_counter() - start
    return {"total": total, "accuracy": accuracy(model.transduction_, y, y_semi), "iterations": int(model.n_iter_)}


def compare(name: str, x, y, y_semi, with_sklearn: bool) -> dict:
    with tempfile.TemporaryDirectory() as workdir:
        return _compare(name, x, y, y_semi, with_sklearn, Path(workdir))


def _compare(name, x, y, y_semi, with_sklearn, workdir) -> dict:
    ours, ours_mb = in_child("dlguide", x, y, y_semi, workdir)
    row = {"data": name, "n": len(x), "d": x.shape[1], "dlguide": {**ours, "peak_mib": ours_mb}}
    if with_sklearn:
        theirs, theirs_mb = in_child("sklearn", x, y, y_semi, workdir)
        row["sklearn"] = {**theirs, "peak_mib": theirs_mb}
    print(line(row), flush=True)
    return row


def line(row: dict) -> str:
    ours = row["dlguide"]
    text = (f"{row['data']}: n={row['n']:,} dlguide {ours['total']:.2f} s (knn {ours['knn']:.2f}, graph {ours['graph']:.2f}, "
            f"solve {ours['solve']:.2f}; {ours['index']}), {ours['peak_mib']:.0f} MiB, accuracy {ours['accuracy']:.4f}")
    if "sklearn" in row:
        theirs = row["sklearn"]
        text += (f" | sklearn {theirs['total']:.2f} s, {theirs['peak_mib']:.0f} MiB, accuracy {theirs['accuracy']:.4f}"
                 f" | {theirs['total'] / ours['total']:.1f}x")
    return text


def index_study(n: int, spread: float, queries: int = 2000) -> dict:
    """Exact against approximate search at ``n`` points: time, recall@k of a query sample, accuracy each gives."""
    x, y, y_semi = clusters(n, spread=spread)
    prepared = lpgraph.prepare(x, "cosine")
    k = lpgraph.DEFAULT_NEIGHBORS
    start = time.perf_counter()
    approximate, _ = lpknn.knn_faiss(prepared, k, "cosine")
    approximate_s = time.perf_counter() - start
    sample = np.random.default_rng(1).choice(n, size=min(n, queries), replace=False)
    sims = prepared[sample] @ prepared.T
    sims[np.arange(len(sample)), sample] = -np.inf
    truth = np.argpartition(sims, n - k, axis=1)[:, n - k:]
    recall = float(np.mean([len(set(a) & set(b)) / k for a, b in zip(truth, approximate[sample])]))
    row = {"n": n, "approximate_s": approximate_s, "recall": recall,
           "accuracy_approximate": run_dlguide(x, y, y_semi, index="approximate")["accuracy"]}
    if n <= 50_000:  # the exact search grows as n^2: 200k would take minutes and say nothing new
        start = time.perf_counter()
        lpknn.knn_exact(prepared, k, "cosine")
        row["exact_s"] = time.perf_counter() - start
        row["accuracy_exact"] = run_dlguide(x, y, y_semi, index="exact")["accuracy"]
    print(f"index n={n:,}: exact {row.get('exact_s', float('nan')):.2f} s, approximate {approximate_s:.2f} s, "
          f"recall@{k} {recall:.3f}, accuracy exact {row.get('accuracy_exact', float('nan')):.4f}, "
          f"approximate {row['accuracy_approximate']:.4f}", flush=True)
    return row


def demo_embeddings(family: str, argv: list) -> tuple:
    """(x, y, y_semi) of a demo's --quick run, caught where the demo hands its embeddings to lpkit.evaluate.

    The demos have no option that saves their embeddings, so this wraps lpkit.evaluate for one call;
    if that function's arguments change, the demo is skipped with the reason.
    """
    import contextlib
    import importlib
    import io

    lpkit = importlib.import_module("dlguide.demos.lpkit")
    module = importlib.import_module(f"dlguide.demos.{family}")
    caught, original = {}, lpkit.evaluate

    def grab(*args, **kwargs):
        caught.update(kwargs)
        return original(*args, **kwargs)

    lpkit.evaluate = grab
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            module.main([*argv, "--quick", "--json", "--device", "cpu"])
    finally:
        lpkit.evaluate = original
    missing = [key for key in ("embeddings", "y_true", "y_semi") if key not in caught]
    if missing:
        raise RuntimeError(f"lpkit.evaluate was not called with {', '.join(missing)}")
    x = np.asarray(caught["embeddings"], dtype=np.float32).reshape(len(caught["y_true"]), -1)
    y_true, y_semi = np.asarray(caught["y_true"]), np.asarray(caught["y_semi"])
    known = y_true >= 0  # accuracy needs the truth: keep the points that have it
    return x[known], y_true[known], y_semi[known]


def captured(family: str, workdir: Path) -> tuple:
    """``demo_embeddings`` run in a fresh process, so that torch never loads into this one (whose
    resident memory a child started by fork would inherit in its peak)."""
    path = workdir / f"{family}.npz"
    completed = subprocess.run([sys.executable, __file__, "--capture", family, str(path)], capture_output=True, text=True)
    if completed.returncode != 0:
        raise RuntimeError((completed.stderr.strip().splitlines() or ["no output"])[-1])
    arrays = np.load(path)
    return arrays["x"], arrays["y"], arrays["y_semi"]


def cuda_row(spread: float):
    try:
        import torch
    except ImportError:
        return None
    if not torch.cuda.is_available():
        return None
    x, y, y_semi = clusters(1_000_000, spread=spread)
    lpgraph.propagate(x[:20_000], y_semi[:20_000], device="cuda")  # warm-up: CUDA context and kernels
    return {"data": "clusters (CUDA)", "n": len(x), "d": 64, "dlguide": {**run_dlguide(x, y, y_semi, device="cuda"), "peak_mib": float("nan")},
            "device": torch.cuda.get_device_name()}


def markdown(args, rows, study, demos, cuda, started) -> str:
    import scipy
    import sklearn

    try:
        import faiss

        faiss_version = faiss.__version__
    except ImportError:
        faiss_version = "not installed"
    out = ["# Label propagation benchmark", "",
           f"dlguide's engine (`lpgraph.propagate`, defaults: cosine, k=10, cubed weights, alpha 0.99, CG) against "
           f"scikit-learn's `LabelSpreading(kernel=\"knn\")` (its defaults: k=7, alpha 0.2), on the same prepared "
           f"embeddings and the same labels. Clusters: d=64, 10 classes, 1% labels, centre spread {args.spread}. "
           f"Accuracy on the unlabeled points; peak = resident memory of the process that ran the engine "
           f"(Python, numpy and the data included). Machine: {platform.machine()}, {os.cpu_count()} CPU cores (shared: timings are noisy, "
           f"compare within a row), Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
           f"scikit-learn {sklearn.__version__}, faiss {faiss_version}. Written by `python benchmarks/propagate.py` "
           f"in {time.perf_counter() - started:.0f} s.", "",
           "| data | n x d | dlguide s (knn / graph / solve) | index | dlguide peak | dlguide accuracy | sklearn s | sklearn peak | sklearn accuracy | speed-up |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows + demos:
        ours, theirs = row["dlguide"], row.get("sklearn")
        cells = [row["data"], f"{row['n']:,} x {row['d']}", f"{ours['total']:.2f} ({ours['knn']:.2f} / {ours['graph']:.2f} / {ours['solve']:.2f})",
                 ours["index"], f"{ours['peak_mib']:.0f} MiB", f"{ours['accuracy']:.4f}"]
        if theirs:
            cells += [f"{theirs['total']:.2f}", f"{theirs['peak_mib']:.0f} MiB", f"{theirs['accuracy']:.4f}", f"{theirs['total'] / ours['total']:.1f}x"]
        else:
            cells += ["not run", "", "", ""]
        out.append("| " + " | ".join(cells) + " |")
    out += ["", demos_note(args, demos), "",
            "## Exact or approximate neighbours", "",
            f"Time of the kNN search alone (k=10), recall of the exact 10 nearest neighbours by faiss' IVF index "
            f"(sqrt(n) lists, 8 probed; 2,000 query points), and the accuracy each search gives end to end. "
            f"`lpgraph.EXACT_LIMIT` = {lpgraph.EXACT_LIMIT:,}: above it `index=\"auto\"` takes the approximate index.", "",
            "| n | exact s | approximate s | recall@10 | accuracy exact | accuracy approximate |", "|---|---|---|---|---|---|"]
    for row in study:
        exact = f"{row['exact_s']:.2f}" if "exact_s" in row else "not run"
        acc_exact = f"{row['accuracy_exact']:.4f}" if "accuracy_exact" in row else ""
        out.append(f"| {row['n']:,} | {exact} | {row['approximate_s']:.2f} | {row['recall']:.3f} | {acc_exact} | {row['accuracy_approximate']:.4f} |")
    out += ["", "## CUDA", ""]
    if cuda:
        ours = cuda["dlguide"]
        out.append(f"1,000,000 x 64 on {cuda['device']}: {ours['total']:.2f} s end to end (knn {ours['knn']:.2f}, graph {ours['graph']:.2f}, "
                   f"solve {ours['solve']:.2f}), accuracy {ours['accuracy']:.4f}.")
    else:
        out.append("CUDA not measured (no GPU). The CUDA path (torch kNN, graph and CG) is tested on the CPU against the numpy path.")
    return "\n".join(out) + "\n"


def demos_note(args, demos) -> str:
    if args.skip_demos:
        return "Demo embeddings: not measured (--skip-demos)."
    names = ", ".join(row["data"] for row in demos) or "none"
    skipped = "; ".join(args.demo_problems) if args.demo_problems else ""
    return (f"Demo embeddings ({names}): the `--quick` runs of the demos, caught where the demo hands them to "
            f"`lpkit.evaluate` (the demos have no option to save them); labels as the demo hid them (10%)."
            + (f" Skipped: {skipped}." if skipped else ""))


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        child(*argv[1:])
        return
    if argv[:1] == ["--capture"]:
        x, y, y_semi = demo_embeddings(argv[1], [])
        np.savez(argv[2], x=x, y=y, y_semi=y_semi)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,200000", help="comma-separated numbers of points")
    parser.add_argument("--spread", type=float, default=0.6, help="spread of the class centres (smaller: more overlap)")
    parser.add_argument("--sklearn-max", type=int, default=200_000, help="largest n to run scikit-learn on")
    parser.add_argument("--study", default="2000,5000,10000,20000,50000,200000", help="sizes of the exact/approximate study ('' for none)")
    parser.add_argument("--skip-demos", action="store_true", help="leave out the cnn and rnn demo embeddings")
    parser.add_argument("--no-write", action="store_true", help=f"print only; do not write {RESULTS.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = []
    for n in (int(size) for size in args.sizes.split(",") if size):
        x, y, y_semi = clusters(n, spread=args.spread)
        rows.append(compare("clusters", x, y, y_semi, with_sklearn=n <= args.sklearn_max))
    demos, args.demo_problems = [], []
    if not args.skip_demos:
        for family in ("cnn", "rnn"):
            try:
                with tempfile.TemporaryDirectory() as workdir:
                    x, y, y_semi = captured(family, Path(workdir))
            except Exception as exc:  # noqa: BLE001 - a demo that cannot run is reported, not fatal
                args.demo_problems.append(f"{family} ({type(exc).__name__}: {exc})")
                continue
            demos.append(compare(f"{family} demo embeddings", x, y, y_semi, with_sklearn=True))
    study = [index_study(int(n), args.spread) for n in args.study.split(",") if n]
    cuda = cuda_row(args.spread)
    print("CUDA not measured (no GPU)" if cuda is None else line(cuda))
    report = markdown(args, rows, study, demos, cuda, started)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(report, encoding="utf-8")
        print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
