"""Find a family's demo through the knowledge base and run it in this process.

The one place that turns a name the user typed (``gru``, ``cnn``) into a demo: the family (through the
knowledge base's aliases), the demo file its YAML names (a module of ``dlguide/demos`` or a ``.py``
file inside a knowledge folder of your own), and the options the name stands for (``--cell gru``, from
the family's ``demo.options``). ``run-demo``, ``scaffold`` and the advisor's offer to run the top pick
all come through here. The demo's own errors become dlguide's: bad usage exits 2, a missing GPU or
unreadable data exits 1.

Unlike the demo files and their helpers, this module is not copied by ``scaffold``: it imports
``dlguide.catalogue.kb`` and ``dlguide.errors``, and imports torch only when a demo is run.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from dlguide.catalogue import kb as knowledge
from dlguide.errors import DEMOS_INSTALL, DataError, DeviceError, FileExistsRefusal, MissingExtraError, UsageError


@dataclass(frozen=True)
class DemoChoice:
    """What a typed name picks: the family, its demo file and the demo options the name stands for."""

    family: str
    file: Path
    options: list[str]
    data: str
    hint: str


# In the extra for 'dlguide propagate' on large inputs, which falls back to an exact search without it.
OPTIONAL = {"faiss-cpu"}


def demo_requirements() -> list[str]:
    """The requirements of dlguide's ``demos`` extra ('scikit-learn>=1.3'), as pyproject.toml declares them
    (the one list), less the optional ones."""
    try:
        requires = importlib.metadata.requires("dlguide") or []
    except importlib.metadata.PackageNotFoundError:  # run from a source tree that is not installed
        return []
    found = []
    for requirement in requires:
        spec, _, marker = requirement.partition(";")
        if re.search(r"""extra\s*==\s*["']demos["']""", marker) and package_name(spec) not in OPTIONAL:
            found.append(spec.strip().replace(" ", ""))
    return found


def package_name(requirement: str) -> str:
    """'scikit-learn>=1.3' -> 'scikit-learn'."""
    return re.match(r"\s*([A-Za-z0-9_.\-]+)", requirement).group(1)


def missing_packages() -> list[str]:
    """The demo extra's packages that are not installed here (found without importing them)."""
    missing = []
    for name in map(package_name, demo_requirements()):
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(name)
    return missing


def choose(arch: str, kb_dir: Optional[Path] = None, base: Optional[knowledge.KnowledgeBase] = None) -> DemoChoice:
    """The demo that ``arch`` (an id or alias) picks; a family without a demo, or a missing file, is an error."""
    base = base or knowledge.load(kb_dir)
    family_id = base.resolve(arch, families_only=True)
    demo = base.families[family_id].demo
    if demo is None:
        have = sorted(fid for fid, family in base.families.items() if family.demo)
        raise UsageError(f"family {family_id!r} has no demo; families with demos: {', '.join(have)}")
    path = base.demo_file(family_id)
    if not path.is_file():
        raise UsageError(f"family {family_id!r} names demo {demo.module!r}, but {path} does not exist")
    return DemoChoice(family_id, path, demo.options_for(arch), demo.data, demo.hint)


def demo_argv(choice: DemoChoice, extra: list[str]) -> list[str]:
    """The options for the demo: the user's, plus those the name typed stands for unless the user gave them."""
    if choice.options:
        name = choice.options[0]
        if not any(a == name or a.startswith(name + "=") for a in extra):
            return [*choice.options, *extra]
    return list(extra)


def load_module(path: Path):
    """Import a demo file: a module of dlguide/demos by name, any other file as one of its siblings, so that
    its ``from . import lpkit`` finds dlguide's helpers."""
    own = Path(__file__).resolve().parent
    if path.resolve().parent == own:
        return importlib.import_module(f"dlguide.demos.{path.stem}")
    name = f"dlguide.demos._kb_{re.sub(r'[^A-Za-z0-9_]', '_', path.stem)}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def run(choice: DemoChoice, extra: list[str]) -> dict:
    """Run the chosen demo's ``main(argv)`` here, mapping its errors to dlguide's."""
    missing = missing_packages()
    if missing:
        raise MissingExtraError(f"the demos need {', '.join(missing)}, which are not installed; install them with: {DEMOS_INSTALL}",
                                hint=DEMOS_INSTALL)
    module = load_module(choice.file)
    lpkit = importlib.import_module("dlguide.demos.lpkit")
    try:
        return module.main(demo_argv(choice, extra))
    except lpkit.DemoError as exc:
        error = {"usage": UsageError, "device": DeviceError, "data": DataError, "output": FileExistsRefusal}[exc.kind]
        raise error(exc.message) from exc


def shown_name(base: knowledge.KnowledgeBase, family: str, variant: Optional[str]) -> str:
    """What to type after ``run-demo`` or ``scaffold`` to see ``variant`` of ``family`` ('gru' for an RNN with
    a GRU); the family id when no demo option shows that variant."""
    demo = base.families[family].demo if family in base.families else None
    return (demo.name_for(variant) if demo else None) or family
