"""The built fixture site in headless Chromium, served from 127.0.0.1 with everything else
blocked: every chart draws (light, dark, after instant navigation) and nothing leaves."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from browser_helpers import (
    chart_states,
    current_scheme,
    open_browser,
    require_chromium,
    serve_directory,
    toggle_palette,
    wait_for_charts,
)
from site_fixture import make_project

from generator.site import build_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = ["index.html", "courses/c-101.html", "developers/index.html", "periods/2025-Q4.html"]
SCREENSHOTS = os.environ.get("ACCOUNTABILITY_SCREENSHOTS")  # a directory, when wanted


@pytest.fixture(scope="module")
def browser_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any, str]]:
    require_chromium()
    project = tmp_path_factory.mktemp("browser-project")
    (project / "site").mkdir()
    with serve_directory(project / "site") as base:
        # site_url must be the served address for Material's instant navigation.
        build_site(make_project(project, site_url=base))
        with open_browser() as (context, offline):
            yield context, offline, base
            assert offline.blocked == [], f"requests left localhost: {offline.blocked}"


@pytest.fixture
def page(browser_site: tuple[Any, Any, str]) -> Iterator[Any]:
    context, _offline, _base = browser_site
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.expected_errors = errors  # a test that provokes errors clears them
    yield page
    page.close()
    assert errors == []


def luminance(css: str) -> float:
    """Relative brightness 0..1 of an rgb()/rgba() colour (alpha ignored)."""
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def assert_drawn(states: list[dict[str, Any]], where: str) -> None:
    assert states, f"{where}: no chart containers"
    for state in states:
        assert state["drawn"] and not state["error"], (where, state)
        assert state["marks"] > 0, (where, state)
        assert state["width"] > 100, (where, state)
        assert not state["imageVisible"], (where, state)  # the static SVG is hidden


def set_scheme(page: Any, scheme: str) -> None:
    if current_scheme(page) != scheme:
        toggle_palette(page)
    page.wait_for_function(
        """scheme => Array.from(document.querySelectorAll('.ta-chart[data-spec-id]')).every(f => {
             const t = f.querySelector('.ta-chart-view svg .role-title-text text');
             const dark = scheme === 'slate';
             if (!t) return false;
             const [r, g, b] = getComputedStyle(t).fill.match(/\\d+/g).map(Number);
             return dark ? r + g + b > 382 : r + g + b < 382;
           })""",
        arg=scheme,
    )


@pytest.mark.parametrize("path", PAGES)
def test_every_chart_draws_in_light_and_dark(browser_site: tuple, page: Any, path: str) -> None:
    _context, _offline, base = browser_site
    page.goto(base + path)
    for scheme in ("default", "slate"):
        wait_for_charts(page)
        set_scheme(page, scheme)
        states = chart_states(page)
        assert_drawn(states, f"{path} ({scheme})")
        brightness = [luminance(s["titleColor"]) for s in states]
        assert (
            all(b > 0.6 for b in brightness)
            if scheme == "slate"
            else all(b < 0.4 for b in brightness)
        )
        if SCREENSHOTS:
            name = path.replace("/", "-").removesuffix(".html")
            page.screenshot(path=f"{SCREENSHOTS}/{name}-{scheme}.png", full_page=True)
    set_scheme(page, "default")


def test_charts_draw_after_instant_navigation(browser_site: tuple, page: Any) -> None:
    _context, _offline, base = browser_site
    page.goto(base + "index.html")
    assert_drawn(wait_for_charts(page), "index")
    page.wait_for_timeout(300)  # Material reads sitemap.xml before it intercepts links
    page.evaluate("() => { window.__sameDocument = true; }")
    page.locator("a.md-tabs__link", has_text="Developers").click()
    page.wait_for_url("**/developers/index.html")
    page.wait_for_selector(".ta-chart[data-spec-id=developers].ta-drawn")
    assert page.evaluate("() => window.__sameDocument") is True, "not an instant navigation"
    assert_drawn(wait_for_charts(page), "developers after instant navigation")
    page.go_back()
    page.wait_for_url("**/index.html")
    page.wait_for_selector(".ta-chart[data-spec-id=funnel].ta-drawn")
    assert_drawn(wait_for_charts(page), "index after going back")


def test_charts_follow_the_width_of_the_page(browser_site: tuple, page: Any) -> None:
    _context, _offline, base = browser_site
    page.goto(base + "courses/c-101.html")
    wide = wait_for_charts(page)[0]["width"]
    page.set_viewport_size({"width": 480, "height": 900})
    page.wait_for_function(
        f"""() => {{ const s = document.querySelector('.ta-chart .ta-chart-view svg');
                   return s && s.getBoundingClientRect().width < {wide} - 50; }}"""
    )
    narrow = chart_states(page)
    assert_drawn(narrow, "narrow viewport")
    body_width = page.evaluate("() => document.querySelector('.md-content').clientWidth")
    assert all(s["width"] <= body_width for s in narrow)


def test_static_svg_shows_when_printing(browser_site: tuple, page: Any) -> None:
    _context, _offline, base = browser_site
    page.goto(base + "index.html")
    wait_for_charts(page)
    page.emulate_media(media="print")
    assert all(s["imageVisible"] for s in chart_states(page))
    page.emulate_media(media="screen")


def test_chart_without_runtime_falls_back_to_the_image(browser_site: tuple, page: Any) -> None:
    _context, _offline, base = browser_site
    page.route("**/vega-bundle.js", lambda route: route.abort())
    page.goto(base + "periods/2025-Q4.html")
    page.wait_for_load_state("load")
    states = chart_states(page)
    assert states and all(s["imageVisible"] and not s["drawn"] for s in states)
    assert page.expected_errors == ["Failed to load resource: net::ERR_FAILED"]
    page.expected_errors.clear()
