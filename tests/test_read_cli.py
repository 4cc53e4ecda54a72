"""list, show and compare as a user runs them: exit codes, what is printed, JSON and Markdown."""

from __future__ import annotations

import pytest

from dlguide.catalogue import kb
from dlguide.catalogue.schema import ASPECTS, TRAITS

BASE = kb.load()
FAMILY_IDS = list(BASE.families)
SEED_002_ROWS = [
    "Primary use case", "Data handling", "Network architecture", "Feature learning", "Layer types",
    "Parameter sharing", "Training complexity", "Temporal dependencies", "Memory", "Handling long sequences",
    "Applications", "Model variants", "Performance on sequential data",
]


def test_the_eight_families_and_transfer_learning_ship():
    assert set(FAMILY_IDS) == {"cnn", "rnn", "transformer", "autoencoder", "gan", "diffusion", "gnn", "mlp"}
    assert "transfer_learning" in BASE.techniques


def test_list_shows_one_line_per_family_with_its_aliases(cli):
    result = cli("list")
    assert result.code == 0
    lines = result.stdout.splitlines()
    for family_id, family in BASE.families.items():
        [line] = [line for line in lines if line.startswith(family_id + " ")]
        assert min(family.aliases, key=len) in line


def test_list_json_is_pure_json_with_every_family(cli):
    result = cli("list", "--json")
    assert result.code == 0 and result.stderr == ""
    payload = result.json()
    assert [f["id"] for f in payload["families"]] == FAMILY_IDS
    assert payload["techniques"][0]["id"] == "transfer_learning"


@pytest.mark.parametrize("family_id", FAMILY_IDS)
def test_show_prints_the_whole_card(cli, family_id):
    result = cli("show", family_id)
    family = BASE.families[family_id]
    assert result.code == 0
    for heading in ("What it is", "When to use", "When not to use", "Challenges", "Traits", "References"):
        assert heading in result.stdout
    assert family.name in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


@pytest.mark.parametrize("alias, family_id", [("lstm", "rnn"), ("GRU", "rnn"), ("vit", "transformer"),
                                              ("VAE", "autoencoder"), ("ddpm", "diffusion"), ("gcn", "gnn"),
                                              ("ann", "mlp"), ("convnet", "cnn")])
def test_aliases_resolve(cli, alias, family_id):
    result = cli("show", alias, "--json")
    assert result.code == 0
    assert result.json()["id"] == family_id


def test_show_a_technique(cli):
    result = cli("show", "transfer-learning")
    assert result.code == 0
    assert "Used with" in result.stdout


def test_show_markdown(cli):
    result = cli("show", "gan", "--markdown")
    assert result.code == 0
    assert result.stdout.startswith("# Generative Adversarial Network")
    assert "## When not to use" in result.stdout


def test_unknown_name_exits_2_with_did_you_mean_and_the_known_names(cli):
    result = cli("show", "transfomer")
    assert result.code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "unknown family or technique 'transfomer'" in lines[0]
    assert "did you mean 'transformer'" in lines[0]
    assert "cnn" in lines[0] and "gnn" in lines[0]


def test_unknown_name_with_json_gives_a_json_error(cli):
    result = cli("compare", "cnn", "rnnn", "--json")
    assert result.code == 2
    error = result.json()["error"]
    assert error["kind"] == "unknown_name" and "did you mean 'rnn'" in error["message"]


def test_compare_cnn_rnn_shows_every_row_of_seed_002(cli):
    result = cli("compare", "cnn", "rnn")
    assert result.code == 0
    aspect_cells = " ".join(line.split("│")[1].strip() for line in result.stdout.splitlines() if line.startswith("│"))
    for row in SEED_002_ROWS:
        assert row in aspect_cells, row
    markdown = cli("compare", "cnn", "rnn", "--markdown").stdout.splitlines()
    assert [line.split(" | ")[0][2:] for line in markdown[2:15]] == SEED_002_ROWS
    assert "CNN over RNN" in result.stdout and "RNN over CNN" in result.stdout
    for label in TRAITS.values():
        assert label in result.stdout


def test_compare_json_has_both_directions_for_every_pair(cli):
    result = cli("compare", "lstm", "vit", "gan", "--json")
    assert result.code == 0
    payload = result.json()
    assert payload["families"] == ["rnn", "transformer", "gan"]
    pairs = {(p["choose"], p["over"]) for p in payload["preferences"]}
    assert len(pairs) == 6
    assert all(p["when"] for p in payload["preferences"])
    assert [row["aspect"] for row in payload["aspects"]] == list(ASPECTS)
    assert [len(row["values"]) for row in payload["traits"]] == [3] * len(TRAITS)


def test_compare_aspects_picks_rows(cli):
    result = cli("compare", "cnn", "transformer", "--aspects", "memory,long-sequences", "--json")
    assert [row["aspect"] for row in result.json()["aspects"]] == ["memory", "long_sequences"]


def test_compare_unknown_aspect_suggests(cli):
    result = cli("compare", "cnn", "rnn", "--aspects", "memroy")
    assert result.code == 2
    assert "unknown aspect 'memroy'; did you mean 'memory'" in result.stderr


def test_compare_needs_two_different_families(cli):
    result = cli("compare", "lstm", "gru")
    assert result.code == 2
    assert "at least two different families" in result.stderr


def test_compare_markdown_is_a_table(cli):
    result = cli("compare", "cnn", "rnn", "--markdown")
    assert result.stdout.splitlines()[0] == "| Aspect | CNN | RNN |"


def test_json_and_markdown_together_is_a_usage_error(cli):
    result = cli("list", "--json", "--markdown")
    assert result.code == 2
    assert "choose one of --json and --markdown" in result.stderr


def test_unknown_option_is_one_line_exit_2(cli):
    result = cli("list", "--bogus")
    assert result.code == 2
    assert result.stderr.strip() == "dlguide: error: No such option: --bogus (see 'dlguide list --help')"


def test_every_pair_of_families_has_guidance_both_ways():
    for a, family in BASE.families.items():
        missing = set(BASE.families) - {a} - set(family.preferred_over)
        assert not missing, f"{a} lacks preferred_over for {sorted(missing)}"


def test_a_technique_where_a_family_is_needed_says_so(cli):
    result = cli("compare", "cnn", "transfer")
    assert result.code == 2
    assert "'transfer' is a technique (Transfer Learning), not an architecture family" in result.stderr
    assert "dlguide show transfer_learning" in result.stderr
