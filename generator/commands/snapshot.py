"""``accountability snapshot``: the report as of a quarter's last day, deployed as a version.

The report is built into a scratch copy of the site sources (the working tree's site_src/ is
left as it is), its figures stored as ``snapshot.json`` beside the pages, and the build deployed
by :mod:`generator.versions.deploy` as the plan of :mod:`generator.versions.model` says.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator import site
from generator.commands.since import previous_release, since_snapshot
from generator.domain.errors import AccountabilityError
from generator.domain.periods import parse_quarter
from generator.pages import Since
from generator.report import Report, build_report
from generator.versions import git as gitio
from generator.versions import snapshot as snapshot_file
from generator.versions.deploy import DEFAULT_BRANCH, deploy, read_versions, versioned_config
from generator.versions.model import Version, Versions, default_title, plan_deploy

Progress = Callable[[str], None]
SCRATCH_ENTRIES = ("mkdocs.yml", "site_src", "overrides")  # what MkDocs reads of a project


@dataclass(frozen=True)
class SnapshotResult:
    version: Version
    versions: Versions
    report: Report
    branch: str
    replaced: bool
    pushed: bool
    warnings: tuple[str, ...] = ()


def snapshot(
    project_dir: Path,
    period: str,
    *,
    aliases: Sequence[str] = (),
    title: str | None = None,
    hidden: bool = False,
    force: bool = False,
    name: str | None = None,
    branch: str = DEFAULT_BRANCH,
    remote: str = "origin",
    push: bool = False,
    progress: Progress = lambda _: None,
) -> SnapshotResult:
    quarter = parse_quarter(period)
    if quarter is None:
        raise AccountabilityError(
            f"'{period}' is not a fiscal quarter; write it like 2026-Q3 (the snapshot is the "
            "report as of that quarter's last day)"
        )
    repo = gitio.repo_root(project_dir)
    tree = gitio.work_tree(repo, project_dir)
    gitio.sync_from_remote(repo, branch, remote)
    before = read_versions(repo, branch, remote)
    version_name = name or quarter.label
    plan_deploy(
        before, version_name, version_name, aliases, hidden=hidden, force=force
    )  # fail fast

    progress(f"Computing the report as of the end of {quarter.label}")
    report = build_report(project_dir, as_of=quarter)
    plan = plan_deploy(
        before,
        version_name,
        title or default_title(quarter, report.report_date),
        aliases,
        hidden=hidden,
        force=force,
    )
    # The person pages compare with the snapshot of the quarter before, when there is one.
    earlier = previous_release(before, quarter.label)
    since: Since | None = None
    unread: tuple[str, ...] = ()
    if earlier:
        try:
            since = since_snapshot(project_dir, earlier, report, branch=branch, remote=remote)
        except AccountabilityError as exc:  # one unreadable old snapshot blocks no new one
            unread = (f"the person pages have no trend: {exc}",)
    with tempfile.TemporaryDirectory(prefix="accountability-snapshot-") as tmp:
        scratch = Path(tmp)
        progress("Writing the pages into a scratch copy of site_src/")
        config = write_scratch_site(
            project_dir, scratch, report, version_name, source_of(tree), since
        )
        progress(f"Building and deploying {version_name} to {branch} with mike")
        deploy(repo, config, plan, before, branch=branch, hidden=hidden)
    if push:
        progress(f"Pushing {branch} to {remote}")
        gitio.push(repo, remote, branch)
    return SnapshotResult(
        version=plan.version,
        versions=read_versions(repo, branch, remote),
        report=report,
        branch=branch,
        replaced=plan.replaces,
        pushed=push,
        warnings=dirty_warning(tree) + unread,
    )


def source_of(tree: gitio.WorkTree) -> dict[str, object]:
    """snapshot.json's record of what the snapshot was made from."""
    return {"commit": tree.commit, "dirty": tree.dirty, "changed": list(tree.changed[:50])}


def dirty_warning(tree: gitio.WorkTree) -> tuple[str, ...]:
    """A snapshot of uncommitted changes cannot be made again from the repository: say so."""
    if not tree.dirty:
        return ()
    shown = ", ".join(tree.changed[:5]) + (
        f" and {len(tree.changed) - 5} more" if len(tree.changed) > 5 else ""
    )
    return (
        f"the snapshot was made from a work tree with changes not committed ({shown}); "
        "snapshot.json records it (source.dirty: true). Commit them and snapshot again with "
        "--force for a snapshot the repository can reproduce",
    )


def write_scratch_site(
    project_dir: Path,
    scratch: Path,
    report: Report,
    version: str,
    made_from: dict[str, object] | None = None,
    since: Since | None = None,
) -> Path:
    """The project's MkDocs sources copied into ``scratch`` with the pages of ``report`` and
    its snapshot.json written there (the steps of build.build, aimed elsewhere)."""
    from generator.commands.build import generated_files
    from generator.pages import render_pages

    # Under the build lock: a build swaps site_src/ in with two renames, and a copy made in
    # between would miss the hand-written pages. Only where builds ran (and left the lock file):
    # a snapshot itself leaves the working tree as it was.
    ran = (project_dir / site.LOCK).exists()
    with site.build_lock(project_dir) if ran else contextlib.nullcontext():
        for entry in SCRATCH_ENTRIES:
            source = project_dir / entry
            if source.is_dir():
                shutil.copytree(source, scratch / entry, symlinks=True)
            elif source.is_file():
                shutil.copy2(source, scratch / entry)
    pages = render_pages(report, since=since)
    site.write_generated(scratch / "site_src", generated_files(pages) | site.asset_files())
    settings = report.project.settings
    # The same site name as `accountability build`; mike adds the version to site_url.
    site.write_mkdocs_yml(
        scratch,
        f"{settings.organisation} — training accountability",
        pages.nav,
        settings.site_url,
    )
    data = snapshot_file.snapshot_data(report, version, made_from)
    (scratch / "site_src" / snapshot_file.FILE_NAME).write_text(snapshot_file.dumps(data), "utf-8")
    return versioned_config(scratch)
