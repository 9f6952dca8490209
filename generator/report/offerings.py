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

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from generator.domain.catalog import OUTCOMES
from generator.domain.periods import FiscalCalendar
from generator.report.metrics import Metrics
from generator.report.privacy import CODE_COLUMN, COMPLEMENT, SMALL, reason, suppressed_cells

STATUS_COUNTS = {
    "completed": "completion_rate",
    "withdrawn": "withdrawal_rate",
    "failed": "fail_rate",
    "open": "open_rate",
}


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
    # why a hidden count (and its rate) is hidden (privacy.reason), by count column
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


def published_runs(
    metrics: Metrics, calendar: FiscalCalendar, min_group_size: int
) -> dict[str, list[Run]]:
    """Course id -> its runs in time order (start, else first enrolment, then name), as
    published: beside the small runs and their complements, a run whose enrolments all fall in
    one quarter or year that the metric tables hide is hidden too (else it would be that
    period's figure, or a part of it, under another name)."""
    offerings = metrics.offerings
    runs: dict[str, list[Run]] = {}
    if offerings.empty:
        return runs
    hidden = _hidden_periods(metrics)
    ordered = offerings.assign(
        _when=offerings["starts_on"].fillna(offerings["first_enrolled"])
    ).sort_values(["course_id", "_when", "offering"], kind="stable")
    for course_id, group in ordered.groupby("course_id", sort=True):
        rows = group.to_dict("records")
        inside = [_inside_hidden(row, calendar, hidden.get(str(course_id), {})) for row in rows]
        runs[str(course_id)] = list(_runs(rows, inside, min_group_size))
    return runs


def _hidden_periods(metrics: Metrics) -> dict[str, dict[str, set[str]]]:
    """Course id -> basis (cohort, scored) -> the periods whose figures are hidden."""
    table = metrics.table
    courses = table[table["scope"] == "course"]
    found: dict[str, dict[str, set[str]]] = {}
    for basis in ("cohort", "scored"):
        column = CODE_COLUMN.format(basis)
        if column not in courses:
            continue
        hidden = courses[courses[column] != 0]
        for course, period in zip(hidden["member"], hidden["period"], strict=True):
            found.setdefault(str(course), {}).setdefault(basis, set()).add(str(period))
    return found


def _inside_hidden(
    row: dict[str, Any], calendar: FiscalCalendar, hidden: dict[str, set[str]]
) -> dict[str, bool]:
    """Per basis: whether the run's enrolments all lie in one hidden quarter or year."""
    first, last = _day(row["first_enrolled"]), _day(row.get("last_enrolled"))
    if first is None or last is None:
        return {}
    quarters = {calendar.quarter_of(first), calendar.quarter_of(last)}
    periods = []
    if len(quarters) == 1:
        periods.append(next(iter(quarters)).label)
    if len({q.fiscal_year for q in quarters}) == 1:
        periods.append(f"FY{next(iter(quarters)).fiscal_year}")
    return {basis: any(p in labels for p in periods) for basis, labels in hidden.items()}


def _runs(
    rows: list[dict[str, Any]], inside: list[dict[str, bool]], min_size: int
) -> Iterator[Run]:
    enrolments = [int(r["enrollments"]) for r in rows]
    small = [0 < n < min_size for n in enrolments]
    hidden = [s or i.get("cohort", False) for s, i in zip(small, inside, strict=True)]
    # Complement: the runs add up to the course's enrolments over the years.
    if sum(h and n > 0 for h, n in zip(hidden, enrolments, strict=True)) == 1:
        others = [(n, k) for k, n in enumerate(enrolments) if n > 0 and not hidden[k]]
        if others:
            hidden[min(others)[1]] = True
    for row, hide, is_small, within in zip(rows, hidden, small, inside, strict=True):
        if hide:
            yield Run(
                **_identity(row),
                enrollments=None,
                counts=dict.fromkeys([*STATUS_COUNTS, *_outcome_columns()]),
                rates=dict.fromkeys([*STATUS_COUNTS.values(), *_share_columns()]),
                average_score=None,
                scored=None,
                hidden=reason(SMALL if is_small else COMPLEMENT, min_size),
            )
            continue
        run = _shown_run(row, min_size)
        if within.get("scored") and run.average_score is not None:
            why = {**run.why, "average_score": reason(COMPLEMENT, min_size)}
            run = dataclasses.replace(run, average_score=None, scored=None, why=why)
        yield run


def _identity(row: dict[str, Any]) -> dict[str, Any]:
    """What names a run and dates it."""
    return {
        "course_id": str(row["course_id"]),
        "offering": str(row["offering"]),
        **{k: _day(row[k]) for k in ("starts_on", "ends_on", "first_enrolled")},
    }


def _shown_run(row: dict[str, Any], min_size: int) -> Run:
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
                why[column] = reason(SMALL if value < min_size else COMPLEMENT, min_size)
    scored = int(row["scored"])
    score_shown = scored >= min_size
    return Run(
        **_identity(row),
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
