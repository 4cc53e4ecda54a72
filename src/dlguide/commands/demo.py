"""``dlguide run-demo`` and ``dlguide scaffold``: watch a family work, or take its demo home.

``run-demo ARCH [DEMO OPTIONS...]`` resolves ARCH through the knowledge base (aliases and did-you-mean
as everywhere) and hands it, with every remaining option, to the demo runner (``dlguide.demos.runner``),
which imports the family's demo only then (torch and scikit-learn are heavy, and the reading commands
must stay fast). A name can stand for demo options (``gru`` for ``--cell gru``: the family's
``demo.options``).
``scaffold ARCH [DIR]`` writes the same demo as a project that needs no dlguide (see dlguide.projects.scaffold).
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from dlguide.options import JsonOption, KbOption


def register(app: typer.Typer) -> None:
    """Add ``run-demo`` and ``scaffold`` to the dlguide app."""

    @app.command(
        "run-demo",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        epilog="Every option after ARCH goes to the demo (--quick, --device, --data, --json, ...); "
        "the demo's own --help lists them: dlguide run-demo ARCH -- --help",
    )
    def run_demo(
        ctx: typer.Context,
        arch: Annotated[str, typer.Argument(help="Family id or alias (cnn, lstm, gru, transformer, gnn, ...).")],
        kb_dir: KbOption = None,
    ) -> None:
        """Train a small model of ARCH on demo data or yours, spread the labels over its embeddings, compare with raw."""
        from dlguide.demos import runner

        runner.run(runner.choose(arch, kb_dir), list(ctx.args))

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
        from dlguide.demos import runner
        from dlguide.projects import scaffold
        from dlguide.rendering.output import emit_json, emit_lines

        choice = runner.choose(arch, kb_dir)
        family_id = choice.family
        target = f"dlguide-{family_id}-demo" if directory is None else directory
        options = " ".join(runner.demo_argv(choice, []))  # 'scaffold gru' runs the GRU, as 'run-demo gru' does
        plan = scaffold.plan(choice, target, options)
        planned = scaffold.check(plan, force=force)  # the whole plan, before a single file is written
        action = {path: verb for verb in ("create", "overwrite") for path in planned[verb]}
        written = scaffold.write(plan, force=force) if not dry_run else []
        if as_json:
            emit_json("scaffold", {"family": family_id, "directory": str(target), "dry_run": dry_run,
                       "files": [{"path": str(f.path), "bytes": len(f.content.encode()), "action": action[f.path]} for f in plan.files],
                       "written": [str(p) for p in written]})
            return
        verbs = {"create": "would create", "overwrite": "would overwrite"} if dry_run else {"create": "created", "overwrite": "overwrote"}
        lines = [f"{verbs[action[item.path]]} {item.path}" for item in plan.files]
        if not dry_run:
            lines.append(f"run it with: cd {target} && pip install -r requirements.txt && python demo.py --quick{' ' + options if options else ''}")
        emit_lines(lines)
