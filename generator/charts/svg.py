"""Static SVGs of the charts, drawn in pure Python: the image beside each interactive chart,
shown in pull-request diffs of the generated Markdown and in print.

It draws only the three shapes :mod:`generator.charts.specs` builds (a trend line, a bar chart, a
budget chart), reading the shape from the spec's ``usermeta`` (written by the templates), the
titles from its encodings and the rows from ``data.values``. It copies Vega's look (its
default colours, 12 px labels, a 15 px bold title, nice round ticks) so the static chart reads
like the interactive one. Drawing one costs well under a millisecond; vl-convert took 26-70 ms,
which at thousands of charts was twice the time of ``mkdocs build`` (README, "Scale and
rebuilds").

Text is never measured: its width is estimated from typical glyph widths (``text_width``), and
long labels are cut with "…" as Vega's ``labelLimit`` does. A suppressed figure (``None``) is
not drawn: a line breaks at it, its bar is absent, and it appears nowhere in the SVG.
Same spec, same bytes: coordinates are rounded to 0.1 px and nothing depends on time or order
of a dict other than the spec's own.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any
from xml.sax.saxutils import escape

from generator.charts.specs import BUDGET_COLOURS, SVG_WIDTH, Spec

# Vega's defaults (tableau10, axis and grid greys), so both renderings look alike.
PALETTE = (
    "#4c78a8",
    "#f58518",
    "#e45756",
    "#72b7b2",
    "#54a24b",
    "#eeca3b",
    "#b279a2",
    "#ff9da6",
    "#9d755d",
    "#bab0ac",
)
TARGET_COLOUR = "#c0392b"
AXIS_COLOUR = "#888"
GRID_COLOUR = "#ddd"

FONT_SIZE = 12  # labels, axis and legend titles, value labels (charts.CONFIG)
TITLE_SIZE = 15
PAD = 5  # around the whole chart
TICK = 5  # tick length; labels sit 2 px beyond the tick
PLOT_TOP = 38  # the title and its 12 px offset above the plot
VALUE_LABEL_ROOM = 9  # more for a label above a bar than for the top tick label
AXIS_TITLE_GAP = 4
LEGEND_GAP = 14  # between the x axis and a legend below it
LEGEND_ROW = 18
BAR_PADDING = (0.1, 0.05)  # Vega-Lite's inner and outer band padding of bar charts
BAR_TICK_COUNT = 6  # charts._bar_template sets tickCount 6 on the value axis
BAR_LABEL_LIMIT = {True: 220, False: 120}  # label axis labelLimit: horizontal / vertical
POINT_RADIUS = 3  # Vega's default point size (30 px²)
NO_FIGURES = "No figures to show: all suppressed or missing"

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- text and numbers ---------------------------------------------------------------------


# Rough glyph widths of a sans-serif font (Arial, Liberation Sans), as shares of the font
# size: good enough to lay out labels without measuring text. Others: see _glyph.
_GLYPH_WIDTHS = {
    **dict.fromkeys("ijl.,:;!|'", 0.25),
    **dict.fromkeys("ftrI()[]-/ ", 0.33),
    **dict.fromkeys("mwMW%@…", 0.85),
}
BOLD_WIDER = 1.1  # bold glyphs are about this much wider


@functools.cache  # a few hundred distinct characters at most
def _glyph(char: str) -> float:
    if char in _GLYPH_WIDTHS:
        return _GLYPH_WIDTHS[char]
    return 0.67 if char.isupper() else 0.56 if char.isdigit() else 0.54


@functools.lru_cache(maxsize=4096)  # the same labels (periods, ticks) recur chart after chart
def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Estimated width in px of regular text (bold: see :func:`fit`)."""
    return sum(map(_glyph, text)) * size


def fit(text: str, limit: float, size: float = FONT_SIZE, bold: bool = False) -> str:
    """``text`` cut to ``limit`` px with a trailing "…", as Vega's labelLimit does."""
    if bold:
        size *= BOLD_WIDER
    if text_width(text, size) <= limit:
        return text
    room, kept = limit - text_width("…", size), 0
    for char in text:
        room -= _glyph(char) * size
        if room < 0:
            break
        kept += 1
    return text[:kept] + "…"


def clean_text(value: Any) -> str:
    """User text on one line, without characters XML cannot hold (escaping happens later);
    a missing name (None) is blank, never "None"."""
    if value is None:
        return ""
    return _INVALID_XML.sub("", " ".join(str(value).split()))


_FORMAT_RE = re.compile(r"^(,)?(?:\.(\d+))?(~)?([df%])$")


def number_formatter(d3_format: str) -> Callable[[float], str]:
    """A Python function for the d3 formats the templates use (",d", ".2~%", ",.0f", ".1f"...).

    Rounding is half away from zero on the exact value, as JavaScript's ``toFixed`` does
    (Python's own formatting rounds half to even: 0.5 → "0"), and the minus sign is d3's "−".
    """
    match = _FORMAT_RE.match(d3_format)
    if not match:
        raise ValueError(f"unsupported number format {d3_format!r}")
    comma, digits, trim, kind = match.groups()
    places = 0 if kind == "d" else int(digits or 6)
    percent = kind == "%"
    quantum = Decimal(1).scaleb(-places)
    pattern = f"{',' if comma else ''}.{places}f"

    def formatted(value: float) -> str:
        exact = Decimal(value * 100 if percent else value)
        try:
            rounded = exact.quantize(quantum, rounding=ROUND_HALF_UP)
        except InvalidOperation:  # more digits than the context's 28, such as a budget of 1e300
            with localcontext() as context:
                context.prec = exact.adjusted() + places + 2
                rounded = exact.quantize(quantum, rounding=ROUND_HALF_UP)
        text = format(abs(rounded), pattern)
        if trim and "." in text:  # "~": no insignificant trailing zeros (0.50 → 0.5, 1.0 → 1)
            text = text.rstrip("0").rstrip(".")
        text += "%" if percent else ""
        return "\u2212" + text if rounded < 0 else text

    return formatted


def _n(value: float) -> str:
    """A coordinate: 0.1 px is plenty, and short numbers keep the file small and stable."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


# --- scales -------------------------------------------------------------------------------


def _tick_increment(start: float, stop: float, count: int) -> tuple[int, int]:
    """d3's tick step for about ``count`` ticks: 1, 2, 5 or 10 times a power of ten, returned
    as (factor, power) so that tick values can be computed without float drift."""
    step = (stop - start) / max(1, count)
    power = math.floor(math.log10(step))
    error = step / 10**power
    if error >= math.sqrt(50):
        return 10, power
    if error >= math.sqrt(10):
        return 5, power
    return (2 if error >= math.sqrt(2) else 1), power


# Below 1, a step is used through its inverse, as d3 does: 0.07 * 100 is 7.000000000000001
# but 7 / 100 is 0.07, so ticks and nice ends come out as the round numbers they should be.


def _in_steps(value: float, factor: int, power: int) -> float:
    if power >= 0:
        return value / (factor * 10**power)
    return value * (10**-power / factor)


def _steps(count: int, factor: int, power: int) -> float:
    if power >= 0:
        return count * factor * 10**power
    return count / (10**-power / factor)


def _ticks(start: float, stop: float, count: int) -> list[float]:
    """About ``count`` round values in [start, stop] (d3.ticks)."""
    factor, power = _tick_increment(start, stop, count)
    first, last = round(_in_steps(start, factor, power)), round(_in_steps(stop, factor, power))
    if _steps(first, factor, power) < start:
        first += 1
    if _steps(last, factor, power) > stop:
        last -= 1
    return [_steps(i, factor, power) for i in range(first, last + 1)]


@dataclass(frozen=True)
class Linear:
    """A zero-based, nicely rounded linear scale over the values (Vega's zero and nice)."""

    low: float
    high: float
    ticks: tuple[float, ...]

    @classmethod
    def over(cls, values: Sequence[float], tick_count: int) -> Linear:
        if not values:  # every figure suppressed: an axis without ticks, not a false 0-1
            return cls(0.0, 1.0, ())
        low, high = min([0.0, *values]), max([0.0, *values])
        if low == high:
            high = 1.0
        previous = None
        for _ in range(10):  # d3's linear.nice(): round the ends out until the step settles
            increment = _tick_increment(low, high, 10)
            if increment == previous:
                break
            low = _steps(math.floor(_in_steps(low, *increment)), *increment)
            high = _steps(math.ceil(_in_steps(high, *increment)), *increment)
            previous = increment
        return cls(low, high, tuple(_ticks(low, high, tick_count)))

    def fraction(self, value: float) -> float:
        return (value - self.low) / (self.high - self.low)


def bands(
    count: int, start: float, length: float, inner: float, outer: float
) -> tuple[list[float], float]:
    """Start of each of ``count`` bands and their width (d3.scaleBand's paddings)."""
    step = length / max(1.0, count - inner + 2 * outer)
    return [start + step * (outer + i) for i in range(count)], step * (1 - inner)


# --- the SVG being written ----------------------------------------------------------------


@dataclass
class Plot:
    """The data area: axes sit around it, marks inside."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height


class Canvas:
    """SVG elements in drawing order. All text goes through :meth:`text`, which escapes it."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        anchor: str = "start",
        size: int = FONT_SIZE,
        bold: bool = False,
        vertical: bool = False,
        colour: str = "",
    ) -> None:
        """``y`` is the baseline; ``vertical`` turns the text to read bottom to top."""
        attributes = f'x="{_n(x)}" y="{_n(y)}"'
        if vertical:
            attributes = f'transform="translate({_n(x)},{_n(y)}) rotate(-90)"'
        if anchor != "start":
            attributes += f' text-anchor="{anchor}"'
        if size != FONT_SIZE:
            attributes += f' font-size="{size}"'
        if bold:
            attributes += ' font-weight="bold"'
        if colour:
            attributes += f' fill="{colour}"'
        self.parts.append(f"<text {attributes}>{escape(text)}</text>")

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: str, dash: str) -> None:
        self.parts.append(
            f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
            f'stroke="{colour}" stroke-dasharray="{dash}"/>'
        )

    def rules(self, path: str, colour: str) -> None:
        """1 px axis and grid lines, ``path`` in SVG path syntax (one element for all)."""
        self.parts.append(
            f'<path d="{path}" stroke="{colour}" fill="none" shape-rendering="crispEdges"/>'
        )

    def rect(self, x: float, y: float, width: float, height: float, colour: str) -> None:
        self.parts.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
            f'fill="{colour}"/>'
        )

    def circle(self, x: float, y: float, colour: str, radius: float = POINT_RADIUS) -> None:
        self.parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(radius)}" fill="{colour}"/>')

    def polyline(self, points: Sequence[tuple[float, float]], colour: str) -> None:
        coordinates = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        self.parts.append(
            f'<polyline points="{coordinates}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )

    def document(self, title: str, width: int, height: float) -> str:
        """The finished SVG: white background, sans-serif text, a ``<title>`` for readers."""
        size = f'width="{width}" height="{_n(height)}" viewBox="0 0 {width} {_n(height)}"'
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" {size} role="img" '
            f'font-family="sans-serif" font-size="{FONT_SIZE}">\n'
            f"<title>{escape(title)}</title>\n"
            f'<rect width="100%" height="100%" fill="white"/>\n'
            + "\n".join(self.parts)
            + "\n</svg>\n"
        )


# --- axes and legends ---------------------------------------------------------------------

# A 12 px label centred on y has its baseline this far below y.
CENTRE_TO_BASELINE = 4
# Below the plot: tick, 2 px, then a label whose baseline is ~10 px below its top.
BOTTOM_LABEL_BASELINE = TICK + 2 + 10
BOTTOM_TITLE_BASELINE = BOTTOM_LABEL_BASELINE + AXIS_TITLE_GAP + FONT_SIZE + 3


def left_margin(labels: Sequence[str], title: str) -> float:
    """From the chart's edge to the plot: axis title, widest label, gap and tick."""
    widest = max((text_width(label) for label in labels), default=0.0)
    title_room = FONT_SIZE + AXIS_TITLE_GAP if title else 0
    return PAD + title_room + widest + 2 + TICK


def below_plot(has_title: bool) -> float:
    """Height of a bottom axis: ticks, labels and, if any, the axis title."""
    return (BOTTOM_TITLE_BASELINE if has_title else BOTTOM_LABEL_BASELINE) + 4


def left_axis(canvas: Canvas, plot: Plot, ys: Sequence[float], labels: Sequence[str]) -> None:
    """The axis line, a tick and a label at each of ``ys``."""
    ticks = "".join(f"M{_n(plot.left - TICK)},{_n(y)}h{TICK}" for y in ys)
    canvas.rules(f"M{_n(plot.left)},{_n(plot.top)}V{_n(plot.bottom)}{ticks}", AXIS_COLOUR)
    for y, label in zip(ys, labels, strict=True):
        canvas.text(plot.left - TICK - 2, y + CENTRE_TO_BASELINE, label, anchor="end")


def left_title(canvas: Canvas, plot: Plot, title: str) -> None:
    if title:
        shown = fit(title, plot.height + 30, bold=True)  # may reach into the margins
        canvas.text(
            PAD + FONT_SIZE - 2,
            plot.top + plot.height / 2,
            shown,
            anchor="middle",
            bold=True,
            vertical=True,
        )


def bottom_axis(
    canvas: Canvas, plot: Plot, xs: Sequence[float], labels: Sequence[str], title: str
) -> None:
    """The axis line, a tick and a label (if not "") at each of ``xs``, the axis title."""
    ticks = "".join(f"M{_n(x)},{_n(plot.bottom)}v{TICK}" for x in xs)
    canvas.rules(f"M{_n(plot.left)},{_n(plot.bottom)}H{_n(plot.right)}{ticks}", AXIS_COLOUR)
    for x, label in zip(xs, labels, strict=True):
        if label:
            canvas.text(x, plot.bottom + BOTTOM_LABEL_BASELINE, label, anchor="middle")
    if title:
        centre = plot.left + plot.width / 2
        shown = fit(title, plot.width, bold=True)
        canvas.text(centre, plot.bottom + BOTTOM_TITLE_BASELINE, shown, anchor="middle", bold=True)


def horizontal_grid(canvas: Canvas, plot: Plot, ys: Sequence[float]) -> None:
    canvas.rules("".join(f"M{_n(plot.left)},{_n(y)}H{_n(plot.right)}" for y in ys), GRID_COLOUR)


def vertical_grid(canvas: Canvas, plot: Plot, xs: Sequence[float]) -> None:
    canvas.rules("".join(f"M{_n(x)},{_n(plot.top)}V{_n(plot.bottom)}" for x in xs), GRID_COLOUR)


def thinned(labels: Sequence[str], step: float) -> list[str]:
    """Every k-th label, k as small as lets them not overlap (Vega's "parity" overlap rule:
    period labels on a narrow axis show every other one, then every fourth...)."""
    widest = max((text_width(label) for label in labels), default=0.0)
    every = 1
    while every < len(labels) and widest + 2 > step * every:
        every *= 2
    return [label if i % every == 0 else "" for i, label in enumerate(labels)]


@dataclass(frozen=True)
class Entry:
    """A legend entry: a square (bars) or a dot (lines) of ``colour``, then ``label``."""

    label: str
    colour: str
    square: bool


def legend(
    canvas: Canvas, left: float, top: float, width: float, title: str, entries: list[Entry]
) -> float:
    """A bottom legend: optional bold title, then symbol + label entries wrapped into rows.
    Returns the y where the legend ends."""
    canvas.parts.append('<g class="legend">')
    y = top
    if title:
        canvas.text(left, y + FONT_SIZE, fit(title, width, bold=True), bold=True)
        y += LEGEND_ROW
    x = left
    for entry in entries:
        label = fit(entry.label, width - 16)
        size = 16 + text_width(label) + 14  # symbol and its gap, label, gap to the next
        if x > left and x + size - 14 > left + width:
            x, y = left, y + LEGEND_ROW
        centre = y + FONT_SIZE / 2 + 1
        if entry.square:
            canvas.rect(x, centre - 5, 10, 10, entry.colour)
        else:
            canvas.circle(x + 5, centre, entry.colour, 5)
        canvas.text(x + 16, centre + CENTRE_TO_BASELINE, label)
        x += size
    canvas.parts.append("</g>")
    return y + LEGEND_ROW


def no_figures(canvas: Canvas, plot: Plot) -> None:
    """Said in the plot when every figure is suppressed, so the empty chart is not read as 0."""
    centre = plot.top + plot.height / 2 + CENTRE_TO_BASELINE
    canvas.text(plot.left + plot.width / 2, centre, NO_FIGURES, anchor="middle", colour="#666")


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
    limit = BAR_LABEL_LIMIT[horizontal]
    labels = [fit(clean_text(row["label"]), limit) for row in rows]
    values = [row["value"] for row in rows]
    draw = _horizontal_bars if horizontal else _vertical_bars
    return draw(canvas, chart, width, scale, labels, values)


def _vertical_bars(
    canvas: Canvas,
    chart: Chart,
    width: int,
    scale: Linear,
    labels: list[str],
    values: list[float],
) -> float:
    # The tallest bar's value label stands above the plot: room for it under the title.
    plot = _value_axis_left(canvas, chart, width, scale, PLOT_TOP + VALUE_LABEL_ROOM)
    if not values:
        no_figures(canvas, plot)
    starts, bar = bands(len(values), plot.left, plot.width, *BAR_PADDING)
    centres = [start + bar / 2 for start in starts]
    # Each label fits its band (names are cut rather than dropped, unlike periods).
    step = plot.width / max(1, len(values))
    bottom_axis(
        canvas, plot, centres, [fit(label, step - 4) for label in labels], chart.axis_title("x")
    )
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
    labels: list[str],
    values: list[float],
) -> float:
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
    left_axis(canvas, plot, [start + bar / 2 for start in starts], labels)
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
