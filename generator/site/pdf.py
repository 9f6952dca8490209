"""The board pack: the overview, the goals page and every role page of a built site, printed
into one A4 PDF by headless Chromium (through Playwright).

The site is served from 127.0.0.1 and every other request is aborted, so nothing leaves the
intranet. Each page is opened as a reader would see it; its article (with URLs made absolute)
goes into one document after a cover, which Chromium prints with the print stylesheet: the
charts are the static SVGs the print rules of accountability.css show in place of the
interactive views, so the pack does not wait for the chart runtime. Page numbers are in the
footer.
"""

from __future__ import annotations

import functools
import html
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.domain.errors import AccountabilityError
from generator.site.local_server import serve_directory

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ENV = "ACCOUNTABILITY_CHROMIUM"  # another chromium binary, as the browser tests read
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
# The pages of the pack before the role pages, with what the cover's contents call them.
FIRST_PAGES = (("index.html", "Overview"), ("goals.html", "Goals and accountability"))
ROLES_INDEX = "roles/index.html"
PACK_PATH = "__board-pack__.html"  # answered by the route, never written into the site
TIMEOUT_MS = 60_000


@dataclass(frozen=True)
class Section:
    path: str  # below the site root
    title: str
    html: str = ""  # the page's article


@dataclass(frozen=True)
class PackResult:
    out: Path
    organisation: str
    report_date: str
    sections: tuple[Section, ...]


def chromium_path() -> Path:
    """The chromium binary (``$ACCOUNTABILITY_CHROMIUM`` or Debian's); a clear error when it
    is missing or Playwright is not installed."""
    path = Path(os.environ.get(CHROMIUM_ENV) or CHROMIUM)
    if not path.is_file():
        raise AccountabilityError(
            f"{path}: chromium is not installed; the board pack is printed with headless "
            f"Chromium: apt-get install chromium (or set {CHROMIUM_ENV} to its binary)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise AccountabilityError(
            "playwright is not installed; the board pack drives Chromium with it: "
            "pip install 'training-accountability[pdf]'"
        ) from None
    return path


def board_pack(site_dir: Path, out: Path, version_title: str) -> PackResult:
    """Print the pack of the built site in ``site_dir`` into ``out``."""
    chromium = chromium_path()
    missing = [p for p, _ in FIRST_PAGES if not (site_dir / p).is_file()]
    if missing:
        raise AccountabilityError(
            f"{site_dir}: no built report site ({', '.join(missing)} missing); build it "
            "first: accountability build"
        )
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
        with serve_directory(site_dir) as root, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True
            )
            try:
                context = browser.new_context(viewport={"width": 1100, "height": 1400})
                document: dict[str, str] = {}
                context.route("**/*", functools.partial(_local_only, root, document))
                page = context.new_page()
                sections, head, (organisation, report_date) = _read_site(page, root)
                document["html"] = _pack_html(
                    head, sections, organisation, version_title, report_date
                )
                page.goto(root + PACK_PATH, wait_until="load", timeout=TIMEOUT_MS)
                _wait_for_images(page)
                out.parent.mkdir(parents=True, exist_ok=True)
                page.pdf(
                    path=str(out),
                    format="A4",
                    print_background=True,
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=_footer(organisation, version_title),
                    margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"},
                )
            finally:
                browser.close()
    except PlaywrightError as error:
        raise AccountabilityError(f"Chromium could not print the board pack: {error}") from None
    return PackResult(out, organisation, report_date, tuple(sections))


# ------------------------------------------------------------------ reading the site

# Run in each page once it has loaded: the article with absolute URLs (the pack is one
# document at the site root), without the interactive chart views and scripts print hides.
ARTICLE_JS = """
() => {
  const article = document.querySelector('article.md-content__inner') || document.body;
  const copy = article.cloneNode(true);
  copy.querySelectorAll('script, .ta-chart-view, .headerlink, .md-source-file').forEach(
    e => e.remove());
  const originals = article.querySelectorAll('img');
  copy.querySelectorAll('img').forEach((img, i) => {
    img.setAttribute('src', originals[i].src);
    img.removeAttribute('loading');
  });
  copy.querySelectorAll('a[href]').forEach(a => a.setAttribute('href', a.href));
  const h1 = copy.querySelector('h1');
  const asof = document.querySelector('.ta-asof');
  return {
    html: copy.innerHTML,
    title: h1 ? h1.textContent.trim() : document.title,
    asof: asof ? asof.textContent.trim() : '',
  };
}
"""

HEAD_JS = """
() => Array.from(document.querySelectorAll('link[rel=stylesheet], style')).map(e =>
  e.tagName === 'LINK' ? `<link rel="stylesheet" href="${e.href}">` : e.outerHTML).join('\\n')
"""

ROLE_LINKS_JS = """
() => {
  const seen = [];
  document.querySelectorAll('article a[href]').forEach(a => {
    const path = new URL(a.href).pathname;
    if (/\\/roles\\/[^/]+\\.html$/.test(path) && !path.endsWith('/roles/index.html')
        && !seen.includes(path)) seen.push(path);
  });
  return seen;
}
"""

ASOF_RE = re.compile(r"^(?P<organisation>.+?) · as of (?P<date>\S+)")


def _read_site(page: Any, root: str) -> tuple[list[Section], str, tuple[str, str]]:
    """The sections (overview, goals, the roles in the roles index's order), the stylesheets
    of the site's pages, and the organisation and report date its header names."""
    paths = list(FIRST_PAGES)
    page.goto(root + ROLES_INDEX, wait_until="load", timeout=TIMEOUT_MS)
    paths += [(str(p).lstrip("/"), "") for p in page.evaluate(ROLE_LINKS_JS)]
    sections, head, asof = [], "", ""
    for path, title in paths:
        page.goto(root + path, wait_until="load", timeout=TIMEOUT_MS)
        head = head or str(page.evaluate(HEAD_JS))
        found = page.evaluate(ARTICLE_JS)
        asof = asof or str(found["asof"])
        sections.append(Section(path, title or str(found["title"]), str(found["html"])))
    match = ASOF_RE.match(asof)
    cover = (match["organisation"], match["date"]) if match else ("", "")
    return sections, head, cover


def _wait_for_images(page: Any) -> None:
    page.wait_for_function(
        "() => Array.from(document.images).every(i => i.complete)", timeout=TIMEOUT_MS
    )


# ------------------------------------------------------------------ the document

# Only for the pack: a cover, a page break before each section, and tables that print whole
# (the site scrolls wide tables; paper cannot) in a smaller type.
PACK_CSS = """
@page { size: A4; }
body { margin: 0; }
.ta-pack-section { break-before: page; }
.ta-pack-cover { padding-top: 30mm; }
.ta-pack-cover h1 { font-size: 2.2em; margin-bottom: 0.4em; }
.ta-pack-cover .ta-pack-version { font-size: 1.4em; }
.md-typeset .md-typeset__scrollwrap, .md-typeset .md-typeset__table { overflow: visible; }
.md-typeset table:not([class]) { font-size: 7pt; display: table; width: 100%; }
.md-typeset table:not([class]) td, .md-typeset table:not([class]) th {
  padding: 0.3em 0.45em; min-width: 0; overflow-wrap: anywhere; white-space: normal;
}
.md-typeset .ta-chart, .md-typeset .ta-chart img, .md-typeset tr { break-inside: avoid; }
.md-typeset a { color: inherit; }
"""


def _pack_html(
    head: str, sections: list[Section], organisation: str, title: str, report_date: str
) -> str:
    contents = "".join(f"<li>{html.escape(s.title)}</li>" for s in sections)
    cover = (
        '<section class="ta-pack-cover md-typeset">'
        f"<h1>{html.escape(organisation)}</h1>"
        '<p class="ta-pack-version">Training accountability board pack</p>'
        f"<p><strong>Version:</strong> {html.escape(title)}<br>"
        f"<strong>Report date:</strong> {html.escape(report_date)}</p>"
        f"<h2>Contents</h2><ol>{contents}</ol></section>"
    )
    body = "".join(
        f'<section class="ta-pack-section"><article class="md-content__inner md-typeset">'
        f"{s.html}</article></section>"
        for s in sections
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(organisation)} board pack</title>{head}"
        f"<style>{PACK_CSS}</style></head>"
        '<body data-md-color-scheme="default" data-md-color-primary="indigo">'
        f'<div class="md-container"><main class="md-main"><div class="md-content">{cover}'
        f"{body}</div></main></div></body></html>"
    )


def _footer(organisation: str, title: str) -> str:
    """Chromium's footer template (its own tiny document: styles inline)."""
    label = html.escape(" · ".join(t for t in (organisation, title) if t))
    return (
        '<div style="font-size:8px;width:100%;padding:0 12mm;color:#555;'
        'display:flex;justify-content:space-between;font-family:sans-serif">'
        f'<span>{label}</span><span>Page <span class="pageNumber"></span> of '
        '<span class="totalPages"></span></span></div>'
    )


# ------------------------------------------------------------------ serving


def _local_only(root: str, document: dict[str, str], route: Any) -> None:
    """Answer the pack's own URL with its document, pass requests to the site, abort any
    other (no request leaves the machine)."""
    url = route.request.url
    if url == root + PACK_PATH:
        route.fulfill(body=document.get("html", ""), content_type="text/html; charset=utf-8")
    elif url.startswith(root) or urlsplit(url).scheme in ("data", "blob", "about"):
        route.continue_()
    else:
        route.abort()
