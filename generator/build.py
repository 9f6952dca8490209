"""``accountability build``: the report computed, its pages written into site_src/, mkdocs run.

The pipeline of DESIGN.md in order; each step is a stage module, this only sequences them and
reports progress.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator import charts, site
from generator.pages import PageSet, render_pages
from generator.report import Report, build_report

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    report: Report
    pages: PageSet
    written: site.WriteResult
    site_dir: Path | None


def render_svgs(specs: Mapping[str, charts.Spec], workers: int | None = None) -> dict[str, str]:
    """Static SVGs of every chart; vl-convert releases the GIL, so threads use both cores."""
    workers = workers or min(4, os.cpu_count() or 1)
    paths = sorted(specs)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        rendered = list(pool.map(lambda path: charts.svg(specs[path]), paths))
    return dict(zip(paths, rendered, strict=True))


def generated_files(pages: PageSet) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {}
    files.update(pages.markdown)
    files.update(render_svgs(pages.charts))
    files.update(pages.downloads)
    return files


def build(
    project_dir: Path,
    *,
    as_of: str | None = None,
    strict: bool = False,
    run_mkdocs: bool = True,
    progress: Progress = lambda _: None,
) -> BuildResult:
    progress("Reading config and LMS exports, computing metrics")
    report = build_report(project_dir, as_of=as_of)
    if strict:
        _fail_on_rejections(report)
    progress(f"Writing pages as of {report.report_date}")
    pages = render_pages(report)
    progress(f"Drawing {len(pages.charts)} static charts")
    files = generated_files(pages)
    files.update(site.asset_files())
    config_text = site.mkdocs_yml_text(
        project_dir,
        f"{report.project.settings.organisation} — training accountability",
        pages.nav,
        report.project.settings.site_url,
    )
    site_dir = None
    # Everything is built from a staging copy of site_src/; site_src/, mkdocs.yml and site/
    # change only once the whole build has succeeded (a failure or a kill leaves them as
    # they were).
    with site.staged_directory(project_dir / "site_src") as staging:
        written = site.write_generated(staging, files)
        log.info("site_src: %s", written.summary())
        if run_mkdocs:
            progress("Building the site with MkDocs")
            with site.staged_config(project_dir, config_text, staging) as config:
                site_dir = site.build_site(project_dir, strict=True, config=config)
    mkdocs_yml = project_dir / "mkdocs.yml"
    if not mkdocs_yml.exists() or mkdocs_yml.read_text("utf-8") != config_text:
        site.write_text_atomically(mkdocs_yml, config_text)
    return BuildResult(report, pages, written, site_dir)


def _fail_on_rejections(report: Report) -> None:
    """--strict: any rejected LMS row fails the build, after everything has been read."""
    from generator.errors import Problem, ProblemsFound

    problems = [
        Problem(
            source.path,
            detail.lines[0] if detail.lines else 0,
            f"{detail.count} row(s) rejected: {reason} (--strict makes this an error)",
        )
        for source in report.ingested.report.sources
        for reason, detail in source.reasons.items()
    ]
    if problems:
        raise ProblemsFound(problems)
