"""Pages: the report as ``{relative path: Markdown}``, chart specs and CSV downloads.

Pure: takes a ``Report`` and returns a ``PageSet``; the site stage writes it. Each page kind
is a module (overview, courses, developers, periods, roles, people, departments, quality) whose page
functions read the ``Context`` and return their page, charts and downloads as a ``PageSet``;
shared blocks are in tables, sections and shared_charts, the templates in templates/. At
scale the course pages are rendered by forked copies of this process while it renders the
other pages (workers). Every text that comes from YAML or an export passes through
``formatting.text`` (or Jinja's ``md`` filter) so it shows as text, never as Markdown or HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.pages.context import Context, Page, PageSet
from generator.pages.courses import index_courses, offerings_download
from generator.pages.departments import department_pages
from generator.pages.developers import developer_pages
from generator.pages.overview import goals_page, overview
from generator.pages.people import people_pages
from generator.pages.periods import period_pages
from generator.pages.quality import data_quality, methodology
from generator.pages.roles import role_pages
from generator.pages.since import GoalTrend, Since
from generator.pages.workers import course_pages, page_workers
from generator.pages.workforce import workforce_pages
from generator.report import Report

__all__ = [
    "Context",
    "GoalTrend",
    "Page",
    "PageSet",
    "Since",
    "navigation",
    "page_workers",
    "render_pages",
]


def render_pages(
    report: Report,
    workers: int | None = None,
    previous: Mapping[str, tuple[str, PageSet]] | None = None,
    keys: Mapping[str, str] | None = None,
    since: Since | None = None,
) -> PageSet:
    """Every page of the report; course pages on ``workers`` processes (default: one per core
    from workers.MIN_COURSES_FOR_WORKERS courses up) while this process renders the other
    pages. ``previous``: the ``course_cache`` of an earlier build, whose course pages are kept
    where nothing they are made from changed. ``since``: an earlier snapshot the person pages
    compare with."""
    ctx = Context(report, since)
    first = [overview(ctx), goals_page(ctx)]
    with course_pages(ctx, report.project.courses, workers, previous, keys or {}) as courses:
        rest = [
            index_courses(ctx),
            offerings_download(ctx),
            *developer_pages(ctx),
            *period_pages(ctx),
            *role_pages(ctx),
            *people_pages(ctx),
            *department_pages(ctx),
            *workforce_pages(ctx),
            data_quality(ctx),
            methodology(ctx),
        ]
    pages = PageSet()
    for part in [*first, courses, *rest]:  # the same order however the course pages were made
        pages.merge(part)
    pages.nav = navigation(workforce=not report.workforce.empty)
    pages.course_cache = courses.course_cache
    return pages


def navigation(workforce: bool = False) -> list[Any]:
    """Sections and index pages only: a full nav is embedded in every page and grows with the
    square of the page count. ``workforce``: the project has an HR roster."""
    return [
        {"Overview": "index.md"},
        {"Goals and accountability": "goals.md"},
        {"Roles": "roles/index.md"},
        {"People": "people/index.md"},
        {"Courses": "courses/index.md"},
        {"Developers": "developers/index.md"},
        {"Periods": "periods/index.md"},
        {"Departments": "departments/index.md"},
        *([{"Workforce": "workforce.md"}] if workforce else []),
        {"Data quality": "data-quality.md"},
        {"Methodology": "methodology.md"},
    ]
