"""dlguide scaffold: plans the right files, refuses to overwrite, and every copy runs without dlguide."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dlguide.demos.lpfiles import WriteRefused
from dlguide.projects import scaffold
from registry import DEMO_FAMILIES, choice, needs_demos
FILES = ["demo.py", *scaffold.HELPERS, "README.md", "requirements.txt"]  # the helpers: one list, in scaffold


@pytest.fixture
def no_dlguide(tmp_path) -> dict:
    """An environment where ``import dlguide`` fails, to prove a scaffolded copy does not need it."""
    blocker = tmp_path / "blocker" / "dlguide"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('a scaffolded demo must not import dlguide')\n")
    return {**os.environ, "PYTHONPATH": str(blocker.parent)}


def test_plan_copies_the_demo_and_pins_torch():
    plan = scaffold.plan(choice("cnn"), Path("out"))
    assert [f.path.name for f in plan.files] == FILES
    demo = plan.files[0].content
    assert demo == (scaffold.DEMOS_DIR / "cnn.py").read_text()  # run-demo and the copy run the same code
    assert "import dlguide" not in demo and "from dlguide" not in demo
    requirements = plan.files[-1].content.splitlines()
    assert requirements[:2] == ["torch==2.14.1", "torchvision==0.29.1"]
    assert {"numpy", "pillow", "matplotlib"} <= set(requirements) and any(r.startswith("scikit-learn") for r in requirements)
    readme = plan.files[FILES.index("README.md")].content
    assert "python demo.py --quick" in readme and "--device" in readme
    assert "python demo.py --data photos --output predictions.csv" in readme  # a run on the user's own folder
    for helper in scaffold.HELPERS:  # every helper the demos import is copied, unchanged
        assert plan.files[FILES.index(helper)].content == (scaffold.DEMOS_DIR / helper).read_text()


def test_dry_run_writes_nothing(demo_cli, tmp_path):
    target = tmp_path / "project"
    code, out, _ = demo_cli("scaffold", "lstm", target, "--dry-run")
    assert code == 0
    assert out.splitlines() == [f"would create {target / name}" for name in FILES]
    assert not target.exists()


def test_dry_run_json_lists_the_files(demo_cli, tmp_path):
    code, out, _ = demo_cli("scaffold", "gnn", tmp_path / "p", "--dry-run", "--json")
    result = json.loads(out)
    assert code == 0 and result["family"] == "gnn" and result["written"] == []
    assert [Path(f["path"]).name for f in result["files"]] == FILES


def test_refuses_a_non_empty_folder_and_force_keeps_user_files(demo_cli, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    code, out, err = demo_cli("scaffold", "mlp", tmp_path)
    assert code == 1 and out == ""
    assert err.strip() == f"dlguide: error: scaffold: {tmp_path} is not empty; choose a new folder, or add --force to write into it"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    code, _, _ = demo_cli("scaffold", "mlp", tmp_path, "--force")
    assert code == 0
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*FILES, "notes.txt"])


def test_write_refuses_a_file_in_the_way(tmp_path):
    (tmp_path / "taken").write_text("x")
    with pytest.raises(WriteRefused, match="is a file, not a folder"):
        scaffold.write(scaffold.plan(choice("cnn"), tmp_path / "taken"), force=True)
    assert (tmp_path / "taken").read_text() == "x"


@pytest.mark.parametrize("empty", ["", "  "])
def test_an_empty_folder_name_is_never_the_current_folder(demo_cli, tmp_path, monkeypatch, empty):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text("mine")
    code, out, err = demo_cli("scaffold", "mlp", empty, "--force")
    assert (code, out) == (1, "")
    assert err == "dlguide: error: scaffold: an empty path names nothing; give a name (for example my-demo)\n"
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"] and (tmp_path / "README.md").read_text() == "mine"


def test_dry_run_tells_create_and_overwrite_apart(demo_cli, tmp_path):
    (tmp_path / "README.md").write_text("mine")
    (tmp_path / "notes.txt").write_text("mine too")
    code, out, _ = demo_cli("scaffold", "mlp", tmp_path, "--dry-run", "--force")
    assert code == 0
    assert out.splitlines() == [f"would {'overwrite' if name == 'README.md' else 'create'} {tmp_path / name}" for name in FILES]
    code, out, _ = demo_cli("scaffold", "mlp", tmp_path, "--dry-run", "--force", "--json")
    actions = {Path(f["path"]).name: f["action"] for f in json.loads(out)["files"]}
    assert actions == {name: "overwrite" if name == "README.md" else "create" for name in FILES}
    assert (tmp_path / "README.md").read_text() == "mine" and sorted(p.name for p in tmp_path.iterdir()) == ["README.md", "notes.txt"]
    # Without --force the dry run refuses as the real run would: it predicts, it does not pretend.
    code, out, err = demo_cli("scaffold", "mlp", tmp_path, "--dry-run")
    assert (code, out) == (1, "") and "is not empty" in err


def test_an_unwritable_folder_is_refused_before_any_file_is_written(demo_cli, tmp_path):
    locked = _unwritable_folder(tmp_path)
    code, out, err = demo_cli("scaffold", "mlp", locked / "project")
    assert (code, out) == (1, "")
    assert err.startswith("dlguide: error: scaffold: cannot write ") and err.rstrip().endswith("is not writable; choose another place")
    assert err.count("\n") == 1


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot write: a read-only one, or for root (who may write anywhere) /proc/1."""
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        return locked
    if not os.access("/proc/1", os.W_OK):
        return Path("/proc/1")
    pytest.skip("no folder here is read-only for root")


def test_unknown_family_suggests(demo_cli, tmp_path):
    code, _, err = demo_cli("scaffold", "ganz", tmp_path / "x")
    assert code == 2 and "did you mean 'gan'?" in err


@pytest.mark.slow
@pytest.mark.parametrize("family", DEMO_FAMILIES)
def test_scaffolded_copy_runs_quick_without_dlguide(family, tmp_path, no_dlguide):
    target = tmp_path / f"dlguide-{family}-demo"
    scaffold.write(scaffold.plan(choice(family), target))
    done = subprocess.run([sys.executable, "demo.py", "--quick", "--json", "--device", "cpu"],
                          cwd=target, env=no_dlguide, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["family"] == family
    assert result["accuracy"]["embeddings"] > result["chance"]
    if "png" in result["files"]:
        assert (target / result["files"]["png"]).is_file()


@needs_demos
def test_scaffolded_copy_reports_bad_usage_in_one_line(tmp_path, no_dlguide):
    scaffold.write(scaffold.plan(choice("gnn"), tmp_path / "project"))
    done = subprocess.run([sys.executable, "demo.py", "--labeled", "2"], cwd=tmp_path / "project", env=no_dlguide, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip() == "error: gnn demo: --labeled: expected a fraction between 0 and 1 (above 0), got '2'"


def test_scaffolding_a_cell_name_runs_that_cell(demo_cli, tmp_path):
    code, out, _ = demo_cli("scaffold", "gru", tmp_path / "gru-demo")
    assert code == 0
    assert out.strip().endswith("python demo.py --quick --cell gru")
    assert "python demo.py --quick --cell gru" in (tmp_path / "gru-demo" / "README.md").read_text()


@pytest.mark.slow
def test_scaffolded_copy_runs_on_the_users_own_csv(tmp_path, no_dlguide):
    target = tmp_path / "project"
    scaffold.write(scaffold.plan(choice("mlp"), target))
    lines = ["flower,a,b,label"] + [f"f{i},{i % 2 * 5 + i * 0.01},{i % 2 * 3 - i * 0.02},{('wide', 'tall')[i % 2] if i < 24 else ''}" for i in range(30)]
    (target / "mine.csv").write_text("\n".join(lines) + "\n")
    done = subprocess.run([sys.executable, "demo.py", "--data", "mine.csv", "--id-column", "flower", "--output", "predictions.csv",
                           "--quick", "--json", "--device", "cpu"], cwd=target, env=no_dlguide, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["labels"]["given"] == result["labels"]["used"] == 24 and result["estimate"]["model_refit_per_fold"]
    rows = (target / "predictions.csv").read_text().splitlines()
    assert rows[0].startswith("flower,role,given_label,predicted_label") and [r.split(",")[0] for r in rows[1:]] == [f"f{i}" for i in range(30)]
    assert (target / "mlp_map.png").is_file()
    again = subprocess.run([sys.executable, "demo.py", "--data", "mine.csv", "--output", "predictions.csv"], cwd=target, env=no_dlguide,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 1 and "predictions.csv already exists; choose another name, or add --force" in again.stderr  # as dlguide's own refusals
