"""The generic csv adapter on hostile and messy input, and on real .xlsx exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_helpers import EXPORTS, load

from generator.errors import ProblemsFound
from generator.ingest.textfile import may_quote_line_breaks

CSV = EXPORTS / "csv"
MAPPING = {"User": "learner_id", "Course": "course_id", "Enrolled": "enrolled_on", "Score": "score"}


def test_tab_delimited_with_spreadsheet_mangled_dates() -> None:
    tables, report = load("csv", CSV / "mangled-tab.csv", columns=MAPPING)
    assert tables["enrollments"]["learner_id"].tolist() == ["L1"]
    reasons = {reason: detail.lines for reason, detail in report.reasons.items()}
    assert reasons[
        "enrolled_on is a spreadsheet serial number, not a date: the file went "
        "through a spreadsheet; export the column as text (or read the .xlsx)"
    ] == [3]
    assert any(r.startswith("enrolled_on is a month-day") for r in reasons)  # 10月20日, line 4
    assert reasons["unparseable enrolled_on (expected YYYY-MM-DD)"] == [5]


def test_windows_1252_semicolon_quoted_crlf() -> None:
    tables, report = load("csv", CSV / "cp1252-semicolon-crlf.csv", columns=MAPPING)
    assert tables["enrollments"]["learner_id"].tolist() == ["L1", "Léa"]
    assert report.rows_rejected == 0


def test_utf8_bom_header(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffUser,Course,Enrolled\nL1,C1,2025-01-10\n".encode())
    tables, _ = load("csv", path, columns=MAPPING)
    assert len(tables["enrollments"]) == 1


def test_a_quoted_line_break_inside_a_value_keeps_the_rows(tmp_path: Path) -> None:
    # pyarrow only tracks quotes across line breaks when a record has a quote; both ways read
    # the same rows.
    text = "User,Course,Enrolled,Note\nL1,C1,2025-01-10,{}\nL2,C1,2025-01-11,plain\n"
    for note in ('"two\nlines"', "one line"):
        path = tmp_path / "notes.csv"
        path.write_text(text.format(note), encoding="utf-8")
        tables, report = load("csv", path, columns=MAPPING)
        assert tables["enrollments"]["learner_id"].tolist() == ["L1", "L2"]
        assert (report.rows_read, report.rows_rejected) == (2, 0)
        # pyarrow's fast split is chosen only for the file without a quote
        assert may_quote_line_breaks(path) is note.startswith('"')


def test_parquet_keeps_typed_dates_and_numbers_and_numbers_rows_from_one(
    tmp_path: Path,
) -> None:
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "enrolments.parquet"
    table = pa.table(
        {
            "User": ["L1", "L2", "L3", None],
            "Course": ["C1", "C1", "C9", "C1"],
            "Enrolled": [datetime.date(2025, 1, 10), datetime.date(2025, 1, 11), None, None],
            "Score": [81.5, None, 70.0, 60.0],
        }
    )
    pq.write_table(table, path)
    tables, report = load("csv", path, columns=MAPPING)
    loaded = tables["enrollments"]
    assert loaded["learner_id"].tolist() == ["L1", "L2"]
    assert str(loaded["enrolled_on"].iloc[0].date()) == "2025-01-10"
    assert loaded["score"].iloc[0] == 81.5
    # Row numbers stand in for lines: row 3 names an unknown course, row 4 has no learner.
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (4, 2, 2)
    lines = sorted(line for detail in report.reasons.values() for line in detail.lines)
    assert lines == [3, 4]


def test_a_broken_parquet_file_is_a_problem_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 not really")
    with pytest.raises(ProblemsFound, match=r"broken.parquet: cannot read the parquet file"):
        load("csv", path, columns=MAPPING)


def test_empty_file_is_a_problem_with_the_fix() -> None:
    with pytest.raises(ProblemsFound, match=r"empty.csv: the file is empty; export it again"):
        load("csv", CSV / "empty.csv", columns=MAPPING)


def test_header_only_file_is_noted_not_an_error() -> None:
    tables, report = load("csv", CSV / "header-only.csv", columns=MAPPING)
    assert tables["enrollments"].empty and report.notes == ["no data rows (header only)"]


def test_missing_required_column_lists_found_expected_and_mapping() -> None:
    with pytest.raises(ProblemsFound) as caught:
        load("csv", CSV / "header-only.csv", columns={"User": "learner_id"})
    message = str(caught.value)
    assert message.startswith(
        "header-only.csv:1: missing required column(s) course_id, enrolled_on"
    )
    assert "columns found: User, Course, Enrolled" in message
    assert (
        "expected: learner_id, course_id" in message and "under this source's 'columns:'" in message
    )


def test_course_id_of_a_one_course_export(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("User,Enrolled\nL1,2025-01-10\n")
    tables, _ = load("csv", path, columns=MAPPING, course_id="C1")
    assert tables["enrollments"]["course_id"].tolist() == ["C1"]


@pytest.mark.shared
@pytest.mark.slow
def test_moodle_la_course_xlsx_via_calamine(shared_data: Path) -> None:
    folder = shared_data / "moodle-la-course"
    tables, report = load(
        "csv",
        folder / "Results.xlsx",
        table="assessments",
        course_id="C1",
        columns={"user": "learner_id", "Final_grade": "score"},
    )
    assert report.rows_read == 130 and report.rows_loaded == 130
    assert tables["assessments"]["score"].between(0, 10).all()
    tables, report = load(
        "csv",
        folder / "Events.xlsx",
        table="activity",
        course_id="C1",
        columns={"user": "learner_id", "Event.context": "module", "timecreated": "active_on"},
    )
    assert report.rows_read == 95_626 and report.rows_rejected == 0
    assert str(tables["activity"]["active_on"].min().date()).startswith("2019-")
