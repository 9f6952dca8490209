"""The workforce tables on a hand-made roster: every figure is counted by hand in the comments.

Roster (fiscal year = calendar year), report date 2026-06-30:
- E1 Ops, Forklift Operator since hire 2024-01-10; completed forklift 2024-06-01 (valid 24
  months: expires 2026-06-01, grace 14 days: expired on the report date).
- E2 Ops, Picker from 2023-05-01, Forklift Operator from 2026-06-10 (due within 30 days: due
  2026-07-10, within the last 30 days: due soon); no completion.
- E3 Ops, Forklift Operator since 2025-01-15; completed forklift 2025-11-01 (expires 2027-11-01:
  on track).
- E4 Sales, Forklift Operator since 2026-01-05, never completed: due 2026-02-04 + 14 days grace
  has passed, overdue.
- E5 Sales, Agent, left 2026-03-31 voluntarily (E5 is not a role holder on the report date).
- E6 Ops, Forklift Operator, hired 2026-02-01; completed forklift 2026-02-20 (19 days after hire).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from generator.config.workforce import Requirement
from generator.report.workforce import (
    ALL,
    DUE_SOON,
    EXPIRED,
    HIDDEN,
    ON_TRACK,
    OVERDUE,
    Year,
    course_reach_table,
    coverage_table,
    hide_small_groups,
    new_hires_table,
    reach_table,
    requirement_statuses,
    turnover_table,
)

DAY = date(2026, 6, 30)
FORKLIFT = Requirement.model_validate(
    {
        "id": "forklift",
        "title": "Forklift certification",
        "job_roles": ["Forklift Operator"],
        "courses": ["forklift"],
        "valid_for": 24,
        "due_within": 30,
        "grace": 14,
        "due_soon": 30,
    }
)
T = pd.Timestamp


def roster() -> pd.DataFrame:
    rows = [
        ("E1", "2024-01-10", "Ops", "Forklift Operator", "2024-01-10", None, None),
        ("E2", "2023-05-01", "Ops", "Picker", "2023-05-01", None, None),
        ("E2", "2026-06-10", "Ops", "Forklift Operator", "2023-05-01", None, None),
        ("E3", "2025-01-15", "Ops", "Forklift Operator", "2025-01-15", None, None),
        ("E4", "2026-01-05", "Sales", "Forklift Operator", "2026-01-05", None, None),
        ("E5", "2025-03-01", "Sales", "Agent", "2025-03-01", "2026-03-31", "voluntary"),
        ("E6", None, "Ops", "Forklift Operator", "2026-02-01", None, None),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "learner_id",
            "effective_on",
            "department",
            "job_role",
            "hired_on",
            "left_on",
            "leaving",
        ],
    )
    frame["manager"] = "head"
    for column in ("effective_on", "hired_on", "left_on"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def completions() -> pd.DataFrame:
    rows = [
        ("E1", "forklift", 2024, "2024-06-01"),
        ("E3", "forklift", 2025, "2025-11-01"),
        ("E6", "forklift", 2026, "2026-02-20"),
        ("E5", "induction", 2025, "2025-03-20"),
    ]
    frame = pd.DataFrame(rows, columns=["learner_id", "course_id", "fiscal_year", "day"])
    frame["completions"] = 1
    frame["first_completed_on"] = frame["last_completed_on"] = pd.to_datetime(frame.pop("day"))
    return frame


def test_each_holder_has_the_status_counted_by_hand() -> None:
    statuses = requirement_statuses(roster(), completions(), [FORKLIFT], DAY)
    got = dict(zip(statuses["learner_id"], statuses["status"], strict=True))
    assert got == {"E1": EXPIRED, "E2": DUE_SOON, "E3": ON_TRACK, "E4": OVERDUE, "E6": ON_TRACK}


def test_a_completion_inside_its_grace_is_due_soon() -> None:
    """E1's completion expired on 2026-06-01: 10 days later it is within the 14 days' grace."""
    statuses = requirement_statuses(roster(), completions(), [FORKLIFT], date(2026, 6, 11))
    assert statuses.set_index("learner_id").at["E1", "status"] == DUE_SOON


def test_coverage_counts_holders_with_a_valid_completion() -> None:
    statuses = requirement_statuses(roster(), completions(), [FORKLIFT], DAY)
    coverage = coverage_table(statuses).set_index("job_role")
    # holders E1, E2, E3, E4, E6; valid: E3 and E6 (E2 is due soon but has no completion)
    assert coverage.at["Forklift Operator", "holders"] == 5
    assert coverage.at["Forklift Operator", "certified"] == 2
    assert coverage.at["Forklift Operator", "coverage"] == pytest.approx(2 / 5)


def test_reach_and_turnover_of_a_year_to_date() -> None:
    year = Year("FY2026", 2026, date(2026, 1, 1), DAY)
    reach = reach_table(roster(), completions(), [year]).set_index("department")
    # on 2026-06-30: Ops E1, E2, E3, E6 (E6 trained in 2026); Sales E4 (E5 has left)
    assert reach.at["Ops", "headcount"] == 4
    assert reach.at["Ops", "trained"] == 1
    assert reach.at[ALL, "headcount"] == 5
    turnover = turnover_table(roster(), completions(), [year]).set_index("department")
    # Sales: on 2026-01-01 E5 only (E4 joins on the 5th); on 2026-06-30 E4: average 1, E5 left
    assert turnover.at["Sales", "leavers"] == 1
    assert turnover.at["Sales", "voluntary_leavers"] == 1
    assert turnover.at["Sales", "turnover"] == pytest.approx(1.0)
    # E5 completed a course in FY2025, so E5 counts as trained the year before leaving
    assert turnover.at["Sales", "trained_leavers"] == 1
    assert turnover.at["Ops", "leavers"] == 0


def test_new_hires_time_to_competence() -> None:
    year = Year("FY2026", 2026, date(2026, 1, 1), DAY)
    table = new_hires_table(roster(), completions(), [FORKLIFT], [year]).set_index("department")
    # hired in 2026: E4 into Sales (never completed) and E6 into Ops (19 days to completion)
    hires = table.loc[ALL]
    assert hires["hires"] == 2
    assert hires["hire_completions"] == 1
    assert hires["competent"] == 1
    assert hires["median_days_to_competence"] == 19
    assert table.loc["Ops", ["hires", "hire_completions", "competent"]].tolist() == [1, 1, 1]
    assert table.loc["Sales", ["hires", "hire_completions", "competent"]].tolist() == [1, 0, 0]


def test_reach_by_job_role_and_by_course() -> None:
    years = [
        Year("FY2025", 2025, date(2025, 1, 1), date(2025, 12, 31)),
        Year("FY2026", 2026, date(2026, 1, 1), DAY),
    ]
    by_role = reach_table(roster(), completions(), years, by="job_role")
    by_role = by_role.set_index(["job_role", "period"])
    # 2026-06-30: E1, E2 (since 06-10), E3, E4 and E6 are Forklift Operators; E6 completed in 2026
    assert by_role.loc[("Forklift Operator", "FY2026"), ["headcount", "trained"]].tolist() == [5, 1]
    # 2025-12-31: E2 was a Picker, E5 an Agent (trained: induction in 2025)
    assert by_role.loc[("Picker", "FY2025"), ["headcount", "trained"]].tolist() == [1, 0]
    assert by_role.loc[("Agent", "FY2025"), "reach"] == 1.0
    assert by_role.loc[(ALL, "FY2025"), ["headcount", "trained"]].tolist() == [4, 2]
    by_course = course_reach_table(roster(), completions(), years)
    by_course = by_course.set_index(["course_id", "period"])
    assert by_course.loc[("forklift", "FY2026"), ["headcount", "trained"]].tolist() == [5, 1]
    assert by_course.loc[("forklift", "FY2025"), "reach"] == pytest.approx(1 / 4)  # E3
    assert by_course.loc[("induction", "FY2025"), "reach"] == pytest.approx(1 / 4)  # E5
    assert ("induction", "FY2026") not in by_course.index  # E5 left; nobody completed it


def test_a_small_group_is_hidden_with_its_complement() -> None:
    table = pd.DataFrame(
        {"period": ["FY"] * 3, "department": ["A", "B", "C"], "n": [3, 40, 9], "x": [1.0, 2, 3]}
    )
    hidden = hide_small_groups(table, ["period"], "n", ["x"], 5)
    # A is small; alone it could be worked out from the total, so C (the smallest other) goes too
    assert hidden[HIDDEN].tolist() == [True, False, True]
    assert hidden["x"].isna().tolist() == [True, False, True]


def test_a_year_without_hires_has_no_time_to_competence() -> None:
    year = Year("FY2022", 2022, date(2022, 1, 1), date(2022, 12, 31))
    hires = new_hires_table(roster(), completions(), [FORKLIFT], [year])
    assert hires["department"].tolist() == [ALL]
    hires = hires.iloc[0]
    assert hires["hires"] == 0
    assert pd.isna(hires["median_days_to_competence"])


def test_a_department_with_turnover_far_above_the_others_is_a_finding(tiny_project) -> None:
    from generator.config import load_project
    from generator.report.workforce import Workforce
    from generator.report.workforce_findings import turnover_outliers

    turnover = pd.DataFrame(
        {
            "department": ["Ops", "Sales", "Support", ALL],
            "period": ["FY2025"] * 4,
            "turnover": [0.30, 0.10, 0.12, 0.17],
            "leavers": [30, 10, 12, 52],
            "voluntary_leavers": [25, 5, 6, 36],
            HIDDEN: [False] * 4,
        }
    )
    empty = pd.DataFrame()
    workforce = Workforce(pd.DataFrame({"department": ["Ops"]}), turnover, empty, empty, empty)
    findings = list(turnover_outliers(load_project(tiny_project), workforce))
    # Ops 0.30 >= 1.5 x median(0.10, 0.12) = 0.165; Support 0.12 < 1.5 x median(0.30, 0.10)
    assert [f.member for f in findings] == ["Ops"]
    assert findings[0].evidence["typical_turnover"] == pytest.approx(0.11)
