"""No command changes a file the user did not name as an output, nor replaces a named one without --force.

A folder of the user's own files is checksummed around every command that writes; the difference must
be exactly the outputs the command was asked for.
"""

from __future__ import annotations

import os
import stat

import pytest

from dlguide.projects import scaffold

from sweep_support import changed, checksums, make_user_folder


@pytest.fixture
def user(tmp_path, monkeypatch):
    folder = make_user_folder(tmp_path / "user")
    monkeypatch.chdir(folder)
    return folder


PLAN = ["demo.py", *scaffold.HELPERS, "README.md", "requirements.txt"]
IMG = ["--data", "image", "--task", "classify"]


def writes(cli, user, *args) -> tuple[int, list[str], str]:
    """Run ``dlguide ARGS`` in the user's folder: its exit code, what changed there, and stderr."""
    before = checksums(user)
    result = cli(*[str(a).replace("{user}", str(user)) for a in args])
    return result.code, changed(before, checksums(user)), result.stderr


def test_reading_commands_change_nothing(cli, user):
    for args in (["list"], ["show", "cnn"], ["compare", "cnn", "rnn"], ["kb", "validate", "{user}/kb"],
                 ["recommend", *IMG], ["recommend", "--answers", "{user}/profile.yaml", "--json"],
                 ["list", "--kb", "{user}/kb"], ["scaffold", "mlp", "{user}/p", "--dry-run"],
                 ["scaffold", "mlp", "{user}", "--dry-run", "--force"]):
        code, touched, err = writes(cli, user, *args)
        assert (code, touched) == (0, []), (args, err)


def test_recommend_save_writes_only_the_named_file(cli, user):
    assert writes(cli, user, "recommend", *IMG, "--save", "{user}/mine.yaml")[:2] == (0, ["mine.yaml"])
    assert writes(cli, user, "recommend", *IMG, "--save", "{user}/mine.yaml")[:2] == (1, [])
    assert writes(cli, user, "recommend", *IMG, "--save", "{user}/config.yaml")[:2] == (1, [])
    assert writes(cli, user, "recommend", *IMG, "--save", "{user}/config.yaml", "--json")[:2] == (1, [])
    assert writes(cli, user, "recommend", "--answers", "{user}/profile.yaml", "--save", "{user}/profile.yaml", "--force")[:2] == (1, [])
    (user / "profile.yaml").chmod(0o640)
    code, touched, _ = writes(cli, user, "recommend", "--data", "text", "--task", "classify", "--save", "{user}/profile.yaml", "--force")
    assert (code, touched) == (0, ["profile.yaml"])
    assert "data: text" in (user / "profile.yaml").read_text()
    assert stat.S_IMODE((user / "profile.yaml").stat().st_mode) == 0o640  # replaced, but still the user's file


def test_a_new_saved_profile_gets_ordinary_permissions(cli, user):
    mask = os.umask(0o022)
    try:
        assert writes(cli, user, "recommend", *IMG, "--save", "{user}/sub/new.yaml")[:2] == (0, ["sub", "sub/new.yaml"])
    finally:
        os.umask(mask)
    assert stat.S_IMODE((user / "sub" / "new.yaml").stat().st_mode) == 0o644


def test_scaffold_writes_only_its_plan(cli, user):
    code, touched, _ = writes(cli, user, "scaffold", "mlp", "{user}/project")
    assert (code, touched) == (0, sorted(["project", *[f"project/{name}" for name in PLAN]]))
    assert writes(cli, user, "scaffold", "mlp", "{user}/project")[:2] == (1, [])
    assert writes(cli, user, "scaffold", "mlp", "{user}")[:2] == (1, [])
    assert writes(cli, user, "scaffold", "mlp", "")[:2] == (1, [])
    assert writes(cli, user, "scaffold", "mlp", "", "--force")[:2] == (1, [])
    code, touched, _ = writes(cli, user, "scaffold", "mlp", "{user}", "--force")
    assert code == 0 and touched == sorted(PLAN)


def test_scaffold_by_default_adds_one_new_folder_here(cli, user):
    code, touched, _ = writes(cli, user, "scaffold", "gru")
    assert code == 0 and touched == sorted(["dlguide-rnn-demo", *[f"dlguide-rnn-demo/{name}" for name in PLAN]])
    assert writes(cli, user, "scaffold", "gru")[:2] == (1, [])


def test_kb_init_force_only_adds_what_is_missing(cli, user):
    assert writes(cli, user, "kb", "init", "{user}/kb")[:2] == (1, [])
    assert writes(cli, user, "kb", "init", "{user}/kb", "--force")[:2] == (0, [])
    (user / "kb" / "families" / "gan.yaml").unlink()
    code, touched, err = writes(cli, user, "kb", "init", "{user}/kb", "--force")
    assert (code, touched) == (0, ["kb/families/gan.yaml"]), err
    assert (user / "kb" / "families" / "cnn.yaml").read_text().startswith("# my edits\n")
    code, touched, _ = writes(cli, user, "kb", "init", "{user}/fresh")
    assert code == 0 and "fresh/families/cnn.yaml" in touched and all(path.startswith("fresh") for path in touched)


@pytest.mark.slow
def test_run_demo_writes_only_its_named_output_and_a_new_map(cli, user):
    code, touched, err = writes(cli, user, "run-demo", "mlp", "--quick", "--device", "cpu", "--output", "{user}/predictions.csv")
    assert (code, touched) == (0, ["mlp_map.png", "predictions.csv"]), err  # every run draws its map (issue 9), under a free name


@pytest.mark.slow
def test_run_demo_with_a_named_map_writes_only_what_it_was_told(cli, user):
    code, touched, err = writes(cli, user, "run-demo", "mlp", "--quick", "--device", "cpu", "--output", "{user}/predictions.csv",
                                "--map", "{user}/map.png")
    assert (code, touched) == (0, ["map.png", "predictions.csv"]), err
