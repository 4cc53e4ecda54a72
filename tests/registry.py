"""The families the tests run over, read from the built-in knowledge base: the one registry.

A test that loops over families or demos takes them from here, so a family file added to ``knowledge/``
(with its demo in ``demos/``) is tested without editing a list.
"""

from __future__ import annotations

import importlib.util

import pytest

from dlguide.catalogue import kb
from dlguide.demos import runner

BASE = kb.load(kb.builtin_dir())
FAMILIES = list(BASE.families)
DEMO_FAMILIES = [family_id for family_id, family in BASE.families.items() if family.demo]
DEMOS_INSTALLED = all(importlib.util.find_spec(module) is not None for module in ("torch", "torchvision", "sklearn"))
# for a test that runs a demo, or sees the advisor offer to run one: a core install skips it and says why
needs_demos = pytest.mark.skipif(not DEMOS_INSTALLED, reason="the demos extra (torch, torchvision, scikit-learn) is not installed")
# the demos of generative families also draw samples (--png)
GENERATIVE = {family_id for family_id in DEMO_FAMILIES if any("generate" in scope.task for scope in BASE.families[family_id].scope)}


def demo_module(family_id: str):
    """The demo module a family's YAML names, imported the way run-demo imports it."""
    return runner.load_module(BASE.demo_file(family_id))


def choice(family_id: str) -> runner.DemoChoice:
    """What ``run-demo FAMILY`` and ``scaffold FAMILY`` pick for a family's id."""
    return runner.choose(family_id, base=BASE)
