"""Turn knowledge and comparison results into rich renderables, JSON documents or Markdown; decides nothing.

Every function here takes a model that a library module built and returns something to print; only the
CLI prints. The rich layouts are made for an 80-column terminal: bullets hang, long cells wrap, and
trait levels are drawn as small bars so they read at a glance. The JSON views are the bodies of the
documents; ``dlguide.rendering.contract`` wraps them in the versioned envelope and declares their shape.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from dlguide.catalogue.compare import Comparison
from dlguide.rendering.blocks import bullets, heading  # noqa: F401 (shared with render_recommend)
from dlguide.catalogue.kb import KnowledgeBase
from dlguide.catalogue.schema import ASPECTS, TRAIT_LEVELS, TRAITS, Family, Technique

TRAIT_KEY = "Lower is better for data hunger and compute cost; higher is better for the rest."


def trait_bar(level: int) -> str:
    return "■" * level + "□" * (5 - level)


def _entry_ref(kb: KnowledgeBase, entry_id: str) -> str:
    entry = kb.entry(entry_id)
    return entry.short if isinstance(entry, Family) else entry.name


# ---- list ---------------------------------------------------------------------------------------------


def _display_name(entry: Family | Technique) -> str:
    short = getattr(entry, "short", "")
    return entry.name if not short or short in entry.name else f"{entry.name} ({short})"


def family_list(kb: KnowledgeBase) -> RenderableType:
    """One line per entry; aliases that do not fit the terminal are cut with an ellipsis."""
    parts: list[RenderableType] = []
    for title, entries in (("Architecture families", kb.families), ("Techniques", kb.techniques)):
        if not entries:
            continue
        id_width = max(map(len, entries))
        names = {entry_id: entry.name for entry_id, entry in entries.items()}  # the id already says "cnn"
        name_width = min(41, max(map(len, names.values())))
        parts.append(Text(title, style="bold"))
        for entry_id, entry in entries.items():
            name = names[entry_id] if len(names[entry_id]) <= name_width else names[entry_id][: name_width - 1] + "…"
            # Shortest first: the abbreviations people type (lstm, vit, gcn) fit before the spelled-out names.
            aliases = ", ".join(sorted(entry.aliases, key=len))
            line = Text.assemble((f"{entry_id:<{id_width}}  ", "bold"), f"{name:<{name_width}}  ", (aliases, "dim"))
            line.no_wrap, line.overflow = True, "ellipsis"
            parts.append(line)
        parts.append(Text(""))
    parts.append(Text("Read one: dlguide show ID   Compare: dlguide compare ID ID ...", style="dim"))
    return Group(*parts)


def family_list_json(kb: KnowledgeBase) -> dict:
    def row(entry_id: str, entry: Family | Technique) -> dict:
        base = {"id": entry_id, "name": entry.name, "summary": entry.summary, "aliases": entry.aliases}
        if isinstance(entry, Family):
            base.update(short=entry.short, demo=entry.demo.module if entry.demo else None)
        return base

    return {
        "families": [row(i, f) for i, f in kb.families.items()],
        "techniques": [row(i, t) for i, t in kb.techniques.items()],
    }


def family_list_markdown(kb: KnowledgeBase) -> str:
    lines = ["| id | name | also known as |", "|---|---|---|"]
    lines += [f"| {i} | {_display_name(f)} | {', '.join(f.aliases)} |" for i, f in kb.families.items()]
    lines += [f"| {i} | {t.name} (technique) | {', '.join(t.aliases)} |" for i, t in kb.techniques.items()]
    return "\n".join(lines)


# ---- show ---------------------------------------------------------------------------------------------


def card(kb: KnowledgeBase, entry_id: str) -> RenderableType:
    entry = kb.entry(entry_id)
    title = f"{entry.short} · {entry.name}" if isinstance(entry, Family) else entry.name
    parts: list[RenderableType] = [
        Panel(Text(entry.summary), title=Text(title, style="bold"), title_align="left", expand=True)
    ]
    if entry.aliases:
        parts.append(Text.assemble(("also known as: ", "dim"), ", ".join(entry.aliases)))
    parts += [heading("What it is"), Text(entry.what_it_is)]
    if isinstance(entry, Family):
        parts += _family_sections(kb, entry_id, entry)
    else:
        parts += _technique_sections(kb, entry)
    parts += [heading("References"), bullets([f"{r.title} ({r.source})" for r in entry.references])]
    return Group(*parts)


def _family_sections(kb: KnowledgeBase, family_id: str, family: Family) -> list[RenderableType]:
    parts: list[RenderableType] = []
    if family.variants:
        parts += [heading("Variants"), bullets([(v.name, v.description) for v in family.variants])]
    parts += [
        heading("Key components"),
        bullets([(c.name, c.description) for c in family.key_components]),
        heading("When to use"),
        bullets(list(family.when_to_use)),
        heading("When not to use"),
        bullets([_alternative_text(kb, alt.situation, alt.instead, alt.other_tools) for alt in family.when_not_to_use]),
        heading("Strengths"),
        bullets(list(family.strengths)),
        heading("Applications"),
        bullets(list(family.applications)),
        heading("Challenges"),
        bullets([(c.name, c.description) for c in family.challenges]),
        heading("Example scenario"),
        Text(family.example_scenario),
        heading("Example projects"),
        bullets(list(family.example_projects)),
    ]
    if family.preferred_over:
        parts += [
            heading(f"Choose {family.short} over ..."),
            bullets([(_entry_ref(kb, other), when) for other, when in family.preferred_over.items()]),
        ]
    parts += [heading("Traits"), _trait_grid(family), Text(TRAIT_KEY, style="dim")]
    parts += [heading("At a glance"), bullets([(ASPECTS[k], getattr(family.aspects, k)) for k in ASPECTS])]
    tries = [f"dlguide compare {family_id} <other>"]
    if family.demo:
        tries = [f"dlguide run-demo {family_id}", f"dlguide scaffold {family_id}", *tries]
    parts += [heading("Try it"), bullets(tries)]
    return parts


def _technique_sections(kb: KnowledgeBase, technique: Technique) -> list[RenderableType]:
    return [
        heading("Key components"),
        bullets([(c.name, c.description) for c in technique.key_components]),
        heading("When to use"),
        bullets(list(technique.when_to_use)),
        heading("When not to use"),
        bullets(list(technique.when_not_to_use)),
        heading("Used with"),
        Text(", ".join(_entry_ref(kb, f) for f in technique.applies_to)),
        heading("Applications"),
        bullets(list(technique.applications)),
        heading("Example scenario"),
        Text(technique.example_scenario),
    ]


def _alternative_text(kb: KnowledgeBase, situation: str, instead: list[str], other_tools: list[str]) -> str:
    names = [_entry_ref(kb, i) for i in instead] + list(other_tools)
    return f"{situation} → use {', '.join(names)}"


def _trait_grid(family: Family) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for key, label in TRAITS.items():
        trait = getattr(family.traits, key)
        grid.add_row(label, f"{trait_bar(trait.level)} {TRAIT_LEVELS[trait.level]:<9}", trait.why)
    return grid


def card_json(kb: KnowledgeBase, entry_id: str) -> dict:
    return {"id": entry_id, **kb.entry(entry_id).model_dump(mode="json")}


def card_markdown(kb: KnowledgeBase, entry_id: str) -> str:
    entry = kb.entry(entry_id)
    lines = [f"# {entry.name}", "", f"_{entry.summary}_", ""]
    if entry.aliases:
        lines += [f"Also known as: {', '.join(entry.aliases)}", ""]
    lines += ["## What it is", "", entry.what_it_is, ""]

    def section(title: str, items: list[str]) -> None:
        lines.extend([f"## {title}", "", *[f"- {item}" for item in items], ""])

    if isinstance(entry, Family):
        section("Variants", [f"**{v.name}**: {v.description}" for v in entry.variants])
        section("Key components", [f"**{c.name}**: {c.description}" for c in entry.key_components])
        section("When to use", list(entry.when_to_use))
        section(
            "When not to use",
            [_alternative_text(kb, a.situation, a.instead, a.other_tools) for a in entry.when_not_to_use],
        )
        section("Strengths", list(entry.strengths))
        section("Applications", list(entry.applications))
        section("Challenges", [f"**{c.name}**: {c.description}" for c in entry.challenges])
        lines += ["## Example scenario", "", entry.example_scenario, ""]
        section("Example projects", list(entry.example_projects))
        section(
            f"Choose {entry.short} over ...",
            [f"**{_entry_ref(kb, o)}**: {w}" for o, w in entry.preferred_over.items()],
        )
        lines += ["## Traits", "", "| trait | level | why |", "|---|---|---|"]
        for key, label in TRAITS.items():
            trait = getattr(entry.traits, key)
            lines.append(f"| {label} | {trait_bar(trait.level)} {TRAIT_LEVELS[trait.level]} | {trait.why} |")
        lines.append("")
        section("At a glance", [f"**{label}**: {getattr(entry.aspects, key)}" for key, label in ASPECTS.items()])
    else:
        section("Key components", [f"**{c.name}**: {c.description}" for c in entry.key_components])
        section("When to use", list(entry.when_to_use))
        section("When not to use", list(entry.when_not_to_use))
        section("Used with", [_entry_ref(kb, f) for f in entry.applies_to])
        section("Applications", list(entry.applications))
        lines += ["## Example scenario", "", entry.example_scenario, ""]
    section("References", [f"{r.title} ({r.source})" for r in entry.references])
    return "\n".join(lines)


# ---- compare ------------------------------------------------------------------------------------------


def comparison(result: Comparison) -> RenderableType:
    table = Table(show_lines=True, expand=True, title="Side by side", title_justify="left")
    table.add_column("Aspect", style="bold", ratio=2)
    for name in result.names:
        table.add_column(name, ratio=3)
    for row in result.aspects:
        table.add_row(row.label, *row.values)
    name_of = dict(zip(result.families, result.names))
    preferences = bullets(
        [
            (f"{name_of[p.choose]} over {name_of[p.over]}", p.when or "the knowledge base gives no guidance")
            for p in result.preferences
        ]
    )
    traits = Table(expand=False, title="Traits", title_justify="left", show_edge=False,
                   caption=TRAIT_KEY, caption_justify="left")
    traits.add_column("", style="bold", no_wrap=True)
    for name in result.names:
        traits.add_column(name, no_wrap=True)
    for row in result.traits:
        traits.add_row(row.label, *[f"{trait_bar(c.level)} {TRAIT_LEVELS[c.level]}" for c in row.values])
    return Group(table, heading("When to choose which"), preferences, Text(""), traits)


def comparison_json(result: Comparison) -> dict:
    return result.model_dump(mode="json")


def comparison_markdown(result: Comparison) -> str:
    def cells(values: list[str]) -> str:
        return " | ".join(v.replace("|", "\\|").replace("\n", " ") for v in values)

    lines = [f"| Aspect | {cells(result.names)} |", "|---" * (len(result.names) + 1) + "|"]
    lines += [f"| {row.label} | {cells(row.values)} |" for row in result.aspects]
    name_of = dict(zip(result.families, result.names))
    lines += ["", "## When to choose which", ""]
    lines += [
        f"- **{name_of[p.choose]} over {name_of[p.over]}**: {p.when or 'the knowledge base gives no guidance'}"
        for p in result.preferences
    ]
    lines += ["", "## Traits", "", TRAIT_KEY, "", f"| Trait | {cells(result.names)} |", "|---" * (len(result.names) + 1) + "|"]
    for row in result.traits:
        lines.append(f"| {row.label} | {cells([f'{trait_bar(c.level)} {TRAIT_LEVELS[c.level]}' for c in row.values])} |")
    return "\n".join(lines)
