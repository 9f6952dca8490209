"""A page per person, team or vendor who holds a role (learners are never named), and the
people index: what they answer for, their goals this quarter, the findings pointing at them and
their responses (responses/<quarter>.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.config import Person
from generator.config.responses import OVERDUE, Response
from generator.pages.context import Context, Page, PageSet, Table
from generator.pages.formatting import DASH, link, text
from generator.pages.render import costs_shown, header, render
from generator.pages.responses import no_responses_note, responses_table, state_on_report_date
from generator.pages.sections import goal_section
from generator.pages.tables import STATUS_ICON, findings_table
from generator.report.findings import Finding
from generator.report.goals import MISSED, STATUSES, GoalResult, goal_anchor

KIND_WORDS = {"person": "Person", "team": "Internal team", "vendor": "Vendor"}


def accountable_people(ctx: Context) -> list[Person]:
    """The people who get a page: those who hold a role."""
    return [p for p in ctx.project.people if p.roles]


@dataclass
class Involvement:
    """One person's part of the report: (accountable or responsible, result) of their goals in
    the latest quarter and the fiscal year to date, the findings pointing at them, and the
    responses they give or own the action of."""

    goals: list[tuple[str, GoalResult]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)


def involvement(ctx: Context, people: list[Person]) -> dict[str, Involvement]:
    """Each person's involvement, in one pass over the goal results and the findings (a page
    per person filtering every result would grow with people x courses)."""
    found = {p.id: Involvement() for p in people}
    periods = {ctx.latest_quarter, ctx.latest_year}
    for r in ctx.report.goals:
        if r.period not in periods:
            continue
        accountable = set(r.accountable.people)
        for person in accountable:
            if person in found:
                found[person].goals.append(("accountable", r))
        for person in {p for a in r.responsible for p in a.people} - accountable:
            if person in found:
                found[person].goals.append(("responsible", r))
    for f in ctx.report.findings:
        for person in sorted({p for a in f.points_at for p in a.people}):
            if person in found:
                found[person].findings.append(f)
    if ctx.report.responses is not None:
        for response in ctx.report.responses.responses:
            for person in {response.person, response.owner}:
                if person in found:
                    found[person].responses.append(response)
    return found


def people_pages(ctx: Context) -> list[PageSet]:
    """Every accountable person's page, then the index."""
    people = accountable_people(ctx)
    parts = involvement(ctx, people)
    return [*(person_page(ctx, p, parts[p.id]) for p in people), index_people(ctx, people, parts)]


def person_page(ctx: Context, person: Person, part: Involvement) -> PageSet:
    slug = ctx.person_slug[person.id]
    page = Page(f"people/{slug}.md")
    goals, findings = part.goals, part.findings
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
        responses=responses_table(ctx, part.responses, 1),
        no_responses=no_responses_note(ctx),
        quarter=ctx.report.quarter,
        since=ctx.since,
        compared=ctx.since.compared.get(person.id, 0) if ctx.since else 0,
        trend=trend_table(ctx, person.id) if ctx.since else None,
    )
    return page.done(md)


def index_people(ctx: Context, people: list[Person], parts: dict[str, Involvement]) -> PageSet:
    page = Page("people/index.md")
    rows = []
    for person in people:
        goals, actions = parts[person.id].goals, parts[person.id].responses
        rows.append(
            [
                ctx.person_page_link(person.id, 1),
                KIND_WORDS[person.kind],
                ", ".join(ctx.role_link(r, 1) for r in person.roles),
                f"{sum(1 for _, r in goals if r.status == MISSED):,} of {len(goals):,}",
                f"{len(parts[person.id].findings):,}",
                _responses_count(ctx, actions),
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


def _responses_count(ctx: Context, actions: list[Response]) -> str:
    """How many responses, and how many of their actions are overdue (when any are)."""
    overdue = sum(1 for a in actions if state_on_report_date(a, ctx) == OVERDUE)
    return f"{len(actions):,}" + (f" ({overdue} overdue)" if overdue else "")


# --- the trend since an earlier snapshot ------------------------------------------------------


def trend_table(ctx: Context, person: str) -> Table:
    """Their goal results whose status changed since the snapshot (ctx.since), worst now first
    (the order diff gives them). A goal the project no longer has is named, not linked."""
    assert ctx.since is not None
    goals = {g.id for g in ctx.project.goals}
    return Table(
        ["Goal", "Scope", "Then", "Now"],
        [
            [
                link(t.title, f"{ctx.up(1)}goals.md#{goal_anchor(t.goal)}")
                if t.goal in goals
                else text(t.title) + " (no longer a goal)",
                text(t.member) if t.member else DASH,
                _trend_status(ctx, t.before_period, t.before_status),
                _trend_status(ctx, t.after_period, t.after_status),
            ]
            for t in ctx.since.changed.get(person, ())
        ],
    )


def _trend_status(ctx: Context, period: str | None, status: str | None) -> str:
    if status is None:
        return "not evaluated"
    shown = STATUS_ICON.get(status, text(status))
    # The period may come from any snapshot.json: text, like every label from outside.
    return f"{shown} in {text(ctx.period_name(period))}" if period else shown
