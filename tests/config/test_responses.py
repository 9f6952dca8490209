"""responses/<quarter>.yaml: every mistake is a located problem (file:line: what; fix) with
exit code 1 from validate and build, and a valid file reaches the report of its quarter."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.config import load_project
from generator.domain.errors import ProblemsFound
from generator.report import build_report

# The tiny project's report date is 2025-06-30: fiscal quarter 2025-Q2 (January year).
GOOD = """\
responses:
  - goal: budget-use
    person: lisa
    cause: The second half of the training plan slipped.
    action: Book the Q3 courses now.
    owner: tom
    due: 2025-07-31
  - finding: dropoff-c1-fy2025
    person: dev-a
    cause: Module 2 is too long.
    action: Split module 2.
    owner: dev-a
    due: 2025-06-01
    status: done
"""


def write(project: Path, text: str, name: str = "2025-Q2.yaml") -> None:
    folder = project / "responses"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text)


def problems(project: Path) -> list[str]:
    with pytest.raises(ProblemsFound) as raised:
        load_project(project)
    return [str(p) for p in raised.value.problems]


def test_a_valid_file_reaches_the_report_of_its_quarter(tiny_project: Path) -> None:
    write(tiny_project, GOOD)
    report = build_report(tiny_project)
    assert report.responses is not None
    assert report.responses.file == "responses/2025-Q2.yaml"
    assert [r.subject for r in report.responses.responses] == [
        "goal:budget-use",
        "finding:dropoff-c1-fy2025",
    ]
    assert report.responses.responses[1].status == "done"


def test_another_quarters_file_is_not_the_reports(tiny_project: Path) -> None:
    write(tiny_project, GOOD.replace("dropoff-c1-fy2025", "no-such-finding"), "2025-Q1.yaml")
    assert build_report(tiny_project).responses is None  # its findings are 2025-Q1's to check


def test_each_mistake_names_its_line_and_fix(tiny_project: Path) -> None:
    bad = (
        GOOD.replace("goal: budget-use", "goal: budget-usage")
        .replace("person: lisa", "person: lise")
        .replace("owner: tom", "owner: tim")
    )
    write(tiny_project, bad)
    found = problems(tiny_project)
    assert found == [
        "responses/2025-Q2.yaml:2: unknown goal 'budget-usage' (did you mean 'budget-use'?); "
        "known goals: budget-use, c1-completion, mandatory-scores",
        "responses/2025-Q2.yaml:3: person 'lise' is not in roles.yaml; a response is given by "
        "someone who holds a role (did you mean 'lisa'?); known people: dev-a, dev-b, lisa, tom",
        "responses/2025-Q2.yaml:6: unknown owner 'tim'; the owner is a person of roles.yaml "
        "(did you mean 'tom'?); known people: dev-a, dev-b, lisa, tom",
    ]


def test_due_must_be_a_date(tiny_project: Path) -> None:
    write(tiny_project, GOOD.replace("due: 2025-07-31", "due: 20250731"))
    [problem] = problems(tiny_project)
    assert problem.startswith("responses/2025-Q2.yaml:7: ")
    assert "not a date; write the due date as YYYY-MM-DD" in problem


@pytest.mark.parametrize(
    ("edit", "which"),
    [
        (("  - goal: budget-use\n", "  - goal: budget-use\n    finding: budget-2025-q2\n"), "both"),
        (("  - goal: budget-use\n    person", "  - person"), "neither"),
    ],
)
def test_exactly_one_of_goal_and_finding(
    tiny_project: Path, edit: tuple[str, str], which: str
) -> None:
    write(tiny_project, GOOD.replace(*edit))
    [problem] = problems(tiny_project)
    assert problem.startswith("responses/2025-Q2.yaml:2: ")
    assert f"names {which} of goal and finding; give exactly one" in problem


def test_a_file_not_named_for_a_quarter(tiny_project: Path) -> None:
    write(tiny_project, GOOD, "Q2-2025.yaml")
    assert problems(tiny_project) == [
        "responses/Q2-2025.yaml: not named for a fiscal quarter; name it like 2026-Q3.yaml"
    ]


def test_a_quarter_in_lower_case_or_in_two_files(tiny_project: Path) -> None:
    write(tiny_project, GOOD, "2025-q2.yaml")
    assert problems(tiny_project) == [
        "responses/2025-q2.yaml: not named for a fiscal quarter; name it 2025-Q2.yaml"
    ]
    (tiny_project / "responses" / "2025-q2.yaml").unlink()
    write(tiny_project, GOOD, "2025-Q2.yaml")
    write(tiny_project, GOOD, "2025-Q2.yml")
    assert problems(tiny_project) == [
        "responses/2025-Q2.yml: a second file for 2025-Q2 beside responses/2025-Q2.yaml; keep one"
    ]


def test_validate_and_build_exit_1_on_an_unknown_finding(tiny_project: Path) -> None:
    write(tiny_project, GOOD.replace("dropoff-c1-fy2025", "dropoff-c1-fy2024"))
    expected = (
        "error: responses/2025-Q2.yaml:8: unknown finding 'dropoff-c1-fy2024' in the report of "
        "2025-Q2 (did you mean 'dropoff-c1-fy2025'?); use an id of the findings tables (or of "
        "snapshot.json's findings)\n1 problem(s) found.\n"
    )
    validate = CliRunner().invoke(cli, ["validate", "--project", str(tiny_project)])
    assert validate.exit_code == 1, validate.output
    assert validate.stdout == expected  # validate prints its findings as a result
    build = CliRunner().invoke(cli, ["build", "--no-mkdocs", "--project", str(tiny_project)])
    assert build.exit_code == 1, build.output
    assert build.stderr.endswith(expected)
