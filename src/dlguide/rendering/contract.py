"""The ``--json`` contract: one versioned envelope for every document and every error, declared here.

Every ``--json`` output of dlguide is one JSON object with ``schema_version`` (1) and ``command`` (the
command that wrote it: ``list``, ``kb validate``...), then either that command's result or, when it
failed, ``error``: ``{kind, message, exit_code}`` plus ``hint`` and ``problems`` where they apply. The
models below are the contract, field by field; a test runs every command with ``--json`` and validates
what it prints against them. A new optional key is a change here within the version (a script skips
keys it does not know); renaming or removing a key is a new ``SCHEMA_VERSION``. (A demo's own ``--json``
report is the demo's: ``dlguide.demos.lpresult`` declares it, since a scaffolded demo runs without dlguide.)

``envelope`` is all the CLI needs at run time; the models are imported by the tests and ``validate``. It and
``SCHEMA_VERSION`` live beside ``emit_json`` in ``dlguide.rendering.output`` (re-exported here), so a --json run
never builds these models: start-up time is a feature.
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from dlguide.rendering.output import SCHEMA_VERSION, envelope  # noqa: F401  (re-exported: the contract's version)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Document(_Model):
    schema_version: Literal[1]
    command: str


class ErrorBody(_Model):
    kind: str  # usage, error, would_overwrite, knowledge, missing_extra, ...
    message: str  # the one line also printed on stderr
    exit_code: int  # 1 a user-fixable error, 2 bad usage
    hint: Optional[str] = None  # what to run or install
    problems: Optional[list[str]] = None  # every problem of a knowledge base that did not load


class ErrorDocument(Document):
    error: ErrorBody


class EntryRow(_Model):
    id: str
    name: str
    summary: str
    aliases: list[str]
    short: Optional[str] = None  # families only
    demo: Optional[str] = None  # families only: the demo module or file, or null


class ListDocument(Document):
    command: Literal["list"]
    families: list[EntryRow]
    techniques: list[EntryRow]


class ShowDocument(Document):
    """A family's or technique's file as ``dlguide.catalogue.schema`` declares it, with its ``id``."""

    model_config = ConfigDict(extra="allow")  # the entry's own fields: dlguide.catalogue.schema.Family / Technique
    command: Literal["show"]
    id: str
    kind: Literal["family", "technique"]
    name: str


class CompareDocument(Document):
    command: Literal["compare"]
    families: list[str]
    names: list[str]
    aspects: list[dict[str, Any]]
    preferences: list[dict[str, Any]]
    traits: list[dict[str, Any]]


class RuleCited(_Model):
    id: str  # the rule's id in rules.yaml
    effect: str  # '+5', '-3', 'excluded', or a pretrained route's note
    source: str  # where the rule's knowledge comes from


class Change(_Model):
    question: str  # a question id, or two joined by '+'
    value: Any  # the answer (a list of two for a pair)
    leader: str  # the family that would lead
    text: str  # the sentence shown


class Recommendation(_Model):
    id: str
    name: str
    rank: int
    score: int
    excluded: bool
    variant: Optional[str]
    variant_name: Optional[str]
    pretrained: Optional[str]  # how to start from a pretrained model of the family, or null
    reasons: list[str]  # sentences of the rules that raised it
    cautions: list[str]  # sentences of the rules that lowered or excluded it
    rules: list[RuleCited]
    what_would_change: Optional[list[Change]] = None  # the first recommendation only


class ReadAnswer(_Model):
    value: Any  # the answer the description gave
    from_: Optional[str] = Field(alias="from")  # the cue's words as written; null where only learned words spoke
    learned_from: list[str]  # the learned layer's words, where they decided it (dlguide.advisor.learned)
    guess: bool  # read from weak evidence: asked to confirm in a terminal
    overridden_by: Optional[str]  # the flag that replaced it, or null
    encoder: bool  # changed by the sentence encoder or its word table; learned_from then holds the words it leaned on


class Understanding(_Model):
    answers: dict[str, ReadAnswer]  # by question id: only those the description answered
    ignored: list[str]  # numbers that answered nothing, each with the reason


class RecommendDocument(Document):
    command: Literal["recommend"]
    profile: dict[str, Any]
    recommendations: list[Recommendation]
    advice: list[str]
    next_steps: list[str]
    understood: Optional[Understanding] = None  # only with --describe: what the description was read as


class PlannedFile(_Model):
    path: str
    bytes: int
    action: Literal["create", "overwrite"]


class ScaffoldDocument(Document):
    command: Literal["scaffold"]
    family: str
    directory: str
    dry_run: bool
    files: list[PlannedFile]
    written: list[str]


class ValidateDocument(Document):
    command: Literal["kb validate"]
    path: str
    valid: bool
    problems: list[str]
    families: list[str]
    techniques: list[str]


class PropagateDocument(Document):
    model_config = ConfigDict(extra="allow")  # dlguide.projects.propagate_run's summary: counts, timings, estimate
    command: Literal["propagate"]
    embeddings: str
    labels: str
    output: str
    items: int
    classes: list[str]
    warnings: list[str]


DOCUMENTS: dict[str, type[Document]] = {
    "list": ListDocument, "show": ShowDocument, "compare": CompareDocument, "recommend": RecommendDocument,
    "scaffold": ScaffoldDocument, "kb validate": ValidateDocument, "propagate": PropagateDocument,
}


def validate(document: dict[str, Any]) -> Document:
    """The model a printed document must fit (an error, or its command's result); raises when it does not."""
    if "error" in document:
        return ErrorDocument.model_validate(document)
    return DOCUMENTS[document["command"]].model_validate(document)
