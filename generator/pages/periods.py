"""A page per fiscal year and quarter (budget, spend and what it bought) and their index."""

from __future__ import annotations

from collections.abc import Sequence

from generator.pages.context import Context, Page, PageSet, Table
from generator.pages.formatting import text
from generator.pages.render import header, render
from generator.pages.sections import NOT_MET, goal_section
from generator.pages.shared_charts import budget_chart, developer_chart
from generator.pages.tables import findings_table, kpi_table
from generator.report.goals import STATUSES


def period_pages(ctx: Context) -> list[PageSet]:
    """Every quarter's and fiscal year's page, then the index."""
    periods = ctx.metrics.quarters + ctx.metrics.years
    return [*(period_page(ctx, p) for p in periods), index_periods(ctx)]


PERIOD_KPIS = [
    "budget",
    "spend",
    "budget_utilisation",
    "budget_yoy_change",
    "completions",
    "cost_per_completion",
    "cost_per_learner",
    "enrollments",
    "completion_rate",
    "average_score",
]


def period_page(ctx: Context, period: str) -> PageSet:
    """A quarter or fiscal year: budget against spend, what the spend bought, goals not met."""
    page = Page(f"periods/{ctx.period_slug[period]}.md")
    is_year = period.startswith("FY")
    year = period if is_year else f"FY{period.split('-')[0]}"
    quarters = [q for q in ctx.metrics.quarters if f"FY{q.split('-')[0]}" == year]
    spend_lines = _spend_lines(ctx, quarters if is_year else [period])
    results = [r for r in ctx.report.goals if r.period == period]
    dev_rows = [
        ctx.row("developer", str(m), period) for m in ctx.scope_rows("developer", period)["member"]
    ]
    developers = Table(
        [
            "Developer",
            ctx.label("spend"),
            "Completions",
            ctx.label("cost_per_completion"),
        ],
        [
            [
                ctx.person_link(str(r["member"]), 1),
                *(ctx.figure(r, m) for m in ("spend", "completions", "cost_per_completion")),
            ]
            for r in dev_rows
            if r is not None
        ],
    )
    md = render(
        "period.md.j2",
        **header(ctx, costs=True),
        period=period,
        title=text(ctx.period_name(period)),
        to_date=ctx.metrics.year_to_date.get(period, ""),
        is_year=is_year,
        kpis=kpi_table(ctx, "org", "org", PERIOD_KPIS, [period]),
        budget_chart=budget_chart(ctx, page, quarters),
        developer_chart=developer_chart(ctx, page, period),
        spend=spend_lines,
        developers=developers,
        counts={s: sum(1 for r in results if r.status == s) for s in STATUSES},
        results=goal_section(
            ctx,
            page,
            f"period-{ctx.period_slug[period]}-not-met",
            [r for r in results if r.status in NOT_MET],
        ),
        findings=findings_table(ctx, [f for f in ctx.report.findings if f.period == period], 1),
        quarters=" · ".join(ctx.period_link(q, 1) for q in quarters),
    )
    return page.done(md)


def _spend_lines(ctx: Context, periods: Sequence[str]) -> Table:
    rows = []
    for budget in ctx.project.budgets:
        if budget.period not in periods:
            continue
        for line in budget.spend:
            target = (
                ctx.course_link(line.course, 1)
                if line.course
                else ctx.person_link(line.developer, 1)
                if line.developer
                else text(line.category or "")
            )
            kind = "course" if line.course else "developer" if line.developer else "category"
            rows.append(
                [
                    text(budget.period),
                    kind,
                    target,
                    ctx.fmt.value("spend", line.amount),
                    text(line.note),
                ]
            )
    return Table(["Quarter", "Spent on", "What", ctx.costs_label("Amount"), "Note"], rows)


def index_periods(ctx: Context) -> PageSet:
    page = Page("periods/index.md")
    rows = []
    for period in ctx.metrics.years + ctx.metrics.quarters:
        row = ctx.row("org", "org", period)
        rows.append(
            [
                ctx.period_link(period, 1),
                ctx.figure(row, "budget"),
                ctx.figure(row, "spend"),
                ctx.figure(row, "budget_utilisation"),
                ctx.figure(row, "budget_yoy_change"),
                ctx.figure(row, "completions"),
                ctx.figure(row, "cost_per_completion"),
            ]
        )
    table = Table(
        [
            "Period",
            ctx.label("budget"),
            ctx.label("spend"),
            ctx.costs_label("Used"),
            ctx.costs_label("Budget vs a year earlier"),
            "Completions",
            ctx.label("cost_per_completion"),
        ],
        rows,
    )
    frame = ctx.scope_rows("org")[
        [
            "period",
            "budget",
            "spend",
            "budget_utilisation",
            "budget_yoy_change",
            "completions",
            "cost_per_completion",
        ]
    ]
    table.download = page.download("periods", frame)
    return page.done(
        render(
            "index.md.j2",
            **header(ctx, costs=True),
            title="Budget periods",
            intro="Budget, spend and what it bought, per fiscal year and quarter.",
            listing=table,
            chart=budget_chart(ctx, page, ctx.metrics.quarters),
        )
    )
