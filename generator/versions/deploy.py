"""How a snapshot is deployed: a built version committed to the site branch with mike.

The decisions (names, aliases, order, immutability) come from :mod:`generator.versions.model`
as a plan; this module carries a plan out on the branch (every git and mike call is in
:mod:`generator.versions.git`). Change this module to deploy snapshots another way.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.versions import git as gitio
from generator.versions.model import LATEST, DeployPlan, Versions

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
    """mkdocs.yml plus Material's version menu, which reads mike's versions.json. Only
    snapshots have it: in a plain build the menu would fetch a versions.json that is not
    there."""
    config = scratch / VERSIONED_CONFIG
    config.write_text(
        "INHERIT: mkdocs.yml\nextra:\n  version:\n    provider: mike\n    default: latest\n",
        "utf-8",
    )
    return config


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
        title=version.title,
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
