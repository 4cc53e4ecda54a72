"""``dlguide kb``: check a knowledge folder, or copy the built-in one to extend it.

``kb validate`` runs the very check every command runs on load and lists every problem, one breadcrumb
a line. ``kb init`` copies the built-in knowledge into a new folder so a user can add a family of their
own and point ``--kb``/``DLGUIDE_KB`` at it; through the one write rule (``dlguide.demos.lpfiles``) it
refuses a non-empty folder without ``--force``, and with it only adds the missing files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from dlguide.catalogue import kb as knowledge
from dlguide.errors import KnowledgeError, WriteFailed
from dlguide.options import JsonOption
from dlguide.rendering.output import emit_json, note

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
    if base.questions:  # what only the --describe reader can tell: cues that never speak, stale learned weights
        from dlguide.advisor.cues import problems as cue_problems
        from dlguide.advisor.encoder import problems as encoder_problems
        from dlguide.advisor.encoder_words import problems as word_table_problems
        from dlguide.advisor.learned import problems as learned_problems

        problems = [*problems, *cue_problems(base.questions), *learned_problems(base.questions),
                    *encoder_problems(root, base.questions), *word_table_problems(base.questions)]
    if as_json:
        emit_json("kb validate", {"path": str(root), "valid": not problems, "problems": problems,
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
    # a str, not a Path: typer reads "" as Path("."), and an empty path must never mean "here"
    directory: Annotated[str, typer.Argument(help="New folder to copy the built-in knowledge into.")],
    force: Annotated[bool, typer.Option("--force", help="Write into a folder that is not empty: add the missing files, "
                                        "never replace or delete one.")] = False,
) -> None:
    """Copy the built-in knowledge base into DIRECTORY, to edit or extend with families of your own."""
    from dlguide.demos import lpfiles

    target = lpfiles.check_folder(directory, force=force, what="kb init", example="my-kb")
    source = knowledge.builtin_dir()
    # Plan first, with every check, so that a file in the way refuses the run before anything is copied.
    missing, kept = [], []
    for path in knowledge.shipped_files(source):
        destination = target / path.relative_to(source)
        if destination.exists() or destination.is_symlink():
            kept.append(destination)  # the user's, perhaps edited: never replaced
        else:
            missing.append((path, lpfiles.check_file(destination, what="kb init")))
    added = []
    for path, destination in missing:
        try:
            if lpfiles.write_new(destination, path.read_bytes()):  # byte for byte: YAML and the tuned layers alike
                added.append(destination)
            else:  # it appeared since the plan was made; it is the user's now
                kept.append(destination)
        except OSError as exc:
            raise WriteFailed(f"kb init: cannot write {destination}: {exc.strerror or exc}") from exc
    if kept:
        note(f"kept {len(kept)} existing file(s) as they are: {', '.join(str(k.relative_to(target)) for k in kept)}")
    note(f"copied {len(added)} file(s) of the built-in knowledge base to {target}; add families/<id>.yaml, then run:")
    note(f"  dlguide kb validate {target}   and   dlguide list --kb {target}  (or set DLGUIDE_KB={target})")


def register(app: typer.Typer) -> None:
    app.add_typer(kb_app, name="kb")
