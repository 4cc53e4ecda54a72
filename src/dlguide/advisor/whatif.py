"""What would change the answer: the nearest changes to a profile that put another family first.

Pure: no I/O, no printing. Each question is probed with its other answers (for numbers, both sides of
every threshold a rule compares with); changes to questions marked ``actionable`` in ``questions.yaml``
(size, labels, sequence length, compute, what matters) come before the others (the data, the task),
because a person can act on them. When no single actionable answer moves the lead, pairs of them are
tried. How far a choice is from the given one is the question's ``change_distance``, or else the steps
between them in the listed order.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

from dlguide.rules.conditions import evaluate, numbers_compared
from dlguide.rules.ranking import Rescorer
from dlguide.rules.rules_schema import Profile, Question

_MAX_CHANGES = 3


@dataclass
class Change:
    question: str
    value: Any
    leader: str  # the family that would come first after the change
    distance: float  # how far the change is from the given profile; smaller is nearer
    text: str  # the change phrased for a person


def nearest_changes(kb, profile: Profile, top: str) -> list[Change]:
    """The nearest changes that put another family first, one per new leader.

    Changes to questions marked ``actionable`` (size, labels, sequence length, compute, what matters)
    come before the others (the data, the task), because a person can act on them. When no single
    actionable answer moves the lead, pairs of them are tried: "with more than about 1M samples and high compute" is advice,
    where a lone change of either is not enough.
    """
    # One change per new leader within each kind, so a data flip cannot hide an actionable change.
    rescorer = Rescorer(kb, profile)
    actionable: dict[str, Change] = {}
    other: dict[str, Change] = {}
    situational = []
    for question in kb.questions.values():
        if question.ask_when is not None and evaluate(question.ask_when, profile)[0] is not True:
            continue  # no sequence length for images: a change there would be no advice at all
        for value, distance, phrase in _probes(kb, question, profile):
            target = actionable if question.actionable else other
            changed = profile.with_answer(question.id, value)
            _consider(kb, target, rescorer.leader(changed, {question.id}), top, question.id, value, distance, phrase)
            if target is actionable:
                situational.append((question.id, value, distance, phrase))
    if not actionable:
        for first, second in itertools.combinations(situational, 2):
            if first[0] == second[0]:
                continue
            changed = profile.with_answer(first[0], first[1]).with_answer(second[0], second[1])
            _consider(kb, actionable, rescorer.leader(changed, {first[0], second[0]}), top, f"{first[0]}+{second[0]}",
                      [first[1], second[1]], first[2] + second[2], _join_phrases(first[3], second[3]))
    return (sorted(actionable.values(), key=_nearest) + sorted(other.values(), key=_nearest))[:_MAX_CHANGES]


def _nearest(change: Change) -> tuple[float, str]:
    return change.distance, change.leader


def _consider(kb, found: dict[str, Change], new_leader: str, top: str, question: str, value: Any,
              distance: float, phrase: str) -> None:
    if new_leader == top:
        return
    best = found.get(new_leader)
    if best is None or distance < best.distance:
        found[new_leader] = Change(question=question, value=value, leader=new_leader, distance=round(distance, 3),
                                   text=f"{phrase}, {kb.families[new_leader].short} would lead")


def _join_phrases(first: str, second: str) -> str:
    """'with 1M samples' + 'with high compute' -> 'with 1M samples and high compute'."""
    if first.startswith("with ") and second.startswith("with "):
        second = second[len("with "):]
    return f"{first} and {second}"


def _probes(kb, question: Question, profile: Profile):
    """Alternative answers to one question: (value, distance from the given answer, phrase)."""
    given = profile.get(question.id)
    unknown = profile.is_unknown(question.id)
    template = question.change_phrase or f"if {question.id} were {{value}}"
    if question.kind == "choice":
        ids = question.choice_ids()
        for choice in question.choices:
            if choice.id == given:
                continue
            if question.change_distance is not None:
                distance = question.change_distance
            else:
                distance = 1.0 if unknown else float(abs(ids.index(choice.id) - ids.index(given)))
            yield choice.id, distance, template.format(value=choice.id, label=choice.label.lower())
    elif question.kind == "multi":
        current = [] if unknown else list(given)
        for choice in question.choices:
            if choice.id not in current:
                yield current + [choice.id], 1.0, template.format(value=choice.id, label=choice.label.lower())
    else:
        for threshold in _thresholds(kb, question.id):
            for value, above in _around(question, threshold):
                if not unknown and (given >= value if above else given <= value):
                    continue  # already on that side of the threshold
                if question.integer:
                    words = "more than about" if above else "fewer than"
                else:
                    words = "more than" if above else "under"
                yield value, _numeric_distance(question, given, value, unknown), template.format(
                    value=f"{words} {_format_number(question, threshold)}"
                )


def _thresholds(kb, question_id: str) -> list[float]:
    """Every number that some rule compares ``question_id`` with: where the answer can change."""
    return sorted(numbers_compared([rule.when for rule in kb.rules], question_id))


def _around(question: Question, threshold: float) -> list[tuple[float, bool]]:
    """A value just below and one at or just above ``threshold``, inside the question's range."""
    step = 1 if question.integer else 0.01
    pairs = []
    below = threshold - step
    if question.minimum is None or below >= question.minimum:
        pairs.append((int(below) if question.integer else round(below, 4), False))
    above = threshold if question.integer else round(threshold + step, 4)
    if question.maximum is None or above <= question.maximum:
        pairs.append((int(above) if question.integer else above, True))
    return pairs


def _numeric_distance(question: Question, given: Any, value: float, unknown: bool) -> float:
    if unknown:
        return 1.0
    if question.kind == "fraction":
        return abs(value - given) * 5
    return abs(math.log10(max(value, 1)) - math.log10(max(given, 1)))


def _format_number(question: Question, value: float) -> str:
    if question.kind == "fraction":
        return f"{value * 100:g}%"
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"
