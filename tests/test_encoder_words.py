"""The sentence encoder's word table: what the default ``--describe`` reader knows of words nobody listed.

Hand-made tables in a copy of the knowledge base pin the rule (a word only the table knows answers, above
its floor; it overrules a cue only where it is far surer; it names its words); ``kb validate`` names a table
that is not the one its heads were fitted on; and the shipped table reads a sentence whose words no cue
and no learned stem know.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_process
from dlguide.advisor import encoder_words
from dlguide.catalogue import kb as knowledge


def _table(kb: Path, scores: dict[str, dict[str, int]], scale: float = 0.1, **fields) -> None:
    """A word table in ``kb``: each word's stored score per choice (a signed byte), zero where not given."""
    questions = knowledge.load(kb).questions
    heads, columns = {}, []
    for qid in ("data", "task"):
        choices = [c.id for c in questions[qid].choices]
        heads[qid] = {"choices": choices, "bias": [0.0] * len(choices), "scale": [scale] * len(choices)}
        columns += choices
    words = sorted(scores)
    blob = encoder_words.pack(words, [[scores[w].get(c, 0) for c in columns] for w in words])
    (kb / "encoder_words.bin").write_bytes(blob)
    document = {"schema_version": 1, "model": "a test", "trained_on": "a test", "method": "by hand",
                "file": "encoder_words.bin", "sha256": hashlib.sha256(blob).hexdigest(), "cue_weight": 1.5,
                "guess_weight": 1.0, "alone_floor": 0.95, "stop_words": ["the", "of", "them"], "questions": heads}
    (kb / "encoder_words.yaml").write_text(yaml.safe_dump({**document, **fields}))


def _read(kb: Path, sentence: str):
    return run_process("recommend", "--kb", kb, "--describe", sentence, "--json", "--no-input")


def test_a_word_only_the_table_knows_answers_and_is_named(kb_copy):
    _table(kb_copy, {"zorbl": {"audio": 127}})
    result = _read(kb_copy, "a thousand zorbl files, sort them into classes")
    assert result.code == 0, result.stderr
    data = result.json()["understood"]["answers"]["data"]
    assert data["value"] == "audio" and data["encoder"] is True and data["guess"] is True
    assert data["learned_from"] == ["zorbl"]
    assert "data=audio (read by the sentence encoder's word table, leaning on 'zorbl'; a guess)" in result.stderr


def test_below_its_floor_the_table_leaves_the_question_open(kb_copy):
    _table(kb_copy, {"zorbl": {"audio": 10}})  # a score of 1: audio is likeliest, at about 0.28
    result = _read(kb_copy, "a thousand zorbl files, sort them into classes")
    assert result.code == 2 and "missing answers: --data" in result.stderr


def test_the_table_changes_a_guess_only_where_it_is_far_surer(kb_copy):
    _table(kb_copy, {"zorbl": {"audio": 127}, "blorp": {"audio": 5}})  # scores of 12.7 and 0.5
    sure = _read(kb_copy, "signals of zorbl, sort them into classes").json()["understood"]["answers"]["data"]
    assert sure["value"] == "audio" and sure["encoder"] is True  # "signals" alone is a guess at a time series
    unsure = _read(kb_copy, "signals of blorp, sort them into classes").json()["understood"]["answers"]["data"]
    assert unsure["value"] == "time-series" and unsure["from"] == "signals" and unsure["encoder"] is False


def test_a_sure_reading_stands_however_sure_the_table(kb_copy):
    """The table reads words, not the sentence: "none of it is labeled" must not turn a compression into a class."""
    _table(kb_copy, {"zorbl": {"audio": 127}})
    data = _read(kb_copy, "photos of zorbl, sort them into classes").json()["understood"]["answers"]["data"]
    assert data["value"] == "image" and data["from"] == "photos" and data["encoder"] is False


def test_a_sentence_of_words_the_table_does_not_know_reads_as_without_it(kb_copy):
    sentence = "800 chest x-rays, find pneumonia"
    (kb_copy / "encoder_words.yaml").unlink()
    before = _read(kb_copy, sentence).json()["understood"]
    _table(kb_copy, {"zorbl": {"audio": 127}})
    assert _read(kb_copy, sentence).json()["understood"] == before


def test_the_table_is_optional(kb_copy):
    (kb_copy / "encoder_words.yaml").unlink()
    (kb_copy / "encoder_words.bin").unlink()
    assert run_process("kb", "validate", kb_copy).code == 0
    assert _read(kb_copy, "800 chest x-rays, find pneumonia").code == 0


def test_kb_validate_names_a_table_that_is_not_the_heads_own(kb_copy):
    _table(kb_copy, {"zorbl": {"audio": 127}})
    blob = bytearray((kb_copy / "encoder_words.bin").read_bytes())
    blob[-1] ^= 1
    (kb_copy / "encoder_words.bin").write_bytes(bytes(blob))
    result = run_process("kb", "validate", kb_copy)
    assert result.code == 1 and "encoder_words.bin: not the table encoder_words.yaml's heads were fitted on" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_table_is_one_clear_error_not_a_traceback(kb_copy):
    _table(kb_copy, {"zorbl": {"audio": 127}})
    (kb_copy / "encoder_words.bin").write_bytes(b"\x01")
    result = _read(kb_copy, "a thousand zorbl files, sort them into classes")
    assert result.code != 0 and "Traceback" not in result.stderr
    assert "encoder_words.bin: not a word table" in result.stderr
    validated = run_process("kb", "validate", kb_copy)
    assert validated.code == 1 and "encoder_words.bin" in validated.stdout + validated.stderr


def test_kb_validate_names_a_column_for_a_choice_that_does_not_exist(kb_copy):
    _table(kb_copy, {"zorbl": {"audio": 127}})
    document = yaml.safe_load((kb_copy / "encoder_words.yaml").read_text())
    document["questions"]["data"]["choices"][0] = "smells"
    (kb_copy / "encoder_words.yaml").write_text(yaml.safe_dump(document))
    result = run_process("kb", "validate", kb_copy)
    assert result.code == 1 and "questions.data: choices smells are not data's" in result.stdout + result.stderr


def test_what_the_fitting_script_writes_is_what_the_reader_reads(kb_copy):
    """benchmarks/encoder_words_fit.py quantises the heads' scores and packs them; the reader must get them back."""
    np = pytest.importorskip("numpy")
    sys.path.insert(0, str(REPO / "benchmarks"))
    import encoder_words_fit

    questions = knowledge.load(kb_copy).questions
    words = ["blorp", "zorbl"]
    heads = {}
    for qid in ("data", "task"):
        choices = [c.id for c in questions[qid].choices]
        scores = np.zeros((len(words), len(choices)))
        scores[1, choices.index("audio" if qid == "data" else "detect")] = 9.0
        scores[0, 0] = -3.0
        heads[qid] = (choices, np.zeros(len(choices)), scores)
    entries, rows = encoder_words_fit.quantised(heads)
    blob = encoder_words.pack(words, rows)
    (kb_copy / "encoder_words.bin").write_bytes(blob)
    (kb_copy / "encoder_words.yaml").write_text(yaml.safe_dump({
        "schema_version": 1, "model": "a test", "trained_on": "a test", "method": "quantised", "file": "encoder_words.bin",
        "sha256": hashlib.sha256(blob).hexdigest(), "cue_weight": 1.5, "guess_weight": 1.0, "alone_floor": 0.95,
        "questions": entries}))
    probabilities, leaning = encoder_words.read("zorbl", knowledge.load(kb_copy).questions)
    assert max(probabilities["data"], key=probabilities["data"].get) == "audio"
    assert max(probabilities["task"], key=probabilities["task"].get) == "detect"
    assert leaning["task"]["detect"] == ["zorbl"]
    assert run_process("kb", "validate", kb_copy).code == 0


def test_the_shipped_table_reads_words_no_cue_knows():
    """No cue and no learned stem says that tenants and leases are rows of a table; the encoder's words do."""
    result = run_process("recommend", "--describe", "predicting which of our tenants will renew their lease from "
                         "their payment history", "--json", "--no-input")
    assert result.code == 0, result.stderr
    data = result.json()["understood"]["answers"]["data"]
    assert data["value"] == "tabular" and data["encoder"] is True and data["learned_from"]
    assert json.loads(result.stdout)["recommendations"][0]["id"] == "mlp"
