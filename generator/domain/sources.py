"""The ``options:`` each adapter reads, with a one-line description and the shape of its value.

config/checks.py checks every source's ``options:`` against ``ADAPTER_OPTIONS`` (an unknown key is a
located problem with a did-you-mean; a value of the wrong shape says what to write), so an
option an adapter starts to read must be declared here. README.md's "LMS sources" lists them.
It imports nothing of the project itself: config (below ingest) checks sources with it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Option:
    """One option of an adapter: what it means and what its value must look like."""

    description: str
    kind: str  # a key of EXPECTED: date, number, year, mapping, text, flag, activity, roles


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))  # .inf and .nan are no option values
    except (TypeError, ValueError):
        return False


def _is_year(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    try:
        return 1900 <= int(str(value)) <= 2999
    except ValueError:
        return False


def _is_date(value: Any) -> bool:
    if isinstance(value, date):
        return True
    import pandas as pd  # the same parse as ingest.exports.option_date

    return isinstance(value, str) and not pd.isna(
        pd.to_datetime(value, format="ISO8601", errors="coerce")
    )


def _is_role_ids(values: list[Any]) -> bool:
    return bool(values) and all(
        not isinstance(v, bool) and str(v).strip().isdigit() for v in values
    )


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


# kind -> (test of a value, what to write instead)
EXPECTED: dict[str, tuple[Callable[[Any], bool], str]] = {
    "date": (_is_date, "write a date as YYYY-MM-DD"),
    "number": (_is_number, "write a number"),
    "year": (_is_year, "write a year such as 2022"),
    "mapping": (
        lambda v: isinstance(v, dict) and all(_is_scalar(x) for x in v.values()),
        "write a mapping of names to course ids, one 'name: course-id' a line",
    ),
    "text": (_is_scalar, "write one text value"),
    "flag": (lambda v: isinstance(v, bool), "write true or false"),
    "activity": (
        lambda v: v in (True, False, "week", "site"),
        "write week (or true), site or false",
    ),
    "roles": (
        lambda v: v == "any" or _is_role_ids(v if isinstance(v, list) else [v]),
        "write a list of Moodle role ids, such as [5], or any (the log names roles by id)",
    ),
}

PSEUDONYMISE = Option(
    "false: keep learner ids as they are (e-mail ids are hashed all the same); default true: "
    "pseudonymised when ACCOUNTABILITY_PSEUDONYM_KEY is set",
    "flag",
)
COURSE_START = "the course start, YYYY-MM-DD: every learner's enrolled_on (required)"
OFFERING = Option("the course run (semester, cohort) the export is of, for every row", "text")

ADAPTER_OPTIONS: dict[str, dict[str, Option]] = {
    "csv": {"pseudonymise": PSEUDONYMISE},
    "moodle-completion": {
        "enrolled_on": Option(
            "the course start, YYYY-MM-DD; default: the earliest date in the learner's row",
            "date",
        ),
        "offering": OFFERING,
        "pseudonymise": PSEUDONYMISE,
    },
    "moodle-grades": {
        "enrolled_on": Option(COURSE_START, "date"),
        "id_column": Option("the column holding the learner id; default 'ID number'", "text"),
        "total_max": Option("points of the course total; default 100", "number"),
        "pass_mark": Option(
            "score (0-100) at or above which a graded learner completed, below which failed; "
            "without it a graded learner is in progress",
            "number",
        ),
        "offering": OFFERING,
        "pseudonymise": PSEUDONYMISE,
    },
    "moodle-logs": {
        "year": Option("the year of the newest (first) row, for Times without a year", "year"),
        "course_map": Option(
            "Moodle course name (a site-level download's Course column) -> course id", "mapping"
        ),
        "offering": Option("the offering of every row; default: the course's full name", "text"),
        "learner_roles": Option(
            "Moodle role ids whose holders are learners (the log's 'Role assigned' events "
            "name them), or any; default [5], the student role",
            "roles",
        ),
        "pseudonymise": PSEUDONYMISE,
    },
    "canvas-gradebook": {
        "enrolled_on": Option(COURSE_START, "date"),
        "id_column": Option("the column holding the learner id; default 'ID'", "text"),
        "score_column": Option("the score column; default Final Score, else Current Score", "text"),
        "offering": Option("the course run of every row; default: the Section column", "text"),
        "pseudonymise": PSEUDONYMISE,
    },
    "openedx-grades": {
        "enrolled_on": Option(COURSE_START, "date"),
        "completed_on": Option(
            "completion date of certificate-eligible learners; default: the report's date "
            "in its file name",
            "date",
        ),
        "offering": OFFERING,
        "pseudonymise": PSEUDONYMISE,
    },
    "xapi": {
        "course_map": Option(
            "activity IRI, or an IRI prefix ending in '/', -> course id", "mapping"
        ),
        "pseudonymise": PSEUDONYMISE,
    },
    "oulad": {
        "activity": Option(
            "studentVle as activity: week (or true) per learner and week, site per VLE site; "
            "default false: none",
            "activity",
        ),
        "pseudonymise": PSEUDONYMISE,
    },
}


# Formats whose exports may leave the course unnamed: the source's ``course_id:`` names it.
# Every source format, named in project.yaml's sources[].format (ingest.ADAPTERS reads each).
FORMATS = tuple(ADAPTER_OPTIONS)


def is_glob(path: str) -> bool:
    """Whether a source's path is a glob (data/*.csv) rather than one file or folder."""
    return any(ch in path for ch in "*?[")


ONE_COURSE_FORMATS = frozenset(ADAPTER_OPTIONS) - {"oulad"}
# Formats whose path names a folder: OULAD's always, xAPI's a folder of statement files or one
# file. Every other format reads one file (a glob for several).
FOLDER_FORMATS = frozenset({"oulad", "xapi"})
FILE_FORMATS = frozenset(ADAPTER_OPTIONS) - {"oulad"}


def option_problem(fmt: str, name: str, value: Any) -> str | None:
    """What is wrong with the value of a declared option (None: nothing)."""
    test, expected = EXPECTED[ADAPTER_OPTIONS[fmt][name].kind]
    return None if test(value) else f"options.{name} is {value!r}; {expected}"
