"""The encoder's word table as the reader uses it, made from ``encoder_words.yaml`` by the loader.

Plain classes, apart from the pydantic models of ``encoder_schema``: a cached knowledge base unpickles them
on every ``recommend``, and building those models' validators would cost start-up time for nothing.
"""

from __future__ import annotations


class WordTable:
    """The word table as the reader uses it (``dlguide.advisor.encoder_words``), shared by the questions it
    has columns for; the loader makes it from ``encoder_words.yaml``, so a cached knowledge base carries it."""

    __slots__ = ("path", "sha256", "width", "cue_weight", "guess_weight", "alone_floor", "stop")

    def __init__(self, path, heads) -> None:
        self.path, self.sha256 = path, heads.sha256
        self.width = sum(len(head.choices) for head in heads.questions.values())
        self.cue_weight, self.guess_weight, self.alone_floor = heads.cue_weight, heads.guess_weight, heads.alone_floor
        self.stop = frozenset(heads.stop_words)


class WordColumns:
    """One question's columns of a ``WordTable``: where they start, their choices, biases and scales."""

    __slots__ = ("table", "start", "choices", "bias", "scale")

    def __init__(self, table: WordTable, start: int, head) -> None:
        self.table, self.start = table, start
        self.choices, self.bias, self.scale = list(head.choices), list(head.bias), list(head.scale)


def columns_for(path, heads) -> dict:
    """Question id -> its ``WordColumns`` in the table at ``path``, whose heads (``encoder_words.yaml``) list
    the questions in the table's order."""
    table, start, columns = WordTable(path, heads), 0, {}
    for question_id, head in heads.questions.items():
        columns[question_id] = WordColumns(table, start, head)
        start += len(head.choices)
    return columns
