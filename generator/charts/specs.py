"""Charts: Vega-Lite specs (built with Altair) from small pre-aggregated frames.

Pure: frames in, plain dicts out. Callers pass aggregates (one row per period, stage, bin,
module or developer), never learner rows, and suppress small groups before calling: a
suppressed figure arrives as NaN/None and is simply not drawn.

This module holds the chart builders (:func:`trend_chart`, :func:`funnel_chart`,
:func:`distribution_chart`, :func:`dropoff_chart`, :func:`budget_chart`,
:func:`comparison_chart`) and is where callers import everything about specs from. Each builder
fills a template of its shape (:mod:`generator.charts.templates`) with rows made by
:mod:`generator.charts.rows`; :mod:`generator.charts.chart_block` puts a spec into Markdown, and
:mod:`generator.charts.svg` draws its static SVG.

Determinism: rows are sorted, keys sorted when serialised (:func:`spec_json`), params are named,
and data is always inline ``values`` (no Altair dataset hashes), so the same inputs give the
same bytes.
"""

from __future__ import annotations

from typing import Any

from generator.charts.chart_block import (
    SPEC_ID_RE,
    attribute_json,
    chart_block,
    markdown_text,
    spec_json,
)
from generator.charts.rows import Columns, _clean, _records, _require, _sort_key
from generator.charts.templates import (
    BUDGET_COLOURS,
    CONFIG,
    DEFAULT_HEIGHT,
    SVG_WIDTH,
    UNITS,
    FieldType,
    Spec,
    Unit,
    _bar_template,
    _budget_template,
    _finish,
    _trend_template,
    unit_of,
    vega_lite_version,
)

# Template internals the tests use to build and fill templates of their own.
from generator.charts.templates import _fill as _fill
from generator.charts.templates import _slot as _slot

__all__ = [
    "BAR_STEP",
    "BUDGET_COLOURS",
    "CONFIG",
    "DEFAULT_HEIGHT",
    "SPEC_ID_RE",
    "SVG_WIDTH",
    "UNITS",
    "Columns",
    "FieldType",
    "Spec",
    "Unit",
    "attribute_json",
    "budget_chart",
    "chart_block",
    "comparison_chart",
    "distribution_chart",
    "dropoff_chart",
    "funnel_chart",
    "markdown_text",
    "spec_json",
    "trend_chart",
    "unit_of",
    "vega_lite_version",
]

BAR_STEP = 26  # px per bar of a horizontal bar chart

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
