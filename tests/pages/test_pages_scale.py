"""Role pages do not grow with the number of courses: their goal tables show the ``ROW_CAP``
most important results after a summary per goal and period, and link to a CSV of every row."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from generator import demo
from generator.pages import Context, Page, PageSet, render_pages, workers
from generator.pages.roles import role_page
from generator.pages.sections import NOT_MET, ROW_CAP, STATUS_RANK
from generator.report import Report, build_report
from generator.report.goals import GoalResult

ROLE = "course-developer"
PAGE = f"roles/{ROLE}.md"
HEADING = "## Goals this role is accountable for that were not met (last four quarters)"


def _role_page(root: Path, courses: int, learners: int, rows: int) -> tuple[Report, PageSet]:
    demo.write_demo_project(root, courses=courses, learners=learners, rows=rows)
    report = build_report(root)
    return report, role_page(Context(report), ROLE)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, PageSet]:
    return _role_page(tmp_path_factory.mktemp("courses-60"), 60, 300, 10_000)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, PageSet]:
    return _role_page(tmp_path_factory.mktemp("courses-120"), 120, 600, 20_000)


def _not_met(report: Report) -> list[GoalResult]:
    """The report's goal results of the role's page table, counted independently of the pages package."""
    recent = set(report.metrics.quarters[-4:]) | set(report.metrics.years[-1:])
    return [
        r
        for r in report.goals
        if r.period in recent and r.accountable.role == ROLE and r.status in NOT_MET
    ]


def _section(markdown: str) -> str:
    start = markdown.index(HEADING)
    return markdown[start : markdown.index("\n## ", start + len(HEADING))]


def test_the_role_page_lists_the_cap_and_links_every_row_as_csv(
    large: tuple[Report, PageSet],
) -> None:
    report, pages = large
    expected = _not_met(report)
    assert len(expected) > 10 * ROW_CAP  # many courses: far more rows than a page should hold
    section = _section(pages.markdown[PAGE])

    summary, listing = section.split("_Most important first:", 1)
    assert "| Goal | Period |" in summary
    summary_rows = [line for line in summary.splitlines() if line.startswith("| [")]
    goals = {r.goal_id for r in expected}
    assert 0 < len(summary_rows) <= len(goals) * 5  # goals × periods, not courses

    rows = [line for line in listing.splitlines() if line.startswith("| [")]
    assert len(rows) == ROW_CAP
    statuses = [next(s for s in STATUS_RANK if f'ta-{s.replace(" ", "-")}"' in r) for r in rows]
    assert [STATUS_RANK[s] for s in statuses] == sorted(STATUS_RANK[s] for s in statuses)
    assert statuses[0] == "missed"

    csv_name = f"role-{ROLE}-accountable-not-met.csv"
    more = f"… and {len(expected) - ROW_CAP:,} more: [download all {len(expected):,} as CSV]"
    assert f"{more}(../downloads/{csv_name})" in listing

    frame = pd.read_csv(io.StringIO(pages.downloads[f"downloads/{csv_name}"]), dtype=str)
    assert len(frame) == len(expected)
    assert sorted(zip(frame["goal"], frame["member"], frame["period"], strict=True)) == sorted(
        (r.goal_id, r.member, r.period) for r in expected
    )
    assert set(frame["status"]) <= set(NOT_MET)
    # learner figures about too few learners are not there: those results have no value
    assert frame.loc[frame["note"].fillna("").str.startswith("fewer than"), "value"].isna().all()


def test_the_role_page_does_not_grow_with_the_courses(
    small: tuple[Report, PageSet], large: tuple[Report, PageSet]
) -> None:
    small_rows, large_rows = len(_not_met(small[0])), len(_not_met(large[0]))
    assert small_rows > ROW_CAP and large_rows > 1.5 * small_rows
    small_size = len(small[1].markdown[PAGE].encode())
    large_size = len(large[1].markdown[PAGE].encode())
    assert large_size < 40_000
    assert large_size < 1.15 * small_size, (small_size, large_size)


def test_course_pages_rendered_by_forked_workers_equal_one_process(
    large: tuple[Report, PageSet], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three forked workers rendering the course pages while this process renders the others
    give the pages, charts, downloads and nav of one process, in the same order."""
    report, _ = large
    monkeypatch.setattr(workers, "MIN_COURSES_FOR_WORKERS", 1)
    courses = report.project.courses
    one = render_pages(report, workers=1)
    three = render_pages(report, workers=3)
    course_pages = [p for p in one.markdown if p.startswith("courses/") and p != "courses/index.md"]
    assert len(course_pages) == len(courses) and len(one.charts) > len(courses)
    assert list(three.markdown.items()) == list(one.markdown.items())
    assert list(three.charts.items()) == list(one.charts.items())
    assert list(three.downloads.items()) == list(one.downloads.items())
    assert three.nav == one.nav


def test_a_failing_course_page_in_a_worker_fails_the_build(
    large: tuple[Report, PageSet], monkeypatch: pytest.MonkeyPatch
) -> None:
    report, _ = large
    last = report.project.courses[-1].id  # rendered by the last worker, not this process
    real = workers.course_page

    def broken(ctx: Context, course: object) -> PageSet:
        if getattr(course, "id", None) == last:
            raise ValueError(f"cannot render {last}")
        return real(ctx, course)  # type: ignore[arg-type]

    monkeypatch.setattr(workers, "MIN_COURSES_FOR_WORKERS", 1)
    monkeypatch.setattr(workers, "course_page", broken)
    with pytest.raises(ValueError, match=f"cannot render {last}"):
        render_pages(report, workers=2)


def test_every_goal_section_writes_its_csv_whatever_its_length(
    large: tuple[Report, PageSet],
) -> None:
    """A goal target that moves a table across the cap must not add or remove a file (that
    would make the next build a clean one instead of an incremental one)."""
    from generator.pages.sections import goal_section, markdown_goal_section

    report, _ = large
    missed = [r for r in report.goals if r.status in NOT_MET]
    ctx = Context(report)
    for count in (0, 3, ROW_CAP + 1):
        page = Page(PAGE)
        section = goal_section(ctx, page, f"cap-{count}", missed[:count])
        downloads = page.done("").downloads
        csv = pd.read_csv(io.StringIO(downloads[f"downloads/cap-{count}.csv"]))
        assert len(csv) == count
        markdown = markdown_goal_section(section)
        if count == 0:
            assert "_Nothing to show._" in markdown and ".csv" not in markdown
        elif count <= ROW_CAP:
            assert f"[Download as CSV](../downloads/cap-{count}.csv)" in markdown
        else:
            assert f"… and 1 more: [download all {count} as CSV]" in markdown


def test_the_goals_matrix_shows_the_cap_and_links_every_scope(
    large: tuple[Report, PageSet],
) -> None:
    from generator.pages.overview import goals_page

    report, _ = large
    ctx = Context(report)
    pages = goals_page(ctx)
    markdown = pages.markdown["goals.md"]
    goal = max(
        (g for g in report.project.goals if g.scope.level == "course"),
        key=lambda g: len({r.member for r in report.goals if r.goal_id == g.id}),
    )
    courses = {r.member for r in report.goals if r.goal_id == goal.id}
    assert len(courses) > ROW_CAP
    section = markdown[markdown.index(f"{{ #goal-{goal.id} }}") :]
    section = section[: section.find("\n## ")]
    # the matrix rows: a course, then statuses (the RACI and latest-misses tables differ)
    rows = [
        line
        for line in section.splitlines()
        if line.startswith("| [") and "(courses/" in line and "(periods/" not in line
    ]
    assert len(rows) == ROW_CAP
    more = len(courses) - ROW_CAP
    assert f"… and {more:,} more: [download all {len(courses):,} as CSV]" in section
    matrix = pd.read_csv(
        io.StringIO(pages.downloads[f"downloads/goal-{goal.id}-matrix.csv"]),
        keep_default_na=False,
    )
    assert set(matrix["member"]) == courses
    # The scopes shown are the most important: none left out has a worse newest status.
    newest = matrix.columns[-1]
    rank = {"missed": 0, "at risk": 1, "no data": 2, "met": 3, "": 4}
    on_page = matrix["member"].map(
        lambda member: any(f"(courses/{ctx.course_slug[member]}.md)" in row for row in rows)
    )
    assert on_page.sum() == ROW_CAP
    assert (
        sorted(rank[s] for s in matrix[newest][on_page])
        == sorted(rank[s] for s in matrix[newest])[:ROW_CAP]
    )


def test_a_worker_that_dies_is_a_clear_build_error(
    large: tuple[Report, PageSet], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from generator.domain.errors import BuildError

    report, _ = large
    last = report.project.courses[-1].id  # rendered by the forked worker
    real = workers.course_page

    def killed(ctx: Context, course: object) -> PageSet:
        if getattr(course, "id", None) == last:
            os._exit(9)  # as the kernel's out-of-memory killer would end it
        return real(ctx, course)  # type: ignore[arg-type]

    monkeypatch.setattr(workers, "MIN_COURSES_FOR_WORKERS", 1)
    monkeypatch.setattr(workers, "course_page", killed)
    with pytest.raises(BuildError, match="ACCOUNTABILITY_WORKERS=1"):
        render_pages(report, workers=2)
