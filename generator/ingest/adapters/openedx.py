"""Open edX grade report CSV ("Generate Grade Report", grades.py of edx-platform); ``RULES``
states how it is read."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from generator.config import Source
from generator.ingest.canonical import LINE
from generator.ingest.exports import (
    Accounting,
    blank,
    course_id_of,
    find_column,
    locale_numbers,
    option_date,
    require_columns,
    required_option_date,
)
from generator.ingest.textfile import read_delimited

# How the export becomes the canonical tables, as the methodology page states it (ingest
# carries it in its report).
RULES = """Open edX grade report CSV ("Generate Grade Report", grades.py of edx-platform).

Learner id = ``Student ID``; Email and Username are dropped. score = ``Grade`` (0–1) × 100.
status: ``Enrollment Status`` unenrolled -> withdrawn; ``Certificate Eligible`` Y -> completed;
else in progress with a grade above 0, enrolled without. Subsection columns ("Homework 1:
Intro") become assessments ("Not Attempted" gives no row). The report has no dates:
``options.enrolled_on`` (course start) is required; completed_on = ``options.completed_on``
or the report's date in its file name (``<course>_grade_report_2024-05-01-1200.csv``)."""

SUBSECTION = re.compile(r"^(?P<type>.+?) (?P<index>\d+): (?P<name>.+)$")
REPORT_DATE = re.compile(r"_grade_report_(\d{4}-\d{2}-\d{2})")


def read_openedx_grades(source: Source, path: Path, shown: str) -> dict[str, pd.DataFrame]:
    frame = read_delimited(path, shown, encoding=source.encoding, delimiter=source.delimiter)
    require_columns(frame, shown, "Open edX grade report", ["Student ID", "Grade"])
    course = course_id_of(source, shown, "Open edX grade report")
    enrolled_on = required_option_date(
        source, "enrolled_on", shown, "Open edX grade report", "the course start"
    )
    completed_on = option_date(source, "completed_on", shown, "the report date")
    found = REPORT_DATE.search(path.name)
    if completed_on is None and found:
        completed_on = pd.Timestamp(found.group(1))
    score = locale_numbers(frame[find_column(frame.columns, "Grade") or "Grade"]) * 100
    status = pd.Series("enrolled", index=frame.index, dtype="string").mask(score > 0, "in_progress")
    eligible = find_column(frame.columns, "Certificate Eligible")
    if eligible:
        status = status.mask(frame[eligible].astype("string").str.strip().eq("Y"), "completed")
    enrolment = find_column(frame.columns, "Enrollment Status")
    if enrolment:
        left = frame[enrolment].astype("string").str.strip().eq("unenrolled")
        status = status.mask(left.fillna(False), "withdrawn")
    learners = frame[find_column(frame.columns, "Student ID") or "Student ID"]
    enrollments = pd.DataFrame(
        {
            "learner_id": learners,
            "course_id": course,
            "offering": source.options.get("offering", pd.NA),
            "enrolled_on": enrolled_on.normalize(),
            "completed_on": completed_on if completed_on is not None else pd.NaT,
            "status": status,
            "score": score,
            LINE: frame[LINE],
        }
    )
    enrollments["completed_on"] = enrollments["completed_on"].where(status == "completed")
    return {
        "enrollments": Accounting(rows_read=len(frame)).attach(enrollments),
        "assessments": _subsections(frame, learners, course),
    }


def _subsections(frame: pd.DataFrame, learners: pd.Series, course: str) -> pd.DataFrame:
    parts = []
    for column in frame.columns:
        match = SUBSECTION.match(str(column))
        if not match:
            continue
        cells = frame[column].astype("string").str.strip()
        graded = ~blank(cells) & ~cells.eq("Not Attempted")
        parts.append(
            pd.DataFrame(
                {
                    "learner_id": learners[graded],
                    "course_id": course,
                    "assessment": str(column),
                    "kind": match.group("type"),
                    "score": locale_numbers(cells[graded]) * 100,
                    LINE: frame.loc[graded, LINE],
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=["learner_id", "course_id", "assessment", "score", LINE])
    return pd.concat(parts, ignore_index=True)
