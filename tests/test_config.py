"""Validation users can act on: every kind of broken config gives exit 1 and a located message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli


@pytest.fixture
def project(tiny_project: Path) -> Path:
    return tiny_project


def edit(project: Path, name: str, old: str, new: str) -> None:
    path = project / "config" / name
    text = path.read_text()
    assert old in text, f"fixture changed: {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1))


def run(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", "--project", str(project), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_valid_project_prints_summary(project: Path) -> None:
    code, output = run(project)
    assert code == 0
    assert "Tiny Co: valid" in output
    assert "4 roles, 4 people, 2 courses, 3 goals, 6 budget periods" in output
    assert "LMS rows: 32 read, 29 loaded, 1 merged, 2 rejected from 4 source(s)" in output
    assert (
        "data/lms.csv: 1 rejected: unknown course 'C9' (not in config/courses.yaml) (lines 12)"
        in output
    )


def test_json_output_has_valid_problems_counts(project: Path) -> None:
    code, output = run(project, "--json")
    data = json.loads(output)
    assert code == 0 and data["valid"] is True and data["problems"] == []
    assert data["counts"]["courses"] == 2 and data["counts"]["rows_rejected"] == 2
    lms = data["sources"][0]
    assert lms["rows_read"] == lms["rows_loaded"] + lms["rows_merged"] + lms["rows_rejected"]
    assert data["status_counts"] == {
        "completed": 5,
        "enrolled": 1,
        "failed": 1,
        "in_progress": 1,
        "withdrawn": 1,
    }


def test_strict_turns_rejections_into_problems(project: Path) -> None:
    code, output = run(project, "--strict")
    assert code == 1
    assert "error: data/lms.csv:13: 1 row(s) rejected: unparseable enrolled_on" in output


BROKEN = [
    pytest.param(
        "goals.yaml",
        "    kind: learning\n    metric: completion_rate",
        "    kind: learning\n   metric: completion_rate",
        "config/goals.yaml:5: YAML syntax error:",
        id="yaml-syntax",
    ),
    pytest.param(
        "courses.yaml",
        "    title: Negotiation",
        "    titel: Negotiation",
        "config/courses.yaml:12: unknown key 'titel' (did you mean 'title'?); known keys "
        "here: audience, audience_size, developer, expected_minutes, id, mandatory, "
        "modules, pass_mark, title, training_manager",
        id="unknown-key",
    ),
    pytest.param(
        "courses.yaml",
        "    pass_mark: 60",
        "    pass_mark: high",
        "config/courses.yaml:15: 'courses[1].pass_mark': Input should be a valid number, "
        "unable to parse string as a number (got 'high')",
        id="wrong-type",
    ),
    pytest.param(
        "courses.yaml",
        "  - id: C2",
        "  - id: C1",
        "config/courses.yaml:11: duplicate course id 'C1' (first defined on line 2); ids "
        "must be unique",
        id="duplicate-id",
    ),
    pytest.param(
        "goals.yaml",
        'target: ">= 0.6"',
        'target: ">= 1.4"',
        "config/goals.yaml:7: goal 'c1-completion' targets completion_rate >= 1.4, which "
        "is impossible: a rate is between 0 and 1 (rates are fractions: write 0.85 for 85%)",
        id="impossible-target",
    ),
    pytest.param(
        "goals.yaml",
        "periods: [2025-Q1, 2025-Q2]\n    raci:\n      accountable: training",
        "periods: [2025-Q1, 2025-Q5]\n    raci:\n      accountable: training",
        "config/goals.yaml:9: goal 'c1-completion': period '2025-Q5' is not a period; "
        "write a quarter (2025-Q3) or a fiscal year (FY2025); known periods: 2024-Q1, "
        "2024-Q2, 2024-Q3, 2024-Q4, 2025-Q1, 2025-Q2, FY2024, FY2025",
        id="malformed-period",
    ),
    pytest.param(
        "goals.yaml",
        "periods: [2025-Q1]",
        "periods: [2031-Q1]",
        "config/goals.yaml:30: goal 'mandatory-scores': period '2031-Q1' is not a period "
        "of config/budgets.yaml; known periods:",
        id="unknown-period",
    ),
    pytest.param(
        "goals.yaml",
        "accountable: ld-manager",
        "accountable: tutor",
        "config/goals.yaml:22: goal 'budget-use' names unknown role 'tutor'; known roles: "
        "course-developer, ld-manager, learner, training-manager",
        id="unknown-role",
    ),
    pytest.param(
        "goals.yaml",
        "metric: budget_utilisation",
        "metric: budget_utilization",
        "config/goals.yaml:17: goal 'budget-use' names unknown metric 'budget_utilization' "
        "(did you mean 'budget_utilisation'?); known metrics:",
        id="unknown-metric",
    ),
    pytest.param(
        "courses.yaml",
        "developer: dev-b",
        "developer: dev-c",
        "config/courses.yaml:13: course 'C2' names developer 'dev-c', who does not hold "
        "role 'course-developer' in config/roles.yaml (did you mean 'dev-b'?); known course "
        "developers: dev-a, dev-b",
        id="unknown-developer",
    ),
    pytest.param(
        "budgets.yaml",
        "      - course: C2",
        "      - course: C3",
        "config/budgets.yaml:22: spend names unknown course 'C3'",
        id="budget-unknown-course",
    ),
    pytest.param(
        "budgets.yaml",
        "  - period: 2024-Q2",
        "  - period: 2024-Q7",
        "config/budgets.yaml:4: period '2024-Q7' is not a fiscal quarter; write it as "
        "YYYY-Qn, such as 2025-Q3",
        id="budget-bad-period",
    ),
    pytest.param(
        "project.yaml",
        "    format: csv\n    columns:",
        "    format: moodle-csv\n    columns:",
        "config/project.yaml:9: source 'data/lms.csv' has unknown format 'moodle-csv'",
        id="unknown-format",
    ),
    pytest.param(
        "project.yaml",
        "      Dept: department",
        "      Dept: departement",
        "config/project.yaml:13: column mapping targets unknown column 'departement' of "
        "table 'enrollments' (did you mean 'department'?)",
        id="unknown-column",
    ),
    pytest.param(
        "roles.yaml",
        "    roles: [training-manager]",
        "    roles: [trainer]",
        "config/roles.yaml:20: person 'tom' holds unknown role 'trainer'",
        id="person-role",
    ),
    pytest.param(
        "goals.yaml",
        "    scope: org",
        "    scope: org\n    scope: course",
        "config/goals.yaml:19: key 'scope' appears twice; keep one of them",
        id="duplicate-key",
    ),
    pytest.param(
        "goals.yaml",
        "    kind: business",
        "    kind: money",
        "config/goals.yaml:16: 'goals[1].kind' is 'money'; use one of 'business' or 'learning'",
        id="bad-literal",
    ),
    pytest.param(
        "courses.yaml",
        "    developer: dev-a\n",
        "",
        "config/courses.yaml:2: 'courses[0].developer' is required; add it",
        id="missing-field",
    ),
]


@pytest.mark.parametrize(("filename", "old", "new", "expected"), BROKEN)
def test_broken_config_is_reported_with_location(
    project: Path, filename: str, old: str, new: str, expected: str
) -> None:
    edit(project, filename, old, new)
    code, output = run(project)
    assert code == 1
    assert "Traceback" not in output
    assert expected in output, output


def test_all_problems_are_collected_together(project: Path) -> None:
    edit(project, "courses.yaml", "    title: Negotiation", "    titel: Negotiation")
    edit(project, "goals.yaml", "    kind: business", "    kind: money")
    edit(
        project,
        "budgets.yaml",
        "    budget: 1000\n    spend:\n      - course: C1",
        "    budget: lots\n    spend:\n      - course: C1",
    )
    code, output = run(project)
    assert code == 1
    assert "config/courses.yaml:12: unknown key 'titel'" in output
    assert "config/goals.yaml:16: 'goals[1].kind' is 'money'" in output
    assert "config/budgets.yaml:11: 'periods[4].budget': Input should be a valid number" in output
    assert "3 problem(s) found." in output


def test_cross_references_are_all_reported(project: Path) -> None:
    edit(project, "goals.yaml", "accountable: ld-manager", "accountable: tutor")
    edit(project, "roles.yaml", "    roles: [training-manager]", "    roles: [trainer]")
    code, output = run(project)
    assert code == 1
    assert "config/goals.yaml:22: goal 'budget-use' names unknown role 'tutor'" in output
    assert "config/roles.yaml:20: person 'tom' holds unknown role 'trainer'" in output


def test_missing_file_is_named(project: Path) -> None:
    (project / "config" / "goals.yaml").unlink()
    code, output = run(project)
    assert code == 1
    assert "config/goals.yaml: missing; create it (see README: goals.yaml)" in output


def test_json_problems_have_file_line_message(project: Path) -> None:
    edit(project, "goals.yaml", "accountable: ld-manager", "accountable: tutor")
    code, output = run(project, "--json")
    data = json.loads(output)
    assert code == 1 and data["valid"] is False
    assert data["problems"][0]["file"] == "config/goals.yaml"
    assert data["problems"][0]["line"] == 22
    assert "unknown role 'tutor'" in data["problems"][0]["message"]


@pytest.mark.parametrize("command", ["validate", "demo-data"])
def test_every_help_ends_with_an_example(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert result.output.rstrip().splitlines()[-1].strip().startswith("Example: accountability")


def test_top_level_help_ends_with_an_example() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.output.rstrip().splitlines()[-1].strip().startswith("Example: accountability")
