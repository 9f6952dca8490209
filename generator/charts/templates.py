"""Chart templates: one Vega-Lite spec per chart *shape*, built once through Altair.

A shape is a kind (trend, bar, budget) with its unit and options (series or not, target or
not, horizontal or not). Validating a chart through Altair is slow and a site has thousands of
charts, so each shape is built once with placeholder strings (:func:`_slot`) and every chart of
that shape is a copy of the template with the placeholders and ``data.values`` filled in
(:func:`_finish`). Each template also says what it is in a top-level ``usermeta`` (kind, number
formats, orientation, series, target; Vega ignores it): :mod:`generator.charts.svg` draws the
static SVG from that.

Also here: the units a measure is formatted in, the type sizes and the budget colours.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import altair as alt

Spec = dict[str, Any]

DEFAULT_HEIGHT = 260
SVG_WIDTH = 680  # the static SVG has no container to size against
BAR_LABEL_LIMIT = 120  # px, the longest label under a vertical bar
# The width a chart is drawn at, as a param of every spec: the draw script sets it to its
# container's width (vl-convert and the static SVG draw at SVG_WIDTH), and the title and the
# names beside horizontal bars are cut to fit it, so a phone's chart is never wider than it.
CONTAINER_WIDTH = "container_width"
NAME_SHARE = 0.33  # of the width, at most, for the names beside horizontal bars
UNITS = ("rate", "count", "decimal", "money", "minutes", "score")
# Type sizes close to the page text; colours are left to the draw script (light/dark).
CONFIG: dict[str, Any] = {
    "axis": {"labelFontSize": 12, "titleFontSize": 12},
    "legend": {"labelFontSize": 12, "titleFontSize": 12},
    "text": {"fontSize": 12},
    # A long title is cut with "…" rather than widening a narrow chart (see CONTAINER_WIDTH).
    "title": {
        "fontSize": 15,
        "anchor": "start",
        "offset": 12,
        "limit": {"expr": "container_width - 10"},
    },
    "view": {"stroke": None},
}
BUDGET_COLOURS = {"Budget": "#9e9e9e", "Spend": "#3f6ec6"}
# Category labels never overlap: period labels are thinned (every other one, every fourth...)
# when the axis is narrow, with at least this many px between two shown ones.
LABEL_SEPARATION = 6
LEGEND_LABEL_LIMIT = 160  # px; a bottom legend has as many columns as entries of this fit


def _period_axis() -> alt.Axis:
    """The x axis of quarters: level labels, thinned by Vega's "parity" rule so they never
    overlap (the static SVG thins the same way: svg.axes.thinned)."""
    return alt.Axis(labelAngle=0, labelOverlap="parity", labelSeparation=LABEL_SEPARATION)


def _bottom_legend() -> alt.Legend:
    """A legend under the chart, wrapped into as many columns as the chart's width holds, so a
    long list of series (departments, KPIs) never makes the chart wider than its container."""
    columns = alt.ExprRef(f"max(1, floor(width / {LEGEND_LABEL_LIMIT + 40}))")
    return alt.Legend(orient="bottom", columns=columns, labelLimit=LEGEND_LABEL_LIMIT)


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
    if unit == "decimal":  # a measure of any size, such as a business KPI: 0.35, 2.18, 88.4
        return Unit(",.2~f", ",.2~f")
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
# parsed by the json module (much faster than copying the template node by node).
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
    validated here (a cost paid in every build): the tests validate every template shape
    against the Vega-Lite schema (tests/charts/test_charts.py)."""
    spec: Spec = chart.to_dict(validate=False)
    spec.pop("datasets", None)
    spec["width"] = "container"
    spec["height"] = height
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    spec["config"] = CONFIG
    spec["params"] = [*spec.get("params", []), {"name": CONTAINER_WIDTH, "value": SVG_WIDTH}]
    return spec


def _placeholder_data() -> alt.Data:
    return alt.Data(values=[{}])


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
    x = alt.X("period:O", title=None, sort=None, axis=_period_axis())
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
                legend=_bottom_legend(),
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
    # A vertical bar's label is at most as wide as its band (its bar and the gaps beside it),
    # so neighbours never overlap; cut names end in "…" (the tooltip has them whole).
    band_limit = alt.ExprRef(
        f"max(24, min({BAR_LABEL_LIMIT}, bandwidth('x') / 0.9 - {LABEL_SEPARATION}))"
    )
    name_limit = alt.ExprRef(f"min(220, max(60, {CONTAINER_WIDTH} * {NAME_SHARE}))")
    label_axis = (
        alt.Axis(labelLimit=name_limit)
        if horizontal
        else alt.Axis(labelAngle=0, labelLimit=band_limit)
    )
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
            x=alt.X("period:O", title=None, sort=None, axis=_period_axis()),
            xOffset=alt.XOffset("measure:N", sort=list(BUDGET_COLOURS)),
            y=alt.Y("amount:Q", title=money, axis=alt.Axis(format=unit.axis_format)),
            color=alt.Color(
                "measure:N",
                title=None,
                scale=alt.Scale(domain=list(BUDGET_COLOURS), range=list(BUDGET_COLOURS.values())),
                legend=_bottom_legend(),
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


def vega_lite_version() -> str:
    """The Vega-Lite version Altair writes specs for, as vl-convert names it (``6.4``)."""
    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    return f"{major}.{minor}"
