"""Build the side-by-side comparison of two or more families; pure, no I/O, no printing.

The result holds everything ``dlguide compare`` shows, in the order it shows it: the chosen aspects of
seed 002's table as rows with one cell per family, then for every ordered pair "choose A over B when ...",
then the traits. The renderers in ``dlguide.rendering.render`` turn it into a table, JSON or Markdown.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from dlguide.catalogue.kb import KnowledgeBase
from dlguide.catalogue.schema import ASPECTS, TRAITS
from dlguide.errors import UnknownNameError, UsageError, closest, normalise


class Result(BaseModel):
    # Built on first use, not at import: most runs only dump these, and start-up time is a feature.
    model_config = ConfigDict(defer_build=True)


class AspectRow(Result):
    aspect: str
    label: str
    values: list[str]


class Preference(Result):
    choose: str
    over: str
    when: str | None


class TraitCell(Result):
    level: int
    why: str


class TraitRow(Result):
    trait: str
    label: str
    values: list[TraitCell]


class Comparison(Result):
    families: list[str]
    names: list[str]
    aspects: list[AspectRow]
    preferences: list[Preference]
    traits: list[TraitRow]


def resolve_aspects(requested: list[str] | None) -> list[str]:
    """Aspect keys for ``--aspects`` values (keys or labels, any case, comma-separated or repeated)."""
    if not requested:
        return list(ASPECTS)
    spellings = {normalise(key): key for key in ASPECTS}
    spellings.update({normalise(label): key for key, label in ASPECTS.items()})
    chosen: list[str] = []
    for raw in requested:
        for name in filter(None, (part.strip() for part in raw.split(","))):
            key = spellings.get(normalise(name))
            if key is None:
                raise UnknownNameError("aspect", name, list(ASPECTS), closest(name, spellings, 2))
            if key not in chosen:
                chosen.append(key)
    return chosen


def compare(kb: KnowledgeBase, names: list[str], aspects: list[str] | None = None) -> Comparison:
    """The comparison of the families ``names`` (ids or aliases) over ``aspects`` (all when None)."""
    ids: list[str] = []
    for name in names:
        family_id = kb.resolve(name, families_only=True)
        if family_id not in ids:
            ids.append(family_id)
    if len(ids) < 2:
        typed = " and ".join(repr(name) for name in names)
        other = next(family for family in [*kb.families[ids[0]].preferred_over, *kb.families] if family != ids[0])
        raise UsageError(
            f"compare needs at least two different families; {typed} "
            f"{'name' if len(names) > 1 else 'names'} only {ids[0]} (try: dlguide compare {ids[0]} {other})"
        )
    families = [kb.families[i] for i in ids]
    rows = [
        AspectRow(aspect=key, label=ASPECTS[key], values=[getattr(f.aspects, key) for f in families])
        for key in resolve_aspects(aspects)
    ]
    preferences = [
        Preference(choose=a, over=b, when=kb.families[a].preferred_over.get(b))
        for a in ids
        for b in ids
        if a != b
    ]
    traits = [
        TraitRow(
            trait=key,
            label=label,
            values=[TraitCell(level=getattr(f.traits, key).level, why=getattr(f.traits, key).why) for f in families],
        )
        for key, label in TRAITS.items()
    ]
    return Comparison(
        families=ids, names=[f.short for f in families], aspects=rows, preferences=preferences, traits=traits
    )
