"""Course pages (one per course, the bulk of the site: workers.course_pages renders them),
the courses index, and the download of every course run."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from generator.charts import specs as charts
from generator.config import Course
from generator.pages.context import Context, Page, PageSet, Table
from generator.pages.downloads import csv_text
from generator.pages.formatting import DASH, text
from generator.pages.render import header, render
from generator.pages.shared_charts import trend
from generator.pages.tables import (
    STATUS_ICON,
    breakdown_figures,
    findings_table,
    kpi_table,
    metrics_frame,
    results_table,
)
from generator.report.metrics import Row
from generator.report.offerings import STATUS_COUNTS, Run
from generator.report.privacy import suppressed_cells, why_hidden

COURSE_KPIS = [
    "enrollments",
    "completions",
    "completion_rate",
    "withdrawal_rate",
    "fail_rate",
    "open_enrollments",
    "average_score",
    "pass_rate",
    "median_minutes",
    "minutes_ratio",
    "learning_gain",
    "satisfaction",
    "module_dropoff",
    "spend",
    "cost_per_completion",
    "cost_per_learner",
]


def course_page(ctx: Context, course: Course) -> PageSet:
    """A course's figures, charts, runs, departments, goal results and findings."""
    slug = ctx.course_slug[course.id]
    page = Page(f"courses/{slug}.md")
    year, quarter = ctx.latest_year, ctx.latest_quarter
    row = ctx.row("course", course.id, year)
    funnel = _funnel(ctx, page, row)
    modules = ctx.modules_of.get((course.id, year))
    dropoff = ""
    if modules and max(modules["reached"]) >= ctx.fmt.min_group_size:
        columns = {
            "module": modules["module"],
            "order": modules["module_order"],
            # a share of fewer than min_group_size learners is not drawn
            "share_lost": [
                share if reached >= ctx.fmt.min_group_size else None
                for share, reached in zip(modules["dropoff"], modules["reached"], strict=True)
            ],
        }
        title = f"Share of learners lost after each module, {year}"
        dropoff = page.chart(
            "dropoff", charts.dropoff_chart(columns, title=title), "Drop-off by module"
        )
    md = render(
        "course.md.j2",
        **header(ctx, costs=True),  # key figures: spend, cost per completion and per learner
        course=course,
        slug=slug,
        developer=ctx.person_link(course.developer, 1),
        manager=text(ctx.person_name(course.training_manager)),
        kpis=kpi_table(ctx, "course", course.id, COURSE_KPIS, [quarter, year]),
        trend=trend(
            ctx,
            page,
            "completion",
            "course",
            course.id,
            "completion_rate",
            "Completion rate by enrolment quarter",
        ),
        score_trend=trend(
            ctx,
            page,
            "score",
            "course",
            course.id,
            "average_score",
            "Average score by enrolment quarter",
        ),
        funnel=funnel,
        scores=_distribution(ctx, page, "course", course.id, "score", "Scores", year),
        minutes=_distribution(
            ctx, page, "course", course.id, "minutes_ratio", "Time spent vs expected", year
        ),
        dropoff=dropoff,
        offerings=_offering_table(ctx, course.id),
        offering_chart=_offering_chart(ctx, page, course.id),
        departments=_department_table(ctx, course.id, year),
        results=results_table(
            ctx,
            [
                r
                for r in ctx.goals_of.get(("course", course.id), [])
                if r.period in (quarter, year, *ctx.metrics.quarters[-4:])
            ],
            1,
        ),
        findings=findings_table(
            ctx,
            ctx.findings_of.get(("course", course.id), []),
            1,
        ),
    )
    return page.done(md)


OFFERINGS_DOWNLOAD = "offerings"


RUN_RATES = {
    "completion_rate": "Completion rate",
    "withdrawal_rate": "Withdrawal rate",
    "fail_rate": "Fail rate",
}


def _offering_table(ctx: Context, course_id: str) -> Table:
    """One row per run of the course, in time order; empty when the source names no runs.
    Rates are shares of the run's enrolments; "still open" only while a run has open ones."""
    runs = ctx.runs_of.get(course_id, [])
    # The passing results the source gives (a failing result is the fail rate already).
    outcomes = [o for o in ctx.outcomes_of.get(course_id, []) if o != "fail"]
    still_open = any(run.counts["open"] != 0 for run in runs)
    table = Table(
        [
            "Offering",
            "Enrolments",
            "Completed",
            "Withdrew",
            "Failed",
            *(["Still open"] if still_open else []),
            "Average score",
            *(o.title() for o in outcomes),
        ],
        [],
        download=f"../downloads/{OFFERINGS_DOWNLOAD}.csv" if runs else None,
    )
    for run in runs:
        # the run's dates under its name: one column fewer in a wide table
        cells = [f'{text(run.offering)}<br><span class="ta-dates">{_run_dates(run)}</span>']
        if run.hidden:
            cells += [text(run.hidden)] + [DASH] * (len(table.headers) - 2)
            table.rows.append(cells)
            continue
        cells.append(f"{run.enrollments:,}")
        for rate in RUN_RATES:
            value = run.rates[rate]
            cells.append(_run_count(run, COUNT_OF_RATE[rate]) if value is None else f"{value:.1%}")
        if still_open:
            cells.append(_run_count(run, "open"))
        cells.append(_run_score(run, ctx.fmt.suppressed()))
        for outcome in outcomes:
            share = run.rates[f"{outcome}_share"]
            cells.append(_run_count(run, f"outcome_{outcome}") if share is None else f"{share:.1%}")
        table.rows.append(cells)
    return table


COUNT_OF_RATE = {rate: count for count, rate in STATUS_COUNTS.items()}


def _run_count(run: Run, column: str) -> str:
    count = run.counts[column]
    return text(run.why[column]) if count is None else f"{count:,}"


def _run_score(run: Run, hidden: str) -> str:
    if run.average_score is not None:
        return f"{run.average_score:.1f}"
    if "average_score" in run.why:
        return text(run.why["average_score"])
    return DASH if run.scored == 0 else hidden


def _run_dates(run: Run) -> str:
    if run.starts_on and run.ends_on:
        if run.starts_on.year == run.ends_on.year:
            return f"{run.starts_on.day} {run.starts_on:%b} – {_day(run.ends_on)}"
        return f"{_day(run.starts_on)} – {_day(run.ends_on)}"
    if run.first_enrolled:
        return f"first enrolment {_day(run.first_enrolled)}"
    return DASH


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _offering_chart(ctx: Context, page: Page, course_id: str) -> str:
    """Completion, withdrawal and fail rate of each run, in time order (two runs or more)."""
    runs = [r for r in ctx.runs_of.get(course_id, []) if not r.hidden]
    if len(ctx.runs_of.get(course_id, [])) < 2 or not runs:
        return ""
    columns: dict[str, list[Any]] = {"offering": [], "value": [], "series": []}
    for rate, label in RUN_RATES.items():
        for run in ctx.runs_of[course_id]:
            columns["offering"].append(run.offering)
            columns["value"].append(run.rates.get(rate))
            columns["series"].append(label)
    title = "Outcomes by offering (course run)"
    spec = charts.trend_chart(
        columns,
        title=title,
        value_title="Share of enrolments",
        period="offering",
        series="series",
        series_title="Rate",
        in_given_order=True,
    )
    return page.chart("offerings", spec, title)


def offerings_download(ctx: Context) -> PageSet:
    """Every course's runs as published (small groups hidden), for the course pages' tables."""
    records = [
        run.as_record() for course_id in sorted(ctx.runs_of) for run in ctx.runs_of[course_id]
    ]
    if not records:
        return PageSet()
    return PageSet(
        downloads={f"downloads/{OFFERINGS_DOWNLOAD}.csv": csv_text(pd.DataFrame(records))}
    )


def _funnel(ctx: Context, page: Page, row: Row | None) -> str:
    """Enrolled, not withdrawn, completed and passed of a published cohort (none when it is
    hidden); a stage of fewer learners than the minimum is not drawn."""
    if row is None or why_hidden(row, "enrollments", ctx.fmt.min_group_size):
        return ""
    stages = [
        ("Enrolled", row["enrollments"]),
        ("Not withdrawn", row["enrollments"] - row["withdrawn"]),
        ("Completed", row["completed"]),
    ]
    if not why_hidden(row, "pass_rate", ctx.fmt.min_group_size) and int(row["graded"]) > 0:
        stages.append(("Passed", row["passed"]))
    columns = {
        "stage": [s for s, _ in stages],
        "count": [
            int(v) if int(v) >= ctx.fmt.min_group_size or int(v) == 0 else None for _, v in stages
        ],
    }
    return page.chart(
        "funnel",
        charts.funnel_chart(columns, title=f"Enrolment to completion, {row['period']}"),
        "Enrolment funnel",
    )


def _distribution(
    ctx: Context, page: Page, scope: str, member: str, measure: str, title: str, period: str
) -> str:
    rows = ctx.distributions_of.get((scope, member, measure, period))
    if rows is None:
        return ""
    learners = [int(n) for n in rows["learners"]]
    if not learners or sum(learners) < ctx.fmt.min_group_size:
        return ""
    width = 10.0 if measure == "score" else 0.25
    bins = rows["bin"]
    hidden = suppressed_cells(learners, ctx.fmt.min_group_size)
    columns = {
        "bin_start": bins,
        "bin_end": [b + width for b in bins],
        "count": [None if hide else n for n, hide in zip(learners, hidden, strict=True)],
    }
    bin_title = "Score" if measure == "score" else "Minutes ÷ expected minutes"
    spec = charts.distribution_chart(columns, title=f"{title}, {period}", bin_title=bin_title)
    return page.chart(measure.replace("_", "-"), spec, title)


def _department_table(ctx: Context, course_id: str, period: str) -> Table:
    rows = ctx.breakdown_rows("course_id", course_id, period, "department")
    table = Table(["Department", "Enrolments", "Completion rate", "Average score"], [])
    for r, figures in breakdown_figures(ctx, rows):
        table.rows.append([ctx.department_link(str(r["department"]), 1), *figures])
    return table


def index_courses(ctx: Context) -> PageSet:
    """Every course with its figures for the latest year and its worst goal status."""
    page = Page("courses/index.md")
    year = ctx.latest_year
    rows, records = [], []
    for course in sorted(ctx.project.courses, key=lambda c: c.id):
        row = ctx.row("course", course.id, year)
        statuses = [
            r.status
            for r in ctx.goals_of.get(("course", course.id), [])
            if r.period in (ctx.latest_quarter, year)
        ]
        status = _worst(statuses)
        rows.append(
            [
                # The id under the title, not a column of its own: the nine columns fit a
                # laptop's content column.
                f'{ctx.course_link(course.id, 1)}<br><span class="ta-id">{text(course.id)}</span>',
                "mandatory" if course.mandatory else "optional",
                ctx.person_link(course.developer, 1),
                ctx.figure(row, "enrollments"),
                ctx.figure(row, "completion_rate"),
                ctx.figure(row, "average_score"),
                ctx.figure(row, "cost_per_completion"),
                STATUS_ICON[status] if status else DASH,
            ]
        )
        records.append(
            {
                "course_id": course.id,
                "title": course.title,
                "mandatory": course.mandatory,
                "developer": course.developer,
                "enrollments": _raw(ctx, row, "enrollments"),
                "completion_rate": _raw(ctx, row, "completion_rate"),
                "average_score": _raw(ctx, row, "average_score"),
                "cost_per_completion": _raw(ctx, row, "cost_per_completion"),
                "goal_status": status or "",
            }
        )
    table = Table(
        [
            "Course (id)",
            "Kind",
            "Developer",
            f"Enrolments {year}",
            "Completion",
            "Average score",
            ctx.label("cost_per_completion"),
            "Goals",
        ],
        rows,
        download=page.download("courses", pd.DataFrame(records)),
    )
    metrics_download = page.download("course-metrics", metrics_frame(ctx, "course"))
    return page.done(
        render(
            "index.md.j2",
            **header(ctx, costs=True),
            title="Courses",
            intro=f"Every course, with its figures for {year}.",
            listing=table,
            metrics_download=metrics_download,
        )
    )


def _raw(ctx: Context, row: Row | None, metric: str) -> object:
    """A figure for CSV: the published number, or why it is hidden."""
    if row is None:
        return None
    return why_hidden(row, metric, ctx.fmt.min_group_size) or row.get(metric)


def _worst(statuses: list[str]) -> str | None:
    for status in ("missed", "at risk", "met", "no data"):
        if status in statuses:
            return status
    return None
