"""Goals on the HR roster's figures (the catalogue's workforce metrics), end to end on the tiny
project with its roster (tests/roster_fixture.py; report date 2025-06-30, calendar quarters).

Counted by hand from the roster and the LMS export:
- 2025-06-30 (2025-Q2 and FY2025 to date): Operators L5 (C1 completed 2025-04-10: on track),
  L6 (C1 completed only on 2025-07-15, due 30 days after hire: overdue) and L9 (never enrolled:
  overdue). In date 1 of 3; competent 1 of 3.
- 2025-03-31 (2025-Q1): Operators L3, L4, L5, L6 and L9, each past their 30 days without a
  completion (L5 completes on 2025-04-10): in date 0 of 5.
- FY2025: employees on 2025-06-30 are L1, L2, L4, L5, L6 and L9 (L3 left on 2025-04-30);
  spend 300 + 500 + 200 + 100 = 1,100, so 183.33 per employee. Ops turnover 1/3.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import load_project
from generator.domain.errors import ProblemsFound
from generator.report import build_report
from generator.report.goals import LINE_MANAGER_ROLE, MET, MISSED

GOALS = """\
  - id: operators-in-date
    title: Operators keep their required courses in date
    kind: business
    metric: compliance_rate
    scope: {level: department, ids: [Ops]}
    target: ">= 0.9"
    periods: all
    raci:
      accountable: ops-lead
      responsible: [line-manager]
  - id: coverage
    title: Role holders are competent
    kind: business
    metric: competence_coverage
    scope: org
    target: ">= 0.3"
    periods: [2025-Q2]
    raci:
      accountable: training-manager
  - id: spend-per-employee
    title: Spend per employee
    kind: business
    metric: cost_per_employee
    scope: org
    target: "<= 200"
    periods: all
    raci:
      accountable: ld-manager
  - id: turnover
    title: Turnover
    kind: business
    metric: turnover_rate
    scope: department
    target: "<= 0.2"
    periods: all
    raci:
      accountable: ld-manager
"""

OLGA = """\
  - id: olga
    name: Olga Ortiz
    roles: [ops-lead]
    department: Ops
"""
OPS_LEAD = """\
  - id: ops-lead
    title: Operations lead
    answers_for: the operators' competence
"""


@pytest.fixture
def project(tiny_roster_project: Path) -> Path:
    config = tiny_roster_project / "config"
    goals = config / "goals.yaml"
    goals.write_text(goals.read_text() + GOALS)
    roles = (config / "roles.yaml").read_text()
    roles = roles.replace("people:\n", OPS_LEAD + "people:\n" + OLGA, 1)
    (config / "roles.yaml").write_text(roles)
    return tiny_roster_project


def _results(project: Path, goal_id: str) -> dict[tuple[str, str], object]:
    report = build_report(project)
    return {(r.member, r.period): r for r in report.goals if r.goal_id == goal_id}


def test_compliance_rate_per_quarter_and_year(project: Path) -> None:
    results = _results(project, "operators-in-date")
    # the report's quarters (from 2024-Q1, the budgets' first); a goal over 'all' takes them
    assert {("Ops", "2025-Q1"), ("Ops", "2025-Q2"), ("Ops", "2024-Q4")} <= set(results)
    q1, q2 = results[("Ops", "2025-Q1")], results[("Ops", "2025-Q2")]
    assert q1.value == pytest.approx(0.0) and q1.learners == 5
    assert q2.value == pytest.approx(1 / 3) and q2.learners == 3
    assert q2.status == MISSED


def test_line_manager_resolves_through_the_roster(project: Path) -> None:
    result = _results(project, "operators-in-date")[("Ops", "2025-Q2")]
    assert result.accountable.people == ("olga",)
    [line] = result.responsible
    assert line.role == LINE_MANAGER_ROLE
    assert line.people == ("olga",)  # the roster's manager of Ops, a person of roles.yaml


def test_coverage_and_spend_per_employee(project: Path) -> None:
    coverage = _results(project, "coverage")[("org", "2025-Q2")]
    assert coverage.value == pytest.approx(1 / 3)
    assert coverage.status == MET
    # a yearly metric over 'all' periods takes the fiscal years
    spend = _results(project, "spend-per-employee")
    assert set(spend) == {("org", "FY2024"), ("org", "FY2025")}
    assert spend[("org", "FY2025")].value == pytest.approx(1100 / 6)
    assert spend[("org", "FY2025")].status == MET


def test_turnover_per_department(project: Path) -> None:
    turnover = _results(project, "turnover")
    assert turnover[("Ops", "FY2025")].value == pytest.approx(1 / 3)
    assert turnover[("Ops", "FY2025")].status == MISSED
    # Sales: 2 employees on 2025-01-01 (L1, L2), 3 on 2025-06-30 (L4 joins); nobody left
    assert turnover[("Sales", "FY2025")].value == pytest.approx(0.0)


def test_small_departments_are_hidden_not_evaluated(project: Path) -> None:
    project_yaml = project / "config" / "project.yaml"
    project_yaml.write_text(
        project_yaml.read_text().replace("min_group_size: 2", "min_group_size: 4")
    )
    q2 = _results(project, "operators-in-date")[("Ops", "2025-Q2")]
    assert q2.value is None
    assert q2.note.startswith("fewer than 4")


def test_a_workforce_goal_without_a_roster_is_a_located_error(tiny_project: Path) -> None:
    goals = tiny_project / "config" / "goals.yaml"
    goals.write_text(
        goals.read_text() + GOALS.split("  - id: coverage")[0].replace("ops-lead", "ld-manager")
    )
    with pytest.raises(ProblemsFound) as raised:
        load_project(tiny_project)
    message = str(raised.value)
    assert "config/goals.yaml:" in message
    assert "targets compliance_rate, a figure of the HR roster, but no source gives" in message


def test_the_manager_view_counts_each_named_managers_team(project: Path) -> None:
    """Olga (a person of roles.yaml) manages the three Operators on the report date; Sam is
    no person, so the Agents' row is "(no named manager)" with no required course."""
    managers = build_report(project).workforce.managers.set_index("manager")
    assert list(managers.index) == ["olga"]
    olga = managers.loc["olga"]
    assert (olga["holders"], olga["overdue"], olga["expired"]) == (3, 2, 0)
    assert olga["in_date"] == pytest.approx(1 / 3)
    assert olga["coverage"] == pytest.approx(1 / 3)


def test_quarters_are_counted_only_for_goals_that_ask(tiny_roster_project: Path) -> None:
    """Without a goal on compliance per quarter, only the fiscal years are counted (each
    quarter is one more pass over the roster)."""
    table = build_report(tiny_roster_project).workforce.goal_table
    counted = table.loc[table["compliance_rate"].notna(), "period"]
    assert set(counted) == {"FY2024", "FY2025"}
