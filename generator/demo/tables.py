"""The four CSV exports as pyarrow tables: enrolments, module activity, tests and surveys.

Rows arrive as integer codes (``enrolments.Chunk``); ``TextTables`` holds the strings the codes
index into, so a column is one vectorised ``take``. The enrolment export also gets the planted
dirty rows of story 9.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from generator.demo.catalogue import ASSESSED, DEPARTMENT_NAMES, SURVEYED
from generator.demo.enrolments import COMPLETED, FAILED, MAX_MINUTES, STATUS_TEXT, Chunk
from generator.demo.plan import CourseTables
from generator.demo.quarters import FIRST_DAY, QUARTERS, REPORT_DATE, REPORT_DAY
from generator.demo.stories import BAD_DATE, BAD_SCORE, DUPLICATE_ROWS, UNKNOWN_COURSE_CODES

DATA_FILES = {
    "enrollments": "demo-enrollments.csv",
    "activity": "demo-activity.csv",
    "assessments": "demo-assessments.csv",
    "surveys": "demo-surveys.csv",
}
# The HR roster and the business KPIs (stories 10-12), written after the exports.
WORKFORCE_FILES = {"roster": "roster.csv", "kpis": "kpis.csv"}
# The enrolment export's own column names and status texts, and what they mean (project.yaml).
EXPORT_COLUMNS = {
    "User ID": "learner_id",
    "Course code": "course_id",
    "Cohort": "offering",
    "Department": "department",
    "Enrolled": "enrolled_on",
    "Completed": "completed_on",
    "Withdrawn": "withdrawn_on",
    "Status": "status",
    "Final score": "score",
    "Minutes": "minutes",
}
STATUS_VALUES = {
    "Completed": "completed",
    "In progress": "in_progress",
    "Not started": "enrolled",
    "Failed": "failed",
    "Withdrawn": "withdrawn",
}
WRITE_OPTIONS = pacsv.WriteOptions(include_header=True, quoting_style="none")
DIRTY_ROW_COUNT = len(UNKNOWN_COURSE_CODES) + 2 + DUPLICATE_ROWS
SURVEY_RESPONSE_RATE = 0.55


@dataclass
class TextTables:
    """String dictionaries that integer codes index into (fast, vectorised CSV output)."""

    learners: pa.Array
    courses: pa.Array
    quarters: pa.Array
    departments: pa.Array
    days: pa.Array
    statuses: pa.Array
    numbers: pa.Array

    @classmethod
    def build(cls, learners: int, course_ids: list[str]) -> TextTables:
        width = max(5, len(str(learners)))
        learner_ids = np.char.add("L", np.char.zfill(np.arange(1, learners + 1).astype(str), width))
        days = np.arange(np.datetime64(FIRST_DAY), np.datetime64(REPORT_DATE) + 200)
        return cls(
            learners=pa.array(learner_ids.tolist(), pa.string()),
            courses=pa.array(course_ids, pa.string()),
            quarters=pa.array([q.label for q in QUARTERS], pa.string()),
            departments=pa.array(DEPARTMENT_NAMES, pa.string()),
            days=pa.array(np.datetime_as_string(days, unit="D").tolist(), pa.string()),
            statuses=pa.array(STATUS_TEXT, pa.string()),
            numbers=pa.array([str(i) for i in range(MAX_MINUTES + 1)], pa.string()),
        )


def take(dictionary: pa.Array, codes: np.ndarray) -> pa.Array:
    """``dictionary[codes]`` as a string array; code -1 becomes an empty cell."""
    missing = codes < 0
    indices = pa.array(
        np.where(missing, 0, codes), type=pa.int64(), mask=missing if missing.any() else None
    )
    return dictionary.take(indices)


def enrollment_table(chunk: Chunk, text: TextTables) -> pa.Table:
    columns = [
        take(text.learners, chunk.learner),
        take(text.courses, chunk.course),
        take(text.quarters, chunk.quarter),
        take(text.departments, chunk.department),
        take(text.days, chunk.enrolled),
        take(text.days, chunk.completed),
        take(text.days, chunk.withdrawn),
        take(text.statuses, chunk.status),
        take(text.numbers, chunk.score),
        take(text.numbers, chunk.minutes),
    ]
    return pa.table(columns, names=list(EXPORT_COLUMNS))


def _dirty_rows(table: pa.Table, rng: np.random.Generator) -> tuple[pa.Table, np.ndarray]:
    """Realistic export faults, each a copy of a real row with one fault (story 9)."""
    n = table.num_rows
    picks = rng.choice(n, size=DIRTY_ROW_COUNT, replace=False)
    rows = table.take(pa.array(picks)).to_pylist()
    for row, code in zip(rows, UNKNOWN_COURSE_CODES, strict=False):
        row["Course code"] = code
    k = len(UNKNOWN_COURSE_CODES)
    rows[k]["Enrolled"] = BAD_DATE
    scored = table.column("Final score").is_valid()
    has_score = np.flatnonzero(scored.to_numpy(zero_copy_only=False))
    if len(has_score):
        picks[k + 1] = has_score[rng.integers(len(has_score))]
        rows[k + 1] = table.slice(int(picks[k + 1]), 1).to_pylist()[0]
    rows[k + 1]["Final score"] = BAD_SCORE
    # Each faulty row goes right after the row it copies, as an LMS re-export would put it.
    return pa.Table.from_pylist(rows, schema=table.schema), picks


def with_dirty_rows(table: pa.Table, rng: np.random.Generator) -> pa.Table:
    """``table`` with the dirty rows of story 9, each right after the row it was copied from."""
    dirty, after = _dirty_rows(table, rng)
    combined = pa.concat_tables([table, dirty])
    position = np.r_[np.arange(table.num_rows, dtype=float), after + 0.5]
    return combined.take(pa.array(np.argsort(position, kind="stable")))


def activity_table(chunk: Chunk, tables: CourseTables, text: TextTables, limit: int) -> pa.Table:
    """One row per module each learner reached (catalogue courses only)."""
    rows = np.flatnonzero((chunk.course < limit) & (chunk.reached > 0))
    counts = chunk.reached[rows]
    row = np.repeat(rows, counts)
    order = np.arange(len(row)) - np.repeat(np.cumsum(counts) - counts, counts) + 1
    module_titles = sorted({m for c in range(limit) for m in tables.modules[c]})
    title_index = {m: i for i, m in enumerate(module_titles)}
    width = max(len(m) for m in tables.modules[:limit])
    lookup = np.full((limit, width), -1, dtype=np.int64)
    for c in range(limit):
        lookup[c, : len(tables.modules[c])] = [title_index[m] for m in tables.modules[c]]
    course = chunk.course[row]
    return pa.table(
        {
            "learner_id": take(text.learners, chunk.learner[row]),
            "course_id": take(text.courses, course),
            "offering": take(text.quarters, chunk.quarter[row]),
            "module": take(pa.array(module_titles, pa.string()), lookup[course, order - 1]),
            "module_order": take(text.numbers, order),
        }
    )


def assessment_table(
    chunk: Chunk, tables: CourseTables, text: TextTables, rng: np.random.Generator
) -> pa.Table:
    """Pre-tests when learners start, post-tests when they finish (learning gain)."""
    index = {cid: i for i, cid in enumerate(tables.ids)}
    assessed = {index[c]: v for c, v in ASSESSED.items() if c in index}
    pre_mean = np.full(len(tables.ids), np.nan)
    gain = np.zeros(len(tables.ids))
    for c, (mean, g) in assessed.items():
        pre_mean[c], gain[c] = mean, g
    rows = np.flatnonzero(~np.isnan(pre_mean[chunk.course]) & (chunk.reached > 0))
    course = chunk.course[rows]
    pre = np.clip(rng.normal(pre_mean[course], 12), 0, 100)
    post = np.clip(pre + rng.normal(gain[course], 7), 0, 100)
    finished = np.isin(chunk.status[rows], (COMPLETED, FAILED))
    end = np.where(
        chunk.completed[rows] >= 0,
        chunk.completed[rows],
        np.minimum(chunk.enrolled[rows] + 1 + chunk.minutes[rows] // 60, REPORT_DAY),
    )
    post_rows = rows[finished]
    learner = np.r_[chunk.learner[rows], chunk.learner[post_rows]]
    codes = np.r_[course, chunk.course[post_rows]]
    order = np.lexsort(
        (np.r_[np.zeros(len(rows)), np.ones(len(post_rows))], np.r_[rows, post_rows])
    )
    kind = np.r_[np.zeros(len(rows), dtype=np.int64), np.ones(len(post_rows), dtype=np.int64)]
    taken = np.r_[chunk.enrolled[rows], end[finished]]
    score = np.rint(np.r_[pre, post[finished]]).astype(np.int64)
    quarter = np.r_[chunk.quarter[rows], chunk.quarter[post_rows]]
    return pa.table(
        {
            "learner_id": take(text.learners, learner[order]),
            "course_id": take(text.courses, codes[order]),
            "offering": take(text.quarters, quarter[order]),
            "assessment": take(pa.array(["Pre-test", "Post-test"]), kind[order]),
            "kind": take(pa.array(["pre", "post"]), kind[order]),
            "taken_on": take(text.days, taken[order]),
            "score": take(text.numbers, score[order]),
        }
    )


def survey_table(
    chunk: Chunk, tables: CourseTables, text: TextTables, rng: np.random.Generator
) -> pa.Table:
    """Anonymous satisfaction ratings (1-5) from about half of the completers."""
    mean = np.full(len(tables.ids), np.nan)
    for cid, rating in SURVEYED.items():
        if cid in tables.ids:
            mean[tables.ids.index(cid)] = rating
    rows = np.flatnonzero(~np.isnan(mean[chunk.course]) & (chunk.status == COMPLETED))
    rows = rows[rng.random(len(rows)) < SURVEY_RESPONSE_RATE]
    rating = np.clip(np.rint(rng.normal(mean[chunk.course[rows]], 0.8)), 1, 5).astype(np.int64)
    return pa.table(
        {
            "course_id": take(text.courses, chunk.course[rows]),
            "offering": take(text.quarters, chunk.quarter[rows]),
            "answered_on": take(text.days, chunk.completed[rows]),
            "rating": take(text.numbers, rating),
        }
    )
