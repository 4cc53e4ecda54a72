"""Files as people really have them. Tables: categories in words, empty and "NA" cells, a column of names,
semicolons and decimal commas, a file saved by a spreadsheet on Windows. Image folders: photos in
subfolders of a class folder, "unlabelled" spelt the British way, a truncated download. The demos read
them, use every label they can, and say in their notes what they filled, expanded or left out.
"""

from __future__ import annotations

import csv
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("torch", reason="the demos extra (torch, numpy, scikit-learn) is not installed")

import numpy as np  # noqa: E402  (after the skip: a core install has no numpy)

from dlguide.demos import lpdata, lpkit, lptable  # noqa: E402
from pictures import bars  # noqa: E402


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the demo's map goes to the current folder


def passengers(count: int = 120) -> tuple[list, list, dict]:
    """A passenger list: the class follows sex and fare; ages and ports have gaps; every name differs."""
    rng = np.random.default_rng(3)
    header = ["PassengerId", "Name", "Sex", "Age", "Fare", "Embarked", "Survived"]
    rows, given = [], {}
    for i in range(count):
        sex = ["female", "male"][i % 2]
        survived = "yes" if (sex == "female") != (i % 7 == 0) else "no"
        label = survived if i % 3 else ""
        age = "" if i % 5 == 0 else ("NA" if i % 11 == 0 else str(int(rng.integers(1, 80))))
        fare = f"{(60 if sex == 'female' else 15) + rng.normal(0, 5):.2f}"
        rows.append([f"P{i:03d}", f"Passenger, Mx. {i}", sex, age, fare, "CQS"[i % 3] if i % 9 else "", label])
        given[f"P{i:03d}"] = label
    return header, rows, given


def test_a_passenger_list_runs_with_every_label_and_says_what_it_did(demo_cli, tmp_path):
    header, rows, given = passengers()
    with (tmp_path / "train.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    code, out, err = demo_cli("run-demo", "mlp", "--data", tmp_path / "train.csv", "--label-column", "Survived",
                              "--id-column", "PassengerId", "--output", tmp_path / "out.csv", "--device", "cpu",
                              "--quick", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["labels"]["given"] == result["labels"]["used"] == sum(1 for label in given.values() if label)
    notes = "\n".join(result["notes"])
    assert "column 'Name' left out: neither numbers nor a few categories (120 different values" in notes
    assert "column 'Sex': 2 categories (female, male), one 0/1 column each" in notes
    assert "column 'Embarked': 3 categories (C, Q, S), one 0/1 column each; 14 empty cells in none of them" in notes
    missing_ages = sum(1 for row in rows if row[3] in ("", "NA"))
    assert f"column 'Age': {missing_ages} missing cells of 120 filled with its median" in notes
    with (tmp_path / "out.csv").open(newline="") as handle:
        written = {row["PassengerId"]: row for row in csv.DictReader(handle)}
    assert set(written) == set(given)  # every passenger, by the id the file gave
    assert all(written[item]["given_label"] == label for item, label in given.items())
    assert result["estimate"]["embeddings"]["mean"] > 0.75  # sex and fare tell the classes apart


def test_semicolons_decimal_commas_and_windows_1252_are_read_as_numbers(demo_cli, tmp_path):
    lines = ["Größe;Gewicht;Sorte"] + [f"{1 + i % 2},{i};{20 + 10 * (i % 2)},5;{'Äpfel' if i % 2 else 'Birnen'}"
                                       for i in range(20)]
    path = tmp_path / "obst.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    code, out, err = demo_cli("run-demo", "mlp", "--data", path, "--label-column", "Sorte", "--device", "cpu",
                              "--quick", "--json", "--output", tmp_path / "out.csv")
    assert code == 0, err
    result = json.loads(out)
    assert f"{path}: not UTF-8, read as Windows-1252" in result["notes"]
    assert f"{path}: columns separated by semicolons" in result["notes"]
    assert not any("left out" in note or "categor" in note for note in result["notes"])  # "1,3" is 1.3, a number
    with (tmp_path / "out.csv").open(newline="", encoding="utf-8") as handle:
        assert {row["given_label"] for row in csv.DictReader(handle)} == {"Äpfel", "Birnen"}


def test_columns_become_numbers_by_what_their_cells_hold():
    header = ["size", "colour", "note", "age", "blank"]
    rows = [["1.5", "red", "first", "30", ""], ["2.5", "blue", "second", "NA", ""], ["", "red", "third", "50", "na"],
            ["4", "", "fourth", "unknown", ""]] + [[str(i), "blue", f"n{i}", str(i), ""] for i in range(40)]
    x, names, notes = lptable.encode(header, rows, header)
    assert names == ["size", "size missing", "colour=blue", "colour=red", "age", "age missing"]
    assert x.shape == (44, 6) and x.dtype == np.float32
    assert x[2, 0] == pytest.approx(np.median([1.5, 2.5, 4] + list(range(40)))) and x[2, 1] == 1 and x[0, 1] == 0
    assert list(x[3, 2:4]) == [0, 0]  # an empty category is in none of the columns
    assert x[1, 5] == 1 and x[3, 5] == 1  # "NA" and a stray word are missing ages
    assert any("'unknown'" in note for note in notes)
    assert "column 'blank' has no values: left out" in notes
    assert any(note.startswith("column 'note' left out") and "--id-column" in note for note in notes)


def test_dates_become_days_and_a_column_of_one_value_is_left_out():
    header = ["laid", "site", "weight"]
    rows = [["2007-11-09", "Anvers", "3.1"], ["2007-11-19", "Anvers", "3.4"], ["", "Anvers", "2.9"],
            ["2008/1/8 12:00", "Anvers", "3.0"]]
    x, names, notes = lptable.encode(header, rows, header)
    assert names == ["laid", "laid missing", "weight"]
    assert list(x[:, 0]) == [0.0, 10.0, 10.0, 60.5] and list(x[:, 1]) == [0, 0, 1, 0]  # the gap takes the median
    assert "column 'laid': dates, read as days since 2007-11-09" in notes
    assert "column 'site' holds one value (Anvers) in every row: left out, it tells no row from another" in notes
    day_first, _, kept_as_words = lptable.encode(["when"], [["01/02/2020"], ["02/01/2020"], ["01/02/2020"], ["02/01/2020"]], ["when"])
    assert day_first.shape == (4, 2) and "2 categories" in kept_as_words[0]  # 01/02: January or February? not a date


def test_a_table_without_numbers_or_categories_is_one_line(demo_cli, tmp_path):
    (tmp_path / "names.csv").write_text("name,label\nAnn,x\nBob,y\nCem,\n")
    code, out, err = demo_cli("run-demo", "mlp", "--data", tmp_path / "names.csv", "--device", "cpu")
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"dlguide: error: {tmp_path / 'names.csv'}: no column holds "
                                                   "numbers or a few categories (column 'name' left out")


def test_a_node_table_with_a_category_column_feeds_the_graph_demo(demo_cli, tmp_path):
    rows = ["id;team;role;score"] + [f"n{i};{'ab'[i % 2] if i % 2 or i % 4 == 0 else ''};{'xy'[i % 2]};{i % 2},5"
                                     for i in range(24)]
    (tmp_path / "nodes.csv").write_text("\n".join(rows) + "\n")
    edges = ["source;target;weight"] + [f"n{i};n{(i + 2) % 24};1.0" for i in range(24)]  # as a spreadsheet exports it
    (tmp_path / "edges.txt").write_text("\n".join(edges) + "\n")
    code, out, err = demo_cli("run-demo", "gnn", "--nodes", tmp_path / "nodes.csv", "--edges", tmp_path / "edges.txt",
                              "--label-column", "team", "--device", "cpu", "--quick", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert "column 'role': 2 categories (x, y), one 0/1 column each" in result["notes"]
    assert result["labels"]["given"] == result["labels"]["used"] == 18


def test_an_image_folder_as_people_keep_one(tmp_path):
    from PIL import Image

    for name, vertical in (("horizontal", False), ("vertical", True)):
        for i in range(6):
            folder = tmp_path / "photos" / name / ("2024" if i % 2 else "")  # some in a year's subfolder
            folder.mkdir(parents=True, exist_ok=True)
            Image.fromarray(bars(vertical, i + 1)).save(folder / f"{name[0]}{i}.JPG")
    (tmp_path / "photos" / "Unlabelled").mkdir()
    for i in range(4):
        Image.fromarray(bars(i % 2 == 1, i + 1)).save(tmp_path / "photos" / "Unlabelled" / f"u{i}.png")
    (tmp_path / "photos" / "vertical" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    data = lpdata.image_folder(str(tmp_path / "photos"), size=8)
    assert data.classes == ["horizontal", "vertical"]  # "Unlabelled" is not a class
    assert len(data.items) == 16 and "horizontal/2024/h1.JPG" in data.items and "Unlabelled/u0.png" in data.items
    assert int((data.labels == -1).sum()) == 4 and int((data.labels >= 0).sum()) == 12
    assert any(note.startswith("left out 1 image(s) that cannot be read: vertical/broken.jpg") for note in data.notes)


def test_a_tab_separated_text_file_is_read_by_words_not_by_their_punctuation(tmp_path):
    path = tmp_path / "reviews.tsv"
    path.write_text("review\tsentiment\nGreat movie!\tpos\ngreat movie, truly\tpos\nDull.\tneg\ndull and long\t\n")
    data = lpdata.sequence_csv(str(path), "review", "sentiment")
    assert f"{path}: columns separated by tabs" in data.notes
    assert data.vocab == 1 + len({"great", "movie", "!", ",", "truly", "dull", ".", "and", "long"})
    assert data.x[0, 0] == data.x[1, 0] and data.x[2, 0] == data.x[3, 0]  # "Great" is "great", "Dull." is "dull"
    assert list(data.labels) == [1, 1, 0, -1] and data.items == ["1", "2", "3", "4"]


def test_a_16_bit_scan_keeps_its_contrast(tmp_path):
    from PIL import Image

    for name, vertical in (("normal", False), ("finding", True)):
        (tmp_path / "scans" / name).mkdir(parents=True)
        for i in range(3):
            scan = (1000 + bars(vertical, i + 1).astype(np.uint16) // 255 * 3000).astype(np.uint16)  # 12-bit values
            Image.fromarray(scan).save(tmp_path / "scans" / name / f"{i}.png")
    assert Image.open(tmp_path / "scans" / "normal" / "0.png").mode.startswith("I")
    data = lpdata.image_folder(str(tmp_path / "scans"), size=8)
    assert data.x.shape[1] == 1 and data.x.min() == 0.0 and data.x.max() == 1.0
    assert 0.05 < float(data.x.mean()) < 0.95  # not clipped to white


def test_a_workbook_is_refused_by_what_it_is_and_excel_unicode_text_is_read(demo_cli, tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "sales.xlsx", "w") as book:  # what an .xlsx is: a zip of XML parts
        book.writestr("xl/workbook.xml", "<workbook/>")
    code, out, err = demo_cli("run-demo", "mlp", "--data", tmp_path / "sales.xlsx", "--device", "cpu")
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert "a spreadsheet workbook, not a CSV; save the sheet as CSV" in err
    lines = ["size\tshape\tlabel"] + [f"{i % 2 + 0.1 * i}\t{'round' if i % 2 else 'flat'}\t{'ab'[i % 2] if i < 16 else ''}"
                                      for i in range(20)]
    (tmp_path / "unicode.txt").write_bytes("\r\n".join(lines).encode("utf-16"))  # Excel's "Unicode text": a BOM, tabs
    table = lpdata.table_csv(str(tmp_path / "unicode.txt"), "label")
    assert table.x.shape == (20, 3) and list(table.labels[:4]) == [0, 1, 0, 1] and table.classes == ["a", "b"]
    assert f"{tmp_path / 'unicode.txt'}: read as UTF-16" in table.notes


CELLS = st.sampled_from(["1", "2.5", "-3", "1e3", "", "NA", "?", "nan", "inf", "red", "blue", "Ärger", "3,5", '"a,b"',
                         "x" * 30, " ", "0", "1 000", "True", "🙂", "2020-01-02", "2020/13/45 10:00", "1999-02-30"])
SEPARATORS = st.sampled_from([",", ";", "\t", "|"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(width=st.integers(1, 5), cells=st.lists(CELLS, max_size=60), separator=SEPARATORS,
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]), raw=st.binary(max_size=64))
def test_any_table_reads_or_is_refused_in_one_line(tmp_path, width, cells, separator, encoding, raw):
    """Whatever a table holds, it is read as numbers or refused with the demos' own error: never a traceback."""
    rows = [["label"] + [f"c{k}" for k in range(width - 1)]]
    rows += [cells[at:at + width] for at in range(0, len(cells), width)]
    text = "\n".join(separator.join(row) for row in rows)
    path = tmp_path / "any.csv"
    for content in (text.encode(encoding, errors="replace"), raw):
        path.write_bytes(content)
        try:
            data = lpdata.table_csv(str(path), "label")
        except lpkit.DemoError as exc:
            assert "\n" not in str(exc)
            continue
        assert data.x.dtype == np.float32 and len(data.x) == len(data.labels) and np.isfinite(data.x).all()


def test_a_downloaded_set_split_into_train_valid_and_test_is_one_set(tmp_path):
    from PIL import Image

    root = tmp_path / "currency"
    for split, count in (("train", 4), ("valid", 2)):
        for name, vertical in (("five", False), ("ten", True)):
            (root / split / name).mkdir(parents=True)
            for i in range(count):
                Image.fromarray(bars(vertical, i + 1)).save(root / split / name / f"{i}.png")
    (root / "test" / "images").mkdir(parents=True)  # the test split without labels, as competitions give it
    for i in range(3):
        Image.fromarray(bars(i % 2 == 1, i + 2)).save(root / "test" / "images" / f"t{i}.png")
    Image.fromarray(bars(True, 3)).save(root / "test" / "loose.png")
    data = lpdata.image_folder(str(root), size=8)
    assert data.classes == ["five", "ten"]  # not "train", "valid" and "test"
    assert len(data.items) == 16 and int((data.labels >= 0).sum()) == 12
    assert {data.items[k] for k in np.flatnonzero(data.labels < 0)} == {"test/images/t0.png", "test/images/t1.png",
                                                                         "test/images/t2.png", "test/loose.png"}
    assert "test/images/ is a class in no other split: read as unlabeled" in data.notes
    assert any(note.startswith("read test/, train/, valid/ as parts of one set") for note in data.notes)


def test_reviews_with_a_large_vocabulary_are_compared_on_a_bag_of_words(demo_cli, tmp_path):
    rng = np.random.default_rng(0)
    words = [f"w{k}" for k in range(6000)]
    with (tmp_path / "reviews.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["review", "stars"])
        for i in range(300):
            mood = ["great", "awful"][i % 2]
            text = " ".join([mood, *rng.choice(words, size=int(rng.integers(40, 120)))])
            writer.writerow([text, ["good", "bad"][i % 2] if i % 4 < 2 else ""])
    data = lpdata.sequence_csv(str(tmp_path / "reviews.csv"), "review", "stars")
    raw = lpdata.raw_sequences(data)
    # one-hot by position would have been 300 x length x vocabulary numbers: here 300 x 4096 at most
    assert data.vocab > 5000 and raw.shape == (300, lpdata.RAW_WORDS)
    assert np.allclose(np.linalg.norm(raw, axis=1), 1.0)
    code, out, err = demo_cli("run-demo", "rnn", "--data", tmp_path / "reviews.csv", "--text-column", "review",
                              "--label-column", "stars", "--device", "cpu", "--quick", "--json")
    assert code == 0, err
    assert json.loads(out)["labels"]["used"] == 150
