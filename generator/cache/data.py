"""The LMS data's aggregates kept between builds, so a rebuild that changes no data skips ingest
and aggregation (at 10 million rows, most of the time outside MkDocs).

An entry is keyed by everything the aggregates are computed from: this package's code, the
pandas / pyarrow / DuckDB / PySpark versions, the engine, the sources in project.yaml with the
size and modification time of every file they name, the course list, the fiscal year start and
the report date asked for. Goals, people, roles, budgets and titles are not in the key:
changing them changes the pages, not the aggregates. A changed export, course or engine is a
different key, so an entry is never stale; deleting ``.accountability-cache/`` forgets them all.

The metrics and findings computed from those aggregates are kept too (:class:`Derived`),
keyed by the aggregates' key and everything else in config/ but the goals: a rebuild after a
goal's target changed only evaluates the goals again.

So are the course pages of the last build, each with a digest of what it was made from
(generator.cache.pages): a page whose digest is unchanged is not rendered again.

Entries are pickles of values this package made, in the project's own cache folder (loading
one is as trusted as the project's config); the newest ``KEEP`` are kept.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import pickle
import tempfile
from dataclasses import dataclass
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

import generator
from generator.config import Project
from generator.domain.engines import EngineName
from generator.domain.periods import ReportDate
from generator.ingest import source_files
from generator.report import (
    Aggregated,
    Report,
    assemble,
    check_as_of,
    course_frame,
    derive,
    read_and_aggregate,
)
from generator.report.findings import Finding
from generator.report.metrics import Metrics

log = logging.getLogger(__name__)

SUBDIR = "aggregates"
DERIVED_SUBDIR = "metrics"
PAGES_SUBDIR = "pages"
COURSE_PAGES = "course-pages"
KEEP = 4  # a few report dates (quarterly snapshots) without growing without bound
LIBRARIES = ("pandas", "pyarrow", "duckdb", "pyspark")


@dataclass(frozen=True)
class Derived:
    """The metrics and findings of one set of aggregates: neither depends on the goals."""

    metrics: Metrics
    findings: list[Finding]


def config_but_goals(project: Project) -> dict[str, Any]:
    """config/ as JSON values, without goals.yaml: what metrics, findings and course pages are
    made from besides the data (a goal's result is a separate input of its own)."""
    return {
        "settings": project.settings.model_dump(mode="json"),
        **{
            name: [item.model_dump(mode="json") for item in getattr(project, name)]
            for name in ("roles", "people", "courses", "budgets")
        },
        "budgets_illustrative": [project.budgets_illustrative, project.budgets_note],
    }


def derived_key(data_key: str, project: Project) -> str:
    """A digest of the aggregates' key and of config/ without goals.yaml."""
    parts = {"data": data_key, **config_but_goals(project)}
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_key(
    project: Project,
    engine: EngineName,
    courses: pd.DataFrame,
    as_of: ReportDate | None,
    files: list[Path],
) -> str:
    """A digest of every input of ingest and aggregation."""
    settings = project.settings
    parts = {
        "code": code_digest(),
        "libraries": {name: library_version(name) for name in LIBRARIES},
        "engine": engine,
        "spark": settings.spark.model_dump(mode="json") if engine is EngineName.SPARK else None,
        "sources": [source.model_dump(mode="json") for source in settings.sources],
        "files": [_file_stamp(path) for path in files],
        "courses": courses.to_json(orient="split"),
        # listed modules shape the activity (ingest.modules) and the drop-off steps
        "modules": {c.id: [m.model_dump() for m in c.modules] for c in project.courses},
        "fiscal_year_start_month": settings.fiscal_year_start_month,
        "report_date": str(settings.report_date),
        "as_of": as_of,
    }
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load(cache: Path, key: str, kind: type[Any] = Aggregated, subdir: str = SUBDIR) -> Any:
    """The entry of type ``kind`` stored under ``key``, or None."""
    path = cache / subdir / f"{key}.pickle"
    try:
        with path.open("rb") as handle:
            found = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged entry is rebuilt, not an error
        log.warning("ignoring the unreadable cache entry %s (%s)", path, exc)
        return None
    if not isinstance(found, kind):
        return None
    os.utime(path)  # recently used: kept longest
    return found


def store(cache: Path, key: str, entry: object, subdir: str = SUBDIR) -> None:
    """Atomically (a concurrent build never reads half an entry); the oldest beyond KEEP go.
    A cache that cannot be written (a full disk, a read-only folder) only costs the next
    build its shortcut: it is logged, not raised."""
    try:
        _write(cache / subdir, key, entry)
    except OSError as exc:
        log.warning("could not store a cache entry in %s (%s)", cache / subdir, exc)


def _write(folder: Path, key: str, entry: object) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{key}.pickle")
    finally:
        Path(tmp).unlink(missing_ok=True)  # gone after the replace; a half file if not
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)


def load_course_pages(cache: Path) -> dict[str, Any]:
    """``PageSet.course_cache`` of the last build; empty when there is none."""
    found: dict[str, Any] | None = load(cache, COURSE_PAGES, dict, PAGES_SUBDIR)
    return found or {}


def store_course_pages(cache: Path, course_cache: dict[str, Any]) -> None:
    store(cache, COURSE_PAGES, course_cache, PAGES_SUBDIR)


def _file_stamp(path: Path) -> list[Any]:
    """Path, size and modification time of a file, or of every file under a folder."""
    if path.is_dir():
        inside = sorted(p for p in path.rglob("*") if p.is_file())
        return [str(path.resolve()), [_file_stamp(p) for p in inside]]
    stat = path.stat()
    return [str(path.resolve()), stat.st_size, stat.st_mtime_ns]


@functools.cache  # read once per process
def package_digest() -> str:
    """Of every file of this package (code, templates, assets): what a page is made with."""
    digest = hashlib.sha256()
    package = Path(generator.__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode("utf-8") + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache  # read once per process
def code_digest() -> str:
    """Of every module of this package, so a change to any rule gives new aggregates."""
    digest = hashlib.sha256()
    package = Path(generator.__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def library_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return ""


# --- the report of a build, from the cache where its inputs are unchanged -----------------------


def cached_report(
    project: Project, as_of: ReportDate | None, engine: EngineName | None, cache: Path
) -> Report:
    """generator.report.build_report, with the aggregates of unchanged LMS data, and the
    metrics and findings of unchanged data and config/ but goals.yaml, read from ``cache``."""
    check_as_of(project, as_of, date.today())  # before the cache key, which holds it
    name = engine or project.settings.engine
    files = [path for source in project.settings.sources for path in source_files(project, source)]
    key = cache_key(project, name, course_frame(project), as_of, files)
    aggregated = load(cache, key)
    if aggregated is not None:
        log.info("LMS data unchanged: aggregates from the cache")
    else:
        aggregated = read_and_aggregate(project, as_of, engine)
        store(cache, key, aggregated)
    derived_at = derived_key(key, project)
    found = load(cache, derived_at, Derived, DERIVED_SUBDIR)
    if found is not None:
        log.info("config unchanged but for the goals: metrics and findings from the cache")
        metrics, findings = found.metrics, found.findings
    else:
        metrics, findings = derive(project, aggregated)
        store(cache, derived_at, Derived(metrics, findings), DERIVED_SUBDIR)
    return assemble(project, aggregated, metrics, findings, as_of)
