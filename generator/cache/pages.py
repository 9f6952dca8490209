"""The course pages of the last build, kept where nothing they are made from changed: a
digest per course (``course_page_keys``) and the pages stored with it (generator/cache/data.py
``load_course_pages``); a course whose digest is unchanged keeps its page
(generator.pages.workers.course_pages)."""

from __future__ import annotations

import hashlib
import pickle

import pandas as pd

from generator.cache import data as datacache
from generator.pages import Context
from generator.report import Report

# What shapes a page besides this package: its Markdown tables, numbers and chart specs.
PAGE_LIBRARIES = ("altair", "jinja2", "numpy", "pandas")


def course_page_keys(report: Report) -> dict[str, str]:
    """A digest per course of everything its page is made from: this package's files and the
    libraries that shape the Markdown and charts; config/ but goals.yaml (names, titles,
    slugs and settings show on the page); the report date, periods and departments; and the
    course's own rows of every metric frame, goal results and findings. A goal's new target
    changes the digest of the courses it applies to, not the others'."""
    ctx = Context(report)
    common = (
        datacache.package_digest(),
        {name: datacache.library_version(name) for name in PAGE_LIBRARIES},
        datacache.config_but_goals(ctx.project),
        ctx.metrics.report_date,
        ctx.metrics.quarters,
        ctx.metrics.years,
        ctx.departments,
    )
    common_digest = hashlib.sha256(repr(common).encode("utf-8")).hexdigest()
    rows = [
        _row_hashes(ctx.metrics.table, "member", course_scope=True),
        _row_hashes(ctx.metrics.distributions, "member", course_scope=True),
        _row_hashes(ctx.metrics.modules, "course_id"),
        _row_hashes(ctx.metrics.breakdown, "course_id"),
        _row_hashes(ctx.metrics.offerings, "course_id"),
    ]
    keys = {}
    for course in report.project.courses:
        parts = (
            common_digest,
            [by_course.get(course.id, []) for by_course in rows],
            ctx.goals_of.get(("course", course.id), []),
            ctx.findings_of.get(("course", course.id), []),
        )
        # Pickled, not repr'd (a tenth of the time): equal parts can pickle apart (shared
        # objects), which only renders a page again; different parts never pickle alike.
        keys[course.id] = hashlib.sha256(pickle.dumps(parts, protocol=5)).hexdigest()
    return keys


def _row_hashes(
    frame: pd.DataFrame, course_column: str, course_scope: bool = False
) -> dict[str, list[int]]:
    """A hash of every row (all its columns), grouped by course, in frame order."""
    if course_scope:
        frame = frame[frame["scope"] == "course"]
    hashes = pd.util.hash_pandas_object(frame, index=False).tolist()
    by_course: dict[str, list[int]] = {}
    for course, row_hash in zip(frame[course_column].tolist(), hashes, strict=True):
        by_course.setdefault(str(course), []).append(row_hash)
    return by_course
