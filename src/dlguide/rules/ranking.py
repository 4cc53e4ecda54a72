"""Score and rank the families for one profile: the rules' three-valued logic and their effects.

Pure: no I/O, no printing. Every family starts at the rules file's base score; each rule whose ``when`` is
true adds the weights of its ``raise`` effects and takes those of its ``lower`` effects, and an
``exclude`` sends a family to the bottom with its reason. Conditions use three-valued logic: a
comparison with an unknown answer is unknown, ``all``/``any``/``not`` follow Kleene's rules, and a rule
fires only when its condition is true - so not knowing never triggers a rule about what you do not know.
The conditions themselves are evaluated by ``dlguide.rules.conditions``, the rule language.
A family with a pretrained route for the profile's data and task (its file's ``pretrained`` list) starts
from that model: effects marked ``from_scratch`` (data hunger) pass it by, the route names its variant,
and its reasons say which rules were passed by. Ranking is by score, then id; excluded families come last. ``Rescorer`` scores profiles that differ from
one profile in a few answers by evaluating again only the rules that read those answers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from dlguide.rules.conditions import describe, evaluate, questions_read, truth
from dlguide.rules.rules_schema import Profile, Rule

# The results are plain dataclasses: built here, never parsed from outside, and many per run.
@dataclass
class Hit:
    rule: str  # id of the rule
    action: str  # raise, lower, exclude, or pretrained (a route, which changes no score)
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
    pretrained: Optional[str] = None  # how to start from a pretrained model, when the family has a route here
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


def routes(kb, profile: Profile) -> dict:
    """Family id -> the pretrained route that applies to this profile's data and task.

    Known answers only: with the data or the task unknown nobody can say a pretrained model exists, so the
    rules about training from scratch keep speaking (the same three-valued stance as the conditions).
    """
    data, task = profile.get("data"), profile.get("task")
    if profile.is_unknown("data") or profile.is_unknown("task"):
        return {}
    found = {}
    for family_id, family in kb.families.items():
        for route in getattr(family, "pretrained", ()):
            if data in route.data and (not route.task or task in route.task):
                found[family_id] = route
                break
    return found


def passes_by(effect, pretrained) -> bool:
    """Whether a family's pretrained route here makes ``effect`` pass it by.

    A ``from_scratch`` effect (data hunger) passes by any route; a ``training_cost`` effect (training on
    small hardware) passes by a route whose model is used as it is, with no training at all.
    """
    route = pretrained.get(effect.family)
    if route is None:
        return False
    return effect.from_scratch or (effect.training_cost and not route.trains)


def contribution(rule: Rule, profile: Profile, pretrained) -> Optional[tuple[dict[str, int], set[str], list]]:
    """What a rule does to this profile: score deltas, exclusions and the from-scratch effects it skipped.

    None when the rule does not fire. ``pretrained`` holds the families that start from a pretrained model
    here; effects marked ``from_scratch`` pass them by.
    """
    if truth(rule.when, profile) is not True:
        return None
    deltas: dict[str, int] = {}
    excluded: set[str] = set()
    skipped = []
    for effect in rule.effects:
        if passes_by(effect, pretrained):
            skipped.append(effect)
        elif effect.action == "exclude":
            excluded.add(effect.family)
        else:
            deltas[effect.family] = deltas.get(effect.family, 0) + (effect.weight if effect.action == "raise" else -effect.weight)
    return deltas, excluded, skipped


def scores(kb, profile: Profile) -> tuple[dict[str, int], set[str], list[tuple[Rule, bool]]]:
    """Score of every family, the excluded ones, and each rule with whether it fired."""
    totals = {family_id: kb.rules.base_score for family_id in kb.families}
    excluded: set[str] = set()
    fired: list[tuple[Rule, bool]] = []
    pretrained = routes(kb, profile)
    for rule in kb.rules:
        done = contribution(rule, profile, pretrained)
        fired.append((rule, done is not None))
        if done is None:
            continue
        for family_id, delta in done[0].items():
            totals[family_id] += delta
        excluded |= done[1]
    return totals, excluded, fired


def order(totals: dict[str, int], excluded: set[str]) -> list[str]:
    return sorted(totals, key=lambda fid: (fid in excluded, -totals[fid], fid))


def leader(kb, profile: Profile) -> str:
    totals, excluded, _ = scores(kb, profile)
    return order(totals, excluded)[0]


# Which pretrained routes apply depends on these answers, so a rule with from-scratch effects reads them too.
ROUTE_QUESTIONS = {"data", "task"}


def rule_reads(rule: Rule) -> set[str]:
    """Every answer whose change can change what the rule does: its condition's, plus the route's."""
    reads = set(questions_read(rule.when))
    return reads | ROUTE_QUESTIONS if any(effect.from_scratch or effect.training_cost for effect in rule.effects) else reads


class Rescorer:
    """The leader of profiles that differ from ``base`` in a few answers, scoring only what changed.

    Gives the same answer as ``leader`` (a test holds it to that); the "what would change" search asks it
    hundreds of times per run, and most rules do not read the answers a probe changes.
    """

    def __init__(self, kb, base: Profile) -> None:
        self.kb = kb
        self.rules = list(kb.rules)
        self.reads = [rule_reads(rule) for rule in self.rules]
        self.pretrained = routes(kb, base)
        self.done = [contribution(rule, base, self.pretrained) for rule in self.rules]
        self.totals, _, _ = scores(kb, base)
        self.exclusions = Counter(family for done in self.done if done for family in done[1])

    def leader(self, changed: Profile, questions: set[str]) -> str:
        totals, exclusions = dict(self.totals), Counter(self.exclusions)
        pretrained = routes(self.kb, changed) if questions & ROUTE_QUESTIONS else self.pretrained
        for rule, reads, before in zip(self.rules, self.reads, self.done):
            if not reads & questions:
                continue
            after = contribution(rule, changed, pretrained)
            if after == before:
                continue
            for done, sign in ((before, -1), (after, 1)):
                if done is None:
                    continue
                for family_id, delta in done[0].items():
                    totals[family_id] += sign * delta
                for family_id in done[1]:
                    exclusions[family_id] += sign
        return order(totals, {family for family, count in exclusions.items() if count > 0})[0]


PRETRAINED_RULE = "pretrained-route"
"""The name a pretrained route goes by in a family's reasons and as the rule that chose its variant."""


def rank(kb, profile: Profile) -> tuple[list[Ranked], list[TraceEntry], list[AdviceItem]]:
    totals, excluded, fired = scores(kb, profile)
    pretrained = routes(kb, profile)
    hits: dict[str, dict[str, list[Hit]]] = {fid: {"reasons": [], "cautions": []} for fid in kb.families}
    variants: dict[str, tuple[str, str]] = {}
    waived: dict[str, list[str]] = {fid: [] for fid in pretrained}
    advice: dict[str, AdviceItem] = {}
    trace: list[TraceEntry] = []
    for rule, did_fire in fired:
        effects = [f"{e.family} {_signed(e)}{_scratch_note(e, pretrained if did_fire else {})}" for e in rule.effects]
        effects += [f"{fid} variant {vid}" for fid, vid in rule.variant.items()]
        if not did_fire:
            state, leaf = evaluate(rule.when, profile)
            failed = describe(leaf, profile) if leaf is not None else None
            trace.append(TraceEntry(rule=rule.id, fired=False, state=_state(state), failed=failed, effects=effects))
            continue
        trace.append(TraceEntry(rule=rule.id, fired=True, state="true", effects=effects))
        for effect in rule.effects:
            if passes_by(effect, pretrained):
                waived[effect.family].append(rule.id)
                continue
            hit = Hit(rule=rule.id, action=effect.action, weight=effect.weight, because=rule.because, source=rule.source)
            hits[effect.family]["reasons" if effect.action == "raise" else "cautions"].append(hit)
        for family_id, variant_id in rule.variant.items():
            variants[family_id] = (variant_id, rule.id)
        for item in rule.advice:
            advice.setdefault(item.id, AdviceItem(id=item.id, text=item.text, see=item.see, rule=rule.id))
    for family_id, route in pretrained.items():
        # A family started from a pretrained model is that model: its route names the variant, after every rule.
        variants[family_id] = (route.variant, PRETRAINED_RULE)
        spared = f" The from-scratch rules ({', '.join(waived[family_id])}) do not apply." if waived[family_id] else ""
        because = f"Pretrained models exist for this data and task: {route.how}.{spared}"
        hits[family_id]["reasons"].append(Hit(rule=PRETRAINED_RULE, action="pretrained", weight=0, because=because,
                                              source=route.source))
    ranking = []
    for family_id in order(totals, excluded):
        family = kb.families[family_id]
        variant_id, variant_rule = variants.get(family_id, (None, None))
        names = {v.id: v.name for v in family.variants}
        route = pretrained.get(family_id)
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
                pretrained=route.how if route else None,
                reasons=sorted(hits[family_id]["reasons"], key=lambda h: -h.weight),
                cautions=sorted(hits[family_id]["cautions"], key=lambda h: (h.action != "exclude", -h.weight)),
                has_demo=family.demo is not None,
            )
        )
    return ranking, trace, list(advice.values())


def _scratch_note(effect, pretrained) -> str:
    if not (effect.from_scratch or effect.training_cost):
        return ""
    kind = " from scratch" if effect.from_scratch else " training cost"
    return kind + (" (not applied: pretrained)" if passes_by(effect, pretrained) else "")


def _signed(effect) -> str:
    if effect.action == "exclude":
        return "excluded"
    return f"{'+' if effect.action == 'raise' else '-'}{effect.weight}"


def _state(state: Optional[bool]) -> str:
    return "unknown" if state is None else ("true" if state else "false")
