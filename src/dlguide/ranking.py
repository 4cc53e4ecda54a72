"""Score and rank the families for one profile: the rules' three-valued logic and their effects.

Pure: no I/O, no printing. Every family starts at the rules file's base score; each rule whose ``when`` is
true adds the weights of its ``raise`` effects and takes those of its ``lower`` effects, and an
``exclude`` sends a family to the bottom with its reason. Conditions use three-valued logic: a
comparison with an unknown answer is unknown, ``all``/``any``/``not`` follow Kleene's rules, and a rule
fires only when its condition is true - so not knowing never triggers a rule about what you do not know.
Ranking is by score, then id; excluded families come last. ``Rescorer`` scores profiles that differ from
one profile in a few answers by evaluating again only the rules that read those answers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from dlguide.rules_schema import All, Any_, Condition, Not, Profile, Rule

_SYMBOLS = {"eq": "=", "ne": "!=", "in": "in", "not_in": "not in", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_COMPARE = {
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}


# The results are plain dataclasses: built here, never parsed from outside, and many per run.
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


def order(totals: dict[str, int], excluded: set[str]) -> list[str]:
    return sorted(totals, key=lambda fid: (fid in excluded, -totals[fid], fid))


def leader(kb, profile: Profile) -> str:
    totals, excluded, _ = scores(kb, profile)
    return order(totals, excluded)[0]


def questions_read(node) -> set[str]:
    """The question ids a condition tree reads."""
    if isinstance(node, Condition):
        return {node.question}
    if isinstance(node, Not):
        return questions_read(node.not_)
    return set().union(*(questions_read(child) for child in (node.all if isinstance(node, All) else node.any)))


class Rescorer:
    """The leader of profiles that differ from ``base`` in a few answers, scoring only what changed.

    Gives the same answer as ``leader`` (a test holds it to that); the "what would change" search asks it
    hundreds of times per run, and most rules do not read the answers a probe changes.
    """

    def __init__(self, kb, base: Profile) -> None:
        self.kb = kb
        self.rules = list(kb.rules)
        self.reads = [questions_read(rule.when) for rule in self.rules]
        self.fired = [evaluate(rule.when, base)[0] is True for rule in self.rules]
        self.totals, excluded, _ = scores(kb, base)
        self.exclusions = Counter(
            effect.family
            for rule, did_fire in zip(self.rules, self.fired)
            if did_fire
            for effect in rule.effects
            if effect.action == "exclude"
        )

    def leader(self, changed: Profile, questions: set[str]) -> str:
        totals, exclusions = dict(self.totals), Counter(self.exclusions)
        for rule, reads, was_fired in zip(self.rules, self.reads, self.fired):
            if not reads & questions or (evaluate(rule.when, changed)[0] is True) == was_fired:
                continue
            sign = -1 if was_fired else 1
            for effect in rule.effects:
                if effect.action == "exclude":
                    exclusions[effect.family] += sign
                else:
                    totals[effect.family] += sign * effect.weight * (1 if effect.action == "raise" else -1)
        return order(totals, {family for family, count in exclusions.items() if count > 0})[0]


def rank(kb, profile: Profile) -> tuple[list[Ranked], list[TraceEntry], list[AdviceItem]]:
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
    for family_id in order(totals, excluded):
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
