"""The roster table (HR roster: a dated history per employee) from a generic csv source:
every row's fate, the effective_on default, pseudonymised employee ids that join to the LMS
learners, and the same rows and reasons from Spark."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from ingest_helpers import load
from paths import EXPORTS

from generator.config import Source, load_project
from generator.domain.engines import EngineName
from generator.ingest import ingest, read_source
from generator.ingest.canonical import Checks, duplicate_reason
from generator.ingest.pseudonym import KEY_ENV, pseudonym, pseudonymiser
from generator.report import build_report

ROSTER = EXPORTS / "roster"
HR = ROSTER / "hr-roster.csv"
COLUMNS = {
    "Employee ID": "learner_id",
    "Effective date": "effective_on",
    "Department": "department",
    "Job title": "job_role",
    "Manager": "manager",
    "Hire date": "hired_on",
    "Termination date": "left_on",
    "Termination reason": "leaving",
}
REASONS = {
    "unknown leaving reason (expected voluntary, involuntary)": [5],  # retired
    "left before hired": [6],
    "leaving reason without left_on": [7],
    "effective before hired": [8],
    "missing learner id": [9],
    "missing department": [10],
    "missing hired_on": [11],
    "unparseable effective_on (expected YYYY-MM-DD)": [12],
}
# Line 3 and line 13 share E1's 2025-03-01; line 4 has no effective date, so its hire date
# 2023-06-01, as line 14 gives it: the later line of each is kept.
MERGES = {duplicate_reason("roster"): [3, 4]}


def _rows(frame: Any) -> list[tuple[Any, ...]]:
    """The rows as tuples of plain values (dates as YYYY-MM-DD, missing as None), in order of
    the employee and effective date."""
    frame = frame if isinstance(frame, pd.DataFrame) else frame.toPandas()
    rows = [
        tuple(
            None if pd.isna(value) else str(value)[:10] if column.endswith("_on") else value
            for column, value in zip(frame.columns, row, strict=True)
        )
        for row in frame.astype(object).to_numpy().tolist()
    ]
    return sorted(rows, key=repr)


def test_roster_rows_loaded_merged_or_rejected_with_their_reason_and_line() -> None:
    tables, report = load("csv", HR, table="roster", columns=COLUMNS)
    assert (report.rows_read, report.rows_loaded, report.rows_merged, report.rows_rejected) == (
        14,
        4,
        2,
        8,
    )
    assert {reason: found.lines for reason, found in report.reasons.items()} == REASONS
    assert {reason: found.lines for reason, found in report.merges.items()} == MERGES
    assert duplicate_reason("roster") == (
        "duplicate of another row (same learner_id, effective_on): the latest line kept"
    )
    rows = tables["roster"]
    assert list(rows.columns) == list(COLUMNS.values())
    assert _rows(rows) == [
        ("E1", "2024-01-15", "Sales", "Rep", "dana", "2024-01-15", None, None),
        ("E1", "2025-03-01", "Sales", "Team lead", "dana", "2024-01-15", None, None),
        ("E10", "2022-09-05", "HR", "Partner", None, "2022-09-05", None, None),
        # ' INVOLUNTARY ' lower-cased, as outcomes are
        (
            "E2",
            "2023-06-01",
            "Operations",
            "Analyst II",
            "M2",
            "2023-06-01",
            "2025-02-28",
            "involuntary",
        ),
    ]
    assert report.tables == {"roster": 4}


def test_effective_on_defaults_to_hired_on(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(
        "learner_id,department,hired_on,effective_on\n"
        "E1,Sales,2024-01-15,\n"  # the hire date
        "E2,Sales,2024-02-01,NA\n"  # a missing-value marker is empty too
        "E3,Sales,2024-03-01,2024-06-01\n",
        encoding="utf-8",
    )
    tables, report = load("csv", path, table="roster")
    assert report.rows_loaded == 3
    effective = dict(
        zip(tables["roster"]["learner_id"], tables["roster"]["effective_on"], strict=True)
    )
    assert {k: str(v.date()) for k, v in effective.items()} == {
        "E1": "2024-01-15",
        "E2": "2024-02-01",
        "E3": "2024-06-01",
    }
    assert str(tables["roster"]["effective_on"].dtype) == "datetime64[s]"


def _with_roster(project: Path) -> Path:
    """The tiny project with an enrolment export of E1 and E2 and the HR roster beside its
    own sources."""
    for name in ("hr-roster.csv", "enrolments.csv"):
        shutil.copy(ROSTER / name, project / "data" / name)
    mapping = "".join(f"      {source}: {column}\n" for source, column in COLUMNS.items())
    with (project / "config" / "project.yaml").open("a", encoding="utf-8") as config:
        config.write(
            "  - path: data/enrolments.csv\n    format: csv\n"
            "  - path: data/hr-roster.csv\n    format: csv\n    table: roster\n"
            f"    columns:\n{mapping}"
        )
    return project


def test_roster_ids_are_pseudonymised_as_the_learners_are(
    tiny_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, "roster-test-key")
    ingested = ingest(load_project(_with_roster(tiny_project)))
    roster, enrolled = ingested.tables["roster"], ingested.tables["enrollments"]
    e1, e2 = (pseudonym(raw, b"roster-test-key") for raw in ("E1", "E2"))
    assert set(roster["learner_id"]) == {e1, e2, pseudonym("E10", b"roster-test-key")}
    # the employee joins the learner of the same raw id in the enrolment source
    assert {e1, e2} <= set(enrolled["learner_id"])
    assert not {"E1", "E2", "E10"} & (set(roster["learner_id"]) | set(enrolled["learner_id"]))
    source = next(s for s in ingested.report.sources if s.path == "data/hr-roster.csv")
    assert {r: d.lines for r, d in source.reasons.items()} == REASONS
    assert {r: d.lines for r, d in source.merges.items()} == MERGES
    # no kpis source: the table is there, empty, with its columns
    kpis = ingested.tables["kpis"]
    assert kpis.empty
    assert list(kpis.columns) == ["measure", "department", "job_role", "period", "value"]


def test_a_project_with_or_without_a_roster_builds(tiny_project: Path) -> None:
    without = ingest(load_project(tiny_project)).tables["roster"]
    assert without.empty and list(without.columns) == list(COLUMNS.values())
    report = build_report(_with_roster(tiny_project), engine=EngineName.DUCKDB)
    source = next(s for s in report.ingested.report.sources if s.path == "data/hr-roster.csv")
    assert source.tables == {"roster": 4}


# Spark: marked as tests/engine/test_engines.py marks its tests, so that one worker (one JVM)
# runs them all; with the session settings of that module (a session running is reused).
SPARK_SESSION = {
    "spark.driver.memory": "3g",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
}


@pytest.fixture(scope="module")
def spark() -> Any:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        reason = "pyspark is not installed (pip install -e '.[spark]')"
    else:
        reason = "" if shutil.which("java") or os.environ.get("JAVA_HOME") else "no Java runtime"
    if reason:
        if os.environ.get("REQUIRE_SPARK") == "1":
            pytest.fail(f"{reason}, but REQUIRE_SPARK=1")
        pytest.skip(reason)
    from generator.config import SparkSettings
    from generator.engine.spark import session

    return session(SparkSettings(config=SPARK_SESSION))


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.xdist_group("spark")
def test_spark_loads_the_same_roster_rows_and_reasons(
    spark: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.ingest.spark import read_with_spark

    monkeypatch.setenv(KEY_ENV, "roster-test-key")
    source = Source(path=str(HR), format="csv", table="roster", columns=COLUMNS)
    checks = Checks({"C1"}, {}, None, pseudonymiser(source))
    tables, report = read_source(source, HR, HR.name, checks)
    read = read_with_spark(spark, source, HR, HR.name, checks)
    assert read is not None  # read by Spark itself, not left to pandas
    spark_tables, spark_report = read
    assert not isinstance(spark_tables["roster"], pd.DataFrame)
    assert spark_report.as_dict() == report.as_dict()
    assert {r: d.lines for r, d in spark_report.reasons.items()} == REASONS
    assert {r: d.lines for r, d in spark_report.merges.items()} == MERGES
    assert _rows(spark_tables["roster"]) == _rows(tables["roster"])
    # Spark's HMAC is the pandas path's pseudonym
    assert pseudonym("E10", b"roster-test-key") in {r[0] for r in _rows(spark_tables["roster"])}


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.xdist_group("spark")
def test_spark_loads_the_same_kpi_rows_and_reasons(spark: Any) -> None:
    from generator.ingest.spark import read_with_spark

    path = ROSTER / "kpis.csv"
    source = Source(path=str(path), format="csv", table="kpis")
    checks = Checks({"C1"}, {}, None)
    tables, report = read_source(source, path, path.name, checks)
    read = read_with_spark(spark, source, path, path.name, checks)
    assert read is not None
    spark_tables, spark_report = read
    assert spark_report.as_dict() == report.as_dict()
    # every reason of tests/ingest/test_kpis.py; 'NaN' casts to a double in Spark, yet is no value
    assert report.reasons["value is not a number"].lines == [9, 15]
    assert _rows(spark_tables["kpis"]) == _rows(tables["kpis"])
