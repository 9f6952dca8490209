"""The workforce page: headcount reach, turnover, new hires, compliance and competence coverage
from the HR roster (report.workforce), and the workforce section of a department's page."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from generator.charts import specs as charts
from generator.config.workforce import EVALUATIONS, PHILLIPS_4_CAVEAT, Kpi
from generator.pages.context import Context, Page, PageSet, Table
from generator.pages.formatting import DASH, text
from generator.pages.render import header, render
from generator.report.kpi_effects import COMPARISON, IMPROVED, NO_MOVE, TOO_EARLY, WORSENED
from generator.report.workforce import ALL, COMPLIANCE_STATUSES, HIDDEN
from generator.report.workforce_metrics import CODES

PAGE = "workforce.md"


def workforce_pages(ctx: Context) -> list[PageSet]:
    """The workforce page, when the project has an HR roster."""
    workforce = ctx.report.workforce
    if workforce.empty:
        return []
    page = Page(PAGE)
    tables = {
        "reach": (reach_table(ctx, workforce.reach), workforce.reach),
        "turnover": (turnover_table(ctx, workforce.turnover), workforce.turnover),
        "compliance": (compliance_table(ctx, workforce.compliance), workforce.compliance),
        "reach_by_role": (
            reach_by_role_table(ctx, _latest(ctx, workforce.reach_by_role)),
            workforce.reach_by_role,
        ),
        "course_reach": (
            course_reach_table(ctx, _latest(ctx, workforce.course_reach)),
            workforce.course_reach,
        ),
        "new_hires": (
            new_hires_table(ctx, workforce.new_hires[workforce.new_hires["department"] == ALL]),
            workforce.new_hires,
        ),
    }
    for name, (table, frame) in tables.items():
        table.download = page.download(f"workforce-{name.replace('_', '-')}", _published(frame))
    kpis = kpi_sections(ctx, page)
    if kpis:
        link = page.download("workforce-kpi-effects", _published(workforce.kpi_effects))
        for section in kpis:
            section["table"].download = link
    thresholds = ctx.project.settings.thresholds
    md = render(
        "workforce.md.j2",
        **header(ctx),
        **{name: table for name, (table, _) in tables.items()},
        coverage=coverage_table(ctx, workforce.coverage),
        managers=manager_table(ctx, workforce.managers),
        kpis=kpis,
        trained_share=f"{thresholds.kpi_trained_share:.0%}",
        min_change=f"{thresholds.kpi_min_change:.0%}",
    )
    return [page.done(md)]


def _latest(ctx: Context, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the report's latest fiscal year (the page's table; the download has all)."""
    return frame[frame["period"] == ctx.latest_year] if not frame.empty else frame


def _published(frame: pd.DataFrame) -> pd.DataFrame:
    """A workforce table as its CSV download: hidden figures are empty already."""
    return frame.drop(columns=[HIDDEN])


def _cell(ctx: Context, row: Any, column: str, kind: str = "count") -> str:
    """A figure of a workforce row as published: hidden ones say why."""
    if bool(row.get(HIDDEN, False)):
        return ctx.fmt.suppressed("employees")
    return _figure(ctx, row.get(column), kind)


def _figure(ctx: Context, value: Any, kind: str = "count") -> str:
    """A number as the workforce tables write it (a dash for none). ``decimal``: a business
    KPI's own value, of any size."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    number = float(value)
    formats = {
        "rate": f"{number:.1%}",
        "change": f"{number:+.1%}",
        "days": f"{number:,.0f} days",
        "decimal": f"{number:,.4g}",
    }
    if kind == "money":
        return ctx.fmt.number(number, "money")
    return formats.get(kind, f"{number:,.0f}")


def _department(name: str) -> str:
    return "All departments" if name == ALL else text(name)


def reach_table(ctx: Context, reach: pd.DataFrame) -> Table:
    rows = [
        [
            _department(str(r["department"])),
            text(ctx.period_name(str(r["period"]))),
            _cell(ctx, r, "headcount"),
            _cell(ctx, r, "trained"),
            _cell(ctx, r, "reach", "rate"),
        ]
        for r in reach.to_dict("records")
    ]
    return Table(
        ["Department", "Year", "Headcount", "Trained", "Reach"],
        rows,
    )


def turnover_table(ctx: Context, turnover: pd.DataFrame) -> Table:
    rows = [
        [
            _department(str(r["department"])),
            text(ctx.period_name(str(r["period"]))),
            _cell(ctx, r, "average_headcount"),
            _cell(ctx, r, "leavers"),
            _cell(ctx, r, "voluntary_leavers"),
            _cell(ctx, r, "turnover", "rate"),
            _cell(ctx, r, "trained_turnover", "rate"),
            _cell(ctx, r, "untrained_turnover", "rate"),
        ]
        for r in turnover.to_dict("records")
    ]
    return Table(
        [
            "Department",
            "Year",
            "Average headcount",
            "Leavers",
            "Voluntary",
            "Turnover",
            "Turnover, trained",
            "Turnover, not trained",
        ],
        rows,
    )


def new_hires_table(ctx: Context, hires: pd.DataFrame) -> Table:
    """Hires per year (of one department, or of all), their completions and what those cost
    again at the year's cost per completion."""
    rows = [
        [
            _department(str(r["department"])),
            text(ctx.period_name(str(r["period"]))),
            _cell(ctx, r, "hires"),
            _cell(ctx, r, "hire_completions"),
            _cell(ctx, r, "retraining_cost", "money"),
            _cell(ctx, r, "competent"),
            _cell(ctx, r, "median_days_to_competence", "days"),
        ]
        for r in hires.to_dict("records")
    ]
    return Table(
        [
            "Hired into",
            "Year",
            "Hires",
            "Their completions",
            ctx.costs_label("Retraining cost"),
            "Competent",
            "Median time to competence",
        ],
        rows,
    )


def reach_by_role_table(ctx: Context, reach: pd.DataFrame) -> Table:
    rows = [
        [
            "All job roles" if r["job_role"] == ALL else text(str(r["job_role"])),
            _cell(ctx, r, "headcount"),
            _cell(ctx, r, "trained"),
            _cell(ctx, r, "reach", "rate"),
        ]
        for r in reach.to_dict("records")
    ]
    return Table(["Job role", "Headcount", "Trained", "Reach"], rows)


def course_reach_table(ctx: Context, reach: pd.DataFrame) -> Table:
    rows = [
        [
            ctx.course_link(str(r["course_id"]), 0),
            _cell(ctx, r, "trained"),
            _cell(ctx, r, "reach", "rate"),
        ]
        for r in reach.sort_values("reach", ascending=False, na_position="last").to_dict("records")
    ]
    return Table(["Course", "Employees who completed it", "Share of the headcount"], rows)


def compliance_table(ctx: Context, compliance: pd.DataFrame, depth: int = 0) -> Table:
    """Role holders per status. The requirement and its course share a cell, and statuses no
    row has (often exempt) are left out, so the table fits the content column.
    ``depth``: folders between site_src and the page, for its course links."""
    titles = {r.id: r.title for r in ctx.project.requirements}
    statuses = [s for s in COMPLIANCE_STATUSES if compliance[s].fillna(0).gt(0).any()]
    rows = [
        [
            f"{text(titles.get(str(r['requirement']), str(r['requirement'])))}: "
            f"{ctx.course_link(str(r['course_id']), depth)}",
            _department(str(r["department"])),
            text(ctx.person_name(str(r["manager"]))),
            _cell(ctx, r, "holders"),
            *(_cell(ctx, r, status) for status in statuses),
        ]
        for r in compliance.to_dict("records")
    ]
    return Table(
        [
            "Requirement: course",
            "Department",
            "Manager",
            "Role holders",
            *(s.capitalize() for s in statuses),
        ],
        rows,
    )


def coverage_table(ctx: Context, coverage: pd.DataFrame) -> Table:
    rows = [
        [
            text(str(r["job_role"])),
            _cell(ctx, r, "holders"),
            _cell(ctx, r, "certified"),
            _cell(ctx, r, "coverage", "rate"),
        ]
        for r in coverage.to_dict("records")
    ]
    return Table(["Job role", "Role holders", "Certified", "Coverage"], rows)


# --- business KPIs ---------------------------------------------------------------------------


def kpi_sections(
    ctx: Context, page: Page | None, department: str | None = None
) -> list[dict[str, Any]]:
    """Per KPI (of ``department`` alone, when given): its label, evaluation level, caveat,
    courses, chart (none without ``page``) and before/after table."""
    workforce = ctx.report.workforce
    effects, series = workforce.kpi_effects, workforce.kpi_series
    sections = []
    for kpi in ctx.project.kpis:
        mine = effects[effects["kpi"] == kpi.id] if not effects.empty else effects
        if department is not None and not mine.empty:
            mine = mine[mine["department"] == department]
        if mine.empty:
            continue
        values = series[series["kpi"] == kpi.id]
        if department is not None:
            values = values[values["department"] == department]
        sections.append(
            {
                "id": kpi.id,
                "label": text(kpi.label),
                "evaluation": text(EVALUATIONS[kpi.evaluation]),
                "caveat": text(PHILLIPS_4_CAVEAT) if kpi.evaluation == "phillips-4" else "",
                "direction": "higher is better" if kpi.higher_is_better else "lower is better",
                "courses": ", ".join(
                    ctx.course_link(c, 1 if department else 0) for c in kpi.trained_by
                ),
                "chart": _kpi_chart(page, kpi, values) if page else "",
                "table": kpi_effect_table(ctx, kpi, mine),
            }
        )
    return sections


def _kpi_chart(page: Page, kpi: Kpi, values: pd.DataFrame) -> str:
    """The KPI per period, a line per department or job role."""
    units = [
        " ".join(part for part in (d, r) if part)
        for d, r in zip(values["department"], values["job_role"], strict=True)
    ]
    title = f"{kpi.label} by period"
    spec = charts.trend_chart(
        {"period": values["period"].tolist(), "value": values["value"].tolist(), "unit": units},
        title=title,
        value_title=kpi.label,
        unit="decimal",
        series="unit",
        series_title="Department" if kpi.level == "department" else "Job role",
    )
    return page.chart(f"kpi-{kpi.id}", spec, title)


def kpi_effect_table(ctx: Context, kpi: Kpi, effects: pd.DataFrame) -> Table:
    rows = []
    for r in effects.to_dict("records"):
        unit = " ".join(str(r[c]) for c in ("department", "job_role") if r[c])
        trained = r["trained_from"] if isinstance(r["trained_from"], str) else ""
        rows.append(
            [
                text(unit) or DASH,
                "in the comparison group" if r["verdict"] == COMPARISON else str(r["verdict"]),
                text(ctx.period_name(trained)) if trained else "not yet",
                _cell(ctx, r, "share_trained", "rate"),
                _before_after(ctx, r),
                # the KPI's own figures stay when the unit's headcount is hidden
                _figure(ctx, r["comparison_change"], "change"),
                _figure(ctx, r["difference"], "change"),
            ]
        )
    # the verdict second, so that it shows however narrow the column (issue 20: table layout)
    return Table(
        [
            "Department" if kpi.level == "department" else "Job role",
            "Verdict",
            "Trained by the end of",
            "Staff trained (now)",
            "Before → after (change)",
            "Comparison group",
            "Difference",
        ],
        rows,
    )


def _before_after(ctx: Context, row: dict[str, Any]) -> str:
    """'0.876 → 0.623 (-29.0%)', or a dash without both."""
    before, after = _figure(ctx, row["before"], "decimal"), _figure(ctx, row["after"], "decimal")
    if DASH in (before, after):
        return DASH
    return f"{before} → {after} ({_figure(ctx, row['change'], 'change')})"


def manager_table(ctx: Context, managers: pd.DataFrame) -> Table:
    rows = [
        [
            text(ctx.person_name(str(r["manager"]))),
            _cell(ctx, r, "holders"),
            _cell(ctx, r, "overdue"),
            _cell(ctx, r, "expired"),
            _cell(ctx, r, "in_date", "rate"),
            _cell(ctx, r, "coverage", "rate"),
        ]
        for r in managers.to_dict("records")
    ]
    return Table(
        [
            "Manager",
            "Role holders",
            "Courses overdue",
            "Courses expired",
            "Courses in date",
            "Competent",
        ],
        rows,
    )


def department_section(ctx: Context, department: str) -> dict[str, Any]:
    """The workforce tables of one department's page (none without a roster): its reach and
    turnover per year, its compliance per requirement and its KPIs before and after training."""
    workforce = ctx.report.workforce
    if workforce.empty:
        return {}

    def of(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["department"] == department]

    reach = reach_table(ctx, of(workforce.reach))
    turnover = turnover_table(ctx, of(workforce.turnover))
    compliance = compliance_table(ctx, of(workforce.compliance), depth=1)
    return {
        "reach": reach,
        "turnover": turnover,
        "new_hires": new_hires_table(ctx, of(workforce.new_hires)),
        "compliance": compliance,
        "kpis": kpi_sections(ctx, None, department),
    }


def budget_to_workforce(ctx: Context) -> Table | None:
    """The L&D manager's chain for each fiscal year, budget to competence: budget use, spend
    per completion and per employee, reach of the headcount and competence coverage (None
    without a roster). KPIs before and after training follow in a later version."""
    workforce = ctx.report.workforce
    if workforce.empty:
        return None
    reach = workforce.reach[workforce.reach["department"] == ALL].set_index("period")
    goals = workforce.goal_table
    # the org's competence on each year's last day (the report date in a year to date), hidden
    # roles included: report.workforce_metrics counts it for goals
    org = goals[goals["scope"] == "org"].set_index("period") if not goals.empty else goals
    rows = []
    for period in ctx.metrics.years:
        row = ctx.row("org", "org", period)
        staff = reach["headcount"].get(period) if period in reach.index else None
        spend = row["spend"] if row is not None else None
        per_employee = (
            ctx.fmt.number(float(spend) / float(staff), "money")
            if spend is not None and staff and not math.isnan(float(spend))
            else DASH
        )
        rows.append(
            [
                text(ctx.period_name(period)),
                ctx.figure(row, "budget_utilisation"),
                ctx.figure(row, "cost_per_completion"),
                ctx.figure(row, "cost_per_learning_hour"),
                per_employee,
                _cell(ctx, reach.loc[period], "reach", "rate") if period in reach.index else DASH,
                _goal_figure(ctx, org, period, "competence_coverage"),
            ]
        )
    return Table(
        [
            "Year",
            "Budget utilisation",
            ctx.costs_label("Cost per completion"),
            ctx.costs_label("Cost per learning hour"),
            ctx.costs_label("Spend per employee"),
            "Headcount reached",
            "Role holders competent",
        ],
        rows,
    )


def _goal_figure(ctx: Context, org: pd.DataFrame, period: str, metric: str) -> str:
    """A workforce metric of the org in ``period``, as goals see it."""
    if period not in org.index:
        return DASH
    row = org.loc[period]
    if int(row[CODES]):
        return ctx.fmt.suppressed("employees")
    return ctx.fmt.value(metric, row[metric])


def kpi_summary(ctx: Context) -> Table | None:
    """Per KPI, how the departments or roles trained for it moved (None without KPI effects):
    the last link of the L&D manager's chain."""
    effects = ctx.report.workforce.kpi_effects
    if effects.empty:
        return None
    rows = []
    for kpi in ctx.project.kpis:
        verdicts = effects.loc[effects["kpi"] == kpi.id, "verdict"].value_counts()
        if verdicts.empty:
            continue
        rows.append(
            [
                f"[{text(kpi.label)}](../workforce.md#kpi-{kpi.id})",
                text(EVALUATIONS[kpi.evaluation]),
                *(f"{int(verdicts.get(v, 0)):,}" for v in KPI_VERDICTS),
            ]
        )
    headers = [v.capitalize() for v in KPI_VERDICTS[:-1]] + ["Not trained (comparison group)"]
    return Table(["KPI", "Evaluation", *headers], rows)


KPI_VERDICTS = (IMPROVED, NO_MOVE, WORSENED, TOO_EARLY, COMPARISON)
