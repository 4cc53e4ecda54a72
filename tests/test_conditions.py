"""The rule language (dlguide.rules.conditions): Kleene's three-valued logic, the walks, the checks."""

from __future__ import annotations

from dlguide.catalogue import kb as knowledge
from dlguide.rules import conditions
from dlguide.rules.rules_schema import All, Any_, Condition, Not, Profile

PROFILE = Profile(answers={"data": "image", "samples": 800})
KNOWN_FALSE = Condition(question="data", op="eq", value="text")
UNKNOWN = Condition(question="seq_len", op="gt", value=5)
SMALL = Condition(question="samples", op="lt", value=1000)


def test_kleene_logic():
    assert conditions.evaluate(All(all=[KNOWN_FALSE, UNKNOWN]), PROFILE) == (False, KNOWN_FALSE)
    assert conditions.evaluate(Any_(any=[KNOWN_FALSE, UNKNOWN]), PROFILE) == (None, UNKNOWN)
    assert conditions.evaluate(Any_(any=[UNKNOWN, Not(**{"not": KNOWN_FALSE})]), PROFILE)[0] is True
    assert conditions.evaluate(Not(**{"not": UNKNOWN}), PROFILE)[0] is None
    assert conditions.evaluate(All(all=[SMALL, Not(**{"not": KNOWN_FALSE})]), PROFILE) == (True, None)


def test_the_walks_reach_every_leaf_in_order():
    tree = All(all=[Not(**{"not": Any_(any=[UNKNOWN, KNOWN_FALSE])}), SMALL, Condition(question="data", op="eq", value="image")])
    assert list(conditions.leaves(tree)) == [UNKNOWN, KNOWN_FALSE, SMALL, tree.all[2]]
    assert conditions.questions_read(tree) == ["seq_len", "data", "samples"]
    assert conditions.numbers_compared([tree, Condition(question="samples", op="ge", value=50)], "samples") == {1000, 50}


def test_describe_says_the_condition_and_what_was_given():
    assert conditions.describe(SMALL, PROFILE) == "samples < 1000 (given: 800)"
    assert conditions.describe(UNKNOWN, PROFILE) == "seq_len > 5 (given: unknown)"


def test_problems_name_each_bad_leaf_with_did_you_mean():
    questions = knowledge.load().questions
    tree = Any_(any=[Condition(question="data", op="eq", value="imgae"), Condition(question="sample", op="lt", value=5),
                     Condition(question="data", op="lt", value=3), SMALL])
    found = conditions.problems(tree, questions)
    assert found[0].startswith("data: unknown answer 'imgae'; did you mean 'image'?")
    assert found[1].startswith("unknown question 'sample'; did you mean 'samples'?")
    assert found[2].startswith("operator 'lt' does not apply to the choice question 'data'")
    assert len(found) == 3


def test_truth_is_evaluate_without_the_leaf():
    """``truth`` (the ranking's fast path) answers as ``evaluate`` does, for every tree of the knowledge base."""
    import random

    base = knowledge.load()
    trees = [rule.when for rule in base.rules] + [q.ask_when for q in base.questions.values() if q.ask_when is not None]
    trees += [All(all=[KNOWN_FALSE, UNKNOWN]), Any_(any=[KNOWN_FALSE, UNKNOWN]), Not(**{"not": UNKNOWN})]
    rng = random.Random(7)
    answers = {}
    for question in base.questions.values():
        numbers = sorted(conditions.numbers_compared(trees, question.id))
        ids = question.choice_ids()
        values = ({"choice": ids, "multi": [[], *[[i] for i in ids], ids[:2], ids[-3:]]}.get(question.kind)
                  or [*numbers, *[n - 1 for n in numbers], *[n + 0.5 for n in numbers]])
        answers[question.id] = ["unknown", *values] + ([None] if question.kind != "multi" else [])
    for _ in range(400):
        profile = Profile(answers={qid: rng.choice(values) for qid, values in answers.items() if rng.random() < 0.8})
        for tree in trees:
            assert conditions.truth(tree, profile) is conditions.evaluate(tree, profile)[0], (tree, profile)
