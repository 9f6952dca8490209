"""The overview (the site's home page) and the goals page with each goal's status matrix."""

from __future__ import annotations

from typing import Any

from generator.domain.catalog import METRICS
from generator.domain.periods import chronological_key
from generator.pages.context import Context, Page, PageSet, Table
from generator.pages.downloads import Records
from generator.pages.finding_text import finding_sentence
from generator.pages.formatting import DASH, text
from generator.pages.render import header, render
from generator.pages.responses import no_responses_note, responses_table
from generator.pages.sections import GOALS_CSV_COLUMNS, ROW_CAP, STATUS_RANK, goal_results_records
from generator.pages.shared_charts import budget_chart, trend
from generator.pages.tables import STATUS_ICON, findings_table, kpi_table, results_table
from generator.report.findings import Finding
from generator.report.goals import MISSED, STATUSES, GoalResult, goal_anchor

HEADLINE = [
    "enrollments",
    "completions",
    "completion_rate",
    "average_score",
    "pass_rate",
    "median_minutes",
    "spend",
    "budget_utilisation",
    "cost_per_completion",
]


def overview(ctx: Context) -> PageSet:
    """The home page: headline figures, who is accountable for the goals missed, findings."""
    page = Page("index.md")
    latest = [ctx.latest_quarter, ctx.latest_year]
    results = ctx.report.goals
    now = [r for r in results if r.period in latest]
    counts = {s: sum(1 for r in now if r.status == s) for s in STATUSES}
    missed = [r for r in results if r.status == MISSED and r.period in latest]
    accountable: dict[str, list[GoalResult]] = {}
    for r in missed:
        for person in r.accountable.people or (
            (r.accountable.group,) if r.accountable.group else ()
        ):
            accountable.setdefault(person, []).append(r)
    who = Table(
        ["Accountable", "Role", "Goals missed", "Which"],
        [
            [
                ctx.person_link(p, 0) if p in ctx.project.person_by_id else text(p),
                ctx.role_link(rs[0].accountable.role, 0),
                str(len(rs)),
                "; ".join(sorted({text(r.title) for r in rs})),
            ]
            for p, rs in sorted(accountable.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ],
    )
    md = render(
        "overview.md.j2",
        **header(ctx, costs=True),
        kpis=kpi_table(ctx, "org", "org", HEADLINE, latest),
        counts=counts,
        who=who,
        missed=results_table(ctx, missed, 0),
        findings=_with_download(
            findings_table(ctx, _recent_findings(ctx), 0),
            page.download("findings", findings_records(ctx)),
        ),
        completion_chart=trend(
            ctx,
            page,
            "completion",
            "org",
            "org",
            "completion_rate",
            "Completion rate by enrolment quarter",
        ),
        budget_chart=budget_chart(ctx, page, ctx.metrics.quarters),
    )
    return page.done(md)


def _with_download(table: Table, download: str) -> Table:
    table.download = download
    return table


def findings_records(ctx: Context) -> Records:
    """Every finding, for a spreadsheet."""
    return Records(
        ["kind", "title", "finding", "scope", "member", "period", "points_at", "evidence", "why"],
        [
            {
                "kind": f.kind,
                "title": f.title,
                "finding": finding_sentence(ctx, f),
                "scope": f.scope,
                "member": f.member,
                "period": f.period,
                "points_at": "; ".join(
                    f"{a.role}: {' '.join(a.people) or a.group or ''}" for a in f.points_at
                ),
                "evidence": "; ".join(f"{k}={v}" for k, v in f.evidence.items()),
                "why": f.why,
            }
            for f in ctx.report.findings
        ],
    )


def _recent_findings(ctx: Context) -> list[Finding]:
    recent = set(ctx.metrics.quarters[-4:]) | {ctx.latest_year}
    return [f for f in ctx.report.findings if f.period in recent]


def goals_page(ctx: Context) -> PageSet:
    """Every goal: its target, scope and RACI, its status per scope and period, its misses."""
    page = Page("goals.md")
    sections = []
    answered = ctx.report.responses.responses if ctx.report.responses else ()
    for goal in ctx.project.goals:
        results = [r for r in ctx.report.goals if r.goal_id == goal.id]
        members = sorted({r.member for r in results})
        evaluated = {r.period for r in results}
        periods = [p for p in [*ctx.metrics.quarters[-4:], ctx.latest_year] if p in evaluated]
        matrix = _goal_matrix(ctx, page, goal, results, members, periods)
        raci = Table(
            ["Accountable", "Responsible", "Consulted", "Informed"],
            [
                [
                    ctx.role_link(goal.raci.accountable, 0),
                    ", ".join(ctx.role_link(r, 0) for r in goal.raci.responsible) or DASH,
                    ", ".join(ctx.role_link(r, 0) for r in goal.raci.consulted) or DASH,
                    ", ".join(ctx.role_link(r, 0) for r in goal.raci.informed) or DASH,
                ]
            ],
        )
        misses = sorted(
            (r for r in results if r.status == MISSED),
            key=lambda r: (r.period.startswith("FY"), r.period),
            reverse=True,
        )
        sections.append(
            {
                "anchor": goal_anchor(goal.id),
                "title": goal.title,
                "kind": goal.kind,
                "metric": ctx.label(goal.metric),
                "level": METRICS[goal.metric].level,
                "target": f"{goal.target.comparator} {ctx.fmt.value(goal.metric, goal.target.value)}",
                "scope": _scope_text(goal),
                "raci": raci,
                "matrix": matrix,
                "misses": results_table(ctx, misses[:8], 0, show_goal=False),
                "missed": len(misses),
                "responses": responses_table(
                    ctx,
                    [r for r in answered if r.goal == goal.id],
                    0,
                    subject=False,
                ),
            }
        )
    records = goal_results_records(ctx, ctx.report.goals, GOALS_CSV_COLUMNS)
    download = page.download("goal-results", records)
    costs = any(METRICS[g.metric].is_cost for g in ctx.project.goals)
    return page.done(
        render(
            "goals.md.j2",
            **header(ctx, costs=costs),
            goals=sections,
            download=download,
            quarter=ctx.report.quarter,
            no_responses=no_responses_note(ctx),
        )
    )


def _goal_matrix(
    ctx: Context,
    page: Page,
    goal: Any,
    results: list[GoalResult],
    members: list[str],
    periods: list[str],
) -> Table:
    """Status per scope and period. With more than ``ROW_CAP`` scopes (a goal on every course)
    the most important show: a miss in the newest period first, then at risk, then no data;
    the complete matrix is ``downloads/goal-<slug>-matrix.csv``, written for every goal so the
    site's set of files does not depend on how many scopes a goal has."""
    status = {(r.member, r.period): r.status for r in results}
    newest_first = sorted(periods, key=chronological_key, reverse=True)

    def importance(member: str) -> tuple[list[int], str]:
        ranks = [
            STATUS_RANK.get(status.get((member, p), ""), len(STATUS_RANK)) for p in newest_first
        ]
        return ranks, ctx.member_name(goal.scope.level, member)

    ranked = sorted(members, key=importance) if len(members) > ROW_CAP else members
    table = Table(
        ["Scope"] + [text(ctx.period_name(p)) for p in periods],
        [
            [ctx.member_link(goal.scope.level, m, 0)]
            + [STATUS_ICON[status[(m, p)]] if (m, p) in status else DASH for p in periods]
            for m in ranked[:ROW_CAP]
        ],
    )
    records = Records(
        ["scope", "member", "name", *periods],
        [
            {
                "scope": goal.scope.level,
                "member": m,
                "name": ctx.member_name(goal.scope.level, m),
                **{p: status.get((m, p), "") for p in periods},
            }
            for m in members
        ],
    )
    table.download = page.download(f"goal-{ctx.goal_slug[goal.id]}-matrix", records)
    if len(members) > ROW_CAP:
        table.more = len(members) - ROW_CAP
        table.order = (
            "Most important first: a miss in the newest period, then at risk, then without "
            "data, then the older periods alike; then by name."
        )
    return table


def _scope_text(goal: Any) -> str:
    scope = goal.scope
    parts = [scope.level.replace("_", " ")]
    if scope.ids:
        parts.append(", ".join(text(i) for i in scope.ids))
    if scope.mandatory is not None:
        parts.append("mandatory courses" if scope.mandatory else "optional courses")
    if scope.audience:
        parts.append(f"audience {text(scope.audience)}")
    return " · ".join(parts)
