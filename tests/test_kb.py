"""The knowledge base's schema and cross-file checks, on small knowledge folders the tests write."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dlguide.catalogue import kb
from dlguide.errors import KnowledgeError

from conftest import BUILTIN_KB, REPO, run_process

EXAMPLE_FAMILY = REPO / "examples" / "custom-family" / "ssm.yaml"


def write_family(folder: Path, family_id: str, **changes) -> Path:
    """A valid family file made from cnn.yaml with ``changes`` applied (a value of None deletes the key)."""
    data = yaml.safe_load((folder / "families" / "cnn.yaml").read_text())
    for dotted, value in changes.items():
        *parents, leaf = dotted.split(".")
        target = data
        for key in parents:
            target = target[key]
        if value is None:
            del target[leaf]
        else:
            target[leaf] = value
    path = folder / "families" / f"{family_id}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


SSM = {
    "name": "State-Space Model",
    "short": "SSM",
    "summary": "Sequence model built on linear state-space layers that scale linearly with length.",
    "aliases": ["mamba", "s4"],
    "preferred_over": {"transformer": "When sequences run to hundreds of thousands of steps."},
    "demo": None,
}


def test_the_builtin_knowledge_base_is_valid():
    base, problems = kb.collect(kb.builtin_dir())
    assert problems == []
    assert sorted(base.families) == sorted(path.stem for path in (kb.builtin_dir() / "families").glob("*.yaml"))


def test_the_example_user_family_is_listed_shown_and_compared(tmp_path, cli):
    mine = tmp_path / "my-kb"
    assert cli("kb", "init", mine).code == 0
    (mine / "families" / "ssm.yaml").write_text(EXAMPLE_FAMILY.read_text())
    assert cli("kb", "validate", mine).code == 0
    listed = cli("list", "--kb", mine, "--json")
    assert "ssm" in [f["id"] for f in listed.json()["families"]]
    shown = cli("show", "mamba", "--kb", mine)
    assert shown.code == 0 and "State-Space Model" in shown.stdout
    compared = cli("compare", "ssm", "transformer", "lstm", "--kb", mine, "--json").json()
    when = yaml.safe_load(EXAMPLE_FAMILY.read_text())["preferred_over"]["transformer"]
    assert {"choose": "ssm", "over": "transformer", "when": when} in compared["preferences"]
    assert {"choose": "transformer", "over": "ssm", "when": None} in compared["preferences"]


def test_the_environment_variable_points_at_a_user_knowledge_base(kb_copy):
    write_family(kb_copy, "ssm", **SSM)
    result = run_process("show", "s4", "--json", env={"DLGUIDE_KB": str(kb_copy)})
    assert result.code == 0, result.stderr
    assert result.json()["id"] == "ssm"


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"colour": "red"}, "bad.yaml: colour: unknown field"),
        ({"aspects.memory": None}, "bad.yaml: aspects.memory: required field is missing"),
        ({"traits.parallelism.level": 7}, "bad.yaml: traits.parallelism.level: Input should be less than or equal to 5"),
        ({"preferred_over": {"nosuch": "never"}}, "bad.yaml: preferred_over.nosuch: no family 'nosuch'"),
        ({"aliases": ["lstm"]}, "bad.yaml: aliases.0: 'lstm' already names 'rnn'"),
        ({"kind": "famly"}, "bad.yaml: kind: Input should be 'family'"),
    ],
)
def test_schema_errors_name_the_file_and_the_field(kb_copy, changes, expected):
    write_family(kb_copy, "bad", **{**SSM, "aliases": [], **changes})
    _, problems = kb.collect(kb_copy)
    assert any(expected in problem for problem in problems), problems


def test_when_not_to_use_must_name_an_alternative(kb_copy):
    write_family(kb_copy, "bad", **{**SSM, "aliases": [], "when_not_to_use": [{"situation": "always"}]})
    _, problems = kb.collect(kb_copy)
    assert any("when_not_to_use.0: Value error, name what to use instead" in p for p in problems), problems


def test_malformed_yaml_names_file_and_line(kb_copy, cli):
    (kb_copy / "families" / "gan.yaml").write_text("name: GAN\nsummary: [unclosed\nshort: GAN\n")
    result = cli("list", "--kb", kb_copy)
    assert result.code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "gan.yaml:" in lines[0] and "not valid YAML" in lines[0]
    assert "Traceback" not in result.stderr


def test_kb_validate_lists_every_problem(kb_copy, cli):
    write_family(kb_copy, "bad", **{**SSM, "aliases": [], "colour": "red", "aspects.memory": None})
    result = cli("kb", "validate", str(kb_copy), "--json")
    assert result.code == 1
    payload = result.json()
    assert payload["valid"] is False
    assert len(payload["problems"]) >= 2


def test_a_missing_knowledge_folder_is_one_clear_line(cli, tmp_path):
    result = cli("list", "--kb", tmp_path / "nowhere")
    assert result.code == 1
    assert "no such knowledge folder" in result.stderr


def test_load_raises_knowledge_error_with_every_problem(kb_copy):
    write_family(kb_copy, "bad", **{**SSM, "aliases": [], "colour": "red", "short": None})
    with pytest.raises(KnowledgeError) as caught:
        kb.load(kb_copy)
    assert len(caught.value.problems) == 2


def test_kb_init_copies_and_refuses_a_non_empty_folder(cli, tmp_path):
    target = tmp_path / "mine"
    assert cli("kb", "init", target).code == 0
    assert (target / "families" / "cnn.yaml").is_file()
    (target / "families" / "cnn.yaml").write_text("# my edits\n")
    refused = cli("kb", "init", target)
    assert refused.code == 1 and "not empty" in refused.stderr
    assert (target / "families" / "cnn.yaml").read_text() == "# my edits\n"


def test_kb_init_force_adds_missing_files_and_never_replaces_one(cli, tmp_path):
    target = tmp_path / "mine"
    assert cli("kb", "init", target).code == 0
    (target / "families" / "cnn.yaml").write_text("# my edits\n")
    (target / "families" / "rnn.yaml").unlink()
    (target / "families" / "ssm.yaml").write_text("# my own family\n")
    again = cli("kb", "init", target, "--force")
    assert again.code == 0
    assert (target / "families" / "cnn.yaml").read_text() == "# my edits\n"
    assert (target / "families" / "ssm.yaml").read_text() == "# my own family\n"
    assert (target / "families" / "rnn.yaml").read_text() == (BUILTIN_KB / "families" / "rnn.yaml").read_text()
    assert "kept" in again.stderr and "families/cnn.yaml" in again.stderr and "copied 1 file(s)" in again.stderr


@pytest.mark.parametrize("bad, message", [
    ("", "kb init: an empty path names nothing; give a name (for example my-kb)"),
    ("notes.txt", "is a file, not a folder; name a new folder"),
    ("notes.txt/kb", "notes.txt is a file, not a folder"),
])
def test_kb_init_refuses_an_empty_path_and_a_file_in_the_way(cli, tmp_path, monkeypatch, bad, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    refused = cli("kb", "init", bad, "--force")
    assert refused.code == 1 and message in refused.stderr and refused.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"] and (tmp_path / "notes.txt").read_text() == "mine"


def _duplicate(kb_copy: Path, level: str) -> tuple[str, str]:
    """Make ``kb_copy`` name one id twice at ``level``; returns (file, id) the problem must name."""
    def edit(relative: str, change) -> str:
        path = kb_copy / relative
        data = yaml.safe_load(path.read_text())
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        return str(path)

    if level == "family":
        (kb_copy / "families" / "c_nn.yaml").write_text((kb_copy / "families" / "cnn.yaml").read_text())
        return str(kb_copy / "families" / "c_nn.yaml"), "'c_nn'"
    if level == "technique":
        source = kb_copy / "techniques" / "transfer_learning.yaml"
        (kb_copy / "families" / "transferlearning.yaml").write_text((kb_copy / "families" / "mlp.yaml").read_text())
        return str(source), "'transfer_learning'"
    if level == "variant":
        first = yaml.safe_load((kb_copy / "families" / "rnn.yaml").read_text())["variants"][0]["id"]
        return edit("families/rnn.yaml", lambda d: d["variants"].append(dict(d["variants"][0]))), repr(first)
    if level == "rule":
        rules = yaml.safe_load((kb_copy / "rules.yaml").read_text())["rules"]
        return edit("rules.yaml", lambda d: d["rules"].append(dict(d["rules"][3]))), repr(rules[3]["id"])
    if level == "question":
        return edit("questions.yaml", lambda d: d["questions"].append(dict(d["questions"][-1]))), "'priority'"
    if level == "choice":
        return edit("questions.yaml", lambda d: d["questions"][0]["choices"].append(dict(d["questions"][0]["choices"][1]))), "'video'"
    path = kb_copy / "families" / "gan.yaml"  # a key written twice in one mapping
    path.write_text(path.read_text() + "short: GAN again\n")
    return str(path), "'short'"


@pytest.mark.parametrize("level", ["family", "technique", "variant", "rule", "question", "choice", "yaml key"])
def test_kb_validate_catches_a_duplicate_id_at_every_level(kb_copy, cli, level):
    where, name = _duplicate(kb_copy, level)
    result = cli("kb", "validate", kb_copy)
    assert result.code == 1, result.stderr
    problems = result.stderr.splitlines()[:-1]
    assert any(line.startswith(where) and name in line and ("duplicate" in line or "reads the same" in line)
               for line in problems), problems
    assert "Traceback" not in result.stderr


def test_the_builtin_knowledge_names_no_id_twice():
    _, problems = kb.collect(BUILTIN_KB)
    assert problems == []


def test_an_edited_knowledge_file_is_seen_at_once_despite_the_cache(kb_copy, cli):
    assert "Convolutional" in cli("show", "cnn", "--kb", kb_copy).stdout
    path = kb_copy / "families" / "cnn.yaml"
    path.write_text(path.read_text().replace("name: Convolutional Neural Network", "name: ConvNet Edited", 1))
    assert "ConvNet Edited" in cli("show", "cnn", "--kb", kb_copy).stdout
    path.write_text(path.read_text() + "colour: red\n")
    broken = cli("show", "cnn", "--kb", kb_copy)
    assert broken.code == 1 and "colour: unknown field" in broken.stderr
