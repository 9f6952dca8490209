"""The Jinja environment of the page templates (templates/), and what every page's header
shows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from generator.domain.catalog import METRICS
from generator.pages.context import Context
from generator.pages.formatting import text
from generator.pages.sections import markdown_goal_section
from generator.pages.tables import markdown_table
from generator.report.findings import COST_FINDINGS, Finding
from generator.report.goals import GoalResult

_env = Environment(
    loader=PackageLoader("generator.pages", "templates"),
    undefined=StrictUndefined,
    autoescape=False,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["md"] = text
_env.globals["table"] = markdown_table
_env.globals["goal_section"] = markdown_goal_section


def render(template: str, **values: Any) -> str:
    """A page's Markdown from its template in templates/."""
    return _env.get_template(template).render(**values)


def header(ctx: Context, costs: bool = False) -> dict[str, Any]:
    """What _header.md.j2 shows; ``costs``: the page shows cost figures or cost findings, so
    it says so when budgets.yaml's are illustrative."""
    return {
        "organisation": ctx.project.settings.organisation,
        "report_date": ctx.metrics.report_date.isoformat(),
        "latest_quarter": ctx.latest_quarter,
        "latest_year": ctx.metrics.period_title(ctx.latest_year),  # "FY2026 to date"
        "min_group": ctx.project.settings.min_group_size,
        "illustrative_note": _illustrative_note(ctx) if costs else "",
    }


def _illustrative_note(ctx: Context) -> str:
    """The text of the page's "Illustrative budgets" notice ('' when the budgets are real)."""
    if not ctx.project.budgets_illustrative:
        return ""
    note = (
        "The budget and spend figures are invented, for illustration: budgets, spend, budget "
        "use, costs per completion and per learner, and the findings and goals about them "
        "describe no real money."
    )
    return f"{note} {text(ctx.project.budgets_note)}".strip()


def costs_shown(results: Iterable[GoalResult], findings: Iterable[Finding]) -> bool:
    """Whether goal results or findings on a page are about cost figures."""
    return any(METRICS[r.metric].is_cost for r in results if r.metric in METRICS) or any(
        f.kind in COST_FINDINGS for f in findings
    )
