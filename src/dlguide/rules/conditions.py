"""The rule language: evaluate, walk and check the condition trees of rules and questions.

A condition tree is ``all``/``any``/``not`` over leaves ``{question, op, value}`` with a closed set of
operators (``dlguide.rules.rules_schema``). Truth is three-valued: a comparison with an unknown answer is
unknown, ``all``/``any``/``not`` follow Kleene's rules, and whoever asks decides what unknown means (a rule
fires only when its ``when`` is true; a question is asked only when its ``ask_when`` is true). The
ranking, the what-if search, the questionnaire's ``ask_when``, the knowledge base's validation and its
consistency checks all come here; no other module walks a tree or evaluates a leaf.

Pure: imports only ``dlguide.rules.rules_schema`` and the standard library.
"""

from __future__ import annotations

from typing import Any, Iterator, Optional

from dlguide.errors import closest_name
from dlguide.rules.rules_schema import OPERATORS_BY_KIND, UNKNOWN, All, Any_, Condition, Not, Profile, Question

_SYMBOLS = {"eq": "=", "ne": "!=", "in": "in", "not_in": "not in", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_COMPARE = {
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}


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


def truth(node, profile: Profile) -> Optional[bool]:
    """``evaluate(node, profile)[0]`` without the deciding leaf, for the ranking's hundreds of rule checks a run.

    Each tree is turned once into nested functions that follow ``evaluate`` and ``_leaf`` step for step (a
    test holds the two to the same answers); this halves the time of the "what would change" search.
    """
    compiled = _TRUTHS.get(id(node))
    if compiled is None or compiled[0] is not node:
        compiled = _TRUTHS[id(node)] = (node, _truth_of(node))
    return compiled[1](profile)


_TRUTHS: dict[int, tuple[Any, Any]] = {}
_TESTS = {"eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "in": lambda a, b: a in b,
          "not_in": lambda a, b: a not in b, "contains": lambda a, b: b in a, **_COMPARE}


def _truth_of(node):
    if isinstance(node, Condition):
        question, target = node.question, node.value
        if node.op == "is_unknown":
            return lambda profile: profile.is_unknown(question)
        if node.op == "is_known":
            return lambda profile: not profile.is_unknown(question)
        test = _TESTS[node.op]
        return lambda profile: None if profile.is_unknown(question) else test(profile.get(question), target)
    if isinstance(node, Not):
        inner = _truth_of(node.not_)

        def negation(profile: Profile) -> Optional[bool]:
            state = inner(profile)
            return None if state is None else not state

        return negation
    children = [_truth_of(child) for child in (node.all if isinstance(node, All) else node.any)]
    decisive = True if isinstance(node, Any_) else False

    def junction(profile: Profile) -> Optional[bool]:
        unknown = False
        for child in children:
            state = child(profile)
            if state is decisive:
                return decisive
            if state is None:
                unknown = True
        return None if unknown else (not decisive)

    return junction


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


def leaves(node) -> Iterator[Condition]:
    """Every leaf of a condition tree, left to right."""
    if isinstance(node, Condition):
        yield node
    elif isinstance(node, Not):
        yield from leaves(node.not_)
    else:
        for child in node.all if isinstance(node, All) else node.any:
            yield from leaves(child)


def questions_read(node) -> list[str]:
    """The question ids a condition tree reads, each once, in the order they first appear."""
    return list(dict.fromkeys(leaf.question for leaf in leaves(node)))


def numbers_compared(nodes, question_id: str) -> set[float]:
    """Every number that a leaf of ``nodes`` compares ``question_id`` with: where an answer can change a result."""
    return {leaf.value for node in nodes for leaf in leaves(node)
            if leaf.question == question_id and isinstance(leaf.value, (int, float)) and not isinstance(leaf.value, bool)}


def describe(condition: Condition, profile: Profile | None = None) -> str:
    """A leaf as a person reads it, e.g. 'samples < 10000 (given: 800)'."""
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


def problems(node, questions: dict[str, Question]) -> list[str]:
    """What is wrong with each leaf of a tree given the questions (an unknown question or answer, an
    operator that does not fit the question's kind, a number out of range); empty when it is sound."""
    return [problem for leaf in leaves(node) if (problem := leaf_problem(leaf, questions))]


def leaf_problem(condition: Condition, questions: dict[str, Question]) -> str | None:
    """What is wrong with one leaf given the questions, or None when it is sound."""
    question = questions.get(condition.question)
    if question is None:
        return unknown_name("question", condition.question, questions)
    if condition.op not in OPERATORS_BY_KIND[question.kind]:
        allowed = ", ".join(sorted(OPERATORS_BY_KIND[question.kind]))
        return f"operator {condition.op!r} does not apply to the {question.kind} question {question.id!r} (use {allowed})"
    if condition.value is None:
        return None
    values = condition.value if isinstance(condition.value, list) else [condition.value]
    for value in values:
        if question.kind in ("choice", "multi"):
            if value not in question.choice_ids():
                return f"{question.id}: {unknown_name('answer', value, question.choice_ids())}"
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"{question.id}: expected a number, got {value!r}"
        elif (question.minimum is not None and value < question.minimum) or (
            question.maximum is not None and value > question.maximum
        ):
            return f"{question.id}: {value} is outside {question.minimum}..{question.maximum}"
    return None


def unknown_name(what: str, name: Any, known) -> str:
    """'unknown answer 'tabel'; did you mean 'table'? (known: ...)' for a name a tree or scope uses."""
    names = [str(k) for k in known]
    close = closest_name(str(name), names, 2)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    if name == UNKNOWN and what == "answer":
        hint = "; test for it with the operator 'is_unknown'"
    return f"unknown {what} {name!r}{hint} (known: {', '.join(names) or 'none'})"
