"""How a snapshot is deployed: a built version committed to the site branch with mike.

The decisions (names, aliases, order, immutability) come from :mod:`generator.versions.model`
as a plan; this module carries a plan out on the branch (every git and mike call is in
:mod:`generator.versions.git`). Change this module to deploy snapshots another way.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from generator import site
from generator.versions import git as gitio
from generator.versions.model import LATEST, DeployPlan, Versions, menu_title

DEFAULT_BRANCH = "gh-pages"
VERSIONS_FILE = "versions.json"
VERSIONED_CONFIG = "mkdocs.versioned.yml"


def read_versions(repo: Path, branch: str, remote: str = "origin") -> Versions:
    """The versions on the branch (or on ``remote``'s copy of it); none when it is missing."""
    ref = gitio.branch_ref(repo, branch, remote)
    if ref is None:
        return Versions()
    return Versions.loads(gitio.read_file(repo, ref, VERSIONS_FILE))


def versioned_config(scratch: Path) -> Path:
    """mkdocs.yml plus Material's version menu, which reads mike's versions.json, and the
    packaged theme override whose banner marks a snapshot that is not the latest. Only
    snapshots have them: in a plain build the menu would fetch a versions.json that is not
    there. A project with a theme override of its own (theme.custom_dir) keeps it; the README
    says what block to copy into it for the banner."""
    text = "INHERIT: mkdocs.yml\nextra:\n  version:\n    provider: mike\n    default: latest\n"
    if not _has_custom_dir(scratch / "mkdocs.yml"):
        text += f"theme:\n  custom_dir: {json.dumps(str(site.overrides_dir()))}\n"
    config = scratch / VERSIONED_CONFIG
    config.write_text(text, "utf-8")
    return config


def _has_custom_dir(mkdocs_yml: Path) -> bool:
    """Whether the theme section sets custom_dir (read as text: mkdocs.yml may hold tags such as
    !ENV that a plain YAML loader refuses)."""
    text = mkdocs_yml.read_text("utf-8") if mkdocs_yml.exists() else ""
    return re.search(r"^\s+custom_dir\s*:", text, re.MULTILINE) is not None


def deploy(
    repo: Path, config: Path, plan: DeployPlan, before: Versions, *, branch: str, hidden: bool
) -> None:
    """Build the site of ``config`` as the plan's version and commit it to ``branch``: the
    version, its aliases (moved from other versions or deleted as the plan says), the default
    version for the site's root, and the menu order."""
    version = plan.version
    gitio.mike_deploy(
        repo,
        config,
        branch=branch,
        version=version.name,
        title=menu_title(version.title),
        aliases=version.aliases,
        hidden=hidden,
        message=f"Snapshot {version.title} as {version.name} (accountability)",
    )
    for alias, target in plan.moved_aliases(before).items():
        if target:
            gitio.mike_alias(repo, config, branch=branch, version=target, alias=alias)
        else:
            gitio.mike_delete(repo, config, branch=branch, identifier=alias)
    if plan.versions.find(LATEST) and gitio.read_file(repo, branch, "index.html") is None:
        gitio.mike_set_default(repo, config, branch=branch, identifier=LATEST)
    keep_menu_order(repo, branch)


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
