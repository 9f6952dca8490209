"""A report as of a date is the report as it stood then: spend and budget of later quarters are
left out, and an unfinished fiscal year is compared with the same quarters a year before."""

from __future__ import annotations

import pytest
import yaml
from paths import REPO

from generator.domain.periods import Quarter
from generator.pages import render_pages
from generator.report import build_report, computed_metrics
from generator.report.metrics import Metrics


def _spend(period: str) -> float:
    budgets = yaml.safe_load((REPO / "config" / "budgets.yaml").read_text())["periods"]
    entry = next(p for p in budgets if p["period"] == period)
    return float(sum(line["amount"] for line in entry.get("spend", [])))


@pytest.fixture(scope="module")
def as_of_q2() -> Metrics:
    return computed_metrics(REPO, as_of=Quarter(2026, 2))


def test_a_past_quarter_counts_the_spend_of_its_quarters_only(as_of_q2: Metrics) -> None:
    """The demo's 2026-Q2 report: FY2026's spend is that of 2026-Q1 and 2026-Q2, not of the
    whole year in budgets.yaml (which made the cost per completion 172 against 71)."""
    row = as_of_q2.row("org", "org", "FY2026")
    assert row["spend"] == pytest.approx(_spend("2026-Q1") + _spend("2026-Q2"))
    assert row["spend"] < _spend("2026-Q1") + _spend("2026-Q2") + _spend("2026-Q3")
    assert row["cost_per_completion"] == pytest.approx(row["spend"] / row["completions"])
    assert row["cost_per_completion"] < 100


def test_a_year_to_date_is_compared_with_the_same_quarters_a_year_before(as_of_q2: Metrics) -> None:
    metrics = as_of_q2
    assert metrics.year_to_date == {"FY2026": "2026-Q2"}
    assert metrics.period_title("FY2026") == "FY2026 to date"
    row = metrics.row("org", "org", "FY2026")
    q1, q2 = (metrics.row("org", "org", f"2025-Q{n}") for n in (1, 2))
    assert row["enrollments__prev"] == q1["enrollments"] + q2["enrollments"]
    completed = q1["completed"] + q2["completed"]
    assert row["completion_rate__prev"] == pytest.approx(
        completed / (q1["enrollments"] + q2["enrollments"])
    )
    assert row["spend__prev"] == pytest.approx(_spend("2025-Q1") + _spend("2025-Q2"))
    # distinct learners and medians do not add up over quarters: no like-for-like change
    assert row["median_minutes__change"] != row["median_minutes__change"]  # NaN
    full = metrics.row("org", "org", "FY2025")
    assert full["enrollments__prev"] == metrics.row("org", "org", "FY2024")["enrollments"]


def test_pages_name_the_year_to_date() -> None:
    report = build_report(REPO, as_of=Quarter(2026, 3))
    pages = render_pages(report).markdown
    assert (
        "| Metric | 2026-Q3 (Oct–Dec 2025) | change | FY2026 to date (Apr 2025–Mar 2026) "
        "| change |" in pages["index.md"]
    )
    assert pages["periods/fy2026.md"].startswith("<!--") or pages["periods/fy2026.md"].startswith(
        "# FY2026 to date"
    )
    assert "Fiscal year FY2026 to date, up to 2026-Q3" in pages["periods/fy2026.md"]
    assert "FY2025 to date" not in pages["periods/fy2025.md"]


def test_a_finished_year_has_no_year_to_date() -> None:
    metrics = computed_metrics(REPO, as_of=Quarter(2026, 4))
    assert metrics.year_to_date == {}
    assert metrics.period_title("FY2026") == "FY2026"
