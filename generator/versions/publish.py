"""Publishing: the whole versioned site on the branch as a plain directory for any web server.

mike's aliases are symlinks on the branch; uploaders and some servers drop them, so they are
written as copies. The directory is written beside its target and swapped in.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath

import jinja2

from generator import site
from generator.domain.errors import AccountabilityError
from generator.versions import git as gitio
from generator.versions.deploy import VERSIONS_FILE
from generator.versions.model import Version, Versions

# What marks a directory as this tool's to replace: only a directory holding it is replaced
# (a versions.json alone does not say so: mike and other tools write one too).
PUBLISH_MARKER = ".accountability-publish"
MARKER_TEXT = (
    "Written by `accountability publish`: the next publish to this directory replaces all of it.\n"
    "Delete this file to keep a publish from replacing the directory.\n"
)


@dataclass(frozen=True)
class PublishResult:
    target: Path
    files: int
    versions: Versions
    default: Version | None


def publish_branch(repo: Path, ref: str, target: Path) -> PublishResult:
    """Every file of ``ref`` (the site branch) written into ``target``, with a root page that
    redirects to the default version when the branch has none."""
    files = branch_files(repo, ref)
    versions = Versions.loads(files.get(VERSIONS_FILE))
    files[VERSIONS_FILE] = versions.dumps().encode("utf-8")
    default = versions.default()
    if "index.html" not in files and default is not None:
        files["index.html"] = redirect_page(f"{default.name}/index.html").encode("utf-8")
    write_tree(target, files)
    return PublishResult(target, len(files), versions, default)


def branch_files(repo: Path, ref: str, prefix: str = "") -> dict[str, bytes]:
    """Path -> bytes of the files of ``ref`` whose path starts with ``prefix`` (a version's
    folder, say), symlinks among them as copies (:func:`plain_files`)."""
    entries = [e for e in gitio.tree(repo, ref) if e.path.startswith(prefix)]
    blobs = gitio.read_blobs(repo, (e.sha for e in entries))
    return plain_files([(e.path, e.is_symlink, blobs[e.sha]) for e in entries])


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


def write_tree(target: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` into a fresh directory beside ``target``, then swap it in; a directory
    that is neither empty nor an earlier publish (no PUBLISH_MARKER) is refused."""
    target = target.resolve()
    if target.exists():
        if not target.is_dir():
            raise AccountabilityError(f"{target}: exists and is not a directory")
        if any(target.iterdir()) and not (target / PUBLISH_MARKER).is_file():
            earlier = (
                f" (if an earlier `accountability publish` wrote it, before it left the marker, "
                f"create an empty {PUBLISH_MARKER} in it)"
                if (target / VERSIONS_FILE).is_file()
                else ""
            )
            raise AccountabilityError(
                f"{target}: not empty and not written by `accountability publish` (it has no "
                f"{PUBLISH_MARKER}); choose an empty or new directory{earlier}"
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
        (fresh / PUBLISH_MARKER).write_text(MARKER_TEXT, "utf-8")
        site.honour_umask(fresh)
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        if target.exists():
            os.replace(target, old)
        os.replace(fresh, target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
