"""Load the recommender's questions and rules into a knowledge base, checked against its families.

Owned by the recommender (issue 3): reads ``questions.yaml`` and ``rules.yaml`` next to ``families/``.
"""

from __future__ import annotations


def load_into(kb, problems, read_yaml) -> None:
    """Attach questions and rules to ``kb``; append breadcrumbs for anything invalid to ``problems``."""
    kb.questions = None
    kb.rules = None
