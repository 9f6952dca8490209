"""Business KPIs before and after training (report.kpi_effects), counted by hand on a roster of
three departments over four quarters (calendar quarters; the report date is 2025-12-31).

- North: 4 employees; 1 trained by the end of Q1, 2 by Q2 (50%: trained from Q2). Incidents
  10, 10 before, 8, 7 after: change 7.5 / 10 - 1 = -25%.
- South: 4 employees, never more than one trained: the comparison group. 5, 5 before Q2's end,
  5.5, 5.5 after: +10%. North's difference: -25% - 10% = -35%, an improvement.
- West: 2 employees, both trained in Q4 (the last quarter): too early to tell; fewer than the
  minimum group size of 3, so its headcount and share are hidden.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from generator.config.workforce import Kpi
from generator.domain.periods import FiscalCalendar, counted_on
from generator.report.kpi_effects import (
    COMPARISON,
    FROM_START,
    IMPROVED,
    NO_MOVE,
    TOO_EARLY,
    WORSENED,
    Settings,
    kpi_effects,
)
from generator.report.workforce import HIDDEN, typed_roster

REPORT_DATE = date(2025, 12, 31)
QUARTERS = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
SETTINGS = Settings(trained_share=0.5, min_change=0.05, min_size=3)

EMPLOYEES = {  # learner: (department, first completion of the KPI's course or None)
    "N1": ("North", "2025-02-10"),
    "N2": ("North", "2025-05-20"),
    "N3": ("North", None),
    "N4": ("North", None),
    "S1": ("South", "2025-03-01"),
    "S2": ("South", None),
    "S3": ("South", None),
    "S4": ("South", None),
    "W1": ("West", "2025-11-01"),
    "W2": ("West", "2025-12-01"),
}
INCIDENTS = {
    "North": [10, 10, 8, 7],
    "South": [5, 5, 5.5, 5.5],
    "West": [3, 3, 3, 3],
}


def _roster() -> pd.DataFrame:
    return typed_roster(
        pd.DataFrame(
            [
                {
                    "learner_id": learner,
                    "effective_on": None,
                    "department": department,
                    "job_role": "Operator",
                    "manager": "",
                    "hired_on": "2020-01-01",
                    "left_on": None,
                    "leaving": None,
                }
                for learner, (department, _) in EMPLOYEES.items()
            ]
        )
    )


def _completions(course: str = "safety") -> pd.DataFrame:
    rows = [
        {
            "learner_id": learner,
            "course_id": course,
            "fiscal_year": 2025,
            "completions": 1,
            "first_completed_on": pd.Timestamp(day),
            "last_completed_on": pd.Timestamp(day),
        }
        for learner, (_, day) in EMPLOYEES.items()
        if day
    ]
    # a completion of another course does not count as trained
    rows.append({**rows[-1], "learner_id": "N3", "course_id": "other"})
    return pd.DataFrame(rows)


def _kpis(values: dict[str, list[float]], measure: str = "incidents") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"measure": measure, "department": d, "job_role": None, "period": q, "value": v}
            for d, series in values.items()
            for q, v in zip(QUARTERS, series, strict=True)
        ]
    )


def _kpi(**changes: object) -> Kpi:
    fields = {
        "id": "incidents",
        "label": "Incidents",
        "higher_is_better": False,
        "evaluation": "ltem-8",
        "trained_by": ["safety"],
    }
    return Kpi.model_validate({**fields, **changes})


def _effects(values: dict[str, list[float]] = INCIDENTS, **kpi: object) -> pd.DataFrame:
    _, effects = kpi_effects(
        _kpis(values),
        [_kpi(**kpi)],
        _roster(),
        _completions(),
        counted_on(FiscalCalendar(1), REPORT_DATE),
        SETTINGS,
    )
    return effects.set_index("department")


def test_a_trained_department_against_the_comparison_group() -> None:
    effects = _effects()
    north, south = effects.loc["North"], effects.loc["South"]
    assert north["trained_from"] == "2025-Q2"
    assert north["share_trained"] == pytest.approx(0.5)
    assert north["before"] == pytest.approx(10.0)
    assert north["after"] == pytest.approx(7.5)
    assert north["change"] == pytest.approx(-0.25)
    assert north["comparison_units"] == 1
    assert north["comparison_change"] == pytest.approx(0.10)
    assert north["difference"] == pytest.approx(-0.35)
    assert north["verdict"] == IMPROVED
    assert south["verdict"] == COMPARISON
    assert south["trained_from"] is None
    assert south["share_trained"] == pytest.approx(0.25)


def test_trained_in_the_last_period_is_too_early_and_a_small_unit_hides_its_share() -> None:
    west = _effects().loc["West"]
    assert west["verdict"] == TOO_EARLY
    assert west["trained_from"] == "2025-Q4"
    assert west[HIDDEN]
    assert pd.isna(west["headcount"]) and pd.isna(west["share_trained"])


def test_direction_decides_improved_or_worsened() -> None:
    # The same fall is a worsening when higher is better (orders picked, say).
    assert _effects(higher_is_better=True).loc["North", "verdict"] == WORSENED


def test_a_change_no_larger_than_the_comparison_groups_did_not_move() -> None:
    values = {**INCIDENTS, "South": [5, 5, 3.75, 3.75]}  # South falls by 25% too
    north = _effects(values).loc["North"]
    assert north["difference"] == pytest.approx(0.0)
    assert north["verdict"] == NO_MOVE


def test_without_a_comparison_group_the_change_alone_is_compared() -> None:
    north = _effects({"North": INCIDENTS["North"]}).loc["North"]
    assert north["comparison_units"] == 0
    assert pd.isna(north["comparison_change"])
    assert north["difference"] == pytest.approx(-0.25)
    assert north["verdict"] == IMPROVED


def test_trained_by_the_first_period_has_no_before() -> None:
    quick = Settings(trained_share=0.25, min_change=0.05, min_size=3)
    _, effects = kpi_effects(
        _kpis(INCIDENTS),
        [_kpi()],
        _roster(),
        _completions(),
        counted_on(FiscalCalendar(1), REPORT_DATE),
        quick,
    )
    north = effects.set_index("department").loc["North"]
    assert north["trained_from"] == "2025-Q1"
    assert north["verdict"] == FROM_START


def test_periods_after_the_report_date_are_left_out_and_the_current_one_counts_on_it() -> None:
    day = counted_on(FiscalCalendar(1), date(2025, 11, 15))
    assert day("2025-Q3") == date(2025, 9, 30)
    assert day("2025-Q4") == date(2025, 11, 15)
    assert day("2026-Q1") is None
    assert day("FY2025") == date(2025, 11, 15)
    assert day("FY2024") == date(2024, 12, 31)
    series, _ = kpi_effects(
        _kpis(INCIDENTS),
        [_kpi()],
        _roster(),
        _completions(),
        counted_on(FiscalCalendar(1), date(2025, 9, 30)),
        SETTINGS,
    )
    assert sorted(series["period"].unique()) == QUARTERS[:3]


def test_the_series_counts_the_trained_staff_per_period() -> None:
    series, _ = kpi_effects(
        _kpis(INCIDENTS),
        [_kpi()],
        _roster(),
        _completions(),
        counted_on(FiscalCalendar(1), REPORT_DATE),
        SETTINGS,
    )
    north = series[series["department"] == "North"].set_index("period")
    assert north["trained"].tolist() == [1, 2, 2, 2]
    assert north["headcount"].tolist() == [4, 4, 4, 4]
    assert north["value"].tolist() == INCIDENTS["North"]


def test_no_roster_or_no_kpis_give_empty_tables() -> None:
    day = counted_on(FiscalCalendar(1), REPORT_DATE)
    for args in (
        (_kpis(INCIDENTS), [_kpi()], pd.DataFrame(), _completions()),
        (pd.DataFrame(), [_kpi()], _roster(), _completions()),
        (_kpis(INCIDENTS), [], _roster(), _completions()),
    ):
        series, effects = kpi_effects(*args, day, SETTINGS)
        assert series.empty and effects.empty
