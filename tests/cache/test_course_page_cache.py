"""A rebuild keeps the course pages of the last build whose inputs did not change, and the
pages it gives are those a build without the kept pages gives, whatever changed."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from paths import REPO

from generator.cache import data as datacache
from generator.cache.pages import course_page_keys
from generator.pages import PageSet, render_pages, workers
from generator.report import Report, build_report


def render_cached(report: Report, previous: Any, **more: Any) -> PageSet:
    """render_pages as a build with a cache calls it: with the digests of the courses."""
    return render_pages(report, previous=previous, keys=course_page_keys(report), **more)


def edit(project: Path, path: str, old: str, new: str) -> None:
    file = project / path
    assert old in file.read_text(), f"{path} lacks {old!r}"
    file.write_text(file.read_text().replace(old, new, 1))


def same_pages(a: PageSet, b: PageSet) -> None:
    assert list(a.markdown.items()) == list(b.markdown.items())  # order too
    assert list(a.charts.items()) == list(b.charts.items())
    assert a.chart_keys == b.chart_keys
    assert a.downloads == b.downloads
    assert a.nav == b.nav


CHANGES = {
    # the goal on course C1 only: C2's page is kept
    "goal target": ("config/goals.yaml", 'target: ">= 0.6"', 'target: ">= 0.4"', {"C2"}),
    "course title": ("config/courses.yaml", "title: ", "title: New ", set()),
    "person name": ("config/roles.yaml", "name: Studio A", "name: Studio Alpha", set()),
    "group size": ("config/project.yaml", "min_group_size: 2", "min_group_size: 3", set()),
    "LMS data": ("data/lms.csv", "\n", "\nL9,C1,Ops,2025-02-01,2025-02-03,,Done,95,20\n", {"C2"}),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_kept_pages_equal_freshly_rendered_ones(tiny_project: Path, change: str) -> None:
    path, old, new, kept = CHANGES[change]
    before = render_cached(build_report(tiny_project), previous={})
    assert set(before.course_cache) == {"C1", "C2"}
    edit(tiny_project, path, old, new)
    report = build_report(tiny_project)
    rebuilt = render_cached(report, previous=before.course_cache)
    same_pages(rebuilt, render_pages(report))
    reused = {
        course_id
        for course_id, (_, part) in rebuilt.course_cache.items()
        if part is before.course_cache[course_id][1]
    }
    assert reused == kept


def test_nothing_changed_keeps_every_course_page(tiny_project: Path) -> None:
    report = build_report(tiny_project)
    before = render_cached(report, previous={})
    again = render_cached(build_report(tiny_project), previous=before.course_cache)
    assert all(part is before.course_cache[c][1] for c, (_, part) in again.course_cache.items())
    same_pages(again, before)


def test_the_pages_survive_the_cache_folder(tiny_project: Path, tmp_path: Path) -> None:
    pages = render_cached(build_report(tiny_project), previous={})
    datacache.store_course_pages(tmp_path, pages.course_cache)
    loaded = datacache.load_course_pages(tmp_path)
    assert {c: key for c, (key, _) in loaded.items()} == {
        c: key for c, (key, _) in pages.course_cache.items()
    }
    assert datacache.load_course_pages(tmp_path / "empty") == {}


@pytest.mark.parametrize("frame", ["table", "distributions", "modules", "breakdown"])
def test_a_course_row_of_any_metric_frame_changes_only_that_course_key(
    tiny_project: Path, frame: str
) -> None:
    report = build_report(tiny_project)
    keys = course_page_keys(report)
    rows = getattr(report.metrics, frame).copy()
    course = rows["member"] if "member" in rows else rows["course_id"]
    at = rows.index[course == "C1"][0]
    number = next(c for c in rows.columns if pd.api.types.is_numeric_dtype(rows[c]))
    rows.loc[at, number] = rows.loc[at, number] + 1
    changed = dataclasses.replace(
        report, metrics=dataclasses.replace(report.metrics, **{frame: rows})
    )
    new_keys = course_page_keys(changed)
    assert new_keys["C1"] != keys["C1"]
    assert new_keys["C2"] == keys["C2"]


def test_findings_and_goal_results_of_a_course_change_its_key(tiny_project: Path) -> None:
    report = build_report(tiny_project)
    keys = course_page_keys(report)
    on_c1 = [r for r in report.goals if r.scope == "course" and r.member == "C1"]
    fewer_goals = dataclasses.replace(report, goals=[r for r in report.goals if r is not on_c1[0]])
    finding = dataclasses.replace(report.findings[0], scope="course", member="C2")
    more_findings = dataclasses.replace(report, findings=[*report.findings, finding])
    for changed, course in ((fewer_goals, "C1"), (more_findings, "C2")):
        new_keys = course_page_keys(changed)
        assert {c for c in keys if keys[c] != new_keys[c]} == {course}


def test_forked_workers_render_only_the_changed_courses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "MIN_COURSES_FOR_WORKERS", 1)
    demo = tmp_path / "demo"  # 40 courses
    for folder in ("config", "data"):
        shutil.copytree(REPO / folder, demo / folder)
    before = render_cached(build_report(demo), workers=2, previous={})
    edit(demo, "config/goals.yaml", "target: '>= 0.80'", "target: '>= 0.70'")
    report = build_report(demo)
    rebuilt = render_cached(report, workers=2, previous=before.course_cache)
    same_pages(rebuilt, render_pages(report, workers=1))
    kept = [c for c, (_, page) in rebuilt.course_cache.items() if page is before.course_cache[c][1]]
    assert 2 <= len(kept) < len(rebuilt.course_cache) - 2  # at least two rendered by each worker
