"""The demo report at phone and desktop widths and in print, in headless Chromium: the page
never scrolls sideways, no table or chart is wider than the content column (on a phone a
table scrolls in its own box), a goal table's Accountable column is on screen and on paper,
category labels under a chart never overlap (the Vega view and the static SVG), and the
static SVG is not a white box in dark mode.

Set ACCOUNTABILITY_SCREENSHOTS to a directory to keep a screenshot of every page and view."""

from __future__ import annotations

import base64
import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import (
    current_scheme,
    open_browser,
    require_chromium,
    serve_directory,
    toggle_palette,
    wait_for_charts,
)
from paths import REPO

from generator.commands.build import build

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = os.environ.get("ACCOUNTABILITY_SCREENSHOTS")
PHONE, DESKTOP, WIDE = 390, 1400, 1920
PRINT_WIDTH = 718  # A4 less 1 cm margins at 96 px per inch: the width Chromium prints at
VIEWS = {"phone": PHONE, "desktop": DESKTOP, "wide": WIDE, "print": PRINT_WIDTH}
# Every kind of page; an index's member page is found in the built site (see page_path).
KINDS = [
    "index.html",
    "goals.html",
    "roles/index.html",
    "roles/*",
    "courses/index.html",
    "courses/*",
    "developers/index.html",
    "developers/*",
    "periods/index.html",
    "periods/*-q*",
    "periods/fy*",
    "departments/index.html",
    "departments/*",
    "people/index.html",
    "people/*",
    "workforce.html",
    "data-quality.html",
    "methodology.html",
]
HAS_GOAL_TABLE = {
    "index.html",
    "goals.html",
    "roles/*",
    "courses/*",
    "developers/*",
    "periods/*-q*",
    "periods/fy*",
}  # person pages show goals without the Accountable column: the person is it
TOLERANCE = 1  # px: sub-pixel rounding of layout boxes


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project (config/ and data/ of the repository) built into a scratch copy."""
    require_chromium()
    project = tmp_path_factory.mktemp("layout-demo")
    for folder in ("config", "data", "responses"):
        shutil.copytree(REPO / folder, project / folder)
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    build(project, incremental=False)  # mkdocs.yml builds strict; the demo has rejected rows
    return project / "site"


@pytest.fixture(scope="module")
def browser(demo_site: Path) -> Iterator[tuple[Any, str]]:
    with serve_directory(demo_site) as base, open_browser() as (context, offline):
        yield context, base
        assert offline.blocked == [], f"requests left localhost: {offline.blocked}"


def page_path(site: Path, kind: str) -> str:
    """``kind`` itself, or for "courses/*" and the like the first member page, by name."""
    if "*" not in kind:
        return kind
    found = sorted(p for p in site.glob(f"{kind}.html") if p.name != "index.html")
    assert found, f"the demo site has no page like {kind}"
    return found[0].relative_to(site).as_posix()


@pytest.fixture
def open_page(browser: tuple[Any, str]) -> Iterator[Any]:
    """open_page(path, view) → a page at that view's width (print media for "print"), every
    chart drawn; page errors fail the test."""
    context, base = browser
    pages: list[Any] = []
    errors: list[str] = []

    def opener(path: str, view: str) -> Any:
        page = context.new_page()
        pages.append(page)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.set_viewport_size({"width": VIEWS[view], "height": 1000})
        page.emulate_media(media="print" if view == "print" else "screen")
        page.goto(base + path)
        wait_for_charts(page)
        page.wait_for_timeout(300)  # a redraw the first layout's scrollbar may cause
        wait_for_charts(page)
        return page

    yield opener
    for page in pages:
        page.close()
    assert errors == []


# Boxes in CSS px, read in the page. The content column is Material's .md-content__inner.
LAYOUT_JS = """
() => {
  const box = e => { const r = e.getBoundingClientRect();
                     return {left: r.left, right: r.right, width: r.width, height: r.height}; };
  // Vega hides a label its overlap rule drops with opacity 0.
  const shownText = t => getComputedStyle(t).opacity !== '0' && t.getAttribute('opacity') !== '0';
  const content = box(document.querySelector('.md-content__inner'));
  const tables = Array.from(document.querySelectorAll('.md-content__inner table')).map(t => {
    const wrap = t.closest('.md-typeset__scrollwrap') || t.parentElement;
    const heads = Array.from(t.querySelectorAll('thead th'));
    const accountable = heads.find(h => h.textContent.trim() === 'Accountable');
    return {
      headers: heads.map(h => h.textContent.trim()).join(' | '),
      table: box(t), wrap: box(wrap), hidden: wrap.scrollWidth - wrap.clientWidth,
      accountable: accountable ? box(accountable) : null,
    };
  });
  const charts = Array.from(document.querySelectorAll('.ta-chart')).map(figure => {
    const view = figure.querySelector('.ta-chart-view svg');
    const image = figure.querySelector('img');
    const shown = [view, image].filter(e => e && e.getClientRects().length > 0);
    const texts = Array.from(figure.querySelectorAll('.ta-chart-view svg text'))
      .filter(t => t.textContent.trim() && t.getClientRects().length && shownText(t))
      .map(t => ({text: t.textContent, ...box(t)}));
    return {id: figure.dataset.specId, figure: box(figure), shown: shown.map(box), texts,
            image: !!(image && image.getClientRects().length)};
  });
  return {viewport: window.innerWidth, scrollWidth: document.scrollingElement.scrollWidth,
          content, tables, charts};
}
"""


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("kind", KINDS)
def test_nothing_is_wider_than_the_content_column(
    demo_site: Path, open_page: Any, kind: str, view: str
) -> None:
    path = page_path(demo_site, kind)
    page = open_page(path, view)
    layout = page.evaluate(LAYOUT_JS)
    save_screenshot(page, path, view)
    where = f"{path} at {view}"
    content, viewport = layout["content"], layout["viewport"]

    assert layout["scrollWidth"] <= viewport, f"{where}: the page scrolls sideways"
    for table in layout["tables"]:
        what = f"{where}: table {table['headers']!r}"
        if view == "phone":  # it may scroll inside its wrapper, which stays on the screen
            assert table["wrap"]["right"] <= viewport + TOLERANCE, what
            continue
        assert table["table"]["right"] <= content["right"] + TOLERANCE, what
        assert table["table"]["left"] >= content["left"] - TOLERANCE, what
        assert table["hidden"] <= TOLERANCE, f"{what}: {table['hidden']} px scrolled out of view"
        if table["accountable"]:
            head = table["accountable"]
            assert head["width"] > 0 and head["right"] <= content["right"] + TOLERANCE, what
            assert head["right"] <= min(viewport, table["wrap"]["right"]) + TOLERANCE, what
    goal_tables = [t for t in layout["tables"] if t["accountable"]]
    if kind in HAS_GOAL_TABLE:
        assert goal_tables, f"{where}: no goal table with an Accountable column"

    for chart in layout["charts"]:
        what = f"{where}: chart {chart['id']}"
        assert chart["figure"]["right"] <= content["right"] + TOLERANCE, what
        assert chart["shown"], f"{what}: neither the chart nor its image is shown"
        for shown in chart["shown"]:
            assert shown["width"] > 100, what
            assert shown["left"] >= chart["figure"]["left"] - TOLERANCE, what
            assert shown["right"] <= chart["figure"]["right"] + TOLERANCE, what
        assert chart["image"] == (view == "print"), f"{what}: the static SVG is for paper"
        for text in chart["texts"]:  # a title or label Vega drew outside its own view is cut off
            inside = chart["figure"]["left"] - TOLERANCE <= text["left"]
            assert inside and text["right"] <= chart["figure"]["right"] + TOLERANCE, (what, text)


# The x-axis labels of every chart with categories along x (periods, bins, modules): in the
# Vega view those Vega shows (a label hidden by its overlap rule has opacity 0), in the static
# SVG those of <g class="x-labels">, drawn in this page at the size the <img> shows them.
VEGA_LABELS_JS = """
() => Array.from(document.querySelectorAll('.ta-chart')).flatMap(figure => {
  const axis = Array.from(figure.querySelectorAll('.ta-chart-view svg g.role-axis'))
    .find(g => (g.getAttribute('aria-label') || '').startsWith('X-axis'));
  if (!axis || !/discrete/.test(axis.getAttribute('aria-label'))) return [];
  const labels = Array.from(axis.querySelectorAll('.role-axis-label text'))
    .filter(t => getComputedStyle(t).opacity !== '0' && t.getAttribute('opacity') !== '0')
    .map(t => { const r = t.getBoundingClientRect();
                return {text: t.textContent, left: r.left, right: r.right}; });
  return [{id: figure.dataset.specId, labels}];
})
"""
SVG_LABELS_JS = """
async () => {
  const out = [];
  for (const figure of document.querySelectorAll('.ta-chart')) {
    const image = figure.querySelector('img');
    const source = await (await fetch(image.src)).text();
    const svg = new DOMParser().parseFromString(source, 'image/svg+xml').documentElement;
    const holder = document.createElement('div');
    holder.style.cssText = 'position:absolute;left:0;top:0;width:' + image.width + 'px';
    svg.setAttribute('width', image.width);
    svg.removeAttribute('height');
    holder.appendChild(document.importNode(svg, true));
    document.body.appendChild(holder);
    const labels = Array.from(holder.querySelectorAll('g.x-labels text')).map(t => {
      const r = t.getBoundingClientRect();
      return {text: t.firstChild.textContent, left: r.left, right: r.right};
    });
    holder.remove();
    out.push({id: figure.dataset.specId, labels});
  }
  return out;
}
"""


def overlaps(labels: list[dict[str, Any]]) -> list[tuple[str, str]]:
    ordered = sorted(labels, key=lambda label: label["left"])
    return [
        (a["text"], b["text"])
        for a, b in itertools.pairwise(ordered)
        if a["right"] > b["left"] + 0.5
    ]


CHART_KINDS = ["index.html", "courses/*", "developers/*", "periods/*-q*", "workforce.html"]


@pytest.mark.parametrize("view", ["phone", "desktop", "wide"])
@pytest.mark.parametrize("kind", CHART_KINDS)
def test_category_labels_never_overlap(
    demo_site: Path, open_page: Any, kind: str, view: str
) -> None:
    path = page_path(demo_site, kind)
    page = open_page(path, view)
    drawn = {"Vega view": page.evaluate(VEGA_LABELS_JS), "static SVG": page.evaluate(SVG_LABELS_JS)}
    for rendering, charts in drawn.items():
        assert charts, f"{path}: no chart with categories along x in the {rendering}"
        for chart in charts:
            assert chart["labels"], (path, view, rendering, chart["id"])
            clash = overlaps(chart["labels"])
            assert not clash, f"{path} at {view}, {rendering} of {chart['id']}: {clash}"


# Mean brightness of a screenshot, measured by the browser itself (no image library needed).
BRIGHTNESS_JS = """
async data => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + data;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width; canvas.height = image.height;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, image.width, image.height).data;
  let sum = 0;
  for (let i = 0; i < pixels.length; i += 4)
    sum += 0.2126 * pixels[i] + 0.7152 * pixels[i + 1] + 0.0722 * pixels[i + 2];
  return sum / (pixels.length / 4) / 255;
}
"""
SHOW_STATIC_SVG = """
.md-typeset .ta-chart .ta-chart-view { display: none !important; }
.md-typeset .ta-chart.ta-drawn > p:has(> img),
.md-typeset .ta-chart.ta-drawn img { display: block !important; }
"""


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_the_static_svg_follows_the_colour_scheme(
    demo_site: Path, open_page: Any, scheme: str
) -> None:
    """What shows before the script draws or without it: a dark chart on the slate scheme."""
    path = page_path(demo_site, "courses/*")
    page = open_page(path, "desktop")
    if current_scheme(page) != scheme:
        toggle_palette(page)
    page.add_style_tag(content=SHOW_STATIC_SVG)
    image = page.locator(".ta-chart img").first
    image.scroll_into_view_if_needed()
    save_screenshot(page, path, f"static-svg-{scheme}")
    brightness = page.evaluate(BRIGHTNESS_JS, base64.b64encode(image.screenshot()).decode())
    if scheme == "slate":
        assert brightness < 0.3, f"a bright box ({brightness:.2f}) on the slate scheme"
    else:
        assert brightness > 0.8, f"a dark box ({brightness:.2f}) on a light page"


def save_screenshot(page: Any, path: str, view: str) -> None:
    """The page's top and, where there is one, its first goal table, into SCREENSHOTS."""
    if not SCREENSHOTS:
        return
    name = path.removesuffix(".html").replace("/", "-")
    folder = Path(SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"layout-{name}-{view}.png"))
    goal_table = page.locator("table:has(th:text-is('Accountable'))")
    if goal_table.count():
        goal_table.first.scroll_into_view_if_needed()
        page.screenshot(path=str(folder / f"layout-{name}-{view}-goals.png"))
