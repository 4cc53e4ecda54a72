"""Start-up time of dlguide's reading commands, as a ratio to the floor of any typer + rich CLI.

Runs each command and ``floor_app.py`` alternately in fresh processes (so they share the machine's
noise), takes the median wall time of each, and prints the ratio to the floor. The target is at most
1.2x. Run it with the interpreter dlguide is installed in:

    python benchmarks/startup.py [--runs 15] [--output benchmarks/results/startup.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLOOR = [sys.executable, str(HERE / "floor_app.py")]
COMMANDS = {
    "compare cnn rnn": ["compare", "cnn", "rnn"],
    "list": ["list"],
    "show gan": ["show", "gan"],
    "recommend --json": ["recommend", "--data", "image", "--task", "classify", "--samples", "800",
                         "--labeled", "0.1", "--compute", "low", "--json"],
    "recommend --describe --json": ["recommend", "--describe", "800 chest x-rays, a tenth labeled, find pneumonia on a "
                                    "laptop", "--json"],
}
TARGETS = {"recommend --describe --json": 1.3}  # reading a sentence may cost a little more than the 1.2x default


def wall_time(argv: list[str]) -> float:
    start = time.perf_counter()
    completed = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed with exit code {completed.returncode}: {completed.stderr.strip()}")
    return elapsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command (default 15)")
    parser.add_argument("--target", type=float, default=1.2, help="ratio to report as met (default 1.2)")
    parser.add_argument("--output", type=Path, help="also write the table (Markdown) to this file")
    args = parser.parse_args(argv)
    programs = {"floor (typer+rich+pydantic+yaml)": FLOOR}
    programs.update({name: [sys.executable, "-m", "dlguide", *cmd] for name, cmd in COMMANDS.items()})
    for program in programs.values():  # warm the file cache and byte-code before timing
        wall_time(program)
    times: dict[str, list[float]] = {name: [] for name in programs}
    for _ in range(args.runs):
        for name, program in programs.items():
            times[name].append(wall_time(program))
    floor = statistics.median(next(iter(times.values())))
    lines = [f"| command | median s | ratio to floor | target <= {args.target}x |", "|---|---|---|---|"]
    for name, samples in times.items():
        median = statistics.median(samples)
        ratio = median / floor
        target = TARGETS.get(name, args.target)
        verdict = "" if name.startswith("floor") else ("met" if ratio <= target else "NOT met") + (
            f" (target {target}x)" if target != args.target else "")
        lines.append(f"| {name} | {median:.3f} | {ratio:.3f}x | {verdict} |")
    table = "\n".join(lines)
    print(table)
    if args.output:
        bytecode = (" Byte-code writing was off (PYTHONDONTWRITEBYTECODE): a module with no .pyc yet, such as an "
                    "editable install's, was compiled on every run." if sys.flags.dont_write_bytecode else "")
        header = (f"Start-up, median of {args.runs} alternating runs each, Python {sys.version.split()[0]}, "
                  f"{platform.machine()} with {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d')}.{bytecode}\n\n")
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(header + table + "\n")


if __name__ == "__main__":
    main()
