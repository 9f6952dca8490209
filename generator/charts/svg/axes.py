"""Around the plot: axes with ticks, labels and titles, grid lines, legends, and the
notice shown when every figure is suppressed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from generator.charts.svg.canvas import Canvas, Plot, _n
from generator.charts.svg.style import (
    AXIS_COLOUR,
    AXIS_TITLE_GAP,
    FONT_SIZE,
    GRID_COLOUR,
    LABEL_SEPARATION,
    LEGEND_ROW,
    NO_FIGURES,
    PAD,
    TICK,
)
from generator.charts.svg.text import fit, room_for

# A 12 px label centred on y has its baseline this far below y.
CENTRE_TO_BASELINE = 4
# Below the plot: tick, 2 px, then a label whose baseline is ~10 px below its top.
BOTTOM_LABEL_BASELINE = TICK + 2 + 10
BOTTOM_TITLE_BASELINE = BOTTOM_LABEL_BASELINE + AXIS_TITLE_GAP + FONT_SIZE + 3


def left_margin(labels: Sequence[str], title: str) -> float:
    """From the chart's edge to the plot: axis title, widest label (in the widest common
    font, so that it neither leaves the chart nor runs into the title), gap and tick."""
    widest = max((room_for(label) for label in labels), default=0.0)
    title_room = FONT_SIZE + AXIS_TITLE_GAP if title else 0
    return PAD + title_room + widest + 2 + TICK


def below_plot(has_title: bool) -> float:
    """Height of a bottom axis: ticks, labels and, if any, the axis title."""
    return (BOTTOM_TITLE_BASELINE if has_title else BOTTOM_LABEL_BASELINE) + 4


def left_axis(
    canvas: Canvas,
    plot: Plot,
    ys: Sequence[float],
    labels: Sequence[str],
    whole: Sequence[str] = (),
) -> None:
    """The axis line, a tick and a label at each of ``ys``; ``whole``, the uncut names of
    labels cut with "…", each kept in the label's ``<title>``."""
    ticks = "".join(f"M{_n(plot.left - TICK)},{_n(y)}h{TICK}" for y in ys)
    canvas.rules(f"M{_n(plot.left)},{_n(plot.top)}V{_n(plot.bottom)}{ticks}", AXIS_COLOUR)
    for y, label, full in zip(ys, labels, whole or labels, strict=True):
        canvas.text(plot.left - TICK - 2, y + CENTRE_TO_BASELINE, label, anchor="end", full=full)


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
    canvas: Canvas,
    plot: Plot,
    xs: Sequence[float],
    labels: Sequence[str],
    title: str,
    whole: Sequence[str] = (),
) -> None:
    """The axis line, a tick and a label (if not "") at each of ``xs``, the axis title;
    ``whole`` as for :func:`left_axis`."""
    ticks = "".join(f"M{_n(x)},{_n(plot.bottom)}v{TICK}" for x in xs)
    canvas.rules(f"M{_n(plot.left)},{_n(plot.bottom)}H{_n(plot.right)}{ticks}", AXIS_COLOUR)
    canvas.parts.append('<g class="x-labels">')  # found by tests/site/test_layout.py
    for x, label, full in zip(xs, labels, whole or labels, strict=True):
        if label:
            y = plot.bottom + BOTTOM_LABEL_BASELINE
            canvas.text(x, y, label, anchor="middle", full=full)
    canvas.parts.append("</g>")
    if title:
        centre = plot.left + plot.width / 2
        shown = fit(title, plot.width, bold=True)
        canvas.text(centre, plot.bottom + BOTTOM_TITLE_BASELINE, shown, anchor="middle", bold=True)


def horizontal_grid(canvas: Canvas, plot: Plot, ys: Sequence[float]) -> None:
    canvas.rules("".join(f"M{_n(plot.left)},{_n(y)}H{_n(plot.right)}" for y in ys), GRID_COLOUR)


def vertical_grid(canvas: Canvas, plot: Plot, xs: Sequence[float]) -> None:
    canvas.rules("".join(f"M{_n(x)},{_n(plot.top)}V{_n(plot.bottom)}" for x in xs), GRID_COLOUR)


def thinned(labels: Sequence[str], step: float) -> list[str]:
    """Every k-th label, k as small as lets them not overlap in any common font, with
    LABEL_SEPARATION px between them (Vega's "parity" overlap rule, as the templates set it:
    period labels on a narrow axis show every other one, then every fourth...)."""
    widest = max((room_for(label) for label in labels), default=0.0)
    every = 1
    while every < len(labels) and widest + LABEL_SEPARATION > step * every:
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
        size = 16 + room_for(label) + 14  # symbol and its gap, label, gap to the next
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
