"""Turn a sentence ("800 chest x-rays, a tenth labeled, find pneumonia on a laptop") into answers.

Everything the reader knows about the questions comes from ``questions.yaml``: each choice lists its
synonyms (weight 3), well-known dataset and model names (2) and hints (1); each number question says,
in ``reading``, which words around a number give it that role. This module only weighs the evidence:

- for a choice question, every cue found adds its weight to its choice (a phrase of several words a little
  more; where phrases overlap the longer one keeps the words; in a compound such as "transaction graph" the
  last noun, the head, counts one more, unless it is a weaker, generic word: "audio signals"). The heaviest
  choice wins; it is *sure* when it has a synonym's weight and clearly beats the runner-up, else it is a
  guess that an interactive run confirms;
- a cue right after one of the question's ``lead_words`` ("I want to", "predict") counts double, and so does
  every cue of a clause that opens with a choice's own word, an imperative ("Forecast six weeks of sales");
  one right after a negation ("rather than", "not", "don't want") counts nothing, though a complaint ("the
  gestures don't get recognised") still names the goal; a question word that opens a question about method
  ("Where do I start", "Which model should we use") is no cue, and saying the same words again adds only a
  quarter;
- a cue right after one of the question's ``weak_after`` words counts a quarter: what a conversion makes
  ("into typed text") or the method used ("using GANs"); a question's ``not_cues`` ("hidden nodes",
  "neural network") take their words away from every cue;
- a choice with ``outranks`` takes the evidence of its parts where it is named itself (video frames);
- a choice with ``several_of`` wins when two of those choices are each named ("photos and their captions");
  a choice with ``applies_when`` is never picked where its condition on earlier answers is false, and one
  with ``implies`` gives another question a guess where the sentence said nothing of it;
- the question's learned word weights (``dlguide.advisor.learned``, from ``learned.yaml``) are added to the
  cues' evidence; an answer they change, or give where no cue spoke, is a guess that names its words;
- numbers take the role their neighbouring words give them (``dlguide.advisor.describe_numbers``); a count
  of a test split is not the training count, and a labelled and an unlabelled part make the whole.

It returns answers, their words, unsure readings, ignored numbers; never asks, never fails: the rest stays open.
"""

from __future__ import annotations

from typing import Any

from dlguide.advisor.cues import NAME, SYNONYM, compiled
from dlguide.advisor.describe_numbers import Quantity, other_part, quantities, rest_of, roles
from dlguide.advisor.learned import ALONE, ALONE_WORDS
from dlguide.advisor.learned import evidence as learned_evidence
from dlguide.advisor.words import Phrase, Text
from dlguide.rules.rules_schema import Profile, Question

HEAD_BONUS = 1.0  # the last noun of a compound names what the thing is ("transaction graph")
SURE_MARGIN = 1.5  # a sure reading weighs at least this many times the runner-up
REPEAT = 0.25  # what each repetition of the same words adds, as a share of the first
LEAD_REACH = 3  # words that may stand between a lead ("I want to") and the cue it introduces
LEAD_FACTOR = 2.0  # a cue right after a lead ("I want to") counts this many times
# The words of a sentence's frame rather than its content. A clause that opens with a question word, then
# an auxiliary and a pronoun ("Where do I start", "Which algorithm should we use", "How much data do I
# need") asks about the method, so its question word is no cue ("where" is not a box, "which" no class);
# "Which customers will churn" is no frame (no pronoun) and keeps its cue.
QUESTION_WORDS = {"where", "which", "what", "how", "when", "who", "why"}
AUXILIARIES = {"do", "does", "did", "can", "could", "should", "would", "will", "shall", "is", "are", "was", "were",
               "might", "must", "may"}
PRONOUNS = {"i", "we", "you", "it", "they", "one", "this", "that", "these", "those", "he", "she"}
CLAUSE_ENDS = {".", ":", ";", "!", "?"}
# English words that deny what follows: "rather than a recogniser", "no classification", "not a classifier".
NEGATIONS = {"not", "instead", "rather", "without", "nor", "except", "unlike", "no"}
# A verb's negation denies a goal only where it denies a wish ("I don't want classification"); otherwise it is
# a complaint about the goal ("the gestures don't get recognised", "it does not detect anything"), which
# still names it.
VERB_NEGATIONS = {"don't", "dont", "doesn't", "isn't", "aren't", "never", "didn't", "won't", "can't", "cannot",
                  "wasn't", "weren't", "couldn't", "wouldn't"}
WISHES = {"want", "need", "wish", "like", "care", "interested", "looking", "trying", "plan", "intend", "aim"}
NEGATION_REACH = 2  # words that may stand between a negation and the cue it denies
OUTRANK = 0.6  # a kind takes its parts' evidence when its own is at least this share of theirs
TOGETHER = 0.6  # two kinds are named together ('several_of') when the weaker has this share of the stronger
WEAK = 0.25  # a cue of what the model makes ("into typed text") or of its method ("using GANs") says little
MAX_CHARS = 20_000  # text beyond this is not read: a description, not a document


class Understood:
    """What a sentence said: answers by question id, the words each came from, and what was unclear."""

    def __init__(self) -> None:
        self.answers: dict[str, Any] = {}
        self.evidence: dict[str, str] = {}  # the cue's words as written ('' where only learned words spoke)
        self.learned: dict[str, list[str]] = {}  # the learned layer's words, where they decided the answer
        self.unsure: set[str] = set()  # answers read from weak evidence: confirm before use
        self.ignored: list[str] = []  # numbers that answered nothing, with the reason
        self.encoder: dict[str, str] = {}  # answers a second reader changed, and which (dlguide.advisor.overrule)

    def put(self, question_id: str, value: Any, words: str, *, sure: bool = True, learned: list[str] = ()) -> bool:
        if question_id in self.answers:
            return False
        self.answers[question_id] = value
        self.evidence[question_id] = " ".join(words.split())
        if learned:
            self.learned[question_id] = list(learned)
        if not sure:
            self.unsure.add(question_id)
        return True


class _Match:
    __slots__ = ("used", "first", "last", "cue", "score")

    def __init__(self, used: tuple[int, ...], cue: Phrase, score: float) -> None:
        self.used, self.first, self.last, self.cue, self.score = used, used[0], used[-1], cue, score


def understand(text: str, questions: dict[str, Question]) -> Understood:
    """Read ``text`` for answers to ``questions``; unknown words are ignored, nothing is guessed twice."""
    cues, number_cues, said, leads, weak = compiled(questions)
    read = Text(text[:MAX_CHARS])
    found = Understood()
    for question in questions.values():
        if question.kind in ("choice", "multi"):
            _read_choice(question, read, cues[question.id], found, _led(read, leads[question.id]),
                         goal=bool(leads[question.id]), weak=_led(read, weak[question.id], WEAK_ENDS))
    _implied(questions, found)
    _read_numbers(read, questions, number_cues, found)
    for question_id, entries in said.items():
        for value, phrases in entries:
            hits = [(first, last) for p in phrases for first, last in p.find(read)]
            if hits:
                first, last = min(hits)
                found.put(question_id, value, read.span(first, last))
                break
    return found


def _implied(questions: dict[str, Question], found: Understood) -> None:
    """What a choice makes likely where the sentence said nothing ("become friends": links, so a graph): a guess."""
    for question in questions.values():
        chosen = found.answers.get(question.id)
        for choice in question.choices:
            if choice.id == chosen:
                for other, value in choice.implies.items():
                    if other in questions and other not in found.answers:
                        basis = f"{question.id} {chosen}: '{found.evidence[question.id]}'".removesuffix(": ''")
                        found.put(other, value, basis, sure=False, learned=found.learned.get(question.id, ()))


def _led(text: Text, leads: list[Phrase], stops: frozenset[str] = frozenset()) -> set[int]:
    """Token indexes a lead phrase introduces: the few words right after "I want to"."""
    led: set[int] = set()
    for lead in leads:
        for _, last in lead.find(text):
            for index in range(last + 1, min(last + 2 + LEAD_REACH, len(text.tokens))):
                if text.tokens[index].kind == "punct" or text.tokens[index].text.lower() in stops:
                    break
                led.add(index)
    return led


# Words that end a method's or a product's phrase and go on to the goal: "using an LSTM to forecast demand".
WEAK_ENDS = frozenset({"to", "for", "so", "and", "that", "which", "in"})


def _read_choice(question: Question, text: Text, cues: list[Phrase], found: Understood, led: set[int],
                 goal: bool = False, weak: set[int] = frozenset()) -> None:
    excluded = barred(question, found)
    kept, scores, silenced = _weigh(text, [cue for cue in cues if cue.owner not in excluded], led, goal, weak)
    evidence = {choice: _best(kept, choice, text) for choice in scores}
    _combine(question, kept, scores, evidence)
    if question.kind == "multi":
        chosen = [c.id for c in question.choices if scores.get(c.id, 0.0) >= NAME]
        if chosen:
            chosen.sort(key=lambda c: min(m.first for m in kept if m.cue.owner == c))
            found.put(question.id, chosen, ", ".join(evidence[c] for c in chosen))
        return
    top, sure = _ranked(scores, kept)
    said, learned = evidence.get(top), []
    if question.learned is not None:
        learned_top, said, learned = _with_learned(question, text, excluded, scores, kept, evidence, top, silenced)
        # Text nobody tuned the cues to is read better when the learned words may overrule even a sure
        # cue (benchmarks/learn.py --as-it-came); what they overrule is then a guess to confirm.
        sure, top = sure and learned_top == top, learned_top
    if top is not None:
        found.put(question.id, top, said or "", sure=sure, learned=learned)


def _ranked(scores: dict[str, float], kept: list[_Match]) -> tuple[str | None, bool]:
    """The heaviest choice (the first named, among equals), and whether it is far enough ahead to be sure."""
    if not scores:
        return None, False
    ranked = sorted(scores, key=lambda c: (-scores[c], min((m.first for m in kept if m.cue.owner == c), default=0)))
    top = ranked[0]
    runner_up = scores[ranked[1]] if len(ranked) > 1 else 0.0
    return top, scores[top] >= SYNONYM and scores[top] >= SURE_MARGIN * runner_up


def _with_learned(question: Question, text: Text, excluded: set[str], scores: dict[str, float], kept: list[_Match],
                  evidence: dict[str, str], top: str | None,
                  silenced: frozenset[int]) -> tuple[str | None, str | None, list[str]]:
    """The cues' reading with the learned words added: the choice, its cue's words, the learned words deciding it."""
    extra, words = learned_evidence(question.learned, text, silenced)
    extra = {choice: value for choice, value in extra.items() if choice not in excluded}
    combined = {c.id: scores.get(c.id, 0.0) + extra.get(c.id, 0.0) for c in question.choices}  # ties: one order
    best, _ = _ranked({c: v for c, v in combined.items() if v > 0}, kept)
    if best is None:
        return None, None, []
    if best == top or extra.get(best, 0.0) < ALONE:  # too little learned evidence to overrule a cue or speak alone
        return top, evidence.get(top), []
    if top is None and len(words.get(best, [])) < ALONE_WORDS:
        return None, None, []
    return best, evidence.get(best), words.get(best, [])[:3]


def _weigh(text: Text, cues: list[Phrase], led: set[int], goal: bool = False,
           weak: set[int] = frozenset()) -> tuple[list[_Match], dict[str, float], frozenset[int]]:
    """The cue matches that count, each choice's weight of evidence, and the words the not-cues took.

    ``goal``: the question is about the goal (it has lead words), so a clause that opens with one of its
    choices' words is an imperative that states it.
    """
    matches = [_Match(used, cue, cue.weight * (1 + 0.25 * (len(cue.stems) - 1)))
               for cue in cues for used in cue.occurrences(text)]
    # A longer phrase keeps the words it matched: "anomaly detection" is not also "detection", "no gpu" not
    # "gpu"; the words it skips stay free ("predict tomorrow's price" still has "tomorrow"); a not-cue wins a tie.
    matches.sort(key=lambda m: (-len(m.cue.stems), m.last - m.first, bool(m.cue.owner), -m.cue.weight, m.first))
    framed = _frame(text)
    # What the not-cues took, and a method question's frame word, give no learned features either.
    silenced = frozenset(i for m in matches if not m.cue.owner for i in m.used) | framed
    taken: set[int] = set()
    kept: list[_Match] = []
    for match in matches:
        if not taken.intersection(match.used):
            kept.append(match)
            taken.update(match.used)
    kept = [m for m in kept if m.cue.owner]  # not-cues only took their words
    kept.sort(key=lambda m: m.first)
    kept = [m for m in kept if m.first not in framed]
    # A clause that opens with a choice's own word is an imperative that states the goal ("Forecast six weeks
    # of sales", "Outline every pallet with a bounding box"): its cues all weigh as led. A hint there is
    # only a noun ("Fake news detection").
    opening = _openings(text) if goal else set()
    for match in kept:
        if match.first in opening and match.cue.weight >= SYNONYM:
            led = led | _clause(text, match.first)
    for match in kept:
        if match.first in led:
            match.score *= LEAD_FACTOR
        if match.first in weak:
            match.score *= WEAK
    kept = [m for m in kept if not _denied(text, m.first)]
    for before, after in zip(kept, kept[1:]):
        if after.first == before.last + 1 and after.cue.owner != before.cue.owner and after.cue.weight >= before.cue.weight:
            after.score += HEAD_BONUS
    scores: dict[str, float] = {}
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for match in kept:
        # Saying a word again adds little: "generated ... generated ... generated" is one cue, not three.
        again = (match.cue.owner, tuple(text.tokens[i].stem for i in match.used))
        scores[match.cue.owner] = scores.get(match.cue.owner, 0.0) + match.score * (REPEAT if again in seen else 1.0)
        seen.add(again)
    return kept, scores, silenced


def _combine(question: Question, kept: list[_Match], scores: dict[str, float], evidence: dict[str, str]) -> None:
    """Choices weak of others: a video takes its frames' evidence; images with captions are multimodal."""
    alone = dict(scores)  # each choice's own evidence, before any is given to another

    def outrank(choice) -> None:
        if choice.outranks and any(m.cue.owner == choice.id and m.cue.weight >= NAME for m in kept):
            for part in choice.outranks:  # not where the part is far better attested: "a photo or a video frame"
                if part in scores and alone.get(choice.id, 0.0) >= OUTRANK * alone.get(part, 0.0):
                    scores[choice.id] += scores.pop(part)

    for choice in question.choices:
        if not choice.several_of:
            outrank(choice)
    for choice in question.choices:
        named = sorted((c for c in choice.several_of if c in scores and any(m.cue.owner == c and m.cue.weight >= NAME
                                                                            for m in kept)), key=lambda c: -scores[c])
        # Two kinds named about as strongly: "photos and their captions"; not "audio with transcripts".
        together = [c for c in named if scores[c] >= TOGETHER * scores[named[0]]]
        if len(together) >= 2 and sum(scores[c] for c in together) > scores.get(choice.id, 0.0):
            scores[choice.id] = sum(scores[c] for c in together)
            evidence[choice.id] = " + ".join(evidence[c] for c in together)
    for choice in question.choices:
        if choice.several_of:
            outrank(choice)


def _openings(text: Text) -> set[int]:
    """Indexes of the first word of each clause."""
    tokens = text.tokens
    return {index for index, token in enumerate(tokens)
            if token.kind == "word" and (index == 0 or tokens[index - 1].stem in CLAUSE_ENDS)}


def _clause(text: Text, first: int) -> set[int]:
    """Indexes from token ``first`` to the next punctuation mark."""
    indexes = set()
    for index in range(first, len(text.tokens)):
        if text.tokens[index].kind == "punct":
            break
        indexes.add(index)
    return indexes


def _frame(text: Text) -> set[int]:
    """Question words that open a question about method ("Where do I start"): no cues."""
    tokens = text.tokens
    framed: set[int] = set()
    for index, token in enumerate(tokens):
        word = token.text.lower()
        if word in QUESTION_WORDS:
            ahead = [t.text.lower() for t in tokens[index + 1: index + 5] if t.kind == "word"]
            for at, after in enumerate(ahead[:-1]):
                if after in AUXILIARIES:
                    if ahead[at + 1] in PRONOUNS:
                        framed.add(index)
                    break
    return framed


def _denied(text: Text, first: int) -> bool:
    """Whether a negation stands just before token ``first`` in the same clause and denies it as a goal."""
    between: list[str] = []
    for index in range(first - 1, max(first - 2 - NEGATION_REACH, -1), -1):
        token = text.tokens[index]
        if token.kind == "punct":
            return False
        word = token.text.lower().replace("’", "'")
        if word == "but":
            return False  # "not classification but regression": the negation stays before "but"
        if word in NEGATIONS and not (word == "not" and index > 0 and
                                      text.tokens[index - 1].text.lower() in AUXILIARIES | {"did", "has", "have"}):
            return True
        if word in VERB_NEGATIONS or word == "not":
            return any(w in WISHES for w in between)
        between.append(word)
    return False


def barred(question: Question, found: Understood) -> set[str]:
    """Choices whose ``applies_when`` is false for what was read so far ("detect" boxes, but the data is text)."""
    ruled_out = set()
    for choice in question.choices:
        if choice.applies_when is not None:
            from dlguide.rules.conditions import evaluate  # the rules' three-valued logic: unknown keeps the choice

            if evaluate(choice.applies_when, Profile(answers=dict(found.answers)))[0] is False:
                ruled_out.add(choice.id)
    return ruled_out


def _best(kept: list[_Match], choice: str, text: Text) -> str:
    """The words of the heaviest cue of ``choice`` (the first, among equals)."""
    best = max((m for m in kept if m.cue.owner == choice), key=lambda m: (m.score, -m.first))
    return text.span(best.first, best.last)


def _read_numbers(text: Text, questions: dict[str, Question], cues: list, found: Understood) -> None:
    deferred: list[tuple[Quantity, list]] = []  # counts of a part ("150 of them labelled"): need the whole first
    rests: list[tuple[Quantity, object]] = []  # counts of the other part ("5000 unlabelled")
    for quantity in quantities(text):
        if quantity.glued:
            what = "a year" if quantity.first == quantity.last and _glued_words(text, quantity) == quantity.words else "part of a name or a measure"
            found.ignored.append(f"'{_glued_words(text, quantity)}' ({what})")
            continue
        if not quantity.shown and not quantity.share:
            continue  # "two handwritten digits", "several networks": small words, not sizes or lengths
        rest = rest_of(text, quantity, cues)
        if rest is not None:
            rests.append((quantity, rest))
            continue
        options = roles(text, quantity, cues)
        if options and _is_part(options[0], quantity):
            deferred.append((quantity, options))
        elif options or quantity.shown:
            _assign(quantity, options, found, first_reason="" if options else other_part(text, quantity, cues))
    _add_parts(text, cues, deferred, rests, found)
    for quantity, options in deferred:
        role = options[0]
        whole = found.answers.get(role.question.reading.share_of)
        if isinstance(whole, (int, float)) and 0 < quantity.value <= whole:
            if found.put(role.question.id, round(quantity.value / whole, 4), role.cue):
                continue
        _assign(quantity, [o for o in options[1:] if not _is_part(o, quantity)], found,
                first_reason=f"a part of {role.question.reading.share_of}, which is not read")


def _add_parts(text: Text, cues: list, parts: list, rests: list, found: Understood) -> None:
    """ "300 labelled x-rays and 5000 unlabelled ones": the two parts make the whole, and the share follows.

    With the whole read elsewhere ("6,000 x-rays, 5,000 of them unlabelled") the other part gives the share;
    with neither, the other part is all there is to count ("5000 unlabelled images").
    """
    for quantity, (entry, words) in rests:
        question, whole_id = entry.question, entry.question.reading.share_of
        with_it = [q.value for q, options in parts if options[0].question is question]
        whole = found.answers.get(whole_id)
        if with_it and (not isinstance(whole, (int, float)) or whole < sum(with_it) + quantity.value * 0.9):
            total = sum(with_it) + quantity.value
            both = " + ".join([*(o[0].cue for q, o in parts if o[0].question is question), words])
            found.answers.pop(whole_id, None)
            found.evidence.pop(whole_id, None)
            found.put(whole_id, int(total) if total == int(total) else total, both)
            found.put(question.id, round(sum(with_it) / total, 4), both)
            parts[:] = [(q, o) for q, o in parts if o[0].question is not question]
        elif isinstance(whole, (int, float)) and 0 < quantity.value <= whole:
            found.put(question.id, round((whole - quantity.value) / whole, 4), words)
        else:
            _assign(quantity, [o for o in roles(text, quantity, cues) if o.question is not question], found)


def _is_part(role, quantity: Quantity) -> bool:
    """A count with a fraction question's cue: the number of labelled examples, not a fraction."""
    return role.question.kind == "fraction" and not quantity.share and quantity.value >= 1 and bool(
        role.question.reading.share_of)


def _assign(quantity: Quantity, options: list, found: Understood, first_reason: str = "") -> None:
    reasons = [first_reason] if first_reason else []
    for role in options:
        question = role.question
        if question.kind == "fraction" and not quantity.share and not 0 < quantity.value < 1:  # "0", "1": no share
            continue
        value = _in_range(question, quantity.value)
        if value is None:
            reasons.append(f"out of range for {question.id}")
        elif not found.put(question.id, value, role.cue):
            reasons.append(f"{question.id} already read")
        else:
            return
    if quantity.shown or reasons:
        found.ignored.append(f"'{_short(quantity.words)}' ({'; '.join(reasons) or 'no role'})")


def _in_range(question: Question, value: float) -> float | int | None:
    if value != value or value in (float("inf"), float("-inf")):
        return None
    if question.integer:
        if value != int(value):
            return None
        value = int(value)
    if (question.minimum is not None and value < question.minimum) or (question.maximum is not None and value > question.maximum):
        return None
    return value


def _glued_words(text: Text, quantity: Quantity) -> str:
    """The whole hyphenated word a number is part of: 'ResNet-50', '10-second'."""
    first, last = quantity.first, quantity.last
    tokens, raw = text.tokens, text.raw
    if first > 0 and tokens[first - 1].end == tokens[first].start - 1 and raw[tokens[first].start - 1] == "-":
        first -= 1
    if last + 1 < len(tokens) and tokens[last + 1].start == tokens[last].end + 1 and raw[tokens[last].end] == "-":
        last += 1
    return _short(text.span(first, last))


def _short(words: str) -> str:
    """Words as shown in a message: a run of 400 digits is cut, not printed whole."""
    return words if len(words) <= 40 else words[:37] + "..."
