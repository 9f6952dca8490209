"""The catalogue is the one definition of a metric: a metric added there with a formula is
computed, re-aggregated for goals over a course filter and formatted with no other change."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.domain import catalog
from generator.domain.catalog import ATTENDANCE, METRICS, SUMS, Metric, Ratio
from generator.pages.formatting import Formatter
from generator.report import build_report, computed_metrics

OPEN_RATE = Metric(
    "open_rate",
    "Still open (share)",
    "rate",
    False,
    ATTENDANCE,
    "share of the period's enrolments still open at the report date",
    formula=Ratio("open", "enrollments"),
)


@pytest.fixture
def open_rate(monkeypatch: pytest.MonkeyPatch) -> Metric:
    monkeypatch.setitem(catalog.METRICS, OPEN_RATE.name, OPEN_RATE)
    return OPEN_RATE


def test_a_new_ratio_metric_is_computed_from_its_formula(tiny_project: Path, open_rate: Metric):
    figures = computed_metrics(tiny_project)
    # C1 2025-Q1: L1, L2 completed, L3 withdrawn, L4 in progress; C2 2025-Q1: L1, L5 finished.
    assert figures.row("course", "C1", "2025-Q1")[open_rate.name] == pytest.approx(1 / 4)
    assert figures.row("org", "org", "2025-Q1")[open_rate.name] == pytest.approx(1 / 6)
    assert figures.row("course", "C2", "2025-Q1")[open_rate.name] == 0


def test_a_goal_over_a_course_filter_re_aggregates_a_new_metric(
    tiny_project: Path, open_rate: Metric
):
    """At org level over the mandatory courses (C1 only) the figure is C1's, not the org's."""
    project_yaml = tiny_project / "config" / "project.yaml"
    settings = yaml.safe_load(project_yaml.read_text())
    settings["min_group_size"] = 2
    project_yaml.write_text(yaml.safe_dump(settings))
    goals_yaml = tiny_project / "config" / "goals.yaml"
    goals = yaml.safe_load(goals_yaml.read_text())
    goals["goals"].append(
        {
            "id": "mandatory-open",
            "title": "Mandatory enrolments are closed",
            "kind": "learning",
            "metric": open_rate.name,
            "scope": {"level": "org", "mandatory": True},
            "target": "<= 0.2",
            "periods": ["2025-Q1"],
            "raci": {"accountable": "training-manager"},
        }
    )
    goals_yaml.write_text(yaml.safe_dump(goals))
    report = build_report(tiny_project)
    [result] = [r for r in report.goals if r.goal_id == "mandatory-open"]
    assert result.value == pytest.approx(1 / 4)
    assert result.status == "missed"


def test_a_new_metric_is_formatted_by_its_unit(open_rate: Metric):
    assert Formatter("EUR", 5).value(open_rate.name, 0.25) == "25.0%"


def test_additive_metrics_are_made_from_sums_alone():
    additive = {m.name for m in METRICS.values() if m.additive}
    assert {"completion_rate", "average_score", "cost_per_completion"} <= additive
    # distinct learners and budgets do not add up over parts
    assert not METRICS["cost_per_learner"].additive
    assert not METRICS["budget_utilisation"].additive
    assert all(set(METRICS[name].inputs) <= set(SUMS) for name in additive)
