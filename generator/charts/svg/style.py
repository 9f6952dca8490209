"""The look of the static charts: Vega's default colours, type sizes and spacing, so the
SVG reads like the interactive chart beside it."""

from __future__ import annotations

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

FONT_SIZE = 12  # labels, axis and legend titles, value labels (templates.CONFIG)
TITLE_SIZE = 15
PAD = 5  # around the whole chart
TICK = 5  # tick length; labels sit 2 px beyond the tick
PLOT_TOP = 38  # the title and its 12 px offset above the plot
VALUE_LABEL_ROOM = 9  # more for a label above a bar than for the top tick label
AXIS_TITLE_GAP = 4
LABEL_SEPARATION = 6  # px at least between two category labels (templates.LABEL_SEPARATION)
LEGEND_GAP = 14  # between the x axis and a legend below it
LEGEND_ROW = 18
BAR_PADDING = (0.1, 0.05)  # Vega-Lite's inner and outer band padding of bar charts
BAR_TICK_COUNT = 6  # templates._bar_template sets tickCount 6 on the value axis
BAR_LABEL_LIMIT = {True: 220, False: 120}  # label axis labelLimit: horizontal / vertical;
# a vertical bar's label is also cut to its band (templates._bar_template)
POINT_RADIUS = 3  # Vega's default point size (30 px²)
NO_FIGURES = "No figures to show: all suppressed or missing"
