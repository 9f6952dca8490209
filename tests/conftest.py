"""Shared fixtures. Tests marked ``shared`` read ../shared/data: skipped on a fresh clone
without it, mandatory (failing instead of skipping) when REQUIRE_SHARED_DATA=1, as in CI."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest
from paths import REPO, TINY
from roster_fixture import ROSTER, WORKFORCE

from generator.report import Report, build_report

SHARED_DATA = Path(os.environ.get("ACCOUNTABILITY_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        if os.environ.get("REQUIRE_SHARED_DATA") == "1":
            pytest.fail(f"{SHARED_DATA} is missing but REQUIRE_SHARED_DATA=1")
        pytest.skip(f"{SHARED_DATA} not present (fresh clone without ../shared)")
    return SHARED_DATA


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    """A fresh copy of the tiny fixture project (tests/fixtures/tiny), free to edit."""
    project = tmp_path / "tiny"
    shutil.copytree(TINY, project)
    return project


@pytest.fixture(scope="session")
def demo_report() -> Report:
    """The demo organisation's report (config/ and data/ of the repository), built once a
    worker; tests read it, never change it."""
    return build_report(REPO)


@pytest.fixture(scope="session")
def tiny_report() -> Report:
    """The tiny fixture project's report (tests/fixtures/tiny), built once a worker."""
    return build_report(TINY)


@pytest.fixture
def tiny_roster_project(tiny_project: Path) -> Path:
    """The tiny project with an HR roster source and a competence requirement (the figures are
    counted by hand in tests/report/test_workforce_report.py)."""
    (tiny_project / "data" / "roster.csv").write_text(ROSTER)
    (tiny_project / "config" / "workforce.yaml").write_text(WORKFORCE)
    project_yaml = tiny_project / "config" / "project.yaml"
    project_yaml.write_text(
        project_yaml.read_text()
        + textwrap.indent(
            "- path: data/roster.csv\n  format: csv\n  table: roster\n"
            "  columns: {employee_id: learner_id}\n",
            "  ",
        )
    )
    return tiny_project
