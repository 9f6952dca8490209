"""What the figures leave out is said where the user looks: by validate and build on the
terminal and on the data-quality page. And two builds that used to fail: a relative --project
from elsewhere, a developer without courses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from paths import REPO

from generator.cli import cli

LEFT_OUT = (
    "the report date 2025-06-30 (report_date in config/project.yaml, else the end of the "
    "latest complete quarter in the data) leaves out 1 enrolment(s) made after it; the data's "
    "enrolments run from 2025-01-10 to 2025-07-01: build with --as-of 2025-07-01 (or set "
    "report_date) to include them"
)


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_validate_and_build_say_when_the_report_date_leaves_rows_out(tiny_project: Path) -> None:
    code, out, _ = _cli("validate", "--project", str(tiny_project))
    assert code == 0 and f"warning: {LEFT_OUT}" in out
    code, _, err = _cli("build", "--project", str(tiny_project), "--no-mkdocs")
    assert code == 0 and f"warning: {LEFT_OUT}" in err.replace("\n", " ")
    quality = (tiny_project / "site_src" / "data-quality.md").read_text()
    assert "What this report cannot show" in quality and "leaves out 1 enrolment(s)" in quality
    code, _, err = _cli(
        "build", "--project", str(tiny_project), "--no-mkdocs", "--as-of", "2025-07-31"
    )
    assert code == 0 and "warning" not in err


def test_activity_of_a_course_without_enrolments_is_a_warning(tiny_project: Path) -> None:
    (tiny_project / "data" / "activity.csv").write_text(
        "learner_id,course_id,module,module_order\nL1,C1,Hazards,1\nL1,C2,Intro,1\n"
    )
    lms = tiny_project / "data" / "lms.csv"
    lines = lms.read_text().splitlines(keepends=True)
    lms.write_text("".join(line for line in lines if ",C2," not in line))
    code, out, _ = _cli("validate", "--project", str(tiny_project), "--json")
    assert code == 0
    warnings = json.loads(out)["warnings"]
    assert any(
        w.startswith(
            "data/activity.csv: activity for course 'C2', which no source gives enrolments for"
        )
        for w in warnings
    ), warnings
    _code, _, err = _cli("build", "--project", str(tiny_project), "--no-mkdocs")
    assert "activity for course 'C2'" in err.replace("\n", " ")


def test_build_with_a_relative_project_from_another_directory(tiny_project: Path) -> None:
    """The README's `accountability build --project examples/oulad`, run from the repository
    root: the staged MkDocs config was looked up relative to the project a second time."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--project", tiny_project.name],
        cwd=tiny_project.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tiny_project / "site" / "index.html").is_file()


def test_a_developer_without_courses_gets_a_page(tiny_project: Path) -> None:
    roles = tiny_project / "config" / "roles.yaml"
    roles.write_text(
        roles.read_text()
        + "  - id: dev-idle\n    name: Idle Studio\n    kind: team\n    roles: [course-developer]\n"
    )
    code, out, err = _cli("build", "--project", str(tiny_project))
    assert code == 0, out + err
    assert (tiny_project / "site" / "developers" / "dev-idle.html").is_file()
    index = (tiny_project / "site_src" / "developers" / "index.md").read_text()
    assert "[Idle Studio](../developers/dev-idle.md)" in index


def test_a_build_logs_each_stage_with_its_time_when_not_on_a_terminal(tiny_project: Path) -> None:
    """A CI log is no terminal: the stages appear as lines as they happen, each with the time
    it took, instead of a spinner that leaves nothing behind."""
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--project", str(tiny_project), "--no-mkdocs"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    lines = done.stderr.splitlines()
    starts = [line[: -len(" ...")] for line in lines if line.endswith(" ...")]
    assert starts[:2] == [
        "Reading config and LMS exports, computing metrics",
        "Writing pages as of 2025-06-30",
    ]
    timed = [line for line in lines if line.endswith(" s") and ": " in line]
    assert [line.rsplit(": ", 1)[0] for line in timed] == starts  # each stage ends with its time
    assert all(float(line.rsplit(": ", 1)[1][:-2]) >= 0 for line in timed)
