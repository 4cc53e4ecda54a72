"""The files of ``dlguide propagate``: read the embeddings and the labels, match them, decide and write the output.

Embeddings come as ``.npy`` (N x d), ``.npz`` (its one array, or the one named) or a CSV of numbers with
an optional id column; labels as a CSV with a ``label`` column (an empty cell means unknown) and an
optional ``id`` column. Every problem is a ``DataError`` (exit 1) naming the file, the row or line and
the column, or a ``UsageError`` (exit 2) for a bad option. The output path is checked before any slow
work: never an input of the run, never an existing file without ``--force``, in a folder that exists
and is writable. numpy is imported inside the functions that need it, so that loading this module
costs nothing.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from dlguide.errors import DataError, FileExistsRefusal, UsageError


@dataclass
class Embeddings:
    """The N x d array, the ids (None when the file has none) and where the rows came from."""

    x: object
    ids: Optional[list]
    source: str


@dataclass
class Labels:
    """The label text per labels row ('' = unknown) and the ids (None when the file has no id column)."""

    values: list
    ids: Optional[list]


def read_embeddings(path: Path, *, array: Optional[str] = None, id_column: Optional[str] = None) -> Embeddings:
    """Read ``.npy``, ``.npz`` or ``.csv`` embeddings; the rows must be finite numbers."""
    import numpy as np

    suffix = path.suffix.lower()
    if suffix not in (".npy", ".npz", ".csv"):
        raise UsageError(f"embeddings file {path} must end in .npy, .npz or .csv, not {suffix or 'no extension'!r}")
    if (array and suffix != ".npz") or (id_column and suffix != ".csv"):
        raise UsageError("--array names an array of a .npz file" if array else "--id-column names a column of a .csv file")
    if not path.is_file():
        raise DataError(f"embeddings file {path} does not exist" if not path.exists() else f"embeddings path {path} is not a file")
    if path.stat().st_size == 0:
        raise DataError(f"embeddings file {path} is empty")
    if suffix == ".csv":
        x, ids, first_line, columns = _read_number_csv(path, id_column)
        where = lambda row: f"line {row + first_line}"  # noqa: E731
    else:
        x, ids, columns = _read_numpy(path, array), None, None
        where = lambda row: f"row {row} (counting from 0)"  # noqa: E731
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        raise DataError(f"embeddings in {path} must be a table of N rows x d numbers, got shape {tuple(x.shape)}")
    if not np.issubdtype(x.dtype, np.number) or np.iscomplexobj(x) or x.dtype == np.bool_:
        raise DataError(f"embeddings in {path} must be real numbers, got dtype {x.dtype}")
    bad = np.flatnonzero(~np.isfinite(x).all(axis=1))
    if len(bad):
        column = int(np.flatnonzero(~np.isfinite(x[bad[0]]))[0])
        named = repr(columns[column]) if columns else column + 1
        raise DataError(f"embeddings in {path}: {where(int(bad[0]))} holds NaN or infinity (column {named}); "
                        f"{len(bad)} row(s) like it - fix or remove them")
    return Embeddings(x, ids, str(path))


def _read_numpy(path: Path, array: Optional[str]):
    import numpy as np

    try:
        loaded = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise DataError(f"cannot read {path} as a numpy file: {exc}") from exc
    if path.suffix.lower() == ".npy":
        return loaded
    with loaded:
        names = list(loaded.files)
        if not names:
            raise DataError(f"{path} holds no arrays")
        if array is None and len(names) > 1:
            raise UsageError(f"{path} holds {len(names)} arrays ({', '.join(names)}); name one with --array")
        name = array or names[0]
        if name not in names:
            raise UsageError(f"{path} has no array {name!r}; it holds: {', '.join(names)}")
        try:
            return loaded[name]
        except ValueError as exc:  # an object array needs pickle, which a data file must not run
            raise DataError(f"cannot read array {name!r} of {path}: {exc}") from exc


def _read_number_csv(path: Path, id_column: Optional[str]):
    """A CSV of numbers: the header (if the first row is not all numbers) and an id column are optional.

    Returns the array, the ids (or None), the line number of the first row of numbers and the names
    of the number columns (None without a header).
    """
    import numpy as np

    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = [row for row in csv.reader(handle) if row]
    if not rows:
        raise DataError(f"embeddings file {path} has no rows")
    header = None if _all_numbers(rows[0], skip=_id_index(rows[0], id_column, None, path, probe=True)) else rows[0]
    body = rows[1:] if header else rows
    if not body:
        raise DataError(f"embeddings file {path} has a header but no rows of numbers")
    column = _id_index(rows[0], id_column, header, path)
    names = header or [str(i + 1) for i in range(len(body[0]))]
    width = len(names)
    values, ids = [], [] if column is not None else None
    for offset, row in enumerate(body):
        line = offset + (2 if header else 1)
        if len(row) != width:
            raise DataError(f"embeddings file {path}, line {line}: {len(row)} cells, but the first row has {width}")
        if column is not None:
            ids.append(row[column])
        cells = [cell for i, cell in enumerate(row) if i != column]
        try:
            values.append([float(cell) for cell in cells])
        except ValueError:
            index = next(i for i, cell in enumerate(row) if i != column and not _is_number(cell))
            raise DataError(f"embeddings file {path}, line {line}, column {names[index]!r}: {row[index]!r} is not a number") from None
    numbers = [name for i, name in enumerate(names) if i != column] if header else None
    return np.asarray(values, dtype=np.float64), ids, 2 if header else 1, numbers


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _all_numbers(row: list, skip: Optional[int]) -> bool:
    return all(_is_number(cell) for i, cell in enumerate(row) if i != skip)


def _id_index(first: list, id_column: Optional[str], header: Optional[list], path: Path, probe: bool = False) -> Optional[int]:
    """The index of the id column: ``--id-column`` as a header name or a 1-based number, else a header 'id'."""
    if id_column is None:
        if probe or header is None:
            return None
        return header.index("id") if "id" in header else None
    if id_column in first:
        return first.index(id_column)
    if id_column.isdigit() and 1 <= int(id_column) <= len(first):
        return int(id_column) - 1
    if probe:
        return None
    raise UsageError(f"--id-column {id_column!r} is neither a column of {path} ({', '.join(first[:8])}) nor a number from 1 to {len(first)}")


def read_labels(path: Path, label_column: str = "label", id_column: str = "id") -> Labels:
    """A CSV with a ``label_column`` (empty = unknown) and an optional ``id_column``; commas, semicolons, tabs
    or bars, in the encodings ``dlguide.demos.lptable`` reads (a workbook is refused by what it is)."""
    from dlguide.demos import lptable
    from dlguide.demos.lpkit import DemoError

    if not path.is_file():
        raise DataError(f"labels file {path} does not exist" if not path.exists() else f"labels path {path} is not a file")
    try:
        text, _ = lptable.text_of(path)
    except DemoError as exc:
        raise DataError(exc.message) from None
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=lptable.delimiter_of(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    if not columns:
        raise DataError(f"labels file {path} is empty; it needs a header with a '{label_column}' column")
    reader.fieldnames = columns
    if label_column not in columns:  # the file's fault by default; a bad --label-column's (exit 2), as --id-column
        wrong = DataError if label_column == "label" else UsageError
        raise wrong(f"labels file {path} has no '{label_column}' column (its columns: {', '.join(columns)}); "
                    f"{lptable.column_hint(columns, label_column)}")
    if id_column not in columns and id_column != "id":
        raise UsageError(f"labels file {path} has no '{id_column}' column for --labels-id-column (its columns: "
                         f"{', '.join(columns)})")
    rows = list(reader)
    if not rows:
        raise DataError(f"labels file {path} has a header but no rows")
    values = [(row.get(label_column) or "").strip() for row in rows]
    ids = [(row.get(id_column) or "").strip() for row in rows] if id_column in columns else None
    if ids is not None and "" in ids:
        raise DataError(f"labels file {path}, line {ids.index('') + 2}: the {id_column} cell is empty")
    return Labels(values, ids)


def match(embeddings: Embeddings, labels: Labels, labels_path: Path) -> tuple[list, list, str]:
    """One label text per embedding row, the ids to write, and how they were matched ('id' or 'order')."""
    n = len(embeddings.x)
    if embeddings.ids is not None and labels.ids is not None:
        for name, ids in (("embeddings", embeddings.ids), ("labels", labels.ids)):
            seen = set()
            for item in ids:
                if item in seen:
                    raise DataError(f"{name} file has the id {item!r} twice; ids must be unique to match rows")
                seen.add(item)
        row_of = {item: row for row, item in enumerate(embeddings.ids)}
        texts = [""] * n
        for item, text in zip(labels.ids, labels.values):
            if item not in row_of:
                raise DataError(f"labels file {labels_path} has id {item!r}, which no embeddings row has")
            texts[row_of[item]] = text
        return texts, list(embeddings.ids), "id"
    if len(labels.values) != n:
        raise DataError(f"shape mismatch: {n} embedding rows but {len(labels.values)} label rows in {labels_path} "
                        "(rows are matched by order unless both files have ids)")
    ids = embeddings.ids if embeddings.ids is not None else labels.ids
    return list(labels.values), list(ids) if ids is not None else [str(i) for i in range(n)], "order"


def encode(texts: list, labels_path: Path, label_column: str = "label") -> tuple[object, list]:
    """The labels as class numbers (-1 unknown) and the class names, sorted; refuses none or one class."""
    import numpy as np

    names = sorted({text for text in texts if text})
    if not names:
        raise DataError(f"no labels: every cell of the '{label_column}' column of {labels_path} is empty; give at least two classes")
    if len(names) == 1:
        raise DataError(f"only one class ({names[0]!r}) has labels in {labels_path}; propagation needs at least two")
    number = {name: i for i, name in enumerate(names)}
    return np.array([number[text] if text else -1 for text in texts], dtype=np.int64), names


def default_output(embeddings_path: Path) -> Path:
    """``<stem>.propagated.csv`` in the current folder."""
    return Path(f"{embeddings_path.stem}.propagated.csv")


def check_output(path: Path, inputs: list, force: bool) -> Path:
    """The one write rule (``lpfiles``): never onto an input, never over a file without --force, never an
    empty path, a folder or a place that cannot be written; refused as a one-line error before any work."""
    from dlguide.demos.lpfiles import WriteRefused, check_file

    try:
        return check_file(path, force=force, inputs=inputs, what="--output", example="labels-out.csv")
    except WriteRefused as exc:
        raise FileExistsRefusal(exc.message) from None


def write_rows(path: Path, ids: list, texts: list, names: list, result: dict) -> None:
    """One row per item: id, propagated label, confidence, runner-up and its score, the given label."""
    path.parent.mkdir(parents=True, exist_ok=True)  # lpfiles allowed it: the nearest existing folder is writable
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "label", "confidence", "runner_up", "runner_up_score", "given_label"])
        name = lambda index: names[index] if index >= 0 else ""  # noqa: E731
        for row, item in enumerate(ids):
            writer.writerow([item, name(int(result["labels"][row])), f"{result['confidence'][row]:.4f}",
                             name(int(result["runner_up"][row])), f"{result['runner_up_score'][row]:.4f}", texts[row]])
    os.replace(tmp, path)  # a half-written file never takes the place of the user's
