"""Pydantic models of the knowledge: architecture families and techniques.

These models are the contract of every file under ``knowledge/families/`` and ``knowledge/techniques/``.
Unknown keys are errors (``extra="forbid"``), closed sets are ``Literal``s, and every field carries a
description that doubles as documentation for anyone writing their own knowledge file. The models of the
recommender's questions and rules live in ``dlguide.rules.rules_schema``; checks that span files (a name that
must exist elsewhere, a duplicate alias) live in ``dlguide.catalogue.kb``.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from dlguide.rules.strict import Strict  # one base for every knowledge model: unknown keys are errors, models immutable

ASPECTS: dict[str, str] = {
    "primary_use_case": "Primary use case",
    "data_handling": "Data handling",
    "architecture": "Network architecture",
    "feature_learning": "Feature learning",
    "layer_types": "Layer types",
    "parameter_sharing": "Parameter sharing",
    "training_complexity": "Training complexity",
    "temporal_dependencies": "Temporal dependencies",
    "memory": "Memory",
    "long_sequences": "Handling long sequences",
    "applications": "Applications",
    "model_variants": "Model variants",
    "sequential_performance": "Performance on sequential data",
}
"""The comparison aspects of seed 002's CNN-vs-RNN table, in its order, with their display labels."""

TRAITS: dict[str, str] = {
    "data_hunger": "Data hunger",
    "compute_cost": "Compute cost",
    "training_stability": "Training stability",
    "inference_speed": "Inference speed",
    "parallelism": "Parallelism",
    "interpretability": "Interpretability",
}
"""The ordinal traits every family is rated on, with their display labels."""

TRAIT_LEVELS: dict[int, str] = {1: "very low", 2: "low", 3: "medium", 4: "high", 5: "very high"}


class Reference(Strict):
    title: str = Field(description="What the source is: a seed document or a paper's title with its authors and year.")
    source: str = Field(
        description="Where to find it: 'seed:000' (a file of shared/seeds), an arXiv id, a DOI or a URL."
    )


class Variant(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Short lowercase id of the variant, e.g. 'lstm'.")
    name: str = Field(description="Display name, e.g. 'Long Short-Term Memory (LSTM)'.")
    description: str = Field(description="One or two sentences: what differs from the plain family and when to pick it.")


class NamedItem(Strict):
    name: str = Field(description="A short name, e.g. 'Pooling layers' or 'Mode collapse'.")
    description: str = Field(description="One or two sentences in plain words.")


class Alternative(Strict):
    situation: str = Field(description="The situation in which this family is not the right tool.")
    instead: list[str] = Field(
        default_factory=list, description="Ids of the families (or techniques) to use instead; each must exist."
    )
    other_tools: list[str] = Field(
        default_factory=list,
        description="Tools outside deep learning to use instead, e.g. 'gradient-boosted trees'.",
    )

    @model_validator(mode="after")
    def _names_something_instead(self) -> "Alternative":
        if not self.instead and not self.other_tools:
            raise ValueError("name what to use instead: 'instead' (family ids) or 'other_tools'")
        return self


class Trait(Strict):
    level: int = Field(ge=1, le=5, description="1 very low, 2 low, 3 medium, 4 high, 5 very high.")
    why: str = Field(min_length=10, description="One line that justifies the level.")


class Traits(Strict):
    data_hunger: Trait = Field(description="How much (labelled) data it needs to do well; high is worse.")
    compute_cost: Trait = Field(description="Cost to train and run; high is worse.")
    training_stability: Trait = Field(description="How reliably training converges; high is better.")
    inference_speed: Trait = Field(description="How fast a trained model answers; high is better.")
    parallelism: Trait = Field(description="How well training parallelises over a sequence or batch; high is better.")
    interpretability: Trait = Field(description="How easily a person can see why it decided; high is better.")


class Aspects(Strict):
    """One sentence or two per aspect of seed 002's comparison table, for this family."""

    primary_use_case: str = Field(description="What it is mainly used for.")
    data_handling: str = Field(description="The shape of data it works with.")
    architecture: str = Field(description="How the network is built.")
    feature_learning: str = Field(description="What kind of features it learns.")
    layer_types: str = Field(description="The layers it is made of.")
    parameter_sharing: str = Field(description="Which weights are shared, and across what.")
    training_complexity: str = Field(description="How hard it is to train, and why.")
    temporal_dependencies: str = Field(description="How it deals with order in time.")
    memory: str = Field(description="What it remembers of earlier inputs.")
    long_sequences: str = Field(description="How it copes with long sequences.")
    applications: str = Field(description="Typical applications.")
    model_variants: str = Field(description="Well-known models of the family.")
    sequential_performance: str = Field(description="How well it does on sequential data.")


class PretrainedRoute(Strict):
    """A pretrained model of the family that a project can start from instead of training from scratch."""

    data: list[str] = Field(min_length=1, description="Data choice ids it exists for, e.g. [text].")
    task: list[str] = Field(default_factory=list, description="Task choice ids it serves; empty: every task.")
    variant: str = Field(description="Id of the family's variant that the pretrained models are, e.g. 'encoder-only'.")
    how: str = Field(description="What to do, as shown after the family's name, e.g. 'fine-tune a pretrained "
                     "encoder such as DistilBERT'.")
    source: str = Field(description="The model, paper or hub that shows the route exists, e.g. 'Sanh et al. 2019'.")
    trains: bool = Field(default=True, description="False when the pretrained model is used as it is (e.g. sentence "
                         "embeddings for search): no training, so rules about training cost pass it by.")


class FamilyScope(Strict):
    """Where raising this family makes sense: the data and the tasks it is built for (empty: any)."""

    data: list[str] = Field(default_factory=list, description="Data choice ids, e.g. [graph].")
    task: list[str] = Field(default_factory=list, description="Task choice ids, e.g. [generate, translate].")


class DemoOption(Strict):
    """Demo options that a name the user types stands for: ``run-demo gru`` runs the rnn demo with ``--cell gru``."""

    args: list[str] = Field(min_length=1, description="The options passed to the demo, e.g. ['--cell', 'gru']; "
                            "the first is the option's name, and one the user gives wins over it.")
    names: list[str] = Field(min_length=1, description="Names that pick these options: the family's id or aliases.")
    variant: str | None = Field(default=None, description="The id of the family's variant these options show, if any; "
                                "a recommendation of that variant prints the first name.")


class Demo(Strict):
    """A family's runnable demo: where its code is, what data it reads, and the names that pick its options."""

    module: str = Field(
        pattern=r"^([a-z0-9_]+|[A-Za-z0-9_./-]+\.py)$",
        description="A module of dlguide/demos ('cnn'), or a .py file relative to the knowledge folder "
        "('demos/kan.py') for a demo that ships with a knowledge base of your own.",
    )
    data: Literal["images", "text", "table", "graph"] = Field(
        default="table", description="The kind of your own data it reads, for the scaffolded README.")
    hint: str = Field(default="see `python demo.py --help` for the data options.",
                      description="One line for the scaffolded README: how to point the demo at your data.")
    options: list[DemoOption] = Field(default_factory=list, description="Names that stand for demo options.")

    def options_for(self, typed: str) -> list[str]:
        """The demo options the name ``typed`` stands for (names compared as the knowledge base folds them)."""
        folded = re.sub(r"[^a-z0-9]", "", typed.lower())
        for option in self.options:
            if folded in {re.sub(r"[^a-z0-9]", "", name.lower()) for name in option.names}:
                return list(option.args)
        return []

    def name_for(self, variant: str | None) -> str | None:
        """The name to type to see ``variant``, or None when no option shows it."""
        return next((option.names[0] for option in self.options if variant and option.variant == variant), None)


class Family(Strict):
    """An architecture family: everything ``show``, ``compare`` and the recommender know about it."""

    schema_version: Literal[1] = Field(description="Version of this file format; 1.")
    kind: Literal["family"] = Field(description="'family' for an architecture family.")
    name: str = Field(description="Full display name, e.g. 'Convolutional Neural Network'.")
    short: str = Field(description="Short display name used in table headers, e.g. 'CNN'.")
    summary: str = Field(description="One line: what it is and what it is for.")
    aliases: list[str] = Field(
        default_factory=list,
        description="Other names a user may type (lowercase): variant names, famous models, abbreviations.",
    )
    what_it_is: str = Field(description="A paragraph that explains the idea to a newcomer.")
    variants: list[Variant] = Field(default_factory=list, description="Variants worth knowing, with when to pick each.")
    key_components: list[NamedItem] = Field(min_length=1, description="The building blocks.")
    when_to_use: list[str] = Field(min_length=1, description="Situations where this family is a good fit.")
    when_not_to_use: list[Alternative] = Field(
        min_length=1, description="Situations where another family fits better, naming that family."
    )
    strengths: list[str] = Field(min_length=1, description="What it does well.")
    applications: list[str] = Field(min_length=1, description="Where it is applied.")
    challenges: list[NamedItem] = Field(min_length=1, description="What makes it hard to use well.")
    example_scenario: str = Field(description="A short worked story of the family at work.")
    example_projects: list[str] = Field(min_length=1, description="Projects a learner could build with it.")
    preferred_over: dict[str, str] = Field(
        default_factory=dict,
        description="For another family's id: the conditions under which this family is the better choice.",
    )
    aspects: Aspects = Field(description="Seed 002's comparison aspects, one entry each.")
    traits: Traits = Field(description="Ordinal ratings with a one-line justification each.")
    references: list[Reference] = Field(min_length=1, description="The seed and the founding paper(s).")
    pretrained: list[PretrainedRoute] = Field(
        default_factory=list,
        description="Pretrained models to start from, by data and task; where one applies, rules about training "
        "from scratch (data hunger) skip this family and its variant is the route's.",
    )
    scope: list[FamilyScope] = Field(
        default_factory=list,
        description="The data and tasks the family is for, as alternatives; a rule that raises it for a known "
        "data or task outside every alternative is reported by kb validate. Empty: anywhere.",
    )
    demo: Demo | None = Field(
        default=None,
        description="The family's runnable demo (its module, the data it reads, the names that pick its options), "
        "or none for no demo. A bare name is short for {module: NAME}.",
    )

    @model_validator(mode="before")
    @classmethod
    def _demo_shorthand(cls, data):
        if isinstance(data, dict) and isinstance(data.get("demo"), str):
            data = {**data, "demo": {"module": data["demo"]}}
        return data


class Technique(Strict):
    """A technique that applies across families (transfer learning), shown by ``show`` and cited in advice."""

    schema_version: Literal[1] = Field(description="Version of this file format; 1.")
    kind: Literal["technique"] = Field(description="'technique' for a method that is not an architecture.")
    name: str = Field(description="Display name.")
    summary: str = Field(description="One line: what it is and what it is for.")
    aliases: list[str] = Field(default_factory=list, description="Other names a user may type (lowercase).")
    what_it_is: str = Field(description="A paragraph that explains the idea.")
    key_components: list[NamedItem] = Field(min_length=1, description="Its parts or steps.")
    when_to_use: list[str] = Field(min_length=1, description="Situations where it helps.")
    when_not_to_use: list[str] = Field(min_length=1, description="Situations where it does not help.")
    applies_to: list[str] = Field(min_length=1, description="Ids of the families it is commonly used with.")
    applications: list[str] = Field(min_length=1, description="Where it is applied.")
    example_scenario: str = Field(description="A short worked story of the technique at work.")
    references: list[Reference] = Field(min_length=1, description="The seed and the founding paper(s).")
