"""The sentence encoder's word table: what the tuned encoder knows of single words, read without torch.

The word reader knows the cues of ``questions.yaml`` and the stems its learned layer met in the corpus; a
word nobody wrote down and no description used ("sonograms", "tweets") it cannot read. The tuned sentence
encoder can, but it needs torch and seconds. ``benchmarks/encoder_words_fit.py`` asks it once for every
word it knows (about thirty thousand: its own vocabulary's whole words and the corpus's words), fits a
linear head per question on the mean of a description's word vectors, and keeps only each word's score per
choice: a head that is linear in a mean of vectors is the mean of their scores. So reading is a lookup per
word and a mean, in plain Python, and the default reader knows what the encoder knows of a word it never met.

The table (``encoder_words.bin``, named with its SHA-256 in ``encoder_words.yaml``) holds the words, a
hash index to find them (``Rows``), and one signed byte per word and choice, the choices of each question in
the order the YAML lists them; a byte times its choice's ``scale`` is the word's score. The loader validates the YAML with the rest
of the knowledge and gives each question its columns (``Question.word_columns``), so they are cached with
it; the bytes are read only when a description is. A sentence's score for a choice is its
``bias`` plus the mean of its known words' scores (stop words left out). The table changes the word
reader's answer by the rule the encoder follows (``dlguide.advisor.overrule``), except that a sure reading
of the cues stands, and names the words it leaned on: those whose scores favour its choice most.
"""

from __future__ import annotations

import array
import struct
import sys
import zlib
from functools import lru_cache
from pathlib import Path

from dlguide.errors import KnowledgeError

READER = "the sentence encoder's word table"
SHOWN_WORDS = 3  # words named as its reasons
# A sure reading of the cues stands: on a held-out fifth of the development part (encoder_words_fit.py
# --measure) keeping them read better (83.7% both right against 83.5%; the task 90.1% against 89.1%, the kind
# of data 92.3% against 93.1%).
SURE_STANDS = True
REFIT = "refit it with 'python benchmarks/encoder_words_fit.py'"


MAGIC = b"DLWT"
HEADER = struct.Struct("<4sIIII")  # magic, words, slots, bytes of the words, choices a row


class Rows:
    """A word's row in the table, found by a hash (CRC-32) into open-addressed slots in the file itself: a
    lookup costs microseconds and loading nothing but reading the file, where a dict of thirty thousand
    words would cost a few milliseconds of every --describe run's start-up."""

    __slots__ = ("offsets", "slots", "words", "mask")

    def __init__(self, offsets: memoryview, slots: memoryview, words: memoryview) -> None:
        self.offsets, self.slots, self.words, self.mask = offsets, slots, words, len(slots) - 1

    def get(self, word: str) -> int | None:
        key = word.encode("utf-8")
        at = zlib.crc32(key) & self.mask
        while True:
            row = self.slots[at] - 1
            if row < 0:
                return None
            if self.words[self.offsets[row]:self.offsets[row + 1]] == key:
                return row
            at = (at + 1) & self.mask


@lru_cache(maxsize=4)
def scores(path: Path, width: int) -> tuple[Rows, memoryview]:
    """The rows of the table at ``path`` by word, and its scores as signed bytes (``width`` a row)."""
    try:
        rows, stored, stored_width = _parse(path.read_bytes())
    except (OSError, ValueError, struct.error) as exc:
        raise KnowledgeError([f"{path}: {getattr(exc, 'strerror', None) or exc}; {REFIT}"]) from None
    if stored_width != width:
        raise KnowledgeError([f"{path}: rows of {stored_width} choices, where encoder_words.yaml lists {width}; "
                              f"{REFIT}"])
    return rows, stored


def _parse(blob: bytes) -> tuple[Rows, memoryview, int]:
    """The table's rows, its scores and its row width, from the layout ``pack`` writes."""
    if len(blob) < HEADER.size or blob[:4] != MAGIC:
        raise ValueError("not a word table")
    _, count, slots, length, width = HEADER.unpack_from(blob)
    sizes = (4 * (count + 1), 4 * slots, length, count * width)
    if HEADER.size + sum(sizes) != len(blob) or slots & (slots - 1):
        raise ValueError("not a word table: its parts do not add up to its size")
    view, at, parts = memoryview(blob), HEADER.size, []
    for size in sizes:
        parts.append(view[at:at + size])
        at += size
    offsets, hashed = (_unsigned(part) for part in parts[:2])
    return Rows(offsets, hashed, parts[2]), parts[3].cast("b"), width


def _unsigned(part: memoryview):
    """Little-endian 32-bit numbers, read in place where this machine is little-endian too."""
    if sys.byteorder == "little":
        return part.cast("I")
    numbers = array.array("I", part.tobytes())
    numbers.byteswap()
    return numbers


def pack(words: list[str], rows: list[list[int]]) -> bytes:
    """The bytes of a table (``benchmarks/encoder_words_fit.py`` writes them; ``_parse`` reads them)."""
    encoded = [word.encode("utf-8") for word in words]
    offsets = [0]
    for key in encoded:
        offsets.append(offsets[-1] + len(key))
    slots = 1 << max(4, (2 * len(words)).bit_length())  # under half full: short probes
    hashed = [0] * slots
    for row, key in enumerate(encoded):
        at = zlib.crc32(key) & (slots - 1)
        while hashed[at]:
            at = (at + 1) & (slots - 1)
        hashed[at] = row + 1
    width = len(rows[0]) if rows else 0
    return (HEADER.pack(MAGIC, len(words), slots, offsets[-1], width) + struct.pack(f"<{len(offsets)}I", *offsets)
            + struct.pack(f"<{slots}I", *hashed) + b"".join(encoded) + bytes(b & 0xFF for row in rows for b in row))


def words_of(text: str, stop: frozenset[str]) -> list[str]:
    """The words the table looks up: lowercase, stop words left out; fitting and reading share it."""
    from dlguide.advisor.words import tokenize

    return [t.text.lower() for t in tokenize(text) if t.kind == "word" and t.text.lower() not in stop]


def columns_of(questions: dict) -> dict:
    """The questions that have columns in a word table: id -> ``WordColumns``."""
    return {qid: q.word_columns for qid, q in questions.items() if getattr(q, "word_columns", None) is not None}


def read(text: str, questions: dict) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, list[str]]]]:
    """Each question's log-probabilities for ``text``, and per choice the words that favour it most."""
    from dlguide.advisor.overrule import normalised

    probabilities, leaning, looked_up = {}, {}, {}
    for qid, columns in columns_of(questions).items():
        table = columns.table
        rows, stored = scores(table.path, table.width)
        if table.path not in looked_up:  # the questions share one table: the sentence's words are found once
            looked_up[table.path] = [(word, row) for word in words_of(text, table.stop)
                                     if (row := rows.get(word)) is not None]
        known = looked_up[table.path]
        if not known:
            continue
        found, favour = {}, {}
        for k, choice in enumerate(columns.choices):
            each = [(stored[row * table.width + columns.start + k], word) for word, row in known]
            found[choice] = columns.bias[k] + columns.scale[k] * sum(s for s, _ in each) / len(each)
            favour[choice] = list(dict.fromkeys(w for s, w in sorted(each, reverse=True) if s > 0))[:SHOWN_WORDS]
        probabilities[qid], leaning[qid] = normalised(found), favour
    return probabilities, leaning


def refine(text: str, questions: dict, found) -> None:
    """Let the word table read ``text`` too, and change ``found`` where it is surer (``overrule``'s rule)."""
    from dlguide.advisor.overrule import overrule

    probabilities, leaning = read(text, questions)
    if not probabilities:
        return
    table = next(iter(columns_of(questions).values())).table
    for qid in overrule(questions, found, probabilities, table.cue_weight, table.guess_weight, table.alone_floor,
                        READER, sure_stands=SURE_STANDS):
        found.learned[qid] = leaning[qid][found.answers[qid]]


def problems(questions: dict) -> list[str]:
    """What loading could not tell of the word table (``kb validate``): it must be there, readable, the
    size its columns say, and the table its heads were fitted on."""
    import hashlib  # only kb validate hashes the table

    tables = {columns.table.path: columns.table for columns in columns_of(questions).values()}
    found = []
    for path, table in tables.items():
        try:
            scores(path, table.width)
        except KnowledgeError as exc:
            found.extend(exc.problems)
            continue
        if hashlib.sha256(path.read_bytes()).hexdigest() != table.sha256:
            found.append(f"{path}: not the table encoder_words.yaml's heads were fitted on (its sha256 differs); "
                         f"refit both with 'python benchmarks/encoder_words_fit.py'")
    return found
