"""Load the recommender's questions and rules into a knowledge base, checked against its families.

``kb.collect`` calls ``load`` after the families and techniques are read. It reads
``questions.yaml`` and ``rules.yaml`` next to ``families/``, validates each against ``rules_schema``
(one rule at a time, so a breadcrumb names the rule), and then checks what spans files: every family a
rule names exists, every question a condition names exists and suits the operator, every value is one of
that question's choices or inside its range, variants exist in their family, and rule ids are unique; the
data and tasks named by rule scopes and by the families' pretrained routes and scopes are real answers,
each route names a variant of its family, and every family an advice ``recommends`` exists. A
knowledge folder with neither file (a user's own families-only folder) still loads; the recommender then
says what is missing. Both files or neither: one without the other is a problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from dlguide.rules import conditions
from dlguide.rules.learned_schema import Learned, LearnedFile
from dlguide.rules.rules_schema import (
    Question,
    QuestionsFile,
    Rule,
    Rules,
    RulesFile,
)

QUESTIONS_FILE = "questions.yaml"
RULES_FILE = "rules.yaml"
LEARNED_FILE = "learned.yaml"
WORD_TABLE_FILE = "encoder_words.yaml"


def load(kb, problems: list[str], read_yaml: Callable[[Path, list[str]], Any], validate_model: Callable[..., Any]):
    """The questions (by id) and rules of ``kb``'s folder, checked against its families, or (None, None)
    when the folder has none or they are invalid; breadcrumbs for anything invalid go to ``problems``.

    ``read_yaml`` and ``validate_model`` are ``dlguide.catalogue.kb``'s (passed in: kb imports this module, never
    the other way round); the knowledge base is read, never written.
    """
    questions_path, rules_path = kb.root / QUESTIONS_FILE, kb.root / RULES_FILE
    if not questions_path.exists() and not rules_path.exists():
        return None, None
    for path, other in ((questions_path, rules_path), (rules_path, questions_path)):
        if not path.exists():
            problems.append(f"{path}: missing; {other.name} needs it next to it")
            return None, None
    questions_data = read_yaml(questions_path, problems)
    rules_data = read_yaml(rules_path, problems)
    if questions_data is None or rules_data is None:
        return None, None
    questions_file = validate_model(QuestionsFile, questions_data, questions_path, problems)
    rules_file = validate_model(RulesFile, rules_data, rules_path, problems)
    if questions_file is None or rules_file is None:
        return None, None
    questions = {question.id: question for question in questions_file.questions}
    _check_questions(questions_file.questions, questions, questions_path, problems)
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(rules_file.rules):
        label = f"rule {raw.get('id')!r}" if isinstance(raw, dict) and raw.get("id") else f"rules.{index}"
        rule = validate_model(Rule, raw, rules_path, problems, item=label)
        if rule is None:
            continue
        if rule.id in seen:
            problems.append(f"{rules_path}: at rule {rule.id!r}: duplicate rule id")
            continue
        seen.add(rule.id)
        before = len(problems)
        _check_rule(rule, kb, questions, f"{rules_path}: at rule {rule.id!r}", problems)
        if len(problems) == before:
            rules.append(rule)
    _check_family_answers(kb, questions, problems)
    _attach_learned(kb.root / LEARNED_FILE, questions, problems, read_yaml, validate_model)
    _attach_word_table(kb.root / WORD_TABLE_FILE, questions, problems, read_yaml, validate_model)
    return questions, Rules(base_score=rules_file.base_score, rules=rules)


def _check_questions(order: list[Question], questions: dict[str, Question], path: Path, problems: list[str]) -> None:
    seen: set[str] = set()
    for question in order:
        if question.id in seen:
            problems.append(f"{path}: at question {question.id!r}: duplicate question id")
        if question.ask_when is not None:
            # A question may only depend on questions asked before it, so the asking order is well defined.
            earlier = {q: questions[q] for q in seen if q in questions}
            _check_when(question.ask_when, earlier, f"{path}: at question {question.id!r} > ask_when", problems)
        seen.add(question.id)


def _check_rule(rule: Rule, kb, questions: dict[str, Question], where: str, problems: list[str]) -> None:
    _check_when(rule.when, questions, f"{where} > when", problems)
    for index, effect in enumerate(rule.effects):
        if effect.family not in kb.families:
            problems.append(f"{where} > effects.{index}.family: {conditions.unknown_name('family', effect.family, kb.families)}")
    for family_id, variant_id in rule.variant.items():
        family = kb.families.get(family_id)
        if family is None:
            problems.append(f"{where} > variant.{family_id}: {conditions.unknown_name('family', family_id, kb.families)}")
        elif variant_id not in {v.id for v in family.variants}:
            known = [v.id for v in family.variants]
            problems.append(f"{where} > variant.{family_id}: {conditions.unknown_name(f'variant of {family_id}', variant_id, known)}")
    known_entries = {**kb.families, **kb.techniques}
    for index, advice in enumerate(rule.advice):
        if advice.see is not None and advice.see not in known_entries:
            problems.append(f"{where} > advice.{index}.see: {conditions.unknown_name('family or technique', advice.see, known_entries)}")
        for family_id in advice.recommends:
            if family_id not in kb.families:
                problems.append(f"{where} > advice.{index}.recommends: {conditions.unknown_name('family', family_id, kb.families)}")
    if rule.scope is not None:
        _check_answers(rule.scope, questions, f"{where} > scope", problems)


def _check_answers(scope, questions: dict[str, Question], where: str, problems: list[str]) -> None:
    """Every data and task id a scope or a pretrained route names is one of that question's choices."""
    for question_id, values in (("data", scope.data), ("task", scope.task)):
        if question_id not in questions:
            continue
        known = questions[question_id].choice_ids()
        for value in values:
            if value not in known:
                problems.append(f"{where}.{question_id}: {conditions.unknown_name('answer', value, known)}")


def _check_family_answers(kb, questions: dict[str, Question], problems: list[str]) -> None:
    """A family's pretrained routes and scope name real answers, and each route a variant of the family."""
    for family_id, family in kb.families.items():
        where = f"{kb.root / 'families' / (family_id + '.yaml')}: at"
        for index, route in enumerate(family.pretrained):
            _check_answers(route, questions, f"{where} pretrained.{index}", problems)
            known = [v.id for v in family.variants]
            if route.variant not in known:
                problems.append(f"{where} pretrained.{index}.variant: {conditions.unknown_name(f'variant of {family_id}', route.variant, known)}")
        for index, scope in enumerate(family.scope):
            _check_answers(scope, questions, f"{where} scope.{index}", problems)


def _check_when(node, questions: dict[str, Question], where: str, problems: list[str]) -> None:
    problems.extend(f"{where}: {problem}" for problem in conditions.problems(node, questions))


def _attach_learned(path: Path, questions: dict[str, Question], problems: list[str], read_yaml, validate_model) -> None:
    """Give each question its fitted weights from ``learned.yaml``, if the folder has one (it is optional)."""
    learned = _optional(path, LearnedFile, problems, read_yaml, validate_model)
    if learned is None:
        return
    stop = frozenset(learned.stop_words)  # whether the stemmer still fits is the reader's to check
    for question_id, fitted in learned.questions.items():
        question = questions.get(question_id)
        if question is None or question.kind != "choice":
            problems.append(f"{path}: questions.{question_id}: no choice question with this id in {QUESTIONS_FILE}")
            continue
        ids = {choice.id for choice in question.choices}
        strangers = sorted({c for weights in fitted.words.values() for c in weights} - ids)
        if strangers:
            problems.append(f"{path}: questions.{question_id}: not choices of {question_id!r}: {', '.join(strangers)}")
            continue
        question._learned = Learned(fitted.words, learned.weight, stop, learned.stemmer)


def _attach_word_table(path: Path, questions: dict[str, Question], problems: list[str], read_yaml,
                       validate_model) -> None:
    """Give each question its columns of the encoder's word table, if the folder has one (it is optional).
    The table's bytes are read only by a run that reads a description (``dlguide.advisor.encoder_words``)."""
    from dlguide.rules.encoder_schema import EncoderWordsFile
    from dlguide.rules.word_table import columns_for

    heads = _optional(path, EncoderWordsFile, problems, read_yaml, validate_model)
    if heads is None:
        return
    for question_id, columns in columns_for(path.parent / heads.file, heads).items():
        question = questions.get(question_id)
        if question is None or question.kind != "choice":
            problems.append(f"{path}: questions.{question_id}: no choice question with this id in {QUESTIONS_FILE}")
            continue
        strangers = sorted(set(columns.choices) - {choice.id for choice in question.choices})
        if strangers:
            problems.append(f"{path}: questions.{question_id}: choices {', '.join(strangers)} are not "
                            f"{question_id}'s; refit it with 'python benchmarks/encoder_words_fit.py'")
            continue
        question._word_columns = columns


def _optional(path: Path, model, problems: list[str], read_yaml, validate_model):
    """An optional file of the folder, validated: None where it is absent, or wrong (``problems`` says how)."""
    if not path.exists():
        return None
    data = read_yaml(path, problems)
    return validate_model(model, data, path, problems) if data is not None else None
