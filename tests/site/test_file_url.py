"""The built site opened from the file system (file://, no server), as a reader who unzips it
or opens site/index.html would: charts draw, search finds pages, links work, nothing leaves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import open_browser, require_chromium, wait_for_charts
from site_fixture import make_project

from generator.site import build_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def file_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:
    require_chromium()
    project = tmp_path_factory.mktemp("file-project")
    site = build_site(make_project(project))
    with open_browser() as (context, offline):
        yield context, site
        assert offline.blocked == [], f"requests left the machine: {offline.blocked}"


@pytest.fixture
def page(file_site: tuple[Any, Path]) -> Iterator[Any]:
    context, _site = file_site
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    page.close()
    assert errors == []


def test_charts_draw_from_file_urls(page: Any, file_site: tuple[Any, Path]) -> None:
    _context, site = file_site
    page.goto((site / "courses" / "c-101.html").as_uri())
    states = wait_for_charts(page)
    assert states, "no charts on the course page"
    for state in states:
        assert state["drawn"] and not state["error"] and state["marks"] > 0, state


def test_search_works_from_file_urls(page: Any, file_site: tuple[Any, Path]) -> None:
    _context, site = file_site
    page.goto((site / "index.html").as_uri())
    page.click("input.md-search__input")
    page.keyboard.type("Fixture")
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    assert page.locator(".md-search-result__item").count() > 0
    assert "matching document" in page.inner_text(".md-search-result__meta")


def test_links_and_charts_after_following_a_link(page: Any, file_site: tuple[Any, Path]) -> None:
    _context, site = file_site
    page.goto((site / "courses" / "index.html").as_uri())
    page.click("a[href$='c-101.html']")
    page.wait_for_url("**/courses/c-101.html")
    assert all(state["drawn"] for state in wait_for_charts(page))
