"""Checks that the recommender's knowledge agrees with itself, beyond what any one file can say.

Two kinds of contradiction, each reported as a breadcrumb naming the file and the rule:

- **Advice against the ranking.** Advice that ``recommends`` a family (fine-tune a pretrained BERT, say)
  must never show in a profile whose ranking puts that family below the top three: the answer would
  contradict itself.
- **A rule outside its scope.** A rule fires only for the data and tasks it speaks about (its ``scope``),
  and a rule that raises a family fires only where the family is meant to be used (the family's
  ``scope``): "a GAN generates in one pass" must not raise the GAN for a forecast.

Both are found by sweeping profiles rather than by reasoning over the conditions: every data and task,
with every other answer the rule reads taken at each side of every threshold some rule compares it with
(and unknown). The advice check also sweeps the size and the compute, which move the ranking most. Pure:
no I/O; ``dlguide.catalogue.kb`` calls ``problems`` once the knowledge base has loaded.
"""

from __future__ import annotations

import itertools

from dlguide.rules.conditions import evaluate, numbers_compared, questions_read
from dlguide.rules.ranking import contribution, order, routes, rule_reads
from dlguide.rules.rules_schema import UNKNOWN, Profile

TOP = 3
"""Advice may only steer towards a family that the same profile ranks this high or higher."""

ADVICE_SWEEP = ("data", "task", "samples", "compute", "priority")
"""The answers swept for every advising rule, on top of those its condition reads."""


def problems(kb, rules_path) -> list[str]:
    """Every advice/ranking contradiction and every rule that fires outside its scope, one line each."""
    if kb.rules is None or kb.questions is None:
        return []
    return scope_problems(kb, rules_path) + advice_problems(kb, rules_path)


def probe_values(kb, question_id: str) -> list:
    """The answers worth trying for one question: each choice, or each side of every threshold; and unknown."""
    question = kb.questions.get(question_id)
    if question is None:
        return [UNKNOWN]
    if question.kind == "choice":
        return [*question.choice_ids(), UNKNOWN]
    if question.kind == "multi":
        return [[], *([choice] for choice in question.choice_ids())]
    step = 1 if question.integer else 0.01
    values: set = set()
    for threshold in _thresholds(kb, question_id):
        for value in (threshold - step, threshold):
            if (question.minimum is None or value >= question.minimum) and (
                question.maximum is None or value <= question.maximum
            ):
                values.add(round(value, 4))
    return [*sorted(values), UNKNOWN]


def _thresholds(kb, question_id: str) -> set:
    return numbers_compared([rule.when for rule in kb.rules], question_id)


def _profiles(kb, question_ids) -> list[Profile]:
    """Every combination of the probe values of ``question_ids``; other answers stay unknown."""
    ids = sorted(question_ids)
    grids = [probe_values(kb, qid) for qid in ids]
    return [Profile(answers=dict(zip(ids, values))) for values in itertools.product(*grids)]


def _said(profile: Profile, question_ids) -> str:
    return ", ".join(f"{qid}={_shown(profile.get(qid))}" for qid in question_ids if not profile.is_unknown(qid))


def _shown(value) -> str:
    return ",".join(value) if isinstance(value, list) else str(value)


def _fires(rule, profile: Profile) -> bool:
    return evaluate(rule.when, profile)[0] is True


def scope_problems(kb, rules_path) -> list[str]:
    """Rules that fire for a known data or task outside their own scope or outside a raised family's."""
    found: list[str] = []
    for rule in kb.rules:
        where = f"{rules_path}: at rule {rule.id!r}"
        reported: set = set()
        for profile in _profiles(kb, set(questions_read(rule.when)) | {"data", "task"}):
            if not _fires(rule, profile):
                continue
            data, task = profile.get("data"), profile.get("task")
            if rule.scope is not None and "rule" not in reported and not _covers(rule.scope, data, task):
                reported.add("rule")
                found.append(f"{where}: fires for {_said(profile, ('data', 'task'))}, outside its scope "
                             f"({_scope_text(rule.scope)}); narrow its 'when'")
            for index, effect in enumerate(rule.effects):
                family = kb.families.get(effect.family)
                if effect.action != "raise" or family is None or not family.scope or effect.family in reported:
                    continue
                if not any(_covers(alternative, data, task) for alternative in family.scope):
                    reported.add(effect.family)
                    scope = " or ".join(_scope_text(alternative) for alternative in family.scope)
                    found.append(f"{where} > effects.{index}: raises {effect.family} for "
                                 f"{_said(profile, ('data', 'task'))}, outside {effect.family}'s scope ({scope}, in "
                                 f"{kb.root / 'families' / (effect.family + '.yaml')}); narrow the rule's 'when'")
    return found


def _covers(scope, data, task) -> bool:
    """Whether a rule's or a family's scope holds this data and task; an unknown answer is inside any."""
    return (not scope.data or data == UNKNOWN or data in scope.data) and (
        not scope.task or task == UNKNOWN or task in scope.task
    )


def _scope_text(scope) -> str:
    parts = [f"{name} in {', '.join(values)}" for name, values in (("data", scope.data), ("task", scope.task)) if values]
    return " and ".join(parts) or "anything"


class _SweepScorer:
    """``ranking.scores`` for thousands of similar profiles: each rule's effect is remembered by the
    answers it reads, which most swept profiles share."""

    def __init__(self, kb) -> None:
        self.kb = kb
        self.rules = [(rule, sorted(rule_reads(rule))) for rule in kb.rules]
        self.memo: dict = {}

    def ranking(self, profile: Profile) -> tuple[list[str], set[str]]:
        totals = {family_id: self.kb.rules.base_score for family_id in self.kb.families}
        excluded: set[str] = set()
        pretrained = None
        for rule, reads in self.rules:
            key = (rule.id, *(_shown(profile.get(qid)) for qid in reads))
            if key not in self.memo:
                if pretrained is None:
                    pretrained = routes(self.kb, profile)
                self.memo[key] = contribution(rule, profile, pretrained)
            done = self.memo[key]
            if done is not None:
                for family_id, delta in done[0].items():
                    totals[family_id] += delta
                excluded |= done[1]
        return order(totals, excluded), excluded


def advice_problems(kb, rules_path) -> list[str]:
    """Advice that recommends a family which the same profile ranks below the top three (or excludes)."""
    found: list[str] = []
    ranked_cache: dict = {}
    scorer = _SweepScorer(kb)
    for rule in kb.rules:
        advising = [item for item in rule.advice if item.recommends]
        if not advising:
            continue
        reported: set = set()
        reads = set(questions_read(rule.when)) | {"data", "task"}
        sweep = reads | set(ADVICE_SWEEP)
        # Whether the rule fires depends only on what it reads: find those profiles first, then widen them.
        firing = [profile for profile in _profiles(kb, reads) if _fires(rule, profile)]
        rest = _profiles(kb, sweep - reads)
        for profile in (Profile(answers={**a.answers, **b.answers}) for a in firing for b in rest):
            key = tuple(sorted((qid, _shown(value)) for qid, value in profile.answers.items()))
            if key not in ranked_cache:
                ranked_cache[key] = scorer.ranking(profile)
            ranking, excluded = ranked_cache[key]
            for item in advising:
                for family_id in item.recommends:
                    if (item.id, family_id) in reported:
                        continue
                    place = ranking.index(family_id) + 1
                    if place > TOP or family_id in excluded:
                        reported.add((item.id, family_id))
                        found.append(f"{rules_path}: at rule {rule.id!r} > advice {item.id!r}: recommends "
                                     f"{family_id}, but for {_said(profile, sorted(sweep))} the ranking puts it "
                                     f"{'last (excluded)' if family_id in excluded else f'at {place}'} "
                                     f"(top: {', '.join(ranking[:TOP])})")
    return found
