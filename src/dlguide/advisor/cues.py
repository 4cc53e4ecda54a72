"""The ``--describe`` reader's cue phrases, built from ``questions.yaml`` once and kept between runs.

Stemming and building some 3,000 ``Phrase`` objects (stems, acronyms, short-word forms) takes about 20 ms,
a tenth of the CLI's start-up, and ``recommend --describe`` is measured against the start-up floor. So what
is built is kept in a cache file (``dlguide.catalogue.cache``), keyed by everything it is built from: each
question's cue fields and the code of the modules that build phrases. Any edit to either builds again.
"""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path

from dlguide.advisor import describe_numbers, words
from dlguide.advisor.describe_numbers import compile_cues
from dlguide.advisor.words import Phrase, phrase
from dlguide.catalogue import cache
from dlguide.rules.rules_schema import Question

SYNONYM, NAME, HINT = 3.0, 2.0, 1.0  # the weights of a choice's synonyms, names and hints

_BUILT: dict[int, tuple] = {}
# One file per installation (named after where this module is), so two checkouts stop replacing each other's.
_FILE_NAME = f"describe-cues-{hashlib.sha1(str(Path(__file__).resolve()).encode()).hexdigest()[:8]}.pickle"


def compiled(questions: dict[str, Question]):
    """(choice cues, number cues, said phrases, lead phrases, weak phrases) for these questions."""
    held = _BUILT.get(id(questions))
    if held is not None and held[0] is questions:
        return held[1]
    key = _key(questions)
    where = cache.path(_FILE_NAME)
    built = _linked(cache.read(where, key), questions)
    if built is None:
        built = _build(questions)
        cache.write(where, key, _unlinked(built))
    _BUILT[id(questions)] = (questions, built)
    return built


def _build(questions: dict[str, Question]):
    cues: dict[str, list[Phrase]] = {}
    said: dict[str, list[tuple[float, list[Phrase]]]] = {}
    for question in questions.values():
        cues[question.id] = [p for choice in question.choices for weight, texts in _weighted(choice)
                             for p in (phrase(w, weight, choice.id) for w in texts) if p]
        # A not-cue weighs nothing: it only takes its words away from the cues ("hidden nodes").
        cues[question.id] += [p for p in (phrase(w, 0.0, "") for w in question.not_cues) if p]
        if question.reading:
            said[question.id] = [(entry.value, [p for p in map(phrase, entry.words) if p])
                                 for entry in question.reading.said]
    leads = {q.id: [p for p in map(phrase, q.lead_words) if p] for q in questions.values()}
    weak = {q.id: [p for p in map(phrase, q.weak_after) if p] for q in questions.values()}
    return cues, compile_cues(questions), said, leads, weak


def _weighted(choice) -> tuple[tuple[float, list[str]], ...]:
    """A choice's cue lists, each with the weight its cues carry."""
    return (SYNONYM, choice.synonyms), (NAME, choice.names), (HINT, choice.hints)


def _key(questions: dict[str, Question]) -> str:
    """What the phrases are built from: each question's cue fields, and the code that builds them."""
    parts = [str(Path(module.__file__).stat().st_mtime_ns) for module in (words, describe_numbers)]
    parts.append(str(Path(__file__).stat().st_mtime_ns))
    for q in questions.values():
        parts.append(repr((q.id, q.kind, q.lead_words, q.not_cues, q.weak_after,
                           [(c.id, c.synonyms, c.names, c.hints) for c in q.choices],
                           q.reading.model_dump() if q.reading else None)))
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()


def _unlinked(built):
    """The built phrases to keep: the number cues name their question by id (the reader compares questions
    by identity, so a kept copy of a question would never match)."""
    cues, number_cues, said, leads, weak = built
    stored = []
    for entry in number_cues:
        kept = copy.copy(entry)
        kept.question = entry.question.id
        stored.append(kept)
    return cues, stored, said, leads, weak


def _linked(kept, questions: dict[str, Question]):
    """Kept phrases with each number cue's question id turned back into the question itself."""
    if kept is None:
        return None
    for entry in kept[1]:
        entry.question = questions[entry.question]
    return kept


def problems(questions: dict[str, Question]) -> list[str]:
    """What the cues of ``questions`` cannot do as written (``kb validate``).

    Two choices' cues that are different words but read as the same once stemmed ("poster" of images and
    "post" of texts; "predictive value" and "predict value") both find every form of both. The heavier (of
    equals, the one listed first) takes the words, so the other never speaks, unless the winner's choice
    can be ruled out (``applies_when``). Marking one exact ("=poster") keeps them apart. A cue listed twice
    in one choice is the same mistake within it.
    """
    found = []
    for question in questions.values():
        first: dict[tuple[str, ...], tuple] = {}  # stems -> (weight, choice, cue as written) of the first to use them
        listed: set[tuple[str, str]] = set()
        for choice in question.choices:
            for weight, texts in _weighted(choice):
                for written in texts:
                    if (choice.id, written.lower()) in listed:
                        found.append(f"questions.yaml: {question.id}: {choice.id} lists '{written}' twice")
                        continue
                    listed.add((choice.id, written.lower()))
                    cue = phrase(written)
                    if cue is None or cue.forms is not None:  # an exact or short form finds only itself
                        continue
                    entry = (weight, choice, written)
                    earlier = first.setdefault(cue.stems, entry)
                    if earlier[1].id == choice.id or _plain(earlier[2]) == _plain(written):
                        continue
                    winner, loser = (entry, earlier) if weight > earlier[0] else (earlier, entry)
                    if winner[1].applies_when is None:
                        found.append(f"questions.yaml: {question.id}: '{loser[2]}' ({loser[1].id}) never speaks: "
                                     f"'{winner[2]}' ({winner[1].id}) reads the same once stemmed; mark one exact "
                                     f"('={loser[2]}')")
    return found


def _plain(written: str) -> str:
    """A cue as written, without case or a plural's s: one word listed in two choices is meant, not merged."""
    return written.lower().removesuffix("s")
