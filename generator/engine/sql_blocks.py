"""The SQL building blocks the aggregate queries (aggregate_queries.py) are made of: literals and
fiscal periods, the cohort rows every aggregate reads, the measures, GROUPING SETS per scope and
period, and the tidying of the pandas frames the queries return.

The SQL keeps to what DuckDB and Spark SQL share: no quoted identifiers, ``count_if``,
``median`` (exact in both), decimals only through ``CAST(.. AS DOUBLE)`` (Spark reads ``0.25``
as a DECIMAL). Names with a leading underscore are for generator/engine/'s own modules.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, TypeAlias

import pandas as pd

from generator.domain.catalog import OUTCOMES

# A scope level and the course attribute (or learner column) that names its members.
SCOPE_KEYS: dict[str, str | None] = {
    "org": None,
    "course": "course_id",
    "developer": "developer",
    "training_manager": "training_manager",
    "department": "department",
}
OPEN_STATUSES = ("enrolled", "in_progress")
# An input table: a pandas frame, or a frame the backend holds already (a Spark DataFrame).
Frame: TypeAlias = Any
# SQL: a query, or the name of a table a query can read FROM.
Sql: TypeAlias = str


def _day(column: str) -> Sql:
    return f"CAST({column} AS DATE)"


def _date(day: date) -> Sql:
    return f"DATE '{day.isoformat()}'"


def _double(value: float) -> Sql:
    return f"CAST({value!r} AS DOUBLE)"


def fiscal_year(day: Sql, start_month: int) -> Sql:
    if start_month == 1:
        return f"CAST(year({day}) AS BIGINT)"
    return (
        f"CAST(year({day}) + CASE WHEN month({day}) >= {start_month} THEN 1 ELSE 0 END AS BIGINT)"
    )


def fiscal_quarter(day: Sql, start_month: int) -> Sql:
    return f"CAST(FLOOR(((month({day}) - {start_month} + 12) % 12) / 3) AS BIGINT) + 1"


def _periods(day: Sql, start_month: int) -> Sql:
    """The fiscal_year and quarter columns of the period ``day`` falls in."""
    return (
        f"{fiscal_year(day, start_month)} AS fiscal_year, "
        f"{fiscal_quarter(day, start_month)} AS quarter"
    )


def cohort_rows(report_date: date, start_month: int) -> Sql:
    """The enrolments as they stood on ``report_date`` (later enrolments dropped, later outcomes
    undone), joined to their course and given their enrolment period: what every aggregate
    below reads."""
    cutoff = _date(report_date)
    return f"""
WITH as_of AS (
  SELECT *,
    completed_on IS NOT NULL AND {_day("completed_on")} > {cutoff} AS completed_late,
    withdrawn_on IS NOT NULL AND {_day("withdrawn_on")} > {cutoff} AS withdrawn_late
  FROM enrollments
  WHERE {_day("enrolled_on")} <= {cutoff}
)
SELECT e.learner_id, e.course_id, e.offering, COALESCE(e.department, '(not given)') AS department,
  c.developer, c.training_manager, {_day("e.enrolled_on")} AS enrolled_on,
  CASE WHEN e.completed_late THEN NULL ELSE {_day("e.completed_on")} END AS completed_on,
  CASE WHEN e.completed_late OR e.withdrawn_late THEN 'in_progress' ELSE e.status END AS status,
  CASE WHEN e.completed_late OR e.withdrawn_late THEN NULL ELSE e.outcome END AS outcome,
  CASE WHEN e.completed_late OR e.withdrawn_late THEN NULL ELSE e.score END AS score,
  c.pass_mark, e.minutes, c.expected_minutes, {_periods("e.enrolled_on", start_month)}
FROM as_of e JOIN courses c ON e.course_id = c.course_id"""


def _same_attempt(activity: str, cohort: str) -> Sql:
    """Join condition of a learner-level row (activity, assessment) to the enrolment it belongs
    to: the same learner and course, and the same offering where both name one, so that a
    learner who repeats a course has each run's activity counted in that run only."""
    return (
        f"{activity}.learner_id = {cohort}.learner_id AND {activity}.course_id = {cohort}.course_id"
        f" AND ({activity}.offering IS NULL OR {cohort}.offering IS NULL"
        f" OR {activity}.offering = {cohort}.offering)"
    )


def _additive_measures() -> dict[str, Sql]:
    """Counts and sums: a group's are the totals of its parts' (what breakdowns need)."""
    statuses = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
    return {
        "enrollments": "COUNT(*)",
        "completed": "count_if(status = 'completed')",
        "failed": "count_if(status = 'failed')",
        "withdrawn": "count_if(status = 'withdrawn')",
        "open": f"count_if(status IN ({statuses}))",
        "scored": "COUNT(score)",
        "score_sum": "SUM(score)",
        # time spent, of the rows that record it: the hours behind a cost per learning hour
        "learning_hours": "SUM(minutes) / 60.0",
        **_pass_measures(),
    }


FINISHED = "status IN ('completed', 'failed')"
PASSING = "outcome IN ('pass', 'merit', 'distinction')"


def _pass_measures() -> dict[str, Sql]:
    """Pass rate = passed / graded, of the enrolments that finished (completed or failed): by
    the source's own result where a row has one (OULAD's Fail fails whatever the score), else
    by the score against the course's pass mark. A passed enrolment is a completed one, so the
    funnel's Passed never exceeds Completed; withdrawn and open ones are not graded."""
    return {
        "graded": f"count_if({FINISHED} AND (outcome IS NOT NULL OR score IS NOT NULL))",
        "passed": "count_if(status = 'completed' AND "
        f"({PASSING} OR (outcome IS NULL AND score >= pass_mark)))",
    }


def _cohort_measures() -> dict[str, Sql]:
    return {
        **_additive_measures(),
        "learners": "COUNT(DISTINCT learner_id)",
        "median_minutes": _median_of_completed("CAST(minutes AS DOUBLE)"),
        "minutes_ratio": _median_of_completed("minutes / expected_minutes"),
    }


def _median_of_completed(value: Sql) -> Sql:
    return f"median(CASE WHEN status = 'completed' THEN {value} END)"


# No modules listed in courses.yaml: typed, so that both engines read the empty table alike.
# Quarter 0 stands for the whole fiscal year.
QUARTER_OR_YEAR = "CASE WHEN grouping(quarter) = 0 THEN quarter ELSE 0 END"


def _grouping_sets(
    rows: Sql,
    key_sets: list[tuple[str, ...]],
    columns: Mapping[str, Sql],
    measures: Mapping[str, Sql],
) -> Sql:
    """One query: ``measures`` of ``rows`` (a table, or a subquery with an alias) per each
    set of keys. One query, not a UNION ALL of one per set: DuckDB 1.5 can stall for good on
    a union of several grouped DISTINCT and median aggregates (seen on the 1M-row tier), and
    every DuckDB query has a fixed cost."""
    sets = ", ".join(f"({', '.join(keys)})" for keys in key_sets)
    selected = ", ".join(f"{sql} AS {name}" for name, sql in {**columns, **measures}.items())
    return f"SELECT {selected} FROM {rows} GROUP BY GROUPING SETS ({sets})"


def _per_period(
    keys: tuple[str, ...], then_by: tuple[str, ...], quarters: bool = True
) -> list[tuple[str, ...]]:
    """``keys`` (and ``then_by``) per whole fiscal year, and per quarter with ``quarters``."""
    by_year = (*keys, "fiscal_year", *then_by)
    return [(*keys, "fiscal_year", "quarter", *then_by), by_year] if quarters else [by_year]


def _period_columns(quarters: bool, then_by: tuple[str, ...]) -> dict[str, Sql]:
    """The columns after a grouping's keys: fiscal_year, quarter (0 for the whole year),
    then_by..."""
    quarter = QUARTER_OR_YEAR if quarters else "CAST(0 AS BIGINT)"
    return {"fiscal_year": "fiscal_year", "quarter": quarter, **{key: key for key in then_by}}


def _by_scope(
    rows: Sql,
    measures: Mapping[str, Sql],
    scopes: tuple[str, ...] = tuple(SCOPE_KEYS),
    *,
    quarters: bool = True,
    then_by: tuple[str, ...] = (),
) -> Sql:
    """``measures`` of ``rows`` per member of each scope and per period (quarters, and
    quarter 0: the whole year; only the year without ``quarters``), as columns scope, member,
    fiscal_year, quarter, then_by..., measures..."""
    key_sets: list[tuple[str, ...]] = []
    for scope in scopes:
        key = SCOPE_KEYS[scope]
        key_sets += _per_period((key,) if key else (), then_by, quarters)
    keyed = [(scope, key) for scope in scopes if (key := SCOPE_KEYS[scope])]
    scope = "".join(f"WHEN grouping({key}) = 0 THEN '{name}' " for name, key in keyed)
    member = "".join(f"WHEN grouping({key}) = 0 THEN CAST({key} AS STRING) " for _, key in keyed)
    columns = {
        "scope": f"CASE {scope}ELSE 'org' END" if keyed else "'org'",
        "member": f"CASE {member}ELSE 'org' END" if keyed else "'org'",
        **_period_columns(quarters, then_by),
    }
    return _grouping_sets(rows, key_sets, columns, measures)


def _per_course_and_department(
    rows: Sql, measures: Mapping[str, Sql], then_by: tuple[str, ...] = ()
) -> Sql:
    """``measures`` per course, department, period and ``then_by`` keys, as columns course_id,
    department, fiscal_year, quarter, then_by..., measures..."""
    keys = ("course_id", "department")
    columns = {**{key: key for key in keys}, **_period_columns(True, then_by)}
    return _grouping_sets(rows, _per_period(keys, then_by), columns, measures)


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    frame = _as_ints(frame)
    return _sorted(frame, ["scope", "member", "fiscal_year", "quarter"])


# The counts the engine returns (NULL where a group had none: read as 0).
COUNT_COLUMNS = (
    "enrollments",
    "learners",
    "completed",
    "failed",
    "withdrawn",
    "open",
    "scored",
    "graded",
    "passed",
    "completions",
    "gain_learners",
    "responses",
    *(f"outcome_{o}" for o in OUTCOMES),
)


def _as_ints(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in ("fiscal_year", "quarter", *COUNT_COLUMNS, "module_order"):
        if column in frame:
            frame[column] = frame[column].fillna(0).astype("int64")
    return frame


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)
