"""The course pages, the bulk of the site: kept from the last build where nothing they are
made from changed, and rendered by forked copies of this process from MIN_COURSES_FOR_WORKERS
courses up while it renders the other pages."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from generator.config import Course
from generator.domain.errors import BuildError
from generator.pages.context import Context, PageSet
from generator.pages.courses import course_page

# Below this many courses, forking workers costs more than the pages they would render.
MIN_COURSES_FOR_WORKERS = 200
_forked_context: Context | None = None  # what forked workers render from (never pickled)


def page_workers() -> int:
    """ACCOUNTABILITY_WORKERS, else the cores this process may use."""
    configured = os.environ.get("ACCOUNTABILITY_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextlib.contextmanager
def course_pages(
    ctx: Context,
    courses: Sequence[Course],
    workers: int | None = None,
    previous: Mapping[str, tuple[str, PageSet]] | None = None,
    keys: Mapping[str, str] | None = None,
) -> Iterator[PageSet]:
    """One page per course, the bulk of the site, in the PageSet this yields (complete when the
    ``with`` block ends). With ``previous`` pages, a course whose digest in ``keys``
    (generator.cache.pages) is the one its previous page was made with keeps that page. From
    MIN_COURSES_FOR_WORKERS courses up, the courses to render are cut into one contiguous share
    per worker, each rendered by a forked process (it inherits the report, so nothing large is
    pickled, and only its pages come back) while the ``with`` block renders the other pages
    here; merged in course order, the pages are those of one process."""
    rendered = PageSet()
    keys = keys or {}
    kept = {
        c.id: previous[c.id][1]
        for c in courses
        if previous is not None and c.id in previous and previous[c.id][0] == keys.get(c.id)
    }
    todo = [c for c in courses if c.id not in kept]
    made: dict[str, PageSet] = {}
    workers = min(workers or page_workers(), len(todo))
    can_fork = "fork" in multiprocessing.get_all_start_methods()  # not on Windows
    if workers <= 1 or len(todo) < MIN_COURSES_FOR_WORKERS or not can_fork:
        made.update(_render_courses(ctx, [c.id for c in todo]))
        yield rendered
    else:
        yield from _forked(ctx, todo, workers, rendered, made)
    for course in courses:
        part = kept[course.id] if course.id in kept else made[course.id]
        rendered.merge(part)
        if keys:
            rendered.course_cache[course.id] = (keys[course.id], part)


def _forked(
    ctx: Context, todo: list[Course], workers: int, rendered: PageSet, made: dict[str, PageSet]
) -> Iterator[PageSet]:
    """course_pages' forked workers: yields while they render, then adds their pages."""
    size = -(-len(todo) // workers)
    shares = [[c.id for c in todo[i : i + size]] for i in range(0, len(todo), size)]
    global _forked_context
    _forked_context = ctx
    try:
        fork = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(len(shares), mp_context=fork) as pool:
            futures = [pool.submit(_render_course_share, share) for share in shares]
            yield rendered
            for future in futures:
                made.update(future.result())
    except BrokenProcessPool as exc:  # a worker killed (out of memory, a signal), not a bug
        raise BuildError(
            f"a course-page worker process stopped ({exc}); build again with "
            "ACCOUNTABILITY_WORKERS=1 to render every page in one process"
        ) from None
    finally:
        _forked_context = None


def _render_courses(ctx: Context, course_ids: list[str]) -> dict[str, PageSet]:
    """Each course's page and charts, a PageSet per course."""
    return {c: course_page(ctx, ctx.project.course_by_id[c]) for c in course_ids}


def _render_course_share(course_ids: list[str]) -> dict[str, PageSet]:
    """In a forked worker: the pages of these courses only."""
    assert _forked_context is not None, "a course-page worker must be forked by course_pages"
    return _render_courses(_forked_context, course_ids)
