"""``accountability digest``: a digest per accountable person of what changed between two
snapshots, written as Markdown and HTML files into a folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.commands.diff import load_snapshot
from generator.config import load_project
from generator.domain.periods import ReportDate
from generator.site import write_text_atomically
from generator.versions.deploy import DEFAULT_BRANCH
from generator.versions.diff import diff_snapshots
from generator.versions.digest import digest_files, snapshot_people


@dataclass(frozen=True)
class DigestResult:
    out_dir: Path
    files: list[str]


def write_digests(
    project_dir: Path,
    before: str,
    after: str,
    out_dir: Path,
    *,
    due_within_days: int = 14,
    branch: str = DEFAULT_BRANCH,
    remote: str = "origin",
    as_of: ReportDate | None = None,
) -> DigestResult:
    """The digests of A → B in ``out_dir``; the people are B's (the project's roles.yaml for
    a snapshot taken before snapshots recorded them)."""
    data = [
        load_snapshot(project_dir, side, branch=branch, remote=remote, as_of=as_of)
        for side in (before, after)
    ]
    people = snapshot_people(data[1])
    if not people:
        people = [
            {"id": p.id, "name": p.name, "roles": list(p.roles)}
            for p in load_project(project_dir).people
        ]
    diff = diff_snapshots(data[0], data[1], due_within_days=due_within_days)
    files = digest_files(data[0], data[1], diff, people)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        write_text_atomically(out_dir / name, content)
    return DigestResult(out_dir, sorted(files))
