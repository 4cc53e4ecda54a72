"""The demos: each family runs --quick in-process and gives sane results; the label-propagation helper
catches what it should; the real-data loaders read small files written here; run-demo maps names and
errors the way a user sees them."""

from __future__ import annotations

import csv
import importlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="the demos extra (torch, numpy, scikit-learn) is not installed")

import numpy as np  # noqa: E402  (after the skip: a core install has no numpy)

from dlguide.demos import lpkit, lpresult
from pictures import bars
from registry import DEMO_FAMILIES, GENERATIVE, demo_module

# loose floors for --quick runs (a few seconds of training; chance is 0.1 to 0.33): 0.5 unless measured otherwise
FLOORS = {"gan": 0.3, "gnn": 0.8, "mlp": 0.7}
RESULT_KEYS = {"family", "variant", "dataset", "n_samples", "n_labeled", "device", "seed", "versions", "timings", "accuracy", "warnings", "files"}
WRAPPER = "import sys; from dlguide import cli; sys.exit(cli.run(sys.argv[1:]))"


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Every demo writes a map to the current folder by default: keep it in the test's own folder."""
    monkeypatch.chdir(tmp_path)


def run_main(family: str, argv: list[str], capsys) -> tuple[dict, dict]:
    """Run a demo's main(argv) in this process; returns its result and the JSON it printed."""
    module = demo_module(family)
    capsys.readouterr()
    result = module.main([*argv, "--json"])
    out = capsys.readouterr().out
    return result, json.loads(out)


# -- every family, --quick, in-process --------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("family", DEMO_FAMILIES)
def test_quick_demo_in_process(family, tmp_path, capsys):
    argv = ["--quick", "--device", "cpu", "--output", str(tmp_path / "points.csv")]
    if family in GENERATIVE:
        argv += ["--png", str(tmp_path / "grid.png")]
    result, printed = run_main(family, argv, capsys)
    assert RESULT_KEYS <= set(printed)
    assert printed["family"] == family and printed["device"] == "cpu" and printed["seed"] == 0
    assert set(printed["timings"]) >= {"train", "embed", "propagate"}
    assert set(printed["versions"]) == {"python", "torch", "sklearn", "numpy"}
    accuracy = printed["accuracy"]
    assert accuracy["embeddings"] > max(FLOORS.get(family, 0.5), printed["chance"] + 0.1)
    assert accuracy["raw_baseline"] > printed["chance"]
    assert not any("collapse" in w for w in printed["warnings"])
    assert printed["own_data"] is False and printed["estimate"] is None
    assert printed["labels"] == {"given": printed["n_samples"] - printed["n_unlabeled"], "used": printed["n_labeled"], "hidden": printed["n_hidden"]}
    with open(printed["files"]["csv"], newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == printed["n_samples"]
    assert sum(r["role"] == "labeled" for r in rows) == printed["n_labeled"]
    assert all(r["runner_up"] != r["predicted_label"] and float(r["runner_up_score"]) <= float(r["confidence"]) for r in rows)
    from PIL import Image

    with Image.open(printed["files"]["map"]) as picture:  # the map of both embeddings, written in the current folder
        assert picture.format == "PNG" and picture.size[0] >= 1000
    assert Path(printed["files"]["map"]).name == f"{family}_map.png"
    if family in GENERATIVE:
        with Image.open(printed["files"]["png"]) as picture:
            assert picture.format == "PNG" and picture.size[0] >= 8 * 64  # 8 samples a row, each at least 64 px


@pytest.mark.slow
def test_demo_runs_as_a_script_with_a_plain_table(tmp_path):
    script = Path(importlib.import_module("dlguide.demos.gnn").__file__)
    done = subprocess.run([sys.executable, str(script), "--quick", "--device", "cpu"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "gnn embeddings" in done.stdout and "raw inputs (baseline)" in done.stdout
    assert "gnn: epoch" in done.stderr  # progress on stderr, never on stdout
    assert "epoch" not in done.stdout


# -- errors ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("argv", "code", "text"), [
    (["--labeled", "1.5"], 2, "error: mlp demo: --labeled: expected a fraction between 0 and 1 (above 0), got '1.5'"),
    (["--labeled", "abc"], 2, "error: mlp demo: --labeled: expected a fraction between 0 and 1 (above 0), got 'abc'"),
    (["--device", "tpu"], 2, "error: mlp demo: --device: invalid choice: 'tpu'"),
    (["--epochs", "0"], 2, "error: mlp demo: --epochs: expected a whole number from 1 to 1,000,000,000, got '0'"),
    (["--samples", "9" * 400], 2, "--samples: expected a whole number from 1 to 1,000,000,000"),
    (["--seq-len", "5"], 2, "error: mlp demo: --seq-len 5: not an option of the mlp demo; its options are listed by --help"),
])
def test_script_usage_errors_are_one_line(argv, code, text):
    script = Path(importlib.import_module("dlguide.demos.mlp").__file__)
    done = subprocess.run([sys.executable, str(script), *argv], capture_output=True, text=True, timeout=60)
    assert done.returncode == code
    assert done.stderr.count("\n") == 1 and text in done.stderr and "Traceback" not in done.stderr
    assert "_fraction" not in done.stderr and "invalid" not in done.stderr.replace("invalid choice", "")
    assert done.stdout == ""


def test_cuda_without_gpu_is_a_one_line_error(demo_cli, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)  # the same answer on every machine
    code, out, err = demo_cli("run-demo", "mlp", "--quick", "--device", "cuda")
    assert code == 1 and out == ""
    assert err.strip().splitlines() == ["dlguide: error: --device cuda was asked for but no CUDA GPU is available here; use --device cpu or auto"]


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("torch") is None or not __import__("torch").cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_runs_where_there_is_a_gpu(demo_cli):
    code, out, err = demo_cli("run-demo", "mlp", "--quick", "--device", "cuda", "--json")
    assert code == 0, err
    assert json.loads(out)["device"].startswith("cuda")


def test_run_demo_unknown_name_suggests(demo_cli):
    code, _, err = demo_cli("run-demo", "transformr", "--quick")
    assert code == 2
    assert "did you mean 'transformer'?" in err and len(err.strip().splitlines()) == 1


def test_run_demo_usage_error_exits_2(demo_cli):
    code, out, err = demo_cli("run-demo", "mlp", "--labeled", "0")
    assert code == 2 and "--labeled" in err and out == ""


@pytest.mark.slow
@pytest.mark.parametrize(("name", "cell"), [("lstm", "lstm"), ("GRU", "gru"), ("rnn", "rnn")])
def test_run_demo_names_pick_the_cell(demo_cli, name, cell):
    code, out, err = demo_cli("run-demo", name, "--quick", "--device", "cpu", "--json", "--samples", "300", "--epochs", "2")
    assert code == 0, err
    result = json.loads(out)
    assert result["family"] == "rnn" and result["variant"] == cell


def test_missing_extra_names_the_install_command(demo_cli, monkeypatch):
    from dlguide.demos import runner

    monkeypatch.setattr(runner, "missing_packages", lambda: ["torch", "scikit-learn"])
    code, _, err = demo_cli("run-demo", "cnn", "--quick")
    assert code == 1
    assert "pip install -c constraints.txt '.[demos]'  (in the dlguide checkout)" in err


# -- the label-propagation helper ----------------------------------------------------------------------

def test_split_keeps_a_label_per_class_and_unknowns_unknown():
    y = np.array([0] * 50 + [1] * 3 + [2] * 1 + [-1] * 5)
    y_semi = lpkit.split_labels(y, 0.01, seed=0)
    assert set(y_semi[y_semi >= 0]) == {0, 1, 2}
    assert (y_semi[-5:] == -1).all()


def test_accuracy_counts_hidden_points_only():
    y_true = np.array([0, 1, 0, 1, -1])
    y_semi = np.array([0, 1, -1, -1, -1])
    predicted = np.array([0, 1, 1, 0, 0])  # labeled right, hidden all wrong
    assert lpresult.hidden_accuracy(predicted, y_true, y_semi) == 0.0


def test_propagation_on_blobs_is_accurate_and_clean():
    from sklearn.datasets import make_blobs

    x, y = make_blobs(n_samples=600, n_features=16, centers=4, cluster_std=2.0, random_state=0)
    y_semi = lpkit.split_labels(y, 0.05, seed=0)
    result = lpkit.propagate(x * 1000, y_semi)  # unnormalised scale must not matter
    assert lpresult.hidden_accuracy(result["labels"], y, y_semi) > 0.95
    assert result["warnings"] == []
    dense = lpkit.propagate(x * 1000, y_semi, graph="rbf")
    assert lpresult.hidden_accuracy(dense["labels"], y, y_semi) > 0.9


@pytest.mark.parametrize("engine", ["dlguide", "sklearn"])
def test_collapse_is_reported(engine):
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(size=(200, 5)) + [10, 0, 0, 0, 0], rng.normal(scale=0.1, size=(10, 5)) + [0, 10, 0, 0, 0]])
    y_semi = np.full(210, -1)
    y_semi[:10] = 0
    y_semi[200:] = 1  # half the labels are class 1, all of them far from every unlabeled point
    result = lpkit.propagate(x, y_semi, engine=engine)
    assert any(w.startswith("collapse: ") and "of the unlabeled points got class 0" in w for w in result["warnings"])


def test_unconverged_run_is_reported():
    from sklearn.datasets import make_moons

    x, y = make_moons(n_samples=400, noise=0.05, random_state=0)
    result = lpkit.propagate(x, lpkit.split_labels(y, 0.02, seed=0), engine="sklearn", max_iter=1)
    assert "propagation did not converge in 1 iterations" in result["warnings"]


def test_dense_rbf_refused_above_ten_thousand_points():
    x = np.zeros((10_001, 2))
    with pytest.raises(lpkit.DemoError, match="refused above 10,000 points") as caught:
        lpkit.propagate(x, np.full(10_001, -1), graph="rbf")
    assert caught.value.exit_code == 2


# -- real-data loaders on small files written here ----------------------------------------------------

@pytest.fixture
def image_folder(tmp_path) -> Path:
    from PIL import Image

    root = tmp_path / "images"
    for name, vertical in (("horizontal", False), ("vertical", True)):
        (root / name).mkdir(parents=True)
        for i in range(12):
            Image.fromarray(bars(vertical, i % 6 + 1)).save(root / name / f"{i}.png")
    (root / "unlabeled").mkdir()
    for i in range(6):
        Image.fromarray(bars(i % 2 == 0, i + 1)).save(root / "unlabeled" / f"u{i}.png")
    return root


@pytest.mark.slow
def test_cnn_reads_an_image_folder_with_unlabeled_images(image_folder, tmp_path, capsys):
    _, printed = run_main("cnn", ["--quick", "--device", "cpu", "--data", str(image_folder), "--image-size", "8",
                                  "--labeled", "0.5", "--output", str(tmp_path / "out.csv")], capsys)
    assert printed["n_samples"] == 30 and printed["n_unlabeled"] == 6 and printed["n_classes"] == 2
    assert printed["labels"]["given"] == printed["labels"]["used"] == 24  # --labeled 0.5 does not thin the user's labels
    assert "--labeled applies to built-in data only and was ignored: every label you gave is used" in printed["notes"]
    rows = list(csv.DictReader(open(printed["files"]["csv"], newline="")))
    unlabeled = [r for r in rows if r["role"] == "unlabeled"]
    assert len(unlabeled) == 6 and all(r["predicted_label"] in {"horizontal", "vertical"} for r in unlabeled)
    assert sorted(r["path"] for r in unlabeled) == [f"unlabeled/u{i}.png" for i in range(6)]


def test_image_folder_with_one_class_is_a_data_error(tmp_path):
    (tmp_path / "only").mkdir()
    with pytest.raises(lpkit.DemoError, match="found 0 class folder") as caught:
        importlib.import_module("dlguide.demos.cnn").main(["--data", str(tmp_path), "--device", "cpu"])
    assert caught.value.kind == "data"


def test_torchvision_dataset_without_download_is_a_clear_error(tmp_path):
    with pytest.raises(lpkit.DemoError, match=r"dataset mnist not found in .* \(add --download to fetch it\)"):
        importlib.import_module("dlguide.demos.cnn").main(["--dataset", "mnist", "--data-root", str(tmp_path), "--device", "cpu"])


@pytest.mark.slow
def test_rnn_reads_a_csv_whose_empty_labels_are_unlabeled(tmp_path, capsys):
    path = tmp_path / "seqs.csv"
    rng = np.random.default_rng(0)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for i in range(80):
            up = i % 2 == 0
            writer.writerow([" ".join(sorted(rng.choice(list("abcdefgh"), 6), reverse=not up)), ("" if i >= 70 else ("up" if up else "down"))])
    _, printed = run_main("rnn", ["--quick", "--device", "cpu", "--data", str(path), "--labeled", "0.3"], capsys)
    assert printed["n_samples"] == 80 and printed["n_unlabeled"] == 10 and printed["n_classes"] == 2
    assert printed["labels"]["given"] == printed["labels"]["used"] == 70
    assert printed["estimate"]["embeddings"]["mean"] > 0.5 and printed["accuracy"]["embeddings"] is None  # no hidden truth


@pytest.mark.slow
def test_mlp_reads_a_numeric_csv(tmp_path, capsys):
    from sklearn.datasets import load_iris

    data = load_iris()
    path = tmp_path / "iris.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*data.feature_names, "label"])
        for i, (row, target) in enumerate(zip(data.data, data.target)):
            writer.writerow([*row, "" if i % 10 == 9 else data.target_names[target]])
    _, printed = run_main("mlp", ["--quick", "--device", "cpu", "--data", str(path)], capsys)
    assert printed["n_samples"] == 150 and printed["n_unlabeled"] == 15
    assert printed["estimate"]["raw_baseline"]["mean"] > 0.8 and printed["estimate"]["embeddings"]["mean"] > 0.6


def test_mlp_csv_without_a_usable_feature_is_a_data_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("size,label\nbig,a\n3,b\n")
    with pytest.raises(lpkit.DemoError, match=r"bad.csv: no column holds numbers or a few categories \(column 'size' left out"):
        importlib.import_module("dlguide.demos.mlp").main(["--data", str(path), "--device", "cpu"])


@pytest.mark.slow
def test_gnn_reads_an_edge_list_and_node_table(tmp_path, capsys):
    data = importlib.import_module("dlguide.demos.lpdata").block_model(200, seed=1)
    features, edges, labels = data.x, data.edges, data.labels
    nodes = tmp_path / "nodes.csv"
    with nodes.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "label", *[f"f{j}" for j in range(features.shape[1])]])
        for i, (row, label) in enumerate(zip(features, labels)):
            writer.writerow([f"n{i}", "" if i < 20 else f"team{label}", *row])
    (tmp_path / "edges.txt").write_text("source target\n" + "\n".join(f"n{a} n{b}" for a, b in edges) + "\n")
    _, printed = run_main("gnn", ["--quick", "--device", "cpu", "--edges", str(tmp_path / "edges.txt"), "--nodes", str(nodes)], capsys)
    assert printed["n_samples"] == 200 and printed["n_unlabeled"] == 20
    assert printed["estimate"]["embeddings"]["mean"] > printed["estimate"]["raw_baseline"]["mean"]


def test_gnn_edge_to_unknown_node_is_a_data_error(tmp_path):
    (tmp_path / "nodes.csv").write_text("id,label\na,x\nb,y\n")
    (tmp_path / "edges.txt").write_text("a b\na zzz\n")
    with pytest.raises(lpkit.DemoError, match=r"edges.txt:2: expected two node ids"):
        importlib.import_module("dlguide.demos.gnn").main(["--edges", str(tmp_path / "edges.txt"), "--nodes", str(tmp_path / "nodes.csv"), "--device", "cpu"])


def test_training_progress_is_a_bar_on_a_terminal_and_quarter_lines_in_a_log(monkeypatch, capsys):
    class Terminal:
        def __init__(self):
            self.text = ""

        def isatty(self):
            return True

        def write(self, text):
            self.text += text

        def flush(self):
            pass

    for done in range(1, 9):
        lpkit.advance("mlp: training", done, 8, loss=0.5)
    logged = capsys.readouterr().err.splitlines()
    assert logged == [f"mlp: training {n}/8, loss 0.500" for n in (2, 4, 6, 8)]
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    for done in range(1, 9):
        lpkit.advance("mlp: training", done, 8, loss=0.5)
    assert terminal.text.count("\r") == 8
    assert terminal.text.endswith("[########################] 8/8, loss 0.500\x1b[K\n")


def test_a_default_png_never_overwrites_a_file_the_user_had(tmp_path, monkeypatch):
    import torch
    from PIL import Image

    from dlguide.demos import lpplot

    monkeypatch.chdir(tmp_path)
    (tmp_path / "gan_samples.png").write_text("mine")
    written = lpplot.save_grid(torch.rand(4, 1, 8, 8), None, "gan_samples.png", nrow=4)
    assert written == "gan_samples-1.png"
    assert (tmp_path / "gan_samples.png").read_text() == "mine"
    with Image.open(tmp_path / "gan_samples-1.png") as picture:  # 8 px samples drawn 64 px wide, four a row
        assert picture.format == "PNG" and picture.size[0] >= 4 * 64
    asked = lpplot.save_grid(torch.rand(4, 1, 8, 8), str(tmp_path / "grid.png"), "gan_samples.png")
    assert asked.endswith("grid.png")


def test_zero_rounds_is_a_usage_error(demo_cli):
    code, out, err = demo_cli("run-demo", "mlp", "--rounds", "0")
    assert code == 2 and out == ""
    assert err.strip() == "dlguide: error: mlp demo: --rounds: expected a whole number from 1 to 1,000,000,000, got '0'"
