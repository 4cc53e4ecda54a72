"""Turn a sentence ("800 chest x-rays, a tenth labeled, find pneumonia on a laptop") into answers.

The words come from the data: every choice in ``questions.yaml`` lists the synonyms that mean it, so
teaching ``--describe`` a new word is a one-line change there. This module adds only what a word list
cannot say: numbers ("2k", "1.5M", "two million", "a few hundred"), fractions ("10%", "a tenth",
"half", "unlabeled") and which number is which (examples, sequence length or labelled count, told apart
by the words around it). It returns the answers it found and, for each, the words it found them in, so
the user can see what was understood; it never asks and never fails - what it cannot tell stays open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dlguide.rules_schema import Question

_UNITS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9, "hundred": 1e2}
_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a": 1, "an": 1, "a few": 3,
    "a couple of": 2, "a couple": 2, "several": 5, "a dozen": 12, "dozens of": 50, "tens of": 30,
    "hundreds of": 300, "thousands of": 3000, "millions of": 3e6, "half a": 0.5, "a handful of": 5,
}
_NUMBER = re.compile(
    r"(?<![\w.])(?P<num>\d{1,3}(?: \d{3})+(?![\d.,-])|\d+(?:[.,]\d+)*)\s*(?P<unit>k|m|mm|b|thousand|million|billion|hundred)?(?![\w])"
    r"|(?<![\w])(?P<words>a few|a couple of|a couple|several|a dozen|dozens of|tens of|hundreds of|thousands of|"
    r"millions of|half a|a handful of|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|an|a)\s+(?P<wunit>hundred|thousand|million|billion)s?"
    r"(?:\s+(?P<wunit2>thousand|million)s?)?(?![\w])"
    r"|(?<![\w])(?P<plural>dozens|hundreds|thousands|millions) of(?![\w])",
)
_PERCENT = re.compile(r"(?<![\w.])(?P<num>\d+(?:\.\d+)?)\s*(?:%|percent|per cent)")
_ONE_IN = re.compile(r"(?<![\w])(?:one|1) (?:in|out of) (?P<n>\d+|ten|five|four|three|twenty|a hundred)")
_WORD_FRACTIONS = {
    "a tenth": 0.1, "one tenth": 0.1, "a fifth": 0.2, "a quarter": 0.25, "a third": 0.33, "half": 0.5,
    "two thirds": 0.67, "three quarters": 0.75, "most": 0.8, "a few": 0.05, "few": 0.05, "a handful": 0.05,
    "only a few": 0.05, "a small fraction": 0.05, "a small part": 0.05, "a small subset": 0.05, "some": 0.3,
}
_LABEL = r"(?:label(?:l?ed|s)?|annotated|annotations?|tagged|ground[- ]truth)"
_NONE_LABELED = re.compile(
    rf"\b(?:un-?label+ed|not label+ed|no labels?|without labels?|no annotations?|unannotated|nothing (?:is )?label+ed|none (?:are |is )?label+ed)\b"
)
_ALL_LABELED = re.compile(
    rf"\b(?:all|every(?:thing| one| example| image| row)?|fully|completely|100%)\s+(?:of them |of it |are |is |have |has )?{_LABEL}"
    rf"|\b{_LABEL}\s+(?:data ?set|dataset|data)\b"
)
_SEQ_AFTER = re.compile(
    r"^\s*(?:-| )?(?:tokens?|words?|characters?|chars?|steps?|time ?steps?|timesteps?|frames?|readings? (?:per|each|a|long)|"
    r"samples? (?:per|each|long)|points? (?:per|each|long)|(?:-?step|-?token|-?word|-?frame)s?\b|long\b|per (?:sequence|series|window|clip|sample|document|text|example))"
)
_SEQ_BEFORE = re.compile(r"(?:length(?: of)?|sequences? of|windows? of|series of|up to|lengths? around|each of|clips? of)\s*$")
_SKIP_AFTER = re.compile(  # "10-second clips", "a 3-layer net": a number that measures something else
    r"^\s*-?\s*(?:gpus?|cpus?|cores?|gb|tb|mb|hours?|minutes?|days?|weeks?|months?|years?|classes|class|categories|labels?\b|"
    r"dimensions?|dimensional|features?|columns?|layers?|epochs?|x\d|px|pixels?|by\b|fps|hz|khz|mhz|ms\b|seconds?|secs?\b|bits?\b|%)"
)
_SKIP_BEFORE = re.compile(r"(?<![\w])(?:rtx|gtx|rx|quadro|tesla|jetson|iphone|pixel|galaxy|python|version|v|top|top-)\s*$")
_PART_OF = re.compile(r"\s+(?:out\s+)?of\s+(?:(?:our|the|all|these|those|my|your|their|total|a total of)\s+)*")
_LABELED_AFTER = re.compile(rf"^\s*(?:of (?:them|these|those|the \w+) )?(?:are |is |have |has |with )?{_LABEL}")


# Between the words of a phrase a sentence may put an article or a possessive: "remove the noise".
_FILLER = r"(?:\s+(?:the|a|an|my|our|their|its|his|her|your|these|those|some|all|new|each|every))?\s+"
# Nouns that say only that there is data; the word right before them says what kind ("EEG recordings").
_GENERIC_HEAD = re.compile(r"(?:recording|signal|reading|record|log|stream|file|data|sequence|clip|sample)s?")
# Nouns that name the data's shape; the word before them only says what it is made of ("transaction graph").
_SHAPE_HEAD = re.compile(r"(?:graph|table|spreadsheet)s?")
# Object detection draws boxes in pictures; elsewhere "detect spam" asks for a yes/no answer.
_PICTURES = ("image", "video", "multimodal")


def _phrase(synonym: str) -> str:
    """A synonym as a pattern: its words in order, a filler word allowed between them."""
    return _FILLER.join(re.escape(word) for word in synonym.lower().split())


@dataclass
class Understood:
    """What a sentence said: answers by question id, and the words each answer came from."""

    answers: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)

    def put(self, question_id: str, value: Any, words: str) -> None:
        if question_id not in self.answers:
            self.answers[question_id] = value
            self.evidence[question_id] = words.strip()


def understand(text: str, questions: dict[str, Question]) -> Understood:
    """Read ``text`` for answers to ``questions``; unknown words are ignored, nothing is guessed twice."""
    lowered = " " + re.sub(r"\s+", " ", text.lower().replace("’", "'")) + " "
    found = Understood()
    _read_choices(lowered, questions, found)
    taken: list[tuple[int, int]] = []
    _read_fraction(lowered, questions, found, taken)
    _read_numbers(lowered, questions, found, taken)
    return found


def _read_choices(text: str, questions: dict[str, Question], found: Understood) -> None:
    matches = []
    for question in questions.values():
        if question.kind not in ("choice", "multi"):
            continue
        for choice in question.choices:
            for synonym in {choice.id, choice.label.lower(), *choice.synonyms}:
                pattern = r"(?<![\w])" + _phrase(synonym) + r"(?:e?s)?(?![\w])"
                for match in re.finditer(pattern, text):
                    matches.append((match.start(), match.end(), len(synonym), question.id, choice.id, match.group(0)))
    # Longest phrase first, so "no gpu" beats "gpu", "gpus" beats "gpu" and "anomaly detection" beats "detection".
    matches.sort(key=lambda m: (-(m[1] - m[0]), -m[2], m[0]))
    kept: list[tuple] = []
    for match in matches:
        # Overlaps compete only within a question: "churn" may name tabular data and a classify task at once.
        rivals = [other for other in kept if other[3] == match[3]]
        if all(match[1] <= other[0] or match[0] >= other[1] for other in rivals):
            kept.append(match)
    kept.sort(key=lambda m: m[0])
    by_question: dict[str, list[tuple]] = {}
    for match in kept:
        hits = by_question.setdefault(match[3], [])
        adjacent = hits and re.fullmatch(r"[\s-]*", text[hits[-1][1]: match[0]])
        if adjacent and _GENERIC_HEAD.fullmatch(match[5]):
            continue  # "EEG recordings", "audio signal": a generic noun takes its kind from the word before it
        if adjacent and _SHAPE_HEAD.fullmatch(match[5]):
            hits.pop()  # "transaction graph": the shape noun decides
        hits.append(match)
    for question_id, hits in by_question.items():
        question = questions[question_id]
        if question.kind == "multi":
            chosen = list(dict.fromkeys(hit[4] for hit in hits))
            found.put(question_id, chosen, ", ".join(dict.fromkeys(hit[5] for hit in hits)))
            continue
        distinct = list(dict.fromkeys(hit[4] for hit in hits))
        perceptual = [c for c in distinct if c in ("image", "video", "text", "audio")]
        if question_id == "data" and len(perceptual) >= 2 and "multimodal" in question.choice_ids():
            # Two kinds of media at once ("images with their captions") is what multimodal means.
            found.put(question_id, "multimodal", " + ".join(dict.fromkeys(h[5] for h in hits if h[4] in perceptual)))
            continue
        # Several different answers: a named kind beats a generic noun ("recordings of EEG"), then the most
        # specific phrase wins ("forecast" over "prices"), then the first.
        best = min(hits, key=lambda hit: (bool(_GENERIC_HEAD.fullmatch(hit[5])), -hit[2], hit[0]))
        found.put(question_id, best[4], best[5])
    task, data = found.answers.get("task"), found.answers.get("data")
    if task == "detect" and data and data not in _PICTURES and "classify" in questions["task"].choice_ids():
        found.answers["task"] = "classify"


def _read_fraction(text: str, questions: dict[str, Question], found: Understood, taken: list) -> None:
    fraction_questions = [q for q in questions.values() if q.kind == "fraction"]
    if not fraction_questions:
        return
    question_id = fraction_questions[0].id
    match = _NONE_LABELED.search(text)
    mostly = re.search(r"\b(?:mostly|largely|mainly) un-?label+ed\b", text)
    if mostly:
        found.put(question_id, 0.05, mostly.group(0))
    for pattern, value in ((_ALL_LABELED, 1.0),):
        hit = pattern.search(text)
        if hit:
            found.put(question_id, value, hit.group(0))
    for hit in _PERCENT.finditer(text):
        if re.search(_LABEL, text[hit.end(): hit.end() + 40]) or re.search(_LABEL + r"\s*$", text[max(0, hit.start() - 25): hit.start()]):
            found.put(question_id, min(float(hit.group("num")) / 100, 1.0), hit.group(0))
            taken.append(hit.span())
    for hit in _ONE_IN.finditer(text):
        if re.search(_LABEL, text[hit.end(): hit.end() + 40]):
            n = hit.group("n")
            denominator = float(n) if n.isdigit() else {"ten": 10, "five": 5, "four": 4, "three": 3, "twenty": 20, "a hundred": 100}[n]
            found.put(question_id, round(1 / denominator, 4), hit.group(0))
            taken.append(hit.span())
    for words, value in sorted(_WORD_FRACTIONS.items(), key=lambda item: -len(item[0])):
        hit = re.search(rf"(?<![\w]){re.escape(words)}(?: of(?: [\w,]+){{1,4}}?)?(?: (?:are|is|have|has|with|were))? {_LABEL}", text)
        hit = hit or re.search(rf"{_LABEL} (?:for|on|in) (?:only |just |about |around |roughly )?{re.escape(words)}(?![\w])", text)
        if hit:
            found.put(question_id, value, hit.group(0))
    if match:
        found.put(question_id, 0.0, match.group(0))


def _read_numbers(text: str, questions: dict[str, Question], found: Understood, taken: list) -> None:
    counted = [q.id for q in questions.values() if q.kind == "number"]
    samples_id = counted[0] if counted else None
    length_id = counted[1] if len(counted) > 1 else None
    labeled_count = None
    _read_part_of(text, questions, found, taken, samples_id)
    for match in _NUMBER.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        if _SKIP_BEFORE.search(text[max(0, match.start() - 12): match.start()]):
            continue  # "RTX 3090", "Python 3": a name, not a count
        value = _value(match)
        if value is None or value <= 0:
            continue
        after, before = text[match.end(): match.end() + 30], text[max(0, match.start() - 25): match.start()]
        if value < 1 and _LABELED_AFTER.match(after):
            fraction_ids = [q.id for q in questions.values() if q.kind == "fraction"]
            if fraction_ids:
                found.put(fraction_ids[0], value, match.group(0) + _LABELED_AFTER.match(after).group(0))
            continue
        if _SKIP_AFTER.match(after) and not _SEQ_AFTER.match(after):
            continue
        if length_id and (_SEQ_AFTER.match(after) or _SEQ_BEFORE.search(before)):
            found.put(length_id, int(value), match.group(0) + _SEQ_AFTER.match(after).group(0) if _SEQ_AFTER.match(after) else match.group(0))
        elif _LABELED_AFTER.match(after) and samples_id in found.answers:
            labeled_count = (value, match.group(0) + _LABELED_AFTER.match(after).group(0))
        elif samples_id:
            found.put(samples_id, int(value), match.group(0))
    fractions = [q.id for q in questions.values() if q.kind == "fraction"]
    if labeled_count and fractions and samples_id in found.answers:
        # "2000 reviews, 150 of them labelled": a count of labels becomes a fraction of the examples.
        total = found.answers[samples_id]
        found.put(fractions[0], round(min(labeled_count[0] / total, 1.0), 4), labeled_count[1])


def _read_part_of(text: str, questions: dict[str, Question], found: Understood, taken: list, samples_id) -> None:
    """ "we labelled 500 of our 10,000 images": the second number counts the examples, the first the labels."""
    fractions = [q.id for q in questions.values() if q.kind == "fraction"]
    numbers = [m for m in _NUMBER.finditer(text) if not any(start <= m.start() < end for start, end in taken)]
    for part, whole in zip(numbers, numbers[1:]):
        near = text[max(0, part.start() - 30): part.start()] + " " + text[whole.end(): whole.end() + 40]
        if not (_PART_OF.fullmatch(text[part.end(): whole.start()]) and re.search(_LABEL, near) and fractions and samples_id):
            continue
        count, total = _value(part), _value(whole)
        if count and total and 0 < count <= total:
            found.put(samples_id, int(total), whole.group(0))
            found.put(fractions[0], round(count / total, 4), text[part.start(): whole.end()])
            taken.extend([part.span(), whole.span()])
            return


def _value(match: re.Match) -> float | None:
    if match.group("num"):
        digits = match.group("num").replace(" ", "")  # "12 000"
        digits = digits.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", digits) else digits.replace(",", ".")
        try:
            number = float(digits)
        except ValueError:
            return None
        unit = match.group("unit")
        return number * _UNITS[unit] if unit else number
    if match.group("plural"):
        return _WORD_NUMBERS[match.group("plural") + " of"]
    number = _WORD_NUMBERS.get(match.group("words"))
    if number is None:
        return None
    number *= _UNITS[match.group("wunit")]
    if match.group("wunit2"):
        number *= _UNITS[match.group("wunit2")]
    return number
