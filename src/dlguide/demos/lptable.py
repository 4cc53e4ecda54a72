"""A user's CSV the way tables really come: its separator, its encoding, and its columns as numbers.

A file is read as UTF-8, UTF-16 after its mark, or Windows-1252 (a spreadsheet saved on Windows), and split
by the separator (comma, semicolon, tab or bar) that gives its first lines one width; where it is not a
comma, "3,5" is the number 3.5. Real CSVs (a Kaggle download, an export from a spreadsheet or a database)
mix columns of numbers with columns of categories ("male", "S", "Premium"), leave cells empty or write "NA"
or "?" in them, and carry columns that are neither (names, tickets, free text). Each column is read by what
its cells hold, in this order:

- no value at all, or one value in every row: left out, as it tells no row from another;
- every cell that is not missing is a number: the column as it is; missing cells take the column's median
  and a 0/1 column "NAME missing" says which they were (whether a value is missing is often evidence);
- dates written year first ("2007-11-09"): days since the first of them, as numbers;
- numbers with a few stray words ("unknown" in an age column, at most ``STRAY_SHARE`` of the filled cells):
  the words count as missing;
- a few distinct values (at most ``MAX_CATEGORIES``, and at most half its filled cells): one 0/1 column per
  value ("Sex=male"); a missing cell is a row of zeros;
- anything else (a name per row, free text) is left out.

Every decision that is not "the column as it is" is one line of the run's notes, so nothing is dropped or
filled silently. Imports only numpy, lpkit's error and the standard library: a scaffolded demo copies it
unchanged.
"""

from __future__ import annotations

import csv
import math
import re
from datetime import datetime
from pathlib import Path

import numpy as np

try:
    from .lpkit import DemoError
except ImportError:  # run as a copied script next to lpkit.py
    from lpkit import DemoError

MISSING = {"", "na", "n/a", "nan", "null", "none", "?", "-", "--", "missing", "#n/a"}
MAX_CATEGORIES = 50
DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
STRAY_SHARE = 0.05  # a column is still numbers when at most this share of its filled cells are words


def _number(cell: str, decimal_comma: bool = False):
    if decimal_comma and "," in cell and "." not in cell:  # "3,5" in a file separated by semicolons
        cell = cell.replace(",", ".")
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _day(cell: str):
    """A date written year first ("2007-11-09", "2012/1/1", with or without a time), else None: day-first
    and month-first dates ("01/02/2020") cannot be told apart, so they stay words."""
    found = DATE.match(cell)
    if not found:
        return None
    parts = [int(part) if part else 0 for part in found.groups()]
    try:
        return datetime(*parts)
    except ValueError:  # the 30th of February
        return None


def _days(cells: list, missing: list):
    """Each cell's date (None where missing) if every filled cell is one, else None."""
    days = []
    for cell, gap in zip(cells, missing):
        day = None if gap else _day(cell)
        if day is None and not gap:
            return None
        days.append(day)
    return days


def _count(noun: str, n: int, plural: str = "") -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def encode(header: list, rows: list, columns: list, id_hint: bool = True, decimal_comma: bool = False) -> tuple:
    """The ``columns`` of ``rows`` (lists of cells, as ``header`` names them) as an N x D float32 array,
    the name of each of its D columns, and the notes that say what was filled, expanded or left out."""
    parts, names, notes = [], [], []
    for name in columns:
        at = header.index(name)
        cells = [row[at].strip() for row in rows]
        missing = [cell.lower() in MISSING for cell in cells]
        filled = [cell for cell, gap in zip(cells, missing) if not gap]
        numbers = [None if gap else _number(cell, decimal_comma) for cell, gap in zip(cells, missing)]
        words = [cell for cell, gap, value in zip(cells, missing, numbers) if not gap and value is None]
        distinct = sorted(set(filled))
        if not filled:
            notes.append(f"column '{name}' has no values: left out")
        elif len(distinct) == 1 and not any(missing):
            notes.append(f"column '{name}' holds one value ({distinct[0]}) in every row: left out, it tells no row "
                         "from another")
        elif not words:
            _numbers(name, numbers, words, parts, names, notes)
        elif (days := _days(cells, missing)) is not None:
            first = min(d for d in days if d is not None)
            notes.append(f"column '{name}': dates, read as days since {first.date().isoformat()}")
            since = [None if d is None else (d - first).total_seconds() / 86400 for d in days]
            _numbers(name, since, [], parts, names, notes)
        elif len(words) <= STRAY_SHARE * len(filled):
            _numbers(name, numbers, words, parts, names, notes)
        elif len(distinct) <= min(MAX_CATEGORIES, len(filled) // 2):
            _categories(name, cells, distinct, sum(missing), parts, names, notes)
        else:
            why = (f"{len(distinct)} different values in {len(filled)} filled cells" if len(distinct) > 1
                   else "a single value")
            hint = "; if it names the rows, pass it as --id-column" if id_hint and len(distinct) == len(filled) else ""
            notes.append(f"column '{name}' left out: neither numbers nor a few categories ({why}){hint}")
    if not parts:
        return np.zeros((len(rows), 0), dtype=np.float32), names, notes
    return np.concatenate(parts, axis=1), names, notes


def _numbers(name: str, numbers: list, words: list, parts: list, names: list, notes: list) -> None:
    """A column of numbers; its gaps (and stray words) take its median and are marked in a column beside it."""
    values = np.array([np.nan if v is None else v for v in numbers], dtype=np.float64)  # no number is NaN
    gap = np.isnan(values)
    median = float(np.median(values[~gap]))
    parts.append(np.where(gap, median, values).astype(np.float32)[:, None])
    names.append(name)
    gaps = int(gap.sum())
    if gaps:
        parts.append(gap.astype(np.float32)[:, None])
        names.append(f"{name} missing")
        strays = sorted(set(words))
        shown = f" (and {_count('word', len(words))} read as missing: {', '.join(map(repr, strays[:3]))})" if words else ""
        notes.append(f"column '{name}': {_count('missing cell', gaps)} of {len(numbers)} filled with its median, "
                     f"{median:g}, and marked in a column '{name} missing'{shown}")


def _categories(name: str, cells: list, distinct: list, empty: int, parts: list, names: list, notes: list) -> None:
    """A column of a few categories: one 0/1 column each; an empty cell is in none of them."""
    code = {value: k for k, value in enumerate(distinct)}
    codes = np.array([code.get(cell, -1) for cell in cells])
    parts.append((codes[:, None] == np.arange(len(distinct))).astype(np.float32))
    names += [f"{name}={value}" for value in distinct]
    shown = ", ".join(distinct[:5]) + (", ..." if len(distinct) > 5 else "")
    notes.append(f"column '{name}': {_count('category', len(distinct), 'categories')} ({shown}), one 0/1 column each"
                 + (f"; {_count('empty cell', empty)} in none of them" if empty else ""))


DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars"}
LIKELY_NAMES = {  # what people call the column an option names, commonest first
    "--label-column": ("label", "labels", "class", "category", "target", "y", "tag", "outcome", "species", "sentiment"),
    "--text-column": ("text", "sentence", "review", "comment", "content", "tweet", "message", "body", "document",
                      "sequence", "description", "title"),
}


def looks_like_data(header: list) -> bool:
    """A first line of numbers (half its cells or more) is a row of data, not a header: Cora's files have none."""
    return sum(_number(cell) is not None for cell in header) * 2 >= len(header) > 1


def column_hint(columns: list, asked: str, option: str = "--label-column") -> str:
    """How to name ``option``'s column when ``asked`` is not in ``columns``: a did-you-mean where one is likely."""
    likely = next((c for name in LIKELY_NAMES[option] for c in columns if c.lower() == name and c != asked), None)
    return f"did you mean {option} {likely}?" if likely else f"name yours with {option}"


WORKBOOK = "a spreadsheet workbook, not a CSV; save the sheet as CSV (in Excel: File > Save As > CSV UTF-8) and pass that"
NOT_TEXT = {b"PK\x03\x04": WORKBOOK, b"\xd0\xcf\x11\xe0": WORKBOOK,
            b"PAR1": "a Parquet file, not a CSV; write it out as one (pandas: pd.read_parquet(path).to_csv('data.csv', index=False))"}


def text_of(source: Path) -> tuple:
    """The file's text: UTF-8 (a byte-order mark is dropped), UTF-16 where it starts with its mark (Excel's
    "Unicode text"), else Windows-1252, as spreadsheets on Windows save. A workbook or another binary file
    is refused by what it is, with how to make a CSV of it."""
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise DemoError("data", f"{source}: cannot read ({exc.strerror or exc})") from exc
    for magic, what in NOT_TEXT.items():
        if raw.startswith(magic):
            raise DemoError("data", f"{source}: {what}")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace"), [f"{source}: read as UTF-16"]
    if b"\x00" in raw[:4096]:
        raise DemoError("data", f"{source}: a binary file, not a CSV (text, one row per line)")
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), [f"{source}: not UTF-8, read as Windows-1252"]


def delimiter_of(text: str) -> str:
    """The separator that splits the header and the first rows into the same number of cells, more than one;
    commas where none does (a one-column file, or uneven rows, which ``lpdata.read_table`` names)."""
    sample = [line for line in text.splitlines()[:20] if line.strip()]
    for delimiter in DELIMITERS:
        widths = {len(row) for row in csv.reader(sample, delimiter=delimiter)}
        if len(widths) == 1 and widths.pop() > 1:
            return delimiter
    return ","
