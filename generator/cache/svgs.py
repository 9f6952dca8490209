"""Static SVGs of a rebuild: a chart whose spec the last build drew is read back, not drawn.

At tens of thousands of charts, drawing them all is seconds of every rebuild
(benchmarks/RESULTS.md), for charts that mostly did not change. The previous build leaves a memo in
``.accountability-cache/svgs.json``: for each chart, the digest of its Markdown block (which
holds its whole spec, its image path and title) and the digest of the SVG drawn from it. A
chart whose block digest is in the memo, and whose file in site_src/ still has the SVG digest
the memo gives, is that file's bytes; any other chart is drawn. The memo holds only for the
code that wrote it (a new version of the package draws everything), and a hand-edited or
deleted SVG never matches, so it is drawn and written as before.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path

from generator import site
from generator.cache.data import code_digest
from generator.charts import specs as charts
from generator.charts import svg as svgdraw

log = logging.getLogger(__name__)

MEMO = "svgs.json"


def draw_svgs(
    specs: Mapping[str, charts.Spec],
    keys: Mapping[str, str],
    site_src: Path,
    cache: Path | None,
) -> dict[str, bytes]:
    """``{svg path: SVG bytes}`` of every chart in ``specs``; ``keys`` gives each chart's block
    digest. With a ``cache`` folder, unchanged charts are read from ``site_src`` and the memo
    is rewritten for the next build."""
    memo = _load(cache) if cache is not None else {}
    drawn: dict[str, bytes] = {}
    kept: dict[str, str] = {}
    reused = 0
    for path in sorted(specs):
        key = keys.get(path)
        data = _previous(site_src / path, memo.get(key)) if key else None
        if data is None:
            data = svgdraw.svg(specs[path]).encode("utf-8")
        else:
            reused += 1
        drawn[path] = data
        if key:
            kept[key] = site.digest(data)
    if cache is not None:
        _store(cache, kept)
        log.info("static charts: %d drawn, %d unchanged and read back", len(drawn) - reused, reused)
    return drawn


def _previous(path: Path, expected: str | None) -> bytes | None:
    """The file's bytes when they are what the memo says this chart draws, else None."""
    if expected is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if site.digest(data) == expected else None


def _load(cache: Path) -> dict[str, str]:
    try:
        memo = json.loads((cache / MEMO).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(memo, dict) or memo.get("code") != code_digest():
        return {}
    charts_ = memo.get("charts")
    return charts_ if isinstance(charts_, dict) else {}


def _store(cache: Path, kept: Mapping[str, str]) -> None:
    """Written atomically; a memo that cannot be written costs only the next build's time."""
    body = json.dumps({"code": code_digest(), "charts": dict(kept)}, separators=(",", ":"))
    try:
        site.write_text_atomically(cache / MEMO, body)
    except OSError as exc:
        log.warning(
            "%s: cannot store the chart memo (%s); the next build draws every chart", cache, exc
        )
