"""--describe's learned layer: weights fitted on the corpus, beside the cues; what it changes is a guess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import run_process
from dlguide.advisor.describe import understand
from dlguide.advisor.learned import ALONE
from dlguide.advisor.learned import evidence as learned_evidence
from dlguide.advisor.words import Text, fingerprint
from dlguide.catalogue import kb as knowledge
from dlguide.errors import KnowledgeError

REPO = Path(__file__).resolve().parents[1]


def _learned(kb_dir: Path, words: dict, *, stemmer: str | None = None, question: str = "data") -> None:
    document = {"schema_version": 1, "trained_on": "a test", "method": "by hand", "stemmer": stemmer or fingerprint(),
                "weight": 1.0, "stop_words": ["the", "of"], "questions": {question: {"words": words}}}
    (kb_dir / "learned.yaml").write_text(yaml.safe_dump(document))
    (kb_dir / "encoder_words.yaml").unlink(missing_ok=True)  # the learned layer alone: no word table to overrule it


def test_words_only_the_learned_layer_knows_are_a_guess_that_names_them(kb_copy):
    _learned(kb_copy, {"zorbl": {"audio": 2.0, "image": -1.0}, "blorp": {"audio": 0.5}})
    found = understand("a thousand zorbl blorp files, sort them", knowledge.load(kb_copy).questions)
    assert found.answers["data"] == "audio"
    assert "data" in found.unsure
    assert found.evidence["data"] == "" and found.learned["data"] == ["zorbl", "blorp"]


def test_one_learned_word_alone_answers_nothing_however_strong(kb_copy):
    _learned(kb_copy, {"zorbl": {"audio": 9.0}})
    assert "data" not in understand("a thousand zorbl files", knowledge.load(kb_copy).questions).answers


def test_too_little_learned_evidence_answers_nothing(kb_copy):
    _learned(kb_copy, {"zorbl": {"audio": 0.2}})
    assert "data" not in understand("a thousand zorbl files", knowledge.load(kb_copy).questions).answers


def test_only_heavier_learned_evidence_overrules_a_sure_cue_and_then_as_a_guess(kb_copy):
    _learned(kb_copy, {"zorbl": {"audio": 3.0}})
    found = understand("800 chest x-rays of zorbl", knowledge.load(kb_copy).questions)
    assert found.answers["data"] == "image" and "data" not in found.unsure
    _learned(kb_copy, {"zorbl": {"audio": 9.0}})
    found = understand("800 chest x-rays of zorbl", knowledge.load(kb_copy).questions)
    assert found.answers["data"] == "audio" and "data" in found.unsure
    assert found.evidence["data"] == "" and found.learned["data"] == ["zorbl"]



def test_learned_words_settle_a_close_call_as_a_guess(kb_copy):
    (kb_copy / "learned.yaml").unlink()
    questions = knowledge.load(kb_copy).questions
    text = "sensor logs and text notes about zorbl"
    before = understand(text, questions)
    assert before.answers["data"] == "time-series"  # a tie with text: the first named leads
    _learned(kb_copy, {"zorbl": {"text": ALONE}})  # just enough to overrule
    after = understand(text, knowledge.load(kb_copy).questions)
    assert after.answers["data"] == "text"
    assert "data" in after.unsure and after.learned["data"] == ["zorbl"] and after.evidence["data"] == "text"


def test_words_a_not_cue_takes_are_not_learned_features_either(kb_copy):
    _learned(kb_copy, {"hidden": {"graph": 3.0}, "node": {"graph": 3.0}})
    found = understand("plot the error for different numbers of hidden nodes", knowledge.load(kb_copy).questions)
    assert found.answers.get("data") != "graph"


def test_weights_of_another_stemmer_are_ignored_and_kb_validate_says_so(kb_copy):
    _learned(kb_copy, {"zorbl": {"audio": 2.0}}, stemmer="0123456789ab")
    assert "data" not in understand("a thousand zorbl files", knowledge.load(kb_copy).questions).answers
    result = subprocess.run([sys.executable, "-m", "dlguide", "kb", "validate", str(kb_copy)],
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "fitted with another stemmer" in result.stderr and "benchmarks/learn.py" in result.stderr


@pytest.mark.parametrize(
    "change, message",
    [({"question": "samples"}, "no choice question with this id"),
     ({"words": {"zorbl": {"sound": 1.0}}}, "not choices of 'data': sound")],
)
def test_a_learned_file_that_does_not_fit_is_a_knowledge_error(kb_copy, change, message):
    _learned(kb_copy, change.pop("words", {"zorbl": {"audio": 1.0}}), **change)
    with pytest.raises(KnowledgeError, match=message):
        knowledge.load(kb_copy)


def test_the_shipped_weights_fit_this_stemmer_and_these_questions():
    shipped = yaml.safe_load((knowledge.builtin_dir() / "learned.yaml").read_text())
    assert shipped["stemmer"] == fingerprint()  # else: python benchmarks/learn.py
    questions = knowledge.load(None).questions
    assert all(questions[q].learned is not None for q in shipped["questions"])


@pytest.mark.slow
def test_learn_fits_a_corpus_into_a_file_the_knowledge_base_accepts(kb_copy, tmp_path):
    pytest.importorskip("numpy")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    lines = []
    for n, (text, data, task) in enumerate([("zorbl clips of birds", "audio", "classify"),
                                            ("zorbl clips of frogs", "audio", "classify"),
                                            ("blorp photos of cats", "image", "classify"),
                                            ("blorp photos of dogs", "image", "classify")] * 5):
        lines.append(f'{{"id": "tt-{n:04d}", "source": "https://example.org/{n}", "kind": "issue", "text": "{text}", '
                     f'"answers": {{"data": "{data}", "task": "{task}"}}, '
                     f'"expert": {{"recommended": "cnn", "accepted": ["cnn"], "mistakes": [], "why": "test"}}}}')
    (corpus / "tiny.jsonl").write_text("\n".join(lines) + "\n")
    out = kb_copy / "learned.yaml"
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "learn.py"), "--output", str(out)],
                            capture_output=True, text=True, env={**os.environ, "DLGUIDE_CORPUS_DIR": str(corpus)})
    assert result.returncode == 0, result.stderr
    fitted = yaml.safe_load(out.read_text())["questions"]["data"]["words"]
    assert fitted["zorbl"]["audio"] > 0 > fitted["zorbl"]["image"]
    questions = knowledge.load(kb_copy).questions  # validated: the stemmer, the questions and choices fit
    evidence, words = learned_evidence(questions["data"].learned, Text("zorbl"))
    assert max(evidence, key=evidence.get) == "audio" and words["audio"] == ["zorbl"]


def test_what_the_learned_layer_decided_reads_as_learned_in_the_understood_line(cli, kb_copy):
    _learned(kb_copy, {"zorbl": {"audio": 2.0}, "blorp": {"audio": 0.5}})
    result = cli("recommend", "--kb", kb_copy, "--describe", "a thousand zorbl blorp files, sort them", "--json")
    assert "data=audio (learned from 'zorbl', 'blorp'; a guess)" in result.stderr
    _learned(kb_copy, {"zorbl": {"text": ALONE}})
    result = cli("recommend", "--kb", kb_copy, "--describe", "sensor logs and text notes about zorbl, sort them",
                 "--json")
    assert "data=text (from 'text', and learned from 'zorbl'; a guess)" in result.stderr


def test_json_names_the_words_each_answer_came_from_cue_and_learned_apart(cli, kb_copy):
    _learned(kb_copy, {"zorbl": {"text": ALONE}})
    result = cli("recommend", "--kb", kb_copy, "--describe", "sensor logs and text notes about zorbl, sort them",
                 "--json")
    read = json.loads(result.stdout)["understood"]["answers"]["data"]
    assert read == {"value": "text", "from": "text", "learned_from": ["zorbl"], "guess": True, "overridden_by": None,
                    "encoder": False}


def test_learn_refuses_a_curve_without_a_commit_and_writes_nothing(tmp_path):
    out = tmp_path / "learned.yaml"
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "learn.py"), "--curve", "--output", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "--curve needs --as-it-came COMMIT" in result.stderr.splitlines()[-1]
    assert not out.exists()


def test_equal_evidence_is_decided_the_same_way_whatever_the_hash_seed(kb_copy):
    """Python salts string hashes per process: a tie must not be settled by the order of a set."""
    _learned(kb_copy, {"zorbl": {"forecast": 1.0, "regress": 1.0}, "blorp": {"forecast": 1.0, "regress": 1.0}},
             question="task")
    read = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        result = run_process("recommend", "--kb", kb_copy, "--describe", "a thousand zorbl blorp csv tables", "--json",
                             "--no-input", env={"PYTHONHASHSEED": seed})
        assert result.code == 0, result.stderr
        read.add(json.loads(result.stdout)["understood"]["answers"]["task"]["value"])
    first = next(c.id for c in knowledge.load(kb_copy).questions["task"].choices if c.id in ("forecast", "regress"))
    assert read == {first}  # the question's own order decides
