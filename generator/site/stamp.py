"""What the previous site/ was built from, so a build knows when an incremental one is safe.

The stamp lives in ``.accountability-cache/`` of the project.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.site.files import digest, write_text_atomically

CACHE_DIR = ".accountability-cache"
STAMP = "site-stamp.json"


def build_stamp(config_text: str, docs_dir: Path) -> str:
    """A digest of what makes an incremental build unsafe when it changes: mkdocs.yml (nav
    included), the set of source files (added or removed pages change links and the search
    index) and the MkDocs and Material versions."""
    from importlib.metadata import version

    names = sorted(str(p.relative_to(docs_dir)) for p in docs_dir.rglob("*") if not p.is_dir())
    parts = [config_text, version("mkdocs"), version("mkdocs-material"), *names]
    return digest("\0".join(parts).encode("utf-8"))


def _site_mark(site_dir: Path) -> int:
    """Changes whenever anything else rebuilds site/ (its search index is always rewritten)."""
    try:
        return (site_dir / "search" / "search_index.json").stat().st_mtime_ns
    except FileNotFoundError:
        return -1


def can_build_incrementally(project_dir: Path, stamp: str) -> bool:
    """Whether site/ was built by us from inputs with this stamp and not touched since."""
    try:
        saved = json.loads((project_dir / CACHE_DIR / STAMP).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    site_dir = project_dir / "site"
    return saved == {"stamp": stamp, "site": _site_mark(site_dir)} and site_dir.is_dir()


def cache_dir(project_dir: Path) -> Path:
    """``.accountability-cache/``, made with a .gitignore of its own (as .pytest_cache is), so
    a project's git status never shows it."""
    cache = project_dir / CACHE_DIR
    cache.mkdir(exist_ok=True)
    ignore = cache / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# created by accountability: a cache, never committed\n*\n", "utf-8")
    return cache


def save_stamp(project_dir: Path, stamp: str) -> None:
    cache = cache_dir(project_dir)
    body = {"stamp": stamp, "site": _site_mark(project_dir / "site")}
    write_text_atomically(cache / STAMP, json.dumps(body, sort_keys=True) + "\n")


def forget_stamp(project_dir: Path) -> None:
    (project_dir / CACHE_DIR / STAMP).unlink(missing_ok=True)
