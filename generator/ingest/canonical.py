"""The canonical tables and the accounting of every input row.

Adapters turn an export into *raw* canonical frames: canonical column names, values still as
text, and a ``_line`` column with the row's line in the source file. ``normalise`` parses and
checks them, rejecting rows with a reason and merging duplicates, so that for every source
``rows_read == rows_loaded + rows_merged + rows_rejected``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

LINE = "_line"
FIRST_LINES = 5

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
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "enrollments": ("learner_id", "course_id", "enrolled_on"),
    "assessments": ("learner_id", "course_id", "score"),
    "activity": ("learner_id", "course_id", "module"),
    "surveys": ("course_id", "rating"),
}
# Keys that identify one row; a second row with the same key is merged into the first.
KEYS: dict[str, tuple[str, ...]] = {
    "enrollments": ("learner_id", "course_id", "offering"),
    "assessments": ("learner_id", "course_id", "offering", "assessment", "kind"),
    "activity": (),  # activity rows are events: never merged
    "surveys": (),
}
STATUS_ORDER = {"enrolled": 0, "in_progress": 1, "withdrawn": 2, "failed": 3, "completed": 4}


@dataclass
class Reason:
    count: int = 0
    lines: list[int] = field(default_factory=list)


@dataclass
class SourceReport:
    """How every row of one source was accounted for."""

    path: str
    format: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_merged: int = 0
    rows_rejected: int = 0
    reasons: dict[str, Reason] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def reject(self, reason: str, lines: list[int] | np.ndarray, count: int | None = None) -> None:
        n = len(lines) if count is None else count
        if n == 0:
            return
        entry = self.reasons.setdefault(reason, Reason())
        entry.count += n
        entry.lines = sorted(entry.lines + [int(x) for x in list(lines)[:FIRST_LINES]])[
            :FIRST_LINES
        ]
        self.rows_rejected += n

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_merged + self.rows_rejected

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_merged": self.rows_merged,
            "rows_rejected": self.rows_rejected,
            "reasons": {
                k: {"count": v.count, "lines": v.lines} for k, v in sorted(self.reasons.items())
            },
            "tables": dict(sorted(self.tables.items())),
            "notes": list(self.notes),
        }


@dataclass
class Checks:
    """What normalise needs to know about the project."""

    course_ids: set[str]
    status_values: dict[str, str]
    date_format: str | None = None
    pseudonymise: Callable[[pd.Series], pd.Series] | None = None


def empty_table(table: str) -> pd.DataFrame:
    kinds = TABLE_COLUMNS[table]
    return pd.DataFrame({name: pd.Series(dtype=_dtype(kind)) for name, kind in kinds.items()})


def _dtype(kind: str) -> str:
    return {
        "date": "datetime64[s]",
        "score": "float64",
        "minutes": "float64",
        "number": "float64",
    }.get(kind, "string")


def normalise(table: str, raw: pd.DataFrame, checks: Checks, report: SourceReport) -> pd.DataFrame:
    """Parse and check one raw table; returns the loaded rows and records the rest in ``report``."""
    frame = raw.copy()
    if LINE not in frame:
        frame[LINE] = np.arange(2, len(frame) + 2)
    kinds = TABLE_COLUMNS[table]
    for column in kinds:
        if column not in frame:
            frame[column] = pd.NA
    keep = pd.Series(True, index=frame.index)

    def reject(mask: pd.Series, reason: str) -> None:
        nonlocal keep
        hit = mask & keep
        if hit.any():
            report.reject(reason, frame.loc[hit, LINE].to_numpy()[:FIRST_LINES], int(hit.sum()))
            keep &= ~hit

    for column in kinds:
        if kinds[column] in ("id", "text"):
            frame[column] = _clean_text(frame[column])
    for column in REQUIRED[table]:
        if kinds[column] in ("id", "text"):
            reject(frame[column].isna(), f"missing {column.replace('_', ' ')}")
    if "course_id" in kinds:
        unknown = frame["course_id"].notna() & ~frame["course_id"].isin(checks.course_ids)
        for course in sorted(frame.loc[unknown & keep, "course_id"].unique())[:20]:
            reject(
                unknown & (frame["course_id"] == course),
                f"unknown course '{course}' (not in config/courses.yaml)",
            )
        reject(unknown, "unknown course (not in config/courses.yaml)")
    for column, kind in kinds.items():
        given = _present(frame[column])
        if kind == "date":
            parsed = _parse_dates(frame[column], checks.date_format)
            bad = given & parsed.isna()
            reject(bad, f"unparseable {column} (expected {checks.date_format or 'YYYY-MM-DD'})")
            if column in REQUIRED[table]:
                reject(parsed.isna(), f"missing {column}")
            frame[column] = parsed
        elif kind in ("score", "minutes", "number"):
            parsed = _parse_numbers(frame[column])
            reject(given & parsed.isna(), f"{column} is not a number")
            if kind == "score":
                reject((parsed < 0) | (parsed > 100), "score out of range 0-100")
            if kind == "minutes":
                reject(parsed < 0, "negative minutes")
            if column in REQUIRED[table]:
                reject(parsed.isna(), f"missing {column}")
            frame[column] = parsed
    if table == "enrollments":
        frame["status"] = _map_status(frame, checks.status_values)
        reject(frame["status"].isna(), "unknown status")
        reject(frame["completed_on"] < frame["enrolled_on"], "completed before enrolled")
        reject(frame["withdrawn_on"] < frame["enrolled_on"], "withdrawn before enrolled")
    if table == "surveys":
        reject((frame["rating"] < 1) | (frame["rating"] > 5), "rating out of range 1-5")
    frame = frame.loc[keep]
    if checks.pseudonymise is not None and "learner_id" in frame:
        frame["learner_id"] = checks.pseudonymise(frame["learner_id"])
    frame = _merge_duplicates(table, frame, report)
    report.rows_loaded += len(frame)
    report.tables[table] = report.tables.get(table, 0) + len(frame)
    return frame[list(kinds)].reset_index(drop=True)


def _present(values: pd.Series) -> pd.Series:
    """True where a cell holds a value (typed, or text that is not a missing-value marker)."""
    if pd.api.types.is_string_dtype(values) or values.dtype == object:
        return _clean_text(values).notna()
    return values.notna()


def _clean_text(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    return text.mask(text.isin(["", "-", "?", "NA", "N/A", "null", "NULL", "None", "nan"]))


def _parse_dates(values: pd.Series, date_format: str | None) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_convert(None)
        return values.dt.normalize().astype("datetime64[s]")
    text = _clean_text(values)
    parsed = pd.to_datetime(text, format=date_format or "ISO8601", errors="coerce")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(None)
    return parsed.dt.normalize().astype("datetime64[s]")


def _parse_numbers(values: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    text = _clean_text(values)
    return pd.to_numeric(text, errors="coerce").astype("float64")


def _map_status(frame: pd.DataFrame, mapping: dict[str, str]) -> pd.Series:
    """Map status text; with no status column, derive it from the dates."""
    given = _clean_text(frame["status"])
    if given.isna().all():
        derived = pd.Series("enrolled", index=frame.index, dtype="string")
        derived = derived.mask(frame["withdrawn_on"].notna(), "withdrawn")
        return derived.mask(frame["completed_on"].notna(), "completed")
    lookup = {k.strip().lower(): v for k, v in mapping.items()}
    lookup.update({s: s for s in STATUS_ORDER} | {"in progress": "in_progress"})
    return given.str.lower().map(lookup).astype("string")


def _merge_duplicates(table: str, frame: pd.DataFrame, report: SourceReport) -> pd.DataFrame:
    """Keep one row per key: the most advanced status, then the latest line of the export."""
    keys = list(KEYS[table])
    if not keys or frame.empty:
        return frame
    order = frame["status"].map(STATUS_ORDER) if "status" in frame else 0
    ranked = frame.assign(_rank=order).sort_values(["_rank", LINE], kind="stable")
    deduped = ranked.drop_duplicates(keys, keep="last").drop(columns="_rank")
    merged = len(frame) - len(deduped)
    report.rows_merged += merged
    return deduped.sort_values(LINE, kind="stable")
