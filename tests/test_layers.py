"""The package's imports form no circle, point only down the subpackages, and no module outgrows the house limit.

Every ``import dlguide...`` and ``from dlguide... import`` in ``src/dlguide`` counts, the lazy ones inside
functions included: a circle hidden in a function is still a circle a reader has to untangle.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import dlguide

PACKAGE = Path(dlguide.__file__).parent
MAX_LINES = 450


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from . import lpkit
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
            graph[name] |= {target for target in targets if target in modules and target != name}
    return graph


def test_no_import_circles():
    graph = imports()
    circles = []

    def visit(node, stack, done):
        for nxt in sorted(graph[node]):
            if nxt in stack:
                circles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in done:
                visit(nxt, stack + [nxt], done)
        done.add(node)

    done: set[str] = set()
    for start in sorted(graph):
        if start not in done:
            visit(start, [start], done)
    assert circles == [], " ; ".join(" -> ".join(circle) for circle in circles)


def test_no_module_over_the_limit():
    long = {module_name(path): n for path in PACKAGE.rglob("*.py") if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


# The subpackages, each above the ones it may import. A package's __init__.py docstring names them in its
# "May import:" paragraph; this test holds the code to it. dlguide itself (its __version__) and the
# standard and third-party libraries are always allowed. demos/ is the demos' own: its files import
# nothing of dlguide (a scaffolded copy runs without it) except runner.py, which finds demos in the catalogue.
LAYERED = ("dlguide.projects", "dlguide.rendering", "dlguide.advisor", "dlguide.catalogue", "dlguide.rules")
DEMOS_MAY_IMPORT = {"dlguide.demos.runner": ("dlguide.catalogue", "dlguide.errors")}


def may_import(package: str) -> tuple[str, ...]:
    """The modules and packages named in the "May import:" paragraph of ``package``'s docstring."""
    doc = importlib.import_module(package).__doc__ or ""
    paragraph = doc.split("May import:", 1)[1].split("\n\n", 1)[0].split("Never", 1)[0]
    return tuple(re.findall(r"``(dlguide(?:\.\w+)+)``", paragraph))


def allowed(target: str, prefixes: tuple[str, ...]) -> bool:
    return target == "dlguide" or any(target == prefix or target.startswith(prefix + ".") for prefix in prefixes)


def test_every_package_says_what_it_may_import():
    for package in LAYERED:
        named = may_import(package)
        assert named, f"{package}/__init__.py: no ``dlguide...`` names in its 'May import:' paragraph"
        above = LAYERED[: LAYERED.index(package) + 1]
        upward = [name for name in named if name.startswith(above)]
        assert upward == [], f"{package} may import {upward}, which are not below it"


def test_subpackages_import_only_downward():
    graph = imports()
    wrong = []
    for name, targets in sorted(graph.items()):
        package = next((p for p in LAYERED if name == p or name.startswith(p + ".")), None)
        if package is not None:
            prefixes = (package, *may_import(package))
        elif name.startswith("dlguide.demos"):
            prefixes = ("dlguide.demos", *DEMOS_MAY_IMPORT.get(name, ()))
        elif name == "dlguide.errors":
            prefixes = ()
        else:
            continue  # cli, __main__, options and commands/ sit on top and may import anything below
        wrong += [f"{name} -> {target}" for target in sorted(targets) if not allowed(target, prefixes)]
    assert wrong == [], "imports against the layering in the packages' __init__ docstrings: " + " ; ".join(wrong)
