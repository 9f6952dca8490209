"""A page per course developer (an internal team or a vendor) and the developers index."""

from __future__ import annotations

from generator.config import Person
from generator.pages.context import Context, Page, PageSet, Table
from generator.pages.courses import COURSE_KPIS
from generator.pages.formatting import text
from generator.pages.render import header, render
from generator.pages.sections import goal_section
from generator.pages.shared_charts import developer_chart, trend
from generator.pages.tables import findings_table, kpi_table, metrics_frame
from generator.report.goals import STATUSES


def developer_pages(ctx: Context) -> list[PageSet]:
    """Every holder of the role has a page (the role page links them all), with or without
    courses of their own; then the index."""
    developers = sorted(
        {c.developer for c in ctx.project.courses}
        | {p.id for p in ctx.project.holders("course-developer")}
    )
    return [*(developer_page(ctx, d) for d in developers), index_developers(ctx, developers)]


def developer_page(ctx: Context, developer: str) -> PageSet:
    """A developer's courses, their figures and cost compared with the other developers'."""
    slug = ctx.person_slug[developer]
    page = Page(f"developers/{slug}.md")
    person: Person | None = ctx.project.person_by_id.get(developer)
    year = ctx.latest_year
    courses = [c for c in ctx.project.courses if c.developer == developer]
    course_rows = Table(
        [
            "Course",
            "Kind",
            "Enrolments",
            "Completion",
            "Average score",
            ctx.costs_label("Cost per completion"),
        ],
        [
            [
                ctx.course_link(c.id, 1),
                "mandatory" if c.mandatory else "optional",
                ctx.figure(ctx.row("course", c.id, year), "enrollments"),
                ctx.figure(ctx.row("course", c.id, year), "completion_rate"),
                ctx.figure(ctx.row("course", c.id, year), "average_score"),
                ctx.figure(ctx.row("course", c.id, year), "cost_per_completion"),
            ]
            for c in courses
        ],
    )
    comparison = developer_chart(ctx, page, year)
    md = render(
        "developer.md.j2",
        **header(ctx, costs=True),
        name=person.name if person else developer,
        kind=person.kind if person else "",
        courses=course_rows,
        kpis=kpi_table(ctx, "developer", developer, COURSE_KPIS, [ctx.latest_quarter, year]),
        trend=trend(
            ctx,
            page,
            "completion",
            "developer",
            developer,
            "completion_rate",
            "Completion rate of their courses by enrolment quarter",
        ),
        comparison=comparison,
        results=goal_section(
            ctx,
            page,
            f"developer-{slug}-goal-results",
            [
                r
                for r in ctx.report.goals
                if developer in r.accountable.people and r.period in (ctx.latest_quarter, year)
            ],
            statuses=STATUSES,
        ),
        findings=findings_table(
            ctx,
            [f for f in ctx.report.findings if any(developer in a.people for a in f.points_at)],
            1,
        ),
    )
    return page.done(md)


def index_developers(ctx: Context, developers: list[str]) -> PageSet:
    page = Page("developers/index.md")
    year = ctx.latest_year
    rows = []
    for d in developers:
        row = ctx.row("developer", d, year)
        person = ctx.project.person_by_id.get(d)
        rows.append(
            [
                ctx.person_link(d, 1),
                text(person.kind if person else ""),
                str(sum(1 for c in ctx.project.courses if c.developer == d)),
                ctx.figure(row, "enrollments"),
                ctx.figure(row, "completion_rate"),
                ctx.figure(row, "spend"),
                ctx.figure(row, "cost_per_completion"),
            ]
        )
    chart = developer_chart(ctx, page, year)
    table = Table(
        [
            "Developer",
            "Kind",
            "Courses",
            f"Enrolments {year}",
            "Completion",
            ctx.costs_label("Spend"),
            ctx.costs_label("Cost per completion"),
        ],
        rows,
        download=page.download("developer-metrics", metrics_frame(ctx, "developer")),
    )
    return page.done(
        render(
            "index.md.j2",
            **header(ctx, costs=True),
            title="Course developers",
            intro=f"Internal teams and vendors, and what their courses achieved and cost in {year}.",
            listing=table,
            chart=chart,
        )
    )
