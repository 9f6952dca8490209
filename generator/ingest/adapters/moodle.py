"""Moodle exports: course completion report, grade export (plain text) and the logs report;
``RULES`` states how each is read and the options it takes. The logs report is read in
moodle_logs.py; its ``read_moodle_logs`` is imported from here with the other two readers."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from generator.config import Source
from generator.ingest.adapters.moodle_common import moodle_dates, read_export
from generator.ingest.adapters.moodle_logs import read_moodle_logs as read_moodle_logs
from generator.ingest.canonical import LINE
from generator.ingest.exports import (
    Accounting,
    blank,
    course_id_of,
    fail,
    find_column,
    locale_numbers,
    option_date,
    require_columns,
    required_option_date,
)

# How the export becomes the canonical tables, as the methodology page states it (ingest
# carries it in its report).
RULES = """Moodle exports: course completion report, grade export (plain text) and the logs report.

The logs report gives enrolments as well as activity: a learner is a user the log gives a
learner role (``learner_roles``, default the student role, id 5) in a "Role assigned" event;
their enrolment starts at their first enrolment or role event, is withdrawn by an
unenrolment after their last enrolment and completed by a "Course completed" event. Every other
event of a learner is activity (module: the event context); teachers', administrators' and
system users' events are rejected with that reason. A log without any enrolment or role event
keeps every user's events as activity and derives no enrolments (a warning says so).

Headers are those Moodle's own code writes (see shared/data/LMS-FORMATS.md §1). Names and
e-mail columns are never copied: the learner id is Moodle's user id (completion report ``ID``,
logs ``Description``) or the ``ID number`` profile field (grade export).

Options (``options:`` of the source in project.yaml):
- moodle-completion: ``enrolled_on`` (course start; else the earliest date in the learner's row),
  ``offering`` (the course run).
- moodle-grades: ``enrolled_on`` (required: a grade export has no dates), ``offering``, ``id_column``
  (default ``ID number``), ``total_max`` (points of the course total, default 100),
  ``pass_mark`` (with it, a graded learner is completed or failed; without it, in progress).
- moodle-logs: ``year`` (for old exports whose Time has no year), ``course_map`` (Moodle course
  name of a site-level download's ``Course`` column -> course id), ``offering`` (default: the
  course's full name), ``learner_roles`` (role ids whose holders are learners, default [5], the
  student role; or ``any``)."""

COMPLETION_SUFFIX = " - Completion date"


# ---------------------------------------------------------------- course completion report


def read_moodle_completion(source: Source, path: Path, shown: str) -> dict[str, pd.DataFrame]:
    """Completion report -> enrollments: ``ID`` is the learner, ``Course complete`` the date."""
    frame = read_export(source, path, shown)
    require_columns(frame, shown, "Moodle course completion report", ["ID", "Course complete"])
    course = course_id_of(source, shown, "Moodle course completion report")
    account = Accounting(rows_read=len(frame))
    id_col = find_column(frame.columns, "ID")
    done_col = find_column(frame.columns, "Course complete")
    assert id_col and done_col
    date_cols = [c for c in frame.columns if str(c).endswith(COMPLETION_SUFFIX)]
    status_cols = [
        c.removesuffix(COMPLETION_SUFFIX)
        for c in date_cols
        if c.removesuffix(COMPLETION_SUFFIX) in frame.columns
    ]

    completed_on = moodle_dates(frame[done_col], source)
    bad = ~blank(frame[done_col]) & completed_on.isna()
    frame = account.drop(
        frame,
        bad,
        "unparseable 'Course complete' date (expected e.g. "
        "'7/10/21, 09:08'; set date_format for this source)",
    )
    completed_on = completed_on[frame.index]
    activity_dates = pd.concat(
        [moodle_dates(frame[c], source) for c in date_cols] + [completed_on], axis=1
    )
    given_start = option_date(source, "enrolled_on", shown, "the course start")
    enrolled_on = (
        pd.Series(given_start, index=frame.index, dtype="datetime64[s]")
        if given_start is not None
        else activity_dates.min(axis=1)
    )
    frame = account.drop(
        frame,
        enrolled_on.isna(),
        "no enrolment date: the completion report "
        "has none and the learner completed nothing; set options.enrolled_on",
    )
    started = pd.concat(
        [frame[c].astype("string").str.startswith("Completed") for c in status_cols]
        or [pd.Series(False, index=frame.index)],
        axis=1,
    ).any(axis=1)
    status = pd.Series("enrolled", index=frame.index, dtype="string").mask(started, "in_progress")
    status = status.mask(completed_on[frame.index].notna(), "completed")
    raw = pd.DataFrame(
        {
            "learner_id": frame[id_col],
            "course_id": course,
            "offering": source.options.get("offering", pd.NA),
            "enrolled_on": enrolled_on[frame.index].dt.normalize(),
            "completed_on": completed_on[frame.index].dt.normalize(),
            "status": status,
            LINE: frame[LINE],
        }
    )
    return {"enrollments": account.attach(raw)}


# ---------------------------------------------------------------- grade export (plain text)


def _grade_columns(columns: list[str]) -> tuple[str | None, list[str]]:
    """The course total column and the activity grade columns (percentage preferred)."""
    total = find_column(columns, "Course total (Percentage)", "Course total (Real)", "Course total")
    items = [c for c in columns if c.endswith(" (Percentage)") and not c.startswith("Course total")]
    if not items:
        items = [c for c in columns if c.endswith(" (Real)") and not c.startswith("Course total")]
    if not items:  # older Moodle: "Assignment: Essay 1" without a display-type suffix
        items = [c for c in columns if ": " in c and not c.startswith("Feedback:")]
    return total, items


def read_moodle_grades(source: Source, path: Path, shown: str) -> dict[str, pd.DataFrame]:
    """Grade export -> enrollments (course total as score) and assessments (one per item)."""
    frame = read_export(source, path, shown)
    id_name = str(source.options.get("id_column", "ID number"))
    require_columns(
        frame,
        shown,
        "Moodle grade export",
        [id_name],
        "; set options.id_column to the column holding a learner id",
    )
    total, items = _grade_columns([c for c in frame.columns if c != LINE])
    if total is None:
        raise fail(
            shown,
            1,
            "no 'Course total' column in this grade export; export it again "
            "with the course total included (Real or Percentage)",
        )
    course = course_id_of(source, shown, "Moodle grade export")
    enrolled_on = required_option_date(
        source, "enrolled_on", shown, "Moodle grade export", "the course start"
    )
    id_col = find_column(frame.columns, id_name)
    assert id_col
    learners = frame[id_col]
    account = Accounting(rows_read=len(frame))
    score = _percent(frame[total], total, float(source.options.get("total_max", 100)))
    status = pd.Series("enrolled", index=frame.index, dtype="string").mask(
        score.notna(), "in_progress"
    )
    if "pass_mark" in source.options:
        passed = score >= float(source.options["pass_mark"])
        status = status.mask(score.notna() & passed, "completed").mask(
            score.notna() & ~passed, "failed"
        )
    enrollments = pd.DataFrame(
        {
            "learner_id": learners,
            "course_id": course,
            "offering": source.options.get("offering", pd.NA),
            "enrolled_on": enrolled_on.normalize(),
            "status": status,
            "score": score,
            LINE: frame[LINE],
        }
    )
    assessments = _item_rows(frame, learners, course, items)
    return {"enrollments": account.attach(enrollments), "assessments": assessments}


def _percent(values: pd.Series, column: str, points: float) -> pd.Series:
    number = locale_numbers(values)  # '-' (no grade) becomes NaN
    return number if column.endswith("(Percentage)") else number / points * 100


def _item_rows(
    frame: pd.DataFrame, learners: pd.Series, course: str, items: list[str]
) -> pd.DataFrame:
    # Each graded cell is one assessment row; '-' cells are "no grade", not rows of the export.
    parts = []
    for column in items:
        graded = ~blank(frame[column])
        name = re.sub(r" \((Real|Percentage)\)$", "", column)
        parts.append(
            pd.DataFrame(
                {
                    "learner_id": learners[graded],
                    "course_id": course,
                    "assessment": name,
                    "kind": name.split(":", 1)[0] if ":" in name else pd.NA,
                    "score": locale_numbers(frame.loc[graded, column]),
                    LINE: frame.loc[graded, LINE],
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=["learner_id", "course_id", "assessment", "score", LINE])
    return pd.concat(parts, ignore_index=True)
