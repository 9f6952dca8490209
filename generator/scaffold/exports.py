"""The sample LMS export of each kind ``init --lms`` offers, written in that LMS's own format
(headers as the LMS writes them, as the adapters in generator/ingest/adapters/ read them),
and the ``sources:`` block of project.yaml that reads it, commented."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from generator.domain.periods import FiscalCalendar
from generator.scaffold.sample import (
    COURSES,
    Enrolment,
    SampleCourse,
    course_start,
    sample_enrolments,
)

LMS_BASE = "https://lms.example.org"
"""The sample xAPI activity IRIs' base: stands for the organisation's LMS."""


@dataclass(frozen=True)
class SampleExport:
    files: dict[str, str]
    """Path in the project -> text."""
    sources: str
    """The ``sources:`` block of project.yaml, with its comments."""
    completion: bool
    """The export says who completed (a gradebook does not)."""
    scores: bool
    """The export has final scores (a completion report does not)."""


def _csv(rows: Sequence[Sequence[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _by_course(rows: list[Enrolment], course: SampleCourse) -> list[Enrolment]:
    return [row for row in rows if row.course == course]


def _name(row: Enrolment) -> tuple[str, str]:
    """A made-up first and last name: real exports carry names, which ingest never reads."""
    first = ("Ada", "Ben", "Cy", "Di", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo", "Kai")
    last = ("Adams", "Berg", "Cole", "Dane", "Eck", "Falk", "Gray", "Holt", "Ibsen", "Juul", "Kim")
    return first[row.learner % len(first)], last[row.learner % len(last)]


def _email(row: Enrolment) -> str:
    first, last = _name(row)
    return f"{first}.{last}@example.org".lower()


def _sources(comment: str, blocks: list[str]) -> str:
    """project.yaml's sources: the comment that says what to export, then a block per file."""
    return comment + "sources:\n" + "\n".join(blocks) + "\n"


# ---------------------------------------------------------------- csv: any LMS's report


CSV_HEADER = (
    "Employee ID",
    "Course code",
    "Department",
    "Enrolled",
    "Completed",
    "Withdrawn",
    "Status",
    "Final score",
    "Minutes",
)
CSV_STATUS = {
    "completed": "Completed",
    "failed": "Failed",
    "in_progress": "In progress",
    "withdrawn": "Withdrawn",
}


def csv_export(calendar: FiscalCalendar) -> SampleExport:
    rows: list[list[object]] = [list(CSV_HEADER)]
    for row in sample_enrolments(calendar):
        done = row.finished_on.isoformat() if row.finished_on else ""
        rows.append(
            [
                f"E{row.learner}",
                row.course.id,
                row.department,
                row.enrolled_on.isoformat(),
                done if row.status == "completed" else "",
                done if row.status == "withdrawn" else "",
                CSV_STATUS[row.status],
                "" if row.score is None or row.status == "withdrawn" else f"{row.score:g}",
                "" if row.minutes is None else f"{row.minutes:g}",
            ]
        )
    columns = "\n".join(
        f"      {name}: {canonical}"
        for name, canonical in zip(
            CSV_HEADER,
            (
                "learner_id",
                "course_id",
                "department",
                "enrolled_on",
                "completed_on",
                "withdrawn_on",
                "status",
                "score",
                "minutes",
            ),
            strict=True,
        )
    )
    statuses = "\n".join(f"      {text}: {status}" for status, text in CSV_STATUS.items())
    sources = f"""\
# The LMS exports to read. This one is an enrolment report as any LMS can write it (CSV,
# .xlsx, .ods or .parquet): one row per learner and course attempt. Replace the sample with
# your own report and map its column names to the canonical columns below (a column already
# named learner_id, course_id, ... needs no mapping).
sources:
  - path: data/enrolments.csv
    format: csv
    table: enrollments
    # Your report's column -> the canonical column.
    columns:
{columns}
    # Your report's status texts -> enrolled, in_progress, completed, failed, withdrawn.
    status_values:
{statuses}
    # Dates are read as ISO 8601 (2025-04-30); for 30/04/2025 write:
    # date_format: '%d/%m/%Y'
  # More tables from CSV: activity (modules reached: drop-off by module), assessments (pre and
  # post tests: learning gain), surveys (ratings 1-5), roster (the HR roster), kpis.
  # - path: data/activity.csv
  #   format: csv
  #   table: activity
"""
    return SampleExport({"data/enrolments.csv": _csv(rows)}, sources, True, True)


# ---------------------------------------------------------------- Moodle: course completion report


def _moodle_time(day: date, hour: int) -> str:
    """Moodle's strftimedatetimeshort in English: day without a leading zero, '7/10/21, 09:08'."""
    return f"{day.day}/{day:%m/%y}, {hour:02d}:{(day.day * 7) % 60:02d}"


def moodle_export(calendar: FiscalCalendar) -> SampleExport:
    files = {}
    blocks = []
    for course in COURSES:
        header: list[object] = [
            "ID",
            "Name",
            "Email address",
            "Quiz 1",
            "Quiz 1 - Completion date",
            "Assignment 2",
            "Assignment 2 - Completion date",
            "Course complete",
        ]
        rows: list[list[object]] = [header]
        for row in _by_course(sample_enrolments(calendar), course):
            if row.status == "withdrawn":
                continue  # an unenrolled user is not in the completion report
            quiz_day = row.enrolled_on + timedelta(days=2)
            quiz = {
                "completed": ("Completed (achieved pass grade)", _moodle_time(quiz_day, 9)),
                "failed": ("Completed (did not achieve pass grade)", _moodle_time(quiz_day, 10)),
                "in_progress": ("Completed", _moodle_time(quiz_day, 11)),
            }[row.status]
            done = row.status == "completed" and row.finished_on is not None
            finished = _moodle_time(row.finished_on, 16) if done and row.finished_on else ""
            first, last = _name(row)
            rows.append(
                [
                    row.learner,
                    f"{first} {last}",
                    _email(row),
                    *quiz,
                    "Completed" if done else "Not completed",
                    finished,
                    finished,
                ]
            )
        path = f"data/moodle/{course.id}-completion.csv"
        files[path] = _csv(rows)
        blocks.append(
            f"""\
  - path: {path}
    format: moodle-completion
    course_id: {course.id}
    options:
      enrolled_on: {course_start(calendar, course).isoformat()}   # the course start
      # offering: 2025-spring   # the course run, when a course runs more than once"""
        )
    sources = _sources(
        """\
# The LMS exports to read: Moodle's course completion report (Reports > Course completion >
# Download in CSV), one file per course. Replace the samples with your own downloads, one
# entry per course; course_id is the id of the course in config/courses.yaml. Names and
# e-mail addresses in the report are never read: a learner is Moodle's user id.
# Other Moodle exports: format moodle-grades (a grade export: needs options.enrolled_on,
# gives scores) and moodle-logs (the logs report: enrolments, completions and activity by
# module); README.md, "LMS sources", lists their options.
""",
        blocks,
    )
    return SampleExport(files, sources, True, False)


# ---------------------------------------------------------------- Canvas: entire gradebook


def canvas_export(calendar: FiscalCalendar) -> SampleExport:
    files = {}
    blocks = []
    for number, course in enumerate(COURSES):
        quiz, assignment = f"Quiz 1 ({90101 + 10 * number})", f"Essay ({90102 + 10 * number})"
        header: list[object] = [
            "Student",
            "ID",
            "SIS User ID",
            "SIS Login ID",
            "Section",
            quiz,
            assignment,
            "Current Score",
            "Unposted Current Score",
            "Final Score",
            "Unposted Final Score",
        ]
        rows: list[list[object]] = [
            header,
            ["    Points Possible", "", "", "", "", "10.00", "20.00", *["(read only)"] * 4],
        ]
        for row in _by_course(sample_enrolments(calendar), course):
            if row.status == "withdrawn":
                continue  # a dropped student's enrolment is deleted: not in the gradebook
            score = row.score or 0.0
            essay = "" if row.status == "in_progress" else f"{score / 5:.2f}"
            final = score if row.status != "in_progress" else score / 3
            first, last = _name(row)
            rows.append(
                [
                    f"{last}, {first}",
                    5000 + row.learner,
                    f"S{row.learner}",
                    _email(row),
                    "Section A" if row.learner % 2 else "Section B",
                    f"{score / 10:.2f}",
                    essay,
                    f"{score:.2f}",
                    f"{score:.2f}",
                    f"{final:.2f}",
                    f"{final:.2f}",
                ]
            )
        path = f"data/canvas/{course.id}-grades.csv"
        files[path] = _csv(rows)
        blocks.append(
            f"""\
  - path: {path}
    format: canvas-gradebook
    course_id: {course.id}
    options:
      enrolled_on: {course_start(calendar, course).isoformat()}   # the course start: a gradebook has no dates
      # id_column: SIS User ID   # the learner id (default: Canvas's ID)"""
        )
    sources = _sources(
        """\
# The LMS exports to read: Canvas's gradebook (Grades > Export > Export entire gradebook),
# one file per course. Replace the samples with your own exports, one entry per course;
# course_id is the id of the course in config/courses.yaml. The Student and login columns are
# never read. A gradebook says nothing about completion, so the goals of this scaffold are on
# scores; offering (the course run) is the Section column.
""",
        blocks,
    )
    return SampleExport(files, sources, False, True)


# ---------------------------------------------------------------- Open edX: grade report


def openedx_export(calendar: FiscalCalendar) -> SampleExport:
    files = {}
    blocks = []
    for course in COURSES:
        header: list[object] = [
            "Student ID",
            "Email",
            "Username",
            "Grade",
            "Homework 1: Basics",
            "Final Exam",
            "Cohort Name",
            "Enrollment Track",
            "Verification Status",
            "Certificate Eligible",
            "Certificate Delivered",
            "Certificate Type",
            "Enrollment Status",
        ]
        rows: list[list[object]] = [header]
        for row in _by_course(sample_enrolments(calendar), course):
            grade = (row.score or 0.0) / 100 if row.status != "withdrawn" else 0.0
            eligible = row.status == "completed"
            first, last = _name(row)
            rows.append(
                [
                    row.learner,
                    _email(row),
                    f"{first}_{last}".lower(),
                    f"{grade:.2f}",
                    f"{min(1.0, grade + 0.1):.2f}" if grade else "Not Attempted",
                    f"{grade:.2f}" if row.status in ("completed", "failed") else "Not Attempted",
                    "Default Group",
                    "verified" if eligible else "audit",
                    "approved" if eligible else "N/A",
                    "Y" if eligible else "N",
                    "Y" if eligible else "N",
                    "verified" if eligible else "N/A",
                    "unenrolled" if row.status == "withdrawn" else "enrolled",
                ]
            )
        # The report's date (in its file name) dates the completions.
        generated = course_start(calendar, course) + timedelta(days=60)
        path = f"data/openedx/{course.id}_grade_report_{generated.isoformat()}-0900.csv"
        files[path] = _csv(rows)
        blocks.append(
            f"""\
  - path: {path}
    format: openedx-grades
    course_id: {course.id}
    options:
      enrolled_on: {course_start(calendar, course).isoformat()}   # the course start: the report has no dates
      # completed_on: 2025-06-30   # default: the report's date in its file name"""
        )
    sources = _sources(
        """\
# The LMS exports to read: Open edX's grade report (Instructor > Data Download > Generate
# Grade Report), one file per course; keep the file name Open edX gives it, whose date dates
# the completions. Replace the samples with your own reports, one entry per course; course_id
# is the id of the course in config/courses.yaml. Email and Username are never read: a learner
# is the Student ID. Certificate Eligible Y counts as completed.
""",
        blocks,
    )
    return SampleExport(files, sources, True, True)


# ---------------------------------------------------------------- xAPI: statements from an LRS


def _statement(
    number: int,
    row: Enrolment,
    verb: str,
    at: datetime,
    result: dict[str, object] | None = None,
) -> dict[str, object]:
    course_iri = f"{LMS_BASE}/courses/{row.course.id}"
    statement: dict[str, object] = {
        "id": f"00000000-0000-4000-8000-{number:012d}",
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": LMS_BASE, "name": f"u-{row.learner}"},
        },
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
        "object": {"objectType": "Activity", "id": f"{course_iri}/au/1"},
        "context": {
            "registration": f"{row.learner:08d}-0000-4000-8000-{COURSES.index(row.course):012d}",
            "contextActivities": {"parent": [{"id": course_iri}]},
        },
        "timestamp": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if result:
        statement["result"] = result
    return statement


def _attempt(row: Enrolment) -> list[tuple[str, datetime, dict[str, object] | None]]:
    """(verb, time, result) of one learner's attempt at a course."""
    start = datetime.combine(row.enrolled_on, time(9, 0))
    steps: list[tuple[str, datetime, dict[str, object] | None]] = [("launched", start, None)]
    end = datetime.combine(row.finished_on or row.enrolled_on, time(15, 30))
    scored = {"score": {"scaled": round((row.score or 0) / 100, 2)}}
    if row.status == "completed":
        steps.append(("passed", end, {**scored, "success": True, "completion": True}))
    elif row.status == "failed":
        steps.append(("failed", end, {**scored, "success": False}))
    elif row.status == "withdrawn":
        steps.append(("abandoned", end, None))
    minutes = int(row.minutes or 0)
    steps.append(("terminated", end + timedelta(minutes=1), {"duration": f"PT{minutes}M"}))
    return steps


def xapi_export(calendar: FiscalCalendar) -> SampleExport:
    lines = []
    number = 0
    for row in sample_enrolments(calendar):
        for verb, at, result in _attempt(row):
            number += 1
            lines.append(json.dumps(_statement(number, row, verb, at, result), sort_keys=True))
    course_map = "\n".join(
        f"        {LMS_BASE}/courses/{course.id}: {course.id}" for course in COURSES
    )
    sources = f"""\
# The LMS exports to read: xAPI statements (cmi5 too) from your LRS, as JSON lines (one
# statement a line), a JSON array or a folder of such files. Replace the sample with your
# own statements. One enrolment per learner, course and registration (the attempt); a
# learner is actor.account.name (e-mail actors are hashed, never kept).
sources:
  - path: data/xapi/statements.jsonl
    format: xapi
    options:
      # The course's activity IRI (or an IRI prefix ending in /) -> its id in
      # config/courses.yaml. Statements naming no mapped IRI are reported as unknown courses.
      course_map:
{course_map}
"""
    return SampleExport(
        {"data/xapi/statements.jsonl": "\n".join(lines) + "\n"}, sources, True, True
    )


EXPORTS: dict[str, Callable[[FiscalCalendar], SampleExport]] = {
    "moodle": moodle_export,
    "canvas": canvas_export,
    "openedx": openedx_export,
    "xapi": xapi_export,
    "csv": csv_export,
}
"""``init --lms`` kind -> the sample export written for it."""
