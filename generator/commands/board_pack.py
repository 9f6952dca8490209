"""``accountability board-pack``: a built site (the current build, or a snapshot version from
the site branch) printed into one PDF."""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePosixPath

from generator.site.pdf import PackResult
from generator.site.pdf import board_pack as print_pack
from generator.versions import git as gitio
from generator.versions.deploy import DEFAULT_BRANCH, read_versions
from generator.versions.model import CURRENT
from generator.versions.publish import branch_files

CURRENT_TITLE = "Current build (not a snapshot)"


def board_pack(
    project_dir: Path,
    version: str | None,
    out: Path,
    *,
    branch: str = DEFAULT_BRANCH,
    remote: str = "origin",
) -> PackResult:
    """The pack of ``version`` (a version or alias on ``branch``), or of the site that
    ``accountability build`` left in site/ when it is None or 'current'."""
    if version in (None, CURRENT):
        return print_pack(project_dir / "site", out, CURRENT_TITLE)
    repo = gitio.repo_root(project_dir)
    ref = gitio.site_branch_ref(
        repo,
        branch,
        remote,
        " (accountability snapshot 2026-Q3), or leave VERSION out for the current build",
    )
    found = read_versions(repo, branch, remote).resolve(str(version))
    with tempfile.TemporaryDirectory(prefix="accountability-pack-") as scratch:
        _write_version(repo, ref, found.name, Path(scratch))
        return print_pack(Path(scratch), out, found.title)


def _write_version(repo: Path, ref: str, name: str, target: Path) -> None:
    """The files of version ``name`` on ``ref`` (symlinks in it as copies) written below
    ``target``."""
    prefix = f"{name}/"
    for path, data in branch_files(repo, ref, prefix).items():
        inner = PurePosixPath(path[len(prefix) :])
        if inner.is_absolute() or ".." in inner.parts:
            continue  # never outside the scratch directory
        out = target / inner
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
