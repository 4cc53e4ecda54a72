"""The sentence encoder's heads, ``encoder.yaml`` (written by ``benchmarks/encoder_fit.py``, read by ``--reader
encoder``), and its word table, ``encoder_words.yaml`` (``benchmarks/encoder_words_fit.py``, read by default)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from dlguide.rules.strict import Strict


class EncoderHead(Strict):
    """One question's linear head: a choice's score is its bias plus its weights times the sentence vector."""

    choices: list[str] = Field(min_length=2, description="The question's choice ids, in the order of the rows.")
    bias: list[float] = Field(description="One bias per choice.")
    weights: list[list[float]] = Field(description="One row per choice, as long as the encoder's vector.")

    @model_validator(mode="after")
    def _shapes(self) -> "EncoderHead":
        if len(self.bias) != len(self.choices) or len(self.weights) != len(self.choices):
            raise ValueError(f"{len(self.choices)} choices need as many biases and weight rows "
                             f"(found {len(self.bias)} and {len(self.weights)})")
        if len({len(row) for row in self.weights}) != 1:
            raise ValueError("every weight row must be as long as the encoder's vector")
        return self


class TunedLayers(Strict):
    """The encoder's top layers, fine-tuned on the corpus: a file beside ``encoder.yaml`` that replaces them."""

    file: str = Field(pattern=r"^[\w.-]+\.safetensors$", description="The weights' file name, in the same folder.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="Its SHA-256: the heads fit these weights only.")
    layers: list[int] = Field(min_length=1, description="The transformer layers it replaces, counted from 0.")
    method: str = Field(description="How they were tuned.")


class EncoderFile(Strict):
    """The contents of ``encoder.yaml``."""

    schema_version: Literal[1] = Field(description="Version of this file format; 1.")
    model: str = Field(description="The sentence encoder the heads were fitted on, e.g. "
                       "'sentence-transformers/all-MiniLM-L6-v2'.")
    trained_on: str = Field(description="What the heads were fitted on.")
    method: str = Field(description="How they were fitted.")
    cue_weight: float = Field(ge=0, description="Log-probability added to the word reader's answer where its "
                              "own words spoke: what the encoder must beat to change it.")
    guess_weight: float = Field(ge=0, description="The same where only the learned layer's words spoke.")
    alone_floor: float = Field(default=0.0, ge=0, le=1, description="Where the word reader found no answer, "
                               "the probability the encoder's choice needs to be given; below it the question "
                               "stays open (asked in a terminal, named by --no-input).")
    tuned_layers: TunedLayers | None = Field(default=None, description="Fine-tuned top layers the heads were "
                                             "fitted on; none: the encoder as it was published.")
    questions: dict[str, EncoderHead] = Field(description="Question id -> its head.")


class WordHead(Strict):
    """One question's columns of the encoder's word table: a choice's score is its bias plus the mean of the
    sentence's words' stored scores, each a small integer times the choice's scale."""

    choices: list[str] = Field(min_length=2, description="The question's choice ids, in the order of the columns.")
    bias: list[float] = Field(description="One bias per choice.")
    scale: list[float] = Field(description="One scale per choice: a stored score times it is the word's score.")

    @model_validator(mode="after")
    def _shapes(self) -> "WordHead":
        if len(self.bias) != len(self.choices) or len(self.scale) != len(self.choices):
            raise ValueError(f"{len(self.choices)} choices need as many biases and scales "
                             f"(found {len(self.bias)} and {len(self.scale)})")
        return self


class EncoderWordsFile(Strict):
    """The contents of ``encoder_words.yaml``: the sentence encoder's knowledge of single words, read without it."""

    schema_version: Literal[1] = Field(description="Version of this file format; 1.")
    model: str = Field(description="The encoder the words were read by, with its tuned layers.")
    trained_on: str = Field(description="What the heads were fitted on.")
    method: str = Field(description="How the table was made.")
    file: str = Field(pattern=r"^[\w.-]+\.bin$", description="The table's file name, in the same folder: the "
                      "words, then one signed byte per word and choice.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="Its SHA-256: the heads fit this table only.")
    cue_weight: float = Field(ge=0, description="Log-probability added to the word reader's answer where its "
                              "own words spoke: what the table must beat to change it.")
    guess_weight: float = Field(ge=0, description="The same where only the learned layer's words spoke.")
    alone_floor: float = Field(ge=0, le=1, description="Where the word reader found no answer, the probability "
                               "the table's choice needs to be given; below it the question stays open.")
    stop_words: list[str] = Field(default_factory=list, description="Words never looked up ('the', 'with').")
    questions: dict[str, WordHead] = Field(description="Question id -> its columns, in the table's order.")
