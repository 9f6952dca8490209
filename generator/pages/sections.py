"""Goal sections: goal results whose number grows with the courses, shown as a summary per
goal and period and the ``ROW_CAP`` most important results, every row in a CSV download."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from generator.pages.context import Context, Page, Table
from generator.pages.downloads import Records
from generator.pages.formatting import link
from generator.pages.tables import STATUS_ICON, markdown_table, results_table
from generator.report.goals import AT_RISK, MET, MISSED, NO_DATA, Assignment, GoalResult

NOT_MET = ("missed", "at risk", "no data")
# Goal-result tables whose length grows with the number of courses (role, period and developer
# pages) show this many rows, the most important first; the complete list is a CSV download.
ROW_CAP = 25
STATUS_RANK = {MISSED: 0, AT_RISK: 1, NO_DATA: 2, MET: 3}
STATUS_WORDS = {MISSED: "missed", AT_RISK: "at risk", NO_DATA: "without data", MET: "met"}


@dataclass
class GoalSection:
    """Goal results that grow with the number of courses: a summary per goal and period
    (bounded by goals × periods), then the ``ROW_CAP`` most important results."""

    summary: Table
    results: Table


def goal_section(
    ctx: Context,
    page: Page,
    name: str,
    results: Iterable[GoalResult | tuple[str, GoalResult]],
    *,
    statuses: Sequence[str] = NOT_MET,
    involvement: str = "This role is",
) -> GoalSection:
    """``results`` are goal results, or (what the role is, goal result) pairs for a role that
    is responsible, consulted or informed (``involvement`` heads that column). The complete list is ``downloads/{name}.csv``,
    linked below the table. It is written even when every row shows (or there is none): the
    site's set of files then stays the same when a goal's target moves a table across the
    cap, so the next build can still be incremental."""
    depth = page.depth
    pairs = [r if isinstance(r, tuple) else ("", r) for r in results]
    role_is = any(kind for kind, _ in pairs)
    ranked = sorted(pairs, key=lambda pair: _importance(ctx, *pair))
    shown = ranked[:ROW_CAP]
    if role_is:
        table = Table(
            ["Goal", "Scope", "Period", "Status", involvement],
            [
                [
                    link(r.title, f"{ctx.up(depth)}goals.md#{r.goal_id_anchor}"),
                    ctx.member_link(r.scope, r.member, depth),
                    ctx.period_link(r.period, depth),
                    STATUS_ICON[r.status],
                    kind,
                ]
                for kind, r in shown
            ],
        )
    else:
        table = results_table(ctx, [r for _, r in shown], depth)
    if len(ranked) > 1:
        table.order = _importance_text(statuses)
    table.more = max(0, len(ranked) - ROW_CAP)
    table.download = page.download(name, goal_results_records(ctx, ranked))
    return GoalSection(_goal_summary(ctx, pairs, depth, statuses, role_is, involvement), table)


def _importance_text(statuses: Sequence[str]) -> str:
    ranked = sorted(statuses, key=STATUS_RANK.__getitem__)
    return (
        "Most important first: "
        + ", then ".join(STATUS_WORDS[s] for s in ranked)
        + "; the newest period first (a fiscal year after its quarters); then by goal, in the "
        "order of the goals page, and by scope."
    )


def _importance(ctx: Context, kind: str, r: GoalResult) -> tuple[int, int, int, str, str, str]:
    return (
        STATUS_RANK[r.status],
        ctx.period_age.get(r.period, len(ctx.period_age)),
        ctx.goal_order.get(r.goal_id, len(ctx.goal_order)),
        ctx.member_name(r.scope, r.member).casefold(),
        r.member,
        kind,
    )


def _goal_summary(
    ctx: Context,
    pairs: list[tuple[str, GoalResult]],
    depth: int,
    statuses: Sequence[str],
    role_is: bool,
    involvement: str = "This role is",
) -> Table:
    """How many scope members each goal missed (at risk, ...) per period."""
    counts: dict[tuple[str, str, str], dict[str, int]] = {}
    first: dict[str, GoalResult] = {}
    for kind, r in pairs:
        first.setdefault(r.goal_id, r)
        row = counts.setdefault((r.goal_id, kind, r.period), dict.fromkeys(statuses, 0))
        row[r.status] = row.get(r.status, 0) + 1
    keys = sorted(
        counts,
        key=lambda k: (
            ctx.goal_order.get(k[0], len(ctx.goal_order)),
            k[0],
            k[1],
            ctx.period_age.get(k[2], len(ctx.period_age)),
        ),
    )
    one_period = len({k[2] for k in keys}) <= 1
    headers = (
        ["Goal"]
        + ([involvement] if role_is else [])
        + ([] if one_period else ["Period"])
        + [STATUS_ICON[s] for s in statuses]
    )
    rows = []
    for goal_id, kind, period in keys:
        r = first[goal_id]
        rows.append(
            [link(r.title, f"{ctx.up(depth)}goals.md#{r.goal_id_anchor}")]
            + ([kind] if role_is else [])
            + ([] if one_period else [ctx.period_link(period, depth)])
            + [f"{counts[goal_id, kind, period][s]:,}" for s in statuses]
        )
    return Table(headers, rows)


def markdown_goal_section(section: GoalSection) -> str:
    """The list alone when it is complete; else the summary per goal first."""
    if not section.results.more:
        return markdown_table(section.results)
    return (
        "Per goal and period, how many of the scopes it covers (courses, departments, people) "
        "had each status:\n\n"
        + markdown_table(section.summary)
        + "\n"
        + markdown_table(section.results)
    )


# goals.md's download of every goal result: goal_results_records' columns without the names, notes
# and responsible people, which the role, period and developer downloads add.
GOALS_CSV_COLUMNS = [
    "goal",
    "title",
    "scope",
    "member",
    "period",
    "status",
    "value",
    "target",
    "accountable",
]


def goal_results_records(
    ctx: Context,
    results: Iterable[GoalResult | tuple[str, GoalResult]],
    columns: list[str] | None = None,
) -> Records:
    """Goal results for a spreadsheet, with what the role is when given as pairs: the values
    the pages show (a value about fewer than min_group_size learners is never evaluated; its
    status is "no data"), text cells defused by ``csv_text``."""
    pairs = [r if isinstance(r, tuple) else ("", r) for r in results]
    default = [
        "goal",
        "title",
        "scope",
        "member",
        "name",
        "period",
        "status",
        "value",
        "target",
        "note",
        "accountable",
        "responsible",
    ]
    if any(kind for kind, _ in pairs):
        default.insert(default.index("status") + 1, "this_role_is")
    return Records(
        columns or default,
        [
            {
                "goal": r.goal_id,
                "title": r.title,
                "scope": r.scope,
                "member": r.member,
                "name": ctx.member_name(r.scope, r.member),
                "period": r.period,
                "status": r.status,
                "this_role_is": kind,
                "value": r.value,
                "target": r.target,
                "note": r.note,
                "accountable": _assigned(r.accountable),
                "responsible": "; ".join(_assigned(a) for a in r.responsible),
            }
            for kind, r in pairs
        ],
    )


def _assigned(assignment: Assignment) -> str:
    return " ".join(assignment.people) or assignment.group or ""
