"""The business KPIs per fiscal quarter (data/kpis.csv), made from the HR roster and the
completions of each KPI's trained_by courses (stories 12 and 13).

A KPI's values follow its ``demo`` entry of data/workforce.yaml: a baseline per department or
job role, moved by the share of its staff trained by the quarter's end (employees in the
department or role that day who have completed one of the trained_by courses by then, of all
its employees that day). Its random numbers come from a generator of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from generator.demo.catalogue import DEPARTMENT_NAMES, JOB_ROLES, KPIS
from generator.demo.enrolments import LearnerSpans
from generator.demo.quarters import QUARTERS
from generator.demo.roster import DEPARTMENT_OF_ROLE, Roster, quarter_ends


@dataclass(frozen=True)
class KpiSeries:
    """One KPI's values for one department or job role, quarter by quarter."""

    measure: str
    department: str
    job_role: str  # "" for a department's value
    share_trained: np.ndarray  # per quarter
    values: np.ndarray
    decimals: int


def trained_since(spans: LearnerSpans, roster: Roster, courses: list[str]) -> np.ndarray:
    """Per employee, the first day they completed one of ``courses`` (-1: never; the
    never-enrolled never have)."""
    best = np.full(roster.employees, np.iinfo(np.int64).max)
    for course in courses:
        first, _ = spans.completed(course)
        best[: len(first)] = np.where(
            first >= 0, np.minimum(best[: len(first)], first), best[: len(first)]
        )
    return np.where(best == np.iinfo(np.int64).max, -1, best)


def share_trained(roster: Roster, trained: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Per quarter: of the rows in force on its last day and selected by ``members`` (a mask
    over the rows), the share whose employee had been trained by then."""
    shares = np.zeros(len(QUARTERS))
    done = trained[roster.employee]
    for q, day in enumerate(quarter_ends()):
        staff = roster.active_on(day) & members
        if staff.any():
            shares[q] = ((done >= 0) & (done <= day) & staff).sum() / staff.sum()
    return shares


def kpi_series(
    roster: Roster, spans: LearnerSpans, course_ids: list[str], seed: int
) -> list[KpiSeries]:
    """Every KPI's values, in the order of workforce.yaml, then of its baseline."""
    rng = np.random.default_rng([seed, 20])
    series = []
    for kpi, demo, _ in KPIS:
        courses = [c for c in kpi.get("trained_by", []) if c in course_ids]
        trained = trained_since(spans, roster, courses)
        for name, baseline in demo["baseline"].items():
            if kpi["level"] == "job_role":
                role = JOB_ROLES.index(name)
                members = roster.role == role
                department = DEPARTMENT_NAMES[int(DEPARTMENT_OF_ROLE[role])]
            else:
                members = roster.department == DEPARTMENT_NAMES.index(name)
                department = name
            shares = share_trained(roster, trained, members)
            values = float(baseline) * _factor(demo, shares)
            values *= 1 + demo["noise"] * rng.standard_normal(len(QUARTERS))
            series.append(
                KpiSeries(
                    kpi["id"],
                    department,
                    name if kpi["level"] == "job_role" else "",
                    shares,
                    values,
                    int(demo["decimals"]),
                )
            )
    return series


def _factor(demo: dict[str, Any], shares: np.ndarray) -> np.ndarray:
    """1 + change x the share trained; with after_share, 1 + change in every quarter after the
    first whose share passed it."""
    change = float(demo["change"])
    if "after_share" not in demo:
        return 1 + change * shares
    passed = np.flatnonzero(shares > float(demo["after_share"]))
    after = np.arange(len(shares)) > (passed[0] if len(passed) else len(shares))
    return np.where(after, 1 + change, 1.0)


def kpi_table(series: list[KpiSeries]) -> pa.Table:
    """data/kpis.csv: one row per KPI, department (and job role) and quarter."""
    columns: dict[str, list[str]] = {
        "measure": [],
        "department": [],
        "job_role": [],
        "period": [],
        "value": [],
    }
    for s in series:
        for quarter, value in zip(QUARTERS, s.values, strict=True):
            columns["measure"].append(s.measure)
            columns["department"].append(s.department)
            columns["job_role"].append(s.job_role)
            columns["period"].append(quarter.label)
            columns["value"].append(f"{value:.{s.decimals}f}")
    return pa.table(
        {
            name: pa.array(
                values, mask=np.array([v == "" for v in values]) if name == "job_role" else None
            )
            for name, values in columns.items()
        }
    )
