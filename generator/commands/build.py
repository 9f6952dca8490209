"""``accountability build``: the report computed, its pages written into site_src/, mkdocs run.

The pipeline of DESIGN.md in order; each step is a stage module, this only sequences them and
reports progress.
"""

from __future__ import annotations

import contextlib
import logging
import resource
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator import site
from generator.cache import data as datacache
from generator.cache import svgs as svgreuse
from generator.cache.pages import course_page_keys
from generator.charts import specs as charts
from generator.charts import svg as svgdraw
from generator.commands.since import since_snapshot
from generator.config import load_project
from generator.domain.engines import EngineName
from generator.domain.errors import (
    AccountabilityError,
    Problem,
    ProblemsFound,
    os_error_message,
)
from generator.domain.periods import ReportDate
from generator.pages import PageSet, page_workers, render_pages
from generator.report import Report, build_report
from generator.versions.deploy import DEFAULT_BRANCH

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


class Timings(dict[str, float]):
    """Wall seconds per build stage, in the order the stages ran (for logs and benchmarks),
    and in ``cpu`` the CPU seconds of this process and its subprocesses (mkdocs): on a
    shared machine the wall time also counts the neighbours."""

    def __init__(self) -> None:
        super().__init__()
        self.cpu: dict[str, float] = {}

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start, start_cpu = time.perf_counter(), _cpu_seconds()
        try:
            yield
        finally:
            self[name] = self.get(name, 0.0) + time.perf_counter() - start
            self.cpu[name] = self.cpu.get(name, 0.0) + _cpu_seconds() - start_cpu


def _cpu_seconds() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@dataclass(frozen=True)
class Comparison:
    """build --since: the snapshot the person pages compare with, and where it is."""

    identifier: str
    branch: str
    remote: str


@dataclass(frozen=True)
class BuildResult:
    report: Report
    pages: PageSet
    written: site.WriteResult
    site_dir: Path | None
    timings: Timings = field(default_factory=Timings)
    incremental: bool = False


def render_svgs(specs: Mapping[str, charts.Spec]) -> dict[str, str]:
    """``{svg path: SVG text}`` of every chart, all drawn (generator.charts.svg); ``build``
    reads back those a rebuild did not change instead (generator.cache.svgs)."""
    return {path: svgdraw.svg(specs[path]) for path in sorted(specs)}


def generated_files(pages: PageSet) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {}
    files.update(pages.markdown)
    files.update(render_svgs(pages.charts))
    files.update(pages.downloads)
    return files


def build(
    project_dir: Path,
    *,
    as_of: ReportDate | None = None,
    strict: bool = False,
    run_mkdocs: bool = True,
    incremental: bool = True,
    progress: Progress = lambda _: None,
    engine: EngineName | None = None,
    since: str | None = None,
    branch: str = DEFAULT_BRANCH,
    remote: str = "origin",
) -> BuildResult:
    """``incremental``: read the aggregates of unchanged LMS data from the cache, and re-render
    only the pages whose Markdown changed when site/ was built from the same mkdocs.yml and set
    of files (else a clean build). ``since``: a snapshot (version, alias or snapshot.json) the
    person pages compare with. One build at a time per project (the build lock)."""
    with site.build_lock(project_dir):
        site.remove_leftovers(project_dir)  # of builds killed half-way: ours now, under the lock
        try:
            compare = Comparison(since, branch, remote) if since else None
            return _build(
                project_dir, as_of, strict, run_mkdocs, incremental, progress, engine, compare
            )
        except OSError as exc:  # a full disk, a read-only file system: what, where and the fix
            raise AccountabilityError(os_error_message(exc, "nothing was changed")) from None


def _build(
    project_dir: Path,
    as_of: ReportDate | None,
    strict: bool,
    run_mkdocs: bool,
    incremental: bool,
    progress: Progress,
    engine: EngineName | None,
    since: Comparison | None,
) -> BuildResult:
    timings = Timings()
    with timings.stage("report"):
        progress("Reading config and LMS exports, computing metrics")
        # Unchanged LMS data is not read and aggregated again (generator/cache/data.py).
        data_cache = site.cache_dir(project_dir) if incremental else None
        if data_cache is None:
            report = build_report(project_dir, as_of=as_of, engine=engine)
        else:
            project = load_project(project_dir)
            report = datacache.cached_report(project, as_of, engine, data_cache)
    if strict:
        _fail_on_rejections(report)
    with timings.stage("pages"):
        progress(f"Writing pages as of {report.report_date}")
        # Course pages made from unchanged inputs are kept from the last build.
        previous = datacache.load_course_pages(data_cache) if data_cache else None
        keys = course_page_keys(report) if previous is not None else None
        compared = (
            since_snapshot(
                project_dir, since.identifier, report, branch=since.branch, remote=since.remote
            )
            if since
            else None
        )
        pages = render_pages(report, previous=previous, keys=keys, since=compared)
        if data_cache and previous is not None:
            datacache.store_course_pages(data_cache, pages.course_cache)
            kept = _kept_pages(previous, pages)
            log.info(
                "course pages: %d of %d kept from the last build", kept, len(pages.course_cache)
            )
    with timings.stage("svgs"):
        progress(f"Drawing {len(pages.charts)} static charts")
        # On a rebuild, the SVG of a chart whose spec is unchanged is read back, not drawn.
        site_src = project_dir / "site_src"
        drawn = svgreuse.draw_svgs(pages.charts, pages.chart_keys, site_src, data_cache)
    files: dict[str, str | bytes] = {**pages.markdown, **drawn, **pages.downloads}
    files.update(site.asset_files())
    config_text = site.mkdocs_yml_text(
        project_dir,
        site.site_title(report.project.settings.organisation),
        pages.nav,
        report.project.settings.site_url,
    )
    site_dir = None
    reuse = False
    site.check_writable(project_dir / "site_src", *([project_dir / "site"] if run_mkdocs else []))
    # Everything is built from a staging copy of site_src/; site_src/, mkdocs.yml and site/
    # change only once the whole build has succeeded (a failure or a kill leaves them as
    # they were): site_src/ is swapped in just before site/ is.
    with site.staged_directory(project_dir / "site_src") as staging:
        with timings.stage("write"):
            written = site.write_generated(staging, files)
        log.info("site_src: %s", written.summary())
        if run_mkdocs:
            progress("Building the site with MkDocs")
            changed = sum(1 for path in written.written if path.endswith(".md"))
            site_dir, reuse = _mkdocs(
                project_dir, config_text, staging, incremental, timings, dirty_shards(changed)
            )
    mkdocs_yml = project_dir / "mkdocs.yml"
    if not mkdocs_yml.exists() or mkdocs_yml.read_text("utf-8") != config_text:
        site.write_text_atomically(mkdocs_yml, config_text)
    log.info("build stages: %s", ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))
    return BuildResult(report, pages, written, site_dir, timings, incremental=reuse)


# Changed pages per dirty-build process: a process costs a start-up before its first page, and
# two run well short of twice as fast as one on a 2-vCPU machine (benchmarks/RESULTS.md), so a
# second process starts only at 2 x this many pages.
PAGES_PER_SHARD = 10


def dirty_shards(changed_pages: int) -> int:
    """How many processes re-render ``changed_pages`` pages in an incremental build: one per
    PAGES_PER_SHARD pages, at most one per core (ACCOUNTABILITY_WORKERS)."""
    return max(1, min(page_workers(), changed_pages // PAGES_PER_SHARD))


def _mkdocs(
    project_dir: Path,
    config_text: str,
    staging: Path,
    incremental: bool,
    timings: Timings,
    shards: int = 1,
) -> tuple[Path, bool]:
    """mkdocs build of the staged sources; incremental (in ``shards`` processes) when site/
    came from the same config and set of files. Returns site/ and whether the build was
    incremental."""
    with timings.stage("write"):
        stamp = site.build_stamp(config_text, staging)
        reuse = incremental and site.can_build_incrementally(project_dir, stamp)
        site.forget_stamp(project_dir)  # until the new site/ is in place
    with timings.stage("mkdocs"), site.staged_config(project_dir, config_text, staging) as config:
        site_dir = site.build_site(
            project_dir,
            strict=True,
            config=config,
            incremental=reuse,
            shards=shards,
            before_swap=lambda: site.swap_staged(staging, project_dir / "site_src"),
        )
    site.save_stamp(project_dir, stamp)
    return site_dir, reuse


def _kept_pages(previous: Mapping[str, tuple[str, PageSet]], pages: PageSet) -> int:
    """How many course pages are the very ones ``previous`` held (for the log)."""
    return sum(
        1 for c, (_, page) in pages.course_cache.items() if page is previous.get(c, ("", None))[1]
    )


def _fail_on_rejections(report: Report) -> None:
    """--strict: any rejected LMS row fails the build, after everything has been read."""
    problems = [
        Problem(
            *detail.first_place(source.path),
            f"{detail.count} row(s) rejected: {reason} (--strict makes this an error)",
        )
        for source in report.ingested.report.sources
        for reason, detail in source.reasons.items()
    ]
    if problems:
        raise ProblemsFound(problems)
