"""A project whose only LMS source is Moodle's logs report (tests/fixtures/moodle-logs, data
from ../shared/data/moodle-edify): enrolments come from the log's enrolment and role events,
the drop-off follows the course's own modules, and a log without enrolments is a warning."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from paths import FIXTURES, REPO

FIXTURE = FIXTURES / "moodle-logs"
EXAMPLE = REPO / "examples" / "moodle"
pytestmark = [pytest.mark.shared]


def _build(project: Path, shared_data: Path) -> subprocess.CompletedProcess[str]:
    env = {"MOODLE_EDIFY_DIR": str(shared_data / "moodle-edify")}
    return subprocess.run(
        [sys.executable, "-m", "generator", "build", "--project", str(project)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    shared_data = request.getfixturevalue("shared_data")
    project = tmp_path_factory.mktemp("moodle-logs")
    shutil.copytree(FIXTURE / "config", project / "config")
    done = _build(project, shared_data)
    assert done.returncode == 0, done.stdout + done.stderr
    (project / "stderr.txt").write_text(done.stderr)
    return project


def _chart_values(page: str, spec_id: str) -> list[dict[str, object]]:
    match = re.search(rf'data-spec-id="{spec_id}".*?data-spec=\'(.*?)\'', page, re.DOTALL)
    assert match, spec_id
    spec = json.loads(match.group(1).replace("&#39;", "'").replace("&amp;", "&"))
    return spec["data"]["values"]


def test_enrolments_come_from_the_log(built: Path, shared_data: Path) -> None:
    raw = pd.read_csv(shared_data / "moodle-edify" / "Moodle Module 1 F20.csv", dtype=str)
    roles = raw.loc[raw["Event name"] == "Role assigned", "Description"].str.extract(
        r"assigned the role with id '(\d+)' to the user with id '(\d+)'"
    )
    students = set(roles.loc[roles[0] == "5", 1])  # Moodle's student role
    page = (built / "site_src" / "courses" / "oop.md").read_text()
    runs = page.split("## By offering (course run)")[1].split("## By department")[0]
    fall = next(line for line in runs.splitlines() if line.startswith("| Fall 2020"))
    assert f"| {len(students)} |" in fall, fall
    assert "first enrolment 17 Oct 2020" in fall
    assert (built / "site" / "courses" / "oop.html").is_file()


def test_dropoff_has_one_bar_per_configured_module_in_order(built: Path) -> None:
    page = (built / "site_src" / "courses" / "oop.md").read_text()
    labels = [v["label"] for v in _chart_values(page, "oop-dropoff")]
    assert labels == [f"Week {n}" for n in range(5, 13)] + ["Week 13 and the exam"]
    shares = [v["value"] for v in _chart_values(page, "oop-dropoff") if v["value"] is not None]
    assert shares and all(0 <= share <= 1 for share in shares)


def test_a_log_without_enrolment_events_is_a_warning(built: Path) -> None:
    stderr = (built / "stderr.txt").read_text()
    assert stderr.count("warning:") == 1, stderr  # F20 has enrolments: only SP18 warns
    assert re.search(
        r"warning: .*Moodle Module 1 SP18\.csv: activity for course 'oop' \(offering 'Spring "
        r"2018'\), which no source gives enrolments for",
        stderr,
    ), stderr
    quality = (built / "site_src" / "data-quality.md").read_text()
    assert "What this report cannot show" in quality
    assert "Spring 2018" in quality
    assert "no enrolment or role events in this log" in quality  # the adapter's note


def test_staff_and_system_users_are_not_learners(built: Path, shared_data: Path) -> None:
    quality = (built / "site_src" / "data-quality.md").read_text()
    assert "event by a user who is not a learner in this log" in quality
    assert "system user (id -1 or 0" in quality


@pytest.mark.slow
def test_example_project_builds_a_report_of_five_runs(tmp_path: Path, shared_data: Path) -> None:
    project = tmp_path / "moodle"
    shutil.copytree(EXAMPLE / "config", project / "config")
    done = _build(project, shared_data)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "warning" not in done.stderr, done.stderr
    page = (project / "site_src" / "courses" / "oop.md").read_text()
    runs = page.split("## By offering (course run)")[1].split("## By department")[0]
    offerings = [line.split("<br>")[0].strip("| ") for line in runs.splitlines() if "<br>" in line]
    assert offerings == ["Spring 2019", "Fall 2019", "Spring 2020", "Fall 2020", "Spring 2021"]
    labels = [v["label"] for v in _chart_values(page, "oop-dropoff")]
    assert labels == [f"Week {n}" for n in range(1, 14)]
