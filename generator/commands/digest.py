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
from generator.versions.diff import DUE_WITHIN_DAYS, diff_snapshots
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
    due_within_days: int = DUE_WITHIN_DAYS,
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
    remove_earlier_digests(out_dir, keep=set(files))
    for name, content in files.items():
        write_text_atomically(out_dir / name, content)
    write_text_atomically(out_dir / DIGEST_LIST, "".join(f"{name}\n" for name in sorted(files)))
    return DigestResult(out_dir, sorted(files))


# The digests a run wrote, so that the next run into the same folder removes those of people
# who no longer hold a role (and only files it wrote: nothing else in the folder is touched).
DIGEST_LIST = ".accountability-digests"


def remove_earlier_digests(out_dir: Path, keep: set[str]) -> None:
    listed = out_dir / DIGEST_LIST
    if not listed.is_file():
        return
    for name in listed.read_text("utf-8").splitlines():
        path = out_dir / name
        # Only plain names of this folder: the list is ours, but a hand-edited one must not
        # reach outside it.
        if name and name not in keep and path.parent == out_dir and path.suffix in (".md", ".html"):
            path.unlink(missing_ok=True)
