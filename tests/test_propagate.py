"""``dlguide propagate``: the three input formats, matching by id or order, the output file, the errors."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("numpy", reason="propagate needs the demos extra (numpy, scipy), which is not installed")

import numpy as np  # noqa: E402  (after the skip: a core install has no numpy)

NAMES = ["cat", "dog", "eel"]


def make_data(n=300, every=10, seed=0):
    """Three separated clusters in 8 dimensions; every ``every``-th item labeled. Returns (x, y)."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    x = 6 * np.eye(3, 8)[y] + rng.normal(size=(n, 8))
    return x, y


def write_labels(path: Path, y, every=10, ids=None, order=None):
    order = range(len(y)) if order is None else order
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "label"] if ids is not None else ["label"])
        for i in order:
            cell = NAMES[y[i]] if i % every == 0 else ""
            writer.writerow([ids[i], cell] if ids is not None else [cell])
    return path


def read_output(path: Path) -> list:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    x, y = make_data()
    np.save(tmp_path / "emb.npy", x)
    write_labels(tmp_path / "labels.csv", y)
    return tmp_path, x, y


def test_npy_to_the_default_output_with_every_column(cli, data):
    folder, _, y = data
    result = cli("propagate", "emb.npy", "--labels", "labels.csv")
    assert result.code == 0, result.stderr
    assert "rows matched by order" in result.stderr and "wrote emb.propagated.csv" in result.stdout
    rows = read_output(folder / "emb.propagated.csv")
    assert list(rows[0]) == ["id", "label", "confidence", "runner_up", "runner_up_score", "given_label"]
    assert [r["id"] for r in rows] == [str(i) for i in range(len(y))]
    assert [r["label"] for r in rows] == [NAMES[c] for c in y]
    assert [r["given_label"] for r in rows[:11]] == ["cat"] + [""] * 9 + ["dog"]
    assert all(float(r["confidence"]) >= float(r["runner_up_score"]) and r["runner_up"] != r["label"] for r in rows)


def test_json_summary_is_pure_json(cli, data):
    result = cli("propagate", "emb.npy", "--labels", "labels.csv", "--json", "--output", "out.csv")
    assert result.code == 0, result.stderr
    summary = result.json()
    assert summary["schema_version"] == 1 and summary["items"] == 300 and summary["classes"] == NAMES
    assert summary["counts"]["given"] == 30 and summary["counts"]["unknown"] == 270
    assert summary["counts"]["per_class"]["dog"] == {"given": 10, "predicted": 100}
    assert set(summary["timings"]) >= {"read", "knn", "graph", "solve", "folds", "write", "total"}
    assert summary["estimate"]["accuracy"] == 1.0 and summary["estimate"]["meaningful"]
    assert set(summary["estimate"]["per_class"]) == set(NAMES)
    assert summary["matched_by"] == "order" and summary["warnings"] == []


def test_npz_with_one_array_and_a_named_one(cli, data):
    folder, x, _ = data
    np.savez(folder / "one.npz", x)
    assert cli("propagate", "one.npz", "--labels", "labels.csv").code == 0
    np.savez(folder / "two.npz", features=x, other=x[:, :2])
    refused = cli("propagate", "two.npz", "--labels", "labels.csv")
    assert refused.code == 2 and "holds 2 arrays (features, other); name one with --array" in refused.stderr
    wrong = cli("propagate", "two.npz", "--labels", "labels.csv", "--array", "feat")
    assert wrong.code == 2 and "has no array 'feat'" in wrong.stderr
    assert cli("propagate", "two.npz", "--labels", "labels.csv", "--array", "features").code == 0
    assert len(read_output(folder / "two.propagated.csv")) == 300


def test_csv_with_ids_matched_by_id_in_any_order(cli, data):
    folder, x, y = data
    ids = [f"item-{i}" for i in range(len(y))]
    with (folder / "emb.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name"] + [f"f{j}" for j in range(x.shape[1])])
        writer.writerows([ids[i]] + list(row) for i, row in enumerate(x))
    shuffled = np.random.default_rng(1).permutation(len(y))[:200]  # labels for only some items, shuffled
    write_labels(folder / "byid.csv", y, ids=ids, order=shuffled)
    result = cli("propagate", "emb.csv", "--labels", "byid.csv", "--id-column", "name", "--json")
    assert result.code == 0, result.stderr
    assert result.json()["matched_by"] == "id" and "rows matched by id" in result.stderr
    rows = read_output(folder / "emb.propagated.csv")
    assert [r["id"] for r in rows] == ids
    assert [r["label"] for r in rows] == [NAMES[c] for c in y]
    given = {ids[i] for i in shuffled if i % 10 == 0}
    assert {r["id"] for r in rows if r["given_label"]} == given


def test_csv_of_plain_numbers_without_header(cli, data):
    folder, x, y = data
    np.savetxt(folder / "plain.csv", x, delimiter=",")
    result = cli("propagate", "plain.csv", "--labels", "labels.csv", "--engine", "sklearn", "--json")
    assert result.code == 0, result.stderr
    summary = result.json()
    assert summary["engine"] == "sklearn" and summary["estimate"] is None
    assert [r["label"] for r in read_output(folder / "plain.propagated.csv")] == [NAMES[c] for c in y]


def test_an_existing_output_is_kept_without_force_and_an_input_never_written(cli, data):
    folder, _, _ = data
    (folder / "out.csv").write_text("mine\n")
    refused = cli("propagate", "emb.npy", "--labels", "labels.csv", "--output", "out.csv")
    assert refused.code == 1 and "out.csv already exists; choose another name, or add --force" in refused.stderr
    assert (folder / "out.csv").read_text() == "mine\n"
    assert cli("propagate", "emb.npy", "--labels", "labels.csv", "--output", "out.csv", "--force").code == 0
    assert read_output(folder / "out.csv")[0]["label"] == "cat"
    before = (folder / "labels.csv").read_bytes()
    onto_input = cli("propagate", "emb.npy", "--labels", "labels.csv", "--output", "./labels.csv", "--force")
    assert onto_input.code == 1 and "is also an input of this run" in onto_input.stderr
    assert (folder / "labels.csv").read_bytes() == before


def test_the_output_is_checked_before_the_inputs_are_read(cli, data):
    folder, _, _ = data
    (folder / "broken.npy").write_bytes(b"not numpy at all")
    (folder / "a-file").write_text("mine\n")
    result = cli("propagate", "broken.npy", "--labels", "labels.csv", "--output", "a-file/out.csv")
    assert result.code == 1 and "a-file is a file, not a folder" in result.stderr


def write_csv(path: Path, rows):
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path.name


@pytest.mark.parametrize("setup, code, message", [
    (lambda f, x, y: ("emb.npy", write_csv(f / "l.csv", [["label"]] + [["cat"]] * 10)), 1,
     "shape mismatch: 300 embedding rows but 10 label rows"),
    (lambda f, x, y: ("emb.npy", write_csv(f / "l.csv", [["label"]] + [[""]] * 300)), 1, "no labels: every cell of the 'label' column"),
    (lambda f, x, y: ("emb.npy", write_csv(f / "l.csv", [["label"]] + [["cat"]] * 300)), 1, "only one class ('cat') has labels"),
    (lambda f, x, y: ("emb.npy", write_csv(f / "l.csv", [["name"]] + [["cat"]] * 300)), 1,
     "has no 'label' column (its columns: name); name yours with --label-column"),
    (lambda f, x, y: ("emb.npy", write_csv(f / "l.csv", [["file", "Category"]] + [["a", "cat"]] * 300)), 1,
     "has no 'label' column (its columns: file, Category); did you mean --label-column Category?"),
    (lambda f, x, y: (np.save(f / "nan.npy", np.where(np.arange(300)[:, None] == 42, np.nan, x)) or "nan.npy", "labels.csv"), 1,
     "row 42 (counting from 0) holds NaN or infinity (column 1)"),
    (lambda f, x, y: (write_csv(f / "e.csv", [["a", "b"], ["1", "2"], ["3", "x"]]), "labels.csv"), 1,
     "line 3, column 'b': 'x' is not a number"),
    (lambda f, x, y: (write_csv(f / "e.csv", [["1", "2"], ["3", "inf"]]), "labels.csv"), 1, "line 2 holds NaN or infinity (column 2)"),
    (lambda f, x, y: (write_csv(f / "e.csv", [["id", "a", "b"], ["p", "1", "2"], ["q", "nan", "1"]]), "labels.csv"), 1,
     "line 3 holds NaN or infinity (column 'a')"),
    (lambda f, x, y: (write_csv(f / "e.csv", [["1", "2"], ["3"]]), "labels.csv"), 1, "line 2: 1 cells, but the first row has 2"),
    (lambda f, x, y: ((f / "e.npy").write_bytes(b"") or "e.npy", "labels.csv"), 1, "embeddings file e.npy is empty"),
    (lambda f, x, y: (np.save(f / "v.npy", x[:, 0]) or "v.npy", "labels.csv"), 1, "must be a table of N rows x d numbers, got shape (300,)"),
    (lambda f, x, y: ("emb.txt", "labels.csv"), 2, "must end in .npy, .npz or .csv"),
    (lambda f, x, y: ("nothere.npy", "labels.csv"), 1, "embeddings file nothere.npy does not exist"),
])
def test_bad_files_get_one_line(cli, data, setup, code, message):
    folder, x, y = data
    embeddings, labels = setup(folder, x, y)
    result = cli("propagate", embeddings, "--labels", labels)
    assert result.code == code, result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_a_labels_file_with_its_own_column_names_and_semicolons(cli, data):
    folder, _, y = data
    lines = ["file;species"] + [f"img{i}.png;{NAMES[c] if i % 10 == 0 else ''}" for i, c in enumerate(y)]
    (folder / "l.csv").write_text("\n".join(lines) + "\n")
    result = cli("propagate", "emb.npy", "--labels", "l.csv", "--label-column", "species",
                 "--labels-id-column", "file", "--output", "out.csv")
    assert result.code == 0, result.stderr
    rows = read_output(folder / "out.csv")
    assert [r["id"] for r in rows] == [f"img{i}.png" for i in range(len(y))]  # named as the user named them
    assert [r["label"] for r in rows] == [NAMES[c] for c in y]
    assert [r["given_label"] for r in rows[:11]] == ["cat"] + [""] * 9 + ["dog"]
    missing = cli("propagate", "emb.npy", "--labels", "l.csv", "--label-column", "species", "--labels-id-column", "name")
    assert missing.code == 2 and "has no 'name' column for --labels-id-column (its columns: file, species)" in missing.stderr
    misnamed = cli("propagate", "emb.npy", "--labels", "l.csv", "--label-column", "Species")
    assert misnamed.code == 2 and len(misnamed.stderr.strip().splitlines()) == 1
    assert "has no 'Species' column (its columns: file, species); did you mean --label-column species?" in misnamed.stderr


def test_labels_matched_by_id_must_name_known_items(cli, data):
    folder, x, _ = data
    write_csv(folder / "e.csv", [["id", "a", "b"], ["p", "1", "0"], ["q", "0", "1"], ["r", "1", "1"]])
    write_csv(folder / "l.csv", [["id", "label"], ["p", "cat"], ["zz", "dog"]])
    result = cli("propagate", "e.csv", "--labels", "l.csv")
    assert result.code == 1 and "has id 'zz', which no embeddings row has" in result.stderr


@pytest.mark.parametrize("options, message", [
    (["--alpha", "1.5"], "--alpha must be between 0 and 1"),
    (["--neighbors", "300"], "--neighbors must be below the number of items (300)"),
    (["--neighbors", "0"], "--neighbors"),
    (["--folds", "1"], "--folds must be 0"),
    (["--metric", "manhattan"], "--metric"),
    (["--id-column", "id"], "--id-column names a column of a .csv file"),
])
def test_bad_options_exit_2(cli, data, options, message):
    result = cli("propagate", "emb.npy", "--labels", "labels.csv", *options)
    assert result.code == 2 and message in result.stderr, result.stderr


def test_cuda_without_a_gpu_is_refused_before_reading(cli, data, monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    result = cli("propagate", "emb.npy", "--labels", "labels.csv", "--device", "cuda", "--json")
    assert result.code == 1
    assert result.json()["error"]["message"] == "--device cuda was asked for but no CUDA GPU is available here; use --device cpu or auto"
    assert "read 300" not in result.stderr


def test_propagate_help_imports_no_numpy_scipy_torch_or_sklearn():
    probe = ("import sys\nfrom dlguide.cli import run\ncode = run(['propagate', '--help'])\n"
             "print('HEAVY:' + ','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'scipy', 'torch', 'sklearn'))), file=sys.stderr)\n"
             "sys.exit(code)\n")
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0 and "--labels" in completed.stdout
    assert "HEAVY:\n" in completed.stderr


def test_items_no_label_can_reach_are_left_blank_and_counted(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    centres = np.array([[20, 0], [0, 20], [-20, -20]])
    x = np.repeat(centres, 20, axis=0) + rng.normal(size=(60, 2))
    labels = ["cat", "cat"] + [""] * 18 + ["dog", "dog"] + [""] * 38  # the third cluster has no label
    write_csv(tmp_path / "l.csv", [["label"]] + [[label] for label in labels])
    np.save(tmp_path / "e.npy", x)
    result = cli("propagate", "e.npy", "--labels", "l.csv", "--metric", "euclidean", "--neighbors", "5", "--json")
    assert result.code == 0, result.stderr
    summary = result.json()
    assert summary["counts"]["unreachable"] == 20
    assert any("20 point(s) have no path to any labeled point" in w for w in summary["warnings"])
    rows = read_output(tmp_path / "e.propagated.csv")
    assert [r["label"] for r in rows[40:]] == [""] * 20 and {r["confidence"] for r in rows[40:]} == {"0.0000"}
    assert [r["label"] for r in rows[:40]] == ["cat"] * 20 + ["dog"] * 20
