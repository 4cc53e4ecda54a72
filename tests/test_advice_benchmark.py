"""benchmarks/advice.py counts what it claims: top-1 in accepted, recommended in top 3, mistakes at top-1."""

from __future__ import annotations

import json
import sys

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import advice  # noqa: E402  (benchmarks/ is not a package)

ITEMS = [
    # image classification: the CNN leads, which the experts accept
    {"id": "t-1", "answers": {"data": "image", "task": "classify", "samples": 800},
     "expert": {"recommended": "cnn", "accepted": ["cnn"], "mistakes": ["gan"]}},
    # an expert who calls the leader (the CNN) a mistake and recommends a family ranked low
    {"id": "t-2", "answers": {"data": "image", "task": "classify"},
     "expert": {"recommended": "gnn", "accepted": ["gnn"], "mistakes": ["cnn"]}},
]


@pytest.fixture
def corpus_dir(tmp_path, monkeypatch):
    lines = [json.dumps({**item, "source": "test", "text": "a test item", "kind": "test"}) for item in ITEMS]
    (tmp_path / "items.jsonl").write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("DLGUIDE_CORPUS_DIR", str(tmp_path))
    return tmp_path


def test_flags_of_repeats_list_answers():
    assert advice.flags_of({"data": "text", "samples": 3000, "priority": ["speed", "quality"]}) == [
        "--data", "text", "--samples", "3000", "--priority", "speed", "--priority", "quality"]


def test_score_counts_hits_misses_and_mistakes(corpus_dir):
    cases = advice.corpus_cases("dev") + advice.corpus_cases("test")
    counts = advice.score(cases)
    assert (counts["n"], counts["top1"], counts["top3"], counts["with_recommended"]) == (2, 1, 1, 2)
    [mistake] = counts["mistakes"]
    assert mistake.startswith("t-2: cnn first, a mistake (--data image --task classify)")
    assert any(m.startswith("t-2: recommended gnn not in top 3") for m in counts["misses"])


def test_main_writes_the_table(corpus_dir, tmp_path, capsys):
    output = tmp_path / "advice.md"
    assert advice.main(["--part", "all", "--output", str(output)]) == 0
    text = output.read_text()
    assert text == capsys.readouterr().out
    assert f"| seed-written cases | {len(advice.seed_cases())} | " in text  # a row, whatever its figures
    assert "- mistake at top-1, corpus " in text and "t-2: cnn first" in text
