"""Run every demo over seeds 0, 1, 2 and write the table the README shows: accuracy vs the raw baseline,
wall time, peak memory, device; plus one --quick run each, to check the test-time bar.

Each run is a fresh process (``python <the family's demo file> --json``), so wall time includes
Python and torch start-up, and peak memory is that process's maximum resident set size (os.wait4).
CUDA runs happen only when a GPU is present; otherwise the table says they were not measured.

    python benchmarks/demos.py                 # all families, ~10 minutes on a 2-core CPU
    python benchmarks/demos.py --only cnn gnn  # measure two again, keep the other rows of the last run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dlguide.catalogue import kb

ROOT = Path(__file__).resolve().parents[1]
BASE = kb.load(kb.builtin_dir())  # the registry: every family whose YAML names a demo
FAMILIES = [family_id for family_id, family in BASE.families.items() if family.demo]
GENERATIVE = {f for f in FAMILIES if any("generate" in scope.task for scope in BASE.families[f].scope)}  # they also draw samples
SEEDS = [0, 1, 2]
BARS = {"default_s": 60, "quick_s": 15, "cnn_min": 0.985, "margin": {"rnn": 0.05, "transformer": 0.05, "gnn": 0.05}}


def run_once(family: str, args: list[str], workdir: Path) -> dict:
    """One demo in a fresh process: its JSON result plus wall seconds and peak memory in MiB."""
    command = [sys.executable, str(BASE.demo_file(family)), "--json", *args]
    if family in GENERATIVE:
        command += ["--png", str(workdir / f"{family}.png"), "--force"]  # the benchmark's own scratch file, rewritten per seed
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=workdir)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{family} {' '.join(args)} failed with exit code {os.waitstatus_to_exitcode(status)}")
    result = json.loads(out)
    result["wall_s"] = wall
    result["peak_mib"] = usage.ru_maxrss / 1024  # Linux reports KiB
    return result


def cuda_available() -> bool:
    probe = subprocess.run([sys.executable, "-c", "import torch; print(torch.cuda.is_available())"], capture_output=True, text=True)
    return probe.stdout.strip() == "True"


def mean_std(values: list[float]) -> str:
    return f"{statistics.mean(values):.3f} ± {statistics.pstdev(values):.3f}"


def row(family: str, measured: dict) -> str:
    """One line of the table from a family's runs (default runs per seed, one --quick run, CUDA runs)."""
    runs, quick, cuda = measured["cpu"], measured["quick"], measured["cuda"]
    emb = [r["accuracy"]["embeddings"] for r in runs]
    base = [r["accuracy"]["raw_baseline"] for r in runs]
    margin = BARS["margin"].get(family, 0.0)
    ok = statistics.mean(emb) >= statistics.mean(base) + margin and max(r["wall_s"] for r in runs) <= BARS["default_s"]
    ok = ok and quick["wall_s"] <= BARS["quick_s"] and (family != "cnn" or statistics.mean(emb) >= BARS["cnn_min"])
    cuda_cell = (f"{statistics.mean(r['wall_s'] for r in cuda):.1f} s, acc {mean_std([r['accuracy']['embeddings'] for r in cuda])}"
                 if cuda else "not measured (no GPU in this run)")
    return (f"| {family} ({runs[0]['variant']}) | {runs[0]['dataset']} | {mean_std(emb)} | {mean_std(base)} | "
            f"{statistics.mean(emb) - statistics.mean(base):+.3f} | {statistics.mean(r['wall_s'] for r in runs):.1f} s | "
            f"{quick['wall_s']:.1f} s | {max(r['peak_mib'] for r in runs):.0f} MiB | {cuda_cell} | {'yes' if ok else 'NO'} |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=FAMILIES, default=FAMILIES,
                        help="measure these families again; the others keep their rows from the last run's demos.json")
    options = parser.parse_args(argv)
    gpu = cuda_available()
    out = ROOT / "benchmarks" / "results"
    kept = {}
    if set(options.only) != set(FAMILIES) and (out / "demos.json").exists():
        kept = json.loads((out / "demos.json").read_text(encoding="utf-8"))["runs"]
    raw = {}
    with tempfile.TemporaryDirectory() as tmp:
        for family in FAMILIES:
            if family not in options.only:
                if family in kept:
                    raw[family] = kept[family]
                continue
            runs = [run_once(family, ["--seed", str(s), "--device", "cpu"], Path(tmp)) for s in SEEDS]
            quick = run_once(family, ["--quick", "--device", "cpu"], Path(tmp))
            cuda = [run_once(family, ["--seed", str(s), "--device", "cuda"], Path(tmp)) for s in SEEDS] if gpu else []
            raw[family] = {"cpu": runs, "quick": quick, "cuda": cuda}
            print(row(family, raw[family]), flush=True)
    rows = [row(family, measured) for family, measured in raw.items()]
    first = next(iter(raw.values()))["cpu"][0]
    header = [
        "# Demo benchmark", "",
        f"Accuracy of label propagation on the hidden points at {first['labeled_fraction']:.0%} labels, mean ± std over seeds "
        f"{', '.join(map(str, SEEDS))}; CPU wall time per run (fresh process, start-up included), `--quick` wall time, "
        f"peak resident memory. Machine: {platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}, "
        f"torch {first['versions']['torch']}, scikit-learn {first['versions']['sklearn']}. Written by `python benchmarks/demos.py`.", "",
        "Bars: default run ≤ 60 s, `--quick` ≤ 15 s, embeddings ≥ raw baseline (rnn, transformer, gnn: ≥ baseline + 0.05), "
        "cnn ≥ 0.985.", "",
        "| demo | data | embeddings | raw baseline | gain | CPU time | quick | peak memory | CUDA | bars met |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    text = "\n".join(header + rows) + "\n"
    out.mkdir(parents=True, exist_ok=True)
    (out / "demos.md").write_text(text, encoding="utf-8")
    (out / "demos.json").write_text(json.dumps({"cuda_available": gpu, "runs": raw}, indent=1, default=str), encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
