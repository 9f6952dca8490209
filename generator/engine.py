"""The one place where raw learner rows become aggregates.

Written once against Ibis, so the same expressions run on embedded DuckDB (the default) or on
a Spark cluster. Everything downstream (metrics, goals, findings, charts, pages) works on the
small pandas frames of aggregates this module returns; learner rows never leave it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeAlias

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

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
# What the aggregates read of a row (with its course's attributes and enrolment period).
COHORT_COLUMNS = (
    "learner_id",
    "course_id",
    "department",
    "developer",
    "training_manager",
    "completed_on",
    "status",
    "score",
    "pass_mark",
    "minutes",
    "expected_minutes",
    "fiscal_year",
    "quarter",
)


@dataclass(frozen=True)
class Aggregates:
    """The pandas frames of counts and sums that metrics are derived from."""

    cohorts: pd.DataFrame  # scope, member, fiscal_year, quarter, counts by enrolment period
    completions: (
        pd.DataFrame
    )  # scope, member, fiscal_year, quarter, completions by completion period
    modules: (
        pd.DataFrame
    )  # course_id, department, fiscal_year, quarter, module_order, module, learners
    gains: pd.DataFrame  # scope, member, fiscal_year, quarter, learners, gain_sum
    ratings: pd.DataFrame  # scope, member, fiscal_year, quarter, responses, rating_sum
    breakdown: pd.DataFrame  # course_id x department cohorts, for department tables
    distributions: pd.DataFrame  # scope, member, fiscal_year, quarter, measure, bin, learners
    excluded_after_report_date: int


class Engine:
    """Runs Ibis expressions on a backend; ``duckdb`` in-process by default. A backend whose
    input tables are not pandas frames overrides ``table``, ``count`` and ``has_values``
    (generator/spark.py)."""

    def __init__(self, backend: Any | None = None):
        self.backend = backend if backend is not None else ibis.duckdb.connect()
        self._on_duckdb = getattr(self.backend, "name", None) == "duckdb"

    def table(self, frame: pd.DataFrame, name: str) -> ir.Table:
        """A pandas frame as a table. DuckDB scans it in place through Arrow (the canonical
        columns are Arrow-backed already), where ``create_table`` would copy every row."""
        if self._on_duckdb:
            arrow = pa.Table.from_pandas(frame, preserve_index=False)
            self.backend.con.register(name, arrow)
            return self.backend.table(name)
        return self.backend.create_table(name, frame, overwrite=True)

    def count(self, frame: Frame) -> int:
        return len(frame)

    def has_values(self, frame: Frame, column: str) -> bool:
        return bool(frame[column].notna().any())

    def materialise(self, expr: ir.Table, name: str) -> ir.Table:
        """Compute ``expr`` once into a temporary table that later queries read."""
        if self._on_duckdb:
            # One CREATE ... AS: Ibis' create_table creates the table, then INSERTs the rows
            # (twice the time on a million rows).
            sql = self.backend.compile(expr)
            self.backend.con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS {sql}')
            return self.backend.table(name)
        return self.backend.create_table(name, expr, temp=True, overwrite=True)

    def run(self, expr: ir.Table) -> pd.DataFrame:
        return self.backend.execute(expr)

    def release(self) -> None:
        """Drop what the aggregation kept in memory (the aggregates are pandas frames by now)."""


def fiscal_year(day: ir.DateValue, start_month: int) -> ir.IntegerValue:
    year = day.year()
    if start_month == 1:
        return year
    return year + (day.month() >= start_month).cast("int64")


def fiscal_quarter(day: ir.DateValue, start_month: int) -> ir.IntegerValue:
    return ((day.month() - start_month + 12) % 12) // 3 + 1


def as_of(rows: ir.Table, report_date: date) -> ir.Table:
    """The rows as they stood on ``report_date``: later enrolments dropped, later outcomes undone."""
    cutoff = ibis.literal(report_date)
    rows = rows.filter(rows.enrolled_on.cast("date") <= cutoff)
    completed_late = rows.completed_on.notnull() & (rows.completed_on.cast("date") > cutoff)
    withdrawn_late = rows.withdrawn_on.notnull() & (rows.withdrawn_on.cast("date") > cutoff)
    undone = completed_late | withdrawn_late
    return rows.mutate(
        status=ibis.ifelse(undone, "in_progress", rows.status),
        completed_on=ibis.ifelse(completed_late, ibis.null("date"), rows.completed_on.cast("date")),
        withdrawn_on=ibis.ifelse(withdrawn_late, ibis.null("date"), rows.withdrawn_on.cast("date")),
        score=ibis.ifelse(undone, ibis.null("float64"), rows.score),
    )


def _with_periods(rows: ir.Table, column: str, start_month: int) -> ir.Table:
    day = rows[column].cast("date")
    return rows.mutate(
        fiscal_year=fiscal_year(day, start_month), quarter=fiscal_quarter(day, start_month)
    )


def _additive_measures(rows: ir.Table) -> dict[str, ir.Value]:
    """Counts and sums: a group's are the totals of its parts' (what breakdowns need)."""
    return {
        "enrollments": rows.count(),
        "completed": (rows.status == "completed").sum(),
        "failed": (rows.status == "failed").sum(),
        "withdrawn": (rows.status == "withdrawn").sum(),
        "open": rows.status.isin(OPEN_STATUSES).sum(),
        "scored": rows.score.count(),
        "score_sum": rows.score.sum(),
        "passed": (rows.score >= rows.pass_mark).sum(),
    }


def _cohort_measures(rows: ir.Table) -> dict[str, ir.Value]:
    completed = rows.status == "completed"
    return {
        **_additive_measures(rows),
        "learners": rows.learner_id.nunique(),
        "median_minutes": _median_of(rows.minutes, completed),
        "minutes_ratio": _median_of(rows.minutes / rows.expected_minutes, completed),
    }


def _median_of(values: ir.NumericColumn, where: ir.BooleanColumn) -> ir.NumericScalar:
    # Nulls outside ``where`` rather than median(where=...): Ibis compiles that filter into the
    # quantile argument on Spark, which must be a constant.
    return ibis.ifelse(where, values, ibis.null("float64")).median()


def _grouped(rows: ir.Table, scope: str, by_quarter: bool, measures: dict[str, Any]) -> ir.Table:
    key = SCOPE_KEYS[scope]
    keys: list[Any] = [rows.fiscal_year] + ([rows.quarter] if by_quarter else [])
    member = rows[key].cast("string") if key else ibis.literal("org")
    return (
        rows.group_by([member.name("member"), *keys])
        .aggregate(**measures)
        .mutate(scope=ibis.literal(scope))
    )


def _all_scopes(
    rows: ir.Table, measures_of: Any, scopes: tuple[str, ...] = tuple(SCOPE_KEYS)
) -> ir.Table:
    parts = []
    for scope in scopes:
        for by_quarter in (True, False):
            grouped = _grouped(rows, scope, by_quarter, measures_of(rows))
            if not by_quarter:
                grouped = grouped.mutate(quarter=ibis.literal(0, "int64"))
            parts.append(
                grouped.select(
                    "scope", "member", "fiscal_year", "quarter", *measures_of(rows).keys()
                )
            )
    return ibis.union(*parts)


def aggregate(
    engine: Engine,
    tables: Mapping[str, Frame],
    courses: pd.DataFrame,
    *,
    report_date: date,
    start_month: int,
) -> Aggregates:
    """All aggregates for every scope and period, as of ``report_date``.

    ``courses`` has one row per course: course_id, developer, training_manager, mandatory,
    pass_mark, expected_minutes.
    """
    course_table = engine.table(courses, "courses")
    raw = engine.table(tables["enrollments"], "enrollments")
    total_rows = engine.count(tables["enrollments"])
    rows = as_of(raw, report_date).join(course_table, "course_id")
    rows = rows.mutate(department=rows.department.fill_null("(not given)"))
    # The rows as of the report date, joined to their course and given their enrolment period,
    # computed once: every aggregate below reads this narrow table instead of the raw rows.
    cohort_rows = engine.materialise(
        _with_periods(rows, "enrolled_on", start_month).select(*COHORT_COLUMNS), "cohort_rows"
    )
    cohorts = engine.run(_all_scopes(cohort_rows, _cohort_measures))
    done = cohort_rows.filter(cohort_rows.completed_on.notnull())
    completion_rows = _with_periods(done, "completed_on", start_month)
    completions = engine.run(_all_scopes(completion_rows, lambda r: {"completions": r.count()}))
    included = int(engine.backend.execute(as_of(raw, report_date).count()))
    return Aggregates(
        cohorts=_tidy(cohorts),
        completions=_tidy(completions),
        modules=_modules(engine, tables, cohort_rows, report_date),
        gains=_gains(engine, tables, cohort_rows),
        ratings=_ratings(engine, tables, course_table, report_date, start_month),
        breakdown=_breakdown(engine, cohort_rows),
        distributions=_distributions(engine, cohort_rows),
        excluded_after_report_date=total_rows - included,
    )


def _modules(
    engine: Engine, tables: Mapping[str, Frame], cohort_rows: ir.Table, report_date: date
) -> pd.DataFrame:
    """Distinct learners reaching each module, per course, department and enrolment period."""
    activity = tables.get("activity")
    columns = [
        "course_id",
        "department",
        "fiscal_year",
        "quarter",
        "module_order",
        "module",
        "learners",
    ]
    if activity is None or not engine.count(activity):
        return pd.DataFrame(columns=columns)
    events = engine.table(activity, "activity")
    if engine.has_values(activity, "active_on"):
        events = events.filter(
            events.active_on.isnull() | (events.active_on.cast("date") <= ibis.literal(report_date))
        )
    cohort = cohort_rows.select("learner_id", "course_id", "department", "fiscal_year", "quarter")
    joined = events.select("learner_id", "course_id", "module", "module_order").join(
        cohort, ["learner_id", "course_id"]
    )
    parts = []
    for by_quarter in (True, False):
        keys = ["course_id", "department", "fiscal_year"] + (["quarter"] if by_quarter else [])
        grouped = joined.group_by([*keys, "module_order", "module"]).aggregate(
            learners=joined.learner_id.nunique()
        )
        if not by_quarter:
            grouped = grouped.mutate(quarter=ibis.literal(0, "int64"))
        parts.append(grouped.select(*columns))
    return _sorted(_as_ints(engine.run(ibis.union(*parts))), columns[:-1])


def _gains(engine: Engine, tables: Mapping[str, Frame], cohort_rows: ir.Table) -> pd.DataFrame:
    """Post minus pre score per learner and course, summed per scope and enrolment period."""
    assessments = tables.get("assessments")
    columns = ["scope", "member", "fiscal_year", "quarter", "gain_learners", "gain_sum"]
    if assessments is None or not engine.count(assessments):
        return pd.DataFrame(columns=columns)
    scores = engine.table(assessments, "assessments")
    kind = scores.kind.lower()
    per_learner = scores.group_by(["learner_id", "course_id"]).aggregate(
        pre=scores.score.mean(where=kind == "pre"), post=scores.score.mean(where=kind == "post")
    )
    paired = per_learner.filter(per_learner.pre.notnull() & per_learner.post.notnull())
    joined = cohort_rows.join(paired, ["learner_id", "course_id"])
    joined = joined.mutate(gain=joined.post - joined.pre)
    expr = _all_scopes(joined, lambda r: {"gain_learners": r.count(), "gain_sum": r.gain.sum()})
    return _tidy(engine.run(expr))


def _ratings(
    engine: Engine,
    tables: Mapping[str, Frame],
    course_table: ir.Table,
    report_date: date,
    start_month: int,
) -> pd.DataFrame:
    """Survey ratings per scope and the period they were given in."""
    surveys = tables.get("surveys")
    if surveys is None or not engine.has_values(surveys, "answered_on"):
        return pd.DataFrame(
            columns=["scope", "member", "fiscal_year", "quarter", "responses", "rating_sum"]
        )
    answers = engine.table(surveys, "surveys")
    answers = answers.filter(
        answers.answered_on.notnull()
        & (answers.answered_on.cast("date") <= ibis.literal(report_date))
    )
    joined = _with_periods(answers.join(course_table, "course_id"), "answered_on", start_month)
    joined = joined.mutate(department=ibis.literal("(not given)"))
    expr = _all_scopes(
        joined,
        lambda r: {"responses": r.count(), "rating_sum": r.rating.sum()},
        scopes=("org", "course", "developer", "training_manager"),
    )
    return _tidy(engine.run(expr))


def _breakdown(engine: Engine, cohort_rows: ir.Table) -> pd.DataFrame:
    """Course x department cohorts per fiscal year (quarter 0) and quarter."""
    parts = []
    for by_quarter in (True, False):
        keys = ["course_id", "department", "fiscal_year"] + (["quarter"] if by_quarter else [])
        measures = _additive_measures(cohort_rows)
        grouped = cohort_rows.group_by(keys).aggregate(**measures)
        if not by_quarter:
            grouped = grouped.mutate(quarter=ibis.literal(0, "int64"))
        parts.append(
            grouped.select("course_id", "department", "fiscal_year", "quarter", *measures.keys())
        )
    frame = engine.run(ibis.union(*parts))
    return _sorted(_as_ints(frame), ["course_id", "department", "fiscal_year", "quarter"])


SCORE_BIN = 10  # points
RATIO_BIN = 0.25  # of the expected minutes
RATIO_CAP = 3.0  # the last bin holds everything at or above 3x the expected time


def _distributions(engine: Engine, cohort_rows: ir.Table) -> pd.DataFrame:
    """Histogram counts of final scores and of completers' time relative to the expected time."""
    scored = cohort_rows.filter(cohort_rows.score.notnull())
    scored = scored.mutate(
        measure=ibis.literal("score"),
        bin=ibis.least((scored.score / SCORE_BIN).floor() * SCORE_BIN, 90.0),
    )
    timed = cohort_rows.filter((cohort_rows.status == "completed") & cohort_rows.minutes.notnull())
    ratio = timed.minutes / timed.expected_minutes
    timed = timed.mutate(
        measure=ibis.literal("minutes_ratio"),
        bin=ibis.least((ratio / RATIO_BIN).floor() * RATIO_BIN, RATIO_CAP),
    )
    parts = []
    for rows in (scored, timed):
        for scope in ("org", "course", "developer"):
            key = SCOPE_KEYS[scope]
            member = rows[key].cast("string") if key else ibis.literal("org")
            grouped = rows.group_by(
                [member.name("member"), "fiscal_year", "measure", "bin"]
            ).aggregate(learners=rows.count())
            parts.append(
                grouped.mutate(scope=ibis.literal(scope), quarter=ibis.literal(0, "int64")).select(
                    "scope", "member", "fiscal_year", "quarter", "measure", "bin", "learners"
                )
            )
    frame = _as_ints(engine.run(ibis.union(*parts)))
    return _sorted(frame, ["scope", "member", "fiscal_year", "measure", "bin"])


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
    "passed",
    "completions",
    "gain_learners",
    "responses",
)


def _as_ints(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in ("fiscal_year", "quarter", *COUNT_COLUMNS, "module_order"):
        if column in frame:
            frame[column] = frame[column].fillna(0).astype("int64")
    return frame


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)
