"""``accountability publish``: the versioned site on the branch as a plain directory."""

from __future__ import annotations

from pathlib import Path

from generator.versions import git as gitio
from generator.versions.deploy import DEFAULT_BRANCH
from generator.versions.publish import PublishResult, publish_branch


def publish(
    project_dir: Path, target: Path, *, branch: str = DEFAULT_BRANCH, remote: str = "origin"
) -> PublishResult:
    repo = gitio.repo_root(project_dir)
    ref = gitio.site_branch_ref(repo, branch, remote, ": accountability snapshot 2026-Q3")
    return publish_branch(repo, ref, target)
