"""Metrics, goals and findings on the tiny project, against figures computed by hand.

tests/fixtures/tiny/data/lms.csv, as of 2025-06-30 (fiscal year = calendar year):
C1 2025-Q1: L1 completed (80, 25 min), L2 completed (60, 35 min), L3 withdrawn, L4 in progress.
C2 2025-Q1: L1 completed (90, 70 min), L5 failed (40). C1 2025-Q2: L5 completed (75, 28 min),
L6 completes on 2025-07-15, after the report date, so is still in progress. L7 enrols after it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import TINY

from generator.domain.periods import Quarter
from generator.report import Report, build_report, computed_metrics
from generator.report.goals import AT_RISK, MET, MISSED, NO_DATA, status_of
from generator.report.metrics import Metrics


@pytest.fixture
def report(tiny_report: Report) -> Report:
    return tiny_report


@pytest.fixture(scope="module")
def figures() -> Metrics:
    """The figures as computed, before privacy.publish hides small groups (the tiny project's
    groups are all small): what the hand-computed figures are checked against."""
    return computed_metrics(TINY)


def value(metrics: Metrics, scope: str, member: str, period: str, metric: str) -> float:
    row = metrics.row(scope, member, period)
    assert row is not None, (scope, member, period)
    return float(row[metric])


def test_report_date_comes_from_project_yaml(report: Report) -> None:
    assert report.report_date == date(2025, 6, 30)
    assert report.metrics.quarters[-1] == "2025-Q2"
    assert report.metrics.excluded_after_report_date == 1  # L7


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        ("enrollments", 4),
        ("completions", 2),
        ("completion_rate", 0.5),
        ("withdrawal_rate", 0.25),
        ("fail_rate", 0.0),
        ("open_enrollments", 1),
        ("average_score", 70.0),
        ("pass_rate", 0.5),
        ("median_minutes", 30.0),
        ("minutes_ratio", 1.0),
        ("spend", 300.0),
        ("cost_per_completion", 150.0),
        ("cost_per_learner", 75.0),
        ("learning_gain", 25.0),
        ("satisfaction", 4.5),
    ],
)
def test_course_quarter_figures(figures: Metrics, metric: str, expected: float) -> None:
    assert value(figures, "course", "C1", "2025-Q1", metric) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        ("enrollments", 6),
        ("completions", 3),
        ("completion_rate", 0.5),
        ("fail_rate", 1 / 6),
        ("average_score", 67.5),
        ("pass_rate", 0.5),
        ("median_minutes", 35.0),
        ("minutes_ratio", 70 / 60),
        ("spend", 800.0),
        ("budget", 1000.0),
        ("budget_utilisation", 0.8),
        ("cost_per_completion", 800 / 3),
        ("cost_per_learner", 160.0),
        ("budget_yoy_change", 1000 / 1100 - 1),
    ],
)
def test_org_quarter_figures(figures: Metrics, metric: str, expected: float) -> None:
    assert value(figures, "org", "org", "2025-Q1", metric) == pytest.approx(expected)


def test_outcomes_after_the_report_date_are_undone(figures: Metrics) -> None:
    # L6 completed on 2025-07-15: as of 2025-06-30 the course has 1 of 2 completed, 1 open.
    assert value(figures, "course", "C1", "2025-Q2", "completion_rate") == 0.5
    assert value(figures, "course", "C1", "2025-Q2", "open_enrollments") == 1


def test_previous_period_and_change(figures: Metrics) -> None:
    row = figures.row("org", "org", "2025-Q2")
    assert row is not None
    assert row["average_score__prev"] == pytest.approx(67.5)
    assert row["average_score__change"] == pytest.approx(75 - 67.5)


def test_cost_per_learning_hour_equals_a_count_of_the_export(figures: Metrics) -> None:
    """Spend over the hours the period's enrolments spent, from lms.csv with pandas: the
    export's two rows of L1 in C1 (the same enrolment, in progress then done) are one, the
    done row's 25 minutes; L7 enrols after the report date."""
    import pandas as pd

    lms = pd.read_csv(TINY / "data" / "lms.csv")
    lms["Enrolled"] = pd.to_datetime(lms["Enrolled"], errors="coerce")
    lms = lms[lms["Enrolled"] <= pd.Timestamp("2025-06-30")]
    lms = lms.sort_values("Completed", na_position="first").drop_duplicates(
        ["User", "Course", "Enrolled"], keep="last"
    )
    q1 = lms[lms["Enrolled"] < pd.Timestamp("2025-04-01")]
    for scope, member, rows, spend in (
        ("org", "org", q1, 800.0),
        ("course", "C1", q1[q1["Course"] == "C1"], 300.0),
    ):
        hours = rows["Minutes"].sum() / 60
        assert value(figures, scope, member, "2025-Q1", "learning_hours") == pytest.approx(hours)
        assert value(figures, scope, member, "2025-Q1", "cost_per_learning_hour") == pytest.approx(
            spend / hours
        )
    assert value(figures, "course", "C1", "2025-Q1", "learning_hours") == pytest.approx(75 / 60)


def test_developer_spend_includes_their_courses(figures: Metrics) -> None:
    # dev-b: a 500 developer line in Q1 plus C2's 100 in Q2.
    assert value(figures, "developer", "dev-b", "FY2025", "spend") == 600
    assert value(figures, "developer", "dev-b", "2025-Q1", "cost_per_completion") == 500


def test_module_dropoff(figures: Metrics) -> None:
    modules = figures.modules
    year = modules[(modules["course_id"] == "C1") & (modules["period"] == "FY2025")]
    assert year["reached"].tolist() == [6, 5, 3]
    assert year["dropoff"].tolist()[:2] == pytest.approx([1 / 6, 2 / 5])
    assert value(figures, "course", "C1", "FY2025", "module_dropoff") == pytest.approx(0.4)


def test_counts_add_up_across_scopes(figures: Metrics) -> None:
    table = figures.table
    for period in figures.quarters + figures.years:
        org = value(figures, "org", "org", period, "enrollments")
        for scope in ("course", "developer", "training_manager", "department"):
            rows = table[(table["scope"] == scope) & (table["period"] == period)]
            assert rows["enrollments"].sum() == org, (scope, period)


def test_rates_are_fractions(figures: Metrics) -> None:
    table = figures.table
    for column in ("completion_rate", "withdrawal_rate", "fail_rate", "pass_rate"):
        values = table[column].dropna()
        assert ((values >= 0) & (values <= 1)).all(), column


def test_goal_statuses_and_people(report: Report) -> None:
    by_key = {(g.goal_id, g.member, g.period): g for g in report.goals}
    completion = by_key[("c1-completion", "C1", "2025-Q1")]
    assert completion.status == AT_RISK  # 0.5 against >= 0.6 with a 0.15 band
    assert completion.accountable.people == ("tom",)
    assert completion.responsible[0].people == ("dev-a",)
    assert completion.informed[0].group == "learners of C1"
    budget = by_key[("budget-use", "org", "2025-Q2")]
    assert budget.status == MISSED and budget.value == pytest.approx(0.3)
    assert budget.accountable.people == ("lisa",)
    # C1's one score of 2025-Q2 is hidden, so its two of 2025-Q1 are hidden too (FY2025's
    # average would give the one away): not evaluated, with the reason.
    scores = by_key[("mandatory-scores", "C1", "2025-Q1")]
    assert scores.status == NO_DATA and scores.accountable.people == ("dev-a",)
    assert scores.note == "hidden so a smaller group cannot be worked out"
    assert ("mandatory-scores", "C2", "2025-Q1") not in by_key  # C2 is optional


def test_small_groups_are_no_data(report: Report, figures: Metrics) -> None:
    project = replace(
        report.project, settings=report.project.settings.model_copy(update={"min_group_size": 5})
    )
    from generator.report import course_frame
    from generator.report.goals import evaluate_goals
    from generator.report.privacy import publish

    published = publish(figures, course_frame(project), 5)
    results = {(g.goal_id, g.period): g for g in evaluate_goals(project, published)}
    assert results[("c1-completion", "2025-Q1")].status == NO_DATA
    assert results[("c1-completion", "2025-Q1")].note == "fewer than 5 learners"
    assert results[("budget-use", "2025-Q1")].status == MISSED  # cost goals are not about learners


@pytest.mark.parametrize(
    ("value", "comparator", "target", "warning", "expected"),
    [
        (0.9, ">=", 0.85, None, MET),
        (0.85, ">=", 0.85, None, MET),
        (0.84, ">=", 0.85, None, MISSED),
        (0.80, ">=", 0.85, 0.05, AT_RISK),
        (0.79, ">=", 0.85, 0.05, MISSED),
        (120, "<=", 100, 25, AT_RISK),
        (130, "<=", 100, 25, MISSED),
        (100, "<", 100, None, MISSED),
        (None, ">=", 1, None, NO_DATA),
        (float("nan"), ">=", 1, None, NO_DATA),
    ],
)
def test_status_of(
    value: float | None, comparator: str, target: float, warning: float | None, expected: str
) -> None:
    assert status_of(value, comparator, target, warning) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.floats(-1e6, 1e6),
    st.sampled_from([">=", ">", "<=", "<"]),
    st.floats(-1e6, 1e6),
    st.one_of(st.none(), st.floats(0, 1e3)),
)
def test_status_is_met_exactly_when_the_target_holds(
    value: float, comparator: str, target: float, warning: float | None
) -> None:
    holds = {
        ">=": value >= target,
        ">": value > target,
        "<=": value <= target,
        "<": value < target,
    }[comparator]
    status = status_of(value, comparator, target, warning)
    assert (status == MET) == holds
    if warning is None:
        assert status in (MET, MISSED)


def test_findings_point_at_roles(report: Report) -> None:
    kinds = {(f.kind, f.member, f.period): f for f in report.findings}
    dropoff = kinds[("module drop-off", "C1", "FY2025")]
    assert dropoff.points_at[0].role == "course-developer"
    assert dropoff.points_at[0].people == ("dev-a",)
    assert dropoff.evidence["module"] == "Equipment"
    under = kinds[("under-spent budget", "org", "2025-Q2")]
    assert under.points_at[0].people == ("lisa",) and under.evidence["utilisation"] == 0.3


def test_a_period_does_not_depend_on_later_data(tmp_path: Path) -> None:
    """Built as of 2025-03-31, Q1 is the same whatever happened later."""
    import shutil

    project = tmp_path / "tiny"
    shutil.copytree(TINY, project)
    early = build_report(project, as_of=Quarter(2025, 1))
    with (project / "data" / "lms.csv").open("a") as handle:
        handle.write("L10,C1,Ops,2025-04-01,2025-04-02,,Done,10,5\n")
        handle.write("L4,C1,Ops,2025-03-01,2025-05-01,,Done,99,9\n")
    later = build_report(project, as_of=Quarter(2025, 1))
    columns = ["enrollments", "completion_rate", "average_score", "open_enrollments"]
    for scope, member in (("org", "org"), ("course", "C1")):
        a, b = (
            early.metrics.row(scope, member, "2025-Q1"),
            later.metrics.row(scope, member, "2025-Q1"),
        )
        assert a is not None and b is not None
        assert a[columns].tolist() == b[columns].tolist()
