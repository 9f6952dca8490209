"""The three chart shapes :mod:`generator.charts.specs` builds (a trend line, a bar chart, a
budget chart) and :func:`svg`, which reads a spec and draws the one it is."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.charts.svg.axes import (
    CENTRE_TO_BASELINE,
    Entry,
    below_plot,
    bottom_axis,
    horizontal_grid,
    left_axis,
    left_margin,
    left_title,
    legend,
    no_figures,
    thinned,
    vertical_grid,
)
from generator.charts.svg.canvas import Canvas, Plot
from generator.charts.svg.scales import Linear, bands
from generator.charts.svg.style import (
    BAR_LABEL_LIMIT,
    BAR_PADDING,
    BAR_TICK_COUNT,
    LABEL_SEPARATION,
    LEGEND_GAP,
    PAD,
    PALETTE,
    PLOT_TOP,
    TARGET_COLOUR,
    TITLE_SIZE,
    VALUE_LABEL_ROOM,
)
from generator.charts.svg.text import clean_text, fit, fit_room, number_formatter, text_width
from generator.charts.templates import BUDGET_COLOURS, SVG_WIDTH, Spec

# --- reading the spec ---------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """What a spec says, in plain terms (see the templates in generator.charts.specs)."""

    title: str
    meta: dict[str, Any]
    encoding: dict[str, Any]
    rows: list[dict[str, Any]]
    height: float

    @classmethod
    def of(cls, spec: Spec) -> Chart:
        encoding = spec["layer"][0]["encoding"] if "layer" in spec else spec["encoding"]
        return cls(
            clean_text(spec.get("title", "")),
            spec["usermeta"],
            encoding,
            spec["data"]["values"],
            float(spec["height"]),
        )

    def axis_title(self, channel: str) -> str:
        title = self.encoding.get(channel, {}).get("title")
        return clean_text(title) if title else ""


# --- the three chart shapes ---------------------------------------------------------------


def svg(spec: Spec, width: int = SVG_WIDTH) -> str:
    """A static SVG of a chart spec made by :mod:`generator.charts.specs`."""
    chart = Chart.of(spec)
    draw = {"trend": _trend, "bar": _bars, "budget": _budget}[chart.meta["kind"]]
    canvas = Canvas()
    if chart.title:
        limit = width - 2 * PAD
        canvas.text(
            PAD,
            PAD + TITLE_SIZE - 1,
            fit(chart.title, limit, TITLE_SIZE, bold=True),
            size=TITLE_SIZE,
            bold=True,
        )
    height = draw(canvas, chart, width)
    return canvas.document(chart.title or "Chart", width, height)


def _value_axis_left(
    canvas: Canvas, chart: Chart, width: int, scale: Linear, top: float = PLOT_TOP
) -> Plot:
    """A plot with the value axis on the left (trend, budget, vertical bars): grid, ticks,
    labels and the axis title."""
    fmt = number_formatter(chart.meta["format"])
    labels = [fmt(tick) for tick in scale.ticks]
    title = chart.axis_title("y")
    left = left_margin(labels, title)
    plot = Plot(left, top, width - left - PAD, chart.height)
    ys = [plot.bottom - scale.fraction(tick) * plot.height for tick in scale.ticks]
    horizontal_grid(canvas, plot, ys)
    left_axis(canvas, plot, ys, labels)
    left_title(canvas, plot, title)
    return plot


def _trend(canvas: Canvas, chart: Chart, width: int) -> float:
    """Lines with a point per period, one per series; a dashed target rule; legend below."""
    target = chart.meta.get("target")
    values = [row["value"] for row in chart.rows if row["value"] is not None]
    tick_count = math.ceil(chart.height / 40)  # Vega's default: a tick per 40 px
    scale = Linear.over(values + ([target] if target is not None else []), tick_count)
    plot = _value_axis_left(canvas, chart, width, scale)
    if not values:
        no_figures(canvas, plot)

    # A point scale (padding 0.5): every period keeps its place, even one with no values.
    periods = list(dict.fromkeys(row["period"] for row in chart.rows))
    step = plot.width / max(1, len(periods))
    x_of = {period: plot.left + step * (i + 0.5) for i, period in enumerate(periods)}
    labels = thinned([clean_text(p) for p in periods], step)
    bottom_axis(canvas, plot, list(x_of.values()), labels, "")

    def y_of(value: float) -> float:
        return plot.bottom - scale.fraction(value) * plot.height

    series = list(dict.fromkeys(row.get("series") for row in chart.rows))
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(series)}
    for name in series:
        rows = [row for row in chart.rows if row.get("series") == name]
        _line(canvas, [(x_of[r["period"]], r["value"]) for r in rows], y_of, colours[name])
    if target is not None:
        y = y_of(target)
        canvas.line(plot.left, y, plot.right, y, TARGET_COLOUR, dash="6 4")

    bottom = plot.bottom + below_plot(False)
    if chart.meta.get("series"):
        entries = [Entry(clean_text(name), colours[name], False) for name in series]
        bottom = legend(
            canvas, plot.left, bottom + LEGEND_GAP, plot.width, chart.axis_title("color"), entries
        )
    return bottom + PAD


def _line(
    canvas: Canvas,
    points: list[tuple[float, float | None]],
    y_of: Callable[[float], float],
    colour: str,
) -> None:
    """A line through the points, broken where a value is missing, and a dot on each."""
    run: list[tuple[float, float]] = []
    for x, value in [*points, (0.0, None)]:  # the sentinel ends the last run
        if value is not None:
            run.append((x, y_of(value)))
            continue
        if len(run) > 1:
            canvas.polyline(run, colour)
        for px, py in run:
            canvas.circle(px, py, colour)
        run = []


def _bars(canvas: Canvas, chart: Chart, width: int) -> float:
    """One bar per label in data order, value labels at the bar ends. Vega leaves a row with no
    value out of the band scale altogether, and so does this."""
    horizontal = bool(chart.meta["horizontal"])
    rows = [row for row in chart.rows if row["value"] is not None]
    scale = Linear.over([row["value"] for row in rows], BAR_TICK_COUNT)
    names = [clean_text(row["label"]) for row in rows]
    values = [row["value"] for row in rows]
    draw = _horizontal_bars if horizontal else _vertical_bars
    return draw(canvas, chart, width, scale, names, values)


def _vertical_bars(
    canvas: Canvas,
    chart: Chart,
    width: int,
    scale: Linear,
    names: list[str],
    values: list[float],
) -> float:
    # The tallest bar's value label stands above the plot: room for it under the title.
    plot = _value_axis_left(canvas, chart, width, scale, PLOT_TOP + VALUE_LABEL_ROOM)
    if not values:
        no_figures(canvas, plot)
    starts, bar = bands(len(values), plot.left, plot.width, *BAR_PADDING)
    centres = [start + bar / 2 for start in starts]
    # Each label fits its band, in any common font, with room between neighbours: names are
    # cut rather than dropped (unlike periods), whole in their <title>.
    limit = min(BAR_LABEL_LIMIT[False], bar / (1 - BAR_PADDING[0]) - LABEL_SEPARATION)
    labels = [fit_room(name, max(24, limit)) for name in names]
    bottom_axis(canvas, plot, centres, labels, chart.axis_title("x"), names)
    fmt = number_formatter(chart.meta["label_format"])
    zero = plot.bottom - scale.fraction(0) * plot.height
    for start, centre, value in zip(starts, centres, values, strict=True):
        end = plot.bottom - scale.fraction(value) * plot.height
        canvas.rect(start, min(zero, end), bar, abs(zero - end), PALETTE[0])
        canvas.text(centre, min(zero, end) - 3, fmt(value), anchor="middle")
    return plot.bottom + below_plot(bool(chart.axis_title("x"))) + PAD


def _horizontal_bars(
    canvas: Canvas,
    chart: Chart,
    width: int,
    scale: Linear,
    names: list[str],
    values: list[float],
) -> float:
    labels = [fit_room(name, BAR_LABEL_LIMIT[True]) for name in names]
    fmt = number_formatter(chart.meta["label_format"])
    tick_labels = [number_formatter(chart.meta["format"])(tick) for tick in scale.ticks]
    title = chart.axis_title("y")
    left = left_margin(labels, title)
    room = _bar_room(width, left, scale, values, fmt, tick_labels[-1] if tick_labels else "")
    plot = Plot(left, PLOT_TOP, room, chart.height)
    starts, bar = bands(len(values), plot.top, plot.height, *BAR_PADDING)
    xs = [plot.left + scale.fraction(tick) * plot.width for tick in scale.ticks]
    vertical_grid(canvas, plot, xs)
    bottom_axis(canvas, plot, xs, tick_labels, chart.axis_title("x"))
    left_axis(canvas, plot, [start + bar / 2 for start in starts], labels, names)
    left_title(canvas, plot, title)
    if not values:
        no_figures(canvas, plot)
    zero = plot.left + scale.fraction(0) * plot.width
    for start, value in zip(starts, values, strict=True):
        end = plot.left + scale.fraction(value) * plot.width
        canvas.rect(min(zero, end), start, abs(end - zero), bar, PALETTE[0])
        label_x = max(zero, end) + 4
        canvas.text(label_x, start + bar / 2 + CENTRE_TO_BASELINE, fmt(value))
    return plot.bottom + below_plot(bool(chart.axis_title("x"))) + PAD


def _bar_room(
    width: int,
    left: float,
    scale: Linear,
    values: list[float],
    fmt: Callable[[float], str],
    last_tick: str,
) -> float:
    """The plot width that keeps every value label (right of its bar) and the last tick label
    inside the chart: Vega's fit autosize shrinks the plot the same way."""
    room = width - left - PAD - text_width(last_tick) / 2
    for value in values:
        share = scale.fraction(value)
        if share > 0:  # the label needs share·room + 4 + its width ≤ what is left
            room = min(room, (width - left - PAD - 4 - text_width(fmt(value))) / share)
    return room


def _budget(canvas: Canvas, chart: Chart, width: int) -> float:
    """Budget and spend bars side by side per period (Vega-Lite's xOffset), legend below."""
    measures = list(BUDGET_COLOURS)
    shown = [row for row in chart.rows if row["amount"] is not None]
    periods = list(dict.fromkeys(row["period"] for row in shown))
    scale = Linear.over([row["amount"] for row in shown], math.ceil(chart.height / 40))
    plot = _value_axis_left(canvas, chart, width, scale)
    if not shown:
        no_figures(canvas, plot)
    # Vega-Lite pads bands with nested offsets more (0.2 inside and out) than plain bars.
    group_starts, group = bands(len(periods), plot.left, plot.width, 0.2, 0.2)
    starts = dict(zip(periods, group_starts, strict=True))
    bar = group / len(measures)
    step = plot.width / max(1, len(periods))
    labels = thinned([clean_text(p) for p in periods], step)
    bottom_axis(canvas, plot, [starts[p] + group / 2 for p in periods], labels, "")
    zero = plot.bottom - scale.fraction(0) * plot.height
    for row in shown:
        x = starts[row["period"]] + bar * measures.index(row["measure"])
        end = plot.bottom - scale.fraction(row["amount"]) * plot.height
        canvas.rect(x, min(zero, end), bar, abs(zero - end), BUDGET_COLOURS[row["measure"]])
    entries = [Entry(name, colour, True) for name, colour in BUDGET_COLOURS.items()]
    top = plot.bottom + below_plot(False) + LEGEND_GAP
    return legend(canvas, plot.left, top, plot.width, "", entries) + PAD
