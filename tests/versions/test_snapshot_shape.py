"""`diff` on a snapshot.json that is not one: a located message and exit 1, never a traceback
(and `{"format": 1}` is not an empty snapshot)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from paths import TINY

from generator.cli import cli
from generator.report import build_report
from generator.versions.snapshot import dumps, snapshot_data


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("shape") / "good.json"
    path.write_text(dumps(snapshot_data(build_report(TINY), "2025-Q2")), "utf-8")
    return path


def diff(before: Path, after: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["diff", str(before), str(after), "--project", str(TINY)])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr


def test_a_snapshot_made_by_snapshot_is_read(good: Path) -> None:
    code, _ = diff(good, good)
    assert code == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": 2,\n  "version": oops}', ":2:14: not JSON (Expecting value); "),
        ("[" * 100_000 + "]" * 100_000, ": nested deeper than any snapshot.json; "),
        ("[1, 2]", ": a snapshot.json holds an object, not list; "),
        (
            '{"format": 1}',
            ": not a snapshot made by `accountability snapshot`: version: Field required (and ",
        ),
    ],
    ids=["not-json", "deep", "array", "format-only"],
)
def test_a_file_that_is_not_a_snapshot_is_refused(
    good: Path, tmp_path: Path, text: str, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text, "utf-8")
    code, stderr = diff(good, bad)
    assert code == 1
    assert stderr.startswith(f"error: {bad}{message}"), stderr
    assert stderr.rstrip().endswith("give a snapshot.json that `accountability snapshot` wrote")


def test_wrong_types_name_the_place(good: Path, tmp_path: Path) -> None:
    data = json.loads(good.read_text("utf-8"))
    data["goals"][0]["status"] = {"not": "a status"}
    bad = tmp_path / "typed.json"
    bad.write_text(json.dumps(data), "utf-8")
    code, stderr = diff(good, bad)
    assert code == 1
    assert f"{bad}: not a snapshot made by `accountability snapshot`: goals.0.status: " in stderr


def test_build_since_a_snapshot_file_compares_the_person_pages(good: Path, tmp_path: Path) -> None:
    project = tmp_path / "tiny"
    shutil.copytree(TINY, project)
    result = CliRunner().invoke(
        cli, ["build", "--project", str(project), "--no-mkdocs", "--since", str(good)]
    )
    assert result.exit_code == 0, result.output
    page = (project / "site_src" / "people" / "tom.md").read_text("utf-8")
    assert "Compared with the snapshot 2025-Q2 (as of 2025-06-30):" in page

    bad = tmp_path / "bad.json"
    bad.write_text("{}", "utf-8")
    result = CliRunner().invoke(
        cli, ["build", "--project", str(project), "--no-mkdocs", "--since", str(bad)]
    )
    assert result.exit_code == 1 and "not a snapshot made by" in result.stderr
