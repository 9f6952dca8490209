"""What several test modules do to a copied project: edit a config file, run git in it."""

from __future__ import annotations

import subprocess
from pathlib import Path


def edit_config(project: Path, name: str, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` once in config/``name``; the fixture must still hold ``old``."""
    path = project / "config" / name
    text = path.read_text()
    assert old in text, f"fixture changed: {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1))


def git(project: Path, *args: str) -> str:
    """git in ``project`` with a test identity; its standard output."""
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
