"""The generic csv adapter on hostile and messy input, and on real .xlsx exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_helpers import load
from paths import EXPORTS

from generator.domain.errors import ProblemsFound
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


def test_values_are_constants_for_columns_a_file_lacks(tmp_path: Path) -> None:
    import datetime

    # One course, one term: no course or date column. YAML gives the date as a date.
    path = tmp_path / "term1.csv"
    path.write_text("User,Score\nL1,80\nL2,\nL3,95\n")
    tables, report = load(
        "csv",
        path,
        {"python-101"},
        columns={"User": "learner_id", "Score": "score"},
        values={
            "enrolled_on": datetime.date(2019, 9, 1),
            "course_id": "python-101",
            "offering": "2019-autumn",
        },
    )
    loaded = tables["enrollments"]
    assert loaded["learner_id"].tolist() == ["L1", "L2", "L3"]
    assert set(loaded["course_id"]) == {"python-101"} and set(loaded["offering"]) == {"2019-autumn"}
    assert {str(d.date()) for d in loaded["enrolled_on"]} == {"2019-09-01"}
    assert loaded["score"].isna().tolist() == [False, True, False]  # no value: stays blank
    assert (report.rows_read, report.rows_loaded) == (3, 3)


def test_values_fill_blank_cells_and_are_checked_like_the_file(tmp_path: Path) -> None:
    path = tmp_path / "term1.csv"
    path.write_text(
        "User,Course,Enrolled,Offering,Score\n"
        "L1,C1,2019-09-03,2019-spring,80\n"
        "L2,C1,,,\n"
        "L3,,2019-09-05, NA ,-\n"
    )
    tables, report = load(
        "csv",
        path,
        columns=MAPPING | {"Offering": "offering"},
        values={"course_id": "C1", "enrolled_on": "2019-09-01", "offering": "2019-autumn"},
    )
    loaded = tables["enrollments"]
    assert loaded["course_id"].tolist() == ["C1", "C1", "C1"]
    assert [str(d.date()) for d in loaded["enrolled_on"]] == [
        "2019-09-03",
        "2019-09-01",
        "2019-09-05",
    ]
    # 'NA' is a name (only an empty cell is a missing name); '-' is a missing score
    assert loaded["offering"].tolist() == ["2019-spring", "2019-autumn", "NA"]
    assert report.rows_rejected == 0
    # A default goes through normalise's checks as a cell of the file would.
    path.write_text("User,Course,Enrolled,Score\nL1,C1,2019-09-03,80\nL2,,2019-09-03,\n")
    for values, reason in (
        ({"course_id": "C1", "score": "150"}, "score out of range 0-100"),
        ({"course_id": "C9"}, "unknown course 'C9' (not in config/courses.yaml)"),
        ({"course_id": "C1", "score": "high"}, "score is not a number"),
    ):
        tables, report = load("csv", path, columns=MAPPING, values=values)
        assert tables["enrollments"]["learner_id"].tolist() == ["L1"]
        assert {r: d.lines for r, d in report.reasons.items()} == {reason: [3]}


def test_values_make_a_required_column_no_longer_missing(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("User\nL1\n")
    with pytest.raises(ProblemsFound, match=r"missing required column\(s\) enrolled_on for"):
        load("csv", path, columns=MAPPING, values={"course_id": "C1"})
    tables, _ = load(
        "csv", path, columns=MAPPING, values={"course_id": "C1", "enrolled_on": "2025-01-10"}
    )
    assert len(tables["enrollments"]) == 1


def test_a_yaml_date_in_values_is_written_in_the_date_format(tmp_path: Path) -> None:
    import datetime

    path = tmp_path / "dmy.csv"
    path.write_text("User,Enrolled\nL1,03/09/2019\nL2,\n")
    tables, report = load(
        "csv",
        path,
        columns=MAPPING,
        date_format="%d/%m/%Y",
        values={"course_id": "C1", "enrolled_on": datetime.date(2019, 9, 1)},
    )
    assert [str(d.date()) for d in tables["enrollments"]["enrolled_on"]] == [
        "2019-09-03",
        "2019-09-01",
    ]
    assert report.rows_rejected == 0


def test_values_in_a_spreadsheet_and_in_typed_parquet_columns(tmp_path: Path) -> None:
    import datetime

    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    values = {"course_id": "C1", "enrolled_on": "2019-09-01", "score": "50"}
    sheet = tmp_path / "term1.xlsx"
    pd.DataFrame(
        {"User": ["L1", "L2"], "Enrolled": ["2019-09-03", ""], "Score": ["", "75"]}
    ).to_excel(sheet, index=False)
    parquet = tmp_path / "term1.parquet"
    pq.write_table(
        pa.table(
            {
                "User": ["L1", "L2"],
                "Enrolled": [datetime.date(2019, 9, 3), None],
                "Score": [None, 75.0],
            }
        ),
        parquet,
    )
    for path in (sheet, parquet):
        tables, report = load("csv", path, columns=MAPPING, values=values)
        loaded = tables["enrollments"]
        assert loaded["course_id"].tolist() == ["C1", "C1"], path.name
        assert [str(d.date()) for d in loaded["enrolled_on"]] == ["2019-09-03", "2019-09-01"]
        assert loaded["score"].tolist() == [50.0, 75.0], path.name
        assert report.rows_rejected == 0


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
