"""The learned layer's file, ``learned.yaml``, and the weights one question carries once it is loaded.

``benchmarks/learn.py`` writes the file; ``dlguide.catalogue.recommender_data`` validates it and gives each
question its ``Learned``; ``dlguide.advisor.learned`` reads a sentence with it.
"""

from __future__ import annotations

import pickle
from typing import Literal

from pydantic import Field

from dlguide.rules.strict import Strict


class LearnedQuestion(Strict):
    """One question's fitted weights in ``learned.yaml``."""

    words: dict[str, dict[str, float]] = Field(
        description="Feature (a word stem, or two neighbouring stems) -> {choice id: weight}.")


class Learned:
    """One question's fitted weights as the reader uses them (``dlguide.advisor.learned``).

    The weights travel packed: a cached knowledge base unpickles its questions for every recommendation,
    and only ``--describe`` looks the words up, so only it pays to unpack them (about 2 ms).
    """

    __slots__ = ("_packed", "_words", "weight", "stop", "stemmer")

    def __init__(self, words: dict[str, dict[str, float]], weight: float, stop: frozenset[str], stemmer: str) -> None:
        self._packed, self._words = pickle.dumps(words, pickle.HIGHEST_PROTOCOL), words
        self.weight, self.stop, self.stemmer = weight, stop, stemmer

    @property
    def words(self) -> dict[str, dict[str, float]]:
        """Feature -> {choice: weight}."""
        if self._words is None:
            self._words = pickle.loads(self._packed)
        return self._words

    def __getstate__(self) -> tuple:
        return self._packed, self.weight, self.stop, self.stemmer

    def __setstate__(self, state: tuple) -> None:
        self._packed, self.weight, self.stop, self.stemmer = state
        self._words = None


class LearnedFile(Strict):
    """The contents of ``learned.yaml``: written by ``benchmarks/learn.py``, not by hand."""

    schema_version: Literal[1] = Field(description="Version of this file format; 1.")
    trained_on: str = Field(description="What the weights were fitted on, e.g. the corpus part and its size.")
    method: str = Field(description="How they were fitted.")
    stemmer: str = Field(description="Fingerprint of the stemmer the features were made with "
                         "(dlguide.advisor.words.fingerprint); another stemmer makes other features.")
    weight: float = Field(gt=0, le=3, description="What a learned weight of 1 counts against the cues "
                          "(a synonym weighs 3, a hint 1).")
    stop_words: list[str] = Field(description="Words left out of the features.")
    questions: dict[str, LearnedQuestion] = Field(description="Question id -> its weights.")
