"""The canonical tables: the contract between ingest and the engine (DESIGN.md).

Every adapter turns its export into these tables; the engine reads only them.
"""

from __future__ import annotations

from generator.domain.catalog import OUTCOMES

STATUSES = ("enrolled", "in_progress", "completed", "failed", "withdrawn")
# The most advanced status wins when duplicates are merged.
STATUS_ORDER = {"enrolled": 0, "in_progress": 1, "withdrawn": 2, "failed": 3, "completed": 4}

LEAVING = ("voluntary", "involuntary")
# Kinds whose cells are one of a few words (lower-cased): kind -> what a rejection calls the
# cell, and the words.
WORDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "outcome": ("outcome", OUTCOMES),
    "leaving": ("leaving reason", LEAVING),
}
# A kpis period: a fiscal quarter or year label as domain.periods writes them. ASCII digits
# only, so that Python's and Spark's (Java's) regular expressions accept the same labels.
PERIOD_PATTERN = r"^([0-9]{4}-Q[1-4]|FY[0-9]{4})$"

TABLE_COLUMNS: dict[str, dict[str, str]] = {
    # column -> kind (id | text | date | status | score | minutes | number | a kind of WORDS)
    "enrollments": {
        "learner_id": "id",
        "course_id": "id",
        "offering": "text",
        "department": "text",
        "enrolled_on": "date",
        "completed_on": "date",
        "withdrawn_on": "date",
        "status": "status",
        "outcome": "outcome",
        "score": "score",
        "minutes": "minutes",
    },
    "assessments": {
        "learner_id": "id",
        "course_id": "id",
        "offering": "text",
        "assessment": "text",
        "kind": "text",
        "taken_on": "date",
        "score": "score",
        "weight": "number",
    },
    "activity": {
        "learner_id": "id",
        "course_id": "id",
        "offering": "text",
        "module": "text",
        "module_order": "number",
        "active_on": "date",
        "minutes": "minutes",
        "clicks": "number",
    },
    "surveys": {
        "learner_id": "id",
        "course_id": "id",
        "offering": "text",
        "answered_on": "date",
        "rating": "number",
    },
    # One row per course run: the dates a source gives for it (OULAD: courses.csv).
    "offerings": {
        "course_id": "id",
        "offering": "text",
        "starts_on": "date",
        "ends_on": "date",
    },
    # HR roster: a dated history per employee, one row per change of department, job role or
    # manager; learner_id is the employee id, pseudonymised as learner ids are, so that
    # employees join to the learners of the LMS sources.
    "roster": {
        "learner_id": "id",
        "effective_on": "date",  # when the row's department, role and manager start to hold
        "department": "text",
        "job_role": "text",
        "manager": "text",  # a person id of roles.yaml, or any text
        "hired_on": "date",
        "left_on": "date",  # empty while employed
        "leaving": "leaving",
    },
    # Business KPI values per department and job role, for a fiscal quarter or year.
    "kpis": {
        "measure": "id",  # a KPI id of the config
        "department": "text",
        "job_role": "text",
        "period": "text",  # 2026-Q1 or FY2026 (PERIOD_PATTERN)
        "value": "number",
    },
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "enrollments": ("learner_id", "course_id", "enrolled_on"),
    "assessments": ("learner_id", "course_id", "score"),
    "activity": ("learner_id", "course_id", "module"),
    "surveys": ("course_id", "rating"),
    "offerings": ("course_id", "offering"),
    "roster": ("learner_id", "department", "hired_on"),
    "kpis": ("measure", "period", "value"),
}
# Keys that identify one row; a second row with the same key is merged into the first.
KEYS: dict[str, tuple[str, ...]] = {
    # a later enrolment in the same course is a new attempt, not a duplicate of the first
    "enrollments": ("learner_id", "course_id", "offering", "enrolled_on"),
    "assessments": ("learner_id", "course_id", "offering", "assessment", "kind"),
    "activity": (),  # activity rows are events: never merged
    "surveys": (),
    "offerings": ("course_id", "offering"),
    # effective_on defaults to hired_on before the key is compared
    "roster": ("learner_id", "effective_on"),
    "kpis": ("measure", "department", "job_role", "period"),
}
