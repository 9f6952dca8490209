"""The chart block in Markdown: the spec as compact JSON in an attribute, for the draw
script, beside the static SVG as a Markdown image."""

from __future__ import annotations

import html
import json
import re
import urllib.parse

from generator.charts.templates import Spec


def spec_json(spec: Spec) -> str:
    """Stable, compact JSON: sorted keys, no NaN, non-ASCII kept."""
    return json.dumps(
        spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


SPEC_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_MD_PUNCTUATION = set("\\`*_{}[]()#+-.!")
_MD_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "|": "&#124;"}
# The spec sits in a single-quoted attribute: escaping these keeps it inert there and readable
# in a diff (no &quot; on every key).
_ATTRIBUTE_JSON_ESCAPES = {
    "'": "\\u0027",
    "&": "\\u0026",
    "<": "\\u003c",
    ">": "\\u003e",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def markdown_text(text: str) -> str:
    """``text`` as literal inline Markdown: punctuation backslash-escaped, HTML characters as
    entities, whitespace collapsed. Reads the same in Python-Markdown and on GitHub."""
    out: list[str] = []
    for char in " ".join(text.split()):
        if char in _MD_ENTITIES:
            out.append(_MD_ENTITIES[char])
        elif char in _MD_PUNCTUATION:
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def attribute_json(spec: Spec) -> str:
    """:func:`spec_json` safe inside a single-quoted HTML attribute."""
    text = spec_json(spec)
    for char, escaped in _ATTRIBUTE_JSON_ESCAPES.items():  # str.replace: C speed, per character
        text = text.replace(char, escaped)
    return text


def chart_block(spec_id: str, spec: Spec, svg_relpath: str, title: str) -> str:
    """A chart as a Markdown block (needs the ``md_in_html`` extension).

    On the site the draw script renders the spec in ``data-spec`` into ``.ta-chart-view`` and
    hides the image; in print, without JavaScript and in a pull-request diff the static SVG
    shows. The image is Markdown, so MkDocs checks and rewrites its relative link like any
    other. The spec is an attribute, not a ``<script type="application/json">``: Material's
    instant navigation re-creates inline scripts without their ``type`` and would run it.
    """
    if not SPEC_ID_RE.match(spec_id):
        raise ValueError(
            f"chart id {spec_id!r} must start with a letter or digit and contain only "
            "letters, digits, '.', '_' and '-'"
        )
    if svg_relpath.startswith("/") or "://" in svg_relpath or not svg_relpath.endswith(".svg"):
        raise ValueError(f"chart image {svg_relpath!r} must be a relative path to an .svg file")
    image = urllib.parse.quote(svg_relpath, safe="/._-~")
    return (
        f'<figure class="ta-chart" data-spec-id="{html.escape(spec_id)}" markdown="1">\n'
        f"<div class=\"ta-chart-view\" data-spec='{attribute_json(spec)}'></div>\n"
        "\n"
        f"![{markdown_text(title)}]({image})\n"
        "\n"
        "</figure>\n"
    )
