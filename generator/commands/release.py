"""Quarterly snapshots at the edge: ``snapshot``, ``publish`` and loading snapshots for ``diff``.

``snapshot`` builds the report as of a quarter's last day into a scratch copy of the site
sources (the working tree's site_src/ is left as it is), stores the figures as
``snapshot.json`` beside the pages and deploys the build with mike as a version. ``publish``
writes the whole versioned site from the branch into a plain directory. The decisions (names,
aliases, order, immutability) are made by the pure :mod:`generator.versions.model`; every git and
mike call is in :mod:`generator.versions.git`.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2

from generator import site
from generator.domain.errors import AccountabilityError
from generator.domain.periods import ReportDate, parse_quarter
from generator.report import Report, build_report
from generator.versions import git as gitio
from generator.versions import snapshot as snapshot_module
from generator.versions.model import (
    CURRENT,
    LATEST,
    Version,
    Versions,
    default_title,
    plan_deploy,
)

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
DEFAULT_BRANCH = "gh-pages"
VERSIONS_FILE = "versions.json"
SCRATCH_ENTRIES = ("mkdocs.yml", "site_src", "overrides")  # what MkDocs reads of a project


@dataclass(frozen=True)
class SnapshotResult:
    version: Version
    versions: Versions
    report: Report
    branch: str
    replaced: bool
    pushed: bool


@dataclass(frozen=True)
class PublishResult:
    target: Path
    files: int
    versions: Versions
    default: Version | None


# --- reading the branch ---------------------------------------------------------------------


def read_versions(repo: Path, branch: str, remote: str = "origin") -> Versions:
    ref = gitio.branch_ref(repo, branch, remote)
    if ref is None:
        return Versions()
    return Versions.loads(gitio.read_file(repo, ref, VERSIONS_FILE))


# --- snapshot -------------------------------------------------------------------------------


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
    with tempfile.TemporaryDirectory(prefix="accountability-snapshot-") as tmp:
        scratch = Path(tmp)
        progress("Writing the pages into a scratch copy of site_src/")
        config = write_scratch_site(project_dir, scratch, report, version_name)
        progress(f"Building and deploying {version_name} to {branch} with mike")
        message = f"Snapshot {plan.version.title} as {version_name} (accountability)"
        gitio.mike_deploy(
            repo,
            config,
            branch=branch,
            version=version_name,
            title=plan.version.title,
            aliases=plan.version.aliases,
            hidden=hidden,
            message=message,
        )
        for alias, target in plan.moved_aliases(before).items():
            if target:
                gitio.mike_alias(repo, config, branch=branch, version=target, alias=alias)
            else:
                gitio.mike_delete(repo, config, branch=branch, identifier=alias)
        if plan.versions.find(LATEST) and gitio.read_file(repo, branch, "index.html") is None:
            gitio.mike_set_default(repo, config, branch=branch, identifier=LATEST)
    keep_menu_order(repo, branch)
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
    )


def keep_menu_order(repo: Path, branch: str) -> None:
    """mike lists versions not named like a release (previews) above the releases; put
    versions.json back in our order, so a preview never sits above a release."""
    text = gitio.read_file(repo, branch, VERSIONS_FILE)
    if text is None:
        return
    written = [str(item["version"]) for item in json.loads(text)]
    versions = Versions.loads(text)
    if written != [v.name for v in versions]:
        gitio.commit_file(
            repo,
            branch,
            VERSIONS_FILE,
            versions.dumps().encode("utf-8"),
            "Order versions.json: quarters newest first, then previews (accountability)",
        )


def write_scratch_site(project_dir: Path, scratch: Path, report: Report, version: str) -> Path:
    """The project's MkDocs sources copied into ``scratch`` with the pages of ``report`` and
    its snapshot.json written there (the steps of build.build, aimed elsewhere)."""
    from generator.commands.build import generated_files
    from generator.pages import render_pages

    for entry in SCRATCH_ENTRIES:
        source = project_dir / entry
        if source.is_dir():
            shutil.copytree(source, scratch / entry, symlinks=True)
        elif source.is_file():
            shutil.copy2(source, scratch / entry)
    pages = render_pages(report)
    site.write_generated(scratch / "site_src", generated_files(pages) | site.asset_files())
    settings = report.project.settings
    # The same site name as `accountability build`; mike adds the version to site_url.
    site.write_mkdocs_yml(
        scratch,
        f"{settings.organisation} — training accountability",
        pages.nav,
        settings.site_url,
    )
    data = snapshot_module.snapshot_data(report, version)
    (scratch / "site_src" / snapshot_module.FILE_NAME).write_text(
        snapshot_module.dumps(data), "utf-8"
    )
    return versioned_config(scratch)


VERSIONED_CONFIG = "mkdocs.versioned.yml"


def versioned_config(scratch: Path) -> Path:
    """mkdocs.yml plus Material's version menu, which reads mike's versions.json. Only
    snapshots have it: in a plain build the menu would fetch a versions.json that is not
    there."""
    config = scratch / VERSIONED_CONFIG
    config.write_text(
        "INHERIT: mkdocs.yml\nextra:\n  version:\n    provider: mike\n    default: latest\n",
        "utf-8",
    )
    return config


# --- publish --------------------------------------------------------------------------------


def redirect_page(href: str) -> str:
    """mike's own redirect page (used for its aliases too), pointing at ``href``."""
    template = resources.files("mike").joinpath("templates/redirect.html").read_text("utf-8")
    return jinja2.Template(template, autoescape=True, keep_trailing_newline=True).render(href=href)


def plain_files(entries: Sequence[tuple[str, bool, bytes]]) -> dict[str, bytes]:
    """Path -> bytes of a branch's files with every symlink replaced by copies of what it
    points at (mike's default alias type is a symlink; uploaders and some servers drop them).
    ``entries`` are (path, is_symlink, data); a symlink's data is its target."""
    files = {path: data for path, is_link, data in entries if not is_link}
    for path, is_link, data in entries:
        if not is_link:
            continue
        target = os.path.normpath(str(PurePosixPath(path).parent / data.decode("utf-8")))
        if target in files:
            files[path] = files[target]
            continue
        prefix = target.rstrip("/") + "/"
        for inner, content in list(files.items()):
            if inner.startswith(prefix):
                files[path + "/" + inner[len(prefix) :]] = content
    return files


def publish(
    project_dir: Path, target: Path, *, branch: str = DEFAULT_BRANCH, remote: str = "origin"
) -> PublishResult:
    repo = gitio.repo_root(project_dir)
    ref = gitio.branch_ref(repo, branch, remote)
    if ref is None:
        raise AccountabilityError(
            f"{repo}: no branch '{branch}' (nor {remote}/{branch}); deploy a snapshot first: "
            "accountability snapshot 2026-Q3"
        )
    entries = gitio.tree(repo, ref)
    blobs = gitio.read_blobs(repo, (e.sha for e in entries))
    files = plain_files([(e.path, e.is_symlink, blobs[e.sha]) for e in entries])
    versions = Versions.loads(files.get(VERSIONS_FILE))
    files[VERSIONS_FILE] = versions.dumps().encode("utf-8")
    default = versions.default()
    if "index.html" not in files and default is not None:
        files["index.html"] = redirect_page(f"{default.name}/index.html").encode("utf-8")
    write_tree(target, files)
    return PublishResult(target, len(files), versions, default)


def write_tree(target: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` into a fresh directory beside ``target``, then swap it in; a directory
    that is neither empty nor an earlier publish (no versions.json) is refused."""
    target = target.resolve()
    if target.exists():
        if not target.is_dir():
            raise AccountabilityError(f"{target}: exists and is not a directory")
        if any(target.iterdir()) and not (target / VERSIONS_FILE).is_file():
            raise AccountabilityError(
                f"{target}: not empty and not an earlier publish (it has no {VERSIONS_FILE}); "
                "choose an empty or new directory"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}.publish-", dir=target.parent))
    try:
        for path, data in sorted(files.items()):
            if path.startswith("/") or ".." in PurePosixPath(path).parts:
                raise AccountabilityError(f"refusing to write {path!r} outside {target}")
            out = fresh / path
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
        fresh.chmod(0o755)
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        if target.exists():
            os.replace(target, old)
        os.replace(fresh, target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


# --- loading snapshots for diff -------------------------------------------------------------


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
        return snapshot_module.snapshot_data(report, CURRENT)
    if identifier.endswith(".json") and Path(identifier).is_file():
        return dict(json.loads(Path(identifier).read_text("utf-8")))
    repo = gitio.repo_root(project_dir)
    version = read_versions(repo, branch, remote).resolve(identifier)
    ref = gitio.branch_ref(repo, branch, remote) or branch
    data = gitio.read_file(repo, ref, f"{version.name}/{snapshot_module.FILE_NAME}")
    if data is None:
        raise AccountabilityError(
            f"version '{version.name}' on {branch} has no {snapshot_module.FILE_NAME} (not "
            "deployed by `accountability snapshot`); deploy it again with --force"
        )
    return dict(json.loads(data))
