"""Broken questions and rules files: every problem names the file, the rule (or question) and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dlguide.catalogue import kb as knowledge
from dlguide.rules.rules_schema import Condition, Effect, Question

GOOD_RULE = {
    "id": "test-rule",
    "when": {"question": "data", "op": "eq", "value": "image"},
    "effects": [{"family": "cnn", "action": "raise", "weight": 2}],
    "because": "A reason.",
    "source": "seed:000",
}


def _with_rule(kb_dir: Path, **changes) -> list[str]:
    rules_path = kb_dir / "rules.yaml"
    document = yaml.safe_load(rules_path.read_text())
    rule = {**GOOD_RULE, **changes}
    document["rules"].append({k: v for k, v in rule.items() if v is not None})
    rules_path.write_text(yaml.safe_dump(document, sort_keys=False))
    return knowledge.collect(kb_dir)[1]


def test_builtin_rules_and_questions_are_valid():
    base, problems = knowledge.collect(knowledge.builtin_dir())
    assert problems == []
    assert {"data", "task", "samples", "labeled", "seq_len", "compute", "priority"} <= set(base.questions)
    assert len(base.rules) >= 40
    assert all(rule.source.strip() for rule in base.rules)


def test_builtin_rules_cover_every_family_data_and_task():
    base = knowledge.load(None)
    named = {effect.family for rule in base.rules for effect in rule.effects}
    assert named == set(base.families)
    mentioned: set = set()

    def walk(node):
        if isinstance(node, Condition):
            if node.value is not None:
                mentioned.update(node.value if isinstance(node.value, list) else [node.value])
        else:
            for child in getattr(node, "all", None) or getattr(node, "any", None) or [node.not_]:
                walk(child)

    for rule in base.rules:
        walk(rule.when)
    for question in ("data", "task"):
        assert set(base.questions[question].choice_ids()) <= mentioned


def test_good_extra_rule_loads(kb_copy):
    assert _with_rule(kb_copy) == []


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"effects": [{"family": "cnnn", "action": "raise", "weight": 2}]}, "effects.0.family: unknown family 'cnnn'; did you mean 'cnn'?"),
        ({"when": {"question": "data", "op": "eq", "value": "pictures"}}, "unknown answer 'pictures'"),
        ({"when": {"question": "dataa", "op": "eq", "value": "image"}}, "unknown question 'dataa'; did you mean 'data'?"),
        ({"when": {"question": "data", "op": "equals", "value": "image"}}, "when"),
        ({"colour": "red"}, "colour: unknown field"),
        ({"when": {"question": "samples", "op": "contains", "value": 3}}, "operator 'contains' does not apply"),
        ({"when": {"question": "labeled", "op": "gt", "value": 3}}, "labeled: 3 is outside 0.0..1.0"),
        ({"when": {"question": "data", "op": "eq", "value": "unknown"}}, "is_unknown"),
        ({"variant": {"rnn": "transformerish"}}, "unknown variant of rnn 'transformerish'"),
        ({"effects": [{"family": "cnn", "action": "exclude", "weight": 3}]}, "'exclude' takes no weight"),
        ({"source": None}, "source: required field is missing"),
    ],
)
def test_broken_rule_names_file_and_rule(kb_copy, change, expected):
    problems = _with_rule(kb_copy, **change)
    assert problems, "a broken rule must be reported"
    line = next((p for p in problems if "test-rule" in p), problems[0])
    assert line.startswith(f"{kb_copy / 'rules.yaml'}: at rule 'test-rule'"), line
    assert expected in line, line


def test_duplicate_rule_id(kb_copy):
    problems = _with_rule(kb_copy, id="data-image-grid")
    assert problems == [f"{kb_copy / 'rules.yaml'}: at rule 'data-image-grid': duplicate rule id"]


def test_broken_question_names_file_and_field(kb_copy):
    path = kb_copy / "questions.yaml"
    document = yaml.safe_load(path.read_text())
    document["questions"][0]["kind"] = "dropdown"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    problems = knowledge.collect(kb_copy)[1]
    assert any(p.startswith(f"{path}: questions.0.kind") and "'choice'" in p for p in problems), problems


def test_kb_with_only_families_loads_and_recommend_says_why(kb_copy, cli):
    (kb_copy / "questions.yaml").unlink()
    (kb_copy / "rules.yaml").unlink()
    base = knowledge.load(kb_copy)
    assert base.questions is None and base.rules is None
    result = cli("recommend", "--kb", kb_copy, "--data", "image", "--task", "classify")
    assert result.code == 1
    assert "has no questions.yaml and rules.yaml" in result.stderr


def test_rules_without_questions_is_a_problem(kb_copy):
    (kb_copy / "questions.yaml").unlink()
    problems = knowledge.collect(kb_copy)[1]
    assert problems == [f"{kb_copy / 'questions.yaml'}: missing; rules.yaml needs it next to it"]


def test_models_reject_nonsense_directly():
    with pytest.raises(ValueError):
        Effect(family="cnn", action="raise")
    with pytest.raises(ValueError):
        Condition(question="data", op="in", value="image")
    with pytest.raises(ValueError):
        Question(id="x", prompt="?", help="h", kind="choice")
    with pytest.raises(ValueError, match="change_distance"):
        Question(id="x", prompt="?", help="h", kind="number", change_distance=2.0)
    with pytest.raises(ValueError):
        Question(id="x", prompt="?", help="h", kind="choice", choices=[{"id": "a", "label": "A", "explain": "a"}],
                 change_distance=0)


@pytest.mark.parametrize(
    "question_index, change, expected",
    [
        ("task", lambda q: q["choices"][0].update(implies={"data": "pictures"}), "implies data='pictures'"),
        ("task", lambda q: q["choices"][0].update(implies={"colour": "red"}), "implies colour='red'"),
        ("labeled", lambda q: q["reading"].pop("share_of"), "'rest' counts the other part"),
    ],
)
def test_broken_reading_fields_are_named(kb_copy, question_index, change, expected):
    path = kb_copy / "questions.yaml"
    document = yaml.safe_load(path.read_text())
    change(next(q for q in document["questions"] if q["id"] == question_index))
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    problems = knowledge.collect(kb_copy)[1]
    assert any(str(path) in p and expected in p for p in problems), problems
