"""A build that fails half-way (bad input, a failing MkDocs build, a killed process) leaves the
previous site_src/ and site/ as they were."""

from __future__ import annotations

import hashlib
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.commands.build import build
from generator.domain.errors import BuildError, ProblemsFound
from generator.site import read_manifest, recover
from paths import TINY



def snapshot(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("atomic") / "tiny"
    shutil.copytree(TINY, project)
    build(project)
    return project


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "tiny"
    shutil.copytree(built, copy)
    return copy


def change_a_goal(project: Path) -> None:
    goals = project / "config" / "goals.yaml"
    goals.write_text(goals.read_text().replace('target: ">= 0.6"', 'target: ">= 0.4"'))


def test_bad_input_changes_nothing(project: Path) -> None:
    before = snapshot(project / "site_src"), snapshot(project / "site")
    (project / "config" / "goals.yaml").write_text("goals: [\n")
    with pytest.raises(ProblemsFound):
        build(project)
    assert (snapshot(project / "site_src"), snapshot(project / "site")) == before


def test_a_failing_mkdocs_build_keeps_site_src_and_site(project: Path) -> None:
    before_src = snapshot(project / "site_src")
    before_site = snapshot(project / "site")
    before_yml = (project / "mkdocs.yml").read_text()
    change_a_goal(project)  # would rewrite pages
    broken = project / "site_src" / "notes.md"
    broken.write_text("# Notes\n\nSee [the missing page](missing.md).\n")  # fails --strict
    with pytest.raises(BuildError, match=r"missing\.md"):
        build(project)
    broken.unlink()
    assert snapshot(project / "site_src") == before_src
    assert snapshot(project / "site") == before_site
    assert (project / "mkdocs.yml").read_text() == before_yml
    assert not list(project.glob(".*staging*")) and not list(project.glob(".mkdocs.staged*"))


def test_a_killed_build_leaves_a_consistent_site_src(project: Path) -> None:
    change_a_goal(project)
    for delay in (0.5, 1.5, 3.0):
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", "--project", str(project)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        recover(project / "site_src")
        manifest = read_manifest(project / "site_src")
        assert manifest, "site_src/ lost its generated pages"
        for path, digest in manifest.items():
            data = (project / "site_src" / path).read_bytes()
            assert hashlib.sha256(data).hexdigest() == digest, path
    build(project)  # and the next build completes
    assert "40.0%" in (project / "site_src" / "goals.md").read_text()
