"""Charts: Vega-Lite specs (built with Altair) from small pre-aggregated frames.

Pure: frames in, plain dicts out. Callers pass aggregates (one row per period, stage, bin,
module or developer), never learner rows, and suppress small groups before calling: a
suppressed figure arrives as NaN/None and is simply not drawn.

Speed: validating a chart through Altair costs milliseconds, and a site has thousands of
charts. Each chart *shape* (kind, unit, series or not, target or not) is therefore built once
through Altair with placeholder strings, and every chart of that shape is a copy of that
template with the placeholders and ``data.values`` filled in. Each template also says what it
is in a top-level ``usermeta`` (kind, number formats, orientation, series, target; Vega ignores
it): :mod:`generator.charts.svg` draws the static SVG from that.

Determinism: rows are sorted, keys sorted when serialised (:func:`spec_json`), params are named,
and data is always inline ``values`` (no Altair dataset hashes), so the same inputs give the
same bytes.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import altair as alt
import pandas as pd

Spec = dict[str, Any]
# What a chart is drawn from: a frame, or columns as lists (a page's few rows need no frame).
Columns: TypeAlias = pd.DataFrame | Mapping[str, Sequence[Any]]

DEFAULT_HEIGHT = 260
SVG_WIDTH = 680  # the static SVG has no container to size against
UNITS = ("rate", "count", "money", "minutes", "score")
BAR_STEP = 26  # px per bar of a horizontal bar chart
# Type sizes close to the page text; colours are left to the draw script (light/dark).
CONFIG: dict[str, Any] = {
    "axis": {"labelFontSize": 12, "titleFontSize": 12},
    "legend": {"labelFontSize": 12, "titleFontSize": 12},
    "text": {"fontSize": 12},
    "title": {"fontSize": 15, "anchor": "start", "offset": 12},
    "view": {"stroke": None},
}
BUDGET_COLOURS = {"Budget": "#9e9e9e", "Spend": "#3f6ec6"}


@dataclass(frozen=True)
class Unit:
    """How a measure is formatted: axis and tooltip d3-format strings and a title suffix."""

    axis_format: str
    tooltip_format: str
    suffix: str = ""


def unit_of(unit: str, currency: str | None = None) -> Unit:
    """The formatting of ``unit``; money needs an ISO currency code, shown in titles."""
    if unit == "rate":
        # Axis: up to two decimals, trailing zeros trimmed (10%, 0.5%, 0.25%); ".0%" labelled
        # the ticks of a small rate 0%, 0%, 1%, 1%.
        return Unit(".2~%", ".1%")
    if unit == "count":
        return Unit(",d", ",d")
    if unit == "minutes":
        return Unit(",.0f", ",.0f", " (minutes)")
    if unit == "score":
        return Unit(",.0f", ".1f")
    if unit == "money":
        if not currency:
            raise ValueError("a money chart needs a currency code, for example currency='EUR'")
        return Unit(",.0f", ",.0f", f" ({currency})")
    raise ValueError(f"unknown unit {unit!r}; known units: {', '.join(sorted(UNITS))}")


# --- placeholders and filling ---------------------------------------------------------------


def _slot(name: str) -> str:
    """A placeholder string that cannot collide with real titles."""
    return f"@@{name}@@"


# Each template as JSON text, made once: a chart is that text with its placeholders replaced,
# parsed by the json module (a tenth of the time of copying the template node by node).
_TEMPLATE_TEXT: dict[int, tuple[Spec, str]] = {}


def _template_text(template: Spec) -> str:
    cached = _TEMPLATE_TEXT.get(id(template))
    if cached is None or cached[0] is not template:  # the template is kept: its id stays its own
        cached = (template, json.dumps(template))
        _TEMPLATE_TEXT[id(template)] = cached
    return cached[1]


def _fill(template: Spec, values: Mapping[str, Any]) -> Spec:
    """A fresh copy of ``template`` with every placeholder string replaced by its value."""
    text = _template_text(template)
    for slot, value in values.items():
        text = text.replace(json.dumps(slot), json.dumps(value))
    if '"@@' in text:
        left = text[text.index('"@@') + 1 :].split('"', 1)[0]
        raise KeyError(f"no value for the chart template's placeholder {left}")
    filled: Spec = json.loads(text)
    return filled


def _finish(template: Spec, slots: Mapping[str, Any], rows: list[dict[str, Any]]) -> Spec:
    spec = _fill(template, {_slot(k): v for k, v in slots.items()})
    spec["data"] = {"values": rows}
    return spec


def _as_spec(chart: alt.TopLevelMixin, height: int = DEFAULT_HEIGHT) -> Spec:
    """Altair chart → template dict: container width, fit autosize, inline data slot. Not
    validated here (a third of a template's cost, in every build): the tests validate every
    template shape against the Vega-Lite schema (tests/test_charts.py)."""
    spec: Spec = chart.to_dict(validate=False)
    spec.pop("datasets", None)
    spec["width"] = "container"
    spec["height"] = height
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    spec["config"] = CONFIG
    return spec


def _placeholder_data() -> alt.Data:
    return alt.Data(values=[{}])


# --- row preparation (plain Python values, sorted) ------------------------------------------


def _clean(value: Any, digits: int = 6) -> Any:
    """A JSON-safe scalar: numpy → Python, NaN/NA → None, floats rounded for stable diffs."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, int | float | str):
        value = value.item()  # a numpy scalar left in an object column
    if isinstance(value, float):
        if value != value or math.isinf(value):  # NaN: a suppressed or missing figure
            return None
        rounded = round(value, digits)
        return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded
    return value


def _require(frame: Columns, columns: Sequence[str], chart: str) -> None:
    have = list(frame.columns if isinstance(frame, pd.DataFrame) else frame)
    missing = [c for c in columns if c not in have]
    if missing:
        raise ValueError(
            f"{chart}: frame lacks column(s) {', '.join(missing)}; "
            f"it has: {', '.join(map(str, have)) or 'none'}"
        )


def _records(frame: Columns, columns: Mapping[str, str]) -> list[dict[str, Any]]:
    """Rows as dicts renamed source→target, values cleaned, in frame order."""
    # Column-wise tolist() hands back Python scalars; much faster than row iteration.
    names = list(columns.values())
    values = [[_clean(v) for v in _column_list(frame[source])] for source in columns]
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


def _column_list(column: Any) -> list[Any]:
    return column.tolist() if hasattr(column, "tolist") else list(column)


def _sort_key(value: Any) -> tuple[int, Any]:
    """Sorts None last and mixed types stably."""
    if value is None:
        return (2, "")
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value))


# --- templates (built once per shape through Altair) ----------------------------------------


FieldType = Literal["quantitative", "ordinal", "temporal", "nominal"]


def _tooltip(
    field: str, title: str, kind: FieldType = "nominal", fmt: str | None = None
) -> alt.Tooltip:
    if fmt is None:
        return alt.Tooltip(field, type=kind, title=title)
    return alt.Tooltip(field, type=kind, title=title, format=fmt)


@functools.cache
def _trend_template(unit: Unit, has_series: bool, has_target: bool) -> Spec:
    value_title = _slot("value_title")
    tooltips = [
        _tooltip("period", "Period"),
        _tooltip("value", value_title, "quantitative", unit.tooltip_format),
    ]
    x = alt.X("period:O", title=None, sort=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title=value_title, axis=alt.Axis(format=unit.axis_format))
    # Layers carry no data of their own: rows go into the top-level ``data`` (see _finish).
    line = alt.Chart(name="trend").mark_line(point=True)
    if has_series:
        pick = alt.selection_point(name="series_pick", fields=["series"], bind="legend")
        tooltips.insert(0, _tooltip("series", _slot("series_title")))
        line = line.encode(
            x=x,
            y=y,
            color=alt.Color(
                "series:N",
                title=_slot("series_title"),
                sort=None,
                legend=alt.Legend(orient="bottom"),
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.2)),
            tooltip=tooltips,
        ).add_params(pick)
    else:
        line = line.encode(x=x, y=y, tooltip=tooltips)
    chart: alt.TopLevelMixin
    if has_target:
        rule = (
            alt.Chart(alt.Data(values=[{"target": _slot("target")}]))
            .mark_rule(strokeDash=[6, 4], color="#c0392b")
            .encode(
                y="target:Q",
                tooltip=[
                    _tooltip("target", _slot("target_title"), "quantitative", unit.tooltip_format)
                ],
            )
        )
        chart = alt.layer(line, rule, data=_placeholder_data())
    else:
        chart = line.properties(data=_placeholder_data())
    spec = _as_spec(chart)
    spec["title"] = _slot("title")
    meta: dict[str, Any] = {"kind": "trend", "format": unit.axis_format, "series": has_series}
    if has_target:
        meta["target"] = _slot("target")
    spec["usermeta"] = meta
    return spec


@functools.cache
def _bar_template(kind: str, unit: Unit, horizontal: bool) -> Spec:
    """A bar chart of ``value`` per ``label`` in data order (``sort: null``), values labelled."""
    value_title = _slot("value_title")
    label_title = _slot("label_title")
    tooltips = [
        _tooltip("label", label_title),
        _tooltip("value", value_title, "quantitative", unit.tooltip_format),
    ]
    if kind == "funnel":
        tooltips.append(_tooltip("share", "Share of first stage", "quantitative", ".1%"))
    base = alt.Chart()
    label_axis = alt.Axis(labelLimit=220) if horizontal else alt.Axis(labelAngle=0, labelLimit=120)
    label = (alt.Y if horizontal else alt.X)(
        "label:N", title=label_title, sort=None, axis=label_axis
    )
    value = (alt.X if horizontal else alt.Y)(
        "value:Q", title=value_title, axis=alt.Axis(format=unit.axis_format, tickCount=6)
    )
    bars = base.mark_bar().encode(label, value, tooltip=tooltips).properties(name="bars")
    text = base.mark_text(
        align="left" if horizontal else "center",
        baseline="middle" if horizontal else "bottom",
        dx=4 if horizontal else 0,
        dy=0 if horizontal else -3,
    ).encode(label, value, text=alt.Text("value:Q", format=unit.tooltip_format))
    # Horizontal charts get a height per bar when filled (see _bar_height).
    spec = _as_spec(alt.layer(bars, text, data=_placeholder_data()))
    spec["title"] = _slot("title")
    spec["usermeta"] = {
        "kind": "bar",
        "format": unit.axis_format,
        "label_format": unit.tooltip_format,
        "horizontal": horizontal,
    }
    return spec


@functools.cache
def _budget_template(unit: Unit) -> Spec:
    money = _slot("value_title")
    chart = (
        alt.Chart(_placeholder_data())
        .mark_bar()
        .encode(
            x=alt.X("period:O", title=None, sort=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("measure:N", sort=list(BUDGET_COLOURS)),
            y=alt.Y("amount:Q", title=money, axis=alt.Axis(format=unit.axis_format)),
            color=alt.Color(
                "measure:N",
                title=None,
                scale=alt.Scale(domain=list(BUDGET_COLOURS), range=list(BUDGET_COLOURS.values())),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                _tooltip("period", "Period"),
                _tooltip("measure", "Measure"),
                _tooltip("amount", money, "quantitative", unit.tooltip_format),
                _tooltip("spend_share", "Spend / budget", "quantitative", ".0%"),
            ],
        )
    )
    spec = _as_spec(chart)
    spec["title"] = _slot("title")
    spec["usermeta"] = {"kind": "budget", "format": unit.axis_format}
    return spec


# --- public chart builders ------------------------------------------------------------------


def trend_chart(
    frame: Columns,
    *,
    title: str,
    value_title: str,
    unit: str = "rate",
    currency: str | None = None,
    period: str = "period",
    value: str = "value",
    series: str | None = None,
    series_title: str = "Series",
    target: float | None = None,
    target_title: str = "Target",
    in_given_order: bool = False,
) -> Spec:
    """A line per series over periods (quarter labels sort as strings; ``in_given_order``
    keeps the frame's order, for labels that do not sort, such as course runs), optional
    target rule."""
    columns = [period, value] + ([series] if series else [])
    _require(frame, columns, "trend_chart")
    rename = {period: "period", value: "value"} | ({series: "series"} if series else {})
    rows = _records(frame, rename)
    if in_given_order:
        series_order = {s: i for i, s in enumerate(dict.fromkeys(r.get("series") for r in rows))}
        rows.sort(key=lambda r: series_order[r.get("series")])
    else:
        rows.sort(key=lambda r: (_sort_key(r.get("series")), _sort_key(r["period"])))
    fmt = unit_of(unit, currency)
    template = _trend_template(fmt, series is not None, target is not None)
    slots = {
        "title": title,
        "value_title": value_title + fmt.suffix,
        "series_title": series_title,
        "target": _clean(target),
        "target_title": target_title,
    }
    return _finish(template, slots, rows)


def funnel_chart(
    frame: Columns,
    *,
    title: str,
    stage: str = "stage",
    count: str = "count",
    stage_title: str = "Stage",
    value_title: str = "Learners",
) -> Spec:
    """Enrolment → completion: one bar per stage in the frame's order (the funnel order)."""
    _require(frame, [stage, count], "funnel_chart")
    rows = _records(frame, {stage: "label", count: "value"})
    first = next((r["value"] for r in rows if r["value"]), None)
    for row in rows:
        share = row["value"] / first if first and row["value"] is not None else None
        row["share"] = _clean(share)
    slots = {"title": title, "label_title": stage_title, "value_title": value_title}
    return _bar_height(_finish(_bar_template("funnel", unit_of("count"), True), slots, rows))


def distribution_chart(
    frame: Columns,
    *,
    title: str,
    value_title: str = "Learners",
    bin_title: str = "Score",
    bin_start: str = "bin_start",
    bin_end: str = "bin_end",
    count: str = "count",
) -> Spec:
    """Pre-binned counts (score bins, minutes bins) as bars ordered by bin start."""
    _require(frame, [bin_start, bin_end, count], "distribution_chart")
    bins = _records(frame, {bin_start: "start", bin_end: "end", count: "value"})
    bins.sort(key=lambda r: _sort_key(r["start"]))
    rows = [
        {"label": f"{_number_label(b['start'])}–{_number_label(b['end'])}", "value": b["value"]}
        for b in bins
    ]
    slots = {"title": title, "label_title": bin_title, "value_title": value_title}
    return _finish(_bar_template("distribution", unit_of("count"), False), slots, rows)


def dropoff_chart(
    frame: Columns,
    *,
    title: str,
    module: str = "module",
    order: str = "order",
    share_lost: str = "share_lost",
    module_title: str = "Module",
    value_title: str = "Share of learners lost",
) -> Spec:
    """Share of learners lost at each module, in module order."""
    _require(frame, [module, order, share_lost], "dropoff_chart")
    modules = _records(frame, {order: "order", module: "label", share_lost: "value"})
    modules.sort(key=lambda r: (_sort_key(r["order"]), _sort_key(r["label"])))
    rows = [{"label": m["label"], "value": m["value"]} for m in modules]
    slots = {"title": title, "label_title": module_title, "value_title": value_title}
    return _finish(_bar_template("dropoff", unit_of("rate"), False), slots, rows)


def budget_chart(
    frame: Columns,
    *,
    title: str,
    currency: str,
    period: str = "period",
    budget: str = "budget",
    spend: str = "spend",
    value_title: str = "Amount",
) -> Spec:
    """Budget and spend side by side per period, in one currency."""
    _require(frame, [period, budget, spend], "budget_chart")
    periods = _records(frame, {period: "period", budget: "budget", spend: "spend"})
    periods.sort(key=lambda r: _sort_key(r["period"]))
    rows: list[dict[str, Any]] = []
    for p in periods:
        share = p["spend"] / p["budget"] if p["budget"] and p["spend"] is not None else None
        for measure in BUDGET_COLOURS:
            amount = p[measure.lower()]
            rows.append(
                {
                    "period": p["period"],
                    "measure": measure,
                    "amount": amount,
                    "spend_share": _clean(share),
                }
            )
    fmt = unit_of("money", currency)
    slots = {"title": title, "value_title": value_title + fmt.suffix}
    return _finish(_budget_template(fmt), slots, rows)


def comparison_chart(
    frame: Columns,
    *,
    title: str,
    value_title: str,
    unit: str = "money",
    currency: str | None = None,
    label: str = "developer",
    value: str = "value",
    label_title: str = "Developer",
    descending: bool = True,
) -> Spec:
    """Horizontal bars comparing entities (e.g. cost per completion per developer)."""
    _require(frame, [label, value], "comparison_chart")
    rows = _records(frame, {label: "label", value: "value"})
    sign = -1 if descending else 1
    rows.sort(key=lambda r: (r["value"] is None, sign * (r["value"] or 0), _sort_key(r["label"])))
    fmt = unit_of(unit, currency)
    slots = {"title": title, "label_title": label_title, "value_title": value_title + fmt.suffix}
    return _bar_height(_finish(_bar_template("comparison", fmt, True), slots, rows))


def _bar_height(spec: Spec) -> Spec:
    """A fixed height from the bar count (a step height would drop the fit autosize)."""
    spec["height"] = BAR_STEP * max(2, len(spec["data"]["values"]))
    return spec


def _number_label(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int | float) else str(value)


# --- serialisation -----------------------------------------------------------------------


def spec_json(spec: Spec) -> str:
    """Stable, compact JSON: sorted keys, no NaN, non-ASCII kept."""
    return json.dumps(
        spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def vega_lite_version() -> str:
    """The Vega-Lite version Altair writes specs for, as vl-convert names it (``6.4``)."""
    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    return f"{major}.{minor}"


# --- the chart block in Markdown ------------------------------------------------------------

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
