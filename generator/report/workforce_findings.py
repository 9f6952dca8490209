"""Findings from the workforce tables: where competence or retention falls short, and who
answers for it. The department head and the employees' manager on the HR roster answer for a
required course overdue in a department, with the course's training manager; the department
head and the L&D manager for a department whose turnover drives retraining.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from statistics import median
from typing import Any

import pandas as pd

from generator.config import Project
from generator.report.findings import Finding, finding_id
from generator.report.goals import Assignment, RoleResolver
from generator.report.workforce import ALL, EXPIRED, HIDDEN, OVERDUE, Workforce

OVERDUE_KIND = "required course overdue"
TURNOVER_KIND = "turnover drives retraining"


def workforce_findings(project: Project, workforce: Workforce) -> list[Finding]:
    if workforce.empty:
        return []
    return [*overdue_requirements(project, workforce), *turnover_outliers(project, workforce)]


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
        yield Finding(
            id=finding_id("turnover", department, year),
            kind=TURNOVER_KIND,
            title=f"{department}: turnover {float(row['turnover']):.0%} in {year}, "
            f"{float(row['turnover']) / typical:.1f}x the other departments' median",
            scope="department",
            member=department,
            period=year,
            points_at=(resolve("department-head"), resolve("ld-manager")),
            evidence={
                "turnover": float(row["turnover"]),
                "typical_turnover": typical,
                "leavers": int(row["leavers"]),
                "voluntary_leavers": int(row["voluntary_leavers"]),
            },
            why="Every leaver is replaced by a new hire who takes the required training again: "
            "the budget pays for the same competence twice.",
        )


def _shown(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows whose figures are published (small groups are never a finding)."""
    return [r for r in frame.to_dict("records") if not r.get(HIDDEN)]


def _known(value: Any) -> bool:
    return isinstance(value, int | float) and not math.isnan(float(value))
