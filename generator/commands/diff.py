"""``accountability diff``: the two sides of a comparison, loaded from wherever they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.domain.errors import AccountabilityError
from generator.domain.periods import ReportDate
from generator.report import build_report
from generator.versions import git as gitio
from generator.versions import snapshot as snapshot_file
from generator.versions.deploy import DEFAULT_BRANCH, read_versions
from generator.versions.model import CURRENT
from generator.versions.snapshot_shape import parse_snapshot


def load_snapshot(
    project_dir: Path,
    identifier: str,
    *,
    branch: str = DEFAULT_BRANCH,
    remote: str = "origin",
    as_of: ReportDate | None = None,
) -> dict[str, Any]:
    """A snapshot's data: ``current`` (built now), a snapshot.json file, or a version or
    alias on the branch."""
    if identifier == CURRENT:
        report = build_report(project_dir, as_of=as_of)
        return snapshot_file.snapshot_data(report, CURRENT)
    if identifier.endswith(".json") and Path(identifier).is_file():
        return parse_snapshot(
            Path(identifier).read_bytes(),
            identifier,
            "give a snapshot.json that `accountability snapshot` wrote",
        )
    repo = gitio.repo_root(project_dir)
    version = read_versions(repo, branch, remote).resolve(identifier)
    ref = gitio.branch_ref(repo, branch, remote) or branch
    data = gitio.read_file(repo, ref, f"{version.name}/{snapshot_file.FILE_NAME}")
    if data is None:
        raise AccountabilityError(
            f"version '{version.name}' on {branch} has no {snapshot_file.FILE_NAME} (not "
            "deployed by `accountability snapshot`); deploy it again with --force"
        )
    return parse_snapshot(
        data,
        f"{version.name}/{snapshot_file.FILE_NAME} on {branch}",
        f"deploy it again with `accountability snapshot {version.name} --force`",
    )
