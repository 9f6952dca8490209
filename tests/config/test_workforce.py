"""config/workforce.yaml: optional; when present, its requirements and KPIs load with their
defaults, and every mistake in it is one located ``file:line: what; fix`` message."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from generator.config import (
    EVALUATIONS,
    PHILLIPS_4_CAVEAT,
    Evaluation,
    Kpi,
    Requirement,
    load_project,
)
from generator.domain.errors import ProblemsFound

# Line numbers in the messages below count from the first line of this text.
VALID = """\
# Competence requirements and business KPIs of Tiny Co.
requirements:
  - id: safety-certification
    title: Safety certification
    job_roles: [Forklift Operator, Warehouse Lead]
    courses: [C1]
    valid_for: 24
  - id: negotiation-basics
    title: Negotiation basics
    job_roles: [Account Manager]
    courses: [C2, C1]
    due_within: 30
    grace: 14
    due_soon: 7
    exempt_departments: [Sales]
kpis:
  - id: incidents-per-100
    label: Safety incidents per 100 staff
    unit: per 100 staff
    higher_is_better: false
    level: department
    evaluation: ltem-8
    trained_by: [C1]
  - id: deals-won
    label: Deals won
    higher_is_better: true
    evaluation: phillips-4
"""


def write(project: Path, text: str) -> None:
    (project / "config" / "workforce.yaml").write_text(text, encoding="utf-8")


def problems(project: Path) -> list[str]:
    with pytest.raises(ProblemsFound) as caught:
        load_project(project)
    return [str(problem) for problem in caught.value.problems]


def broken(old: str, new: str) -> str:
    assert old in VALID, f"VALID changed: {old!r}"
    return VALID.replace(old, new, 1)


def test_a_project_without_the_file_has_no_requirements_or_kpis(tiny_project: Path) -> None:
    assert not (tiny_project / "config" / "workforce.yaml").exists()
    project = load_project(tiny_project)
    assert project.requirements == [] and project.kpis == []
    assert not any(kind in ("requirement", "kpi") for kind, _ in project.lines)


def test_a_valid_file_loads_with_the_defaults(tiny_project: Path) -> None:
    write(tiny_project, VALID)
    project = load_project(tiny_project)
    safety, negotiation = project.requirements
    assert safety == Requirement(
        id="safety-certification",
        title="Safety certification",
        job_roles=["Forklift Operator", "Warehouse Lead"],
        courses=["C1"],
        valid_for=24,
    )
    assert (safety.due_within, safety.grace, safety.due_soon) == (90, 0, 30)
    assert safety.exempt_departments == []
    assert negotiation.valid_for is None  # never expires
    assert (negotiation.due_within, negotiation.grace, negotiation.due_soon) == (30, 14, 7)
    assert negotiation.exempt_departments == ["Sales"]
    incidents, deals = project.kpis
    assert incidents.level == "department" and incidents.evaluation == "ltem-8"
    assert incidents.trained_by == ["C1"] and incidents.higher_is_better is False
    assert deals == Kpi(
        id="deals-won", label="Deals won", higher_is_better=True, evaluation="phillips-4"
    )
    assert (deals.unit, deals.level, deals.trained_by) == ("", "department", [])


def test_the_lines_of_requirements_and_kpis_are_recorded(tiny_project: Path) -> None:
    write(tiny_project, VALID)
    lines = load_project(tiny_project).lines
    assert lines[("requirement", "safety-certification")] == ("config/workforce.yaml", 3)
    assert lines[("requirement", "negotiation-basics")] == ("config/workforce.yaml", 8)
    assert lines[("kpi", "incidents-per-100")] == ("config/workforce.yaml", 17)
    assert lines[("kpi", "deals-won")] == ("config/workforce.yaml", 24)


@pytest.mark.parametrize("text", ["", "# to be filled in\n", "requirements: []\nkpis: []\n"])
def test_an_empty_file_is_a_project_without_requirements(tiny_project: Path, text: str) -> None:
    write(tiny_project, text)
    project = load_project(tiny_project)
    assert project.requirements == [] and project.kpis == []


def test_every_evaluation_key_has_a_label() -> None:
    assert set(EVALUATIONS) == set(typing.get_args(Evaluation))
    assert EVALUATIONS["ltem-8"] == "LTEM 8 (effects of transfer) · Kirkpatrick 4 (results)"
    assert PHILLIPS_4_CAVEAT == (
        "Phillips 4 (business impact): the effect of training is not isolated from other "
        "causes; never read as ROI"
    )


BROKEN = [
    pytest.param(
        "    valid_for: 24",
        "    valid_fro: 24",
        "config/workforce.yaml:7: unknown key 'valid_fro' (did you mean 'valid_for'?); known "
        "keys here: courses, due_soon, due_within, exempt_departments, grace, id, job_roles, "
        "title, valid_for",
        id="unknown-key",
    ),
    pytest.param(
        "    title: Negotiation basics",
        "    titel: Negotiation basics",
        "config/workforce.yaml:9: unknown key 'titel' (did you mean 'title'?); known keys "
        "here: courses, due_soon, due_within, exempt_departments, grace, id, job_roles, title, "
        "valid_for",
        id="misspelt-required-key",  # and no second message that 'title' is missing
    ),
    pytest.param(
        "    courses: [C1]\n    valid_for",
        "    courses: [C7]\n    valid_for",
        "config/workforce.yaml:6: requirement 'safety-certification' names unknown course "
        "'C7'; known courses: C1, C2",
        id="unknown-course",
    ),
    pytest.param(
        "courses: [C2, C1]",
        "courses: [C2, c1]",
        "config/workforce.yaml:11: requirement 'negotiation-basics' names unknown course 'c1' "
        "(did you mean 'C1'?); known courses: C1, C2",
        id="course-in-the-wrong-case",
    ),
    pytest.param(
        "    trained_by: [C1]",
        "    trained_by: [C3]",
        "config/workforce.yaml:23: KPI 'incidents-per-100' names unknown course 'C3'; known "
        "courses: C1, C2",
        id="kpi-unknown-course",
    ),
    pytest.param(
        "valid_for: 24",
        "valid_for: yes",
        "config/workforce.yaml:7: 'requirements[0].valid_for': yes/no (true/false) is not a "
        "number; write a whole number of months, such as 24 (got True)",
        id="valid-for-yes",
    ),
    pytest.param(
        "valid_for: 24",
        "valid_for: 0",
        "config/workforce.yaml:7: 'requirements[0].valid_for': write a whole number of months "
        "of at least 1; omit it for a completion that never expires (got 0)",
        id="valid-for-zero",
    ),
    pytest.param(
        "due_within: 30",
        "due_within: 2.5",
        "config/workforce.yaml:12: 'requirements[1].due_within': write a whole number of days, "
        "such as 90 (got 2.5)",
        id="due-within-fraction",
    ),
    pytest.param(
        "grace: 14",
        "grace: -1",
        "config/workforce.yaml:13: 'requirements[1].grace': write a whole number of days of at "
        "least 0 (got -1)",
        id="grace-negative",
    ),
    pytest.param(
        "due_soon: 7",
        "due_soon: 99999999",
        "config/workforce.yaml:14: 'requirements[1].due_soon': write a whole number of days of "
        "at most 36600 (100 years) (got 99999999)",
        id="due-soon-huge",
    ),
    pytest.param(
        "  - id: negotiation-basics",
        "  - id: safety-certification",
        "config/workforce.yaml:8: duplicate requirement id 'safety-certification' (first "
        "defined on line 3); ids must be unique",
        id="duplicate-id",
    ),
    pytest.param(
        "  - id: deals-won",
        "  - id: incidents-per-100",
        "config/workforce.yaml:24: duplicate KPI id 'incidents-per-100' (first defined on line "
        "17); ids must be unique",
        id="duplicate-kpi-id",
    ),
    pytest.param(
        "  - id: deals-won",
        "  - id: Deals Won",
        "config/workforce.yaml:24: KPI id 'Deals Won' is not a slug; write lowercase letters, "
        "digits and hyphens, such as 'deals-won'",
        id="id-not-a-slug",
    ),
    pytest.param(
        "  - id: deals-won",
        "  - id: index",
        "config/workforce.yaml:24: KPI id 'index' is a reserved file name; use another, such "
        "as 'index-1'",
        id="id-reserved",
    ),
    pytest.param(
        "evaluation: ltem-8",
        "evaluation: kirkpatrick-4",
        "config/workforce.yaml:22: 'kpis[0].evaluation' is 'kirkpatrick-4'; use one of "
        "'ltem-7', 'ltem-8' or 'phillips-4'",
        id="bad-evaluation",
    ),
    pytest.param(
        "level: department",
        "level: team",
        "config/workforce.yaml:21: 'kpis[0].level' is 'team'; use one of 'department' or "
        "'job_role'",
        id="bad-level",
    ),
    pytest.param(
        "job_roles: [Account Manager]",
        "job_roles: []",
        "config/workforce.yaml:10: 'requirements[1].job_roles': name at least one job role of "
        "the HR roster (got [])",
        id="no-job-roles",
    ),
    pytest.param(
        "job_roles: [Account Manager]",
        "job_roles: [Account Manager, '  ']",
        "config/workforce.yaml:10: 'requirements[1].job_roles[1]': a name is blank; write it, "
        "or remove the item (got '  ')",
        id="blank-job-role",
    ),
    pytest.param(
        "    courses: [C1]\n    valid_for",
        "    courses: []\n    valid_for",
        "config/workforce.yaml:6: 'requirements[0].courses': name at least one course id (got [])",
        id="no-courses",
    ),
    pytest.param(
        "    higher_is_better: true\n",
        "",
        "config/workforce.yaml:24: 'kpis[1].higher_is_better' is required; add it",
        id="missing-direction",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), BROKEN)
def test_a_broken_file_gives_its_located_message(
    tiny_project: Path, old: str, new: str, expected: str
) -> None:
    write(tiny_project, broken(old, new))
    assert problems(tiny_project) == [expected]


def test_a_top_level_list_is_refused(tiny_project: Path) -> None:
    write(tiny_project, "- id: safety-certification\n")
    assert problems(tiny_project) == [
        "config/workforce.yaml:1: expected a mapping of keys at the top level"
    ]


def test_problems_of_workforce_yaml_come_with_the_other_files(tiny_project: Path) -> None:
    """One run lists every file's problems, as for the required files."""
    write(tiny_project, broken("valid_for: 24", "valid_for: yes"))
    courses = tiny_project / "config" / "courses.yaml"
    courses.write_text(courses.read_text().replace("pass_mark: 70", "pass_mark: 140", 1))
    found = problems(tiny_project)
    assert [line.split(":")[0] for line in found] == [
        "config/courses.yaml",
        "config/workforce.yaml",
    ]
