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
from datetime import date, timedelta
from typing import Any

from generator.config.responses import OPEN, OVERDUE, action_state
from generator.domain.catalog import METRICS
from generator.domain.periods import DUE_WITHIN_DAYS
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
class ResponseItem:
    """A response of a snapshot (responses/<quarter>.yaml): to a goal or a finding."""

    subject: str  # goal:<id> or finding:<id>
    title: str
    person: str
    person_name: str
    cause: str
    action: str
    owner: str
    owner_name: str
    due: str
    status: str
    changed: tuple[str, ...] = ()  # the fields that differ from the earlier snapshot's


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
    responses_new: tuple[ResponseItem, ...] = ()
    responses_changed: tuple[ResponseItem, ...] = ()
    # B's open actions due from B's report date to ``due_within_days`` after it, and before it
    actions_due: tuple[ResponseItem, ...] = ()
    actions_overdue: tuple[ResponseItem, ...] = ()
    due_within_days: int = DUE_WITHIN_DAYS

    @property
    def empty(self) -> bool:
        return not (
            self.goals
            or self.kpis
            or self.courses_added
            or self.courses_removed
            or self.findings_new
            or self.findings_resolved
            or self.responses_new
            or self.responses_changed
            or self.actions_due
            or self.actions_overdue
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- the diff -----------------------------------------------------------------------------


def diff_snapshots(
    before: Snapshot,
    after: Snapshot,
    thresholds: Thresholds | None = None,
    due_within_days: int = DUE_WITHIN_DAYS,
) -> SnapshotDiff:
    thresholds = thresholds or Thresholds()
    new, changed = response_changes(before.get("responses", []), after.get("responses", []))
    due, overdue = actions_due(after, due_within_days)
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
        findings_new=finding_items(findings_after, set(findings_after) - set(findings_before)),
        findings_resolved=finding_items(
            findings_before, set(findings_before) - set(findings_after)
        ),
        responses_new=new,
        responses_changed=changed,
        actions_due=due,
        actions_overdue=overdue,
        due_within_days=due_within_days,
    )


RESPONSE_FIELDS = ("cause", "action", "owner", "due", "status")


def response_item(record: Mapping[str, Any], changed: tuple[str, ...] = ()) -> ResponseItem:
    goal, finding = record.get("goal"), record.get("finding")
    return ResponseItem(
        subject=f"goal:{goal}" if goal else f"finding:{finding}",
        title=str(record.get("title") or goal or finding or ""),
        person=str(record.get("person", "")),
        person_name=str(record.get("person_name") or record.get("person", "")),
        cause=str(record.get("cause", "")),
        action=str(record.get("action", "")),
        owner=str(record.get("owner", "")),
        owner_name=str(record.get("owner_name") or record.get("owner", "")),
        due=str(record.get("due", "")),
        status=str(record.get("status", "open")),
        changed=changed,
    )


def _response_key(record: Mapping[str, Any]) -> tuple[str, str, str]:
    return (str(record.get("goal") or ""), str(record.get("finding") or ""), str(record["person"]))


def response_changes(
    before: Iterable[Mapping[str, Any]], after: Iterable[Mapping[str, Any]]
) -> tuple[tuple[ResponseItem, ...], tuple[ResponseItem, ...]]:
    """Responses B has and A has not (by what they answer and who gives them), and those whose
    cause, action, owner, due date or status changed."""
    old = {_response_key(r): r for r in before}
    new, changed = [], []
    for record in after:
        earlier = old.get(_response_key(record))
        if earlier is None:
            new.append(response_item(record))
            continue
        fields = tuple(f for f in RESPONSE_FIELDS if earlier.get(f) != record.get(f))
        if fields:
            changed.append(response_item(record, fields))
    return tuple(sorted(new, key=_by_due)), tuple(sorted(changed, key=_by_due))


def actions_due(
    snapshot: Snapshot, within_days: int
) -> tuple[tuple[ResponseItem, ...], tuple[ResponseItem, ...]]:
    """The snapshot's open actions due from its report date to ``within_days`` days after it,
    and those due before it (overdue)."""
    try:
        day = date.fromisoformat(str(snapshot.get("report_date", "")))
    except ValueError:
        return (), ()
    due, overdue = [], []
    for record in snapshot.get("responses", []):
        when = date.fromisoformat(str(record["due"]))
        state = action_state(record.get("status"), when, day)
        if state == OVERDUE:
            overdue.append(response_item(record))
        elif state == OPEN and when <= day + timedelta(days=within_days):
            due.append(response_item(record))
    return tuple(sorted(due, key=_by_due)), tuple(sorted(overdue, key=_by_due))


def _by_due(item: ResponseItem) -> tuple[str, str, str]:
    return (item.due, item.subject, item.person)


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


def finding_items(findings: Mapping[str, Mapping[str, Any]], ids: set[str]) -> tuple[Item, ...]:
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


def status_text(period: str | None, status: str | None) -> str:
    return f"{status} ({period})" if status else "—"


def side_label(side: Side) -> str:
    return f"{side.name} (as of {side.report_date})" if side.report_date else side.name


def to_markdown(diff: SnapshotDiff) -> str:
    """A pull-request comment: short sections, tables, literal user text."""
    fmt = Formatter(diff.currency, diff.min_group_size)
    lines = [
        f"### Training report: {text(side_label(diff.before))} → {text(side_label(diff.after))}",
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
                f"{status_text(g.before_period, g.before_status)} | "
                f"{status_text(g.after_period, g.after_status)} | "
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
    lines += responses_markdown(diff)
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


def responses_markdown(diff: SnapshotDiff) -> list[str]:
    """The responses sections: actions overdue and due first (what needs doing), then the
    responses new or changed since A."""
    lines: list[str] = []
    after = text(side_label(diff.after))
    sections = (
        (f"Actions overdue on {after}", diff.actions_overdue),
        (f"Actions due within {diff.due_within_days} days of {after}", diff.actions_due),
        ("New responses", diff.responses_new),
        ("Changed responses", diff.responses_changed),
    )
    for title, items in sections:
        if not items:
            continue
        changed = any(i.changed for i in items)
        lines += [
            f"**{title}** ({len(items)})",
            "",
            "| responds to | given by | action | owner | due | status |"
            + (" changed |" if changed else ""),
            "| --- | --- | --- | --- | --- | --- |" + (" --- |" if changed else ""),
        ]
        for i in items:
            lines.append(
                f"| {text(i.title)} ({text(i.subject)}) | {text(i.person_name)} | "
                f"{text(i.action)} | {text(i.owner_name)} | {text(i.due)} | {text(i.status)} |"
                + (f" {text(', '.join(i.changed))} |" if changed else "")
            )
        lines.append("")
    return lines
