"""Every story planted in the demo organisation's data is surfaced as the right finding,
pointing at the right role and person (generator/demo/__init__.py documents the stories)."""

from __future__ import annotations

import pytest

from generator import demo
from generator.report import Report
from generator.report.findings import Finding
from generator.report.goals import MET, MISSED


@pytest.fixture
def report(demo_report: Report) -> Report:
    return demo_report


def only(report: Report, kind: str, member: str) -> Finding:
    found = [f for f in report.findings if f.kind == kind and f.member == member]
    assert len(found) == 1, [(f.kind, f.member) for f in report.findings]
    return found[0]


def people(finding: Finding, role: str) -> tuple[str, ...]:
    return next(a.people or (a.group or "",) for a in finding.points_at if a.role == role)


def test_report_date_is_the_end_of_the_data(report: Report) -> None:
    assert report.report_date == demo.REPORT_DATE


def test_dropoff_at_one_module_points_at_the_developer(report: Report) -> None:
    finding = only(report, "module drop-off", demo.DROPOFF_COURSE)
    assert finding.points_at[0].role == "course-developer"
    course = report.project.course_by_id[demo.DROPOFF_COURSE]
    assert people(finding, "course-developer") == (course.developer,)
    assert finding.evidence["module"] == course.modules[demo.DROPOFF_MODULE - 1].title
    assert float(finding.evidence["dropoff"]) > 0.5


def test_lagging_department_points_at_learners_and_their_head(report: Report) -> None:
    finding = only(report, "department behind on mandatory training", demo.LAGGING_DEPARTMENT)
    assert people(finding, "learner") == (f"learners in {demo.LAGGING_DEPARTMENT}",)
    head = [
        p.id
        for p in report.project.holders("department-head")
        if p.department == demo.LAGGING_DEPARTMENT
    ]
    assert people(finding, "department-head") == tuple(head)
    assert float(finding.evidence["completion_rate"]) < 0.5
    assert float(finding.evidence["median_of_other_departments"]) > 0.8


def test_expensive_vendor_points_at_the_ld_manager(report: Report) -> None:
    finding = only(report, "cost per completion outlier", demo.EXPENSIVE_VENDOR)
    ld_managers = tuple(p.id for p in report.project.holders("ld-manager"))
    assert finding.points_at[0].role == "ld-manager"
    assert people(finding, "ld-manager") == ld_managers
    ratio = float(finding.evidence["cost_per_completion"]) / float(
        finding.evidence["median_of_other_developers"]
    )
    assert ratio >= 2.5
    assert [f.member for f in report.findings if f.kind == "cost per completion outlier"] == [
        demo.EXPENSIVE_VENDOR
    ]


def test_under_and_over_spent_quarters(report: Report) -> None:
    under = [f.period for f in report.findings if f.kind == "under-spent budget"]
    over = [f.period for f in report.findings if f.kind == "over-spent budget"]
    assert under == [demo.UNDERSPENT_QUARTER]
    assert over == [demo.OVERSPENT_QUARTER]


def test_budget_cut_year_on_year(report: Report) -> None:
    row = report.metrics.row("org", "org", "FY2025")
    assert row is not None
    assert row["budget_yoy_change"] == pytest.approx(-0.11, abs=0.005)


def test_falling_trend_points_at_the_training_manager(report: Report) -> None:
    finding = only(report, "falling trend", demo.FALLING_COURSE)
    course = report.project.course_by_id[demo.FALLING_COURSE]
    assert finding.points_at[0].role == "training-manager"
    assert people(finding, "training-manager") == (course.training_manager,)
    assert finding.period == demo.FALLING_QUARTERS[-1]


def test_time_overrun_points_at_the_developer(report: Report) -> None:
    finding = only(report, "time far above expected", demo.SLOW_COURSE)
    assert finding.points_at[0].role == "course-developer"
    assert float(finding.evidence["ratio"]) >= 1.8


def test_completed_but_not_learned(report: Report) -> None:
    finding = only(report, "completed but not learned", demo.LOW_SCORE_COURSE)
    assert finding.points_at[0].role == "course-developer"
    assert float(finding.evidence["completion_rate"]) >= 0.9
    assert float(finding.evidence["average_score"]) < 60


def test_no_finding_beyond_the_planted_stories(report: Report) -> None:
    planted = {
        demo.DROPOFF_COURSE,
        demo.LAGGING_DEPARTMENT,
        demo.EXPENSIVE_VENDOR,
        "org",
        demo.FALLING_COURSE,
        demo.SLOW_COURSE,
        demo.LOW_SCORE_COURSE,
        demo.FLAT_KPI_DEPARTMENT,  # story 13
    }
    assert {f.member for f in report.findings} <= planted


def test_goals_are_met_and_missed(report: Report) -> None:
    statuses = {r.status for r in report.goals}
    assert MET in statuses and MISSED in statuses
    missed_people = {p for r in report.goals if r.status == MISSED for p in r.accountable.people}
    assert missed_people, "a missed goal names who is accountable"


def test_dirty_rows_are_accounted_for(report: Report) -> None:
    source = next(
        s for s in report.ingested.report.sources if s.path.endswith("demo-enrollments.csv")
    )
    assert source.rows_read == source.rows_loaded + source.rows_merged + source.rows_rejected
    assert source.rows_merged == 20
    reasons = " ".join(source.reasons)
    assert "unknown course" in reasons and "score out of range" in reasons
    assert "unparseable" in reasons
