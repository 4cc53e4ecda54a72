"""`kb validate` finds advice that contradicts the ranking and rules that fire outside their scope.

Each broken knowledge base is the built-in one plus one bad rule, so the only problem reported is the one
the test plants; the shipped knowledge itself must have none.
"""

from __future__ import annotations

import textwrap

from dlguide.catalogue import consistency
from dlguide.catalogue import kb as knowledge


def _add_rule(root, text: str) -> None:
    """Append one rule (YAML, indented as an item of ``rules:``) to the folder's rules.yaml."""
    path = root / "rules.yaml"
    path.write_text(path.read_text().rstrip("\n") + "\n\n" + textwrap.indent(textwrap.dedent(text).strip("\n"), "  ") + "\n")


def test_shipped_knowledge_has_no_contradiction_and_no_rule_out_of_scope(cli):
    base, problems = knowledge.collect(knowledge.builtin_dir())
    assert problems == []
    assert consistency.problems(base, "rules.yaml") == []
    result = cli("kb", "validate")
    assert result.code == 0 and "valid" in result.stderr


def test_advice_recommending_a_family_ranked_low_is_reported_with_file_and_rule(cli, kb_copy):
    _add_rule(kb_copy, """
        - id: gan-for-tables
          when: {question: data, op: eq, value: tabular}
          because: A test rule.
          source: test
          advice:
            - id: try-a-gan
              text: Train a GAN on your table.
              recommends: [gan]
        """)
    result = cli("kb", "validate", kb_copy)
    assert result.code == 1
    lines = [line for line in result.stderr.splitlines() if "gan-for-tables" in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{kb_copy / 'rules.yaml'}: at rule 'gan-for-tables' > advice 'try-a-gan': recommends gan")
    assert "data=tabular" in lines[0] and "the ranking puts it at" in lines[0]


def test_a_rule_that_fires_outside_its_own_scope_is_reported(cli, kb_copy):
    _add_rule(kb_copy, """
        - id: speed-means-one-pass
          scope: {task: [generate]}
          when: {question: priority, op: contains, value: speed}
          effects:
            - {family: diffusion, action: lower, weight: 1}
          because: A diffusion model samples in many steps.
          source: test
        """)
    result = cli("kb", "validate", kb_copy, "--json")
    assert result.code == 1
    document = result.json()
    assert document["valid"] is False
    [problem] = document["problems"]
    assert problem.startswith(f"{kb_copy / 'rules.yaml'}: at rule 'speed-means-one-pass': fires for ")
    assert "outside its scope (task in generate)" in problem


def test_a_rule_that_raises_a_family_outside_the_familys_scope_is_reported(cli, kb_copy):
    # The example: "a GAN generates in one pass" raising the GAN for a time-series forecast.
    _add_rule(kb_copy, """
        - id: fast-forecasts
          when: {question: task, op: eq, value: forecast}
          effects:
            - {family: rnn, action: raise, weight: 1}
            - {family: gan, action: raise, weight: 3}
          because: A GAN generates in one forward pass.
          source: test
        """)
    result = cli("kb", "validate", kb_copy)
    assert result.code == 1
    lines = [line for line in result.stderr.splitlines() if "fast-forecasts" in line]
    # rnn is fine for sequential data but not for every data; gan is out of scope for any forecast
    assert any("> effects.1: raises gan for " in line and "task=forecast, outside gan's scope (task in generate, "
               f"translate, denoise, in {kb_copy / 'families' / 'gan.yaml'})" in line for line in lines), result.stderr
    assert any("> effects.0: raises rnn for data=image" in line for line in lines), result.stderr


def test_a_scoped_rule_is_accepted(kb_copy):
    _add_rule(kb_copy, """
        - id: fast-generation
          scope: {task: [generate]}
          when:
            all:
              - {question: priority, op: contains, value: speed}
              - {question: task, op: eq, value: generate}
          effects:
            - {family: gan, action: raise, weight: 1}
          because: A GAN generates in one forward pass.
          source: test
        """)
    _, problems = knowledge.collect(kb_copy)
    assert problems == []


def test_scopes_and_recommendations_must_name_real_answers_and_families(cli, kb_copy):
    _add_rule(kb_copy, """
        - id: misspelt
          scope: {task: [generat]}
          when: {question: task, op: eq, value: generate}
          because: A test rule.
          source: test
          advice:
            - id: misspelt-advice
              text: Use a dffusion model.
              recommends: [dffusion]
        """)
    result = cli("kb", "validate", kb_copy)
    assert result.code == 1
    assert "at rule 'misspelt' > advice.0.recommends: unknown family 'dffusion'; did you mean 'diffusion'?" in result.stderr
    assert "at rule 'misspelt' > scope.task: unknown answer 'generat'; did you mean 'generate'?" in result.stderr


def test_a_pretrained_route_must_name_a_variant_of_its_family(cli, kb_copy):
    path = kb_copy / "families" / "cnn.yaml"
    path.write_text(path.read_text().replace("    variant: spectrogram-cnn\n", "    variant: panns\n", 1))
    result = cli("kb", "validate", kb_copy)
    assert result.code == 1
    assert f"{path}: at pretrained.4.variant: unknown variant of cnn 'panns'" in result.stderr
