"""``dlguide run-demo`` and ``dlguide scaffold``: watch a family work, or take its demo home.

``run-demo ARCH [DEMO OPTIONS...]`` resolves ARCH through the knowledge base (aliases and did-you-mean
as everywhere), imports the family's demo module only then (torch and scikit-learn are heavy, and the
reading commands must stay fast), and hands every remaining option to the demo's own ``main(argv)``
in this process. The names ``lstm``, ``gru`` and ``rnn`` pick the recurrent cell. The demo's own
errors become dlguide's: bad usage exits 2, a missing GPU or unreadable data exits 1.
``scaffold ARCH [DIR]`` writes the same demo as a project that needs no dlguide (see dlguide.scaffold).
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import Annotated, Optional

import typer

from dlguide import kb as knowledge
from dlguide.errors import DEMOS_INSTALL, DataError, DeviceError, FileExistsRefusal, MissingExtraError, UsageError
from dlguide.options import JsonOption, KbOption

DEMO_PACKAGES = {"torch": "torch", "torchvision": "torchvision", "sklearn": "scikit-learn", "numpy": "numpy", "PIL": "pillow", "matplotlib": "matplotlib"}
# what the user typed -> the recurrent cell it names (the rnn family's aliases)
CELLS = {"lstm": "lstm", "bilstm": "lstm", "gru": "gru", "rnn": "rnn", "vanillarnn": "rnn", "vanilla": "rnn"}


def missing_packages() -> list[str]:
    """The demo extra's packages that are not importable here (found without importing them)."""
    return [package for module, package in DEMO_PACKAGES.items() if importlib.util.find_spec(module) is None]


def demo_module_name(arch: str, kb_dir: Optional[Path]) -> tuple[str, str]:
    """The family id and the name of its demo module; a family without a demo is an error."""
    base = knowledge.load(kb_dir)
    family_id = base.resolve(arch, families_only=True)
    demo = base.families[family_id].demo
    if not demo:
        have = sorted(fid for fid, family in base.families.items() if family.demo)
        raise UsageError(f"family {family_id!r} has no demo; families with demos: {', '.join(have)}")
    if importlib.util.find_spec(f"dlguide.demos.{demo}") is None:
        raise UsageError(f"family {family_id!r} names demo {demo!r}, but dlguide/demos/{demo}.py does not exist")
    return family_id, demo


def demo_argv(arch: str, family_id: str, extra: list[str]) -> list[str]:
    """The options for the demo: the user's, plus ``--cell`` when the name typed picks one."""
    cell = CELLS.get(knowledge.normalise(arch))
    if family_id == "rnn" and cell and not any(a == "--cell" or a.startswith("--cell=") for a in extra):
        return ["--cell", cell, *extra]
    return list(extra)


def run_demo_module(demo: str, argv: list[str]) -> dict:
    """Import ``dlguide.demos.<demo>`` and run its ``main(argv)``, mapping its errors to dlguide's."""
    missing = missing_packages()
    if missing:
        raise MissingExtraError(f"the demos need {', '.join(missing)}, which are not installed; install them with: {DEMOS_INSTALL}",
                                hint=DEMOS_INSTALL)
    module = importlib.import_module(f"dlguide.demos.{demo}")
    lpkit = importlib.import_module("dlguide.demos.lpkit")
    try:
        return module.main(argv)
    except lpkit.DemoError as exc:
        error = {"usage": UsageError, "device": DeviceError, "data": DataError, "output": FileExistsRefusal}[exc.kind]
        raise error(exc.message) from exc


def register(app: typer.Typer) -> None:
    """Add ``run-demo`` and ``scaffold`` to the dlguide app."""

    @app.command(
        "run-demo",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        epilog="Demo options: --data (your own folder or CSV: every label you give is used), --output FILE (one row per item), "
        "--map FILE, --force, --folds, --labeled (built-in data), --samples, --epochs, --seed, --device auto|cpu|cuda, --quick, "
        "--json, and the family's own. List them all with: dlguide run-demo ARCH -- --help",
    )
    def run_demo(
        ctx: typer.Context,
        arch: Annotated[str, typer.Argument(help="Family id or alias (cnn, lstm, gru, transformer, gnn, ...).")],
        kb_dir: KbOption = None,
    ) -> None:
        """Train a small model of ARCH on demo data or yours, spread the labels over its embeddings, compare with raw."""
        family_id, demo = demo_module_name(arch, kb_dir)
        run_demo_module(demo, demo_argv(arch, family_id, list(ctx.args)))

    @app.command("scaffold")
    def scaffold_command(
        arch: Annotated[str, typer.Argument(help="Family id or alias whose demo to write.")],
        # a str, not a Path: typer reads "" as Path("."), and an empty path must never mean "here"
        directory: Annotated[Optional[str], typer.Argument(help="Folder to write (default ./dlguide-<id>-demo).", show_default=False)] = None,
        force: Annotated[bool, typer.Option("--force", help="Write into a non-empty folder (overwrites only the files it writes).")] = False,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be created and overwritten; write nothing.")] = False,
        as_json: JsonOption = False,
        kb_dir: KbOption = None,
    ) -> None:
        """Write ARCH's demo as a standalone project: demo.py, its helpers, a README and requirements."""
        from dlguide import scaffold
        from dlguide.output import emit_json, emit_lines

        family_id, demo = demo_module_name(arch, kb_dir)
        target = f"dlguide-{family_id}-demo" if directory is None else directory
        options = " ".join(demo_argv(arch, family_id, []))  # 'scaffold gru' runs the GRU, as 'run-demo gru' does
        plan = scaffold.plan(family_id, demo, target, options)
        planned = scaffold.check(plan, force=force)  # the whole plan, before a single file is written
        action = {path: verb for verb in ("create", "overwrite") for path in planned[verb]}
        written = scaffold.write(plan, force=force) if not dry_run else []
        if as_json:
            emit_json({"schema_version": 1, "family": family_id, "directory": str(target), "dry_run": dry_run,
                       "files": [{"path": str(f.path), "bytes": len(f.content.encode()), "action": action[f.path]} for f in plan.files],
                       "written": [str(p) for p in written]})
            return
        verbs = {"create": "would create", "overwrite": "would overwrite"} if dry_run else {"create": "created", "overwrite": "overwrote"}
        lines = [f"{verbs[action[item.path]]} {item.path}" for item in plan.files]
        if not dry_run:
            lines.append(f"run it with: cd {target} && pip install -r requirements.txt && python demo.py --quick{' ' + options if options else ''}")
        emit_lines(lines)
