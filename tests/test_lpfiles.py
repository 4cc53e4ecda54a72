"""The write rule every output goes through: refuse what would lose a user's file, before any work."""

import os

import pytest

from dlguide.demos.lpfiles import WriteRefused, check_file, check_folder, free_path, plan, write_text


def test_new_file_in_a_new_folder_is_allowed(tmp_path):
    assert check_file(tmp_path / "new" / "out.csv") == tmp_path / "new" / "out.csv"


@pytest.mark.parametrize("empty", ["", "   ", None])
def test_an_empty_path_is_never_the_current_folder(empty):
    with pytest.raises(WriteRefused, match="empty path"):
        check_file(empty)
    with pytest.raises(WriteRefused, match="empty path"):
        check_folder(empty, force=True)


def test_an_existing_file_needs_force(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("mine")
    with pytest.raises(WriteRefused, match="already exists; choose another name, or add --force"):
        check_file(target)
    assert check_file(target, force=True) == target
    assert target.read_text() == "mine"  # checking never writes


def test_an_input_is_never_written_onto_even_with_force(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("a,b\n")
    with pytest.raises(WriteRefused, match="also an input"):
        check_file(tmp_path / "." / "data.csv", force=True, inputs=[data])


def test_a_folder_where_a_file_is_expected_and_the_reverse(tmp_path):
    with pytest.raises(WriteRefused, match="is a folder"):
        check_file(tmp_path, force=True)
    afile = tmp_path / "f"
    afile.write_text("x")
    with pytest.raises(WriteRefused, match="is a file, not a folder"):
        check_folder(afile, force=True)
    with pytest.raises(WriteRefused, match="is a file, not a folder"):
        check_file(afile / "out.csv")


def test_a_non_empty_folder_needs_force(tmp_path):
    (tmp_path / "README.md").write_text("mine")
    with pytest.raises(WriteRefused, match="not empty"):
        check_folder(tmp_path)
    assert check_folder(tmp_path, force=True) == tmp_path


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere, so a read-only folder cannot be made")
def test_an_unwritable_folder_is_refused_before_any_work(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(WriteRefused, match="not writable"):
            check_file(locked / "out.csv")
    finally:
        locked.chmod(0o700)


def test_plan_tells_create_and_overwrite_apart(tmp_path):
    old = tmp_path / "old.txt"
    old.write_text("x")
    planned = plan([tmp_path / "new.txt", old], force=True)
    assert planned == {"create": [tmp_path / "new.txt"], "overwrite": [old]}


def test_free_path_and_atomic_write(tmp_path):
    first = tmp_path / "map.png"
    assert free_path(first) == first
    first.write_text("x")
    assert free_path(first) == tmp_path / "map-1.png"
    written = write_text(tmp_path / "sub" / "a.txt", "hello")
    assert written.read_text() == "hello"
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["a.txt"]  # no temporary left behind


def test_write_new_never_replaces_a_file(tmp_path):
    from dlguide.demos.lpfiles import write_new

    target = tmp_path / "sub" / "families" / "cnn.yaml"
    assert write_new(target, "first") is True
    assert write_new(target, "second") is False
    assert target.read_text() == "first"


def test_a_replaced_file_keeps_its_mode_and_a_new_one_gets_the_umask(tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text("old")
    mine.chmod(0o640)
    write_text(mine, "new")
    assert (mine.read_text(), mine.stat().st_mode & 0o777) == ("new", 0o640)
    mask = os.umask(0o027)
    try:
        fresh = write_text(tmp_path / "fresh.txt", "x")
    finally:
        os.umask(mask)
    assert fresh.stat().st_mode & 0o777 == 0o640  # 0666 less the umask, not mkstemp's private 0600


@pytest.mark.parametrize("what, example, expected", [
    ("--save", "profile.yaml", "--save: an empty path names nothing; give a name (for example profile.yaml)"),
    ("--output", None, "--output: an empty path names nothing; give a name (for example output.csv)"),
])
def test_an_empty_path_error_names_the_option_and_an_example(what, example, expected):
    with pytest.raises(WriteRefused) as refused:
        check_file("", what=what, example=example)
    assert refused.value.message == expected
