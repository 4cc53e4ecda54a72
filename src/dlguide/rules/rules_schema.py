"""Pydantic models of the recommender's data: the questions, the rules and a user's profile.

``knowledge/questions.yaml`` and ``knowledge/rules.yaml`` are read into these models. Unknown keys are
errors, closed sets (question kinds, operators, effect actions) are ``Literal``s, and each field has a
description that doubles as documentation for anyone writing their own rules. Checks that need more than
one file (a rule naming a family, a question or an answer value that must exist) live in
``dlguide.catalogue.recommender_data``; evaluating rules lives in ``dlguide.advisor.engine``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from dlguide.rules.strict import Strict  # noqa: F401  (the base of every model here; kept importable from here)


UNKNOWN = "unknown"
"""The "I don't know" answer every question accepts; rules treat it as no information."""


Operator = Literal["eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "contains", "is_unknown", "is_known"]
"""The closed set of comparisons a condition may use; see ``Condition``."""

OPERATORS_BY_KIND: dict[str, set[str]] = {
    "choice": {"eq", "ne", "in", "not_in", "is_unknown", "is_known"},
    "multi": {"contains", "is_unknown", "is_known"},
    "number": {"eq", "ne", "lt", "le", "gt", "ge", "is_unknown", "is_known"},
    "fraction": {"eq", "ne", "lt", "le", "gt", "ge", "is_unknown", "is_known"},
}
"""Which operators make sense for which kind of question; anything else is a rule-file error."""

Scalar = Union[str, int, float]
Answer = Union[str, int, float, list[str]]


class Condition(Strict):
    """One comparison of an answer with a value.

    An unknown answer makes every comparison unknown (not false), and the rule only fires when its
    whole ``when`` is true, so "samples lt 1000" never fires for someone who does not know, and neither
    does its negation. Only ``is_unknown`` / ``is_known`` look at the unknown itself.
    """

    question: str = Field(description="Id of the question whose answer is compared, e.g. 'samples'.")
    op: Operator = Field(description="How to compare: eq ne in not_in lt le gt ge contains is_unknown is_known.")
    value: Union[Scalar, list[Scalar], None] = Field(
        default=None, description="What to compare with: a choice id, a list of them (in/not_in) or a number."
    )

    @model_validator(mode="after")
    def _value_fits_operator(self) -> "Condition":
        if self.op in ("is_unknown", "is_known"):
            if self.value is not None:
                raise ValueError(f"'{self.op}' takes no value")
        elif self.op in ("in", "not_in"):
            if not isinstance(self.value, list) or not self.value:
                raise ValueError(f"'{self.op}' needs a non-empty list of values")
        elif self.value is None or isinstance(self.value, list):
            raise ValueError(f"'{self.op}' needs a single value")
        return self


class All(Strict):
    all: list["When"] = Field(min_length=1, description="True when every condition in the list is true.")


class Any_(Strict):
    any: list["When"] = Field(min_length=1, description="True when at least one condition in the list is true.")


class Not(Strict):
    not_: "When" = Field(alias="not", description="True when the condition is false.")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


When = Union[Condition, All, Any_, Not]


class Choice(Strict):
    """One allowed answer, and the words that point to it in a ``--describe`` sentence.

    The reader weighs what it finds: a synonym counts 3, a name 2 and a hint 1, a phrase of several words a
    little more than one word. Phrases match on word stems ("generates" finds "generate"), and a few other
    words may stand between a phrase's words ("predict the monthly rent" finds "predict rent").
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="The value stored in a profile, e.g. 'image'.")
    label: str = Field(description="What the user sees in the menu, e.g. 'Images'.")
    explain: str = Field(description="One line under the label that says when to pick it.")
    synonyms: list[str] = Field(
        default_factory=list,
        description="Words or phrases that mean this choice in a --describe sentence, e.g. 'photos' (weight 3).",
    )
    names: list[str] = Field(
        default_factory=list,
        description="Well-known dataset and model names that point to this choice, e.g. 'CIFAR', 'YOLO' (weight 2).",
    )
    hints: list[str] = Field(
        default_factory=list,
        description="Words that suggest this choice but also occur elsewhere, e.g. 'columns' for tables (weight 1).",
    )
    applies_when: "When | None" = Field(
        default=None,
        description="Condition on answers read before this question; where it is false the reader never picks "
        "this choice, e.g. boxes around objects only for images.",
    )
    outranks: list[str] = Field(
        default_factory=list,
        description="Other choices of the same question that are parts of this one: where this choice is named, "
        "their evidence counts for it (the frames of a video are images).",
    )
    several_of: list[str] = Field(
        default_factory=list,
        description="Other choices of the same question: a sentence that names two or more of them means this "
        "choice, e.g. images and text together mean 'multimodal'.",
    )
    implies: dict[str, str] = Field(
        default_factory=dict,
        description="Answers to other choice questions that this choice makes likely where a sentence says nothing "
        "of them, read as a guess to confirm: predicting links between users implies a graph.",
    )


class Question(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Id used in profiles, answer files and rules.")
    prompt: str = Field(description="The question as asked, e.g. 'What kind of data do you have?'.")
    help: str = Field(description="One line shown under the question.")
    kind: Literal["choice", "multi", "number", "fraction"] = Field(
        description="choice: one of the choices; multi: any of them; number: a positive number; fraction: 0..1."
    )
    choices: list[Choice] = Field(default_factory=list, description="The allowed answers of a choice or multi.")
    minimum: float | None = Field(default=None, description="Smallest allowed number (number and fraction).")
    maximum: float | None = Field(default=None, description="Largest allowed number (number and fraction).")
    integer: bool = Field(default=False, description="Whether a number must be whole, e.g. a count of samples.")
    unit: str = Field(default="", description="What a number counts, shown after it, e.g. 'samples'.")
    ask_when: When | None = Field(
        default=None, description="Condition on earlier answers; the question is skipped when it is not true."
    )
    change_phrase: str | None = Field(
        default=None,
        description="How a different answer reads in 'what would change': '{value}' is the new answer "
        "(for numbers with 'more than about'/'fewer than'), '{label}' its label, e.g. 'with {value} samples'.",
    )
    required: bool = Field(
        default=False, description="Whether a non-interactive run must be given it (no 'unknown' fallback)."
    )
    actionable: bool = Field(
        default=True,
        description="Whether a person can act on this answer (size, compute, what matters): 'what would change' "
        "offers changes to actionable questions first, and tries pairs of them when no single one moves the "
        "lead. False for facts about the data or the task, whose changes come after and are never paired.",
    )
    change_distance: float | None = Field(
        default=None,
        gt=0,
        description="For a choice question: how far any other answer is from the given one in 'what would "
        "change' (smaller is nearer; a number question's distance is the log-ratio of the two numbers). "
        "Unset: the number of steps between the two answers in the order the choices are listed (1 from "
        "'unknown').",
    )
    lead_words: list[str] = Field(
        default_factory=list,
        description="Words that introduce this question's answer in a sentence ('I want to', 'the goal is to'): "
        "a cue of one of its choices right after them counts double.",
    )
    weak_after: list[str] = Field(
        default_factory=list,
        description="Words after which this question's cues in the next few words count a quarter: for the data, "
        "what a conversion makes ('into typed text'); for the task, the method used ('using generative adversarial "
        "networks' to erase clouds).",
    )
    not_cues: list[str] = Field(
        default_factory=list,
        description="Phrases that contain a choice's cue but say nothing about this question ('hidden nodes' are "
        "a network's units, not a graph's; 'the following frames' follow nobody): their words are no evidence.",
    )
    reading: "NumberCues | None" = Field(
        default=None,
        description="How a --describe sentence gives this number or fraction: the words around a number that "
        "give it this role; without it, no number in a sentence answers this question.",
    )
    # Set by the loader from learned.yaml (a ``Learned``), never written in
    # questions.yaml: weights fitted on the corpus, not words a person chose.
    _learned: object = PrivateAttr(default=None)
    _word_columns: object = PrivateAttr(default=None)  # from encoder_words.yaml, likewise

    @property
    def learned(self):
        """This question's learned word weights, or None."""
        return self._learned

    @property
    def word_columns(self):
        """This question's columns of the sentence encoder's word table (a ``WordColumns``), or None."""
        return self._word_columns

    @model_validator(mode="after")
    def _shape_fits_kind(self) -> "Question":
        if self.kind in ("choice", "multi"):
            if not self.choices:
                raise ValueError(f"a '{self.kind}' question needs choices")
            ids = [choice.id for choice in self.choices]
            if UNKNOWN in ids:
                raise ValueError("'unknown' is always allowed; do not list it as a choice")
            twice = sorted({choice for choice in ids if ids.count(choice) > 1})
            if twice:
                raise ValueError(f"duplicate choice id {', '.join(repr(c) for c in twice)} in question {self.id!r}")
        elif self.choices:
            raise ValueError(f"a '{self.kind}' question takes no choices")
        if self.change_distance is not None and self.kind != "choice":
            raise ValueError(f"a '{self.kind}' question's changes are measured by their values; "
                             "'change_distance' is for a choice question")
        if self.kind == "fraction" and (self.minimum is None or self.maximum is None):
            raise ValueError("a 'fraction' question needs minimum and maximum")
        if self.reading is not None and self.kind not in ("number", "fraction"):
            raise ValueError(f"a '{self.kind}' question is read from its choices' words; 'reading' is for numbers")
        if self.reading is not None and self.reading.share_of and self.kind != "fraction":
            raise ValueError("'share_of' turns a count into a fraction; only a 'fraction' question takes it")
        if self.reading is not None and self.reading.rest and not self.reading.share_of:
            raise ValueError("'rest' counts the other part of a whole; it needs 'share_of' to name the whole")
        for choice in self.choices:
            named = {*choice.several_of, *choice.outranks}
            strangers = named - set(self.choice_ids()) | ({choice.id} & named)
            if strangers:
                raise ValueError(f"choice {choice.id!r}: several_of or outranks names {sorted(strangers)}, "
                                 f"expected other choices of this question ({', '.join(self.choice_ids())})")
        return self

    def choice_ids(self) -> list[str]:
        return [choice.id for choice in self.choices]


class SaidValue(Strict):
    value: float = Field(description="The answer these words give, e.g. 0 for 'unlabeled'.")
    words: list[str] = Field(min_length=1, description="Words or phrases that say it, e.g. 'no labels'.")


class NumberCues(Strict):
    """How free text gives a number or fraction question its answer: the role the words around a number give it.

    A number is read only where one of these cues stands next to it ("800 chest x-rays", "sequences of 200
    steps", "a tenth labeled"); any other number (a year, "12 classes", "ResNet-50") is listed as ignored.
    """

    after: list[str] = Field(
        default_factory=list,
        description="Words that follow a number in this role, e.g. 'images', 'tokens', 'labeled'; up to `reach` "
        "words may stand between ('800 chest x-rays').",
    )
    after_synonyms_of: list[str] = Field(
        default_factory=list,
        description="Choice questions whose choices' synonyms also count as `after` words: '3000 x-rays' counts "
        "examples because 'x-rays' names a kind of data.",
    )
    before: list[str] = Field(
        default_factory=list, description="Words just before a number in this role, e.g. 'length of', 'labels for'."
    )
    not_after: list[str] = Field(
        default_factory=list,
        description="Word forms (exact, not stemmed) that, right after a number, cancel this role: 'labels' in "
        "'10 labels' counts classes, not labelled examples.",
    )
    not_near: list[str] = Field(
        default_factory=list,
        description="Words that, just before a number or between it and its cue, say it counts another part: "
        "'test' in '350 test images' is a held-out split, not training examples.",
    )
    reach: int = Field(default=3, ge=0, le=8, description="How many words may stand between a number and its cue.")
    said: list[SaidValue] = Field(
        default_factory=list,
        description="Phrases that give the answer without a number ('unlabeled' = 0), used only when no number "
        "did; the first entry that matches wins.",
    )
    share_of: str | None = Field(
        default=None,
        description="Fraction questions: a count with these cues ('150 of them labelled') is divided by this "
        "number question's answer.",
    )
    rest: list[str] = Field(
        default_factory=list,
        description="Fraction questions with share_of: words after a count of the part without the property "
        "('5000 unlabelled'); beside a count of the part with it, the two parts make the whole.",
    )


class QuestionsFile(Strict):
    """The contents of ``questions.yaml``: the profile the recommender asks for, in asking order."""

    schema_version: Literal[1] = Field(description="Version of this file format; 1.")
    questions: list[Question] = Field(min_length=1, description="The questions, in the order they are asked.")

    @model_validator(mode="after")
    def _shares_name_numbers(self) -> "QuestionsFile":
        numbers = [q.id for q in self.questions if q.kind == "number"]
        choices = [q.id for q in self.questions if q.kind in ("choice", "multi")]
        for question in self.questions:
            strangers = [q for q in (question.reading.after_synonyms_of if question.reading else []) if q not in choices]
            if strangers:
                raise ValueError(f"question {question.id!r}: after_synonyms_of names {strangers}, expected choice "
                                 f"questions ({', '.join(choices)})")
            for choice in question.choices:
                for other, value in choice.implies.items():
                    known = next((q for q in self.questions if q.id == other and q.kind == "choice"), None)
                    if known is None or value not in known.choice_ids():
                        raise ValueError(f"question {question.id!r}, choice {choice.id!r}: implies {other}={value!r}, "
                                         f"expected a choice of another choice question ({', '.join(choices)})")
            target = question.reading.share_of if question.reading else None
            if target and target not in numbers:
                raise ValueError(f"question {question.id!r}: share_of {target!r} is not a number question "
                                 f"(number questions: {', '.join(numbers) or 'none'})")
        return self


class Effect(Strict):
    family: str = Field(description="Id of the family the rule affects; it must exist in the knowledge base.")
    action: Literal["raise", "lower", "exclude"] = Field(
        description="raise or lower the family's score by weight, or exclude it (ranked last, reason shown)."
    )
    weight: int = Field(default=0, ge=0, le=10, description="Points added (raise) or taken (lower); 1..10.")
    from_scratch: bool = Field(
        default=False,
        description="Only for a family trained from scratch: skipped when the family has a pretrained route for "
        "the profile's data and task (its 'pretrained' list), e.g. a data-hunger penalty.",
    )
    training_cost: bool = Field(
        default=False,
        description="About the cost of training (e.g. on a laptop CPU): skipped when the family's pretrained route "
        "for the profile is used as it is, with no training (its route says trains: false).",
    )

    @model_validator(mode="after")
    def _weight_fits_action(self) -> "Effect":
        if self.action == "exclude" and self.weight:
            raise ValueError("'exclude' takes no weight")
        if self.action != "exclude" and not self.weight:
            raise ValueError(f"'{self.action}' needs a weight of 1 to 10")
        return self


class Advice(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Id; advice given by several rules shows once.")
    text: str = Field(description="The advice, one or two sentences in plain words.")
    see: str | None = Field(
        default=None, description="Id of a family or technique to read more about (dlguide show <see>)."
    )
    recommends: list[str] = Field(
        default_factory=list,
        description="Ids of the families the advice steers towards; wherever the advice shows, the ranking must "
        "put each in the top three (kb validate checks it).",
    )


class Scope(Strict):
    """The data and tasks a rule or a family speaks about; an empty list means any."""

    data: list[str] = Field(default_factory=list, description="Data choice ids, e.g. [image, video]; empty: any.")
    task: list[str] = Field(default_factory=list, description="Task choice ids, e.g. [generate]; empty: any.")


class Rule(Strict):
    """One piece of knowledge: when the profile matches, move families up or down and say why."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Unique id, shown in the trace.")
    when: When = Field(description="Condition tree of all/any/not over {question, op, value}.")
    effects: list[Effect] = Field(default_factory=list, description="What it does to which families' scores.")
    because: str = Field(description="The reason shown to the user, one sentence.")
    source: str = Field(description="Where the knowledge comes from: a seed and its passage, a paper, or practice.")
    variant: dict[str, str] = Field(
        default_factory=dict,
        description="Family id -> variant id to suggest; a later rule in the file refines an earlier one.",
    )
    advice: list[Advice] = Field(default_factory=list, description="Advice the rule adds to the answer.")
    scope: Scope | None = Field(
        default=None,
        description="The data and tasks the rule speaks about; kb validate reports a 'when' that lets it fire "
        "for a known data or task outside them.",
    )

    @model_validator(mode="after")
    def _does_something(self) -> "Rule":
        if not (self.effects or self.variant or self.advice):
            raise ValueError("a rule needs effects, a variant or advice")
        return self


class RulesFile(Strict):
    """The contents of ``rules.yaml``."""

    schema_version: Literal[1] = Field(description="Version of this file format; 1.")
    base_score: int = Field(default=0, description="Score every family starts from before any rule fires.")
    rules: list[dict] = Field(min_length=1, description="The rules; each is validated as a Rule on its own.")


class Rules:
    """The validated rules with the score every family starts from (``dlguide.catalogue.recommender_data`` builds it).

    Declared here rather than beside its loader so that a cached knowledge base unpickles without that module.
    """

    def __init__(self, base_score: int, rules: list[Rule]) -> None:
        self.base_score = base_score
        self.rules = rules

    def __iter__(self):
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)


@dataclass(frozen=True)
class Profile:
    """A user's answers, by question id; a question missing here or answered 'unknown' is unknown.

    A plain dataclass, not a model: every value was already checked against its question (choices,
    ranges) by ``dlguide.advisor.questionnaire.parse_answer``, and the "what would change" search builds
    hundreds of profiles per run, where validating each again would only cost start-up time.
    """

    answers: dict[str, Answer] = field(default_factory=dict)

    def get(self, question_id: str) -> Answer:
        return self.answers.get(question_id, UNKNOWN)

    def is_unknown(self, question_id: str) -> bool:
        value = self.get(question_id)
        return value == UNKNOWN or value == [] or value is None

    def with_answer(self, question_id: str, value: Answer) -> "Profile":
        return Profile(answers={**self.answers, question_id: value})
