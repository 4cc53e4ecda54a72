"""The only module that prompts: flags, an answers file and free text become one validated profile.

Every answer, whether typed as a flag (a named one or ``--set ID=VALUE``), read from a saved YAML file,
found in a ``--describe`` sentence or picked from a menu, goes through ``parse_answer``, so a bad value
fails the same way everywhere: a usage error (exit 2) listing what is allowed, with a did-you-mean, and
every number checked against its question's range before anything else is done with it. Precedence is
answers file, then the sentence, then flags; ``gather`` says what it decided on stderr: what the sentence
was read as, which flag overrode it, which numbers it ignored, which answers do not apply (a sequence
length for images) and were dropped. What is still open is asked one question at a time ("question 2 of
5") when the run is interactive, skipping questions that do not apply (``ask_when``); an unsure reading
of the sentence is offered as its question's default. Otherwise, and when input ends (Ctrl-D), open
questions take "unknown", except required ones, whose absence is a usage error. The prompt function is
injected (``Prompter``) so tests drive it; ``dlguide.advisor.prompter.TerminalPrompter`` is the real one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol


from dlguide.advisor.amounts import amount
from dlguide.catalogue.kb import dump_yaml, read_yaml
from dlguide.errors import UnknownNameError, UsageError, WriteFailed, closest_name
from dlguide.rules.conditions import evaluate, questions_read  # the rules' three-valued logic decides ask_when
from dlguide.rules.rules_schema import UNKNOWN, Answer, Profile, Question

_DONT_KNOW = {UNKNOWN, "?", "dont-know", "don't know", "dont know", "idk", "none", ""}


class Prompter(Protocol):
    def ask(self, question: Question, number: int, total: int, guess: tuple[Answer, str] | None = None) -> Answer:
        """Ask one question and return a raw answer; parse_answer validates it. ``guess`` is an unsure reading
        of the sentence (value, where it came from: "from 'crops'") to offer as the default."""

    def confirm(self, message: str) -> bool:
        """Ask a yes/no question; default no."""

    def tell(self, message: str) -> None:
        """Show a line to the person (on stderr)."""


@dataclass
class Gathered:
    """The profile, plus what a --describe sentence was understood to say (for showing it back)."""

    profile: Profile
    understood: dict[str, Any] = field(default_factory=dict)  # what the sentence said: understanding()'s document
    asked: list[str] = field(default_factory=list)


def parse_answer(question: Question, raw: Any, *, source: str | None = None) -> Answer:
    """Validate one raw answer (a string, number or list) for ``question``; raise a usage error if bad."""
    where = source or f"--{question.id.replace('_', '-')}"
    if isinstance(raw, str) and raw.strip().lower() in _DONT_KNOW:
        return [] if question.kind == "multi" else UNKNOWN
    if question.kind == "choice":
        return _choice(question, raw, where)
    if question.kind == "multi":
        items = raw if isinstance(raw, (list, tuple)) else re.split(r"[,\s]+", str(raw))
        values = [_choice(question, item, where) for item in items if str(item).strip().lower() not in _DONT_KNOW]
        return list(dict.fromkeys(v for v in values if v != UNKNOWN))
    return _number(question, raw, where)


def _choice(question: Question, raw: Any, where: str) -> str:
    text = str(raw).strip().lower()
    ids = question.choice_ids()
    if text in ids:
        return text
    # Suggest by spelling, and by meaning: '--data pictures' is a synonym of 'image'.
    close = closest_name(text, ids, 2)
    for choice in question.choices:
        if text in choice.synonyms or text.rstrip("s") in choice.synonyms or text == choice.label.lower():
            close.insert(0, choice.id)
    suggestions = list(dict.fromkeys(close))[:2]
    raise UnknownNameError(f"value for {where}:", text, [*ids, UNKNOWN], suggestions)


def _number(question: Question, raw: Any, where: str) -> float | int:
    value = _to_number(raw)
    if value is None:
        raise UsageError(f"{where}: expected {_range_words(question)}, got {_quoted(raw)}")
    low, high = question.minimum, question.maximum
    # Range first: a 400-digit number is out of range, never an overflow in int().
    if not math.isfinite(value) or (low is not None and value < low) or (high is not None and value > high):
        raise UsageError(f"{where}: {_quoted(raw)} is out of range; expected {_range_words(question)}")
    if question.kind == "number" and question.integer:
        if value != int(value):
            raise UsageError(f"{where}: expected {_range_words(question)}, got {_quoted(raw)}")
        value = int(value)
    return value


def _quoted(raw: Any) -> str:
    """A raw value as a message shows it: quoted, and cut if it is a page long."""
    text = repr(str(raw)) if not isinstance(raw, str) else repr(raw)
    return text if len(text) <= 42 else text[:38] + "...'"


def _to_number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        try:
            return float(raw)
        except OverflowError:  # an int from YAML with hundreds of digits
            return math.inf
    return amount(str(raw))  # one reading of '2k', '1.5M', '10%' for flags and sentences


def _range_words(question: Question) -> str:
    if question.kind == "fraction":
        return f"a fraction from {question.minimum:g} to {question.maximum:g} (0.1 or 10% means one in ten), or 'unknown'"
    kind = "a whole number" if question.integer else "a number"
    low, high = question.minimum, question.maximum
    bound = (f" from {low:g} to {high:.4g}" if low is not None and high is not None else
             f" of at least {low:g}" if low is not None else f" up to {high:.4g}" if high is not None else "")
    return f"{kind}{bound} (2000, 2k and 1.5M work), or 'unknown'"


MAX_ANSWERS_BYTES = 1_000_000
"""An answers file is a few lines; anything over 1 MB is refused before it is read."""


def read_answers(path: Path, questions: dict[str, Question]) -> dict[str, Answer]:
    """A saved profile: a YAML mapping of question id to answer, every answer validated."""
    problems: list[str] = []
    try:
        size = Path(path).stat().st_size
    except OSError:
        size = 0  # missing or unreadable: read_yaml says which, in its words
    if size > MAX_ANSWERS_BYTES:
        raise UsageError(f"{path}: the answers file is {size / 1e6:.1f} MB; expected a saved profile of a few lines "
                         f"(at most {MAX_ANSWERS_BYTES // 1_000_000} MB)")
    data = read_yaml(Path(path), problems)
    if problems:
        raise UsageError(problems[0].replace(": cannot read:", ": cannot read the answers file:"))
    if isinstance(data, dict) and isinstance(data.get("profile"), dict):
        data = data["profile"]  # a --json result can be fed back as an answers file
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a mapping of question ids to answers, e.g. 'data: image'")
    answers: dict[str, Answer] = {}
    for key, raw in data.items():
        qid = str(key).replace("-", "_")
        if qid not in questions:
            close = closest_name(qid, questions, 1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UsageError(f"{path}: field {key!r}: unknown question{hint} (known: {', '.join(questions)})")
        answers[qid] = parse_answer(questions[qid], raw, source=f"{path}: field {key!r}")
    return answers


def write_answers(path: Path | str, profile: dict[str, Any], *, force: bool = False, inputs: list[Any] = ()) -> Path:
    """Save a profile so that ``--answers`` reproduces this run, through the one write rule.

    ``dlguide.demos.lpfiles`` decides: an existing file is replaced only with ``force``, an input of
    this run (the ``--answers`` file) never, and an empty path is refused. A file is never replaced for
    looking like a profile: a user's config.yaml with a ``data:`` key is still the user's. The check
    runs again here although ``recommend`` made it before asking anything, since time has passed.
    """
    from dlguide.demos.lpfiles import check_file, write_text

    target = check_file(path, force=force, inputs=inputs, what="--save", example="profile.yaml")
    try:
        return write_text(target, dump_yaml(dict(profile)))
    except OSError as exc:
        raise WriteFailed(f"--save {target}: cannot write: {exc.strerror or exc}") from exc


def parse_set(items: list[str], questions: dict[str, Question]) -> dict[str, Any]:
    """``--set ID=VALUE`` items as raw answers by question id; any question in questions.yaml, new ones too."""
    raw: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        qid = key.strip().replace("-", "_")
        if not sep or not qid:
            raise UsageError(f"--set {item!r}: expected ID=VALUE, e.g. --set data=image (questions: {', '.join(questions)})")
        if qid not in questions:
            raise UnknownNameError("question in --set:", qid, list(questions), closest_name(qid, questions, 1))
        if questions[qid].kind == "multi":
            raw.setdefault(qid, []).extend(v for v in re.split(r"[,\s]+", value) if v)
        else:
            raw[qid] = value
    return raw


def flag_name(qid: str) -> str:
    return f"--{qid.replace('_', '-')}"


def gather(
    questions: dict[str, Question],
    *,
    flags: dict[str, Any],
    answers_file: Path | None = None,
    describe: str | None = None,
    prompter: Prompter | None = None,
    tell: Callable[[str], None] | None = None,
    flag_sources: dict[str, str] | None = None,
    refine: Callable[[str, Any], None] | None = None,
) -> Gathered:
    """Merge the sources into a profile and ask (with ``prompter``) or default what is still open.

    ``flags`` are raw answers by question id (named flags and ``--set``; ``flag_sources`` names the option
    each came from). ``tell`` receives the lines that say what was decided: what the sentence was read as,
    which flag overrode it, which numbers were ignored, which answers do not apply. ``refine`` (``--reader
    encoder``) may change the sentence's reading before it is used.
    """
    tell = tell or (lambda line: None)
    answers: dict[str, Answer] = read_answers(answers_file, questions) if answers_file else {}
    found = _read_sentence(describe, questions, answers, refine) if describe is not None else None
    said = dict(answers) if found else {}
    overrides = _apply_flags(flags, flag_sources or {}, questions, answers)
    guesses: dict[str, tuple[Answer, str]] = {}
    if found:
        line = _understood_line(found, said, overrides, answers)
        if line:
            tell(line)
        if prompter is not None:  # in a conversation a guess is confirmed in its question, not used unseen
            guesses = {qid: (answers.pop(qid), _source(found, qid)) for qid in found.unsure if qid not in overrides
                       and qid not in flags_given(flags)}
    gathered = Gathered(Profile(answers=answers), understanding(found, said, overrides) if found else {})
    if prompter is None:
        _require(questions, answers, describe, "give them as flags, or run in a terminal to be asked")
        return _finish(questions, gathered, tell)
    from dlguide.advisor.prompter import InputEnded

    try:
        return _finish(questions, _ask_open(questions, answers, gathered, prompter, guesses), tell)
    except InputEnded:  # Ctrl-D: what was given stands, as when stdin is not a terminal
        answers.update({qid: guess for qid, (guess, _) in guesses.items() if qid not in answers})
        prompter.tell("")
        _require(questions, answers, describe, "input ended before they were answered; give them as flags")
        return _finish(questions, Gathered(Profile(answers=answers), gathered.understood, gathered.asked), tell)


def _read_sentence(text: str, questions: dict[str, Question], answers: dict[str, Answer], refine=None):
    """Put what ``text`` says into ``answers``; return the reading (``dlguide.advisor.describe.Understood``)."""
    from dlguide.advisor.describe import understand  # stems its cues; only --describe needs them

    found = understand(text, questions)
    if refine is not None:
        refine(text, found)
    for qid, value in found.answers.items():
        answers[qid] = parse_answer(questions[qid], value, source="--describe")
    return found


def _apply_flags(flags: dict[str, Any], sources: dict[str, str], questions: dict[str, Question],
                 answers: dict[str, Answer]) -> dict[str, str]:
    """Put the flags into ``answers``; return, for each answer a flag changed, the option that did."""
    changed = {}
    for qid, raw in flags.items():
        if raw is None or raw == [] or qid not in questions:
            continue
        source = sources.get(qid, flag_name(qid))
        value = parse_answer(questions[qid], raw, source=source)
        if qid in answers and answers[qid] != value:
            changed[qid] = source
        answers[qid] = value
    return changed


def _understood_line(found, said: dict[str, Answer], overrides: dict[str, str], answers: dict[str, Answer]) -> str | None:
    """ "Understood: data=image (from 'x-rays'); ..." with overrides, guesses and ignored numbers."""
    parts = []
    for qid in found.evidence:
        if qid in overrides:
            parts.append(f"{qid}={_shown(answers[qid])} ({overrides[qid]} overrides the description's "
                         f"{_shown(said[qid])}, {_source(found, qid)})")
        else:
            parts.append(f"{qid}={_shown(said[qid])} ({_source(found, qid)}{'; a guess' if qid in found.unsure else ''})")
    ignored = f"ignored: {', '.join(found.ignored)}" if found.ignored else ""
    if parts:
        return "Understood: " + "; ".join(parts + ([ignored] if ignored else []))
    return f"Understood nothing usable from the description; {ignored}" if ignored else None


def flags_given(flags: dict[str, Any]) -> set[str]:
    return {qid for qid, raw in flags.items() if raw is not None and raw != []}


def understanding(found, said: dict[str, Answer], overrides: dict[str, str]) -> dict[str, Any]:
    """What the sentence said, for ``--json``: each answer with the words it came from, and the ignored numbers."""
    return {"answers": {qid: {"value": said[qid], "from": found.evidence[qid] or None,
                              "learned_from": found.learned.get(qid, []), "guess": qid in found.unsure,
                              "overridden_by": overrides.get(qid), "encoder": qid in found.encoder}
                        for qid in found.evidence},
            "ignored": list(found.ignored)}


def _source(found, qid: str) -> str:
    from dlguide.advisor.learned import source  # loaded already: only a description has words to show

    return source(found.evidence[qid], found.learned.get(qid, []), found.encoder.get(qid, ""))


def _shown(value: Answer) -> str:
    return ", ".join(value) if isinstance(value, list) else f"{value:g}" if isinstance(value, float) else str(value)


def _require(questions: dict[str, Question], answers: dict[str, Answer], describe: str | None, how: str) -> None:
    missing = [q for q in questions.values() if q.required and Profile(answers=answers).is_unknown(q.id)]
    if missing:
        said = " (--describe did not say)" if describe is not None else ""
        raise UsageError(f"missing answers: {', '.join(flag_name(q.id) for q in missing)}{said}; {how}")


def _applies(question: Question, answers: dict[str, Answer]) -> bool | None:
    return True if question.ask_when is None else evaluate(question.ask_when, Profile(answers=answers))[0]


def _finish(questions: dict[str, Question], gathered: Gathered, tell: Callable[[str], None] | None) -> Gathered:
    """Drop, and say so, answers to questions that do not apply (a sequence length for images)."""
    answers = dict(gathered.profile.answers)
    for question in questions.values():
        if question.id in answers and _applies(question, answers) is False:
            deciders = questions_read(question.ask_when)
            context = ", ".join(f"{q}={_shown(answers[q])}" for q in deciders if q in answers)
            value = answers.pop(question.id)
            if tell and not Profile(answers={question.id: value}).is_unknown(question.id):
                tell(f"Ignored: {question.id}={_shown(value)} does not apply when {context}.")
    gathered.profile = Profile(answers=answers)
    return gathered


def _ask_open(questions: dict[str, Question], answers: dict[str, Answer], gathered: Gathered, prompter: Prompter,
              guesses: dict[str, tuple[Answer, str]]) -> Gathered:
    def still_open() -> list[Question]:
        return [q for q in questions.values() if q.id not in answers and _applies(q, answers) is True]

    asked = 0
    while True:
        pending = still_open()
        if not pending:
            break
        question = pending[0]
        asked += 1
        while True:
            try:
                raw = prompter.ask(question, asked, asked + len(pending) - 1, guesses.get(question.id))
                answers[question.id] = parse_answer(question, raw, source=question.id)
                break
            except UsageError as exc:
                prompter.tell(exc.message)
        gathered.asked.append(question.id)
    gathered.profile = Profile(answers=answers)
    return gathered


def demo_offer(prompter: Prompter, family_id: str, family_name: str, extra_installed: bool, install: str) -> bool:
    """At the end of an interactive run: offer the top pick's demo, or say how to make it possible."""
    if not extra_installed:
        prompter.tell(f"To watch a {family_name} demo, install the demos extra: {install}")
        return False
    return prompter.confirm(f"Run the {family_name} demo now?")
