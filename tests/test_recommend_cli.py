"""`dlguide recommend` as a user runs it: exit codes, one-line errors, pure JSON, saved answers."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import run_process
from registry import FAMILIES

KEYS = {"schema_version", "command", "profile", "recommendations", "advice", "next_steps"}


def test_json_contract(cli):
    result = cli("recommend", "--data", "image", "--task", "classify", "--samples", "800", "--labeled", "0.1",
                 "--compute", "low", "--json")
    assert result.code == 0, result.stderr
    document = result.json()
    assert set(document) == KEYS
    assert document["profile"] == {"data": "image", "task": "classify", "output_kind": "unknown", "samples": 800,
                                   "labeled": 0.1, "seq_len": "unknown", "compute": "low", "priority": []}
    recommendations = document["recommendations"]
    assert sorted(entry["id"] for entry in recommendations) == sorted(FAMILIES)  # every family, ranked
    for entry in recommendations:
        assert {"id", "name", "score", "variant", "reasons", "cautions"} <= set(entry)
        assert all(isinstance(text, str) for text in entry["reasons"] + entry["cautions"])
    top = recommendations[0]
    assert (top["id"], top["variant"]) == ("cnn", "resnet")
    assert [r["score"] for r in recommendations if not r["excluded"]] == sorted(
        (r["score"] for r in recommendations if not r["excluded"]), reverse=True)
    assert any("pretrained" in a for a in document["advice"])
    assert any("semi-supervised" in a for a in document["advice"])
    assert document["next_steps"][:3] == [f"dlguide compare cnn {recommendations[1]['id']}", "dlguide run-demo cnn",
                                          "dlguide scaffold cnn"]
    assert isinstance(top["what_would_change"], list)


def test_rich_output_shows_top_three_reasons_and_changes(cli):
    result = cli("recommend", "--data", "text", "--task", "classify", "--samples", "2000", "--seq-len", "80")
    assert result.code == 0, result.stderr
    assert "1. Transformer - fine-tune a pretrained encoder" in result.stdout
    assert "[data-text-sequence +3]" in result.stdout and "[pretrained-route pretrained]" in result.stdout
    assert "What would change the answer" in result.stdout
    assert "with low compute, RNN would lead" in result.stdout
    assert "dlguide compare transformer rnn" in result.stdout


def test_explain_prints_the_trace_with_failed_conditions(cli):
    result = cli("recommend", "--data", "image", "--task", "classify", "--explain", "--markdown")
    assert result.code == 0, result.stderr
    assert "## Rule trace" in result.stdout
    assert "| samples-under-1k | unknown | transformer -3 from scratch | samples < 1000 (given: unknown) |" in result.stdout
    assert "| data-image-grid | yes |" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--data", "pictures", "--task", "classify"],
         "dlguide: error: unknown value for --data: 'pictures'; did you mean 'image'? (known: image, video, text, audio, "
         "time-series, tabular, graph, multimodal, unknown)"),
        (["--data", "image", "--task", "classify", "--labeled", "1.5"],
         "dlguide: error: --labeled: '1.5' is out of range; expected a fraction from 0 to 1 (0.1 or 10% means one in ten), "
         "or 'unknown'"),
        (["--data", "image", "--task", "clasify"], "did you mean 'classify'?"),
        (["--data", "Time_Series", "--task", "forecast"], "did you mean 'time-series'?"),  # folded as family names are
        (["--data", "image", "--task", "classify", "--samples", "lots"], "--samples: expected a whole number from 1 to 1e+12"),
        (["--data", "image", "--task", "classify", "--priority", "cheap"], "unknown value for --priority: 'cheap'"),
        (["--task", "classify"], "dlguide: error: missing answers: --data; give them as flags, or run in a terminal to be asked"),
        (["--describe", "please help"], "missing answers: --data, --task (--describe did not say)"),
    ],
)
def test_bad_input_is_a_usage_error_in_one_line(cli, args, message):
    result = cli("recommend", *args)
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr
    assert result.stdout == ""


def test_bad_input_with_json_gives_a_json_error(cli):
    result = cli("recommend", "--data", "pictures", "--task", "classify", "--json")
    assert result.code == 2
    assert result.json()["error"]["exit_code"] == 2


def test_save_then_answers_round_trip(cli, tmp_path):
    saved = tmp_path / "me.yaml"
    first = cli("recommend", "--describe", "two million tweets, classify sentiment, 8 GPUs", "--save", saved, "--json")
    assert first.code == 0, first.stderr
    assert "Understood: data=text (from 'tweets')" in first.stderr
    assert yaml.safe_load(saved.read_text())["samples"] == 2_000_000
    second = cli("recommend", "--answers", saved, "--json")
    assert second.code == 0, second.stderr
    described = first.json()
    assert described.pop("understood")["answers"]["samples"]["value"] == 2_000_000  # only a description has a reading
    assert second.json() == described
    override = cli("recommend", "--answers", saved, "--compute", "low", "--json")
    assert override.json()["profile"]["compute"] == "low"


def test_broken_answers_file_names_file_and_field(cli, tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text("data: image\ntask: classify\nlabeled: 7\n")
    result = cli("recommend", "--answers", path)
    assert result.code == 2
    assert result.stderr == (f"dlguide: error: {path}: field 'labeled': '7' is out of range; expected a fraction from 0 to 1 "
                             "(0.1 or 10% means one in ten), or 'unknown'\n")
    path.write_text("data: image\ntaks: classify\n")
    result = cli("recommend", "--answers", path)
    assert f"{path}: field 'taks': unknown question; did you mean 'task'?" in result.stderr


def test_no_input_takes_unknown_for_open_questions(cli):
    result = cli("recommend", "--data", "graph", "--task", "link", "--no-input", "--json")
    assert result.code == 0, result.stderr
    profile = result.json()["profile"]
    assert profile["samples"] == "unknown" and profile["priority"] == []
    assert result.json()["recommendations"][0]["id"] == "gnn"


def test_stdin_not_a_terminal_never_asks():
    result = run_process("recommend", "--describe", "800 chest x-rays, find pneumonia", "--json", stdin="y\n")
    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["recommendations"][0]["id"] == "cnn"
    assert "question" not in result.stderr
    assert "Understood:" in result.stderr


def test_describe_without_data_not_interactive_exits_2():
    result = run_process("recommend", "--describe", "classify things quickly", "--json")
    assert result.code == 2
    assert "missing answers: --data (--describe did not say)" in result.stderr
    assert json.loads(result.stdout)["error"]["kind"] in ("usage", "unknown_name")


def test_save_replaces_an_existing_file_only_with_force_and_never_the_answers_file(cli, tmp_path):
    profile = tmp_path / "profile.yaml"
    first = cli("recommend", "--data", "image", "--task", "classify", "--save", profile, "--json")
    assert first.code == 0 and profile.is_file()
    before = profile.read_text()
    refused = cli("recommend", "--data", "text", "--task", "classify", "--save", profile, "--json")
    assert refused.code == 1 and profile.read_text() == before
    assert refused.stderr == f"dlguide: error: --save: {profile} already exists; choose another name, or add --force to replace it\n"
    assert refused.json()["error"]["kind"] == "would_overwrite"
    again = cli("recommend", "--data", "text", "--task", "classify", "--save", profile, "--force", "--json")
    assert again.code == 0 and "text" in profile.read_text()
    # A user's YAML whose keys look like a profile's is still the user's.
    config = tmp_path / "config.yaml"
    config.write_text("data: my-dataset/\ncompute: cluster\n")
    assert cli("recommend", "--data", "image", "--task", "classify", "--save", config).code == 1
    assert config.read_text() == "data: my-dataset/\ncompute: cluster\n"
    onto_input = cli("recommend", "--answers", profile, "--save", profile, "--force")
    assert onto_input.code == 1 and "is also an input of this run" in onto_input.stderr
    empty = cli("recommend", "--data", "image", "--task", "classify", "--save", "")
    assert empty.code == 1 and "--save: an empty path names nothing; give a name (for example profile.yaml)" in empty.stderr


def test_the_demo_offer_needs_every_demo_package(monkeypatch):
    from dlguide.advisor.engine import recommend as rank
    from dlguide.catalogue import kb as knowledge
    from dlguide.commands import recommend
    from dlguide.demos import runner
    from dlguide.errors import DEMOS_INSTALL
    from dlguide.rules.rules_schema import Profile

    class Prompter:
        def __init__(self):
            self.told, self.asked = [], []

        def tell(self, message):
            self.told.append(message)

        def confirm(self, message):
            self.asked.append(message)
            return False

    base = knowledge.load()
    top = rank(base, Profile(answers={"data": "image", "task": "classify"})).ranking[0]
    monkeypatch.setattr(runner, "missing_packages", lambda: ["torchvision"])
    prompter = Prompter()
    assert recommend._offer_demo(prompter, base, top) == 0
    assert prompter.told == [f"To watch a CNN demo, install the demos extra: {DEMOS_INSTALL}"]
    assert prompter.asked == []


# ---- questions.yaml alone defines what can be said, and the sentence and flags say what they decided ------

NEW_QUESTIONS = """
  - id: licence
    prompt: Under which licence must the model be?
    help: The licence of the weights you may use.
    kind: choice
    choices:
      - id: open
        label: Open
        explain: Open weights only.
        synonyms: [open source, open weights, apache, mit licence]
      - id: any
        label: Any
        explain: Any licence.
        synonyms: [any licence, proprietary]
  - id: budget_hours
    prompt: How many hours may training take?
    help: Wall-clock hours.
    kind: number
    minimum: 1
    maximum: 10000
    reading:
      after: [hours of training, training hours, gpu hours]
      before: [train for, budget of]
"""


def test_a_new_question_is_read_from_a_sentence_and_set_by_flag(cli, kb_copy):
    path = kb_copy / "questions.yaml"
    path.write_text(path.read_text() + NEW_QUESTIONS)
    said = cli("recommend", "--kb", kb_copy, "--describe",
               "800 chest x-rays, find pneumonia, 48 hours of training, open-source weights only", "--json")
    assert said.code == 0, said.stderr
    profile = said.json()["profile"]
    assert (profile["licence"], profile["budget_hours"], profile["samples"]) == ("open", 48, 800)
    assert "budget_hours=48 (from '48 hours of training')" in said.stderr
    flagged = cli("recommend", "--kb", kb_copy, "--data", "image", "--task", "classify", "--set", "licence=any",
                  "--set", "budget-hours=2k", "--json")
    assert flagged.code == 0, flagged.stderr
    assert (flagged.json()["profile"]["licence"], flagged.json()["profile"]["budget_hours"]) == ("any", 2000)
    bad = cli("recommend", "--kb", kb_copy, "--data", "image", "--task", "classify", "--set", "licence=closed")
    assert bad.code == 2
    assert "unknown value for --set licence: 'closed'" in bad.stderr and "(known: open, any, unknown)" in bad.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--set", "dta=image"], "unknown question in --set: 'dta'; did you mean 'data'?"),
        (["--set", "data"], "--set 'data': expected ID=VALUE, e.g. --set data=image"),
        (["--set", "data=image", "--data", "text"], "--set data: --data is given too; give the answer once"),
        (["--data", "image", "--task", "classify", "--samples", "9" * 400],
         f"--samples: '{'9' * 37}...' is out of range; expected a whole number from 1 to 1e+12"),
        (["--data", "image", "--task", "classify", "--samples", "2000000000000"], "is out of range"),
    ],
)
def test_set_and_range_errors_are_one_line(cli, args, message):
    result = cli("recommend", *args)
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr


def test_a_flag_that_overrides_the_sentence_is_said(cli):
    result = cli("recommend", "--describe", "800 chest x-rays, find pneumonia", "--data", "text", "--json")
    assert result.code == 0, result.stderr
    assert "data=text (--data overrides the description's image, from 'x-rays')" in result.stderr
    assert result.json()["profile"]["data"] == "text"


def test_an_answer_that_does_not_apply_is_noted_and_ignored(cli):
    result = cli("recommend", "--data", "image", "--task", "classify", "--seq-len", "200", "--json")
    assert result.code == 0, result.stderr
    assert "Ignored: seq_len=200 does not apply when data=image." in result.stderr
    assert result.json()["profile"]["seq_len"] == "unknown"
    kept = cli("recommend", "--data", "text", "--task", "classify", "--seq-len", "200", "--json")
    assert kept.json()["profile"]["seq_len"] == 200 and "Ignored" not in kept.stderr


def test_zero_labeled_and_ignored_numbers_are_shown(cli):
    result = cli("recommend", "--describe", "2000 photos taken in 2019, zero labeled, find defects, ResNet-50", "--json")
    assert result.code == 0, result.stderr
    assert result.json()["profile"]["labeled"] == 0
    assert "ignored: '2019' (a year), 'ResNet-50' (part of a name or a measure)" in result.stderr


def test_an_answers_file_over_the_size_limit_is_refused_before_reading(cli, tmp_path, monkeypatch):
    from dlguide.advisor import questionnaire

    big = tmp_path / "big.yaml"
    big.write_text("data: image\n" + "# padding\n" * 120_000)
    monkeypatch.setattr(questionnaire, "read_yaml", lambda *a: pytest.fail("the big file was parsed"))
    result = cli("recommend", "--answers", big)
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"{big}: the answers file is 1.2 MB; expected a saved profile of a few lines (at most 1 MB)" in result.stderr


def test_an_answers_file_with_a_huge_integer_is_out_of_range(cli, tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text(f"data: image\ntask: classify\nsamples: {'9' * 400}\n")
    result = cli("recommend", "--answers", path)
    assert result.code == 2
    assert f"{path}: field 'samples':" in result.stderr and "is out of range" in result.stderr
