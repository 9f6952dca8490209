"""A page per person, team or vendor who holds a role (learners are never named), and the
people index: what they answer for, their goals this quarter, the findings pointing at them and
their responses (responses/<quarter>.yaml)."""

from __future__ import annotations

from generator.config import Person
from generator.config.responses import Response
from generator.pages.context import Context, Page, PageSet, Table
from generator.pages.formatting import DASH, link, text
from generator.pages.render import costs_shown, header, render
from generator.pages.responses import OVERDUE, action_state, no_responses_note, responses_table
from generator.pages.sections import goal_section
from generator.pages.tables import findings_table
from generator.report.findings import Finding
from generator.report.goals import MISSED, STATUSES, GoalResult

KIND_WORDS = {"person": "Person", "team": "Internal team", "vendor": "Vendor"}


def accountable_people(ctx: Context) -> list[Person]:
    """The people who get a page: those who hold a role."""
    return [p for p in ctx.project.people if p.roles]


def people_pages(ctx: Context) -> list[PageSet]:
    """Every accountable person's page, then the index."""
    people = accountable_people(ctx)
    return [*(person_page(ctx, p) for p in people), index_people(ctx, people)]


def goals_of(ctx: Context, person_id: str) -> list[tuple[str, GoalResult]]:
    """(accountable or responsible, result) of the person's goals in the latest quarter and
    the fiscal year to date."""
    periods = {ctx.latest_quarter, ctx.latest_year}
    pairs = []
    for r in ctx.report.goals:
        if r.period not in periods:
            continue
        if person_id in r.accountable.people:
            pairs.append(("accountable", r))
        elif any(person_id in a.people for a in r.responsible):
            pairs.append(("responsible", r))
    return pairs


def findings_of(ctx: Context, person_id: str) -> list[Finding]:
    return [f for f in ctx.report.findings if any(person_id in a.people for a in f.points_at)]


def responses_of(ctx: Context, person_id: str) -> list[Response]:
    """The responses the person gives or owns the action of."""
    if ctx.report.responses is None:
        return []
    return [r for r in ctx.report.responses.responses if person_id in (r.person, r.owner)]


def person_page(ctx: Context, person: Person) -> PageSet:
    slug = ctx.person_slug[person.id]
    page = Page(f"people/{slug}.md")
    goals = goals_of(ctx, person.id)
    findings = findings_of(ctx, person.id)
    section = goal_section(
        ctx, page, f"person-{slug}-goals", goals, statuses=STATUSES, involvement="They are"
    )
    roles = {r.id: r for r in ctx.project.roles}
    held = Table(
        ["Role", "Answers for"],
        [
            [ctx.role_link(role, 1), text(roles[role].answers_for) if role in roles else DASH]
            for role in person.roles
        ],
    )
    card = ctx.report.people_scorecards.get(person.id)
    developer = (
        link("developer page", f"../developers/{slug}.md")
        if "course-developer" in person.roles
        else ""
    )
    md = render(
        "person.md.j2",
        **header(ctx, costs=costs_shown((r for _, r in goals), findings)),
        person=person,
        kind=KIND_WORDS[person.kind],
        developer=developer,
        roles=held,
        goals=section,
        periods=" and ".join(p for p in (ctx.latest_quarter, ctx.latest_year) if p),
        scorecard=card,
        findings=findings_table(ctx, findings, 1),
        responses=responses_table(ctx, responses_of(ctx, person.id), 1),
        no_responses=no_responses_note(ctx),
        quarter=ctx.report.quarter,
    )
    return page.done(md)


def index_people(ctx: Context, people: list[Person]) -> PageSet:
    page = Page("people/index.md")
    rows = []
    for person in people:
        goals = goals_of(ctx, person.id)
        actions = responses_of(ctx, person.id)
        rows.append(
            [
                ctx.person_page_link(person.id, 1),
                KIND_WORDS[person.kind],
                ", ".join(ctx.role_link(r, 1) for r in person.roles),
                f"{sum(1 for _, r in goals if r.status == MISSED):,} of {len(goals):,}",
                f"{len(findings_of(ctx, person.id)):,}",
                f"{len(actions):,}"
                + (
                    f" ({sum(1 for a in actions if action_state(a, ctx) == OVERDUE)} overdue)"
                    if any(action_state(a, ctx) == OVERDUE for a in actions)
                    else ""
                ),
            ]
        )
    table = Table(["Person", "Kind", "Roles", "Goal results missed", "Findings", "Responses"], rows)
    return page.done(
        render(
            "index.md.j2",
            **header(ctx),
            title="People",
            intro=(
                "Each person, team and vendor who holds a role: their goals in the latest "
                "quarter and the year to date, the findings pointing at them and their "
                f"responses for {ctx.report.quarter}. Learners are never named."
            ),
            listing=table,
        )
    )
