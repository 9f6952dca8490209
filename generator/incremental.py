"""An incremental ``mkdocs build --dirty`` that gives the same site as a clean build.

Run as ``python -m generator.incremental CONFIG SITE_DIR`` (a subprocess, like ``mkdocs
build``) on a hard-linked copy of the previous site/ (see :func:`generator.site.build_site`).
MkDocs' dirty mode re-renders only pages whose source is newer than their HTML; the staging
copy of site_src/ keeps the mtimes of files write_generated left alone, so that is exactly the
pages whose Markdown changed. Three things a plain ``--dirty`` gets wrong are fixed here:

- files it will write are unlinked first, so writing them never changes the previous site
  through a shared inode (it stays whole until the new one is swapped in);
- its "dirty build" warning would fail ``--strict``; it is dropped, every other warning counts;
- Material's search index would hold only the re-rendered pages: it is merged with the
  previous index in the page order of a clean build.

The caller only uses this when mkdocs.yml (nav included), the set of files and the MkDocs
versions are those of the previous build; anything else gets a clean build.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SEARCH_INDEX = "search/search_index.json"
ALWAYS_WRITTEN = ("sitemap.xml", "sitemap.xml.gz", "404.html", SEARCH_INDEX)


class _DropDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()


def _page_url(location: str) -> str:
    return location.split("#", 1)[0]


def merge_search_index(
    previous: dict[str, Any], built: dict[str, Any], pages: Iterable[str], rebuilt: set[str]
) -> dict[str, Any]:
    """The index a clean build writes: entries of re-rendered pages from ``built``, the rest
    from ``previous``, page by page in build order (``pages`` are page URLs)."""
    groups: dict[str, dict[str, list[Any]]] = {"previous": {}, "built": {}}
    for name, index in (("previous", previous), ("built", built)):
        for entry in index["docs"]:
            groups[name].setdefault(_page_url(entry["location"]), []).append(entry)
    docs = []
    for url in pages:
        docs += groups["built" if url in rebuilt else "previous"].get(url, [])
    return {"config": built["config"], "docs": docs}


def dirty_build(config_file: Path, site_dir: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    config = load_config(str(config_file), site_dir=str(site_dir), strict=True)
    files = get_files(config)
    pages = [f for f in files.documentation_pages()]
    rebuilt = {f.url for f in pages if f.is_modified()}
    for file in files:
        if file.is_modified():
            Path(file.abs_dest_path).unlink(missing_ok=True)
    index_path = site_dir / SEARCH_INDEX
    # No index when a project's mkdocs.yml turns search off.
    previous = json.loads(index_path.read_text("utf-8")) if index_path.exists() else None
    for name in ALWAYS_WRITTEN:
        (site_dir / name).unlink(missing_ok=True)
    logging.getLogger("mkdocs.commands.build").addFilter(_DropDirtyWarning())
    build(config, dirty=True)
    if previous is not None and index_path.exists():
        built = json.loads(index_path.read_text("utf-8"))
        merged = merge_search_index(previous, built, [p.url for p in pages], rebuilt)
        # The same serialisation as Material's search plugin.
        index_path.write_text(json.dumps(merged, separators=(",", ":"), default=str), "utf-8")
    print(f"re-rendered {len(rebuilt)} of {len(pages)} pages", file=sys.stderr)


def main(argv: list[str]) -> int:
    from mkdocs.exceptions import Abort

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    handler.setLevel(logging.WARNING)
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    try:
        dirty_build(Path(argv[0]), Path(argv[1]))
    except Abort as error:
        print(f"ERROR   -  {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
