"""The Moodle logs report (a course's or the site's log download): enrolments derived from the
enrolment, role and completion events, and every other event of a learner as activity.
generator/ingest/adapters/moodle.py's RULES states how it is read and the options it takes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from generator.config import Source
from generator.ingest.adapters.moodle_common import moodle_dates, read_export
from generator.ingest.canonical import LINE
from generator.ingest.exports import (
    Accounting,
    blank,
    course_id_of,
    fail,
    find_column,
    parse_datetimes,
    require_columns,
)

NO_YEAR_FORMATS = ("%d %b, %H:%M", "%d %b, %H:%M:%S")  # strftimerecent of old Moodle versions
LOG_COLUMNS = ["Time", "Event context", "Description"]
# "The user with id '126' viewed …" (most events) or "User with id 215 viewed …" (mod_attendance).
USER_IN_DESCRIPTION = re.compile(r"[Uu]ser with id '?(-?\d+)'?")
# Moodle writes event descriptions in English whatever the site's language (get_description()).
# Each names the user the event is about; an enrolment or role event is done by someone else.
ENROLMENT_EVENTS = {
    "enrolled": r"(?<!un)enrolled the user with id '(?P<user>\d+)'",
    "unenrolled": r"unenrolled the user with id '(?P<user>\d+)'",
    "updated": r"updated the enrolment for the user with id '(?P<user>\d+)'",
    "assigned": r"(?<!un)assigned the role with id '(?P<role>\d+)' to the user with id '(?P<user>\d+)'",
    "unassigned": r"unassigned the role with id '(?P<role>\d+)' from the user with id '(?P<user>\d+)'",
    "completed": r"^The user with id '(?P<user>\d+)' completed the course with id",
}
STUDENT_ROLE = "5"  # the id of Moodle's default "student" role


def read_moodle_logs(source: Source, path: Path, shown: str) -> dict[str, pd.DataFrame]:
    """Logs report download -> enrollments (from the enrolment, role and completion events)
    and activity (every other event of a learner: the module is the event context, such as
    "Quiz: Week 1 quiz", clicks = 1).

    A learner is a user whom the log shows being given a learner role (``learner_roles``,
    default the student role, id 5; ``any``: every user enrolled). Their enrolment is dated by
    their first enrolment or role event, withdrawn by an unenrolment after their last
    enrolment, completed by a course completion event. Other users' events (teachers,
    administrators) are rejected with that reason. A log with no enrolment or role events at all
    (exported for a shorter span than the course) yields activity for every user and no
    enrolments, and says so in the notes.
    """
    frame = read_export(source, path, shown)
    require_columns(frame, shown, "Moodle logs report", LOG_COLUMNS)
    account = Accounting(rows_read=len(frame))
    description = frame[find_column(frame.columns, "Description") or ""].astype("string")
    actor = description.str.extract(USER_IN_DESCRIPTION, expand=False)
    frame = account.drop(
        frame,
        actor.isna(),
        "no user id in Description (an event not "
        "done by a user, such as a plagiarism-plugin inbox view)",
    )
    system = pd.to_numeric(actor[frame.index], errors="coerce") <= 0
    frame = account.drop(
        frame, system, "system user (id -1 or 0: cron, CLI or not logged in), not a learner"
    )
    times = _log_times(frame[find_column(frame.columns, "Time") or ""], source, shown)
    frame = account.drop(
        frame,
        times.isna(),
        "unparseable Time (expected e.g. '7/10/21, 09:08'; set date_format for this source)",
    )
    events = pd.DataFrame(
        {
            "actor": actor[frame.index],
            "course_id": _log_course(frame, source, shown),
            "offering": _log_offering(frame, source),
            "module": frame[find_column(frame.columns, "Event context") or ""],
            "day": times[frame.index].dt.normalize(),
            LINE: frame[LINE],
        },
        index=frame.index,
    )
    events = events.join(_enrolment_event(description[frame.index]))
    about_enrolment = events["event"].notna()
    if not about_enrolment.any():
        account.notes.append(
            "no enrolment or role events in this log (exported for a shorter span than the "
            "course?): every user's events are kept as activity and no enrolments are derived; "
            "export the log from the course's start, or add an enrolment source"
        )
        return {"activity": account.attach(_activity_rows(events))}
    learners = _learners(events, _learner_roles(source, shown))
    account.notes.append(_roles_note(events, source, len(learners)))
    if not (events["event"] == "completed").any():
        account.notes.append(
            "no course completion events in this log (completion tracking off, or not logged): "
            "no enrolment is completed, so completion rates read 0%; add a completion report "
            "source (format: moodle-completion) for completions"
        )
    enrolment_events = events[about_enrolment]
    enrolments = Accounting(rows_read=len(enrolment_events))
    account.rows_read -= len(enrolment_events)
    of_learners = enrolment_events["user"].isin(learners)
    enrolments.reject(
        f"enrolment or role event of a user with no learner role ({_roles_text(source)})",
        enrolment_events.loc[~of_learners, LINE].to_numpy(),
    )
    learner_events = enrolment_events[of_learners]
    rows = _enrolment_rows(learner_events)
    folded = learner_events.loc[~learner_events[LINE].isin(rows[LINE]), LINE].to_numpy()
    enrolments.merge(
        "a later enrolment, role or completion event of the same learner and course run: "
        "folded into their enrolment",
        np.sort(folded),
    )
    others = events[~about_enrolment]
    by_learner = others["actor"].isin(learners)
    account.reject(
        "event by a user who is not a learner in this log (a teacher or administrator, "
        f"or enrolled before the log begins; {_roles_text(source)})",
        others.loc[~by_learner, LINE].to_numpy(),
    )
    activity = _activity_rows(others[by_learner])
    rows["status"] = rows["status"].mask(
        (rows["status"] == "enrolled") & rows["learner_id"].isin(activity["learner_id"]),
        "in_progress",
    )
    return {"enrollments": enrolments.attach(rows), "activity": account.attach(activity)}


def _enrolment_event(description: pd.Series) -> pd.DataFrame:
    """Per event: which enrolment event it is (or NA), the user it is about and the role."""
    result = pd.DataFrame(
        {"event": pd.NA, "user": pd.NA, "role": pd.NA}, index=description.index, dtype="string"
    )
    for name, pattern in ENROLMENT_EVENTS.items():
        found = description.str.extract(pattern)
        hit = found["user"].notna() & result["event"].isna()
        result.loc[hit, "event"] = name
        result.loc[hit, "user"] = found.loc[hit, "user"]
        if "role" in found:
            result.loc[hit, "role"] = found.loc[hit, "role"]
    return result


def _learner_roles(source: Source, shown: str) -> set[str] | None:
    """The role ids that make a user a learner; None: any enrolled user."""
    value = source.options.get("learner_roles", [STUDENT_ROLE])
    if value == "any":
        return None
    values = value if isinstance(value, list) else [value]
    roles = {str(v).strip() for v in values}
    if not roles or not all(r.isdigit() for r in roles):
        raise fail(
            shown,
            0,
            f"options.learner_roles is {value!r}; give Moodle role ids (the log's 'assigned "
            "the role with id' events name them), such as [5], or 'any'",
        )
    return roles


def _roles_text(source: Source) -> str:
    value = source.options.get("learner_roles", [STUDENT_ROLE])
    if value == "any":
        return "learner_roles: any"
    values = value if isinstance(value, list) else [value]
    return "learner_roles: " + ", ".join(str(v) for v in values)


def _roles_note(events: pd.DataFrame, source: Source, learners: int) -> str:
    """Which roles the log assigns to how many users: the way to choose learner_roles."""
    assigned = events[events["event"] == "assigned"]
    users = assigned.groupby("role")["user"].nunique().sort_values(ascending=False, kind="stable")
    given = ", ".join(f"role {role} to {n:,} user(s)" for role, n in users.items()) or "none"
    return (
        f"{learners:,} learner(s) ({_roles_text(source)}); roles assigned in this log: {given}. "
        "Moodle's student role is id 5 on a default site; set options.learner_roles to the "
        "id(s) your site gives learners"
    )


def _learners(events: pd.DataFrame, roles: set[str] | None) -> set[str]:
    """The users given a learner role (or, with ``roles`` None, enrolled) in this log."""
    if roles is None:
        given = events["event"].isin(["enrolled", "assigned"])
    else:
        given = (events["event"] == "assigned") & events["role"].isin(list(roles))
    return set(events.loc[given, "user"].dropna().astype(str))


def _enrolment_rows(events: pd.DataFrame) -> pd.DataFrame:
    """One enrolment per learner, course and offering, from their enrolment events: each row's
    line is the first event's (the rest are merged into it)."""
    columns = [
        "learner_id",
        "course_id",
        "offering",
        "enrolled_on",
        "completed_on",
        "withdrawn_on",
        "status",
        LINE,
    ]
    if events.empty:
        return pd.DataFrame(columns=columns)
    keys = ["user", "course_id", "offering"]
    ordered = events.sort_values(["day", LINE], kind="stable")
    grouped = ordered.groupby(keys, sort=True, dropna=False)
    first = grouped.first()
    starts = ordered[ordered["event"].isin(["enrolled", "assigned"])].groupby(keys, dropna=False)[
        "day"
    ]
    ends = ordered[ordered["event"] == "unenrolled"].groupby(keys, dropna=False)["day"].max()
    done = ordered[ordered["event"] == "completed"].groupby(keys, dropna=False)["day"].min()
    rows = pd.DataFrame(
        {
            "enrolled_on": grouped["day"].min(),
            "last_start": starts.max(),
            "withdrawn_on": ends,
            "completed_on": done,
            LINE: grouped[LINE].min(),
        },
        index=first.index,
    )
    # Unenrolled after the last (re-)enrolment: withdrawn on that day.
    rows["withdrawn_on"] = rows["withdrawn_on"].where(
        rows["last_start"].isna() | (rows["withdrawn_on"] >= rows["last_start"])
    )
    rows["status"] = "enrolled"
    rows.loc[rows["withdrawn_on"].notna(), "status"] = "withdrawn"
    rows.loc[rows["completed_on"].notna(), "status"] = "completed"
    rows = rows.reset_index().rename(columns={"user": "learner_id"})
    return rows[columns].sort_values(LINE, kind="stable").reset_index(drop=True)


def _activity_rows(events: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "learner_id": events["actor"],
            "course_id": events["course_id"],
            "offering": events["offering"],
            "module": events["module"],
            "active_on": events["day"],
            "clicks": 1.0,
            LINE: events[LINE],
        }
    ).reset_index(drop=True)


def _log_offering(frame: pd.DataFrame, source: Source) -> pd.Series | str:
    """options.offering; else the course's full name, as Moodle names a course per run (a
    site-level download's ``Course`` column, or the log's most frequent 'Course: …' context)."""
    if "offering" in source.options:
        return str(source.options["offering"])
    column = find_column(frame.columns, "Course")
    if column is not None:
        return frame[column].astype("string").str.strip()
    context = frame[find_column(frame.columns, "Event context") or ""].astype("string")
    courses = context[context.str.startswith("Course: ", na=False)].str.removeprefix("Course: ")
    return str(courses.mode().iloc[0]).strip() if not courses.empty else pd.NA


def _log_course(frame: pd.DataFrame, source: Source, shown: str) -> pd.Series | str:
    """A course-level download is for source.course_id; a site-level one names the course."""
    column = find_column(frame.columns, "Course")
    if column is None:
        return course_id_of(source, shown, "Moodle logs report")
    mapping = {str(k): str(v) for k, v in source.options.get("course_map", {}).items()}
    return frame[column].map(lambda name: mapping.get(name, name)).astype("string")


def _log_times(values: pd.Series, source: Source, shown: str) -> pd.Series:
    parsed = moodle_dates(values, source)
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
