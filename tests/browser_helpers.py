"""Reusable pieces for tests that open the built report in headless Chromium.

``serve_directory`` (the board pack's, generator/site/local_server.py) serves a built site on
127.0.0.1 (random port) from a thread;
``open_browser`` launches Debian's chromium through Playwright with every request that is not
to 127.0.0.1 aborted and recorded; ``chart_states`` reads what each chart container drew.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from generator.site.local_server import serve_directory as serve_directory  # for the tests

CHROMIUM = Path(os.environ.get("ACCOUNTABILITY_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1"}


def require_chromium() -> Path:
    """The chromium binary; skips the test when missing, unless REQUIRE_BROWSER=1 (fails)."""
    if CHROMIUM.exists():
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as error:
            if os.environ.get("REQUIRE_BROWSER") == "1":
                pytest.fail(f"playwright is not installed but REQUIRE_BROWSER=1: {error}")
            pytest.skip("playwright is not installed")
        return CHROMIUM
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{CHROMIUM} is missing but REQUIRE_BROWSER=1")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")


@dataclass
class Offline:
    """Requests seen by the browser: those to other hosts are aborted and listed."""

    blocked: list[str] = field(default_factory=list)
    local: list[str] = field(default_factory=list)

    def route(self, route: Any) -> None:
        url = route.request.url
        scheme, host = urlsplit(url).scheme, urlsplit(url).hostname
        if scheme in ("data", "blob", "about", "file") or host in LOCAL_HOSTS:
            self.local.append(url)
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


@contextmanager
def open_browser(color_scheme: str = "light") -> Iterator[tuple[Any, Offline]]:
    """A Playwright browser context with the outside network cut off: (context, Offline)."""
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    offline = Offline()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(executable), args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = browser.new_context(
                viewport={"width": 1280, "height": 900}, color_scheme=color_scheme
            )
            context.route("**/*", offline.route)
            yield context, offline
            context.close()
        finally:
            browser.close()


CHART_STATES_JS = """
() => Array.from(document.querySelectorAll('.ta-chart[data-spec-id]')).map(figure => {
  const svg = figure.querySelector('.ta-chart-view svg');
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  const count = sel => figure.querySelectorAll('.ta-chart-view svg ' + sel).length;
  const title = figure.querySelector('.ta-chart-view svg .role-title-text text');
  return {
    id: figure.dataset.specId,
    drawn: figure.classList.contains('ta-drawn'),
    error: figure.getAttribute('data-ta-error'),
    width: box.width,
    height: box.height,
    marks: count('.mark-rect path') + count('.mark-line path') + count('.mark-symbol path'),
    titleColor: title ? getComputedStyle(title).fill : null,
    imageVisible: Array.from(figure.querySelectorAll('img')).some(i => i.offsetParent !== null),
  };
})
"""


def chart_states(page: Any) -> list[dict[str, Any]]:
    """One dict per chart container: drawn, width, marks, title colour, image visibility."""
    result: list[dict[str, Any]] = page.evaluate(CHART_STATES_JS)
    return result


def wait_for_charts(page: Any, timeout: float = 15_000) -> list[dict[str, Any]]:
    """Wait until every chart container on the page has drawn (or failed), then read them."""
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('.ta-chart[data-spec-id]'))
             .every(f => f.classList.contains('ta-drawn') || f.hasAttribute('data-ta-error'))""",
        timeout=timeout,
    )
    return chart_states(page)


def current_scheme(page: Any) -> str:
    return str(page.evaluate("() => document.body.getAttribute('data-md-color-scheme')"))


def toggle_palette(page: Any) -> str:
    """Click Material's light/dark toggle; returns the new scheme."""
    before = current_scheme(page)
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function(
        f"() => document.body.getAttribute('data-md-color-scheme') !== {before!r}"
    )
    return current_scheme(page)
