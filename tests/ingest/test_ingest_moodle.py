"""Moodle completion report, grade export and logs report (headers from Moodle's own code)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from ingest_helpers import load
from paths import EXPORTS

from generator.domain.errors import ProblemsFound

MOODLE = EXPORTS / "moodle"


def test_completion_report_dates_status_and_no_names() -> None:
    tables, report = load("moodle-completion", MOODLE / "completion-safety.csv", course_id="C1")
    rows = tables["enrollments"].set_index("learner_id")
    assert rows.loc["126", "status"] == "completed"
    assert str(rows.loc["126", "completed_on"].date()) == "2021-10-09"
    assert str(rows.loc["126", "enrolled_on"].date()) == "2021-10-07"  # earliest date in the row
    assert rows.loc["130", "status"] == "in_progress"
    assert report.reasons[
        "no enrolment date: the completion report has none and the learner "
        "completed nothing; set options.enrolled_on"
    ].lines == [4]
    assert any("Course complete" in reason for reason in report.reasons)  # 31/02/21
    flat = tables["enrollments"].astype(str).to_string()
    assert "Ada" not in flat and "@" not in flat


def test_completion_report_with_course_start_keeps_everyone() -> None:
    tables, _ = load(
        "moodle-completion",
        MOODLE / "completion-safety.csv",
        course_id="C1",
        options={"enrolled_on": "2021-10-01"},
    )
    assert set(tables["enrollments"]["learner_id"]) == {"126", "130", "131"}
    assert tables["enrollments"].set_index("learner_id").loc["131", "status"] == "enrolled"


def test_completion_report_needs_a_course_id() -> None:
    with pytest.raises(ProblemsFound, match=r"set 'course_id:'"):
        load("moodle-completion", MOODLE / "completion-safety.csv")


def test_grade_export_course_total_real_scaled_and_dash_missing() -> None:
    tables, report = load(
        "moodle-grades",
        MOODLE / "grades-safety.csv",
        course_id="C1",
        options={"enrolled_on": "2021-10-01", "total_max": 110},
    )
    rows = tables["enrollments"].set_index("learner_id")
    assert rows.loc["S-126", "score"] == pytest.approx(94.5 / 110 * 100)
    assert rows.loc["S-131", "status"] == "enrolled"
    assert rows["score"].isna().loc["S-131"]  # "-" is no grade
    assert sorted(tables["assessments"]["assessment"]) == [
        "Assignment: Essay 1",
        "Quiz: Week 1 quiz",
        "Quiz: Week 1 quiz",
    ]
    assert report.rows_rejected == 0


def test_grade_export_semicolon_bom_decimal_comma_old_header() -> None:
    tables, _ = load(
        "moodle-grades",
        MOODLE / "grades-semicolon-bom.csv",
        course_id="C1",
        options={"enrolled_on": "2021-10-01", "pass_mark": 80},
    )
    rows = tables["enrollments"].set_index("learner_id")
    assert rows.loc["S-126", "score"] == 85.5 and rows.loc["S-126", "status"] == "completed"
    assert list(tables["assessments"]["score"]) == [85.5]


def test_grade_export_without_course_start_says_how_to_fix() -> None:
    with pytest.raises(ProblemsFound, match=r"options.enrolled_on"):
        load("moodle-grades", MOODLE / "grades-safety.csv", course_id="C1")


def test_grade_export_wrong_id_column_lists_columns() -> None:
    with pytest.raises(ProblemsFound) as caught:
        load(
            "moodle-grades",
            MOODLE / "grades-safety.csv",
            course_id="C1",
            options={"enrolled_on": "2021-10-01", "id_column": "Student ID"},
        )
    message = str(caught.value)
    assert "grades-safety.csv:1:" in message and "columns found: First name" in message


def test_logs_cp1252_user_id_from_description() -> None:
    tables, report = load("moodle-logs", MOODLE / "logs-safety-cp1252.csv", course_id="C1")
    activity = tables["activity"]
    assert list(activity["learner_id"]) == ["126", "130", "130", "131"]
    assert "File: Week 1 notes…" in set(activity["module"])  # decoded as Windows-1252
    assert report.rows_read == 7 and report.rows_rejected == 3
    assert any("system user" in r for r in report.reasons)


def test_logs_without_year_need_the_year_and_roll_back_at_new_year() -> None:
    with pytest.raises(ProblemsFound, match=r"options\.year"):
        load("moodle-logs", MOODLE / "logs-no-year.csv", course_id="C1")
    tables, _ = load(
        "moodle-logs", MOODLE / "logs-no-year.csv", course_id="C1", options={"year": 2022}
    )
    assert [str(d.date()) for d in tables["activity"]["active_on"]] == [
        "2022-01-17",
        "2022-01-02",
        "2021-12-30",
    ]


def test_logs_with_seconds_and_missing_column(tmp_path: Path) -> None:
    good = tmp_path / "seconds.csv"
    good.write_text(
        "Time,User full name,Affected user,Event context,Component,Event name,"
        'Description,Origin,IP address\n"7/10/21, 09:08:15",-,-,Course: X,System,'
        "Course viewed,The user with id '5' viewed the course.,web,1.1.1.1\n"
    )
    tables, _ = load("moodle-logs", good, course_id="C1")
    assert str(tables["activity"]["active_on"][0].date()) == "2021-10-07"
    bad = tmp_path / "nodesc.csv"
    bad.write_text('Time,Event context\n"7/10/21, 09:08",Course: X\n')
    with pytest.raises(ProblemsFound, match=r"missing column.*Description.*columns found: Time"):
        load("moodle-logs", bad, course_id="C1")


# Rows per file as counted in shared/data/moodle-edify/SOURCE.md.
EDIFY_ROWS = {
    "Moodle Module 1 SP18.csv": 4997,
    "Moodle Module 1 SP19.csv": 6406,
    "Moodle Module 1 F19.csv": 7033,
    "Moodle Module 1 SP20.csv": 12201,
    "Moodle Module 1 F20.csv": 11712,
    "Moodle Module 1 SP21.csv": 2311,
    "Moodle Module 2 F17.csv": 4005,
    "Moodle Module 2 SP18.csv": 4398,
    "Moodle Module 3 SP17.csv": 696,
    "Moodle Module 3 F17.csv": 2092,
    "Moodle Module 3 SP18.csv": 724,
    "Moodle Module 5 SP17.csv": 2657,
    "Moodle Module 5 F17.csv": 3050,
    "Moodle Module 5 SP18.csv": 2140,
}


def _raw_log(path: Path) -> pd.DataFrame:
    """A log file read with plain pandas, independently of the adapter."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except UnicodeDecodeError:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")


def _student_role(raw: pd.DataFrame) -> tuple[str, set[str]] | None:
    """The role assigned to most users in a raw log and those users (the students)."""
    assigned = raw.loc[raw["Event name"] == "Role assigned", "Description"].str.extract(
        r"assigned the role with id '(\d+)' to the user with id '(\d+)'"
    )
    if assigned.empty:
        return None
    role = assigned.groupby(0)[1].nunique().idxmax()
    return str(role), set(assigned.loc[assigned[0] == role, 1])


@pytest.mark.shared
def test_all_fourteen_edify_log_files(shared_data: Path) -> None:
    for name, rows in EDIFY_ROWS.items():
        path = shared_data / "moodle-edify" / name
        raw = _raw_log(path)
        students = _student_role(raw)
        options = {"learner_roles": [students[0]]} if students else {}
        tables, report = load("moodle-logs", path, course_id="C1", options=options)
        assert report.rows_read == rows == len(raw), name
        activity = tables["activity"]
        assert activity["learner_id"].str.fullmatch(r"\d+").all(), name
        assert activity["active_on"].notna().all()
        bad_time = report.reasons.get(BAD_TIME)
        # Module 5 SP18 really has three events on "29/02/18", a day 2018 did not have.
        assert (bad_time.count if bad_time else 0) == (3 if name.endswith("5 SP18.csv") else 0)
        if students is None:  # no role events: every user's events are activity
            assert "enrollments" not in tables or tables["enrollments"].empty, name
            assert report.rows_loaded > 0.7 * rows, (name, report.as_dict())
            assert any("no enrolment or role events" in n for n in report.notes), name
            continue
        enrolments = tables["enrollments"]
        # One enrolment per student the log assigns the students' role to, and only them.
        assert set(enrolments["learner_id"]) == students[1], name
        assert set(activity["learner_id"]) <= students[1], name
        unenrolled = raw.loc[raw["Event name"] == "User unenrolled from course", "Description"]
        gone = set(unenrolled.str.extract(r"unenrolled the user with id '(\d+)'")[0])
        withdrawn = set(enrolments.loc[enrolments["status"] == "withdrawn", "learner_id"])
        assert withdrawn <= gone & students[1], name


@pytest.mark.shared
def test_default_learner_role_is_the_student_role(shared_data: Path) -> None:
    """F20 gives its students Moodle's student role (5); F19 a role 13 of its own, which the
    note names so that learner_roles can be set."""
    tables, report = load(
        "moodle-logs", shared_data / "moodle-edify" / "Moodle Module 1 F20.csv", course_id="C1"
    )
    assert len(tables["enrollments"]) == 35
    assert (tables["enrollments"]["status"] == "withdrawn").sum() == 2
    assert str(tables["enrollments"]["enrolled_on"].min().date()) == "2020-10-17"
    tables, report = load(
        "moodle-logs", shared_data / "moodle-edify" / "Moodle Module 1 F19.csv", course_id="C1"
    )
    assert tables["enrollments"].empty and tables["activity"].empty
    assert any("role 13 to 30 user(s)" in note for note in report.notes), report.notes


BAD_TIME = "unparseable Time (expected e.g. '7/10/21, 09:08'; set date_format for this source)"


# --- logs report: enrolments from its events ----------------------------------------------------


def test_logs_give_enrolments_of_students_only() -> None:
    tables, report = load("moodle-logs", MOODLE / "logs-enrolments.csv", course_id="C1")
    rows = tables["enrollments"].set_index("learner_id")
    assert sorted(rows.index) == ["126", "130", "131"]  # the teacher (3) holds role 3
    assert rows.loc["126", "status"] == "completed"
    assert str(rows.loc["126", "enrolled_on"].date()) == "2021-09-30"
    assert str(rows.loc["126", "completed_on"].date()) == "2021-11-20"
    assert rows.loc["131", "status"] == "withdrawn"
    assert str(rows.loc["131", "withdrawn_on"].date()) == "2021-11-15"
    assert rows.loc["130", "status"] == "in_progress"  # viewed the course, nothing more
    assert set(rows["offering"]) == {"Safety basics (Autumn 2021)"}  # the course's full name
    activity = tables["activity"]
    assert set(activity["learner_id"]) == {"126", "130", "131"}
    assert report.reasons[
        "enrolment or role event of a user with no learner role (learner_roles: 5)"
    ].lines == [11, 12]
    teacher = "event by a user who is not a learner in this log"
    assert [r.lines for k, r in report.reasons.items() if k.startswith(teacher)] == [[4, 10]]
    # 9 enrolment events of the three students: 3 enrolments, 6 merged into them
    assert report.tables == {"enrollments": 3, "activity": 4} and report.rows_merged == 6
    assert any(
        "roles assigned in this log: role 5 to 3 user(s), role 3 to 1" in n for n in report.notes
    )


def test_logs_learner_roles_any_and_a_bad_value() -> None:
    tables, _ = load(
        "moodle-logs",
        MOODLE / "logs-enrolments.csv",
        course_id="C1",
        options={"learner_roles": "any", "offering": "2021-autumn"},
    )
    assert sorted(tables["enrollments"]["learner_id"]) == ["126", "130", "131", "3"]
    assert set(tables["enrollments"]["offering"]) == {"2021-autumn"}
    with pytest.raises(
        ProblemsFound, match=r"options.learner_roles is 'students'; give Moodle role ids"
    ):
        load(
            "moodle-logs",
            MOODLE / "logs-enrolments.csv",
            course_id="C1",
            options={"learner_roles": "students"},
        )


def test_logs_without_enrolment_events_keep_all_activity_and_say_so() -> None:
    tables, report = load("moodle-logs", MOODLE / "logs-safety-cp1252.csv", course_id="C1")
    assert "enrollments" not in tables
    assert len(tables["activity"]) == 4
    assert any("no enrolment or role events in this log" in n for n in report.notes)
