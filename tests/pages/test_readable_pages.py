"""What a manager reads: findings as sentences with formatted figures and role titles,
periods with their calendar months, and role pages that count goals apart from goal results."""

from __future__ import annotations

import pytest

from generator import demo
from generator.domain.periods import FiscalCalendar
from generator.pages.context import Context
from generator.pages.finding_text import finding_sentence
from generator.pages.formatting import dated_period
from generator.pages.periods import period_page
from generator.pages.roles import role_page
from generator.pages.tables import findings_table
from generator.report import Report
from generator.report.findings import EVIDENCE_UNITS, Finding


@pytest.fixture(scope="module")
def ctx(demo_report: Report) -> Context:
    return Context(demo_report)


def only(report: Report, kind: str, member: str) -> Finding:
    found = [f for f in report.findings if f.kind == kind and f.member == member]
    assert len(found) == 1
    return found[0]


def test_a_falling_trend_reads_as_a_sentence_with_its_rates_and_months(ctx: Context) -> None:
    finding = only(ctx.report, "falling trend", demo.FALLING_COURSE)
    sentence = finding_sentence(ctx, finding)
    title = ctx.course_title(demo.FALLING_COURSE)
    before, after = float(finding.evidence["from"]), float(finding.evidence["to"])
    # the demo's fiscal year starts in April: its Q1 is April to June of the year before
    assert finding.evidence["from_period"] == "2026-Q1"
    assert sentence.startswith(
        f"Completion of {title} fell from {before:.1%} in 2026-Q1 (Apr–Jun 2025) to {after:.1%} "
        f"in {finding.evidence['to_period']} ("
    )
    assert "from_period" not in sentence and ":" not in sentence


def test_a_finding_row_names_roles_by_title_and_money_in_the_currency(ctx: Context) -> None:
    finding = only(ctx.report, "cost per completion outlier", demo.EXPENSIVE_VENDOR)
    row = findings_table(ctx, [finding], 0).rows[0]
    cost = float(finding.evidence["cost_per_completion"])
    assert f"EUR {cost:,.0f} per completion" in row[1]
    assert f"EUR {float(finding.evidence['spend']):,.0f}" in row[1]
    titles = {r.id: r.title for r in ctx.project.roles}
    points_at = row[3]
    for assignment in finding.points_at:
        assert f"{titles[assignment.role].replace('&', '&amp;')}]" in points_at
        assert f"{assignment.role}:" not in points_at  # the id is not shown
    ld_manager = ctx.project.holders("ld-manager")[0]
    assert ld_manager.name in points_at


def test_every_finding_of_the_demo_fills_its_sentence(ctx: Context) -> None:
    for finding in ctx.report.findings:
        assert finding.sentence, finding.kind
        sentence = finding_sentence(ctx, finding)  # a missing key would raise KeyError
        assert "{" not in sentence and "nan" not in sentence.lower(), sentence
        assert set(finding.evidence) <= set(EVIDENCE_UNITS), finding.kind


def test_periods_show_their_calendar_months() -> None:
    july = FiscalCalendar(7)
    assert dated_period(july, "2026-Q2") == "2026-Q2 (Oct–Dec 2025)"
    assert dated_period(july, "2026-Q3") == "2026-Q3 (Jan–Mar 2026)"
    assert dated_period(july, "FY2026") == "FY2026 (Jul 2025–Jun 2026)"
    assert dated_period(FiscalCalendar(1), "FY2025") == "FY2025 (Jan–Dec 2025)"
    assert dated_period(FiscalCalendar(12), "2026-Q1") == "2026-Q1 (Dec 2025–Feb 2026)"
    assert dated_period(july, "FY2026", "FY2026 to date") == "FY2026 to date (Jul 2025–Jun 2026)"
    assert dated_period(july, "not a period") == "not a period"


def test_a_period_page_heading_and_links_show_the_months(ctx: Context) -> None:
    markdown = next(iter(period_page(ctx, "2026-Q2").markdown.values()))
    heading = next(line for line in markdown.splitlines() if line.startswith("# "))
    assert heading == "# 2026-Q2 (Jul–Sep 2025)"  # an April fiscal year start
    assert "[2026-Q3 (Oct–Dec 2025)](../periods/2026-q3.md)" in markdown
    assert "| Metric | 2026-Q2 (Jul–Sep 2025) | change |" in markdown


def test_a_role_page_counts_goals_apart_from_goal_results(ctx: Context) -> None:
    markdown = next(iter(role_page(ctx, "training-manager").markdown.values()))
    card = ctx.report.role_scorecards["training-manager"]
    results = sum(card.counts.values())
    assert results > len(card.goals)  # a goal gives a result per scope member and period
    assert f"This role is accountable for {len(card.goals)} goals." in markdown
    assert "one goal for one member of its scope" in markdown
    assert (
        f"Its {results:,} goal results: {card.counts['met']} met, "
        f"{card.counts['at risk']} at risk, {card.counts['missed']} missed, "
        f"{card.counts['no data']} without data" in markdown
    )
    assert "| Person | Goals accountable for | Goal results |" in markdown
    for person in ctx.project.holders("training-manager"):
        personal = ctx.report.people_scorecards[person.id]
        name = ctx.person_page_link(person.id, 1)
        row = f"| {name} | {len(personal.goals)} | {sum(personal.counts.values()):,} | "
        assert row in markdown
    assert "Goals owned" not in markdown
