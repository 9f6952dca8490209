"""Findings from the workforce tables: where competence or retention falls short, and who
answers for it. The department head and the employees' manager on the HR roster answer for a
required course overdue in a department, with the course's training manager; the department
head and the L&D manager for a department whose turnover drives retraining; the developers
and training managers of a KPI's courses, with the department head, for a KPI that did not move
(or worsened) once the department or role was trained.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from statistics import median
from typing import Any

import pandas as pd

from generator.config import Project
from generator.domain.values import plain_number
from generator.report.findings import Finding, finding_id
from generator.report.goals import Assignment, RoleResolver
from generator.report.kpi_effects import NO_MOVE, WORSENED
from generator.report.workforce import ALL, EXPIRED, HIDDEN, OVERDUE, Workforce

OVERDUE_KIND = "required course overdue"
TURNOVER_KIND = "turnover drives retraining"
KPI_KIND = "KPI did not move after training"


def workforce_findings(project: Project, workforce: Workforce) -> list[Finding]:
    if workforce.empty:
        return []
    return [
        *overdue_requirements(project, workforce),
        *turnover_outliers(project, workforce),
        *kpis_not_moved(project, workforce),
    ]


def overdue_requirements(project: Project, workforce: Workforce) -> Iterator[Finding]:
    """A department where at least ``overdue_share`` of a requirement's role holders are overdue
    or expired on one of its courses (as of the report date)."""
    share = project.settings.thresholds.overdue_share
    titles = {r.id: r.title for r in project.requirements}
    for row in _shown(workforce.compliance):
        late = row[OVERDUE] + row[EXPIRED]
        if not row["holders"] or late / row["holders"] < share:
            continue
        department, course = str(row["department"]), str(row["course_id"])
        resolve = RoleResolver(project, "department", department)
        manager = str(row["manager"])
        points_at = (
            resolve("department-head"),
            Assignment("manager", (manager,)) if manager in project.person_by_id else None,
            RoleResolver(project, "course", course)("training-manager"),
        )
        yield Finding(
            id=finding_id("overdue", str(row["requirement"]), course, department, manager),
            kind=OVERDUE_KIND,
            title=f"{titles.get(str(row['requirement']), row['requirement'])}: "
            f"{int(late)} of {int(row['holders'])} role holders in {department} are overdue "
            "or expired",
            scope="department",
            member=department,
            period="",
            points_at=tuple(a for a in points_at if a is not None),
            evidence={
                "holders": int(row["holders"]),
                "overdue": int(row[OVERDUE]),
                "expired": int(row[EXPIRED]),
                "course": course,
            },
            sentence="{late} of the {holders} role holders in {department} are overdue or "
            "expired on {course} (required by {requirement}): {overdue} overdue, {expired} "
            "expired.",
            names={
                "late": f"{int(late):,}",
                "requirement": str(titles.get(str(row["requirement"]), row["requirement"])),
                "department": department,
            },
            why="Every employee must be able to do their job competently: the department head "
            "and the manager make the time for required courses, the training manager follows "
            "up on the LMS data.",
        )


def turnover_outliers(project: Project, workforce: Workforce) -> Iterator[Finding]:
    """A department whose turnover in the latest year is at least ``turnover_ratio`` times the
    median of the other departments': its leavers' replacements are trained again."""
    ratio = project.settings.thresholds.turnover_ratio
    turnover = workforce.turnover
    if turnover.empty:
        return
    year = str(turnover["period"].iloc[-1])
    rows = [r for r in _shown(turnover[turnover["period"] == year]) if r["department"] != ALL]
    for row in rows:
        others = [float(r["turnover"]) for r in rows if r is not row and _known(r["turnover"])]
        if not others or not _known(row["turnover"]):
            continue
        typical = median(others)
        if typical <= 0 or float(row["turnover"]) < ratio * typical:
            continue
        department = str(row["department"])
        resolve = RoleResolver(project, "department", department)
        cost = _retraining_cost(workforce, department)
        costs = (
            f"; its hires of {cost[0]} completed {cost[1]:,} courses in their first year, "
            f"about {project.settings.currency} {cost[2]:,.0f} of training bought again"
            if cost
            else ""
        )
        yield Finding(
            id=finding_id("turnover", department, year),
            kind=TURNOVER_KIND,
            title=f"{department}: turnover {float(row['turnover']):.0%} in {year}, "
            f"{float(row['turnover']) / typical:.1f}x the other departments' median{costs}",
            scope="department",
            member=department,
            period=year,
            points_at=(resolve("department-head"), resolve("ld-manager")),
            evidence={
                "turnover": float(row["turnover"]),
                "typical_turnover": typical,
                "leavers": int(row["leavers"]),
                "voluntary_leavers": int(row["voluntary_leavers"]),
                **({"hire_completions": cost[1], "retraining_cost": cost[2]} if cost else {}),
            },
            sentence="In {period}, turnover in {department} was {turnover} ({leavers} leavers, "
            "{voluntary_leavers} of them voluntary), {times} the median of the other "
            "departments, {typical_turnover}"
            + (
                "; its hires of {hired} completed {hire_completions} courses in their first "
                "year, about {retraining_cost} of training bought again."
                if cost
                else "."
            ),
            names={
                "department": department,
                "times": f"{float(row['turnover']) / typical:.1f}×",
                **({"hired": cost[0]} if cost else {}),
            },
            why="Every leaver is replaced by a new hire who takes the required training again: "
            "the budget pays for the same competence twice.",
        )


def _retraining_cost(workforce: Workforce, department: str) -> tuple[str, int, float] | None:
    """The department's hires over the report's years (shown ones): the years, their
    completions in their year of hire and what those cost at each year's cost per completion
    (None when none is known or they completed nothing)."""
    hires = workforce.new_hires
    if "retraining_cost" not in hires:
        return None
    rows = hires[(hires["department"] == department) & hires["retraining_cost"].notna()]
    if rows.empty or not rows["hire_completions"].sum():
        return None
    years = rows["period"].astype(str).tolist()
    span = years[0] if len(years) == 1 else f"{years[0]}-{years[-1]}"
    return span, int(rows["hire_completions"].sum()), float(rows["retraining_cost"].sum())


def _shown(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows whose figures are published (small groups are never a finding)."""
    return [r for r in frame.to_dict("records") if not r.get(HIDDEN)]


def _known(value: Any) -> bool:
    return isinstance(value, int | float) and not math.isnan(float(value))


def kpis_not_moved(project: Project, workforce: Workforce) -> Iterator[Finding]:
    """A department or job role trained for a KPI (report.kpi_effects) whose KPI then did not
    improve by ``kpi_min_change`` more than the comparison group's, or worsened."""
    kpis = {k.id: k for k in project.kpis}
    effects = workforce.kpi_effects
    if effects.empty:
        return
    for row in effects[effects["verdict"].isin([NO_MOVE, WORSENED])].to_dict("records"):
        kpi = kpis[str(row["kpi"])]
        unit = " ".join(str(row[c]) for c in ("department", "job_role") if row[c])
        department = str(row["department"])
        compared = (
            f"; the comparison group {float(row['comparison_change']):+.1%}"
            if _known(row["comparison_change"])
            else "; no comparison group"
        )
        share = project.settings.thresholds.kpi_trained_share
        yield Finding(
            id=finding_id("kpi", kpi.id, department, str(row["job_role"])),
            kind=KPI_KIND,
            title=f"{kpi.label} in {unit} {row['verdict']} after training: "
            f"{plain_number(float(row['before']))} {kpi.unit} on average until "
            f"{row['trained_from']}, when {share:.0%} of the staff had been trained, "
            f"{plain_number(float(row['after']))} after "
            f"({float(row['change']):+.1%}{compared})",
            scope="department",
            member=department,
            period=str(row["trained_from"]),
            points_at=_kpi_owners(project, kpi.trained_by, department),
            evidence={
                "before": float(row["before"]),
                "after": float(row["after"]),
                "change": float(row["change"]),
                "difference": float(row["difference"]),
                "trained_from": str(row["trained_from"]),
            },
            sentence="{kpi} in {unit} {verdict} after training: {before} {kpi_unit} on average "
            "until {trained_from}, when {share} of the staff had been trained, {after} "
            "{kpi_unit} after ({change}{compared}).",
            names={
                "kpi": kpi.label,
                "unit": unit,
                "verdict": str(row["verdict"]),
                "kpi_unit": kpi.unit,
                "share": f"{share:.0%}",
                "compared": compared,
            },
            why="The course developer answers for courses that produce performance gains, the "
            "training manager for acting on what the data shows: training that reached the "
            "staff and left the measure where it was needs another look. The measure is not "
            "isolated from other causes.",
        )


def _kpi_owners(project: Project, courses: list[str], department: str) -> tuple[Assignment, ...]:
    """The developers and training managers of ``courses``, and the department head."""
    developers: set[str] = set()
    managers: set[str] = set()
    for course in courses:
        resolve = RoleResolver(project, "course", course)
        developers.update(resolve("course-developer").people)
        managers.update(resolve("training-manager").people)
    return (
        Assignment("course-developer", tuple(sorted(developers))),
        Assignment("training-manager", tuple(sorted(managers))),
        RoleResolver(project, "department", department)("department-head"),
    )
