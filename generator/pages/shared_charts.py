"""The charts more than one page kind shows: a metric over time, budget against spend, and
the developers' cost per completion side by side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from generator.charts import specs as charts
from generator.domain.catalog import METRICS
from generator.pages.context import Context, Page
from generator.pages.formatting import is_missing


def _trend_columns(ctx: Context, scope: str, member: str, metric: str) -> dict[str, list[Any]]:
    series = ctx.metrics.series(scope, member, ["period", metric])
    values = [None if is_missing(v) else float(v) for v in series[metric].tolist()]
    return {"period": series["period"].tolist(), "value": values}


def trend(
    ctx: Context,
    page: Page,
    name: str,
    scope: str,
    member: str,
    metric: str,
    title: str,
    target: float | None = None,
) -> str:
    """``metric`` of one scope member by period, as a line ('' when it has no figure)."""
    columns = _trend_columns(ctx, scope, member, metric)
    if all(v is None for v in columns["value"]):
        return ""
    m = METRICS[metric]
    unit = (
        "rate"
        if m.unit == "rate"
        else (
            "money" if m.unit == "money" else "score" if m.unit in ("score", "rating") else "count"
        )
    )
    spec = charts.trend_chart(
        columns,
        title=title,
        value_title=ctx.label(metric),
        unit=unit,
        currency=ctx.project.settings.currency,
        target=target,
    )
    return page.chart(name, spec, title)


def budget_chart(ctx: Context, page: Page, periods: Sequence[str]) -> str:
    """The organisation's budget and spend of ``periods`` ('' when none has a budget)."""
    rows = [ctx.row("org", "org", p) for p in periods]
    budgeted = [r for r in rows if r is not None and not is_missing(r["budget"])]
    if not budgeted:
        return ""
    columns = {k: [r[k] for r in budgeted] for k in ("period", "budget", "spend")}
    title = ctx.costs_label("Budget and spend by quarter")
    spec = charts.budget_chart(columns, title=title, currency=ctx.project.settings.currency)
    return page.chart("budget", spec, title)


def developer_chart(ctx: Context, page: Page, period: str) -> str:
    """Cost per completion of every developer in ``period``, side by side."""
    rows = ctx.scope_rows("developer", period)
    if not rows["cost_per_completion"].notna().any():
        return ""
    frame = pd.DataFrame(
        {
            "developer": [ctx.person_name(d) for d in rows["member"]],
            "value": rows["cost_per_completion"],
        }
    )
    title = ctx.costs_label(f"Cost per completion by developer, {period}")
    spec = charts.comparison_chart(
        frame,
        title=title,
        value_title=ctx.label("cost_per_completion"),
        currency=ctx.project.settings.currency,
    )
    return page.chart("cost", spec, "Developers compared")
