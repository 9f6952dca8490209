"""Staging: nothing in site_src/ or site/ changes until the whole build has succeeded.

A build works on a hard-linked copy of the directory and swaps it in with two renames;
:func:`recover` undoes what a build killed half-way left behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from generator.domain.errors import BuildError

STAGED_CONFIG = ".mkdocs.staged.yml"
STAGED_BASE = ".mkdocs.staged-base.yml"


def _staging_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.staging")


def recover(target: Path) -> None:
    """Undo what a build killed half-way left: a staging copy, or a swap stopped between its
    two renames (the previous directory is then still there under its old-… name)."""
    staging = _staging_name(target)
    if staging.exists():
        shutil.rmtree(staging)
    if not target.exists():
        leftovers = sorted(target.parent.glob(f".{target.name}.old-*"))
        if leftovers:
            os.replace(leftovers[-1], target)


def _link_tree(source: Path, destination: Path) -> None:
    """A copy of ``source`` made of hard links: cheap, and replacing a file in the copy (as
    write_generated does, with os.replace) leaves the original untouched."""
    destination.mkdir(parents=True)
    for path in sorted(source.rglob("*")):
        target = destination / path.relative_to(source)
        if path.is_dir():
            target.mkdir(exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)


@contextlib.contextmanager
def staged_directory(target: Path) -> Iterator[Path]:
    """Yield a staging copy of ``target``; swap it in only if the block succeeds."""
    recover(target)
    staging = _staging_name(target)
    if target.exists():
        _link_tree(target, staging)
    else:
        staging.mkdir(parents=True)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if staging.exists():  # else the block swapped it in already (swap_staged)
        _swap_in(staging, target)


def swap_staged(staging: Path, target: Path) -> None:
    """Swap the staging copy in now, inside the :func:`staged_directory` block (so that it
    happens before what follows it, such as site/ being replaced)."""
    _swap_in(staging, target)


def check_writable(*directories: Path) -> None:
    """A clear error now, not a half-done swap later: each directory, and the folder holding
    it, must be writable to be replaced by two renames."""
    for directory in directories:
        for needed in (directory, directory.parent):
            if needed.exists() and not os.access(needed, os.W_OK | os.X_OK):
                raise BuildError(
                    f"{needed}: not writable, so {directory.name}/ cannot be replaced; "
                    f"make it writable (chmod u+w {needed}) and build again"
                )


LEFTOVER_KINDS = ("build", "shards", "old")


def remove_leftovers(project_dir: Path, names: tuple[str, ...] = ("site", "site_src")) -> None:
    """Delete what builds killed half-way left in the project folder (.site.build-*,
    .site.shards-*, .site_src.old-*...). Only under the build lock: another build's are live."""
    for name in names:
        recover(project_dir / name)
        for kind in LEFTOVER_KINDS:
            for leftover in project_dir.glob(f".{name}.{kind}-*"):
                shutil.rmtree(leftover, ignore_errors=True)


@contextlib.contextmanager
def staged_config(project_dir: Path, config_text: str, docs_dir: Path) -> Iterator[Path]:
    """A temporary mkdocs config: ``config_text`` with docs_dir pointing at the staging copy.
    It lives in the project directory so relative paths in it mean what they did."""
    base, child = project_dir / STAGED_BASE, project_dir / STAGED_CONFIG
    base.write_text(config_text, "utf-8")
    child.write_text(f"INHERIT: {STAGED_BASE}\ndocs_dir: {docs_dir.name}\n", "utf-8")
    try:
        yield child
    finally:
        base.unlink(missing_ok=True)
        child.unlink(missing_ok=True)


def _swap_in(built: Path, site_dir: Path) -> None:
    """Replace site_dir by ``built`` with two renames; the old tree is deleted afterwards."""
    old = None
    if site_dir.exists():
        old = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        os.replace(site_dir, old)
    os.replace(built, site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
