"""The one place where raw learner rows become aggregates.

Written once in SQL that both embedded DuckDB (the default) and Spark SQL run: the input frames
are registered as tables under fixed names (courses, enrollments, activity, assessments,
surveys), the queries below read them, and only the small pandas frames of aggregates they
return leave this module. Everything downstream (metrics, goals, findings, charts, pages) works
on those frames; learner rows never leave it.

Each aggregate is one query (the cohort measures one per scope): GROUPING SETS give every
scope and period in one pass. Below CONCURRENT_BELOW_ROWS two run at a time. The SQL
keeps to what both dialects share: no quoted identifiers, ``count_if``, ``median`` (exact in
both), decimals only through ``CAST(.. AS DOUBLE)`` (Spark reads ``0.25`` as a DECIMAL). It was
Ibis until 2026-11: importing Ibis and building and compiling its expressions took longer than
DuckDB took to run them on 100k rows (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeAlias, TypeVar

import pandas as pd
import pyarrow as pa

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
T = TypeVar("T")
# Below this many enrolment rows the aggregates are computed two at a time. DuckDB runs a query on
# one core per 122,880-row row group, so at 100k rows each query has one core (100 courses:
# 1.2 s -> 0.9 s; 1M rows: 4.7 s -> 3.5-4.2 s); at 10M rows one at a time bounds the memory
# their groups hold (peak 5.1 GB).
CONCURRENT_BELOW_ROWS = 2_000_000


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
    offerings: pd.DataFrame  # course_id x offering (run): dates, counts, the source's outcomes
    excluded_after_report_date: int
    enrolled_from: date | None = None  # the first and last enrolment in the data, whatever
    enrolled_until: date | None = None  # the report date (for the warning when it leaves out rows)


class Engine:
    """Runs the SQL on embedded DuckDB (in-process, both cores, spilling to disk when the
    data outgrows memory). ``generator.engine.spark.SparkEngine`` runs the same SQL on Spark."""

    def __init__(self, connection: Any | None = None):
        import duckdb

        self.con = connection if connection is not None else duckdb.connect()
        self.materialised: list[str] = []
        self.registered: dict[str, pa.Table] = {}

    def register(self, frame: Frame, name: str) -> None:
        """A pandas frame as table ``name``. DuckDB scans it in place through Arrow (the
        canonical columns are Arrow-backed already) instead of copying every row."""
        self.registered[name] = pa.Table.from_pandas(frame, preserve_index=False)
        self.con.register(name, self.registered[name])

    def forget(self, name: str) -> None:
        """Stop scanning a registered frame, so its rows can be freed."""
        self.con.unregister(name)
        del self.registered[name]

    def count(self, frame: Frame) -> int:
        return len(frame)

    def has_values(self, frame: Frame, column: str) -> bool:
        return bool(frame[column].notna().any())

    def materialise(self, query: Sql, name: str) -> None:
        """Compute ``query`` once into table ``name`` that later queries read (not a TEMP
        table: the cursors of ``run_jobs`` read it too)."""
        self.con.execute(f"CREATE OR REPLACE TABLE {name} AS {query}")
        self.materialised.append(name)

    def run(self, query: Sql) -> pd.DataFrame:
        return self.con.execute(query).df()

    def run_jobs(self, jobs: Mapping[str, Callable[[Engine], T]], rows: int) -> dict[str, T]:
        """Each job's result; below CONCURRENT_BELOW_ROWS ``rows``, two jobs at a time, each
        thread on a cursor of its own (registered tables are per cursor, so they are
        registered again on it)."""
        if rows >= CONCURRENT_BELOW_ROWS:
            return {name: job(self) for name, job in jobs.items()}
        local = threading.local()
        cursors: list[Engine] = []

        def on_own_cursor(job: Callable[[Engine], T]) -> T:
            if not hasattr(local, "engine"):
                local.engine = Engine(self.con.cursor())
                for name, table in self.registered.items():
                    local.engine.con.register(name, table)
                cursors.append(local.engine)
            return job(local.engine)

        try:
            with ThreadPoolExecutor(max_workers=2) as pool:
                results = list(pool.map(on_own_cursor, jobs.values()))
        finally:
            for cursor in cursors:
                cursor.con.close()
        return dict(zip(jobs, results, strict=True))

    def release(self) -> None:
        """Drop what the aggregation kept in memory (the aggregates are pandas frames by now)."""
        for name in self.materialised:
            self.con.execute(f"DROP TABLE IF EXISTS {name}")
        for name in self.registered:
            self.con.unregister(name)
        self.materialised.clear()
        self.registered.clear()


# --- SQL both dialects run ----------------------------------------------------------------------


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
NO_MODULES = pd.DataFrame(
    {
        "course_id": pd.Series(dtype="string"),
        "module_order": pd.Series(dtype="float64"),
        "module": pd.Series(dtype="string"),
    }
)

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
    every DuckDB query has a fixed cost (10-30 ms on these 2-core machines)."""
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


def aggregate(
    engine: Engine,
    tables: MutableMapping[str, Frame],
    courses: pd.DataFrame,
    *,
    report_date: date,
    start_month: int,
    release_enrollments: bool = False,
    modules: pd.DataFrame | None = None,
) -> Aggregates:
    """All aggregates for every scope and period, as of ``report_date``.

    ``courses`` has one row per course: course_id, developer, training_manager, mandatory,
    pass_mark, expected_minutes; ``modules`` one per module a course lists in courses.yaml:
    course_id, module_order (1, 2, ...), module. With ``release_enrollments`` the enrollment rows are taken
    out of ``tables`` once the cohort rows are materialised from them: nothing reads them
    after, and at 10M rows they are the largest thing a build holds.
    """
    engine.register(courses, "courses")
    engine.register(modules if modules is not None else NO_MODULES, "course_modules")
    engine.register(tables["enrollments"], "enrollments")
    total_rows = engine.count(tables["enrollments"])
    engine.materialise(cohort_rows(report_date, start_month), "cohort_rows")
    included = engine.run(
        f"SELECT count_if({_day('enrolled_on')} <= {_date(report_date)}) AS n, "
        f"MIN({_day('enrolled_on')}) AS first, MAX({_day('enrolled_on')}) AS last "
        "FROM enrollments"
    )
    if release_enrollments:
        engine.forget("enrollments")
        del tables["enrollments"]
    # The heaviest two (distinct learners and medians; modules reached) first.
    jobs: dict[str, Callable[[Engine], pd.DataFrame]] = {
        "cohorts": _cohorts,
        "modules": lambda e: _modules(e, tables, report_date),
        "completions": lambda e: _completions(e, start_month),
        "gains": lambda e: _gains(e, tables),
        "ratings": lambda e: _ratings(e, tables, report_date, start_month),
        "breakdown": _breakdown,
        "distributions": _distributions,
        "offerings": lambda e: _offerings(e, tables),
    }
    frames = engine.run_jobs(jobs, rows=total_rows)
    first, last = (included[c].iloc[0] for c in ("first", "last"))
    return Aggregates(
        **frames,
        excluded_after_report_date=total_rows - int(included["n"].fillna(0).iloc[0]),
        enrolled_from=None if pd.isna(first) else pd.Timestamp(first).date(),
        enrolled_until=None if pd.isna(last) else pd.Timestamp(last).date(),
    )


def _completions(engine: Engine, start_month: int) -> pd.DataFrame:
    """Completions per scope and the period they happened in."""
    completed = (
        "(SELECT course_id, developer, training_manager, department, "
        f"{_periods('completed_on', start_month)} "
        "FROM cohort_rows WHERE completed_on IS NOT NULL) AS r"
    )
    return _tidy(engine.run(_by_scope(completed, {"completions": "COUNT(*)"})))


def _cohorts(engine: Engine) -> pd.DataFrame:
    """Cohort measures per scope and enrolment period, one query per scope: distinct learners
    and medians keep every group's values, and all scopes at once held 7.9 GB at 10M rows where
    one at a time holds 4.8 GB, in the same 29 s."""
    frames = [engine.run(_by_scope("cohort_rows", _cohort_measures(), (s,))) for s in SCOPE_KEYS]
    return _tidy(pd.concat(frames, ignore_index=True))


def _modules(engine: Engine, tables: Mapping[str, Frame], report_date: date) -> pd.DataFrame:
    """Distinct learners reaching each module, per course, department and enrolment period. A
    learner reached a module when their furthest module (in module order) is that one or a
    later one: exports seldom log every step (a learner who skips the week-4 file has still got
    to week 5), so the counts fall from module to module and the drop-off is never negative.
    The steps are the modules courses.yaml lists (``course_modules``), else those in the
    activity."""
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
    engine.register(activity, "activity")
    # Activity without a module order (not one of the course's modules) is no step of it.
    active_by_then = "WHERE a.module_order IS NOT NULL"
    if engine.has_values(activity, "active_on"):
        active_by_then += (
            f" AND (a.active_on IS NULL OR {_day('a.active_on')} <= {_date(report_date)})"
        )
    attempt = "c.learner_id, c.course_id, c.offering, c.enrolled_on, c.department, c.fiscal_year, c.quarter"
    furthest = f"""(
  SELECT {attempt}, MAX(a.module_order) AS furthest
  FROM activity a JOIN cohort_rows c ON {_same_attempt("a", "c")}
  {active_by_then}
  GROUP BY {attempt}) AS t"""
    steps = """(
  SELECT course_id, module_order, module FROM course_modules
  UNION
  SELECT DISTINCT course_id, module_order, module FROM activity
  WHERE module_order IS NOT NULL
    AND course_id NOT IN (SELECT course_id FROM course_modules)) AS s"""
    reached = f"""(
  SELECT t.learner_id, t.course_id, t.department, t.fiscal_year, t.quarter, s.module_order,
    s.module
  FROM {furthest} JOIN {steps}
    ON t.course_id = s.course_id AND s.module_order <= t.furthest) AS r"""
    query = _per_course_and_department(
        reached, {"learners": "COUNT(DISTINCT learner_id)"}, then_by=("module_order", "module")
    )
    return _sorted(_as_ints(engine.run(query)), columns[:-1])


def _gains(engine: Engine, tables: Mapping[str, Frame]) -> pd.DataFrame:
    """Post minus pre score per learner and course, summed per scope and enrolment period."""
    assessments = tables.get("assessments")
    columns = ["scope", "member", "fiscal_year", "quarter", "gain_learners", "gain_sum"]
    if assessments is None or not engine.count(assessments):
        return pd.DataFrame(columns=columns)
    engine.register(assessments, "assessments")
    paired = f"""(
  SELECT c.*, p.post - p.pre AS gain
  FROM cohort_rows c JOIN (
    SELECT learner_id, course_id, offering,
      AVG(CASE WHEN lower(kind) = 'pre' THEN score END) AS pre,
      AVG(CASE WHEN lower(kind) = 'post' THEN score END) AS post
    FROM assessments GROUP BY learner_id, course_id, offering
  ) p ON {_same_attempt("p", "c")}
  WHERE p.pre IS NOT NULL AND p.post IS NOT NULL) AS r"""
    query = _by_scope(paired, {"gain_learners": "COUNT(*)", "gain_sum": "SUM(gain)"})
    return _tidy(engine.run(query))


def _ratings(
    engine: Engine, tables: Mapping[str, Frame], report_date: date, start_month: int
) -> pd.DataFrame:
    """Survey ratings per scope and the period they were given in."""
    surveys = tables.get("surveys")
    if surveys is None or not engine.has_values(surveys, "answered_on"):
        return pd.DataFrame(
            columns=["scope", "member", "fiscal_year", "quarter", "responses", "rating_sum"]
        )
    engine.register(surveys, "surveys")
    answers = f"""(
  SELECT s.rating, c.course_id, c.developer, c.training_manager,
    {_periods("s.answered_on", start_month)}
  FROM surveys s JOIN courses c ON s.course_id = c.course_id
  WHERE s.answered_on IS NOT NULL AND {_day("s.answered_on")} <= {_date(report_date)}) AS r"""
    query = _by_scope(
        answers,
        {"responses": "COUNT(*)", "rating_sum": "SUM(rating)"},
        scopes=("org", "course", "developer", "training_manager"),
    )
    return _tidy(engine.run(query))


def _breakdown(engine: Engine) -> pd.DataFrame:
    """Course x department cohorts per fiscal year (quarter 0) and quarter."""
    frame = engine.run(_per_course_and_department("cohort_rows", _additive_measures()))
    return _sorted(_as_ints(frame), ["course_id", "department", "fiscal_year", "quarter"])


OFFERING_COLUMNS = [
    "course_id",
    "offering",
    "starts_on",
    "ends_on",
    "first_enrolled",
    "last_enrolled",
    "learners",
    "completions",
    "outcome_pass",
    "outcome_merit",
    "outcome_distinction",
    "outcome_fail",
    *_additive_measures(),
]


def _offerings(engine: Engine, tables: Mapping[str, Frame]) -> pd.DataFrame:
    """Per course and offering (a run, cohort or presentation): the run's enrolments and their
    outcomes as of the report date, whatever fiscal periods the run spans, with the dates the
    source gives for the run (the ``offerings`` table) where it has them."""
    measures = {
        "first_enrolled": "MIN(enrolled_on)",
        "last_enrolled": "MAX(enrolled_on)",
        "learners": "COUNT(DISTINCT learner_id)",
        "completions": "COUNT(completed_on)",
        **{f"outcome_{o}": f"count_if(outcome = '{o}')" for o in OUTCOMES},
        **_additive_measures(),
    }
    selected = ", ".join(f"{sql} AS {name}" for name, sql in measures.items())
    runs = (
        f"SELECT course_id, offering, {selected} FROM cohort_rows "
        "WHERE offering IS NOT NULL GROUP BY course_id, offering"
    )
    dates = "CAST(NULL AS DATE) AS starts_on, CAST(NULL AS DATE) AS ends_on"
    join = ""
    offerings = tables.get("offerings")
    if offerings is not None and engine.count(offerings):
        engine.register(offerings, "offerings")
        join = (
            "LEFT JOIN (SELECT course_id, offering, MIN(starts_on) AS starts_on, "
            "MAX(ends_on) AS ends_on FROM offerings GROUP BY course_id, offering) d "
            "ON r.course_id = d.course_id AND r.offering = d.offering"
        )
        dates = f"{_day('d.starts_on')} AS starts_on, {_day('d.ends_on')} AS ends_on"
    frame = engine.run(f"SELECT r.*, {dates} FROM ({runs}) r {join}")
    frame = _as_ints(frame)[OFFERING_COLUMNS]
    for column in ("starts_on", "ends_on", "first_enrolled", "last_enrolled"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[s]")
    frame["offering"] = frame["offering"].astype(str)
    return _sorted(frame, ["course_id", "first_enrolled", "offering"])


SCORE_BIN = 10  # points
RATIO_BIN = 0.25  # of the expected minutes
RATIO_CAP = 3.0  # the last bin holds everything at or above 3x the expected time


def _distributions(engine: Engine) -> pd.DataFrame:
    """Histogram counts of final scores and of completers' time relative to the expected time,
    per fiscal year."""
    score_bin = f"LEAST(FLOOR(score / {SCORE_BIN}) * {_double(SCORE_BIN)}, {_double(90.0)})"
    ratio = "minutes / expected_minutes"
    ratio_bin = (
        f"LEAST(FLOOR({ratio} / {_double(RATIO_BIN)}) * {_double(RATIO_BIN)}, {_double(RATIO_CAP)})"
    )
    binned = f"""(
  SELECT course_id, developer, fiscal_year, 'score' AS measure, {score_bin} AS bin
  FROM cohort_rows WHERE score IS NOT NULL
  UNION ALL
  SELECT course_id, developer, fiscal_year, 'minutes_ratio' AS measure, {ratio_bin} AS bin
  FROM cohort_rows WHERE status = 'completed' AND minutes IS NOT NULL) AS r"""
    query = _by_scope(
        binned,
        {"learners": "COUNT(*)"},
        ("org", "course", "developer"),
        quarters=False,
        then_by=("measure", "bin"),
    )
    frame = _as_ints(engine.run(query))
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
