"""Numbers in a ``--describe`` sentence, and the role the words around each one give it.

First every quantity is found, whatever its form: digits ("800", "10,000", "12 000", "1.5M", "20k"),
words ("two million", "a few hundred", "tens of thousands"), and shares ("10%", "a tenth", "half", "one in
ten", "none"). Then each takes a role only where one of a question's cues (``reading`` in
``questions.yaml``) stands next to it: "800 chest x-rays" counts examples because "x-rays" is a cue of the
examples question, "sequences of 200 steps" gives a length. A share goes only to a fraction question; a
count with a fraction question's cue ("150 of them labelled") becomes a share of the number question that
cue names (``share_of``). A number with no role, one out of its role's range, one glued to a name
("ResNet-50", "top-5") or a version after one ("wav2vec 2.0") is never an error: it is listed as ignored,
with the reason.
"""

from __future__ import annotations

import math

from dlguide.advisor.amounts import MAGNITUDES
from dlguide.advisor.words import Phrase, Text, phrase, stems_of
from dlguide.rules.rules_schema import Question

# English quantity words: language, not knowledge about any question.
_SMALL = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
          "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_VAGUE = {("a", "few"): 3, ("a", "couple", "of"): 2, ("a", "couple"): 2, ("couple", "of"): 2, ("several",): 5,
          ("a", "dozen"): 12, ("dozens", "of"): 50, ("a", "handful", "of"): 5, ("tens", "of"): 30,
          ("hundreds", "of"): 300, ("thousands", "of"): 3000, ("millions", "of"): 3e6, ("billions", "of"): 3e9,
          ("half", "a"): 0.5, ("a",): 1, ("an",): 1}
_SHARES = {("a", "tenth"): 0.1, ("one", "tenth"): 0.1, ("a", "fifth"): 0.2, ("a", "quarter"): 0.25,
           ("a", "third"): 0.33, ("one", "third"): 0.33, ("half",): 0.5, ("two", "thirds"): 0.67,
           ("three", "quarters"): 0.75, ("most",): 0.8, ("the", "majority"): 0.8, ("a", "minority"): 0.2,
           ("only", "a", "few"): 0.05, ("a", "few"): 0.05, ("few",): 0.05, ("a", "handful"): 0.05,
           ("a", "small", "fraction"): 0.05, ("a", "small", "part"): 0.05, ("a", "small", "subset"): 0.05,
           ("a", "fraction"): 0.1, ("some",): 0.3, ("all",): 1.0, ("every",): 1.0, ("none",): 0.0,
           ("zero",): 0.0, ("no",): 0.0, ("nothing",): 0.0}
_DENOMINATORS = {**{k: v for k, v in _SMALL.items() if v}, "a hundred": 100}
_COUNTS_ALONE = {("several",), ("a", "dozen"), ("dozens", "of"), ("a", "handful", "of"), ("tens", "of"),
                 ("hundreds", "of"), ("thousands", "of"), ("millions", "of"), ("billions", "of")}
_LONGEST_FIRST = sorted({**_VAGUE, **_SHARES}, key=len, reverse=True)


class Quantity:
    """A number found in the text, whatever its form, before it has a role."""

    __slots__ = ("first", "last", "value", "share", "words", "shown", "glued")

    def __init__(self, first: int, last: int, value: float, share: bool, words: str, shown: bool, glued: bool = False):
        self.first, self.last = first, last  # token indexes of its first and last word
        self.value = value
        self.share = share  # a part of a whole (10%, a tenth), not a count
        self.words = words  # as written
        self.shown = shown  # digits or a magnitude ("2k", "two million"): listed when ignored; "one", "a few" are not
        self.glued = glued  # part of a name, a measure or a year ("ResNet-50", "10-second", "in 2019")


def quantities(text: Text) -> list[Quantity]:
    """Every quantity in the text, left to right, none overlapping."""
    found, index, tokens = [], 0, text.tokens
    while index < len(tokens):
        quantity = _digits(text, index) if tokens[index].kind == "num" else _spelled(text, index)
        if quantity is None:
            index += 1
            continue
        found.append(quantity)
        index = quantity.last + 1
    return found


def _digits(text: Text, index: int) -> Quantity | None:
    token = text.tokens[index]
    value = _number(token.stem)
    if value is None:
        return None
    shown = True  # digits are always worth listing when they are ignored
    if token.suffix == "%":
        return Quantity(index, index, value / 100, True, token.text, shown)
    if token.suffix:
        value *= MAGNITUDES[token.suffix]
    last, value, share = _tail(text, index, value)
    if not math.isfinite(value):
        return Quantity(index, last, math.inf, False, text.span(index, last), shown, token.glued)
    ratio = _one_in(text, index, value)
    if ratio is not None:
        return ratio
    if _is_year(text, index, last, value) or _is_version(text, index, last):
        return Quantity(index, last, value, False, text.span(index, last), shown, glued=True)
    return Quantity(index, last, value, share, text.span(index, last), shown, token.glued)


_YEAR_BEFORE = {"in", "since", "from", "until", "till", "to", "by", "year", "circa", "between", "during"}


def _is_year(text: Text, index: int, last: int, value: float) -> bool:
    """ "in 2019", "BraTS 2020", "2011-2016": a year, not a count; "2000 reviews" stays a count."""
    token = text.tokens[index]
    if last != index or token.suffix or not token.text.isdigit() or not 1950 <= value <= 2049:
        return False
    before = text.tokens[index - 1] if index > 0 else None
    if before is None or before.kind != "word":
        return bool(before and before.text == "(") or token.glued
    # After a name: "BraTS 2020", "PhysioNet 2017", "Kaggle 2019" (a capital that does not just start a sentence).
    if _named(text, index - 1):
        return True
    # "from 2000 dermoscopy images" counts things; "from 2015 to 2020" is a span of years.
    return before.text.lower() in _YEAR_BEFORE and not _plural_follows(text, index)


def _is_version(text: Text, index: int, last: int) -> bool:
    """ "wav2vec 2.0", "GPT 3.5", "Python 3.10": a decimal right after a name is its version, not an amount."""
    token = text.tokens[index]
    if last != index or token.suffix or "." not in token.text or index == 0:
        return False
    return _named(text, index - 1)


def _named(text: Text, at: int) -> bool:
    """Whether the word at ``at`` is a name: capitals past its first letter, a digit, or a capital mid-sentence."""
    word = text.tokens[at]
    if word.kind != "word":
        return False
    return any(c.isupper() or c.isdigit() for c in word.text[1:]) or (
        word.text[:1].isupper() and at > 0 and text.tokens[at - 1].kind != "punct")


def _plural_follows(text: Text, index: int) -> bool:
    """Whether one of the two words after a number is a plural noun ("2000 images", "2000 chest scans")."""
    for token in text.tokens[index + 1: index + 3]:
        if token.kind != "word":
            return False
        word = token.text.lower()
        if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ics")):
            return True
    return False


def _number(digits: str) -> float | None:
    """ "10,000", "12 000", "1.5", "0.001" as a float; a page of digits is inf, never an OverflowError."""
    try:
        return float(digits.replace(",", "").replace(" ", ""))
    except ValueError:
        return None


def _tail(text: Text, index: int, value: float) -> tuple[int, float, bool]:
    """Magnitude words after a number ("2 million", "3 thousand"), or "percent": the value they make."""
    tokens, last = text.tokens, index
    while last + 1 < len(tokens) and tokens[last + 1].kind == "word":
        word = tokens[last + 1].text.lower()
        if word.rstrip("s") in MAGNITUDES and len(word) > 2:
            value *= MAGNITUDES[word.rstrip("s")]
            last += 1
        elif word in ("percent", "pct") or (word == "per" and last + 2 < len(tokens) and tokens[last + 2].text.lower() == "cent"):
            return (last + 1 if word != "per" else last + 2), value / 100, True
        else:
            break
    return last, value, False


def _one_in(text: Text, index: int, value: float) -> Quantity | None:
    """ "one in ten", "1 out of 10": a share."""
    tokens = text.tokens
    words = [t.text.lower() for t in tokens[index + 1: index + 5]]
    if value != 1 or not words or words[0] not in ("in", "out"):
        return None
    rest = words[2:] if words[:2] == ["out", "of"] else words[1:]
    rest = rest[1:] if rest[:1] == ["every"] else rest
    skip = len(words) - len(rest)
    if rest and index + 1 + skip < len(tokens):
        target = tokens[index + 1 + skip]
        denominator = _DENOMINATORS.get(target.text.lower()) or (
            _number(target.stem) if target.kind == "num" and not target.suffix else None)
        if denominator:
            return Quantity(index, index + 1 + skip, 1 / denominator, True, text.span(index, index + 1 + skip), False)
    return None


def _spelled(text: Text, index: int) -> Quantity | None:
    tokens = text.tokens
    words = tuple(t.text.lower() if t.kind == "word" else "" for t in tokens[index: index + 4])
    if words[0] in _SMALL:
        value = _SMALL[words[0]]
        ratio = _one_in(text, index, value) if value == 1 else None
        if ratio:
            return ratio
    for pattern in _LONGEST_FIRST:
        if words[: len(pattern)] != pattern:
            continue
        if pattern == ("all",) and index > 0 and tokens[index - 1].text.lower() == "at":
            return None  # "no labels at all"
        last = index + len(pattern) - 1
        if pattern in _VAGUE:
            magnitude_last, magnitude = _magnitudes(text, last + 1)
            if magnitude:  # "a few hundred", "tens of thousands"
                return Quantity(index, magnitude_last, _VAGUE[pattern] * magnitude, False,
                                text.span(index, magnitude_last), True)
            if pattern in _COUNTS_ALONE:  # "thousands of images", "a dozen photos"
                return Quantity(index, last, _VAGUE[pattern], False, text.span(index, last), pattern[0].endswith("s"))
        if pattern in _SHARES:
            return Quantity(index, last, _SHARES[pattern], True, text.span(index, last), False)
    if words[0] in _SMALL:
        magnitude_last, magnitude = _magnitudes(text, index + 1)
        value = _SMALL[words[0]] * (magnitude or 1)
        last = magnitude_last if magnitude else index
        return Quantity(index, last, value, False, text.span(index, last), bool(magnitude))
    return None


def _magnitudes(text: Text, index: int) -> tuple[int, float]:
    """ "hundred", "thousands of", "hundred thousand": the product, and the last token it used (0 if none)."""
    value, last, tokens = 1.0, index - 1, text.tokens
    while last + 1 < len(tokens) and tokens[last + 1].kind == "word":
        word = tokens[last + 1].text.lower()
        if word == "of" and value > 1:
            break
        base = word[:-1] if word.endswith("s") else word
        if base not in ("hundred", "thousand", "million", "billion"):
            break
        value *= MAGNITUDES[base]
        last += 1
    return last, (value if last >= index else 0.0)


# ---- roles --------------------------------------------------------------------------------------------

class Cues:
    """One question's number cues, compiled."""

    __slots__ = ("question", "after", "before", "not_after", "not_near", "rest")

    def __init__(self, question: Question, after: list[Phrase], before: list[Phrase], not_after: set[str],
                 not_near: set[str] = frozenset(), rest: list[Phrase] = ()) -> None:
        self.question, self.after, self.before, self.not_after = question, after, before, not_after
        self.not_near, self.rest = not_near, list(rest)


def compile_cues(questions: dict[str, Question]) -> list[Cues]:
    compiled = []
    for question in questions.values():
        reading = question.reading
        if reading is None:
            continue
        borrowed = [w for qid in reading.after_synonyms_of for c in questions[qid].choices for w in c.synonyms]
        after = [p for p in map(phrase, dict.fromkeys([*reading.after, *borrowed])) if p]
        before = [p for p in map(phrase, reading.before) if p]
        rest = [p for p in map(phrase, reading.rest) if p]
        not_near = {stem for words in reading.not_near for stem in stems_of(words)}
        compiled.append(Cues(question, after, before, {w.lower() for w in reading.not_after}, not_near, rest))
    return compiled


class Role:
    """A role a number may take: the question it answers, and the cue that says so."""

    __slots__ = ("question", "distance", "cue", "length")

    def __init__(self, question: Question, distance: int, cue: str, length: int) -> None:
        self.question = question
        self.distance = distance  # words between the number and its cue
        self.cue = cue  # the number and its cue, as written in the text
        self.length = length  # words in the cue: a longer cue is more specific


def roles(text: Text, quantity: Quantity, cues: list[Cues]) -> list[Role]:
    """The roles the words around ``quantity`` give it, nearest cue first."""
    found = []
    tokens = text.tokens
    for entry in cues:
        if quantity.share and entry.question.kind != "fraction":
            continue
        reach = entry.question.reading.reach
        best = None
        if entry.not_near and _other_part(tokens, quantity, entry.not_near):
            continue
        for cue in entry.after:
            for first, last in cue.find(text):
                gap = _between(tokens, quantity.last + 1, first, stop_at_numbers=not quantity.share)
                if gap is None or gap > reach:
                    continue
                if any(t.text.lower() in entry.not_after for t in tokens[quantity.last + 1: last + 1]) or (
                        _counted_after(tokens, last, entry.not_after)):
                    continue
                if entry.not_near and any(t.stem in entry.not_near for t in tokens[quantity.last + 1: first]):
                    continue
                candidate = Role(entry.question, gap, text.span(quantity.first, last), len(cue.stems))
                best = _nearer(best, candidate)
        for cue in entry.before:
            for first, last in cue.find(text):
                gap = _between(tokens, last + 1, quantity.first, stop_at_numbers=True)
                if gap is None or gap > reach or _counts_other(tokens, quantity, entry.not_after):
                    continue
                candidate = Role(entry.question, gap, text.span(first, quantity.last), len(cue.stems))
                best = _nearer(best, candidate)
        if best:
            found.append(best)
    return sorted(found, key=lambda role: (role.distance, -role.length))


def _counts_other(tokens, quantity: Quantity, not_after: set[str]) -> bool:
    """After a number cued before it: "a dataset of 39 leaf classes" counts classes, not examples."""
    nxt = quantity.last + 1
    word = tokens[nxt].text.lower() if nxt < len(tokens) and tokens[nxt].kind == "word" else ""
    return word in not_after or (bool(word) and _counted_after(tokens, nxt, not_after))


def _counted_after(tokens, last: int, not_after: set[str]) -> bool:
    """Whether the noun right after a cue is what the number counts: "39 leaf classes", "397 bird species"."""
    nxt = tokens[last + 1] if last + 1 < len(tokens) else None
    word = nxt.text.lower() if nxt is not None and nxt.kind == "word" else ""
    return word.endswith("s") and word in not_after


def rest_of(text: Text, quantity: Quantity, cues: list[Cues]) -> tuple[Cues, str] | None:
    """The fraction question whose ``rest`` cue follows ``quantity`` ("5000 unlabelled"), and those words."""
    if quantity.share:
        return None
    for entry in cues:
        for cue in entry.rest:
            for first, last in cue.find(text):
                gap = _between(text.tokens, quantity.last + 1, first, stop_at_numbers=True)
                if gap is not None and gap <= entry.question.reading.reach:
                    return entry, text.span(quantity.first, last)
    return None


NEAR = 3  # words before a number that may say which part it counts ("a test set of 500")


def _other_part(tokens, quantity: Quantity, words: set[str]) -> str:
    """The one of ``words`` just before the number or right after it: "350 test", "test set of 350"; else ''."""
    for token in reversed(tokens[max(quantity.first - NEAR, 0): quantity.first]):
        if token.kind != "word":
            break
        if token.stem in words:
            return token.text
    nxt = quantity.last + 1
    return tokens[nxt].text if nxt < len(tokens) and tokens[nxt].kind == "word" and tokens[nxt].stem in words else ""


def other_part(text: Text, quantity: Quantity, cues: list[Cues]) -> str:
    """Why a count is not the answer its noun suggests: "a 'test' part" for "350 test images"; else ''."""
    for entry in cues:
        word = entry.not_near and _other_part(text.tokens, quantity, entry.not_near)
        if word:
            return f"a '{word}' part, not {entry.question.id}"
    return ""


def _between(tokens, start: int, stop: int, *, stop_at_numbers: bool) -> int | None:
    """Words from ``start`` up to ``stop``; None if ``stop`` comes first or a mark (or number) is in between."""
    if stop < start:
        return None
    for token in tokens[start:stop]:
        if token.kind == "punct" or (stop_at_numbers and token.kind == "num"):
            return None
    return stop - start


def _nearer(best: Role | None, candidate: Role) -> Role:
    if best is None or (candidate.distance, -candidate.length) < (best.distance, -best.length):
        return candidate
    return best
