"""Scan a built site for anything a browser would fetch from outside the site.

What counts: in HTML, the URLs a browser loads by itself (script src, stylesheet/icon/preload
links, images, media, frames, inline style url()); in CSS, url() and @import; in JS, absolute
URLs handed to a loader (fetch, importScripts, Worker, .src =, XHR open) or naming a CDN, font
or API host. Links a reader clicks (<a href>, rel=canonical) and URL strings in comments,
licences or error messages are not requests and are ignored. The browser test is the proof;
this scan explains *which* file would fetch *what*.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

EXTERNAL = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
LOADING_RELS = {
    "stylesheet",
    "preload",
    "prefetch",
    "modulepreload",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "manifest",
    "dns-prefetch",
    "preconnect",
    "mask-icon",
}
SRC_TAGS = {"script", "img", "iframe", "source", "video", "audio", "embed", "track", "input"}
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.I)
JS_LOADER = re.compile(
    r"""(?:fetch|importScripts|Worker|SharedWorker|EventSource|WebSocket|sendBeacon|\.open"""
    r"""|\.src\s*=|\.href\s*=|import)\s*\(?\s*(?:["'][A-Z]+["']\s*,\s*)?[`'"]((?:https?:)?//[^`'"]+)"""
)
SUSPECT_HOST = re.compile(
    r"""[`'"](?:https?:)?//((?:unpkg\.com|cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com|"""
    r"""fonts\.googleapis\.com|fonts\.gstatic\.com|ajax\.googleapis\.com|api\.github\.com|"""
    r"""use\.fontawesome\.com|polyfill\.io|code\.jquery\.com)[^`'"]*)"""
)
# Material's bundle holds three loaders that only fire in conditions the report never meets;
# the site test asserts those conditions (see test_site.py) and the browser test watches.
MATERIAL_CONDITIONAL = {
    "unpkg.com/resize-observer-polyfill": "only in browsers without ResizeObserver",
    "unpkg.com/mermaid@11/dist/mermaid.min.js": "only when a page has a mermaid diagram",
    "api.github.com/repos/${e}/${t}": "only when repo_url points to GitHub",
    "api.github.com/users/${e}": "only when repo_url points to GitHub",
}


class _Loads(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and LOADING_RELS & set(values.get("rel", "").lower().split()):
            self.urls.append(values.get("href", ""))
        if tag in SRC_TAGS:
            self.urls.append(values.get("src", ""))
            self.urls.extend(
                part.split()[0] for part in values.get("srcset", "").split(",") if part.strip()
            )
        if tag in ("video",):
            self.urls.append(values.get("poster", ""))
        if tag == "object":
            self.urls.append(values.get("data", ""))
        if tag in ("image", "use"):  # inline SVG
            self.urls.append(values.get("href", "") or values.get("xlink:href", ""))
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.urls.append(values.get("content", "").partition("url=")[2])
        self.urls.extend(m.group(1) for m in CSS_URL.finditer(values.get("style", "")))
        self._in_style = tag == "style"

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls.extend(m.group(1) for m in CSS_URL.finditer(data))

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False


def html_loads(text: str) -> list[str]:
    parser = _Loads()
    parser.feed(text)
    return [url for url in parser.urls if EXTERNAL.match(url)]


def js_loads(text: str) -> list[str]:
    found = {m.group(1) for m in JS_LOADER.finditer(text)}
    found |= {m.group(1) for m in SUSPECT_HOST.finditer(text)}
    return sorted(u for u in found if re.sub(r"^(?:https?:)?//", "", u) not in MATERIAL_CONDITIONAL)


def svg_loads(text: str) -> list[str]:
    """href/xlink:href/url() to outside in an SVG file (xmlns declarations are names)."""
    refs = re.findall(r"""(?<!xmlns)(?<!xmlns:xlink)(?:href|src)\s*=\s*["']([^"']+)""", text)
    refs += [m.group(1) for m in CSS_URL.finditer(text)]
    return [r for r in refs if EXTERNAL.match(r)]


def external_loads(site: Path) -> list[str]:
    """``file: url`` for every outside resource the built site would load."""
    problems = []
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        suffix = path.suffix.lower()
        if suffix not in (".html", ".css", ".js", ".svg", ".json", ".webmanifest"):
            continue
        text = path.read_text("utf-8", errors="replace")
        if suffix == ".html":
            urls = html_loads(text)
        elif suffix == ".css":
            urls = [m.group(1) for m in CSS_URL.finditer(text)]
        elif suffix == ".js":
            urls = js_loads(text)
        elif suffix == ".svg":
            urls = svg_loads(text)
        else:
            urls = []
        problems += [f"{path.relative_to(site)}: {url}" for url in urls]
    return problems
