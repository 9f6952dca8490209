"""A page per department and the departments index."""

from __future__ import annotations

from generator.pages.context import Context, Page, PageSet, Table
from generator.pages.render import header, render
from generator.pages.shared_charts import trend
from generator.pages.tables import (
    breakdown_cell,
    breakdown_figures,
    findings_table,
    kpi_table,
    metrics_frame,
)
from generator.pages.workforce import department_section
from generator.report.goals import filtered_table


def department_pages(ctx: Context) -> list[PageSet]:
    """Every department's page (those with enrolments), then the index."""
    return [*(department_page(ctx, d) for d in ctx.departments), index_departments(ctx)]


def department_page(ctx: Context, department: str) -> PageSet:
    """A department's figures and its courses' (learners as a group, never a person)."""
    page = Page(f"departments/{ctx.department_slug[department]}.md")
    year = ctx.latest_year
    rows = ctx.breakdown_rows("department", department, year, "course_id")
    table = Table(["Course", "Kind", "Enrolments", "Completion rate", "Average score"], [])
    for r, figures in breakdown_figures(ctx, rows):
        course = ctx.project.course_by_id.get(str(r["course_id"]))
        kind = "mandatory" if course and course.mandatory else "optional"
        table.rows.append([ctx.course_link(str(r["course_id"]), 1), kind, *figures])
    md = render(
        "department.md.j2",
        **header(ctx),
        department=department,
        kpis=kpi_table(
            ctx,
            "department",
            department,
            ["enrollments", "completion_rate", "average_score", "pass_rate"],
            [ctx.latest_quarter, year],
        ),
        trend=trend(
            ctx,
            page,
            "completion",
            "department",
            department,
            "completion_rate",
            "Completion rate by enrolment quarter",
        ),
        courses=table,
        workforce=department_section(ctx, department),
        findings=findings_table(
            ctx,
            ctx.findings_of.get(("department", department), []),
            1,
        ),
    )
    return page.done(md)


def index_departments(ctx: Context) -> PageSet:
    page = Page("departments/index.md")
    year = ctx.latest_year
    mandatory = {c.id for c in ctx.project.courses if c.mandatory}
    # the mandatory courses' figures per department, published as a goal over them would be
    on_mandatory = filtered_table("department", mandatory, ctx.project, ctx.metrics)
    mandatory_rows = {
        str(r["member"]): r for r in on_mandatory[on_mandatory["period"] == year].to_dict("records")
    }
    rows = []
    for department in ctx.departments:
        row = ctx.row("department", department, year)
        rows.append(
            [
                ctx.department_link(department, 1),
                ctx.figure(row, "enrollments"),
                ctx.figure(row, "completion_rate"),
                breakdown_cell(ctx, mandatory_rows.get(department, {}), "completion_rate"),
                ctx.figure(row, "average_score"),
            ]
        )
    table = Table(
        ["Department", f"Enrolments {year}", "Completion", "Mandatory completion", "Average score"],
        rows,
        download=page.download("department-metrics", metrics_frame(ctx, "department")),
    )
    return page.done(
        render(
            "index.md.j2",
            **header(ctx),
            title="Departments",
            intro="Learners take part by department; no figure names a person. Figures about fewer "
            f"than {ctx.fmt.min_group_size} learners are suppressed.",
            listing=table,
        )
    )
