"""A page per accountable role and the roles index ("who is accountable if the training
fails?")."""

from __future__ import annotations

from generator.config import Person
from generator.pages.context import Context, Page, PageSet, Table
from generator.pages.formatting import DASH, text
from generator.pages.render import costs_shown, header, render
from generator.pages.sections import NOT_MET, goal_section
from generator.pages.tables import STATUS_ICON, findings_table
from generator.pages.workforce import budget_to_workforce, kpi_summary
from generator.report.goals import STATUSES


def role_pages(ctx: Context) -> list[PageSet]:
    """Every role's page, then the index."""
    return [*(role_page(ctx, r.id) for r in ctx.project.roles), index_roles(ctx)]


def role_page(ctx: Context, role_id: str) -> PageSet:
    """A role: who holds it, the goals it was accountable or responsible for that were not met
    (the last four quarters), its findings and its holders' scorecards."""
    role = next(r for r in ctx.project.roles if r.id == role_id)
    page = Page(f"roles/{ctx.role_slug[role_id]}.md")
    holders = ctx.project.holders(role_id)
    recent = set(ctx.metrics.quarters[-4:]) | {ctx.latest_year}
    involved = [
        (kind, r)
        for r in ctx.report.goals
        if r.period in recent
        for kind, a in r.everyone()
        if a.role == role_id
    ]
    slug = ctx.role_slug[role_id]
    accountable = goal_section(
        ctx,
        page,
        f"role-{slug}-accountable-not-met",
        [r for kind, r in involved if kind == "accountable" and r.status in NOT_MET],
    )
    other = goal_section(
        ctx,
        page,
        f"role-{slug}-involved-not-met",
        [(kind, r) for kind, r in involved if kind != "accountable" and r.status in NOT_MET],
    )
    card = ctx.report.role_scorecards.get(role_id)
    findings = [f for f in ctx.report.findings if role_id in f.roles]
    md = render(
        "role.md.j2",
        **header(ctx, costs=costs_shown((r for _, r in involved if r.status in NOT_MET), findings)),
        role=role,
        holders=", ".join(ctx.person_page_link(p.id, 1) for p in holders)
        or "nobody (learners as a group)",
        scorecard=card,
        accountable=accountable,
        other=other,
        findings=findings_table(ctx, findings, 1),
        people=_people_scorecards(ctx, holders),
        # the L&D manager answers for the budget turning into a more productive workforce
        workforce=budget_to_workforce(ctx) if role_id == "ld-manager" else None,
        kpi_summary=kpi_summary(ctx) if role_id == "ld-manager" else None,
    )
    return page.done(md)


def _people_scorecards(ctx: Context, holders: list[Person]) -> Table:
    rows = []
    for person in holders:
        card = ctx.report.people_scorecards.get(person.id)
        if card is None:
            continue
        rows.append(
            [
                ctx.person_page_link(person.id, 1),
                f"{len(card.goals):,}",
                f"{sum(card.counts.values()):,}",
                *(f"{card.counts[s]:,}" for s in STATUSES),
                text(card.trend),
            ]
        )
    # Goals and goal results (goal × scope member × period) are counted apart: one goal on
    # every course gives a result per course and period.
    headers = ["Person", "Goals accountable for", "Goal results", *RESULT_HEADERS, "Trend"]
    return Table(headers, rows)


RESULT_HEADERS = [f"Results {STATUS_ICON[s]}" for s in STATUSES]


def index_roles(ctx: Context) -> PageSet:
    page = Page("roles/index.md")
    rows = []
    for role in ctx.project.roles:
        card = ctx.report.role_scorecards.get(role.id)
        rows.append(
            [
                ctx.role_link(role.id, 1),
                text(role.answers_for),
                ", ".join(ctx.person_page_link(p.id, 1) for p in ctx.project.holders(role.id))
                or DASH,
                str(card.counts["missed"]) if card else "0",
                text(card.trend) if card else DASH,
            ]
        )
    table = Table(["Role", "Answers for", "Held by", "Goal results missed", "Trend"], rows)
    return page.done(
        render(
            "index.md.j2",
            **header(ctx),
            title="Who is accountable if the training fails?",
            intro="Each role, what it answers for, and how its goals went.",
            listing=table,
        )
    )
