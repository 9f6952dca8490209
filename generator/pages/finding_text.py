"""A finding as the sentence a manager would write, its figures formatted for the page: rates
and money in the project's currency, periods with their calendar months, courses by title."""

from __future__ import annotations

from generator.domain.values import plain_number
from generator.pages.context import Context
from generator.pages.formatting import DASH, is_missing
from generator.report.findings import EVIDENCE_UNITS, Finding


def finding_sentence(ctx: Context, finding: Finding) -> str:
    """The finding's sentence as plain text (escape it for Markdown with ``text``); its title
    when it has none."""
    if not finding.sentence:
        return finding.title
    values = {key: evidence_figure(ctx, key, value) for key, value in finding.evidence.items()}
    values["period"] = ctx.period_name(finding.period) if finding.period else ""
    values.update(finding.names)
    return finding.sentence.format_map(values)


def evidence_figure(ctx: Context, key: str, value: float | str) -> str:
    """One evidence figure as its EVIDENCE_UNITS unit reads."""
    unit = EVIDENCE_UNITS.get(key, "")
    if isinstance(value, str):
        if unit == "period":
            return ctx.period_name(value)
        if unit == "course":
            return ctx.course_title(value)
        return value
    if is_missing(value):
        return DASH
    if unit == "number" or not unit:
        return plain_number(float(value))
    return ctx.fmt.number(float(value), unit)
