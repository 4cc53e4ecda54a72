"""The engine on its own: scores add up from fired rules, unknowns fire nothing, order is deterministic."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dlguide.advisor import engine

from dlguide.catalogue import kb as knowledge
from dlguide.rules import ranking
from dlguide.rules.rules_schema import Profile

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def base():
    return knowledge.load(None)


def _tiny_kb(tmp_path: Path, rules: list[dict], families=("cnn", "rnn", "mlp")) -> Path:
    """A fixture knowledge base: a few real families, the real questions, and hand-written rules."""
    root = tmp_path / "tiny"
    (root / "families").mkdir(parents=True)
    for family in families:
        document = yaml.safe_load((REPO / "knowledge" / "families" / f"{family}.yaml").read_text())
        document["preferred_over"] = {}  # cut the links to families this small folder does not have
        for key in ("scope", "pretrained"):  # these rules test the arithmetic, not where families belong
            document.pop(key, None)
        for alternative in document["when_not_to_use"]:
            alternative.update(instead=[], other_tools=alternative.get("other_tools") or ["something else"])
        (root / "families" / f"{family}.yaml").write_text(yaml.safe_dump(document))
    shutil.copy(REPO / "knowledge" / "questions.yaml", root)
    (root / "rules.yaml").write_text(yaml.safe_dump({"schema_version": 1, "base_score": 10, "rules": rules}))
    return root


def _rule(rule_id, when, effects=(), **extra):
    return {"id": rule_id, "when": when, "effects": list(effects), "because": f"because {rule_id}", "source": "test", **extra}


def test_scores_are_base_plus_raises_minus_lowers_and_exclude_goes_last(tmp_path):
    root = _tiny_kb(tmp_path, [
        _rule("a", {"question": "data", "op": "eq", "value": "image"}, [{"family": "cnn", "action": "raise", "weight": 3}]),
        _rule("b", {"question": "task", "op": "eq", "value": "classify"},
              [{"family": "cnn", "action": "lower", "weight": 1}, {"family": "mlp", "action": "raise", "weight": 9}]),
        _rule("c", {"question": "data", "op": "eq", "value": "image"}, [{"family": "mlp", "action": "exclude"}]),
    ])
    result = engine.recommend(knowledge.load(root), Profile(answers={"data": "image", "task": "classify"}))
    assert [(r.id, r.score, r.excluded) for r in result.ranking] == [("cnn", 12, False), ("rnn", 10, False), ("mlp", 19, True)]
    cnn = result.ranking[0]
    assert [h.rule for h in cnn.reasons] == ["a"] and [h.rule for h in cnn.cautions] == ["b"]
    assert result.ranking[2].cautions[0].action == "exclude"


def test_unknown_answers_fire_nothing_even_under_not(tmp_path):
    root = _tiny_kb(tmp_path, [
        _rule("small", {"question": "samples", "op": "lt", "value": 1000}, [{"family": "cnn", "action": "raise", "weight": 1}]),
        _rule("not-small", {"not": {"question": "samples", "op": "lt", "value": 1000}},
              [{"family": "rnn", "action": "raise", "weight": 1}]),
        _rule("dunno", {"question": "samples", "op": "is_unknown"}, [{"family": "mlp", "action": "raise", "weight": 1}]),
    ])
    result = engine.recommend(knowledge.load(root), Profile(answers={"data": "text", "task": "classify"}))
    assert {r.id: r.score for r in result.ranking} == {"cnn": 10, "rnn": 10, "mlp": 11}
    trace = {t.rule: t for t in result.trace}
    assert trace["small"].state == "unknown" and trace["small"].failed == "samples < 1000 (given: unknown)"
    assert trace["dunno"].fired


def test_ties_break_by_id_and_later_variant_wins(tmp_path):
    root = _tiny_kb(tmp_path, [
        _rule("v1", {"question": "data", "op": "eq", "value": "text"}, variant={"rnn": "lstm"}),
        _rule("v2", {"question": "compute", "op": "eq", "value": "low"}, variant={"rnn": "gru"}),
    ])
    base = knowledge.load(root)
    result = engine.recommend(base, Profile(answers={"data": "text", "task": "classify", "compute": "low"}))
    assert [r.id for r in result.ranking] == ["cnn", "mlp", "rnn"]
    rnn = result.ranking[2]
    assert (rnn.variant, rnn.variant_rule) == ("gru", "v2")


def test_user_family_is_ranked_with_base_score(kb_copy):
    shutil.copy(kb_copy / "families" / "rnn.yaml", kb_copy / "families" / "ssm.yaml")
    text = (kb_copy / "families" / "ssm.yaml").read_text().replace("\naliases:", "\naliases: []\nold_aliases:", 1)
    document = yaml.safe_load(text)
    document.pop("old_aliases", None)
    document["preferred_over"] = {}
    document["demo"]["options"] = []  # the names that pick the rnn demo's cells are rnn's aliases
    (kb_copy / "families" / "ssm.yaml").write_text(yaml.safe_dump(document))
    base = knowledge.load(kb_copy)
    result = engine.recommend(base, Profile(answers={"data": "text", "task": "classify"}))
    ssm = next(r for r in result.ranking if r.id == "ssm")
    assert ssm.score == base.rules.base_score and not ssm.reasons and not ssm.cautions


def test_result_carries_advice_changes_and_next_steps(base):
    result = engine.recommend(base, Profile(answers={"data": "tabular", "task": "classify", "samples": 3000}))
    assert result.ranking[0].id == "mlp"
    assert any("gradient-boosted trees" in a.text for a in result.advice)
    assert result.next_steps[0] == f"dlguide compare mlp {result.ranking[1].id}"
    assert "dlguide run-demo mlp" in result.next_steps and "dlguide scaffold mlp" in result.next_steps


def test_what_would_change_names_the_nearest_threshold(base):
    profile = Profile(answers={"data": "image", "task": "classify", "samples": 50000, "compute": "high"})
    result = engine.recommend(base, profile)
    assert result.ranking[0].id == "cnn"
    first = result.changes[0]
    assert (first.question, first.leader) == ("samples", "transformer")
    assert first.text == "with more than about 1M samples, Transformer would lead"
    assert ranking.leader(base, profile.with_answer("samples", first.value)) == "transformer"


def test_small_text_starts_from_a_pretrained_transformer_unless_on_a_laptop(base):
    """A few thousand texts: the data-hunger rules are about training from scratch, not about DistilBERT."""
    profile = Profile(answers={"data": "text", "task": "classify", "samples": 2000, "seq_len": 80})
    result = engine.recommend(base, profile)
    top = result.ranking[0]
    assert (top.id, top.variant) == ("transformer", "encoder-only")
    assert "DistilBERT" in top.pretrained
    assert "samples-under-10k" not in [h.rule for h in top.cautions]
    assert "with low compute, RNN would lead" in [c.text for c in result.changes]
    laptop = engine.recommend(base, profile.with_answer("compute", "low"))
    assert [r.id for r in laptop.ranking[:2]] == ["rnn", "transformer"]


def test_a_pretrained_model_used_as_is_costs_no_training_on_a_laptop(base):
    """Sentence embeddings for search run on a laptop: the training-cost rule passes them by, and only them."""
    laptop = Profile(answers={"data": "text", "task": "embed", "compute": "low"})
    top = engine.recommend(base, laptop).ranking[0]
    assert (top.id, top.variant) == ("transformer", "sentence-encoder")
    assert "compute-low" not in [h.rule for h in top.cautions]
    tuned = engine.recommend(base, laptop.with_answer("task", "classify")).ranking
    assert tuned[0].id == "rnn" and "compute-low" in [h.rule for h in next(r for r in tuned if r.id == "transformer").cautions]


def test_changes_are_real_and_sorted(base):
    profile = Profile(answers={"data": "image", "task": "generate", "samples": 50000, "priority": ["speed"]})
    result = engine.recommend(base, profile)
    assert result.ranking[0].id == "gan"
    assert [c.distance for c in result.changes] == sorted(c.distance for c in result.changes)
    for change in result.changes:
        assert ranking.leader(base, profile.with_answer(change.question, change.value)) == change.leader != "gan"


def test_every_family_ranked_deterministically(base):
    profile = Profile(answers={"data": "audio", "task": "classify"})
    first, second = engine.recommend(base, profile), engine.recommend(base, profile)
    assert [r.id for r in first.ranking] == [r.id for r in second.ranking]
    assert {r.id for r in first.ranking} == set(base.families)
    scores = [(-r.score, r.id) for r in first.ranking if not r.excluded]
    assert scores == sorted(scores)


def test_engine_is_pure():
    """A recommendation loads no CLI, terminal or heavy library, and writes nothing."""
    probe = ("import sys\nfrom dlguide.advisor import engine\nfrom dlguide.catalogue import kb\nfrom dlguide.rules.rules_schema import Profile\n"
             "engine.recommend(kb.load(), Profile(answers={'data': 'image', 'task': 'classify', 'samples': 800}))\n"
             "sys.stderr.write(repr(sorted(m for m in ('typer', 'click', 'rich', 'torch', 'numpy', 'sklearn') if m in sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "[]")


def test_data_hunger_advice_only_where_data_hungry_families_are_in_play():
    from dlguide.advisor import engine
    from dlguide.advisor.questionnaire import gather
    from dlguide.catalogue import kb as knowledge

    base = knowledge.load()

    def advice_ids(**flags):
        flags = {"samples": None, "labeled": None, "seq_len": None, "compute": None, "priority": [], **flags}
        profile = gather(base.questions, flags=flags, prompter=None).profile
        return [item.id for item in engine.recommend(base, profile).advice]

    assert "data-hunger" not in advice_ids(data="tabular", task="classify", samples="2000")
    assert "data-hunger" in advice_ids(data="image", task="classify", samples="2000")
    assert "data-hunger" in advice_ids(data="tabular", task="generate", samples="2000")


def test_what_would_change_prefers_actionable_changes_and_tries_pairs():
    from dlguide.advisor import engine
    from dlguide.advisor.questionnaire import gather
    from dlguide.catalogue import kb as knowledge

    base = knowledge.load()
    flags = {"data": "image", "task": "classify", "samples": "800", "labeled": "0.1", "seq_len": None,
             "compute": "low", "priority": []}
    profile = gather(base.questions, flags=flags, prompter=None).profile
    first = engine.recommend(base, profile).changes[0]
    assert first.leader == "transformer"
    assert first.question == "samples+compute"
    assert first.text == "with more than about 1M samples and high compute, Transformer would lead"
    changed = profile.with_answer("samples", first.value[0]).with_answer("compute", first.value[1])
    assert ranking.leader(base, changed) == "transformer"


def test_from_scratch_effects_skip_a_family_with_a_pretrained_route(tmp_path):
    root = _tiny_kb(tmp_path, [
        _rule("hungry", {"question": "samples", "op": "lt", "value": 1000},
              [{"family": "rnn", "action": "lower", "weight": 4, "from_scratch": True},
               {"family": "cnn", "action": "lower", "weight": 1}]),
        _rule("text", {"question": "data", "op": "eq", "value": "text"}, [{"family": "rnn", "action": "raise", "weight": 1}]),
    ])
    path = root / "families" / "rnn.yaml"
    document = yaml.safe_load(path.read_text())
    document["pretrained"] = [{"data": ["text"], "task": ["classify"], "variant": "lstm", "how": "fine-tune ULMFiT",
                               "source": "Howard and Ruder 2018"}]
    path.write_text(yaml.safe_dump(document))
    base = knowledge.load(root)

    def rnn(**answers):
        return next(r for r in engine.recommend(base, Profile(answers=answers)).ranking if r.id == "rnn")

    started = rnn(data="text", task="classify", samples=500)
    assert (started.score, started.variant, started.pretrained) == (11, "lstm", "fine-tune ULMFiT")
    assert [(h.rule, h.action) for h in started.reasons] == [("text", "raise"), ("pretrained-route", "pretrained")]
    assert "hungry" in started.reasons[1].because and not started.cautions
    # no route for another task, or when the task is unknown: trained from scratch, so the rule speaks
    for answers in (dict(data="text", task="regress", samples=500), dict(data="text", samples=500)):
        scratch = rnn(**answers)
        assert (scratch.score, scratch.pretrained) == (7, None) and [h.rule for h in scratch.cautions] == ["hungry"]
    # what-would-change agrees with the full scoring when the change switches the route on or off
    profile = Profile(answers=dict(data="text", task="regress", samples=500))
    rescorer = ranking.Rescorer(base, profile)
    leaders = {}
    for task in ("classify", "regress", "generate"):
        changed = profile.with_answer("task", task)
        leaders[task] = rescorer.leader(changed, {"task"})
        assert leaders[task] == ranking.leader(base, changed)
    assert leaders == {"classify": "rnn", "regress": "mlp", "generate": "mlp"}


def _marked(kb_copy: Path, question_id: str, **fields) -> knowledge.KnowledgeBase:
    """A fresh copy of ``kb_copy`` with one question's what-if fields changed in its YAML."""
    root = kb_copy.parent / f"marked-{question_id}"
    shutil.copytree(kb_copy, root)
    document = yaml.safe_load((root / "questions.yaml").read_text())
    [question] = [q for q in document["questions"] if q["id"] == question_id]
    question.update(fields)
    (root / "questions.yaml").write_text(yaml.safe_dump(document))
    return knowledge.load(root)


def test_what_would_change_reads_actionable_and_distance_from_the_questions(base, kb_copy):
    """Which questions are offered first, and how far a choice is, come from questions.yaml, not from code."""
    laptop = Profile(answers={"data": "image", "task": "classify", "samples": 800, "labeled": 0.1, "compute": "low"})
    assert engine.recommend(base, laptop).changes[0].question == "samples+compute"
    # compute no longer actionable: it is neither paired nor offered before the task
    kb = _marked(kb_copy, "compute", actionable=False)
    changes = engine.recommend(kb, laptop).changes
    assert changes and all("compute" not in c.question for c in changes)
    assert [c.question for c in changes] == ["task"] * len(changes)
    # the data made actionable and near: its flips now come first, at the distance the YAML gives
    kb = _marked(kb_copy, "data", actionable=True, change_distance=0.5)
    changes = engine.recommend(kb, laptop).changes
    assert [(c.question, c.distance) for c in changes] == [("data", 0.5)] * 3
    assert "if the data were tabular, MLP would lead" in [c.text for c in changes]
