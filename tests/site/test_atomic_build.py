"""A build that fails half-way (bad input, a failing MkDocs build, a killed process) leaves the
previous site_src/ and site/ as they were."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from paths import TINY

from generator import site
from generator.commands.build import build
from generator.domain.errors import AccountabilityError, BuildError, ProblemsFound
from generator.site import build_lock, read_manifest, recover


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


def test_a_second_build_at_once_is_refused_and_changes_nothing(project: Path) -> None:
    before = snapshot(project / "site_src"), snapshot(project / "site")
    change_a_goal(project)
    with build_lock(project):  # as a build running in another process holds it
        result = subprocess.run(
            [sys.executable, "-m", "generator", "build", "--project", str(project)],
            capture_output=True,
            text=True,
        )
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {project}: another build is running (pid ")
    assert "Traceback" not in result.stderr
    assert (snapshot(project / "site_src"), snapshot(project / "site")) == before
    build(project)  # the lock is free again
    assert "40.0%" in (project / "site_src" / "goals.md").read_text()


def test_leftovers_of_killed_builds_are_removed_by_the_next(project: Path) -> None:
    leftovers = [project / ".site.build-x1", project / ".site.shards-x2", project / ".site.old-3"]
    for leftover in leftovers:
        (leftover / "sub").mkdir(parents=True)
        (leftover / "sub" / "page.html").write_text("half-built")
    build(project)
    assert [p for p in leftovers if p.exists()] == []
    assert (project / "site" / "index.html").is_file()


def test_site_src_and_site_are_replaced_together_or_not_at_all(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A site_src/ that cannot be swapped in (read-only as another user, a full disk) leaves
    site/ as it was too: site_src/ is swapped first, just before site/."""
    before = snapshot(project / "site_src"), snapshot(project / "site")
    change_a_goal(project)

    def refuse(staging: Path, target: Path) -> None:
        raise BuildError(f"{target}: cannot be replaced (as by a read-only folder)")

    monkeypatch.setattr(site, "swap_staged", refuse)
    with pytest.raises(BuildError, match="cannot be replaced"):
        build(project)
    assert (snapshot(project / "site_src"), snapshot(project / "site")) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only folder")
def test_a_read_only_site_src_is_refused_before_anything_changes(project: Path) -> None:
    before = snapshot(project / "site_src"), snapshot(project / "site")
    change_a_goal(project)
    (project / "site_src").chmod(0o555)
    try:
        with pytest.raises(BuildError, match=r"site_src: not writable.*chmod u\+w"):
            build(project)
    finally:
        (project / "site_src").chmod(0o755)
    assert (snapshot(project / "site_src"), snapshot(project / "site")) == before


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_the_site_honours_the_umask(project: Path, umask: int) -> None:
    """A web server running as another user must be able to read site/ (mkdtemp and mkstemp
    alone would make it 0700 and its files 0600)."""
    change_a_goal(project)
    shutil.rmtree(project / "site")
    subprocess.run(  # the umask a build starts with, as a shell's `umask 027` sets it
        [sys.executable, "-m", "generator", "build", "--project", str(project)],
        check=True,
        capture_output=True,
        preexec_fn=lambda: os.umask(umask),
    )
    assert stat.S_IMODE((project / "site").stat().st_mode) == 0o777 & ~umask
    assert stat.S_IMODE((project / "site" / "index.html").stat().st_mode) == 0o666 & ~umask
    assert stat.S_IMODE((project / "site_src" / "goals.md").stat().st_mode) == 0o666 & ~umask


def test_a_full_disk_while_staging_is_a_message_and_changes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.site import files

    before = snapshot(project / "site_src"), snapshot(project / "site")
    change_a_goal(project)

    def disk_full(target: Path, data: bytes) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(files, "_write_temp", disk_full)
    with pytest.raises(AccountabilityError, match=r": No space left on device; nothing was") as exc:
        build(project)
    assert exc.value.exit_code == 1
    assert (snapshot(project / "site_src"), snapshot(project / "site")) == before
    assert not list(project.glob(".site_src.*")) and not list(project.glob(".site.*"))
