"""The same report, figure for figure, from DuckDB and from PySpark in local mode.

Every metric table (Metrics.table, modules, module_departments, breakdown, distributions) is
compared: counts exactly, other figures (sums, rates, medians) within REL_TOLERANCE. Spark's
``percentile`` is exact and interpolates like DuckDB's ``median``, so medians need no wider
tolerance than sums; only the order floats are added in differs. The generic CSV and parquet
sources and xAPI JSON lines are read by Spark itself, so the rows' accounting (counts, reasons
of rejected and of merged rows, first lines and files) is compared too.

Skipped without PySpark or Java unless REQUIRE_SPARK=1 (as in CI). One SparkSession (one JVM)
serves the whole test session.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from paths import REPO

from generator.config import Source
from generator.domain.engines import EngineName
from generator.ingest import read_source
from generator.ingest.adapters.xapi import FOLDED
from generator.ingest.canonical import Checks, duplicate_reason
from generator.report import Report, build_report, computed_metrics
from generator.report.metrics import COUNT_COLUMNS, Metrics

TINY = REPO / "tests" / "fixtures" / "tiny"
# A parquet enrolment and activity export and a folder of xAPI JSON lines, with rejected rows.
SPARK_SOURCES = REPO / "tests" / "fixtures" / "spark-sources"
REL_TOLERANCE = 1e-9
TABLES = ("table", "modules", "module_departments", "breakdown", "distributions", "offerings")
UNKNOWN_C9 = "unknown course 'C9' (not in config/courses.yaml)"
DUPLICATE = duplicate_reason("enrollments")

# Every test here runs in one xdist worker, so one JVM serves them all.
pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.xdist_group("spark")]
# The tests run hundreds of small queries on a few thousand rows: compiling each query to Java
# bytecode costs more than it saves (the OULAD comparison took 101 s with code generation and
# 76 s without; 64 s with a 3 GB heap instead of 1 GB). Reports on real volumes keep Spark's
# defaults.
TEST_SESSION = {
    "spark.driver.memory": "3g",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
}


def _missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install -e '.[spark]')"
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "no Java runtime (apt-get install openjdk-17-jre-headless)"
    return None


@pytest.fixture(scope="session")
def spark_available() -> None:
    reason = _missing()
    if reason:
        if os.environ.get("REQUIRE_SPARK") == "1":
            pytest.fail(f"{reason}, but REQUIRE_SPARK=1")
        pytest.skip(reason)
    from generator.config import SparkSettings
    from generator.engine.spark import session

    session(SparkSettings(config=TEST_SESSION))  # build_report reuses the active session


def both(project: Path) -> tuple[Report, Report]:
    return build_report(project, engine=EngineName.DUCKDB), build_report(
        project, engine=EngineName.SPARK
    )


def assert_same_metrics(duckdb: Metrics, spark: Metrics) -> None:
    assert (duckdb.quarters, duckdb.years, duckdb.report_date) == (
        spark.quarters,
        spark.years,
        spark.report_date,
    )
    assert duckdb.excluded_after_report_date == spark.excluded_after_report_date
    for name in TABLES:
        left, right = getattr(duckdb, name), getattr(spark, name)
        assert list(left.columns) == list(right.columns), name
        assert len(left) == len(right), name
        counts = [c for c in left.columns if c in COUNT_COLUMNS or c == "learners"]
        pd.testing.assert_frame_equal(left[counts], right[counts], check_dtype=False, obj=name)
        pd.testing.assert_frame_equal(
            left, right, check_dtype=False, check_exact=False, rtol=REL_TOLERANCE, obj=name
        )


def assert_same_accounting(duckdb: Report, spark: Report) -> None:
    assert spark.ingested.report.as_dict() == duckdb.ingested.report.as_dict()
    # as_dict holds them too; compared on their own, a difference in merges reads as one
    merges = [(s.path, s.merges) for s in duckdb.ingested.report.sources]
    assert [(s.path, s.merges) for s in spark.ingested.report.sources] == merges
    for source in spark.ingested.report.sources:
        assert source.rows_merged == sum(d.count for d in source.merges.values()), source.path
    assert spark.ingested.status_counts() == duckdb.ingested.status_counts()


@pytest.mark.usefixtures("spark_available")
def test_tiny_project_same_on_both_engines() -> None:
    duckdb, spark = both(TINY)
    assert_same_metrics(duckdb.metrics, spark.metrics)
    assert_same_accounting(duckdb, spark)
    # The hand-computed figures of tests/report/test_metrics.py, from Spark (as computed: the tiny
    # project's groups are too small to publish its completers' time).
    row = computed_metrics(TINY, engine=EngineName.SPARK).row("course", "C1", "2025-Q1")
    assert row is not None
    assert (row["enrollments"], row["median_minutes"]) == (4, 30.0)


@pytest.mark.usefixtures("spark_available")
def test_workforce_same_on_both_engines(tiny_roster_project: Path) -> None:
    """The roster read by Spark itself and the completions per employee from Spark SQL give
    the workforce tables DuckDB gives."""
    duckdb, spark = both(tiny_roster_project)
    assert not duckdb.workforce.empty
    for name in ("reach", "turnover", "compliance", "coverage", "new_hires"):
        pd.testing.assert_frame_equal(
            getattr(spark.workforce, name), getattr(duckdb.workforce, name), check_dtype=False
        )


@pytest.mark.usefixtures("spark_available")
def test_activity_matched_to_the_courses_modules_on_both_engines(tmp_path: Path) -> None:
    """Free-text activity (as a Moodle log names it, without module_order) counts for the
    modules courses.yaml lists, in their order: read by pandas or by Spark alike."""
    project = tmp_path / "tiny"
    shutil.copytree(TINY, project)
    original = build_report(TINY, engine=EngineName.DUCKDB).metrics.modules
    text = {
        "Hazards": "File: hazards (notes)",
        "Equipment": "Quiz: EQUIPMENT check",
        "Emergencies": "Page: Emergencies!",
    }
    lines = (TINY / "data" / "activity.csv").read_text().splitlines()[1:]
    rows = [line.split(",") for line in lines]
    (project / "data" / "activity.csv").write_text(
        "learner_id,course_id,module\n"
        + "".join(f"{r[0]},{r[1]},{text[r[2]]}\n" for r in rows)
        + "L1,C1,Course: Safety basics viewed\n"
    )
    duckdb, spark = both(project)
    assert_same_metrics(duckdb.metrics, spark.metrics)
    assert_same_accounting(duckdb, spark)
    got = duckdb.metrics.modules
    pd.testing.assert_frame_equal(got[original.columns], original)
    assert any(
        "1 activity rows name none of their course's modules" in n
        for s in spark.ingested.report.sources
        for n in s.notes
    )


@pytest.mark.usefixtures("spark_available")
def test_demo_same_on_both_engines() -> None:
    duckdb, spark = both(REPO)
    assert_same_metrics(duckdb.metrics, spark.metrics)
    # The demo export's dirty rows (story 9): the same reasons, counts and first lines.
    assert_same_accounting(duckdb, spark)
    assert spark.ingested.report.rows_rejected > 0
    assert [(g.goal_id, g.member, g.period, g.status) for g in spark.goals] == [
        (g.goal_id, g.member, g.period, g.status) for g in duckdb.goals
    ]
    assert [(f.kind, f.member) for f in spark.findings] == [
        (f.kind, f.member) for f in duckdb.findings
    ]


@pytest.mark.shared
@pytest.mark.usefixtures("spark_available")
def test_oulad_same_on_both_engines(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OULAD_DIR", str(shared_data / "oulad"))
    duckdb, spark = both(REPO / "examples" / "oulad")
    assert_same_metrics(duckdb.metrics, spark.metrics)
    assert spark.ingested.status_counts() == duckdb.ingested.status_counts()


def _read_by_pandas(source: Source, path: Path, shown: str, checks: Checks) -> Any:
    raise AssertionError(f"{shown} was read by pandas, not by Spark")


@pytest.mark.usefixtures("spark_available")
def test_parquet_and_xapi_json_lines_read_by_spark(monkeypatch: pytest.MonkeyPatch) -> None:
    duckdb = build_report(SPARK_SOURCES, engine=EngineName.DUCKDB)
    with monkeypatch.context() as patched:
        # Every source of the project is read by Spark: the pandas path is not taken.
        patched.setattr("generator.ingest.spark.read_source", _read_by_pandas)
        spark = build_report(SPARK_SOURCES, engine=EngineName.SPARK)
    assert_same_metrics(duckdb.metrics, spark.metrics)
    assert_same_accounting(duckdb, spark)
    from pyspark.sql import DataFrame

    from generator.config import load_project
    from generator.report import read_data

    # The report keeps only the accounting; the tables Spark read are checked on their own.
    tables = read_data(load_project(SPARK_SOURCES), EngineName.SPARK)[0].tables
    assert isinstance(tables["enrollments"], DataFrame)
    assert isinstance(tables["activity"], DataFrame)
    rejected = {s.path: s.rows_rejected for s in spark.ingested.report.sources}
    assert set(rejected) == {"data/enrollments.parquet", "data/activity.parquet", "data/xapi"}
    assert all(rejected.values()), rejected
    reasons = {r for s in spark.ingested.report.sources for r in s.reasons}
    assert "invalid JSON (b.jsonl line 4 column 262: Extra data)" in reasons
    assert "unknown course 'C9' (not in config/courses.yaml)" in reasons
    # a.jsonl's line 6 is blank: the invalid statement after it is on line 7
    assert "invalid JSON (a.jsonl line 7 column 67: Expecting value)" in reasons
    xapi = next(s for s in spark.ingested.report.sources if s.path == "data/xapi")
    assert xapi.merges[FOLDED].places() == [f"a.jsonl:{n}" for n in (2, 3, 4, 5, 9)]
    parquet = next(s for s in spark.ingested.report.sources if s.path.endswith("ents.parquet"))
    assert {r: d.lines for r, d in parquet.merges.items()} == {DUPLICATE: [6]}


@pytest.mark.usefixtures("spark_available")
def test_a_quoted_line_break_in_a_csv_read_by_spark(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text(
        'User,Course,Enrolled,Note\nL1,C1,2025-01-10,"asked for\na certificate"\n'
        "L2,C1,2025-01-11,plain\nL3,C9,2025-01-12,unknown course\n",
        encoding="utf-8",
    )
    columns = {"User": "learner_id", "Course": "course_id", "Enrolled": "enrolled_on"}
    both = _both_ingests(path, {"C1"}, format="csv", columns=columns)
    assert both is not None
    by_pandas, by_spark = both
    assert by_spark == by_pandas
    assert (by_pandas["report"]["rows_read"], by_pandas["report"]["rows_rejected"]) == (3, 1)
    # L3 is the file's line 5, its third record
    assert by_spark["report"]["reasons"][UNKNOWN_C9]["lines"] == [5]


@pytest.mark.usefixtures("spark_available")
def test_lines_after_quoted_line_breaks_and_merges_same_with_spark(tmp_path: Path) -> None:
    """Records of two and three lines (LF, CRLF, a lone CR in quotes), a blank line, and a
    duplicate after them: the lines the records start on, from both engines."""
    path = tmp_path / "notes.csv"
    path.write_bytes(
        b"User,Course,Enrolled,Score,Note\r\n"
        b'L1,C1,2025-01-10,80,"asked for\na certificate"\r\n'  # lines 2-3
        b"L2,C9,2025-01-11,70,plain\r\n"  # 4
        b"\r\n"  # 5
        b'L3,C1,2025-01-12,140,"one\r\ntwo\rthree"\r\n'  # 6-8
        b"L4,C9,2025-01-13,60,x\r\n"  # 9
        b'L1,C1,2025-01-10,85,"again"\r\n'  # 10: kept, line 2 merged into it
    )
    columns = {"User": "learner_id", "Course": "course_id", "Enrolled": "enrolled_on"}
    both = _both_ingests(path, {"C1"}, format="csv", columns=columns | {"Score": "score"})
    assert both is not None
    by_pandas, by_spark = both
    assert by_spark == by_pandas
    report = by_spark["report"]
    assert {r: d["lines"] for r, d in report["reasons"].items()} == {
        UNKNOWN_C9: [4, 9],
        "score out of range 0-100": [6],
    }
    assert report["merges"] == {DUPLICATE: {"count": 1, "lines": [2]}}


@pytest.mark.usefixtures("spark_available")
def test_a_folder_of_xapi_json_lines_names_files_on_both_engines(tmp_path: Path) -> None:
    """Bad statements in two files: the same reasons, files and lines from Spark, for rows
    rejected while reading, rejected by normalise and folded into an attempt."""
    folder = tmp_path / "statements"
    folder.mkdir()
    safety = "https://lms.example.org/courses/safety"
    elsewhere = {"id": "https://elsewhere.example/x"}
    a = [
        _statement("launched", context={"registration": "r1"}),
        "",
        _statement("completed", context={"registration": "r1"}),  # 3: folded
        _statement("completed", actor={"member": []}),  # 4: no actor
        _statement("completed", object=elsewhere),  # 5: unknown course
    ]
    b = [
        _statement("passed", actor={"account": {"name": "u-2"}}),
        {"hello": "world"},  # 2: not a statement
        '{"verb": ',  # 3: invalid JSON
        _statement("passed", actor={"account": {"name": "u-3"}}, object=elsewhere),  # 4
        _statement("terminated", actor={"account": {"name": "u-2"}}),  # 5: folded
    ]
    for name, lines in (("a.jsonl", a), ("b.jsonl", b)):
        text = [line if isinstance(line, str) else json.dumps(line) for line in lines]
        (folder / name).write_text("\n".join(text) + "\n")
    options = {"course_map": {safety: "C1"}}
    compared = _both_ingests(folder, {"C1"}, options=options)
    assert compared is not None, "read by pandas, not by Spark"
    pandas, spark = compared
    assert spark == pandas
    reasons = pandas["report"]["reasons"]
    unknown = "unknown course 'https://elsewhere.example/x' (not in config/courses.yaml)"
    assert reasons[unknown] == {"count": 2, "lines": [5, 4], "files": ["a.jsonl", "b.jsonl"]}
    assert reasons["not an xAPI statement (no actor, verb or object)"]["files"] == ["b.jsonl"]
    assert reasons["invalid JSON (b.jsonl line 3 column 10: Expecting value)"]["lines"] == [3]
    assert pandas["report"]["merges"] == {
        FOLDED: {"count": 2, "lines": [3, 5], "files": ["a.jsonl", "b.jsonl"]}
    }


@pytest.mark.usefixtures("spark_available")
def test_values_read_by_spark_as_by_pandas(tmp_path: Path) -> None:
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    # Constants for columns the files lack (course, offering), defaults for blank cells (dates,
    # scores), and a default that normalise then rejects (a score out of range).
    csv = tmp_path / "term1.csv"
    csv.write_text("User,Enrolled,Score\nL1,2025-01-10,80\nL2,,\nL3, NA ,-\n", encoding="utf-8")
    parquet = tmp_path / "term1.parquet"
    pq.write_table(
        pa.table(
            {
                "User": ["L1", "L2", "L3"],
                "Enrolled": [datetime.date(2025, 1, 10), None, None],
                "Score": [80.0, None, float("nan")],
            }
        ),
        parquet,
    )
    columns = {"User": "learner_id", "Enrolled": "enrolled_on", "Score": "score"}
    for path, score in ((csv, "60"), (parquet, "60"), (csv, "160"), (parquet, "160")):
        values = {"course_id": "C1", "offering": "2025-spring", "enrolled_on": "2025-01-06"}
        both = _both_ingests(
            path, {"C1"}, format="csv", columns=columns, values=values | {"score": score}
        )
        assert both is not None, path.name
        by_pandas, by_spark = both
        assert by_spark == by_pandas, path.name
        report = by_pandas["report"]
        assert (report["rows_read"], report["rows_rejected"]) == (3, 0 if score == "60" else 2)
        if score == "60":
            rows = by_pandas["rows"]["enrollments"]
            assert {row[1:3] for row in rows} == {("C1", "2025-spring")}, rows


@pytest.mark.usefixtures("spark_available")
def test_hostile_exports_read_alike_by_both_engines(tmp_path: Path) -> None:
    """Issue 21: offset times beside plain dates (the local day), dates outside the plausible
    window (rejected with the date), a department called NA (kept), parquet text that is not
    UTF-8 (rejected), a column given twice (the same located error)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from generator.domain.errors import ProblemsFound

    csv = tmp_path / "lms.csv"
    csv.write_text(
        "User,Course,Dept,Enrolled,Completed,Minutes\n"
        "L1,C1,NA,2025-03-01T00:30:00+02:00,2025-03-01,10\n"
        "L2,C1,None,2025-03-01,2025-03-02T23:30:00-05:00,\n"
        "L3,C1,Ops,0000-01-01,,\n"
        "L4,C1,Ops,2025-01-01,9999-12-31,\n"
        "L5,C1,,2025-03-01 10:00:00.250+0530,,\n"
        "L6,C1,Ops,2025-03-01,,inf\n",
        encoding="utf-8",
    )
    columns = {"User": "learner_id", "Course": "course_id", "Dept": "department"}
    columns |= {"Enrolled": "enrolled_on", "Completed": "completed_on", "Minutes": "minutes"}
    both = _both_ingests(csv, {"C1"}, format="csv", columns=columns)
    assert both is not None
    by_pandas, by_spark = both
    assert by_spark == by_pandas
    assert by_pandas["report"]["rows_rejected"] == 3  # 0000-01-01, 9999-12-31, inf minutes
    rows = {row[0]: row for row in by_pandas["rows"]["enrollments"]}
    assert rows["L1"][3] == "NA" and rows["L2"][3] == "None" and rows["L5"][3] is None
    assert {rows[k][4] for k in ("L1", "L2", "L5")} == {"2025-03-01"}

    parquet = tmp_path / "lms.parquet"
    broken = pa.array([b"Sales", b"Op\xffs"], type=pa.binary()).view(pa.string())
    pq.write_table(
        pa.table(
            {
                "learner_id": ["L1", "L2"],
                "course_id": ["C1", "C1"],
                "department": broken,
                "enrolled_on": ["2025-01-10", "2025-01-11"],
            }
        ),
        parquet,
    )
    both = _both_ingests(parquet, {"C1"}, format="csv")
    assert both is not None
    assert both[1] == both[0]
    assert both[0]["report"]["rows_rejected"] == 1

    csv.write_text("User,Course,Dept,Enrolled,Dept\nL1,C1,Ops,2025-01-10,Sales\n")
    for engine in ("pandas", "spark"):
        with pytest.raises(ProblemsFound, match=r"lms\.csv:1: column 'Dept' appears twice"):
            if engine == "pandas":
                _both_ingests(csv, {"C1"}, format="csv", columns=columns)
            else:
                from generator.engine.spark import SparkEngine, session
                from generator.ingest.spark import read_with_spark

                source = Source(path=str(csv), format="csv", columns=columns)
                checks = Checks({"C1"}, {}, None)
                read_with_spark(SparkEngine(session()).spark, source, csv, csv.name, checks)


def test_a_date_format_with_an_offset_reads_the_local_day_in_both_engines(tmp_path: Path) -> None:
    """%z in date_format: the time counts on its local calendar date (00:30 at +02:00 is the
    day it says, not the UTC day before), in Spark as in pandas."""
    csv = tmp_path / "lms.csv"
    csv.write_text(
        "User,Course,Enrolled\nL1,C1,2025-03-01 00:30:00+0200\nL2,C1,2025-03-01 23:30:00-0500\n",
        encoding="utf-8",
    )
    columns = {"User": "learner_id", "Course": "course_id", "Enrolled": "enrolled_on"}
    both = _both_ingests(
        csv, {"C1"}, format="csv", columns=columns, date_format="%Y-%m-%d %H:%M:%S%z"
    )
    assert both is not None
    by_pandas, by_spark = both
    assert by_spark == by_pandas
    assert {row[4] for row in by_pandas["rows"]["enrollments"]} == {"2025-03-01"}


def _both_ingests(
    path: Path, courses: set[str], **config: Any
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """One source through read_source and through Spark: (pandas, spark) accounting and rows,
    or None when Spark left it to pandas."""
    from generator.engine.spark import SparkEngine, session
    from generator.ingest.spark import read_with_spark

    source = Source(path=str(path), format=config.pop("format", "xapi"), **config)
    checks = Checks(courses, source.status_values, source.date_format)
    tables, report = read_source(source, path, path.name, checks)
    read = read_with_spark(SparkEngine(session()).spark, source, path, path.name, checks)
    if read is None:
        return None
    spark_tables, spark_report = read
    results = []
    for found, accounting in ((tables, report), (spark_tables, spark_report)):
        rows = {}
        for name, frame in found.items():
            frame = frame if isinstance(frame, pd.DataFrame) else frame.toPandas()
            frame = frame.astype(object).where(frame.notna(), None)
            for column in frame.columns:
                if column.endswith("_on"):
                    frame[column] = frame[column].map(lambda d: None if d is None else str(d)[:10])
            rows[name] = sorted(map(tuple, frame.to_numpy().tolist()), key=repr)
        results.append({"report": accounting.as_dict(), "rows": rows})
    return results[0], results[1]


def _statement(verb: str, /, **fields: Any) -> dict[str, Any]:
    statement = {
        "actor": {"account": {"name": "u-1"}},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"id": "https://lms.example.org/courses/safety"},
        "timestamp": "2025-01-10T09:00:00Z",
    }
    for key, value in fields.items():
        if value is None:
            statement.pop(key, None)
        else:
            statement[key] = value
    return statement


XAPI_RULES = [
    _statement("launched", context={"registration": "r1"}),
    _statement("failed", context={"registration": "r1"}, result={"score": {"raw": 3, "max": 4}}),
    _statement(
        "passed",
        context={"registration": "r1"},
        timestamp="2025-01-11T01:00:00+03:00",
        result={"score": {"raw": 9, "min": 5, "max": 10}, "duration": "P1W2DT1,5H10.25S"},
    ),
    _statement("terminated", context={"registration": "r1"}, result={"duration": "PT"}),
    _statement("completed", context={"registration": "r2"}, result={"score": {"scaled": None}}),
    _statement("completed", context={"registration": "r3"}, result={"score": {"scaled": [1]}}),
    _statement("completed", context={"registration": "r4"}, result={"score": {"raw": 1, "min": 2}}),
    _statement("completed", context={"registration": "r5"}, result={"score": {"raw": {"a": 1}}}),
    _statement("completed", timestamp=None, stored="2025-02-01"),
    _statement("completed", timestamp=None, actor={"account": {"name": ""}, "mbox": "m@x.org"}),
    _statement("voided/", verb={"id": ""}),
    _statement("registered", object={"id": "https://lms.example.org/unit/1"}),
    _statement(
        "registered",
        object={"id": "https://lms.example.org/unit/2"},
        context={"contextActivities": {"grouping": {"id": "https://lms.example.org/programme/"}}},
    ),
    _statement("satisfied", actor={"account": {"name": 0}, "openid": "https://id.example/1"}),
    _statement("completed", actor={"member": []}),
    _statement("completed", object={"id": ""}),
    _statement("abandoned", result={"duration": 15}),
    _statement("completed", result={"duration": "P1M"}),
]


@pytest.mark.usefixtures("spark_available")
def test_xapi_rules_same_with_spark(tmp_path: Path) -> None:
    """xapi.py's rules one by one: scores, durations, courses, actors, rejections; and what
    Spark leaves to the pandas path (a number as duration, a month long duration)."""
    options = {
        "course_map": {
            "https://lms.example.org/courses/safety": "C1",
            "https://lms.example.org/programme/": "C2",
        }
    }
    lines = [json.dumps(s) for s in XAPI_RULES]
    (tmp_path / "rules.jsonl").write_text("\n".join([*lines[:-2], "", "{}", "null"]))
    compared = _both_ingests(tmp_path / "rules.jsonl", {"C1", "C2"}, options=options)
    assert compared is not None
    pandas, spark = compared
    assert spark == pandas
    assert len(pandas["report"]["reasons"]) >= 6
    for name, line in (("number.jsonl", lines[-2]), ("month.jsonl", lines[-1])):
        (tmp_path / name).write_text(lines[0] + "\n" + line + "\n")
        assert _both_ingests(tmp_path / name, {"C1"}, options=options) is None, name
    (tmp_path / "nan.jsonl").write_text(lines[0] + "\n" + '{"verb": NaN}\n')
    assert _both_ingests(tmp_path / "nan.jsonl", {"C1"}, options=options) is None


@pytest.mark.shared
@pytest.mark.usefixtures("spark_available")
def test_shared_xapi_as_json_lines_same_with_spark(shared_data: Path, tmp_path: Path) -> None:
    """The cmi5 scenarios and the xAPI specification's examples (../shared/data/xapi has one
    JSON document per file) written as JSON lines, one file per scenario: Spark reads them."""
    xapi = shared_data / "xapi"
    folders = sorted(p for p in (xapi / "cmi5-scenarios").iterdir() if p.is_dir())
    folders.append(xapi / "xapi-spec-appendix-a")
    for folder in folders:
        # One line per document; the statement that is invalid JSON as published stays invalid.
        lines = [" ".join(p.read_text().split()) for p in sorted(folder.glob("*.json"))]
        (tmp_path / f"{folder.name}.jsonl").write_text("\n".join(lines) + "\n")
    options = {
        "course_map": {
            "http://course-repository.example.edu/identifiers/courses/02baafcf/": "C1",
            "http://example.adlnet.gov/xapi/example/simpleCBT": "C1",
        }
    }
    compared = _both_ingests(tmp_path, {"C1"}, options=options)
    assert compared is not None
    pandas, spark = compared
    assert spark == pandas
    assert pandas["report"]["rows_read"] == 147
    assert pandas["report"]["rows_rejected"] > 40
