"""Findings: where deficiencies lie, beyond goal targets.

Each detector is a pure function of the project and the metric tables returning ``Finding``s,
each with its numbers (evidence), the role it points to and why. Thresholds come from
project.yaml (``thresholds:``).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from statistics import median
from typing import Any

import pandas as pd

from generator.config import Project
from generator.report.goals import Assignment, RoleResolver, filtered_table
from generator.report.metrics import Metrics


@dataclass(frozen=True)
class Finding:
    id: str
    kind: str
    title: str
    scope: str
    member: str
    period: str
    points_at: tuple[Assignment, ...]
    evidence: dict[str, float | str] = field(default_factory=dict)
    why: str = ""
    # The finding as a manager would write it: ``{key}`` stands for the evidence figure of that
    # key (formatted by its EVIDENCE_UNITS on the page), ``{period}`` for the finding's period
    # with its months, and any other ``{name}`` for the literal text ``names`` gives it.
    sentence: str = ""
    names: dict[str, str] = field(default_factory=dict)

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(a.role for a in self.points_at)


Detector = Callable[[Project, Metrics], Iterator[Finding]]

# How each evidence figure reads in a finding's sentence: a unit of pages.formatting.Formatter,
# "period" (a fiscal period, shown with its calendar months), "course" (a course id, shown as
# its title), "number" (a figure in a KPI's own unit) or "text".
EVIDENCE_UNITS: dict[str, str] = {
    "from_period": "period",
    "to_period": "period",
    "trained_from": "period",
    "from": "rate",
    "to": "rate",
    "completion_rate": "rate",
    "median_of_other_departments": "rate",
    "dropoff": "rate",
    "turnover": "rate",
    "typical_turnover": "rate",
    "share_of_all_dropoff": "share",
    "utilisation": "share",
    "quarters": "count",
    "reached": "count",
    "lost": "count",
    "departments_low": "count",
    "departments": "count",
    "enrollments": "count",
    "completions": "count",
    "holders": "count",
    "overdue": "count",
    "expired": "count",
    "leavers": "count",
    "voluntary_leavers": "count",
    "hire_completions": "count",
    "median_minutes": "minutes",
    "expected_minutes": "minutes",
    "ratio": "ratio",
    "cost_per_completion": "money",
    "median_of_other_developers": "money",
    "spend": "money",
    "budget": "money",
    "retraining_cost": "money",
    "average_score": "score",
    "before": "number",
    "after": "number",
    "change": "change",
    "difference": "change",
    "module": "text",
    "course": "course",
}


# Findings made from budgets.yaml's money: they say so when its figures are illustrative.
COST_FINDINGS = ("cost per completion outlier", "under-spent budget", "over-spent budget")
ILLUSTRATIVE = " (illustrative budgets)"


def find_deficiencies(project: Project, metrics: Metrics) -> list[Finding]:
    findings = [f for detector in DETECTORS for f in detector(project, metrics)]
    if project.budgets_illustrative:
        findings = [
            dataclasses.replace(
                f,
                title=f.title + ILLUSTRATIVE,
                sentence=f.sentence.removesuffix(".") + ILLUSTRATIVE + ".",
                why=f"{f.why} The budget and spend figures are invented, for illustration.",
            )
            if f.kind in COST_FINDINGS
            else f
            for f in findings
        ]
    return sorted(findings, key=lambda f: (f.kind, f.member, f.period))


def _rows(metrics: Metrics, scope: str, period: str) -> pd.DataFrame:
    table = metrics.table
    return table[(table["scope"] == scope) & (table["period"] == period)]


def _records(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as dicts: a course's row at 5,000 courses without building a Series for each."""
    return rows.to_dict("records")


def _enough(row: pd.Series | dict[str, Any], project: Project) -> bool:
    """A published cohort of at least min_group_size (a hidden one has no learners figure)."""
    learners = row["learners"]
    return learners == learners and int(learners) >= project.settings.min_group_size


def _latest_year(metrics: Metrics) -> str:
    return metrics.years[-1] if metrics.years else ""


def finding_id(*parts: str) -> str:
    """A finding's stable id (snapshot diffs match findings by it) from its parts."""
    return "-".join(p.lower().replace(" ", "_") for p in parts if p)


def _title(project: Project, course_id: str) -> str:
    course = project.course_by_id.get(course_id)
    return course.title if course else course_id


# ---------------------------------------------------------------- detectors


def falling_trend(project: Project, metrics: Metrics) -> Iterator[Finding]:
    """A course's completion rate fell in each of the last N quarters with enough learners."""
    n = project.settings.thresholds.falling_periods
    table = metrics.table
    quarters = table[
        (table["scope"] == "course")
        & (table["period_kind"] == "quarter")
        & (table["learners"] >= project.settings.min_group_size)
    ]
    # Sorted once and walked as plain lists: a pandas group per course is slow at 5,000 courses.
    known = quarters[["member", "period", "completion_rate"]].dropna()
    known = known.sort_values(["member", "period"], kind="stable")
    rows = zip(
        known["member"].tolist(),
        known["period"].tolist(),
        known["completion_rate"].tolist(),
        strict=True,
    )
    for course_id, course_rows in itertools.groupby(rows, key=lambda row: row[0]):
        values = list(course_rows)[-(n + 1) :]
        if len(values) < n + 1:
            continue
        rates = [rate for _, _, rate in values]
        if all(later < earlier for earlier, later in itertools.pairwise(rates)):
            periods = [period for _, period, _ in values]
            resolve = RoleResolver(project, "course", str(course_id))
            yield Finding(
                id=finding_id("falling", str(course_id)),
                kind="falling trend",
                title=f"Completion of {_title(project, str(course_id))} fell {n} quarters in a row",
                scope="course",
                member=str(course_id),
                period=periods[-1],
                points_at=(resolve("training-manager"), resolve("course-developer")),
                evidence={
                    "from_period": periods[0],
                    "from": rates[0],
                    "to_period": periods[-1],
                    "to": rates[-1],
                    "quarters": n,
                },
                sentence="Completion of {course} fell from {from} in {from_period} to {to} in "
                "{to_period}, lower in each of the last {quarters} quarters.",
                names={"course": _title(project, str(course_id))},
                why="A steady decline is the LMS data the training manager is expected to act on; "
                "the course developer is consulted on what changed in the course.",
            )


def module_dropoff(project: Project, metrics: Metrics) -> Iterator[Finding]:
    """Drop-off concentrated at one module points at the course and its developer."""
    t = project.settings.thresholds
    year = _latest_year(metrics)
    modules = metrics.modules[metrics.modules["period"] == year].dropna(subset=["lost"])
    # Per course, computed on the whole table at once (a loop over courses' groups takes
    # seconds at 5,000 courses): the module that lost most, ties to the earlier.
    totals = (
        modules.assign(lost_clipped=modules["lost"].clip(lower=0))
        .groupby("course_id", sort=True)
        .agg(total_lost=("lost_clipped", "sum"), most_reached=("reached", "max"))
    )
    worst_of = (
        modules.sort_values(
            ["course_id", "lost", "module_order"], ascending=[True, False, True], kind="stable"
        )
        .drop_duplicates("course_id")
        .set_index("course_id")
    )
    for course_id, total_lost, most_reached in totals.itertuples():
        if total_lost <= 0 or most_reached < project.settings.min_group_size:
            continue
        worst = worst_of.loc[course_id]
        share = float(worst["lost"]) / total_lost
        enough = float(worst["lost"]) >= project.settings.min_group_size
        if enough and share >= t.dropoff_share and float(worst["dropoff"]) >= t.dropoff_min:
            resolve = RoleResolver(project, "course", str(course_id))
            yield Finding(
                id=finding_id("dropoff", str(course_id), year),
                kind="module drop-off",
                title=f"Learners of {_title(project, str(course_id))} drop off at module "
                f"{int(worst['module_order'])} ({worst['module']})",
                scope="course",
                member=str(course_id),
                period=year,
                points_at=(resolve("course-developer"), resolve("training-manager")),
                evidence={
                    "module": str(worst["module"]),
                    "reached": int(worst["reached"]),
                    "lost": int(worst["lost"]),
                    "dropoff": float(worst["dropoff"]),
                    "share_of_all_dropoff": float(share),
                },
                sentence="In {period}, {lost} of the {reached} learners who reached module "
                "{number} ({module}) of {course} stopped there: a drop-off of {dropoff}, "
                "{share_of_all_dropoff} of all who dropped out of the course.",
                names={
                    "course": _title(project, str(course_id)),
                    "number": str(int(worst["module_order"])),
                },
                why="When most learners who stop, stop at the same module, the cause is in that "
                "module: the course developer answers for it.",
            )


def spread_low_completion(project: Project, metrics: Metrics) -> Iterator[Finding]:
    """Low completion with no single culprit module, low in most departments: learners and managers."""
    t = project.settings.thresholds
    year = _latest_year(metrics)
    concentrated = {f.member for f in module_dropoff(project, metrics)}
    breakdown = metrics.breakdown[metrics.breakdown["period"] == year]
    at = breakdown.groupby("course_id", sort=False).indices  # positions, not 5,000 frames
    for row in _records(_rows(metrics, "course", year)):
        course_id = str(row["member"])
        rate = row["completion_rate"]
        if course_id in concentrated or not _enough(row, project) or math.isnan(rate):
            continue
        if rate >= t.high_completion - t.department_gap:
            continue
        of_course = breakdown.iloc[at.get(course_id, [])]
        departments = of_course[of_course["enrollments"] >= project.settings.min_group_size]
        if len(departments) < 2:
            continue
        low = departments[departments["completion_rate"] < t.high_completion - t.department_gap]
        if len(low) / len(departments) >= 2 / 3:
            resolve = RoleResolver(project, "course", course_id)
            yield Finding(
                id=finding_id("spread", course_id, year),
                kind="low completion across departments",
                title=f"{_title(project, course_id)} is left unfinished in most departments",
                scope="course",
                member=course_id,
                period=year,
                points_at=(resolve("learner"), _department_heads(project)),
                evidence={
                    "completion_rate": float(rate),
                    "departments_low": len(low),
                    "departments": len(departments),
                },
                sentence="Only {completion_rate} of the enrolments in {course} in {period} were "
                "completed, and completion was low in {departments_low} of the {departments} "
                "departments with enough learners to show.",
                names={"course": _title(project, course_id)},
                why="Drop-off spread over modules and departments points at taking part: "
                "learners and the managers who give them time for training.",
            )


def _department_heads(project: Project, department: str | None = None) -> Assignment:
    holders = [
        p
        for p in project.holders("department-head")
        if department is None or p.department == department
    ]
    return Assignment("department-head", tuple(sorted(p.id for p in holders)))


def department_mandatory_gap(project: Project, metrics: Metrics) -> Iterator[Finding]:
    """One department far below the others on mandatory courses."""
    t = project.settings.thresholds
    year = _latest_year(metrics)
    mandatory = {c.id for c in project.courses if c.mandatory}
    table = filtered_table("department", mandatory, project, metrics)
    rows = table[
        (table["period"] == year)
        & (table["enrollments"] >= project.settings.min_group_size)
        & (table["member"] != "(not given)")
    ]
    for _, row in rows.iterrows():
        others = rows[rows["member"] != row["member"]]["completion_rate"].dropna()
        if len(others) < 2:
            continue
        typical = float(median(others))
        if typical - float(row["completion_rate"]) >= t.department_gap:
            department = str(row["member"])
            resolve = RoleResolver(project, "department", department)
            yield Finding(
                id=finding_id("department", department, year),
                kind="department behind on mandatory training",
                title=f"{department} completes far less of its mandatory training than other departments",
                scope="department",
                member=department,
                period=year,
                points_at=(resolve("learner"), _department_heads(project, department)),
                evidence={
                    "completion_rate": float(row["completion_rate"]),
                    "median_of_other_departments": typical,
                    "enrollments": int(row["enrollments"]),
                },
                sentence="{department} completed {completion_rate} of its {enrollments} "
                "enrolments in mandatory courses in {period}, against a median of "
                "{median_of_other_departments} in the other departments.",
                names={"department": department},
                why="The courses are the same for every department, so the gap lies with taking "
                "part: the learners and their department head.",
            )


def time_over_expected(project: Project, metrics: Metrics) -> Iterator[Finding]:
    """Completers spend far longer than the course's expected minutes."""
    t = project.settings.thresholds
    year = _latest_year(metrics)
    for row in _records(_rows(metrics, "course", year)):
        ratio = row["minutes_ratio"]
        if math.isnan(ratio) or ratio < t.minutes_ratio or not _enough(row, project):
            continue
        course = project.course_by_id.get(str(row["member"]))
        resolve = RoleResolver(project, "course", str(row["member"]))
        yield Finding(
            id=finding_id("time", str(row["member"]), year),
            kind="time far above expected",
            title=f"{_title(project, str(row['member']))} takes {ratio:.1f}× its expected time",
            scope="course",
            member=str(row["member"]),
            period=year,
            points_at=(resolve("course-developer"), resolve("training-manager")),
            evidence={
                "median_minutes": float(row["median_minutes"]),
                "expected_minutes": float(course.expected_minutes) if course else float("nan"),
                "ratio": float(ratio),
            },
            sentence="Learners who completed {course} in {period} spent a median of "
            "{median_minutes} on it, {ratio} the {expected_minutes} it is designed to take.",
            names={"course": _title(project, str(row["member"]))},
            why="Time far above the design estimate costs working hours and signals a course that "
            "is too long or too hard; the developer answers for the design.",
        )


def developer_cost_outlier(project: Project, metrics: Metrics) -> Iterator[Finding]:
    """A developer whose cost per completion is far above the others'."""
    t = project.settings.thresholds
    year = _latest_year(metrics)
    rows = _rows(metrics, "developer", year).dropna(subset=["cost_per_completion"])
    rows = rows[rows["completions"] > 0]
    for _, row in rows.iterrows():
        others = rows[rows["member"] != row["member"]]["cost_per_completion"]
        if len(others) < 2:
            continue
        typical = float(median(others))
        if typical > 0 and float(row["cost_per_completion"]) >= t.cost_ratio * typical:
            developer = str(row["member"])
            resolve = RoleResolver(project, "developer", developer)
            yield Finding(
                id=finding_id("cost", developer, year),
                kind="cost per completion outlier",
                title=f"{_name(project, developer)} costs {row['cost_per_completion'] / typical:.1f}× "
                "the other developers per completion",
                scope="developer",
                member=developer,
                period=year,
                points_at=(resolve("ld-manager"), resolve("training-manager")),
                evidence={
                    "cost_per_completion": float(row["cost_per_completion"]),
                    "median_of_other_developers": typical,
                    "spend": float(row["spend"]),
                    "completions": int(row["completions"]),
                },
                sentence="In {period}, the courses of {developer} cost {cost_per_completion} "
                "per completion ({spend} for {completions} completions), {times} the median "
                "of the other developers, {median_of_other_developers}.",
                names={
                    "developer": _name(project, developer),
                    "times": f"{float(row['cost_per_completion']) / typical:.1f}×",
                },
                why="The L&D manager answers for the budget turning into results and the training "
                "manager for the choice of supplier.",
            )


def _name(project: Project, person_id: str) -> str:
    person = project.person_by_id.get(person_id)
    return person.name if person else person_id


def budget_use(project: Project, metrics: Metrics) -> Iterator[Finding]:
    """Quarters whose spend is far under or over the budget."""
    t = project.settings.thresholds
    table = metrics.table
    rows = table[(table["scope"] == "org") & (table["period_kind"] == "quarter")]
    for _, row in rows.dropna(subset=["budget_utilisation"]).iterrows():
        use = float(row["budget_utilisation"])
        if t.underspend <= use <= t.overspend:
            continue
        kind = "under-spent budget" if use < t.underspend else "over-spent budget"
        resolve = RoleResolver(project, "org", "org")
        yield Finding(
            id=finding_id("budget", str(row["period"])),
            kind=kind,
            title=f"{row['period']}: {use:.0%} of the budget was spent",
            scope="org",
            member="org",
            period=str(row["period"]),
            points_at=(resolve("ld-manager"),),
            evidence={
                "budget": float(row["budget"]),
                "spend": float(row["spend"]),
                "utilisation": use,
            },
            sentence="In {period}, {utilisation} of the budget was spent: {spend} of {budget}.",
            why="The L&D manager answers for the training budget: money left unused is training "
            "not given, money over budget is taken from elsewhere.",
        )


def completed_not_learned(project: Project, metrics: Metrics) -> Iterator[Finding]:
    """High completion but low scores: finished, not learned."""
    t = project.settings.thresholds
    year = _latest_year(metrics)
    for row in _records(_rows(metrics, "course", year)):
        rate, score = row["completion_rate"], row["average_score"]
        if math.isnan(rate) or math.isnan(score) or not _enough(row, project):
            continue
        if rate >= t.high_completion and score < t.low_score:
            resolve = RoleResolver(project, "course", str(row["member"]))
            yield Finding(
                id=finding_id("scores", str(row["member"]), year),
                kind="completed but not learned",
                title=f"{_title(project, str(row['member']))} is completed ({rate:.0%}) but scores "
                f"only {score:.0f}",
                scope="course",
                member=str(row["member"]),
                period=year,
                points_at=(resolve("course-developer"), resolve("training-manager")),
                evidence={"completion_rate": float(rate), "average_score": float(score)},
                sentence="{course} was completed by {completion_rate} of those who enrolled in "
                "{period}, but their average score was only {average_score}.",
                names={"course": _title(project, str(row["member"]))},
                why="Completion is attendance (LTEM 1); low scores say the course does not produce "
                "the learning it is for — the course developer answers for that.",
            )


DETECTORS: list[Detector] = [
    falling_trend,
    module_dropoff,
    spread_low_completion,
    department_mandatory_gap,
    time_over_expected,
    developer_cost_outlier,
    budget_use,
    completed_not_learned,
]
