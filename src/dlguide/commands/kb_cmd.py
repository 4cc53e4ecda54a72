"""``dlguide kb``: check a knowledge folder, or copy the built-in one to extend it.

``kb validate`` runs the very check every command runs on load and lists every problem, one breadcrumb
a line. ``kb init`` copies the built-in knowledge into a new folder so a user can add a family of their
own and point ``--kb``/``DLGUIDE_KB`` at it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated, Optional

import typer

from dlguide import kb as knowledge
from dlguide.errors import FileExistsRefusal, KnowledgeError
from dlguide.options import JsonOption
from dlguide.output import emit_json, note

kb_app = typer.Typer(help="Check or copy a knowledge base.", no_args_is_help=True)


@kb_app.command("validate")
def validate(
    directory: Annotated[
        Optional[Path],
        typer.Argument(help="Knowledge folder to check (default: --kb, $DLGUIDE_KB or the built-in one).", show_default=False),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check a knowledge folder against the schema and its cross-references; list every problem."""
    root = knowledge.resolve_dir(directory)
    base, problems = knowledge.collect(root)
    if as_json:
        emit_json({"schema_version": 1, "path": str(root), "valid": not problems, "problems": problems,
                   "families": list(base.families), "techniques": list(base.techniques)})
    if problems:
        for problem in problems:
            note(problem)
        if as_json:  # the JSON above already reports the problems; a second document would break parsers
            raise typer.Exit(KnowledgeError.exit_code)
        raise KnowledgeError([f"{root}: {len(problems)} problem(s), listed above"])
    if not as_json:
        rules = len(base.rules.rules) if getattr(base.rules, "rules", None) else 0
        note(f"{root}: valid ({len(base.families)} families, {len(base.techniques)} techniques, {rules} rules)")


@kb_app.command("init")
def init(
    directory: Annotated[Path, typer.Argument(help="New folder to copy the built-in knowledge into.")],
    force: Annotated[bool, typer.Option("--force", help="Write into a folder that is not empty (never deletes).")] = False,
) -> None:
    """Copy the built-in knowledge base into DIRECTORY, to edit or extend with families of your own."""
    if directory.exists() and not directory.is_dir():
        raise FileExistsRefusal(f"{directory} exists and is not a folder; choose a new folder name")
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise FileExistsRefusal(f"{directory} is not empty; choose an empty folder or pass --force to add files to it")
    source = knowledge.builtin_dir()
    for path in sorted(source.rglob("*.yaml")):
        target = directory / path.relative_to(source)
        if target.exists() and not force:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    note(f"copied the built-in knowledge base to {directory}; add families/<id>.yaml, then run:")
    note(f"  dlguide kb validate {directory}   and   dlguide list --kb {directory}  (or set DLGUIDE_KB={directory})")


def register(app: typer.Typer) -> None:
    app.add_typer(kb_app, name="kb")
