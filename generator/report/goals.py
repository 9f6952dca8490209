"""Goal evaluation: met / at risk / missed / no data for every goal × scope member × period,
with the RACI roles resolved to the people who hold them for that member.

Pure: takes the project and the metric tables, returns values.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import pandas as pd

from generator.config import Course, Goal, Project
from generator.domain.catalog import METRICS, SUMS, WORKFORCE
from generator.domain.paths import slug
from generator.report import privacy
from generator.report.metrics import Metrics, cohort_rates
from generator.report.workforce import ALL, Workforce, no_workforce

MET, AT_RISK, MISSED, NO_DATA = "met", "at risk", "missed", "no data"
STATUSES = (MET, AT_RISK, MISSED, NO_DATA)
LEARNER_ROLE = "learner"
# The employees' managers on the HR roster: a RACI role no file defines, resolved per department.
LINE_MANAGER_ROLE = "line-manager"


@dataclass(frozen=True)
class Assignment:
    """A RACI role resolved for one scope member: the people, or a group such as learners."""

    role: str
    people: tuple[str, ...] = ()
    group: str | None = None


@dataclass(frozen=True)
class GoalResult:
    goal_id: str
    title: str
    kind: str
    metric: str
    scope: str
    member: str
    period: str
    status: str
    value: float | None
    comparator: str
    target_value: float
    learners: int
    accountable: Assignment
    responsible: tuple[Assignment, ...] = ()
    consulted: tuple[Assignment, ...] = ()
    informed: tuple[Assignment, ...] = ()
    note: str = ""

    @property
    def target(self) -> str:
        return f"{self.comparator} {self.target_value:g}"

    @property
    def goal_id_anchor(self) -> str:
        return goal_anchor(self.goal_id)

    def everyone(self) -> Iterator[tuple[str, Assignment]]:
        yield "accountable", self.accountable
        for kind in ("responsible", "consulted", "informed"):
            for assignment in getattr(self, kind):
                yield kind, assignment


@dataclass
class Scorecard:
    """What one person or role answers for: goals owned and how they went."""

    owner: str
    goals: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    latest: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    previous: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    @property
    def trend(self) -> str:
        """Compare the share of evaluated goals missed in the latest and the previous quarter."""

        def share(counts: dict[str, int]) -> float | None:
            evaluated = counts[MET] + counts[AT_RISK] + counts[MISSED]
            return counts[MISSED] / evaluated if evaluated else None

        now, before = share(self.latest), share(self.previous)
        if now is None or before is None:
            return "not enough data"
        if now < before:
            return "improving"
        return "worsening" if now > before else "steady"


def goal_anchor(goal_id: str) -> str:
    """The id of a goal's heading on the goals page."""
    return f"goal-{slug(goal_id)}"


# ---------------------------------------------------------------- evaluation


def status_of(value: float | None, comparator: str, target: float, warning: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_DATA
    passes = {
        ">=": value >= target,
        ">": value > target,
        "<=": value <= target,
        "<": value < target,
    }[comparator]
    if passes:
        return MET
    shortfall = target - value if comparator in (">=", ">") else value - target
    if warning is not None and shortfall <= warning + 1e-12:
        return AT_RISK
    return MISSED


def evaluate_goals(
    project: Project, metrics: Metrics, workforce: Workforce | None = None
) -> list[GoalResult]:
    """Every goal's results; ``workforce`` gives the figures of the workforce metrics and the
    roster's line managers (without it those goals have no data)."""
    workforce = workforce or no_workforce()
    results: list[GoalResult] = []
    resolvers: dict[tuple[str, str], RoleResolver] = {}
    for goal in project.goals:
        if _from_workforce(goal):
            table = _workforce_rows(workforce.goal_table, goal.scope.level)
            members = _workforce_members(goal, table)
        else:
            table = _table_for(goal, project, metrics)
            members = scope_members(goal, project, metrics)
        rows = _index(table, goal.metric)
        for member in members:
            for period in goal_periods(goal, metrics):
                row = rows.get((member, period))
                results.append(_evaluate(goal, member, period, row, project, resolvers, workforce))
    return sorted(results, key=lambda r: (r.goal_id, r.member, _period_sort(r.period)))


def _period_sort(period: str) -> tuple[int, str]:
    return (1, period) if period.startswith("FY") else (0, period)


def _from_workforce(goal: Goal) -> bool:
    metric = METRICS.get(goal.metric)
    return metric is not None and metric.source == WORKFORCE


def _workforce_rows(table: pd.DataFrame, level: str) -> pd.DataFrame:
    if table.empty:
        return pd.DataFrame(columns=["scope", "member", "period", "learners"])
    return table[table["scope"] == level]


def _workforce_members(goal: Goal, table: pd.DataFrame) -> list[str]:
    """The goal's departments: those it names, else every department on the roster."""
    if goal.scope.level == "org":
        return ["org"]
    if goal.scope.ids:
        return list(goal.scope.ids)
    return sorted(set(table["member"].astype(str)))


def goal_periods(goal: Goal, metrics: Metrics) -> list[str]:
    if goal.periods == "all":
        metric = METRICS.get(goal.metric)
        return list(metrics.years if metric and metric.yearly else metrics.quarters)
    known = set(metrics.quarters) | set(metrics.years)
    return [p for p in goal.periods if p in known]


def matching_courses(goal: Goal, project: Project) -> list[Course]:
    scope = goal.scope
    return [
        course
        for course in project.courses
        if (scope.mandatory is None or course.mandatory == scope.mandatory)
        and (scope.audience is None or course.audience == scope.audience)
    ]


def has_course_filter(goal: Goal) -> bool:
    return goal.scope.mandatory is not None or goal.scope.audience is not None


def scope_members(goal: Goal, project: Project, metrics: Metrics) -> list[str]:
    scope = goal.scope
    if scope.level == "org":
        return ["org"]
    if scope.ids:
        return list(scope.ids)
    courses = matching_courses(goal, project)
    if scope.level == "course":
        return [c.id for c in courses]
    if scope.level == "developer":
        return sorted({c.developer for c in courses})
    if scope.level == "training_manager":
        return sorted({c.training_manager for c in courses})
    present = metrics.table.loc[
        (metrics.table["scope"] == "department") & (metrics.table["enrollments"] > 0), "member"
    ]
    return sorted(set(present) - {"(not given)"})


def _table_for(goal: Goal, project: Project, metrics: Metrics) -> pd.DataFrame:
    """The metric rows of the goal's scope level; with a course filter above course level,
    re-aggregated from the course × department breakdown over the matching courses only."""
    if (
        goal.scope.level == "course"
        or not has_course_filter(goal)
        or not _from_breakdown(goal.metric, metrics.unpublished_breakdown)
    ):
        return metrics.table[metrics.table["scope"] == goal.scope.level]
    return filtered_table(
        goal.scope.level, {c.id for c in matching_courses(goal, project)}, project, metrics
    )


def _from_breakdown(metric: str, breakdown: pd.DataFrame) -> bool:
    """Whether the course x department breakdown has the sums the metric is made from (its
    catalogue formula), so that it can be made for the courses a goal filters on alone."""
    known = METRICS.get(metric)
    return bool(known and known.additive and all(c in breakdown for c in known.inputs))


def filtered_table(
    level: str, course_ids: set[str], project: Project, metrics: Metrics
) -> pd.DataFrame:
    """The courses' department breakdown summed per member of ``level`` (from the figures as
    computed, not as published: hidden departments still count towards the total)."""
    breakdown = metrics.unpublished_breakdown
    rows = breakdown[breakdown["course_id"].isin(course_ids)].copy()
    by_course = project.course_by_id
    if level == "org":
        rows["member"] = "org"
    elif level == "department":
        rows["member"] = rows["department"]
    else:
        attribute = "developer" if level == "developer" else "training_manager"
        rows["member"] = rows["course_id"].map(lambda c: getattr(by_course[c], attribute))
    sums = [c for c in SUMS if c in rows]
    grouped = rows.groupby(["member", "period"], as_index=False)[sums].sum()
    grouped["scope"] = level
    grouped["learners"] = grouped["enrollments"]
    grouped = cohort_rates(grouped)
    # Published as the metric tables are: small groups hidden, and their complements among a
    # year's quarters and among the members (as if the total over them were published).
    return privacy.publish_rollup(grouped, project.settings.min_group_size)


Indexed = tuple[int, float | None, int]  # learners, the metric's value, privacy code


def _index(table: pd.DataFrame, metric: str) -> dict[tuple[str, str], Indexed]:
    """(member, period) -> (learners, value of the metric as published, why it is hidden),
    for constant-time lookups."""
    if metric in table:
        numbers = pd.to_numeric(table[metric], errors="coerce").astype("float64")
    else:
        numbers = pd.Series(float("nan"), index=table.index)
    values = [None if math.isnan(v) else v for v in numbers.tolist()]
    members = table["member"].astype(str).tolist()
    keys = zip(members, table["period"].astype(str).tolist(), strict=True)
    learners = table["learners"].fillna(0).astype("int64").tolist()
    basis = METRICS[metric].basis if metric in METRICS else None
    code_column = privacy.CODE_COLUMN.format(basis)
    codes = (
        table[code_column].astype("int64").tolist()
        if basis is not None and code_column in table
        else [privacy.SHOWN] * len(table)
    )
    return dict(zip(keys, zip(learners, values, codes, strict=True), strict=True))


def _evaluate(
    goal: Goal,
    member: str,
    period: str,
    row: Indexed | None,
    project: Project,
    resolvers: dict[tuple[str, str], RoleResolver],
    workforce: Workforce,
) -> GoalResult:
    learners, value, code = row if row is not None else (0, None, privacy.SHOWN)
    # A hidden figure is not evaluated: its status would give it away.
    note = privacy.reason(code, project.settings.min_group_size)
    if note:
        value = None
    if value is None and not note:
        note = "no data for this period"
    status = status_of(value, goal.target.comparator, goal.target.value, goal.warning)
    key = (goal.scope.level, member)
    if key not in resolvers:  # one per scope member, shared by its goals and periods
        resolvers[key] = RoleResolver(project, *key, workforce.line_managers)
    resolve = resolvers[key]
    return GoalResult(
        goal_id=goal.id,
        title=goal.title,
        kind=goal.kind,
        metric=goal.metric,
        scope=goal.scope.level,
        member=member,
        period=period,
        status=status,
        value=value,
        comparator=goal.target.comparator,
        target_value=goal.target.value,
        learners=learners,
        accountable=resolve(goal.raci.accountable),
        responsible=tuple(resolve(r) for r in goal.raci.responsible),
        consulted=tuple(resolve(r) for r in goal.raci.consulted),
        informed=tuple(resolve(r) for r in goal.raci.informed),
        note=note if status == NO_DATA else "",
    )


# ---------------------------------------------------------------- roles to people


class RoleResolver:
    """Resolves a role to the people who hold it for one scope member.

    A course's developer and training manager are that course's; a developer's training
    managers are those of their courses (and the reverse); learners are a group (of a course,
    a department or everyone); a role held per department goes to that department's holder;
    any other role goes to everyone who holds it (the L&D manager for budget goals);
    "line-manager" goes to the roster's named managers of the department's employees.
    """

    def __init__(
        self,
        project: Project,
        level: str,
        member: str,
        line_managers: Mapping[str, tuple[str, ...]] | None = None,
    ):
        self.project, self.level, self.member = project, level, member
        self.line_managers = line_managers or {}
        self._resolved: dict[str, Assignment] = {}

    @functools.cached_property
    def _courses(self) -> list[Course]:
        courses = self.project.courses
        if self.level == "course":
            course = self.project.course_by_id.get(self.member)
            return [course] if course else []
        if self.level == "developer":
            return [c for c in courses if c.developer == self.member]
        if self.level == "training_manager":
            return [c for c in courses if c.training_manager == self.member]
        if self.level == "department":
            return [c for c in courses if c.audience in ("all", self.member)]
        return list(courses)

    def courses(self) -> list[Course]:
        return self._courses

    def __call__(self, role: str) -> Assignment:
        if role not in self._resolved:
            self._resolved[role] = self._resolve(role)
        return self._resolved[role]

    def _resolve(self, role: str) -> Assignment:
        if role == LEARNER_ROLE:
            return Assignment(role, group=self._learner_group())
        if role == LINE_MANAGER_ROLE:
            # the roster's managers of the department's employees (of everyone's at org level)
            return Assignment(role, self.line_managers.get(self._roster_department(), ()))
        if role == "course-developer" and self.level != "org":
            return Assignment(role, tuple(sorted({c.developer for c in self.courses()})))
        if role == "training-manager" and self.level != "org":
            return Assignment(role, tuple(sorted({c.training_manager for c in self.courses()})))
        holders = self.project.holders(role)
        if self.level == "department":
            local = [p for p in holders if p.department == self.member]
            holders = local or holders
        return Assignment(role, tuple(sorted(p.id for p in holders)))

    def _roster_department(self) -> str:
        return self.member if self.level == "department" else ALL

    def _learner_group(self) -> str:
        if self.level == "department":
            return f"learners in {self.member}"
        if self.level == "course":
            return f"learners of {self.member}"
        return "all learners"


# ---------------------------------------------------------------- scorecards


def scorecards(
    results: list[GoalResult], quarters: list[str]
) -> tuple[dict[str, Scorecard], dict[str, Scorecard]]:
    """Scorecards per accountable person (or learner group) and per role."""
    latest = quarters[-1] if quarters else ""
    previous = quarters[-2] if len(quarters) > 1 else ""
    people: dict[str, Scorecard] = {}
    roles: dict[str, Scorecard] = {}
    for result in results:
        owners = result.accountable.people or (
            (result.accountable.group,) if result.accountable.group else ()
        )
        cards = [people.setdefault(o, Scorecard(o)) for o in owners]
        cards.append(roles.setdefault(result.accountable.role, Scorecard(result.accountable.role)))
        for card in cards:
            card.goals.add(result.goal_id)
            card.counts[result.status] += 1
            if result.period == latest:
                card.latest[result.status] += 1
            elif result.period == previous:
                card.previous[result.status] += 1
    return people, roles


def metric_label(name: str) -> str:
    return METRICS[name].label
