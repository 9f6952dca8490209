"""The one place where raw learner rows become aggregates: ``aggregate`` and the ``Engine`` that
runs its SQL on embedded DuckDB (the default; generator/engine/spark.py runs the same SQL on
Spark SQL).

The input frames are registered as tables under fixed names (courses, enrollments, activity,
assessments, surveys), the queries read them, and only the small pandas frames of aggregates
they return leave generator/engine/. Everything downstream (metrics, goals, findings, charts,
pages) works on those frames; learner rows never leave it.

Each aggregate is one query (the cohort measures one per scope), in aggregate_queries.py and
built from the pieces in sql_blocks.py: GROUPING SETS give every scope and period in one pass.
Below CONCURRENT_BELOW_ROWS two run at a time. The SQL is plain text rather than the
expressions of a library such as Ibis: importing one and building and compiling its expressions
costs more than DuckDB running the queries (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import pandas as pd
import pyarrow as pa

from generator.engine.aggregate_queries import (
    _breakdown,
    _cohorts,
    _completions,
    _distributions,
    _gains,
    _learner_completions,
    _modules,
    _offerings,
    _ratings,
)

# Imported from here by the report, generator/engine/spark.py, generator/ingest/spark/ and the
# tests (the underscored building blocks).
from generator.engine.sql_blocks import COUNT_COLUMNS as COUNT_COLUMNS
from generator.engine.sql_blocks import SCOPE_KEYS as SCOPE_KEYS
from generator.engine.sql_blocks import Frame as Frame
from generator.engine.sql_blocks import Sql as Sql
from generator.engine.sql_blocks import _by_scope as _by_scope
from generator.engine.sql_blocks import _date, _day, cohort_rows
from generator.engine.sql_blocks import _median_of_completed as _median_of_completed
from generator.engine.sql_blocks import _periods as _periods
from generator.engine.sql_blocks import _tidy as _tidy

T = TypeVar("T")
# Below this many enrolment rows the aggregates are computed two at a time. DuckDB runs a query on
# one core per 122,880-row row group, so below a few row groups each query has one core and the
# other is idle; at millions of rows one at a time bounds the memory their groups hold.
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
    # per employee of the HR roster, course and fiscal year: completions, first and last day
    # (empty without a roster)
    learner_completions: pd.DataFrame = field(default_factory=pd.DataFrame)


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


# No modules listed in courses.yaml: typed, so that both engines read the empty table alike.
NO_MODULES = pd.DataFrame(
    {
        "course_id": pd.Series(dtype="string"),
        "module_order": pd.Series(dtype="float64"),
        "module": pd.Series(dtype="string"),
    }
)


def _has_rows(engine: Engine, table: Frame | None) -> bool:
    return table is not None and engine.count(table) > 0


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
    if _has_rows(engine, tables.get("roster")):
        engine.register(tables["roster"], "roster")
        jobs["learner_completions"] = lambda e: _learner_completions(e, start_month)
    frames = engine.run_jobs(jobs, rows=total_rows)
    first, last = (included[c].iloc[0] for c in ("first", "last"))
    return Aggregates(
        **frames,
        excluded_after_report_date=total_rows - int(included["n"].fillna(0).iloc[0]),
        enrolled_from=None if pd.isna(first) else pd.Timestamp(first).date(),
        enrolled_until=None if pd.isna(last) else pd.Timestamp(last).date(),
    )
