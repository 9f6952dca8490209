"""What changed between two snapshots: goals whose status changed, KPIs that moved, courses
added or removed, findings new or resolved. Pure: two snapshot dicts (see snapshot.py) in, a
:class:`SnapshotDiff` out, rendered as Markdown for a pull-request comment or as JSON.

A goal's status in a snapshot is its result for the latest period it was evaluated for (per
goal, scope member and kind of period), so two quarterly snapshots compare each quarter's
verdict, and a snapshot against the current build of the same date shows restatements.
KPIs are the organisation's figures for each snapshot's own quarter.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from generator.domain.catalog import METRICS
from generator.pages.formatting import Formatter, text
from generator.report.goals import AT_RISK, MET, MISSED, NO_DATA

Snapshot = Mapping[str, Any]
SEVERITY = {MISSED: 0, AT_RISK: 1, NO_DATA: 2, MET: 3, None: 4}
POINT_UNITS = {"rate", "share", "change"}


@dataclass(frozen=True)
class Thresholds:
    """A KPI moved when rates changed by ``points`` (0.05 = 5 percentage points), and any other
    figure by ``relative`` of its earlier value (0.10 = 10%)."""

    points: float = 0.05
    relative: float = 0.10

    def describe(self) -> str:
        return f"{self.points * 100:g} points for rates, {self.relative * 100:g}% otherwise"


@dataclass(frozen=True)
class Side:
    name: str
    report_date: str
    period: str


@dataclass(frozen=True)
class GoalChange:
    goal: str
    title: str
    scope: str
    member: str
    before_period: str | None
    before_status: str | None
    after_period: str | None
    after_status: str | None
    accountable_role: str
    accountable: tuple[str, ...]  # people's names, or the learner group


@dataclass(frozen=True)
class KpiMove:
    metric: str
    label: str
    before: float
    after: float
    change: float


@dataclass(frozen=True)
class Item:
    """A course or a finding that one side has and the other has not."""

    id: str
    title: str
    detail: str = ""


@dataclass(frozen=True)
class SnapshotDiff:
    before: Side
    after: Side
    currency: str
    min_group_size: int
    thresholds: Thresholds
    goals: tuple[GoalChange, ...] = ()
    kpis: tuple[KpiMove, ...] = ()
    courses_added: tuple[Item, ...] = ()
    courses_removed: tuple[Item, ...] = ()
    findings_new: tuple[Item, ...] = ()
    findings_resolved: tuple[Item, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not (
            self.goals
            or self.kpis
            or self.courses_added
            or self.courses_removed
            or self.findings_new
            or self.findings_resolved
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- the diff -----------------------------------------------------------------------------


def diff_snapshots(
    before: Snapshot, after: Snapshot, thresholds: Thresholds | None = None
) -> SnapshotDiff:
    thresholds = thresholds or Thresholds()
    courses_before = {c["id"]: c for c in before.get("courses", [])}
    courses_after = {c["id"]: c for c in after.get("courses", [])}
    findings_before = {f["id"]: f for f in before.get("findings", [])}
    findings_after = {f["id"]: f for f in after.get("findings", [])}
    return SnapshotDiff(
        before=_side(before),
        after=_side(after),
        currency=str(after.get("currency") or before.get("currency") or ""),
        min_group_size=int(after.get("min_group_size") or before.get("min_group_size") or 1),
        thresholds=thresholds,
        goals=goal_changes(before.get("goals", []), after.get("goals", [])),
        kpis=kpi_moves(before.get("kpis", {}), after.get("kpis", {}), thresholds),
        courses_added=_courses(courses_after, set(courses_after) - set(courses_before)),
        courses_removed=_courses(courses_before, set(courses_before) - set(courses_after)),
        findings_new=_findings(findings_after, set(findings_after) - set(findings_before)),
        findings_resolved=_findings(findings_before, set(findings_before) - set(findings_after)),
    )


def _side(snapshot: Snapshot) -> Side:
    return Side(
        str(snapshot.get("version", "")),
        str(snapshot.get("report_date", "")),
        str(snapshot.get("period", "")),
    )


def _goal_key(goal: Mapping[str, Any]) -> tuple[str, str, str]:
    kind = "year" if str(goal["period"]).startswith("FY") else "quarter"
    return (str(goal["goal"]), str(goal["member"]), kind)


def headline_goals(goals: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str, str], Any]:
    """Per goal, member and kind of period: the result of the latest period."""
    latest: dict[tuple[str, str, str], Mapping[str, Any]] = {}
    for goal in goals:
        key = _goal_key(goal)
        if key not in latest or str(goal["period"]) > str(latest[key]["period"]):
            latest[key] = goal
    return latest


def _accountable(goal: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    assignment = goal.get("accountable") or {}
    names = tuple(p["name"] for p in assignment.get("people", []))
    if not names and assignment.get("group"):
        names = (str(assignment["group"]),)
    return str(assignment.get("role", "")), names


def goal_changes(
    before: Iterable[Mapping[str, Any]], after: Iterable[Mapping[str, Any]]
) -> tuple[GoalChange, ...]:
    old, new = headline_goals(before), headline_goals(after)
    changes = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and a["status"] == b["status"]:
            continue
        current = b if b is not None else a
        assert current is not None
        role, people = _accountable(current)
        changes.append(
            GoalChange(
                goal=key[0],
                title=str(current["title"]),
                scope=str(current["scope"]),
                member=key[1],
                before_period=a["period"] if a else None,
                before_status=a["status"] if a else None,
                after_period=b["period"] if b else None,
                after_status=b["status"] if b else None,
                accountable_role=role,
                accountable=people,
            )
        )
    return tuple(sorted(changes, key=lambda c: (SEVERITY[c.after_status], c.goal, c.member)))


def moved(metric: str, before: float, after: float, thresholds: Thresholds) -> bool:
    unit = METRICS[metric].unit if metric in METRICS else "count"
    change = after - before
    if unit in POINT_UNITS:
        return abs(change) >= thresholds.points - 1e-12
    if before == 0:
        return after != 0
    return abs(change) / abs(before) >= thresholds.relative - 1e-12


def kpi_moves(
    before: Mapping[str, Any], after: Mapping[str, Any], thresholds: Thresholds
) -> tuple[KpiMove, ...]:
    names = [m for m in METRICS if m in before or m in after]
    moves = []
    for name in names:
        a, b = before.get(name), after.get(name)
        if a is None or b is None or not moved(name, float(a), float(b), thresholds):
            continue
        moves.append(KpiMove(name, METRICS[name].label, float(a), float(b), float(b) - float(a)))
    return tuple(moves)


def _courses(courses: Mapping[str, Mapping[str, Any]], ids: set[str]) -> tuple[Item, ...]:
    return tuple(
        Item(i, str(courses[i].get("title", i)), str(courses[i].get("developer", "")))
        for i in sorted(ids)
    )


def _findings(findings: Mapping[str, Mapping[str, Any]], ids: set[str]) -> tuple[Item, ...]:
    items = []
    for i in sorted(ids):
        finding = findings[i]
        roles = ", ".join(_names(p) for p in finding.get("points_at", []) if _names(p))
        items.append(Item(i, str(finding.get("title", i)), roles))
    return tuple(items)


def _names(assignment: Mapping[str, Any]) -> str:
    people = [p["name"] for p in assignment.get("people", [])]
    who = ", ".join(people) or str(assignment.get("group") or "")
    return f"{assignment.get('role', '')}: {who}" if who else str(assignment.get("role", ""))


# --- rendering ----------------------------------------------------------------------------


def to_json(diff: SnapshotDiff) -> str:
    return json.dumps(diff.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _status(period: str | None, status: str | None) -> str:
    return f"{status} ({period})" if status else "—"


def _side_label(side: Side) -> str:
    return f"{side.name} (as of {side.report_date})" if side.report_date else side.name


def to_markdown(diff: SnapshotDiff) -> str:
    """A pull-request comment: short sections, tables, literal user text."""
    fmt = Formatter(diff.currency, diff.min_group_size)
    lines = [
        f"### Training report: {text(_side_label(diff.before))} → {text(_side_label(diff.after))}",
        "",
    ]
    if diff.empty:
        lines.append(
            "No goal changed status, no KPI moved more than the threshold "
            f"({diff.thresholds.describe()}), no course was added or removed and no finding "
            "is new or resolved."
        )
        return "\n".join(lines) + "\n"
    if diff.goals:
        lines += [f"**Goals whose status changed** ({len(diff.goals)})", ""]
        lines += [
            f"| goal | for | {text(diff.before.name)} | {text(diff.after.name)} | accountable |",
            "| --- | --- | --- | --- | --- |",
        ]
        for g in diff.goals:
            who = ", ".join(g.accountable) or "—"
            lines.append(
                f"| {text(g.title)} ({text(g.goal)}) | {text(g.member)} | "
                f"{_status(g.before_period, g.before_status)} | "
                f"{_status(g.after_period, g.after_status)} | "
                f"{text(who)} ({text(g.accountable_role)}) |"
            )
        lines.append("")
    if diff.kpis:
        lines += [
            f"**KPIs that moved** (organisation, {diff.before.period} → {diff.after.period}; "
            f"threshold {diff.thresholds.describe()})",
            "",
            f"| KPI | {text(diff.before.name)} | {text(diff.after.name)} | change |",
            "| --- | ---: | ---: | ---: |",
        ]
        for k in diff.kpis:
            lines.append(
                f"| {text(k.label)} | {fmt.value(k.metric, k.before)} | "
                f"{fmt.value(k.metric, k.after)} | {fmt.change(k.metric, k.change)} |"
            )
        lines.append("")
    for title, items in (
        ("Courses added", diff.courses_added),
        ("Courses removed", diff.courses_removed),
        ("New findings", diff.findings_new),
        ("Resolved findings", diff.findings_resolved),
    ):
        if items:
            lines += [f"**{title}** ({len(items)})", ""]
            lines += [
                f"- {text(i.title)} ({text(i.id)})" + (f" → {text(i.detail)}" if i.detail else "")
                for i in items
            ]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
