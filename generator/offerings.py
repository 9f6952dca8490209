"""What is published about each course run (offering): one decision for the course pages, the
CSV download and ``snapshot.json``.

Pure: ``Metrics.offerings`` in, records out. A run's figures are counts of its enrolments and
their status and outcome as of the report date. Small groups are hidden as everywhere: a run
with fewer than ``min_group_size`` enrolments shows no figures, and because a course's runs add
up to its enrolments over the years (published per fiscal year), one hidden run would be the
difference, so the next-smallest run is hidden with it. Inside a run, the statuses (completed,
withdrawn, failed, still open) add up to the enrolments and the outcomes nearly do: a small
count is hidden with its rate, and with the next-smallest of its kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from generator.catalog import OUTCOMES
from generator.privacy import suppressed_cells

STATUS_COUNTS = {
    "completed": "completion_rate",
    "withdrawn": "withdrawal_rate",
    "failed": "fail_rate",
    "open": "open_rate",
}
SMALL = "fewer than {n} learners"
COMPLEMENT = "hidden so a smaller group cannot be worked out"


@dataclass(frozen=True)
class Run:
    """One offering of one course as published: None where a figure is hidden."""

    course_id: str
    offering: str
    starts_on: date | None
    ends_on: date | None
    first_enrolled: date | None
    enrollments: int | None
    counts: dict[str, int | None]  # completed, withdrawn, failed, open, outcome_<o>
    rates: dict[str, float | None]  # <status>_rate and <outcome>_share, of the enrolments
    average_score: float | None
    scored: int | None
    hidden: str  # why the run's figures are hidden ("" when shown)
    # why a hidden count (and its rate) is hidden: SMALL or COMPLEMENT, by count column
    why: dict[str, str] = field(default_factory=dict)

    @property
    def outcomes(self) -> list[str]:
        """The outcomes the source gave for this run (OULAD: pass, distinction, fail)."""
        return [o for o in OUTCOMES if self.counts.get(f"outcome_{o}") != 0]

    def as_record(self) -> dict[str, Any]:
        """A flat row for the CSV download and snapshot.json."""
        return {
            "course_id": self.course_id,
            "offering": self.offering,
            "starts_on": _iso(self.starts_on),
            "ends_on": _iso(self.ends_on),
            "first_enrolled": _iso(self.first_enrolled),
            "enrollments": self.enrollments,
            **self.counts,
            **self.rates,
            "scored": self.scored,
            "average_score": self.average_score,
            "hidden": self.hidden
            or "; ".join(f"{column}: {why}" for column, why in sorted(self.why.items())),
        }


def published_runs(offerings: pd.DataFrame, min_group_size: int) -> dict[str, list[Run]]:
    """Course id -> its runs in time order (start, else first enrolment, then name)."""
    runs: dict[str, list[Run]] = {}
    if offerings.empty:
        return runs
    ordered = offerings.assign(
        _when=offerings["starts_on"].fillna(offerings["first_enrolled"])
    ).sort_values(["course_id", "_when", "offering"], kind="stable")
    for course_id, group in ordered.groupby("course_id", sort=True):
        runs[str(course_id)] = list(_runs(group.to_dict("records"), min_group_size))
    return runs


def _runs(rows: list[dict[str, Any]], min_size: int) -> Iterator[Run]:
    enrolments = [int(r["enrollments"]) for r in rows]
    hidden = suppressed_cells(enrolments, min_size)
    for row, hide in zip(rows, hidden, strict=True):
        dates = {k: _day(row[k]) for k in ("starts_on", "ends_on", "first_enrolled")}
        if hide:
            reason = SMALL if 0 < int(row["enrollments"]) < min_size else COMPLEMENT
            yield Run(
                str(row["course_id"]),
                str(row["offering"]),
                dates["starts_on"],
                dates["ends_on"],
                dates["first_enrolled"],
                enrollments=None,
                counts=dict.fromkeys([*STATUS_COUNTS, *_outcome_columns()]),
                rates=dict.fromkeys([*STATUS_COUNTS.values(), *_share_columns()]),
                average_score=None,
                scored=None,
                hidden=reason.format(n=min_size),
            )
            continue
        yield _shown_run(row, dates, min_size)


def _shown_run(row: dict[str, Any], dates: dict[str, date | None], min_size: int) -> Run:
    n = int(row["enrollments"])
    counts: dict[str, int | None] = {}
    rates: dict[str, float | None] = {}
    why: dict[str, str] = {}
    for names, rate_of in (
        (list(STATUS_COUNTS), STATUS_COUNTS),
        (_outcome_columns(), dict(zip(_outcome_columns(), _share_columns(), strict=True))),
    ):
        values = [int(row[c]) for c in names]
        for column, value, hide in zip(
            names, values, suppressed_cells(values, min_size), strict=True
        ):
            counts[column] = None if hide else value
            rates[rate_of[column]] = None if hide else value / n
            if hide:
                why[column] = (SMALL if value < min_size else COMPLEMENT).format(n=min_size)
    scored = int(row["scored"])
    score_shown = scored >= min_size
    return Run(
        str(row["course_id"]),
        str(row["offering"]),
        dates["starts_on"],
        dates["ends_on"],
        dates["first_enrolled"],
        enrollments=n,
        counts=counts,
        rates=rates,
        average_score=float(row["score_sum"]) / scored if score_shown else None,
        scored=scored if score_shown or scored == 0 else None,
        hidden="",
        why=why,
    )


def _outcome_columns() -> list[str]:
    return [f"outcome_{o}" for o in OUTCOMES]


def _share_columns() -> list[str]:
    return [f"{o}_share" for o in OUTCOMES]


def _day(value: Any) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
