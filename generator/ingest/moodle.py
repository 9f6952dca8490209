"""Moodle exports: course completion report, grade export (plain text) and the logs report.

Headers are those Moodle's own code writes (see shared/data/LMS-FORMATS.md §1). Names and
e-mail columns are never copied: the learner id is Moodle's user id (completion report ``ID``,
logs ``Description``) or the ``ID number`` profile field (grade export).

Options (``options:`` of the source in project.yaml):
- moodle-completion: ``enrolled_on`` (course start; else the earliest date in the learner's row).
- moodle-grades: ``enrolled_on`` (required: a grade export has no dates), ``id_column``
  (default ``ID number``), ``total_max`` (points of the course total, default 100),
  ``pass_mark`` (with it, a graded learner is completed or failed; without it, in progress).
- moodle-logs: ``year`` (for old exports whose Time has no year), ``course_map`` (Moodle course
  name of a site-level download's ``Course`` column -> course id), ``offering``.
"""

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
    fail,
    find_column,
    locale_numbers,
    option_date,
    parse_datetimes,
    require_columns,
    required_option_date,
)
from generator.ingest.textfile import read_delimited

# strftimedatetimeshort and friends, as Moodle writes them in English (day without leading 0).
MOODLE_DATETIMES = (
    "%d/%m/%y, %H:%M",
    "%d/%m/%y, %H:%M:%S",
    "%d/%m/%Y, %H:%M",
    "%d/%m/%Y, %H:%M:%S",
    "%A, %d %B %Y, %I:%M %p",
    "%d %B %Y, %I:%M %p",
    "%d %B %Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
)
NO_YEAR_FORMATS = ("%d %b, %H:%M", "%d %b, %H:%M:%S")  # strftimerecent of old Moodle versions
COMPLETION_SUFFIX = " - Completion date"


def _read(source: Source, path: Path, shown: str) -> pd.DataFrame:
    return read_delimited(path, shown, encoding=source.encoding, delimiter=source.delimiter)


def _dates(values: pd.Series, source: Source) -> pd.Series:
    formats = ((source.date_format,) if source.date_format else ()) + MOODLE_DATETIMES
    return parse_datetimes(values, formats)


# ---------------------------------------------------------------- course completion report


def read_moodle_completion(source: Source, path: Path, shown: str) -> dict[str, pd.DataFrame]:
    """Completion report -> enrollments: ``ID`` is the learner, ``Course complete`` the date."""
    frame = _read(source, path, shown)
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

    completed_on = _dates(frame[done_col], source)
    bad = ~blank(frame[done_col]) & completed_on.isna()
    frame = account.drop(
        frame,
        bad,
        "unparseable 'Course complete' date (expected e.g. "
        "'7/10/21, 09:08'; set date_format for this source)",
    )
    completed_on = completed_on[frame.index]
    activity_dates = pd.concat(
        [_dates(frame[c], source) for c in date_cols] + [completed_on], axis=1
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
    frame = _read(source, path, shown)
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


# ---------------------------------------------------------------- logs report


LOG_COLUMNS = ["Time", "Event context", "Description"]
# "The user with id '126' viewed …" (most events) or "User with id 215 viewed …" (mod_attendance).
USER_IN_DESCRIPTION = re.compile(r"[Uu]ser with id '?(-?\d+)'?")


def read_moodle_logs(source: Source, path: Path, shown: str) -> dict[str, pd.DataFrame]:
    """Logs report download -> activity: one row per event of a user, the module is the
    event context ("Quiz: Week 1 quiz"), clicks = 1."""
    frame = _read(source, path, shown)
    require_columns(frame, shown, "Moodle logs report", LOG_COLUMNS)
    account = Accounting(rows_read=len(frame))
    user = frame[find_column(frame.columns, "Description") or ""].str.extract(
        USER_IN_DESCRIPTION, expand=False
    )
    frame = account.drop(
        frame,
        user.isna(),
        "no user id in Description (an event not "
        "done by a user, such as a plagiarism-plugin inbox view)",
    )
    user = user[frame.index]
    system = pd.to_numeric(user, errors="coerce") <= 0
    frame = account.drop(
        frame, system, "system user (id -1 or 0: cron, CLI or not logged in), not a learner"
    )
    times = _log_times(frame[find_column(frame.columns, "Time") or ""], source, shown)
    frame = account.drop(
        frame,
        times.isna(),
        "unparseable Time (expected e.g. '7/10/21, 09:08'; set date_format for this source)",
    )
    course = _log_course(frame, source, shown)
    raw = pd.DataFrame(
        {
            "learner_id": user[frame.index],
            "course_id": course,
            "offering": source.options.get("offering", pd.NA),
            "module": frame[find_column(frame.columns, "Event context") or ""],
            "active_on": times[frame.index].dt.normalize(),
            "clicks": 1.0,
            LINE: frame[LINE],
        }
    )
    return {"activity": account.attach(raw)}


def _log_course(frame: pd.DataFrame, source: Source, shown: str) -> pd.Series | str:
    """A course-level download is for source.course_id; a site-level one names the course."""
    column = find_column(frame.columns, "Course")
    if column is None:
        return course_id_of(source, shown, "Moodle logs report")
    mapping = {str(k): str(v) for k, v in source.options.get("course_map", {}).items()}
    return frame[column].map(lambda name: mapping.get(name, name)).astype("string")


def _log_times(values: pd.Series, source: Source, shown: str) -> pd.Series:
    parsed = _dates(values, source)
    if parsed.notna().any() or blank(values).all():
        return parsed
    parsed = parse_datetimes(values.str.strip() + " 2000", [f + " %Y" for f in NO_YEAR_FORMATS])
    if parsed.isna().all():
        return parsed
    if "year" not in source.options:
        raise fail(
            shown,
            2,
            "the Time column has no year (an older Moodle, e.g. '17 Oct, "
            "12:46'); set options.year: the year of the newest (first) row",
        )
    return _with_years(parsed, int(source.options["year"]))


def _with_years(parsed: pd.Series, newest_year: int) -> pd.Series:
    """Rows are newest first: each time the month goes *up* going down the file, a year began."""
    month = parsed.dt.month.ffill()
    years_back = (month.diff() > 0).cumsum()
    years = newest_year - years_back
    return pd.Series(
        [_set_year(ts, int(y)) for ts, y in zip(parsed, years, strict=True)],
        index=parsed.index,
        dtype="datetime64[s]",
    )


def _set_year(stamp: pd.Timestamp, year: int) -> pd.Timestamp:
    if pd.isna(stamp):
        return pd.NaT
    try:
        return stamp.replace(year=year)
    except ValueError:  # 29 Feb in a year that has none: not a real time of that year
        return pd.NaT
