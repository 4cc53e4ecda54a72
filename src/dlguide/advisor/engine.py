"""The recommender's engine: a profile and the knowledge base's rules in, a ranked, explained result out.

Pure: no I/O, no printing, no typer, rich or torch. ``dlguide.rules.ranking`` scores and ranks the families
with the rules; ``dlguide.advisor.whatif`` finds the nearest changes that would put another family first; this
module puts them together with the variants, the advice of the rules that fired, the full trace (for
``--explain``: each rule, fired or not, and the condition that failed) and the next commands to run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dlguide.advisor.whatif import Change, nearest_changes
from dlguide.errors import KnowledgeError
from dlguide.rules.ranking import AdviceItem, Ranked, TraceEntry, rank
from dlguide.rules.rules_schema import UNKNOWN, Profile, Question


@dataclass
class Result:
    profile: dict[str, Any]
    base_score: int
    ranking: list[Ranked]
    advice: list[AdviceItem]
    changes: list[Change]
    next_steps: list[str]
    trace: list[TraceEntry]


def recommend(kb, profile: Profile) -> Result:
    """Rank every family of ``kb`` for ``profile``, with reasons, advice, changes, next steps and trace."""
    check_ready(kb)
    ranking, trace, advice = rank(kb, profile)
    top = ranking[0]
    changes = nearest_changes(kb, profile, top.id)
    steps = []
    if len(ranking) > 1:
        steps.append(f"dlguide compare {top.id} {ranking[1].id}")
    if top.has_demo:
        demo = kb.families[top.id].demo  # the variant recommended ('gru'), not just the family
        shown = demo.name_for(top.variant) or top.id
        steps.append(f"dlguide run-demo {shown}")
        steps.append(f"dlguide scaffold {shown}")
    steps.append(f"dlguide show {top.id}")
    return Result(
        profile=full_profile(kb.questions, profile),
        base_score=kb.rules.base_score,
        ranking=ranking,
        advice=advice,
        changes=changes,
        next_steps=steps,
        trace=trace,
    )


def check_ready(kb) -> None:
    """Raise a knowledge error naming the folder when it has no questions and rules to recommend with."""
    if kb.questions is None or kb.rules is None:
        raise KnowledgeError(
            [f"{kb.root}: this knowledge folder has no questions.yaml and rules.yaml, so it cannot recommend"]
        )


def full_profile(questions: dict[str, Question], profile: Profile) -> dict[str, Any]:
    """Every question's answer in asking order, 'unknown' (or [] for a multi) where none was given."""
    answers: dict[str, Any] = {}
    for qid, question in questions.items():
        value = profile.get(qid)
        if question.kind == "multi":
            answers[qid] = [] if value in (UNKNOWN, None) else list(value)
        else:
            answers[qid] = value
    return answers
