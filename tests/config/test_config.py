"""Validation users can act on: every kind of broken config gives exit 1 and a located message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from paths import REPO
from project_helpers import edit_config as edit

from generator.cli import cli


@pytest.fixture
def project(tiny_project: Path) -> Path:
    return tiny_project


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


def add_sources(project: Path, text: str) -> None:
    """Sources appended to the tiny project.yaml, whose last line is 31: ``text`` starts at 32."""
    path = project / "config" / "project.yaml"
    lines = path.read_text().splitlines()
    assert len(lines) == 31, "fixture changed: project.yaml no longer has 31 lines"
    path.write_text("\n".join([*lines, text.strip("\n")]) + "\n")


def test_values_give_a_one_course_one_term_file_its_course_and_dates(project: Path) -> None:
    (project / "data" / "term1.csv").write_text("User,Score,Offering\nT1,80,\nT2,,2025-spring\n")
    add_sources(
        project,
        """
  - path: data/term1.csv
    columns: {User: learner_id, Score: score, Offering: offering}
    values: {enrolled_on: 2025-02-03, course_id: C2, offering: 2025-winter}
""",
    )
    code, output = run(project, "--json")
    assert code == 0, output
    term1 = next(s for s in json.loads(output)["sources"] if s["path"] == "data/term1.csv")
    assert (term1["rows_read"], term1["rows_loaded"], term1["rows_rejected"]) == (2, 2, 0)

    from generator.config import load_project
    from generator.ingest import ingest

    rows = ingest(load_project(project)).enrollments
    rows = rows[rows["learner_id"].isin(["T1", "T2"])]
    assert rows["course_id"].tolist() == ["C2", "C2"]
    assert [str(d.date()) for d in rows["enrolled_on"]] == ["2025-02-03", "2025-02-03"]
    assert rows["offering"].tolist() == ["2025-winter", "2025-spring"]  # a default for blanks


def test_values_name_columns_of_the_sources_table_with_values_a_file_could_hold(
    project: Path,
) -> None:
    add_sources(
        project,
        """
  - path: data/term1.csv
    values:
      enroled_on: 2025-02-03
      score: high
      offering: ''
  - path: data/term1-surveys.csv
    table: surveys
    values: {raiting: 4}
""",
    )
    code, output = run(project)
    assert code == 1
    for expected in (
        "config/project.yaml:34: source 'data/term1.csv' (csv): 'values:' names unknown "
        "column 'enroled_on' of table 'enrollments' (did you mean 'enrolled_on'?); known "
        "columns: completed_on, course_id, department, enrolled_on, learner_id, minutes, ",
        "config/project.yaml:35: source 'data/term1.csv' (csv): values.score is 'high', not a "
        "number; fix it",
        "config/project.yaml:36: source 'data/term1.csv' (csv): values.offering is '', a "
        "blank; give a value or remove it",
        "config/project.yaml:39: source 'data/term1-surveys.csv' (csv): 'values:' names "
        "unknown column 'raiting' of table 'surveys' (did you mean 'rating'?); known columns: "
        "answered_on, course_id, learner_id, offering, rating",
    ):
        assert expected in output, output
    assert "4 problem(s) found." in output


def test_a_values_date_must_parse_in_the_date_format(project: Path) -> None:
    add_sources(
        project,
        """
  - path: data/term1.csv
    date_format: '%d/%m/%Y'
    values: {enrolled_on: 2025-02-03, completed_on: 2025-02-30}
""",
    )
    code, output = run(project)
    assert code == 1
    assert "config/project.yaml:34: '2025-02-30' is not a real date" in output, output
    # A YAML date is written in the date_format (03/02/2025); text must be in it already.
    edit(project, "project.yaml", "completed_on: 2025-02-30", "completed_on: '2025-02-28'")
    code, output = run(project)
    assert code == 1
    assert (
        "config/project.yaml:34: source 'data/term1.csv' (csv): values.completed_on is "
        "'2025-02-28', not a date (expected %d/%m/%Y); fix it\n1 problem(s) found." in output
    ), output


def test_values_are_only_for_csv_sources(project: Path) -> None:
    add_sources(
        project,
        """
  - path: data/grades.txt
    format: moodle-grades
    values: {enrolled_on: 2025-02-03, course_id: C1}
  - path: data/oulad
    format: oulad
    values: {offering: 2013J}
  - path: data/term1.csv
    course_id: C1
    values: {course_id: C1}
""",
    )
    code, output = run(project)
    assert code == 1
    for expected in (
        "config/project.yaml:34: source 'data/grades.txt' (moodle-grades): 'values:' is only "
        "for format csv; format moodle-grades takes options.enrolled_on for enrolled_on and "
        "'course_id:' for course_id instead",
        "config/project.yaml:37: source 'data/oulad' (oulad): 'values:' is only for format "
        "csv; format oulad reads offering from the export; remove 'values:'",
        "config/project.yaml:40: source 'data/term1.csv' (csv): the course is given twice, as "
        "'course_id:' and as values.course_id; keep one",
    ):
        assert expected in output, output


def test_unknown_options_are_reported_with_did_you_mean(project: Path) -> None:
    add_sources(
        project,
        """
  - path: data/grades.txt
    format: moodle-grades
    options:
      enroled_on: 2025-02-03
      pass_mark: 60
  - path: data/xapi
    format: xapi
    options: {course_mapp: {https://lms.example.org/: C1}}
  - path: data/term1.csv
    options: {enrolled_on: 2025-02-03}
""",
    )
    code, output = run(project)
    assert code == 1
    for expected in (
        "config/project.yaml:35: source 'data/grades.txt' (moodle-grades): unknown option "
        "'enroled_on' (did you mean 'enrolled_on'?); known options: enrolled_on, id_column, "
        "offering, pass_mark, pseudonymise, total_max\n",
        "config/project.yaml:39: source 'data/xapi' (xapi): unknown option 'course_mapp' (did "
        "you mean 'course_map'?); known options: course_map, pseudonymise\n",
        "config/project.yaml:41: source 'data/term1.csv' (csv): unknown option 'enrolled_on'; "
        "known options: pseudonymise; a csv source sets a column with 'values: {enrolled_on: "
        "...}'\n",
    ):
        assert expected in output, output
    assert "3 problem(s) found." in output


def test_option_values_of_the_wrong_kind_say_what_to_write(project: Path) -> None:
    add_sources(
        project,
        """
  - path: data/grades.txt
    format: moodle-grades
    options: {enrolled_on: next monday, total_max: lots, pass_mark: 60}
  - path: data/logs.csv
    format: moodle-logs
    options:
      year: last
      course_map: C1
      learner_roles: [5, student]
  - path: data/oulad
    format: oulad
    options: {activity: weekly, pseudonymise: 'no'}
""",
    )
    code, output = run(project)
    assert code == 1
    named = "config/project.yaml:{}: source '{}' ({}): options."
    for line, path, fmt, expected in (
        (
            34,
            "data/grades.txt",
            "moodle-grades",
            "enrolled_on is 'next monday'; write a date as YYYY-MM-DD",
        ),
        (34, "data/grades.txt", "moodle-grades", "total_max is 'lots'; write a number"),
        (38, "data/logs.csv", "moodle-logs", "year is 'last'; write a year such as 2022"),
        (
            39,
            "data/logs.csv",
            "moodle-logs",
            "course_map is 'C1'; write a mapping of names to course ids, one 'name: course-id' "
            "a line",
        ),
        (
            40,
            "data/logs.csv",
            "moodle-logs",
            "learner_roles is [5, 'student']; write a list of Moodle role ids, such as [5], or "
            "any (the log names roles by id)",
        ),
        (43, "data/oulad", "oulad", "activity is 'weekly'; write week (or true), site or false"),
        (43, "data/oulad", "oulad", "pseudonymise is 'no'; write true or false"),
    ):
        assert named.format(line, path, fmt) + expected in output, output
    assert "7 problem(s) found." in output


# A valid value of each kind of option (generator/domain/sources.py).
VALID = {
    "date": "2025-02-03",
    "number": 80,
    "year": 2022,
    "mapping": {"https://lms.example.org/courses/c1": "C1"},
    "text": "Student ID",
    "flag": False,
    "activity": "week",
    "roles": [5, 13],
}


def test_every_declared_option_of_every_format_is_accepted(project: Path) -> None:
    import textwrap

    import yaml

    from generator.config import load_project
    from generator.domain.sources import ADAPTER_OPTIONS
    from generator.ingest import ADAPTERS

    assert set(ADAPTER_OPTIONS) == set(ADAPTERS)
    sources = [
        {
            "path": f"data/{fmt}",
            "format": fmt,
            "options": {name: VALID[option.kind] for name, option in options.items()},
        }
        for fmt, options in ADAPTER_OPTIONS.items()
    ]
    add_sources(project, textwrap.indent(yaml.safe_dump(sources), "  "))
    loaded = load_project(project)  # no problem raised
    assert [s.options for s in loaded.settings.sources[4:]] == [s["options"] for s in sources]


def test_readme_lists_every_option_of_every_format() -> None:
    from generator.domain.sources import ADAPTER_OPTIONS

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| format | `options:` |") : readme.index("### OULAD example")]
    rows = {
        line.split(" | ")[0].strip("| `"): line
        for line in table.splitlines()
        if line.startswith("| ")
    }
    for fmt, options in ADAPTER_OPTIONS.items():
        for name in options:
            row = rows["every format"] if name == "pseudonymise" else rows[fmt]
            assert f"`{name}`" in row, (fmt, name)


# ---------------------------------------------------------------- keys and numbers YAML allows


@pytest.mark.parametrize(
    ("filename", "old", "new", "expected"),
    [
        (
            "goals.yaml",
            "    title: Safety basics is completed",
            "    ? [a, b]\n    : Safety basics is completed",
            "config/goals.yaml:3: a key is a list ([a, b]); keys are names: write the key as text",
        ),
        (
            "project.yaml",
            "currency: EUR",
            "{currency: EUR}: 1",
            "config/project.yaml:3: a key is a mapping ({currency: EUR}); keys are names: "
            "write the key as text",
        ),
        (
            "roles.yaml",
            "roles:",
            "[roles, people]:",
            "config/roles.yaml:1: a key is a list ([roles, people]); keys are names: "
            "write the key as text",
        ),
        (
            "courses.yaml",
            "    mandatory: true",
            "    [mandatory]: true",
            "config/courses.yaml:6: a key is a list ([mandatory]); keys are names: "
            "write the key as text",
        ),
        (
            "budgets.yaml",
            "      - course: C1",
            "      - {course: C1}: C1",
            "config/budgets.yaml:13: a key is a mapping ({course: C1}); keys are names: "
            "write the key as text",
        ),
    ],
    ids=["goals-list", "project-mapping", "roles-list", "courses-list", "budgets-mapping"],
)
def test_a_key_that_is_a_list_or_mapping_is_a_located_problem(
    project: Path, filename: str, old: str, new: str, expected: str
) -> None:
    edit(project, filename, old, new)
    edit(project, "courses.yaml", "    title: Negotiation", "    titel: Negotiation")
    for command in ("validate", "build"):
        result = CliRunner().invoke(cli, [command, "--project", str(project)])
        assert not isinstance(result.exception, TypeError), result.exception
        assert result.exit_code == 1, result.output
        assert expected in result.output, result.output
        # the other problems are still collected: of the same file and of the others
        assert "config/courses.yaml:12: unknown key 'titel'" in result.output


def test_every_key_that_is_a_list_is_reported_once(project: Path) -> None:
    # `? [a, b]: 1` is a mapping {[a, b]: 1} used as a key: one problem, for the list inside
    path = project / "config" / "goals.yaml"
    path.write_text(path.read_text() + "? [a, b]: 1\n? [c]: 2\n")
    code, output = run(project)
    assert code == 1
    lines = path.read_text().count("\n")
    assert f"config/goals.yaml:{lines - 1}: a key is a list ([a, b])" in output
    assert f"config/goals.yaml:{lines}: a key is a list ([c])" in output
    assert "2 problem(s) found." in output


@pytest.mark.parametrize(
    ("filename", "old", "new", "expected"),
    [
        ("budgets.yaml", "    budget: 1100", "    budget: .inf", "3: 'periods[0].budget' is inf"),
        ("budgets.yaml", "    budget: 1100", "    budget: -.inf", "3: 'periods[0].budget' is -inf"),
        (
            "budgets.yaml",
            "amount: 300",
            "amount: 1e400",
            "14: 'periods[4].spend[0].amount' is 1e400",
        ),
        (
            "budgets.yaml",
            "amount: 300",
            "amount: 1.0e+400",
            "14: 'periods[4].spend[0].amount' is inf",
        ),
        ("courses.yaml", "pass_mark: 70", "pass_mark: .nan", "7: 'courses[0].pass_mark' is nan"),
        (
            "courses.yaml",
            "expected_minutes: 30",
            "expected_minutes: .inf",
            "8: 'courses[0].expected_minutes' is inf",
        ),
        ("goals.yaml", "warning: 0.15", "warning: .nan", "8: 'goals[0].warning' is nan"),
        ("goals.yaml", 'target: ">= 0.6"', 'target: ">= inf"', "7: 'goals[0].target.value' is inf"),
        (
            "project.yaml",
            "min_group_size: 2",
            "min_group_size: 2\nthresholds: {cost_ratio: .inf}",
            "7: 'thresholds.cost_ratio' is inf",
        ),
    ],
)
def test_numbers_that_are_not_finite_are_refused_everywhere(
    project: Path, filename: str, old: str, new: str, expected: str
) -> None:
    edit(project, filename, old, new)
    code, output = run(project)
    assert code == 1
    assert f"config/{filename}:{expected}; write a finite number" in output, output


def test_money_beyond_what_sums_and_ratios_can_hold_is_refused(project: Path) -> None:
    edit(project, "budgets.yaml", "    budget: 1100", "    budget: 1e-300")
    edit(project, "budgets.yaml", "amount: 500", "amount: 1.7e+308")
    code, output = run(project)
    assert code == 1
    fix = "write 0 or an amount from 0.01 to 1e300 in the currency's units"
    assert f"config/budgets.yaml:3: 'periods[0].budget': {fix} (got '1e-300')" in output
    assert f"config/budgets.yaml:16: 'periods[4].spend[1].amount': {fix} (got 1.7e+308)" in output


def test_budgets_and_spend_of_1e300_build(project: Path) -> None:
    from generator.report import build_report
    from generator.versions.snapshot import dumps, snapshot_data

    path = project / "config" / "budgets.yaml"
    text = path.read_text()
    for old in ("budget: 1100", "budget: 1000", "amount: 300", "amount: 500", "amount: 200"):
        text = text.replace(old, old.split(":")[0] + ": 1e300")
    path.write_text(text)
    result = CliRunner().invoke(cli, ["build", "--project", str(project), "--no-mkdocs"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    data = json.loads(dumps(snapshot_data(build_report(project), "2025-Q2")))
    assert data["kpis"]["spend"] == 1e300  # 2025-Q2: the platform's 1e300 (and C2's 100)
    index = (project / "site_src" / "index.md").read_text()
    assert "inf" not in index.replace("information", "") and "nan" not in index
