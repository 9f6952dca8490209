"""An incremental ``mkdocs build --dirty`` that gives the same site as a clean build.

Run as ``python -m generator.site.incremental CONFIG SITE_DIR RESULT [SHARD SHARDS]`` (a
subprocess, like ``mkdocs build``) on a hard-linked copy of the previous site/ (see
:func:`generator.site.build_site`). MkDocs' dirty mode re-renders only pages whose source is
newer than their HTML; the staging copy of site_src/ keeps the mtimes of files write_generated
left alone, so that is exactly the pages whose Markdown changed. Three things a plain
``--dirty`` gets wrong are fixed here:

- files it will write are unlinked first, so writing them never changes the previous site
  through a shared inode (it stays whole until the new one is swapped in);
- its "dirty build" warning would fail ``--strict``; it is dropped, every other warning counts;
- Material's search index would hold only the re-rendered pages: :func:`combine` merges it
  with the previous index in the page order of a clean build.

Many changed pages are shared out: ``SHARDS`` processes, each on a hard-linked copy of its
own, re-render one share each at the same time (MkDocs renders one page after another on one
core). Shard 0 also writes the static files, 404 page and sitemap; :func:`combine` moves the
other shards' pages into shard 0's copy, which becomes the site.

The caller only uses this when mkdocs.yml (nav included), the set of files and the MkDocs
versions are those of the previous build; anything else gets a clean build.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

SEARCH_INDEX = "search/search_index.json"
# Material's offline plugin copies the index into a script, for search from file://.
SEARCH_SCRIPT = "search/search_index.js"
ALWAYS_WRITTEN = ("sitemap.xml", "sitemap.xml.gz", "404.html", SEARCH_INDEX, SEARCH_SCRIPT)


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


def share(sizes: dict[str, int], shard: int, shards: int) -> set[str]:
    """Shard ``shard``'s pages of ``{page: source size}``: the largest page goes to the share
    with the fewest bytes so far, so the shares take about as long."""
    totals, owner = [0] * shards, {}
    for page in sorted(sizes, key=lambda p: (-sizes[p], p)):
        smallest = totals.index(min(totals))
        owner[page] = smallest
        totals[smallest] += sizes[page]
    return {page for page, k in owner.items() if k == shard}


def _size(path: str | None) -> int:
    return os.path.getsize(path) if path else 0  # a page a plugin made has no source file


def dirty_build(
    config_file: Path, site_dir: Path, shard: int = 0, shards: int = 1
) -> dict[str, Any]:
    """Re-render this shard's share of the changed pages into ``site_dir``; returns what
    :func:`combine` needs: every page URL in build order, and the pages this shard wrote."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.structure.files import File, get_files

    config = load_config(str(config_file), site_dir=str(site_dir), strict=True)
    files = get_files(config)
    pages = list(files.documentation_pages())
    changed = {f.src_uri: _size(f.abs_src_path) for f in pages if f.is_modified()}
    mine = share(changed, shard, shards)
    for file in files:
        if file.is_modified():
            Path(file.abs_dest_path).unlink(missing_ok=True)
    for name in ALWAYS_WRITTEN:
        (site_dir / name).unlink(missing_ok=True)
    if shard > 0:
        config.theme.static_templates = set()  # 404 page and sitemap: shard 0 writes them

    modified = File.is_modified

    def in_this_share(file: File) -> bool:
        owned = file.src_uri in mine if file.is_documentation_page() else shard == 0
        return owned and modified(file)

    File.is_modified = in_this_share  # type: ignore[method-assign, assignment]
    logging.getLogger("mkdocs.commands.build").addFilter(_DropDirtyWarning())
    build(config, dirty=True)
    ours = [f for f in pages if f.src_uri in mine]
    return {
        "pages": [f.url for f in pages],
        "rebuilt": [f.url for f in ours],
        "written": [f.dest_uri for f in ours],
    }


def combine(
    site_dir: Path,
    previous_index: dict[str, Any] | None,
    shard_dirs: Sequence[Path],
    results: Sequence[dict[str, Any]],
) -> int:
    """Make ``site_dir`` (shard 0's copy) the whole site: the other shards' pages moved in and
    the search index merged with ``previous_index``. Returns the number of pages re-rendered."""
    for shard_dir, result in zip(shard_dirs[1:], results[1:], strict=True):
        for dest in result["written"]:
            os.replace(shard_dir / dest, site_dir / dest)
    rebuilt = {url for result in results for url in result["rebuilt"]}
    index_path = site_dir / SEARCH_INDEX
    # No index when a project's mkdocs.yml turns search off.
    if previous_index is not None and index_path.exists():
        shard_indexes = [json.loads((d / SEARCH_INDEX).read_text("utf-8")) for d in shard_dirs]
        built = {
            "config": shard_indexes[0]["config"],
            "docs": [entry for index in shard_indexes for entry in index["docs"]],
        }
        merged = merge_search_index(previous_index, built, results[0]["pages"], rebuilt)
        # The same serialisation as Material's search plugin (and its offline plugin's script).
        text = json.dumps(merged, separators=(",", ":"), default=str)
        index_path.write_text(text, "utf-8")
        if (site_dir / SEARCH_SCRIPT).exists():
            (site_dir / SEARCH_SCRIPT).write_text(f"var __index = {text}", "utf-8")
    return len(rebuilt)


def main(argv: list[str]) -> int:
    from mkdocs.exceptions import Abort

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    handler.setLevel(logging.WARNING)
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    config, site_dir, result = Path(argv[0]), Path(argv[1]), Path(argv[2])
    shard, shards = (int(argv[3]), int(argv[4])) if len(argv) > 4 else (0, 1)
    try:
        done = dirty_build(config, site_dir, shard, shards)
    except Abort as error:
        print(f"ERROR   -  {error}", file=sys.stderr)
        return 1
    result.write_text(json.dumps(done), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
