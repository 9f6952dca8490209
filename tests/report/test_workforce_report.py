"""The workforce tables end to end: an HR roster source beside the tiny project's LMS export,
through ingest, both engines' learner completions and the report, checked against counts made
here from the two CSV files alone; and the workforce page in a strict MkDocs build."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from roster_fixture import WORKFORCE

from generator.commands.build import build
from generator.commands.validate import validate_project
from generator.report import build_report
from generator.report.workforce import ALL


def independent_completions(project: Path, day: date) -> pd.DataFrame:
    """Completions on or before the report date, read from the LMS export with pandas."""
    lms = pd.read_csv(project / "data" / "lms.csv", dtype=str)
    lms["Completed"] = pd.to_datetime(lms["Completed"], errors="coerce")
    return lms[lms["Completed"].notna() & (lms["Completed"] <= pd.Timestamp(day))]


def test_reach_equals_a_count_of_the_two_files(tiny_roster_project: Path) -> None:
    project = tiny_roster_project
    report = build_report(project)
    day = report.report_date
    roster = pd.read_csv(project / "data" / "roster.csv", parse_dates=["hired_on", "left_on"])
    latest = roster.sort_values("effective_on", na_position="first").groupby("employee_id").last()
    employed = latest[(latest["hired_on"] <= pd.Timestamp(day)) & latest["left_on"].isna()]
    done = independent_completions(project, day)
    trained = set(done.loc[done["Completed"].dt.year == 2025, "User"])
    reach = report.workforce.reach.set_index(["department", "period"])
    for department, staff in [*employed.groupby("department"), (ALL, employed)]:
        assert reach.at[(department, "FY2025"), "headcount"] == len(staff), department
        expected = len(set(staff.index) & trained)
        assert reach.at[(department, "FY2025"), "trained"] == expected, department


def test_compliance_of_the_operators(tiny_roster_project: Path) -> None:
    """Operators on 2025-06-30: L5 (C1 completed 2025-04-10: on track), L6 (C1 completes after
    the report date: due 30 days after hire 2025-01-15, overdue), L9 (never enrolled, hired
    2023: overdue). L3 left, L4 is an Agent since May."""
    project = tiny_roster_project
    report = build_report(project)
    compliance = report.workforce.compliance.set_index("department")
    assert compliance.at["Ops", "holders"] == 3
    assert compliance.at["Ops", "on track"] == 1
    assert compliance.at["Ops", "overdue"] == 2
    coverage = report.workforce.coverage.set_index("job_role")
    assert coverage.at["Operator", "certified"] == 1


def test_turnover_of_the_year_to_date(tiny_roster_project: Path) -> None:
    project = tiny_roster_project
    report = build_report(project)
    turnover = report.workforce.turnover.set_index(["department", "period"])
    # Ops on 2025-01-01: L3, L4, L9 (L5 and L6 join later); on 2025-06-30: L5, L6, L9
    assert turnover.at[("Ops", "FY2025"), "average_headcount"] == 3
    assert turnover.at[("Ops", "FY2025"), "leavers"] == 1
    assert turnover.at[("Ops", "FY2025"), "turnover"] == pytest.approx(1 / 3)


def test_new_hires_retraining_cost(tiny_roster_project: Path) -> None:
    """Hired in 2025: L6 (Ops, 2025-01-15; completes only after the report date) and L5 (Ops,
    2025-02-01; C1 completed 2025-04-10, C2 failed): 1 completion. FY2025's cost per
    completion: spend 1,100 over the 4 completions to date (L1 C1, L2 C1, L1 C2, L5 C1)."""
    report = build_report(tiny_roster_project)
    hires = report.workforce.new_hires.set_index(["department", "period"])
    row = hires.loc[(ALL, "FY2025")]
    assert (row["hires"], row["hire_completions"]) == (2, 1)
    assert row["retraining_cost"] == pytest.approx(1 * 1100 / 4)
    assert hires.loc[("Ops", "FY2025"), "retraining_cost"] == pytest.approx(275)


def test_a_project_without_a_roster_has_no_workforce(tiny_project: Path) -> None:
    assert build_report(tiny_project).workforce.empty


def test_requirements_without_a_roster_are_a_warning(tiny_project: Path) -> None:
    (tiny_project / "config" / "workforce.yaml").write_text(WORKFORCE)
    report = build_report(tiny_project)
    assert report.workforce.empty
    assert any("no source gives the HR roster" in w for w in report.warnings)


def test_validate_warns_of_what_workforce_yaml_declares_and_no_source_gives(
    tiny_project: Path,
) -> None:
    kpi = (
        "kpis:\n  - id: incidents\n    label: Incidents\n    higher_is_better: false\n"
        "    evaluation: ltem-8\n    trained_by: [C1]\n"
    )
    (tiny_project / "config" / "workforce.yaml").write_text(WORKFORCE + kpi)
    result = validate_project(tiny_project)
    assert result.valid
    lines = result.summary_lines()
    assert any(line.startswith("warning:") and "HR roster" in line for line in lines)
    assert any("declares KPIs but no source gives their values" in line for line in lines)


@pytest.mark.slow
def test_the_workforce_page_builds_in_strict_mode(tiny_roster_project: Path) -> None:
    project = tiny_roster_project
    result = build(project)
    assert result.site_dir is not None
    page = (project / "site_src" / "workforce.md").read_text()
    assert "## Compliance as of 2025-06-30" in page
    assert "| Safety basics for operators: [Safety basics](courses/c1.md) |" in page
    assert "Exempt" not in page  # no role holder is exempt: the column is left out
    # the roster's managers are no persons of roles.yaml: never published by their id
    assert "olga" not in page and "(no named manager)" in page
    assert (result.site_dir / "workforce.html").is_file() or (
        result.site_dir / "workforce" / "index.html"
    ).is_file()
    department = (project / "site_src" / "departments").glob("*.md")
    assert any("## Workforce" in p.read_text() for p in department)
    ld_manager = (project / "site_src" / "roles" / "ld-manager.md").read_text()
    assert "## From budget to workforce" in ld_manager
    # FY2025 to date: 3 of 6 employees trained (test_reach_equals_a_count_of_the_two_files)
    assert "| FY2025 to date (Jan–Dec 2025) |" in ld_manager and "| 50.0% |" in ld_manager
    # competent on the report date: 1 of the 3 Operators (test_compliance_of_the_operators)
    [fy2025] = [
        line
        for line in ld_manager.splitlines()
        if line.startswith("| FY2025 to date (Jan–Dec 2025) |")
    ]
    assert fy2025.endswith("| 50.0% | 33.3% |")


def test_an_overdue_requirement_is_a_finding_pointing_at_who_answers(
    tiny_roster_project: Path,
) -> None:
    """2 of Ops' 3 operators are overdue on C1 (above the default 20%): the finding points at
    C1's training manager (tom); the roster's manager 'olga' is no person of roles.yaml."""
    report = build_report(tiny_roster_project)
    [finding] = [f for f in report.findings if f.kind == "required course overdue"]
    assert finding.member == "Ops"
    assert finding.evidence["overdue"] == 2
    assert finding.evidence["holders"] == 3
    people = {a.role: a.people for a in finding.points_at}
    assert people["training-manager"] == ("tom",)
    assert "manager" not in people


def test_no_turnover_finding_without_an_outlier(tiny_roster_project: Path) -> None:
    """Sales has no leavers in FY2025 (turnover 0): Ops' 1/3 is no multiple of a median of 0."""
    report = build_report(tiny_roster_project)
    assert not [f for f in report.findings if f.kind == "turnover drives retraining"]


def test_the_snapshot_is_the_compliance_record(tiny_roster_project: Path) -> None:
    from generator.versions.snapshot import dumps, snapshot_data

    data = snapshot_data(build_report(tiny_roster_project), "2025-Q2")
    dumps(data)  # valid JSON without NaN
    [ops] = [r for r in data["workforce"]["compliance"] if r["department"] == "Ops"]
    assert (ops["holders"], ops["on track"], ops["overdue"]) == (3, 1, 2)
    assert "__hidden" not in ops
