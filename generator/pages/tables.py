"""The Markdown tables more than one page kind shows: key figures, goal results, findings,
the course x department breakdown, and the metrics of a scope for a spreadsheet."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pandas as pd

from generator.domain.catalog import METRICS
from generator.pages.context import Context, Table
from generator.pages.finding_text import finding_sentence
from generator.pages.formatting import DASH, link, text
from generator.report.findings import Finding
from generator.report.goals import NO_DATA, GoalResult
from generator.report.privacy import CODE_COLUMN, reason

# Symbols every system font has (no emoji font is needed offline), coloured by the stylesheet.
STATUS_ICON = {
    "met": '<span class="ta-status ta-met">✔ met</span>',
    "at risk": '<span class="ta-status ta-at-risk">▲ at risk</span>',
    "missed": '<span class="ta-status ta-missed">✘ missed</span>',
    "no data": '<span class="ta-status ta-no-data">○ no data</span>',
}


def markdown_table(table: Table) -> str:
    """The table as Markdown, with what orders its rows above it and its download below."""
    if not table.rows:
        return "_Nothing to show._\n"
    lines = [f"_{table.order}_", ""] if table.order else []
    lines += [
        "| " + " | ".join(table.headers) + " |",
        "|" + "|".join(" --- " for _ in table.headers) + "|",
    ]
    lines += ["| " + " | ".join(cell or DASH for cell in row) + " |" for row in table.rows]
    if table.more and table.download:
        lines += [
            "",
            f"… and {table.more:,} more: [download all {len(table.rows) + table.more:,} as CSV]"
            f"({table.download}){{ .ta-download }}",
        ]
    elif table.download:
        lines += ["", f"[Download as CSV]({table.download}){{ .ta-download }}"]
    return "\n".join(lines) + "\n"


def kpi_table(
    ctx: Context, scope: str, member: str, metrics: Sequence[str], periods: Sequence[str]
) -> Table:
    headers = (
        ["Metric"]
        + [h for p in periods for h in (text(ctx.period_name(p)), "change")]
        + ["Evaluation level"]
    )
    rows = []
    for metric in metrics:
        cells = [text(ctx.label(metric))]
        for period in periods:
            row = ctx.row(scope, member, period)
            cells += [ctx.figure(row, metric), _unbroken(ctx.change(row, metric))]
        rows.append([*cells, text(METRICS[metric].level)])
    return Table(headers, rows)


def _unbroken(cell: str) -> str:
    """A short figure such as "▲ 5.9 pp" kept on one line when its column is narrow."""
    return cell if cell == DASH else f'<span class="ta-nowrap">{cell}</span>'


def results_table(
    ctx: Context, results: Iterable[GoalResult], depth: int, *, show_goal: bool = True
) -> Table:
    headers = (["Goal"] if show_goal else []) + [
        "Scope",
        "Period",
        "Status",
        "Value",
        "Target",
        "Accountable",
        "Responsible",
    ]
    rows = []
    for r in results:
        cells = [link(r.title, f"{ctx.up(depth)}goals.md#{r.goal_id_anchor}")] if show_goal else []
        value = DASH if r.value is None else ctx.fmt.value(r.metric, r.value)
        if r.status == NO_DATA and r.note:
            value = text(r.note)
        cells += [
            ctx.member_link(r.scope, r.member, depth),
            ctx.period_link(r.period, depth),
            STATUS_ICON[r.status],
            value,
            # "&nbsp;": a target such as ">= 70.0" is not broken over two lines.
            f"{text(r.comparator)}&nbsp;{ctx.fmt.value(r.metric, r.target_value)}",
            ctx.assignment(r.accountable, depth),
            "; ".join(ctx.assignment(a, depth) for a in r.responsible) or DASH,
        ]
        rows.append(cells)
    return Table(headers, rows)


def findings_table(ctx: Context, findings: Iterable[Finding], depth: int) -> Table:
    """Findings as sentences with their figures, the roles (by title) and people they point
    at, and why."""
    rows = [
        [
            text(f.kind),
            text(finding_sentence(ctx, f)),
            ctx.period_link(f.period, depth),
            "; ".join(
                f"{ctx.role_link(a.role, depth)}: {ctx.assignment(a, depth)}" for a in f.points_at
            ),
            text(f.why),
        ]
        for f in findings
    ]
    return Table(["Finding", "What the data shows", "Period", "Points at", "Why"], rows)


def metrics_frame(ctx: Context, scope: str) -> pd.DataFrame:
    """Every metric of every member of ``scope`` and period, for a spreadsheet: the published
    numbers, or why a figure is hidden."""
    rows = ctx.scope_rows(scope).reset_index(drop=True)
    frame = pd.DataFrame({"member": rows["member"], "period": rows["period"]})
    if scope in ("developer", "training_manager"):
        frame.insert(1, "name", [ctx.person_name(str(m)) for m in rows["member"]])
    elif scope == "course":
        frame.insert(1, "title", [ctx.course_title(str(m)) for m in rows["member"]])
    labels = {code: reason(code, ctx.fmt.min_group_size) for code in (1, 2)}
    for metric in METRICS:
        if metric not in rows:
            continue
        basis = METRICS[metric].basis
        codes = rows[CODE_COLUMN.format(basis)].tolist() if basis else [0] * len(rows)
        frame[metric] = [
            labels[code] if code else value for value, code in zip(rows[metric], codes, strict=True)
        ]
    return frame


def breakdown_figures(
    ctx: Context, rows: list[dict[str, Any]]
) -> Iterator[tuple[dict[str, Any], list[str]]]:
    """Enrolments, completion rate and average score of each row of the published course ×
    department breakdown, or why a figure is hidden."""
    for r in rows:
        yield (
            r,
            [
                breakdown_cell(ctx, r, m)
                for m in ("enrollments", "completion_rate", "average_score")
            ],
        )


def breakdown_cell(ctx: Context, row: dict[str, Any], metric: str) -> str:
    code = row.get(CODE_COLUMN.format(METRICS[metric].basis))
    why = reason(int(code), ctx.fmt.min_group_size) if code is not None else ""
    return text(why) if why else ctx.fmt.value(metric, row.get(metric))
