"""Hostile config (issue 21): inputs that used to exhaust memory, crash or slip through
validation are refused with a located message and exit 1."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from project_helpers import edit_config as edit

from generator.cli import cli
from generator.config.yamlfile import MAX_ALIAS_NODES, parse_yaml
from generator.domain.errors import ProblemsFound
from generator.domain.periods import plausible_window


@pytest.fixture
def project(tiny_project: Path) -> Path:
    return tiny_project


def run(project: Path, *args: str) -> tuple[int, str]:
    command = args or ("validate",)
    result = CliRunner().invoke(cli, [command[0], "--project", str(project), *command[1:]])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output


# ---------------------------------------------------------------- aliases


def alias_bomb(levels: int, indent: str = "      ") -> str:
    """Lines of a 'billion laughs': each list names the one before ten times (10**levels)."""
    lines = [f'{indent}l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        lines.append(f"{indent}l{level}: &l{level} [{','.join([f'*l{level - 1}'] * 10)}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_in_a_sources_options_is_refused_before_it_is_expanded(
    project: Path,
) -> None:
    # 10**7 values when expanded: some ten seconds and 600 MB before aliases were counted.
    bomb = alias_bomb(7) + "      pseudonymise: *l6\n"
    edit(
        project,
        "project.yaml",
        "      Dropped: withdrawn\n",
        "      Dropped: withdrawn\n    options:\n" + bomb,
    )
    code, output = run(project)
    assert code == 1
    assert output.splitlines() == [
        "error: config/project.yaml:28: too many aliases: expanded, they add more than "
        "100,000 values to the file; write the values out",
        "1 problem(s) found.",
    ]


def test_a_billion_laughs_is_refused_at_once() -> None:
    with pytest.raises(ProblemsFound) as caught:
        parse_yaml("x:\n" + alias_bomb(9, "  "), "config/goals.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "config/goals.yaml:6: too many aliases: expanded, they add more than 100,000 values "
        "to the file; write the values out"
    ]


def test_aliases_that_add_few_values_are_read() -> None:
    text = "base: &base {a: 1, b: [x, y]}\none: *base\ntwo: {<<: *base, c: 2}\n"
    assert parse_yaml(text, "f.yaml") == {
        "base": {"a": 1, "b": ["x", "y"]},
        "one": {"a": 1, "b": ["x", "y"]},
        "two": {"a": 1, "b": ["x", "y"], "c": 2},
    }
    many = "a: &a [" + ",".join(["v"] * 99) + "]\nb: [" + ",".join(["*a"] * 1000) + "]\n"
    assert len(parse_yaml(many, "f.yaml")["b"]) == 1000  # 100,000 values: at the limit
    assert MAX_ALIAS_NODES == 100_000


def test_an_alias_inside_itself_is_a_located_problem_not_a_hang() -> None:
    with pytest.raises(ProblemsFound) as caught:
        parse_yaml("a: &a [1, *a]\n", "config/goals.yaml")
    assert str(caught.value.problems[0]).startswith("config/goals.yaml:1: ")


# ---------------------------------------------------------------- yes/no where a number is meant

YES_NO = "yes/no (true/false) is not a number; write the number (got True)"


@pytest.mark.parametrize(
    ("filename", "old", "new", "expected"),
    [
        ("project.yaml", "min_group_size: 2", "min_group_size: yes", "6: 'min_group_size'"),
        (
            "project.yaml",
            "min_group_size: 2",
            "min_group_size: 2\nthresholds: {falling_periods: on, low_score: true}",
            "7: 'thresholds.falling_periods'",
        ),
        ("courses.yaml", "pass_mark: 70", "pass_mark: yes", "7: 'courses[0].pass_mark'"),
        (
            "courses.yaml",
            "audience_size: 10",
            "audience_size: yes",
            "9: 'courses[0].audience_size'",
        ),
        ("budgets.yaml", "    budget: 1100", "    budget: true", "3: 'periods[0].budget'"),
        ("goals.yaml", "warning: 0.15", "warning: yes", "8: 'goals[0].warning'"),
    ],
)
def test_yes_or_no_is_no_number_in_any_file(
    project: Path, filename: str, old: str, new: str, expected: str
) -> None:
    edit(project, filename, old, new)
    code, output = run(project)
    assert code == 1
    assert f"error: config/{filename}:{expected}: {YES_NO}" in output, output


def test_yes_or_no_is_still_a_flag_where_one_is_meant(project: Path) -> None:
    edit(project, "courses.yaml", "mandatory: true", "mandatory: yes")
    assert run(project)[0] == 0


def test_the_minimum_group_size_is_at_least_two(project: Path) -> None:
    edit(project, "project.yaml", "min_group_size: 2", "min_group_size: 1")
    code, output = run(project)
    assert code == 1
    assert (
        "config/project.yaml:6: 'min_group_size': Input should be greater than or equal to 2"
        in output
    )


# ---------------------------------------------------------------- plausible report dates


def window_end() -> str:
    return str(plausible_window(date.today())[1])


@pytest.mark.parametrize(
    ("report_date", "why"),
    [
        ("9999-12-31", "is more than 1 year(s) after today (plausible_dates.years_ahead)"),
        ("1900-01-01", "is before 1990-01-01 (plausible_dates.earliest)"),
    ],
)
def test_a_report_date_outside_the_plausible_window_is_a_located_problem(
    project: Path, report_date: str, why: str
) -> None:
    # 9999-12-31 made 79,789 pages in 13 minutes: a page per quarter up to it.
    edit(project, "project.yaml", "report_date: 2025-06-30", f"report_date: {report_date}")
    code, output = run(project)
    assert code == 1
    assert (
        f"error: config/project.yaml:5: report_date {report_date} {why}; write the day the "
        "report is as of, or change plausible_dates"
    ) in output


def test_plausible_dates_widen_the_window(project: Path) -> None:
    edit(
        project,
        "project.yaml",
        "report_date: 2025-06-30",
        "report_date: 1985-06-30\nplausible_dates: {earliest: 1980-01-01, years_ahead: 2}",
    )
    assert run(project)[0] == 0


def test_the_window_defaults_to_the_constants_of_the_fiscal_calendar() -> None:
    assert plausible_window(date(2026, 12, 4)) == (date(1990, 1, 1), date(2027, 12, 4))
    assert plausible_window(date(2024, 2, 29)) == (date(1990, 1, 1), date(2025, 2, 28))
    assert plausible_window(date(9999, 6, 1), years_ahead=5)[1] == date(9999, 6, 1)


@pytest.mark.parametrize(
    ("as_of", "why"),
    [
        ("9999-Q4", "is more than 1 year(s) after today (plausible_dates.years_ahead)"),
        ("9999-12-31", "is more than 1 year(s) after today (plausible_dates.years_ahead)"),
        ("0000-Q1", "is before 1990-01-01 (plausible_dates.earliest)"),
        ("1989-12-31", "is before 1990-01-01 (plausible_dates.earliest)"),
    ],
)
def test_an_as_of_outside_the_window_is_refused_before_any_data_is_read(
    project: Path, as_of: str, why: str
) -> None:
    code, output = run(project, "build", "--no-mkdocs", "--as-of", as_of)
    assert code == 1
    assert output.splitlines()[-1] == (
        f"error: the report date {as_of} {why}; give a date or a quarter from 1990-01-01 to "
        f"{window_end()}, or change plausible_dates in config/project.yaml"
    )


def test_a_snapshot_of_a_quarter_outside_the_window_is_refused(project: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
            cwd=project,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "tiny")
    code, output = run(project, "snapshot", "9999-Q4")
    assert code == 1
    assert output.splitlines()[-1].startswith(
        "error: the report date 9999-Q4 is more than 1 year(s) after today"
    )


# ---------------------------------------------------------------- ids that share a file name


def test_course_ids_that_become_the_same_file_name_are_found_by_validate(project: Path) -> None:
    edit(
        project,
        "courses.yaml",
        "  - id: C2",
        "  - id: Safety/Basics\n    title: x\n    developer: dev-a\n    training_manager: tom\n"
        "  - id: safety basics\n    title: y\n    developer: dev-a\n    training_manager: tom\n"
        "  - id: C2",
    )
    code, output = run(project)
    assert code == 1
    why = "both become the file name 'safety-basics'; rename one of them"
    assert output.splitlines() == [
        f"error: config/courses.yaml:11: course ids 'Safety/Basics' and 'safety basics' (line 15) {why}",
        f"error: config/courses.yaml:15: course ids 'safety basics' and 'Safety/Basics' (line 11) {why}",
        "2 problem(s) found.",
    ]


def test_person_ids_that_become_the_same_file_name_are_found_by_validate(
    project: Path,
) -> None:
    edit(
        project,
        "roles.yaml",
        "  - id: tom",
        "  - id: TOM\n    name: Tom again\n    roles: [learner]\n  - id: tom",
    )
    code, output = run(project)
    assert code == 1
    assert "course ids" not in output
    assert "person ids 'TOM' and 'tom' (line" in output


@pytest.mark.parametrize("value", [".inf", "-.inf", "Infinity", "'1e400'"])
def test_a_sources_values_are_finite_numbers(project: Path, value: str) -> None:
    edit(
        project,
        "project.yaml",
        "      Minutes: minutes\n",
        f"      Minutes: minutes\n    values: {{minutes: {value}}}\n",
    )
    code, output = run(project)
    assert code == 1
    assert "config/project.yaml:20: source 'data/lms.csv' (csv): values.minutes is " in output
    assert "; write a finite number" in output
