"""The recommender's engine: a profile and the knowledge base's rules in, a ranked, explained result out.

Pure: no I/O, no printing, no typer, rich or torch. Every family starts at the rules file's base score;
each rule whose ``when`` is true adds the weights of its ``raise`` effects and takes those of its
``lower`` effects, and an ``exclude`` sends a family to the bottom with its reason. Conditions use
three-valued logic: a comparison with an unknown answer is unknown, ``all``/``any``/``not`` follow
Kleene's rules, and a rule fires only when its condition is true - so not knowing never triggers a rule
about what you do not know. Ranking is by score, then id; excluded families come last. Besides the
ranking the result carries variants (later rules refine earlier ones), the advice of fired rules, the
full trace (for ``--explain``: each rule, fired or not, and the condition that failed), the nearest
changes to the profile that would put another family first, and the next commands to run.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Optional


from dlguide.errors import KnowledgeError
from dlguide.rules_schema import UNKNOWN, All, Any_, Condition, Not, Profile, Question, Rule

_SYMBOLS = {"eq": "=", "ne": "!=", "in": "in", "not_in": "not in", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_COMPARE = {
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}
# How far a change is from what the user said: situational answers (size, compute, what matters) are
# near, the task further, the data itself furthest.
_CHOICE_DISTANCE = {"data": 3.0, "task": 2.5}
_MAX_CHANGES = 3


# The result is plain dataclasses: it is built here, never parsed from outside, and the "what would
# change" search ranks the families many times per run, so validation would only cost start-up time.
@dataclass
class Hit:
    rule: str  # id of the rule
    action: str  # raise, lower or exclude
    weight: int  # points the rule added or took (0 for exclude)
    because: str  # the rule's reason, as shown to the user
    source: str  # where the rule's knowledge comes from


@dataclass
class Ranked:
    id: str
    name: str
    short: str
    score: int
    excluded: bool = False
    variant: Optional[str] = None  # suggested variant id, when a rule names one
    variant_name: Optional[str] = None
    variant_rule: Optional[str] = None  # the rule that chose the variant
    reasons: list[Hit] = field(default_factory=list)  # rules that raised it
    cautions: list[Hit] = field(default_factory=list)  # rules that lowered or excluded it
    has_demo: bool = False


@dataclass
class TraceEntry:
    rule: str
    fired: bool
    state: str  # true, false or unknown: the value of the rule's condition
    failed: Optional[str] = None  # for a rule that did not fire: the condition that failed
    effects: list[str] = field(default_factory=list)  # what the rule does, e.g. 'cnn +5'


@dataclass
class AdviceItem:
    id: str
    text: str
    rule: str
    see: Optional[str] = None


@dataclass
class Change:
    question: str
    value: Any
    leader: str  # the family that would come first after the change
    distance: float  # how far the change is from the given profile; smaller is nearer
    text: str  # the change phrased for a person


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
    ranking, trace, advice = _rank(kb, profile)
    top = ranking[0]
    changes = nearest_changes(kb, profile, top.id)
    steps = []
    if len(ranking) > 1:
        steps.append(f"dlguide compare {top.id} {ranking[1].id}")
    if top.has_demo:
        steps.append(f"dlguide run-demo {top.id}")
        steps.append(f"dlguide scaffold {top.id}")
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


def evaluate(node, profile: Profile) -> tuple[Optional[bool], Optional[Condition]]:
    """The three-valued truth of a condition tree, and the leaf that decided a non-true result."""
    if isinstance(node, Condition):
        return _leaf(node, profile), node
    if isinstance(node, Not):
        state, leaf = evaluate(node.not_, profile)
        return (None if state is None else not state), leaf
    children = node.all if isinstance(node, All) else node.any
    decisive = True if isinstance(node, Any_) else False
    unknown_leaf = None
    for child in children:
        state, leaf = evaluate(child, profile)
        if state is decisive:
            return decisive, leaf
        if state is None and unknown_leaf is None:
            unknown_leaf = leaf
    if unknown_leaf is not None:
        return None, unknown_leaf
    return (not decisive), None


def _leaf(condition: Condition, profile: Profile) -> Optional[bool]:
    unknown = profile.is_unknown(condition.question)
    if condition.op == "is_unknown":
        return unknown
    if condition.op == "is_known":
        return not unknown
    if unknown:
        return None
    value = profile.get(condition.question)
    target = condition.value
    if condition.op == "eq":
        return value == target
    if condition.op == "ne":
        return value != target
    if condition.op == "in":
        return value in target
    if condition.op == "not_in":
        return value not in target
    if condition.op == "contains":
        return target in value
    return _COMPARE[condition.op](value, target)


def describe_condition(condition: Condition, profile: Profile | None = None) -> str:
    """A condition as a person reads it, e.g. 'samples < 10000 (given: 800)'."""
    if condition.op in ("is_unknown", "is_known"):
        text = f"{condition.question} {condition.op.replace('_', ' ')}"
    elif condition.op == "contains":
        text = f"{condition.question} includes {condition.value}"
    else:
        value = ", ".join(map(str, condition.value)) if isinstance(condition.value, list) else condition.value
        text = f"{condition.question} {_SYMBOLS[condition.op]} {value}"
    if profile is not None:
        given = profile.get(condition.question)
        given = "unknown" if profile.is_unknown(condition.question) else given
        text += f" (given: {', '.join(given) if isinstance(given, list) else given})"
    return text


def scores(kb, profile: Profile) -> tuple[dict[str, int], set[str], list[tuple[Rule, bool]]]:
    """Score of every family, the excluded ones, and each rule with whether it fired."""
    totals = {family_id: kb.rules.base_score for family_id in kb.families}
    excluded: set[str] = set()
    fired: list[tuple[Rule, bool]] = []
    for rule in kb.rules:
        state, _ = evaluate(rule.when, profile)
        fired.append((rule, state is True))
        if state is not True:
            continue
        for effect in rule.effects:
            if effect.action == "raise":
                totals[effect.family] += effect.weight
            elif effect.action == "lower":
                totals[effect.family] -= effect.weight
            else:
                excluded.add(effect.family)
    return totals, excluded, fired


def _order(totals: dict[str, int], excluded: set[str]) -> list[str]:
    return sorted(totals, key=lambda fid: (fid in excluded, -totals[fid], fid))


def leader(kb, profile: Profile) -> str:
    totals, excluded, _ = scores(kb, profile)
    return _order(totals, excluded)[0]


def _rank(kb, profile: Profile) -> tuple[list[Ranked], list[TraceEntry], list[AdviceItem]]:
    totals, excluded, fired = scores(kb, profile)
    hits: dict[str, dict[str, list[Hit]]] = {fid: {"reasons": [], "cautions": []} for fid in kb.families}
    variants: dict[str, tuple[str, str]] = {}
    advice: dict[str, AdviceItem] = {}
    trace: list[TraceEntry] = []
    for rule, did_fire in fired:
        effects = [f"{e.family} {_signed(e)}" for e in rule.effects]
        effects += [f"{fid} variant {vid}" for fid, vid in rule.variant.items()]
        if not did_fire:
            state, leaf = evaluate(rule.when, profile)
            failed = describe_condition(leaf, profile) if leaf is not None else None
            trace.append(TraceEntry(rule=rule.id, fired=False, state=_state(state), failed=failed, effects=effects))
            continue
        trace.append(TraceEntry(rule=rule.id, fired=True, state="true", effects=effects))
        for effect in rule.effects:
            hit = Hit(rule=rule.id, action=effect.action, weight=effect.weight, because=rule.because, source=rule.source)
            hits[effect.family]["reasons" if effect.action == "raise" else "cautions"].append(hit)
        for family_id, variant_id in rule.variant.items():
            variants[family_id] = (variant_id, rule.id)
        for item in rule.advice:
            advice.setdefault(item.id, AdviceItem(id=item.id, text=item.text, see=item.see, rule=rule.id))
    ranking = []
    for family_id in _order(totals, excluded):
        family = kb.families[family_id]
        variant_id, variant_rule = variants.get(family_id, (None, None))
        names = {v.id: v.name for v in family.variants}
        ranking.append(
            Ranked(
                id=family_id,
                name=family.name,
                short=family.short,
                score=totals[family_id],
                excluded=family_id in excluded,
                variant=variant_id,
                variant_name=names.get(variant_id) if variant_id else None,
                variant_rule=variant_rule,
                reasons=sorted(hits[family_id]["reasons"], key=lambda h: -h.weight),
                cautions=sorted(hits[family_id]["cautions"], key=lambda h: (h.action != "exclude", -h.weight)),
                has_demo=family.demo is not None,
            )
        )
    return ranking, trace, list(advice.values())


def _signed(effect) -> str:
    if effect.action == "exclude":
        return "excluded"
    return f"{'+' if effect.action == 'raise' else '-'}{effect.weight}"


def _state(state: Optional[bool]) -> str:
    return "unknown" if state is None else ("true" if state else "false")


# ---- What would change the answer ----------------------------------------------------------------


def nearest_changes(kb, profile: Profile, top: str) -> list[Change]:
    """The nearest changes that put another family first, one per new leader.

    Changes to the situation (size, labels, sequence length, compute, what matters) come before changes
    to the data or the task, because a person can act on them. When no single situational answer moves
    the lead, pairs of them are tried: "with more than about 1M samples and high compute" is advice,
    where a lone change of either is not enough.
    """
    # One change per new leader within each kind, so a data flip cannot hide an actionable change.
    actionable: dict[str, Change] = {}
    other: dict[str, Change] = {}
    situational = []
    for question in kb.questions.values():
        if question.ask_when is not None and evaluate(question.ask_when, profile)[0] is not True:
            continue  # no sequence length for images: a change there would be no advice at all
        for value, distance, phrase in _probes(kb, question, profile):
            target = other if question.id in _CHOICE_DISTANCE else actionable
            _consider(kb, target, profile.with_answer(question.id, value), top, question.id, value, distance, phrase)
            if target is actionable:
                situational.append((question.id, value, distance, phrase))
    if not actionable:
        for first, second in itertools.combinations(situational, 2):
            if first[0] == second[0]:
                continue
            changed = profile.with_answer(first[0], first[1]).with_answer(second[0], second[1])
            _consider(kb, actionable, changed, top, f"{first[0]}+{second[0]}", [first[1], second[1]],
                      first[2] + second[2], _join_phrases(first[3], second[3]))
    return (sorted(actionable.values(), key=_nearest) + sorted(other.values(), key=_nearest))[:_MAX_CHANGES]


def _nearest(change: Change) -> tuple[float, str]:
    return change.distance, change.leader


def _consider(kb, found: dict[str, Change], changed: Profile, top: str, question: str, value: Any,
              distance: float, phrase: str) -> None:
    new_leader = leader(kb, changed)
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
            if question.id in _CHOICE_DISTANCE:
                distance = _CHOICE_DISTANCE[question.id]
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
    found: set[float] = set()

    def walk(node) -> None:
        if isinstance(node, Condition):
            if node.question == question_id and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
                found.add(node.value)
        elif isinstance(node, Not):
            walk(node.not_)
        else:
            for child in node.all if isinstance(node, All) else node.any:
                walk(child)

    for rule in kb.rules:
        walk(rule.when)
    return sorted(found)


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
