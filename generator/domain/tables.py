"""The canonical tables: the contract between ingest and the engine (DESIGN.md).

Every adapter turns its export into these tables; the engine reads only them.
"""

from __future__ import annotations

STATUSES = ("enrolled", "in_progress", "completed", "failed", "withdrawn")
# The most advanced status wins when duplicates are merged.
STATUS_ORDER = {"enrolled": 0, "in_progress": 1, "withdrawn": 2, "failed": 3, "completed": 4}

TABLE_COLUMNS: dict[str, dict[str, str]] = {
    # column -> kind (id | text | date | status | score | minutes | number)
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
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "enrollments": ("learner_id", "course_id", "enrolled_on"),
    "assessments": ("learner_id", "course_id", "score"),
    "activity": ("learner_id", "course_id", "module"),
    "surveys": ("course_id", "rating"),
    "offerings": ("course_id", "offering"),
}
# Keys that identify one row; a second row with the same key is merged into the first.
KEYS: dict[str, tuple[str, ...]] = {
    # a later enrolment in the same course is a new attempt, not a duplicate of the first
    "enrollments": ("learner_id", "course_id", "offering", "enrolled_on"),
    "assessments": ("learner_id", "course_id", "offering", "assessment", "kind"),
    "activity": (),  # activity rows are events: never merged
    "surveys": (),
    "offerings": ("course_id", "offering"),
}
