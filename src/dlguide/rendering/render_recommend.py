"""Turn a recommender ``Result`` into what a person or a program reads: rich, JSON or Markdown.

Decides nothing: every score, reason, variant and piece of advice comes from ``dlguide.advisor.engine``. The
JSON form is the body of a contract (``dlguide.rendering.contract.RecommendDocument``, inside its envelope):
exactly the keys ``profile``, ``recommendations``, ``advice`` and ``next_steps``; each recommendation has ``id``, ``name``, ``score``, ``variant``,
``reasons`` and ``cautions`` (sentences), plus ``rank``, ``excluded``, ``variant_name``, ``pretrained``
(how to start from a pretrained model of the family, or null) and ``rules`` (the ids and weights behind
the sentences); the first one also has ``what_would_change``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dlguide.advisor.engine import Result
from dlguide.rules.ranking import Hit, Ranked

if TYPE_CHECKING:  # rich is imported by to_rich alone: a --json or --markdown run never loads it
    from rich.console import Group
    from rich.table import Table

TOP = 3


def _points(hit: Hit) -> str:
    if hit.action in ("exclude", "pretrained"):
        return {"exclude": "excluded", "pretrained": "pretrained"}[hit.action]
    return f"{'+' if hit.action == 'raise' else '-'}{hit.weight}"


def _family(ranked: Ranked, rank: int, result: Result) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": ranked.id,
        "name": ranked.name,
        "rank": rank,
        "score": ranked.score,
        "excluded": ranked.excluded,
        "variant": ranked.variant,
        "variant_name": ranked.variant_name,
        "pretrained": ranked.pretrained,
        "reasons": [hit.because for hit in ranked.reasons],
        "cautions": [hit.because for hit in ranked.cautions],
        "rules": [{"id": hit.rule, "effect": _points(hit), "source": hit.source} for hit in ranked.reasons + ranked.cautions],
    }
    if rank == 1:
        entry["what_would_change"] = [
            {"question": c.question, "value": c.value, "leader": c.leader, "text": c.text} for c in result.changes
        ]
    return entry


def to_json(result: Result) -> dict[str, Any]:
    """The --json document's body: exactly four keys (``dlguide.rendering.contract`` adds the envelope)."""
    return {
        "profile": result.profile,
        "recommendations": [_family(r, i, result) for i, r in enumerate(result.ranking, start=1)],
        "advice": [item.text for item in result.advice],
        "next_steps": list(result.next_steps),
    }


def _profile_line(profile: dict[str, Any]) -> str:
    parts = []
    for qid, value in profile.items():
        shown = ", ".join(value) if isinstance(value, list) else value
        parts.append(f"{qid}={shown if shown not in ('', None) else 'unknown'}")
    return "  ".join(parts)


def _variant(ranked: Ranked) -> str:
    if ranked.pretrained:
        return f" - {ranked.pretrained}"
    return f" - try {ranked.variant_name or ranked.variant}" if ranked.variant else ""


def _hits(ranked: Ranked) -> Table:
    """Reasons (+) and cautions (-) with a hanging indent, each tagged with its rule and points."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=1, no_wrap=True)
    grid.add_column(ratio=1)
    for marker, style, hits in (("+", "green", ranked.reasons), ("-", "yellow", ranked.cautions)):
        for hit in hits:
            grid.add_row(Text(marker, style=style), Text.assemble(hit.because, (f"  [{hit.rule} {_points(hit)}]", "dim")))
    if not ranked.reasons and not ranked.cautions:
        grid.add_row("", Text("No rule spoke about it for this profile.", style="dim"))
    return grid


def _held_back_by(ranked: Ranked) -> str:
    """The caution that cost the most, named by its rule so a positive-sounding reason reads right."""
    if not ranked.cautions:
        return ranked.reasons[0].because if ranked.reasons else ""
    worst = max(ranked.cautions, key=lambda hit: (hit.action == "exclude", hit.weight))
    return f"{worst.rule} ({_points(worst)}): {worst.because}"


def to_rich(result: Result, *, explain: bool = False) -> Group:
    """Top three as panels with their reasons and cautions, the rest as a table, then advice and steps."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from dlguide.rendering.blocks import bullets, heading

    parts: list[Any] = [Text(f"Profile: {_profile_line(result.profile)}", style="dim")]
    for rank, ranked in enumerate(result.ranking[:TOP], start=1):
        name = ranked.name if ranked.short in ranked.name else f"{ranked.short} · {ranked.name}"
        title = Text(f"{rank}. {name}{_variant(ranked)}", style="bold")
        status = "excluded" if ranked.excluded else f"score {ranked.score}"
        parts.append(Panel(_hits(ranked), title=title, subtitle=status, title_align="left", subtitle_align="right"))
    rest = result.ranking[TOP:]
    if rest:
        table = Table(title="The others", title_justify="left", show_edge=False, expand=True)
        table.add_column("#", no_wrap=True)
        table.add_column("family", no_wrap=True)
        table.add_column("score", no_wrap=True, justify="right")
        table.add_column("what held it back", ratio=1)
        for rank, ranked in enumerate(rest, start=TOP + 1):
            table.add_row(str(rank), ranked.short, "excluded" if ranked.excluded else str(ranked.score),
                          _held_back_by(ranked))
        parts += [Text(""), table]
    if result.advice:
        parts.append(heading("Advice"))
        parts.append(bullets([f"{a.text}" + (f" (dlguide show {a.see})" if a.see else "") for a in result.advice]))
    if result.changes:
        parts.append(heading(f"What would change the answer (now: {result.ranking[0].short})"))
        parts.append(bullets([change.text for change in result.changes]))
    parts.append(heading("Next steps"))
    parts += [Text(f"  $ {step}") for step in result.next_steps]
    if explain:
        parts += [Text(""), _trace_table(result)]
    return Group(*parts)


def _trace_table(result: Result) -> Table:
    from rich.table import Table

    table = Table(title=f"Rule trace (every family starts at {result.base_score})", title_justify="left")
    for column in ("rule", "fired", "effects", "why not"):
        table.add_column(column)
    for entry in result.trace:
        table.add_row(entry.rule, "yes" if entry.fired else entry.state, ", ".join(entry.effects), entry.failed or "")
    return table


def to_markdown(result: Result, *, explain: bool = False) -> str:
    """The same answer as Markdown, for pasting into notes or an issue."""
    lines = ["# Recommendation", "", f"Profile: `{_profile_line(result.profile)}`", ""]
    for rank, ranked in enumerate(result.ranking[:TOP], start=1):
        status = "excluded" if ranked.excluded else f"score {ranked.score}"
        lines += [f"## {rank}. {ranked.name} (`{ranked.id}`){_variant(ranked)} - {status}", ""]
        lines += [f"- (+) {h.because} `[{h.rule} {_points(h)}]`" for h in ranked.reasons]
        lines += [f"- (-) {h.because} `[{h.rule} {_points(h)}]`" for h in ranked.cautions]
        lines.append("")
    if result.ranking[TOP:]:
        lines += ["## The others", "", "| rank | family | score |", "|---|---|---|"]
        for rank, ranked in enumerate(result.ranking[TOP:], start=TOP + 1):
            lines.append(f"| {rank} | {ranked.name} (`{ranked.id}`) | {'excluded' if ranked.excluded else ranked.score} |")
        lines.append("")
    for title, items in (("Advice", [a.text for a in result.advice]), ("What would change the answer", [c.text for c in result.changes])):
        if items:
            lines += [f"## {title}", ""] + [f"- {item}" for item in items] + [""]
    lines += ["## Next steps", ""] + [f"- `{step}`" for step in result.next_steps] + [""]
    if explain:
        lines += ["## Rule trace", "", "| rule | fired | effects | why not |", "|---|---|---|---|"]
        for entry in result.trace:
            lines.append(f"| {entry.rule} | {'yes' if entry.fired else entry.state} | {', '.join(entry.effects)} | {entry.failed or ''} |")
    return "\n".join(lines)

