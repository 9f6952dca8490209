"""The site at the edge: generated files into site_src/, offline assets, mkdocs build and serve.

Everything here touches disk or runs a subprocess; the pages and charts it writes are made by
pure stages elsewhere.

Ownership of site_src/: a file is *generated* when ``site_src/.generated.json`` (the manifest)
lists it; every other file is hand-written and is never overwritten or deleted. Generated
Markdown also starts with :data:`MARKER` so a reader of the file (or of a diff) knows.

The modules, each importing only those above it:

- :mod:`~generator.site.files`: the marker, the manifest and atomic writes into site_src/;
- :mod:`~generator.site.packaged`: the offline chart assets and the mkdocs.yml template;
- :mod:`~generator.site.mkdocs_yml`: the generated block of mkdocs.yml;
- :mod:`~generator.site.staging`: staging copies swapped in only when a build succeeds;
- :mod:`~generator.site.lock`: one build at a time per project;
- :mod:`~generator.site.stamp`: what site/ was built from, for incremental builds;
- :mod:`~generator.site.incremental`: the incremental build, run as a subprocess;
- :mod:`~generator.site.mkdocs_run`: ``mkdocs build`` and ``mkdocs serve``.

Callers import the names from here.
"""

from __future__ import annotations

from generator.site.files import (
    MANIFEST,
    MARKER,
    Content,
    WriteResult,
    check_paths,
    digest,
    honour_umask,
    is_marked,
    manifest_text,
    mark,
    read_manifest,
    write_generated,
    write_text_atomically,
)
from generator.site.lock import LOCK, build_lock
from generator.site.mkdocs_run import build_messages, build_site, serve
from generator.site.mkdocs_yml import (
    NAV_BEGIN,
    NAV_END,
    NavEntry,
    generated_config,
    initial_mkdocs_yml,
    mkdocs_yml_text,
    site_title,
    update_mkdocs_yml,
    write_mkdocs_yml,
)
from generator.site.packaged import (
    ASSET_DIR,
    ASSET_NAMES,
    BUNDLE_NAME,
    BUNDLE_SNIPPET,
    MKDOCS_TEMPLATE,
    asset_files,
    copy_assets,
    overrides_dir,
    refresh_vega_bundle,
    vega_bundle_source,
    write_site_src,
)
from generator.site.staging import (
    STAGED_BASE,
    STAGED_CONFIG,
    check_writable,
    recover,
    remove_leftovers,
    staged_config,
    staged_directory,
    swap_staged,
)
from generator.site.stamp import (
    CACHE_DIR,
    STAMP,
    build_stamp,
    cache_dir,
    can_build_incrementally,
    forget_stamp,
    save_stamp,
)

__all__ = [
    "ASSET_DIR",
    "ASSET_NAMES",
    "BUNDLE_NAME",
    "BUNDLE_SNIPPET",
    "CACHE_DIR",
    "LOCK",
    "MANIFEST",
    "MARKER",
    "MKDOCS_TEMPLATE",
    "NAV_BEGIN",
    "NAV_END",
    "STAGED_BASE",
    "STAGED_CONFIG",
    "STAMP",
    "Content",
    "NavEntry",
    "WriteResult",
    "asset_files",
    "build_lock",
    "build_messages",
    "build_site",
    "build_stamp",
    "cache_dir",
    "can_build_incrementally",
    "check_paths",
    "check_writable",
    "copy_assets",
    "digest",
    "forget_stamp",
    "generated_config",
    "honour_umask",
    "initial_mkdocs_yml",
    "is_marked",
    "manifest_text",
    "mark",
    "mkdocs_yml_text",
    "overrides_dir",
    "read_manifest",
    "recover",
    "refresh_vega_bundle",
    "remove_leftovers",
    "save_stamp",
    "serve",
    "site_title",
    "staged_config",
    "staged_directory",
    "swap_staged",
    "update_mkdocs_yml",
    "vega_bundle_source",
    "write_generated",
    "write_mkdocs_yml",
    "write_site_src",
    "write_text_atomically",
]
