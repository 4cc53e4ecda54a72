"""The demos on a user's own files: every label used, every item named as the user named it, an estimate
from folds of the given labels, tiny sets handled, bad files and outputs refused before training.

The files are small and written here: an image folder, CSVs, an edge list with a node table, and the
seeds' two tiny examples (six sentences with four labels; twenty images, ten labeled).
"""

from __future__ import annotations

import csv
import hashlib
import importlib
import json
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="the demos extra (torch, numpy, scikit-learn) is not installed")

import numpy as np  # noqa: E402  (after the skip: a core install has no numpy)

from dlguide.demos import lpgraph, lpkit, lpresult
from pictures import bars
from registry import BASE, DEMO_FAMILIES, demo_module

SIX_SENTENCES = [  # the seeds' example: two positive, two negative, two without a label
    ("I love machine learning", "positive"), ("Python is great for AI", "positive"),
    ("I hate bugs in code", "negative"), ("Debugging is frustrating", "negative"),
    ("AI is the future", ""), ("I dislike slow computers", ""),
]


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Maps go to the current folder by default: keep them in the test's own folder."""
    monkeypatch.chdir(tmp_path)


def run_main(family: str, argv: list, capsys) -> dict:
    module = demo_module(family)
    capsys.readouterr()
    module.main([*argv, "--json", "--device", "cpu", "--quick"])
    return json.loads(capsys.readouterr().out)


def image_folder(root: Path, per_class: int, unlabeled: int) -> dict:
    """Bars, horizontal or vertical; returns {path under root: label as written ('' for unlabeled)}."""
    from PIL import Image

    written = {}
    for name, vertical in (("horizontal", False), ("vertical", True)):
        (root / name).mkdir(parents=True)
        for i in range(per_class):
            Image.fromarray(bars(vertical, i % 6 + 1)).save(root / name / f"{name[0]}{i:02d}.png")
            written[f"{name}/{name[0]}{i:02d}.png"] = name
    (root / "unlabeled").mkdir()
    for i in range(unlabeled):
        Image.fromarray(bars(i % 2 == 1, i % 6 + 1)).save(root / "unlabeled" / f"u{i}.png")
        written[f"unlabeled/u{i}.png"] = ""
    (root / "horizontal" / "notes.txt").write_text("not an image")  # skipped, and said so
    return written


def write_csv(path: Path, header: list, rows: list) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def text_csv(path: Path) -> dict:
    """Letters sorted up or down; 24 labeled (as 'up'/'down'), 6 not; ids in a 'doc' column."""
    rng = np.random.default_rng(0)
    rows, written = [], {}
    for i in range(30):
        up = i % 2 == 0
        label = "" if i >= 24 else ("up" if up else "down")
        rows.append([f"doc-{i}", " ".join(sorted(rng.choice(list("abcdefgh"), 6), reverse=not up)), label])
        written[f"doc-{i}"] = label
    write_csv(path, ["doc", "text", "label"], rows)
    return written


def table_csv(path: Path) -> dict:
    """Iris, 20 rows a class, 10 of each labeled by species name, named by a 'flower' id column."""
    from sklearn.datasets import load_iris

    data = load_iris()
    rows, written = [], {}
    for cls in range(3):
        for j, row in enumerate(data.data[data.target == cls][:20]):
            name, label = f"{data.target_names[cls]}-{j}", (data.target_names[cls] if j < 10 else "")
            rows.append([*row, name, label])
            written[name] = label
    write_csv(path, [*data.feature_names, "flower", "label"], rows)
    return written


def graph_files(folder: Path) -> dict:
    """A block model of 90 nodes: node table (id, label, features) and edge list; 30 nodes labeled."""
    data = importlib.import_module("dlguide.demos.lpdata").block_model(90, seed=1, classes=3)
    rows, written = [], {}
    for i, (row, label) in enumerate(zip(data.x, data.labels)):
        given = f"team-{label}" if i % 3 == 0 else ""
        rows.append([f"n{i}", given, *row])
        written[f"n{i}"] = given
    write_csv(folder / "nodes.csv", ["node", "label", *[f"f{j}" for j in range(data.x.shape[1])]], rows)
    (folder / "edges.txt").write_text("\n".join(f"n{a} n{b}" for a, b in data.edges) + "\n")
    return written


def own_data(family: str, tmp_path: Path):
    """Writes the family's kind of user data; returns (argv naming it, {item: label as given})."""
    kind = BASE.families[family].demo.data  # the kind of data the family's YAML says its demo reads
    if kind == "images":
        written = image_folder(tmp_path / "images", per_class=12, unlabeled=6)
        return ["--data", str(tmp_path / "images"), "--image-size", "8"], written
    if kind == "text":
        return ["--data", str(tmp_path / "text.csv"), "--id-column", "doc"], text_csv(tmp_path / "text.csv")
    if kind == "table":
        return ["--data", str(tmp_path / "iris.csv"), "--id-column", "flower"], table_csv(tmp_path / "iris.csv")
    written = graph_files(tmp_path)
    return ["--nodes", str(tmp_path / "nodes.csv"), "--edges", str(tmp_path / "edges.txt")], written


@pytest.mark.slow
@pytest.mark.parametrize("family", DEMO_FAMILIES)
def test_every_label_used_every_item_named_estimate_from_folds(family, tmp_path, capsys):
    argv, written = own_data(family, tmp_path)
    output = tmp_path / "predictions.csv"
    printed = run_main(family, [*argv, "--output", str(output)], capsys)
    given = sum(1 for label in written.values() if label)
    assert printed["own_data"] is True
    assert printed["labels"]["given"] == printed["labels"]["used"] == given  # every label the user gave
    estimate = printed["estimate"]
    assert estimate["meaningful"] and estimate["method"] == "5-fold over the given labels"
    assert estimate["model_refit_per_fold"] and not estimate["embedding_learned_from_held_out_labels"]
    assert printed["labels"]["held_out_per_fold"] == [f["held_out"] for f in estimate["per_fold"]]
    assert sum(printed["labels"]["held_out_per_fold"]) == given and len(estimate["per_fold"]) == 5
    assert all(f["used"] + f["held_out"] == given for f in estimate["per_fold"])
    for key in ("embeddings", "raw_baseline"):
        folds = estimate[key]["per_fold"]
        assert len(folds) == 5 and estimate[key]["mean"] == pytest.approx(float(np.mean(folds)))
        assert set(estimate[key]["per_class"]) == {label for label in written.values() if label}
    with output.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    name_column = {"images": "path", "text": "doc", "table": "flower", "graph": "node"}[BASE.families[family].demo.data]
    assert sorted(r[name_column] for r in rows) == sorted(written)  # every item, named as the user named it
    assert all(r["given_label"] == written[r[name_column]] for r in rows)  # labels as written, never numbers
    classes = {label for label in written.values() if label}
    assert all(r["predicted_label"] in classes and r["runner_up"] in classes - {r["predicted_label"]} for r in rows)
    assert Path(printed["files"]["map"]).is_file()
    if BASE.families[family].demo.data == "images":
        assert "skipped 1 file(s) that are not images, e.g. horizontal/notes.txt" in printed["notes"]


# -- the seeds' two tiny examples ---------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("family", ["transformer", "rnn"])
def test_six_sentences_use_all_four_labels_and_do_not_collapse(family, tmp_path, capsys):
    write_csv(tmp_path / "six.csv", ["text", "label"], SIX_SENTENCES)
    printed = run_main(family, ["--data", str(tmp_path / "six.csv"), "--output", str(tmp_path / "out.csv")], capsys)
    assert printed["labels"]["given"] == printed["labels"]["used"] == 4
    assert printed["propagation"]["neighbors_used"] < 5  # k never reaches n = 6
    assert sum(printed["predicted"].values()) == 2  # both unlabeled sentences get a label
    assert not printed["estimate"]["meaningful"] and printed["estimate"]["embeddings"]["mean"] is None
    assert "not meaningful with 4 given labels" in printed["estimate"]["note"]
    assert not [w for w in printed["warnings"] if "collapse" in w]
    rows = list(csv.DictReader((tmp_path / "out.csv").open(newline="")))
    assert [r["row"] for r in rows] == ["1", "2", "3", "4", "5", "6"]
    # no collapse: a ten-neighbour graph over six points would pull every point, the labelled ones too, into
    # one class; the adapted graph keeps each given label's class (which class the two unlabeled sentences
    # join is the tiny model's call, not something four labels can settle)
    assert all(r["predicted_label"] == r["given_label"] for r in rows if r["given_label"])


@pytest.mark.slow
def test_six_sentences_report_says_the_estimate_is_not_meaningful(demo_cli, tmp_path):
    write_csv(tmp_path / "six.csv", ["text", "label"], SIX_SENTENCES)
    code, out, err = demo_cli("run-demo", "transformer", "--data", tmp_path / "six.csv", "--quick", "--device", "cpu")
    assert code == 0, err
    assert "6 items, 4 labels given (all used for the predictions), 2 unlabeled" in out
    assert "accuracy estimate: not meaningful with 4 given labels: an estimate needs at least 20" in out
    assert "wrote map: transformer_map.png" in out


@pytest.mark.slow
def test_twenty_images_ten_labeled_use_every_label(tmp_path, capsys):
    written = image_folder(tmp_path / "twenty", per_class=5, unlabeled=10)
    printed = run_main("cnn", ["--data", str(tmp_path / "twenty"), "--image-size", "8", "--output", str(tmp_path / "out.csv")], capsys)
    assert printed["labels"]["given"] == printed["labels"]["used"] == 10
    assert not printed["estimate"]["meaningful"]
    assert printed["predicted"] == {"horizontal": 5, "vertical": 5}
    rows = {r["path"]: r for r in csv.DictReader((tmp_path / "out.csv").open(newline=""))}
    assert set(rows) == set(written)


# -- the propagation on small and uneven sets -----------------------------------------------------------

def test_k_adapts_to_the_number_of_points():
    assert [lpkit.graph_neighbors(n, 10) for n in (2, 3, 6, 20, 100, 5000)] == [1, 2, 2, 4, 10, 10]
    assert all(lpkit.graph_neighbors(n, 50) < n for n in range(2, 200))


def test_six_separable_points_are_not_collapsed():
    x = np.array([[0, 0], [0.1, 0], [0, 0.1], [5, 5], [5.1, 5], [5, 5.1]], dtype=float)
    result = lpkit.propagate(x, np.array([0, 0, -1, 1, 1, -1]))
    assert list(result["labels"]) == [0, 0, 0, 1, 1, 1]
    assert np.allclose(result["probabilities"].sum(1), 1.0) and (result["runner_up"] != result["labels"]).all()


def test_a_class_with_a_single_label_still_propagates():
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(size=(40, 3)), rng.normal(size=(40, 3)) + 8])
    y_semi = np.full(80, -1)
    y_semi[:10] = 0
    y_semi[40] = 1  # one label for the whole second cluster
    result = lpkit.propagate(x, y_semi)
    assert (result["labels"][40:] == 1).all() and (result["labels"][:40] == 0).all()


def test_folds_deal_every_class_round_and_stay_even():
    y = np.array([0] * 13 + [1] * 7 + [2] + [-1] * 5)
    fold = lpgraph.fold_of_each_label(y, 5, seed=0)
    assert (fold[y < 0] == -1).all()
    sizes = np.bincount(fold[fold >= 0], minlength=5)
    assert sizes.max() - sizes.min() <= 1 and sizes.sum() == 21
    for cls in (0, 1):
        counts = np.bincount(fold[y == cls], minlength=5)
        assert counts.max() - counts.min() <= 1  # a class spread over the folds, not piled into one


def test_refit_never_sees_the_labels_a_fold_hides():
    from sklearn.datasets import make_blobs

    x, y = make_blobs(n_samples=120, centers=2, n_features=4, random_state=0)
    y_semi = np.where(np.arange(120) % 3 == 0, y, -1)
    seen = []

    def refit(labels):
        seen.append(labels.copy())
        return x

    estimate = lpresult.estimate_by_folds(x, y_semi, folds=4, seed=0, refit=refit)
    fold = lpgraph.fold_of_each_label(y_semi, 4, seed=0)
    assert len(seen) == 4
    for k, labels in enumerate(seen):
        assert (labels[fold == k] == -1).all() and (labels[fold != k] == y_semi[fold != k]).all()
    assert [f["held_out"] for f in estimate["per_fold"]] == [int((fold == k).sum()) for k in range(4)]


def test_estimate_by_folds_scores_held_out_labels_only():
    from sklearn.datasets import make_blobs

    x, y = make_blobs(n_samples=300, centers=3, n_features=5, random_state=0)
    y_semi = np.where(np.arange(300) % 5 == 0, y, -1)
    estimate = lpresult.estimate_by_folds(x, y_semi, folds=4, seed=1)
    assert estimate["meaningful"] and len(estimate["per_fold"]) == 4
    assert sum(f["held_out"] for f in estimate["per_fold"]) == 60
    assert all(f["used"] == 60 - f["held_out"] for f in estimate["per_fold"])
    assert estimate["mean"] > 0.9 and set(estimate["per_class"]) == {0, 1, 2}
    scrambled = lpresult.estimate_by_folds(np.random.default_rng(0).normal(size=(300, 5)), y_semi, folds=4, seed=1)
    assert scrambled["mean"] < 0.6  # on noise the estimate says so: it is computed, not assumed
    tiny = lpresult.estimate_by_folds(x[:12], y_semi[:12] * 0 + np.tile([0, 1], 6), folds=5)
    assert not tiny["meaningful"] and tiny["mean"] is None and "not meaningful with 12 given labels" in tiny["note"]


# -- bad files, refused before any training, in one line ------------------------------------------------

BAD_CSVS = [
    ("uneven.csv", "a,b,label\n1,2,x\n3,y\n", "uneven.csv: row 2 (line 3) has 2 cells, but the header has 3 columns"),
    ("empty.csv", "", "empty.csv: the file is empty; expected a header row with a 'label' column"),
    ("header.csv", "a,label\n", "header.csv: the file has a header but no rows"),
    ("one.csv", "a,label\n1,cat\n2,cat\n3,\n", "one.csv: the 'label' column gives only one class ('cat'); label items of at least two classes"),
    ("nolabel.csv", "a,b\n1,2\n", "nolabel.csv: no 'label' column in the header (a, b); name yours with --label-column"),
    ("headless.csv", "31336\t0\t1\t0\tNeural_Networks\n1061127\t1\t0\t0\tRule_Learning\n",
     "headless.csv: the first line holds values (31336, 0, 1, 0, ...), not column names; add a header line naming the columns, one of them 'label'"),
    ("species.csv", "a,Species\n1,x\n", "species.csv: no 'label' column in the header (a, Species); did you mean --label-column Species?"),
]


@pytest.mark.parametrize(("name", "text", "message"), BAD_CSVS, ids=[b[0] for b in BAD_CSVS])
def test_bad_csv_is_one_line_naming_row_and_column(demo_cli, tmp_path, name, text, message):
    (tmp_path / name).write_text(text)
    code, out, err = demo_cli("run-demo", "mlp", "--data", tmp_path / name, "--device", "cpu")
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"dlguide: error: {tmp_path / name}{message[len(name):]}")


@pytest.mark.parametrize(("family", "kind", "message"), [
    ("cnn", "file", "this is a file, but the demo wants a folder (one subfolder per class"),
    ("gan", "file", "this is a file, but the demo wants a folder"),
    ("mlp", "folder", "this is a folder, but the demo wants a file (a CSV file"),
    ("rnn", "folder", "this is a folder, but the demo wants a file"),
])
def test_a_file_where_a_folder_is_wanted_or_the_reverse(demo_cli, tmp_path, family, kind, message):
    path = tmp_path / "data.csv" if kind == "file" else tmp_path / "photos"
    path.write_text("a,label\n1,x\n") if kind == "file" else path.mkdir()
    code, _, err = demo_cli("run-demo", family, "--data", path, "--device", "cpu")
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert f"--data {path}: {message}" in err and "no such" not in err


def test_duplicate_ids_and_a_missing_text_column_are_named(demo_cli, tmp_path):
    (tmp_path / "dup.csv").write_text("id,text,label\na,x y,p\na,y z,q\n")
    code, _, err = demo_cli("run-demo", "rnn", "--data", tmp_path / "dup.csv", "--id-column", "id", "--device", "cpu")
    assert code == 1 and "column 'id': id 'a' appears on rows 1 and 2; ids must be unique" in err
    code, _, err = demo_cli("run-demo", "transformer", "--data", tmp_path / "dup.csv", "--text-column", "words", "--device", "cpu")
    assert code == 1 and "no 'words' column in the header (id, text, label); did you mean --text-column text?" in err
    (tmp_path / "reviews.csv").write_text("id,review,stars\na,good film,5\nb,dull,1\n")
    code, _, err = demo_cli("run-demo", "rnn", "--data", tmp_path / "reviews.csv", "--label-column", "stars", "--device", "cpu")
    assert code == 1 and "no 'text' column in the header (id, review, stars); did you mean --text-column review?" in err
    code, _, err = demo_cli("run-demo", "rnn", "--data", tmp_path / "reviews.csv", "--text-column", "review", "--device", "cpu")
    assert code == 1 and "no 'label' column in the header (id, review, stars); name yours with --label-column" in err


def _checksums(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("extra", "message"), [
    (["--output", "{data}"], "--output: {data} is also an input of this run; write the result to another file"),
    (["--output", "{folder}"], "--output: {folder} is a folder; name a file to write (for example {folder}/result.csv)"),
    (["--output", "{taken}"], "--output: {taken} already exists; choose another name, or add --force to replace it"),
    (["--map", "{taken}"], "--map: {taken} already exists; choose another name, or add --force to replace it"),
    (["--output", "{data}", "--force"], "--output: {data} is also an input of this run; write the result to another file"),
    (["--output", "{new}", "--map", "{new}"], "--map: {new} is also the --output file; give each output its own name"),
])
def test_outputs_are_refused_before_training(demo_cli, tmp_path, extra, message):
    (tmp_path / "folder").mkdir()
    (tmp_path / "data.csv").write_text("a,label\n1,x\n2,y\n3,\n")
    (tmp_path / "taken.csv").write_text("mine")
    names = {"data": tmp_path / "data.csv", "folder": tmp_path / "folder", "taken": tmp_path / "taken.csv", "new": tmp_path / "new.csv"}
    before = _checksums(tmp_path)
    code, out, err = demo_cli("run-demo", "mlp", "--data", tmp_path / "data.csv", "--device", "cpu", *[a.format(**names) for a in extra])
    assert code == 1 and out == ""
    assert err.strip() == f"dlguide: error: {message.format(**names)}"
    assert "training" not in err and _checksums(tmp_path) == before  # nothing trained, nothing written


@pytest.mark.slow
def test_force_replaces_an_existing_output_and_nothing_else(tmp_path, capsys):
    argv, written = own_data("mlp", tmp_path)
    (tmp_path / "old.csv").write_text("mine")
    data_before = _checksums(tmp_path)["iris.csv"]
    printed = run_main("mlp", [*argv, "--output", str(tmp_path / "old.csv"), "--force"], capsys)
    rows = list(csv.DictReader((tmp_path / "old.csv").open(newline="")))
    assert len(rows) == len(written) and printed["files"]["csv"] == str(tmp_path / "old.csv")
    assert _checksums(tmp_path)["iris.csv"] == data_before


def test_an_option_of_another_kind_of_data_is_refused_in_plain_words(demo_cli):
    code, out, err = demo_cli("run-demo", "cnn", "--seq-len", "40")
    assert code == 2 and out == ""
    assert err.strip() == "dlguide: error: cnn demo: --seq-len 40: not an option of the cnn demo; its options are listed by --help"


def test_options_that_do_not_apply_are_noted():
    from types import SimpleNamespace

    args = SimpleNamespace(typed={"--labeled", "--samples", "--epochs"})
    assert lpresult.note_unused_options(args, own_data=True) == [
        "--labeled applies to built-in data only and was ignored: every label you gave is used",
        "--samples applies to built-in data only and was ignored: every item of your data is used"]
    args = SimpleNamespace(typed={"--folds", "--image-size"}, dataset=None)
    assert lpresult.note_unused_options(args, own_data=False) == ["--folds applies to your own --data only and was ignored",
                                                               "--image-size applies to your own --data only and was ignored"]


# -- the demo the advisor offers is the variant it recommended -------------------------------------------

def test_recommend_prints_and_runs_the_recommended_variant(cli, monkeypatch):
    result = cli("recommend", "--data", "time-series", "--task", "forecast", "--samples", "5k", "--labeled", "1",
                 "--compute", "low", "--json")
    document = result.json()
    top = document["recommendations"][0]
    assert (top["id"], top["variant"]) == ("rnn", "gru")
    assert "dlguide run-demo gru" in document["next_steps"] and "dlguide scaffold gru" in document["next_steps"]

    from dlguide.advisor import questionnaire
    from dlguide.commands import recommend

    ran = []
    monkeypatch.setattr(questionnaire, "demo_offer", lambda *args: True)
    monkeypatch.setattr(recommend.subprocess, "run", lambda argv, check: ran.append(argv) or type("Done", (), {"returncode": 0})())
    monkeypatch.setattr("dlguide.demos.runner.missing_packages", lambda: [])
    ranked = type("Top", (), {"id": "rnn", "variant": "gru", "has_demo": True})()
    assert recommend._offer_demo(object(), BASE, ranked) == 0
    assert ran[0][-4:] == ["run-demo", "gru", "--kb", str(BASE.root)]


@pytest.mark.skipif(not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_current_folder_is_refused_before_training(demo_cli, tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    monkeypatch.chdir(locked)
    try:
        code, _, err = demo_cli("run-demo", "mlp", "--device", "cpu")
    finally:
        locked.chmod(0o755)
    assert code == 1 and "is not writable, and the map goes there by default; name a file with --map" in err and "training" not in err
