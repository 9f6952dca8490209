"""generator/engine/sql.py's SQL on DuckDB against hand-counted figures and the Python calendar.

The whole report is compared between DuckDB and Spark in tests/engine/test_engines.py and against
hand-computed figures in tests/report/test_metrics.py; these check the SQL building blocks directly.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest
from paths import REPO

from generator.config import load_project
from generator.domain.periods import FiscalCalendar
from generator.engine import sql as engine
from generator.ingest import ingest
from generator.report import course_frame, default_report_date

ROWS = pd.DataFrame(
    {
        "learner_id": ["a", "b", "c", "a", "d"],
        "course_id": ["c1", "c1", "c1", "c2", "c2"],
        "developer": ["dev1", "dev1", "dev1", "dev2", "dev2"],
        "status": ["completed", "failed", "completed", "completed", "enrolled"],
        "minutes": [10.0, 50.0, 30.0, 20.0, None],
        "fiscal_year": [2025, 2025, 2025, 2025, 2025],
        "quarter": [1, 1, 2, 2, 2],
    }
)


@pytest.fixture
def duckdb_engine() -> engine.Engine:
    sql_engine = engine.Engine()
    sql_engine.register(ROWS, "rows_in")
    return sql_engine


@pytest.mark.parametrize("start_month", [1, 4, 7, 10, 12])
def test_fiscal_periods_match_the_python_calendar(start_month: int) -> None:
    days = [date(2024, 1, 1) + timedelta(days=n) for n in range(0, 731, 5)]
    sql_engine = engine.Engine()
    sql_engine.register(pd.DataFrame({"day": pd.to_datetime(days)}), "days")
    got = sql_engine.run(f"SELECT {engine._periods('day', start_month)} FROM days")
    calendar = FiscalCalendar(start_month)
    expected = [(calendar.quarter_of(d).fiscal_year, calendar.quarter_of(d).number) for d in days]
    assert list(zip(got["fiscal_year"], got["quarter"], strict=True)) == expected


def test_by_scope_gives_quarters_and_the_whole_year(duckdb_engine: engine.Engine) -> None:
    measures = {"n": "COUNT(*)", "learners": "COUNT(DISTINCT learner_id)"}
    query = engine._by_scope("rows_in", measures, ("org", "course"))
    got = engine._tidy(duckdb_engine.run(query))
    rows = {(r.scope, r.member, r.quarter): (r.n, r.learners) for r in got.itertuples()}
    assert rows == {
        ("course", "c1", 0): (3, 3),
        ("course", "c1", 1): (2, 2),
        ("course", "c1", 2): (1, 1),
        ("course", "c2", 0): (2, 2),
        ("course", "c2", 2): (2, 2),
        ("org", "org", 0): (5, 4),  # learner a twice in the year, counted once
        ("org", "org", 1): (2, 2),
        ("org", "org", 2): (3, 3),
    }


def test_by_scope_of_a_single_scope(duckdb_engine: engine.Engine) -> None:
    for scope, members in (("org", {"org"}), ("developer", {"dev1", "dev2"})):
        got = duckdb_engine.run(engine._by_scope("rows_in", {"n": "COUNT(*)"}, (scope,)))
        assert set(got["scope"]) == {scope}
        assert set(got["member"]) == members
        assert got.loc[got["quarter"] == 0, "n"].sum() == len(ROWS)


def test_median_of_completers_only(duckdb_engine: engine.Engine) -> None:
    measures = {"median_minutes": engine._median_of_completed("minutes")}
    got = duckdb_engine.run(engine._by_scope("rows_in", measures, ("course",)))
    year = got[got["quarter"] == 0].set_index("member")["median_minutes"]
    assert year["c1"] == 20.0  # completers' 10 and 30; the failed learner's 50 is left out
    assert year["c2"] == 20.0


def test_release_drops_what_was_materialised(duckdb_engine: engine.Engine) -> None:
    duckdb_engine.materialise("SELECT * FROM rows_in WHERE status = 'completed'", "done_rows")
    assert len(duckdb_engine.run("SELECT * FROM done_rows")) == 3
    duckdb_engine.release()
    tables = duckdb_engine.run("SELECT table_name FROM duckdb_tables()")
    assert "done_rows" not in set(tables["table_name"])


def same_aggregates(left_side: engine.Aggregates, right_side: engine.Aggregates) -> None:
    for field in dataclasses.fields(engine.Aggregates):
        left, right = getattr(left_side, field.name), getattr(right_side, field.name)
        if isinstance(left, pd.DataFrame):
            assert not left.empty, field.name
            pd.testing.assert_frame_equal(left, right, obj=field.name)
        else:
            assert left == right


def demo_aggregates(
    tables: dict[str, Any] | None = None, on: engine.Engine | None = None, release: bool = False
) -> engine.Aggregates:
    project = load_project(REPO)  # the demo organisation: every kind of LMS table
    ingested = ingest(project)
    return engine.aggregate(
        on or engine.Engine(),
        ingested.tables if tables is None else tables,
        course_frame(project),
        report_date=default_report_date(project, ingested),
        start_month=project.settings.fiscal_year_start_month,
        release_enrollments=release,
    )


def test_two_at_a_time_gives_what_one_at_a_time_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    two_at_a_time = demo_aggregates()
    monkeypatch.setattr(engine, "CONCURRENT_BELOW_ROWS", 0)
    same_aggregates(two_at_a_time, demo_aggregates())


def test_released_enrollments_are_gone_and_change_nothing() -> None:
    tables = dict(ingest(load_project(REPO)).tables)
    duckdb = engine.Engine()
    released = demo_aggregates(tables, duckdb, release=True)
    assert "enrollments" not in tables and "enrollments" not in duckdb.registered
    assert "courses" in duckdb.registered  # the rest stay until release()
    same_aggregates(released, demo_aggregates())
