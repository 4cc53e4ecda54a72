"""The knowledge base is the registry: the demos it names are the demo files there are, and a ninth family
with its own demo needs nothing outside its knowledge folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from dlguide.catalogue import kb

from dlguide.demos import runner
from dlguide.projects import scaffold
from registry import BASE, DEMO_FAMILIES, needs_demos

DEMOS_DIR = Path(runner.__file__).parent
NOT_DEMOS = {"__init__.py", Path(runner.__file__).name, *scaffold.HELPERS}  # the package, the runner, the helpers


def test_the_demos_the_knowledge_base_names_are_the_demo_files_there_are():
    named = {BASE.demo_file(family_id).name for family_id in DEMO_FAMILIES}
    present = {path.name for path in DEMOS_DIR.glob("*.py")} - NOT_DEMOS
    assert named - present == set(), "a family names a demo file that is not in dlguide/demos"
    assert present - named == set(), "a demo file in dlguide/demos that no family names never runs in the tests"


def test_a_demo_option_must_name_the_family_and_its_variant(kb_copy):
    path = kb_copy / "families" / "rnn.yaml"
    data = yaml.safe_load(path.read_text())
    data["demo"]["options"].append({"args": ["--cell", "gru"], "names": ["cnn"], "variant": "gated"})
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    _, problems = kb.collect(kb_copy)
    assert f"{path}: demo.options.3.names: 'cnn' is not this family's id or alias" in problems
    assert f"{path}: demo.options.3.variant: no variant 'gated' (variants: bidirectional, gru, lstm, seq2seq, vanilla)" in problems


def test_a_family_naming_a_missing_demo_file_is_reported(kb_copy):
    path = kb_copy / "families" / "mlp.yaml"
    path.write_text(path.read_text().replace("module: mlp", "module: demos/absent.py"))
    _, problems = kb.collect(kb_copy)
    assert problems == [f"{path}: demo.module: 'demos/absent.py': no such file {kb_copy / 'demos' / 'absent.py'}"]


KAN_RULE = """
  - id: kan-tables-only
    when:
      not: {question: data, op: eq, value: tabular}
    effects:
      - {family: kan, action: lower, weight: 4}
    because: A Kolmogorov-Arnold network learns one spline per input feature, which suits tabular columns only.
    source: "Liu et al. 2024, 'KAN: Kolmogorov-Arnold Networks'"
"""


@pytest.fixture
def ninth(kb_copy) -> Path:
    """The built-in knowledge plus a ninth family, 'kan', whose demo ships in the knowledge folder itself:
    its YAML, its demo file and one rule of its own, nothing outside the knowledge folder."""
    family = yaml.safe_load((kb_copy / "families" / "mlp.yaml").read_text())
    family.update(name="Kolmogorov-Arnold Network", short="KAN", aliases=["kolmogorov-arnold"], preferred_over={},
                  demo={"module": "demos/kan.py", "data": "table", "hint": "`--data FILE.csv` with numeric columns.",
                        "options": [{"args": ["--epochs", "3"], "names": ["kolmogorov-arnold"]}]})
    (kb_copy / "families" / "kan.yaml").write_text(yaml.safe_dump(family, sort_keys=False))
    with (kb_copy / "rules.yaml").open("a") as rules:  # a new family starts at the base score everywhere
        rules.write(KAN_RULE)
    (kb_copy / "demos").mkdir()
    source = (DEMOS_DIR / "mlp.py").read_text().replace('"mlp"', '"kan"')
    (kb_copy / "demos" / "kan.py").write_text(source)
    return kb_copy


def test_a_ninth_family_is_listed_shown_compared_and_recommended(ninth, cli):
    checked = cli("kb", "validate", ninth)
    assert checked.code == 0, checked.stderr
    listed = cli("list", "--kb", ninth, "--json").json()
    assert {"id": "kan", "demo": "demos/kan.py"}.items() <= next(f for f in listed["families"] if f["id"] == "kan").items()
    shown = cli("show", "kolmogorov-arnold", "--kb", ninth)
    assert shown.code == 0 and "Kolmogorov-Arnold Network" in shown.stdout and "dlguide run-demo kan" in shown.stdout
    compared = cli("compare", "kan", "mlp", "--kb", ninth, "--json")
    assert compared.code == 0 and "kan" in json.dumps(compared.json())
    advised = cli("recommend", "--data", "tabular", "--task", "classify", "--no-input", "--json", "--kb", ninth)
    assert advised.code == 0 and "kan" in [entry["id"] for entry in advised.json()["recommendations"]]


def test_a_ninth_family_scaffolds_its_own_demo(ninth, cli, tmp_path):
    target = tmp_path / "project"
    done = cli("scaffold", "kolmogorov-arnold", target, "--kb", ninth)
    assert done.code == 0, done.stderr
    assert (target / "demo.py").read_text() == (ninth / "demos" / "kan.py").read_text()
    assert "python demo.py --quick --epochs 3" in (target / "README.md").read_text()  # the option its name stands for


@needs_demos
def test_a_ninth_family_runs_its_demo(ninth, cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    done = cli("run-demo", "kan", "--kb", ninth, "--quick", "--json", "--device", "cpu", "--samples", "300")
    assert done.code == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["family"] == "kan" and result["accuracy"]["embeddings"] > result["chance"]
