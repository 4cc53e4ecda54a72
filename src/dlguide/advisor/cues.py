"""The ``--describe`` reader's cue phrases, built from ``questions.yaml`` once and kept between runs.

Building some 3,000 ``Phrase`` objects (stems, acronyms, short-word forms) takes about 15 ms, a tenth of the
CLI's start-up, and ``recommend --describe`` is measured against the start-up floor. So what is built is
pickled under ``$XDG_CACHE_HOME/dlguide``, keyed by everything it is built from: each question's cue
fields and the code of the modules that build phrases. Any edit to either builds again; a missing,
stale or unreadable file, a read-only home, or ``DLGUIDE_NO_CACHE=1`` only means building again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from dlguide.advisor import describe_numbers, words
from dlguide.advisor.describe_numbers import compile_cues
from dlguide.advisor.words import Phrase, cached_stems, phrase
from dlguide.rules.rules_schema import Question

SYNONYM, NAME, HINT = 3.0, 2.0, 1.0  # the weights of a choice's synonyms, names and hints

_BUILT: dict[int, tuple] = {}


def compiled(questions: dict[str, Question]):
    """(choice cues, number cues, said phrases, lead phrases, weak phrases) for these questions."""
    held = _BUILT.get(id(questions))
    if held is not None and held[0] is questions:
        return held[1]
    key = _key(questions)
    path = _path()
    built = _read(path, key, questions)
    if built is None:
        built = _build(questions)
        _write(path, key, built)
    _BUILT[id(questions)] = (questions, built)
    return built


def _build(questions: dict[str, Question]):
    vocabulary = sorted({w for question in questions.values() for w in _cue_words(question)})
    known = cached_stems(vocabulary)
    cues: dict[str, list[Phrase]] = {}
    said: dict[str, list[tuple[float, list[Phrase]]]] = {}
    for question in questions.values():
        cues[question.id] = [
            p for choice in question.choices
            for weight, texts in ((SYNONYM, choice.synonyms), (NAME, choice.names), (HINT, choice.hints))
            for p in (phrase(w, weight, choice.id, known) for w in texts) if p
        ]
        # A not-cue weighs nothing: it only takes its words away from the cues ("hidden nodes").
        cues[question.id] += [p for p in (phrase(w, 0.0, "", known) for w in question.not_cues) if p]
        if question.reading:
            said[question.id] = [(entry.value, [p for p in (phrase(w, known=known) for w in entry.words) if p])
                                 for entry in question.reading.said]
    leads = {q.id: [p for p in (phrase(w, known=known) for w in q.lead_words) if p] for q in questions.values()}
    weak = {q.id: [p for p in (phrase(w, known=known) for w in q.weak_after) if p] for q in questions.values()}
    return cues, compile_cues(questions, known), said, leads, weak


def _cue_words(question: Question):
    for choice in question.choices:
        yield from (*choice.synonyms, *choice.names, *choice.hints)
    yield from question.lead_words
    yield from question.not_cues
    yield from question.weak_after
    if question.reading:
        yield from (*question.reading.after, *question.reading.before, *question.reading.rest)
        for entry in question.reading.said:
            yield from entry.words


def _key(questions: dict[str, Question]) -> str:
    """What the phrases are built from: each question's cue fields, and the code that builds them."""
    parts = [str(Path(module.__file__).stat().st_mtime_ns) for module in (words, describe_numbers)]
    parts.append(str(Path(__file__).stat().st_mtime_ns))
    for q in questions.values():
        parts.append(repr((q.id, q.kind, q.lead_words, q.not_cues, q.weak_after,
                           [(c.id, c.synonyms, c.names, c.hints) for c in q.choices],
                           q.reading.model_dump() if q.reading else None)))
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()


def _path() -> Path | None:
    if os.environ.get("DLGUIDE_NO_CACHE", "") not in ("", "0"):
        return None
    where = hashlib.sha1(str(Path(__file__).resolve()).encode()).hexdigest()[:8]
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dlguide" / f"describe-cues-{where}.pickle"


def _read(path: Path | None, key: str, questions: dict[str, Question]):
    if path is None:
        return None
    try:
        with path.open("rb") as handle:
            stored_key, built = pickle.load(handle)
    except Exception:  # noqa: BLE001 - missing, stale, truncated or from another version: build again
        return None
    if stored_key != key:
        return None
    for entry in built[1]:  # the number cues were stored with their question's id, not a copy of it
        entry.question = questions[entry.question]
    return built


def _write(path: Path | None, key: str, built) -> None:
    if path is None:
        return
    cues, number_cues, said, leads, weak = built
    stored = []
    for entry in number_cues:  # store the question's id: the reader compares questions by identity
        copy = describe_numbers.Cues(entry.question, entry.after, entry.before, entry.not_after, entry.not_near,
                                     entry.rest)
        copy.question = entry.question.id
        stored.append(copy)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps((key, (cues, stored, said, leads, weak)), pickle.HIGHEST_PROTOCOL))
        os.replace(partial, path)
    except OSError:
        pass
