"""Static SVGs of the charts, drawn in pure Python: the image beside each interactive chart,
shown in pull-request diffs of the generated Markdown and in print.

It draws only the three shapes :mod:`generator.charts.specs` builds (a trend line, a bar chart, a
budget chart), reading the shape from the spec's ``usermeta`` (written by the templates), the
titles from its encodings and the rows from ``data.values``. It copies Vega's look (its
default colours, 12 px labels, a 15 px bold title, nice round ticks) so the static chart reads
like the interactive one. Drawn here rather than by a headless Vega (vl-convert) because a site
has thousands of charts (README, "Scale and rebuilds"; benchmarks/svgs.py compares the two).

Text is never measured: its width is estimated from typical glyph widths (``text_width``), and
long labels are cut with "…" as Vega's ``labelLimit`` does. A suppressed figure (``None``) is
not drawn: a line breaks at it, its bar is absent, and it appears nowhere in the SVG.
Same spec, same bytes: coordinates are rounded to 0.1 px and nothing depends on time or order
of a dict other than the spec's own.

The modules, each importing only those above it:

- :mod:`~generator.charts.svg.style`: colours, type sizes and spacing;
- :mod:`~generator.charts.svg.text`: text widths, cutting labels, number formats;
- :mod:`~generator.charts.svg.scales`: the linear scale with nice ticks, and bands;
- :mod:`~generator.charts.svg.canvas`: the plot area and the SVG elements;
- :mod:`~generator.charts.svg.axes`: axes, grid lines and legends;
- :mod:`~generator.charts.svg.shapes`: reading a spec, and :func:`svg` drawing each shape.

Callers import the names from here.
"""

from __future__ import annotations

from generator.charts.svg.axes import (
    BOTTOM_LABEL_BASELINE,
    BOTTOM_TITLE_BASELINE,
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
from generator.charts.svg.shapes import Chart, svg
from generator.charts.svg.style import (
    AXIS_COLOUR,
    AXIS_TITLE_GAP,
    BAR_LABEL_LIMIT,
    BAR_PADDING,
    BAR_TICK_COUNT,
    FONT_SIZE,
    GRID_COLOUR,
    LEGEND_GAP,
    LEGEND_ROW,
    NO_FIGURES,
    PAD,
    PALETTE,
    PLOT_TOP,
    POINT_RADIUS,
    TARGET_COLOUR,
    TICK,
    TITLE_SIZE,
    VALUE_LABEL_ROOM,
)
from generator.charts.svg.text import BOLD_WIDER, clean_text, fit, number_formatter, text_width

__all__ = [
    "AXIS_COLOUR",
    "AXIS_TITLE_GAP",
    "BAR_LABEL_LIMIT",
    "BAR_PADDING",
    "BAR_TICK_COUNT",
    "BOLD_WIDER",
    "BOTTOM_LABEL_BASELINE",
    "BOTTOM_TITLE_BASELINE",
    "CENTRE_TO_BASELINE",
    "FONT_SIZE",
    "GRID_COLOUR",
    "LEGEND_GAP",
    "LEGEND_ROW",
    "NO_FIGURES",
    "PAD",
    "PALETTE",
    "PLOT_TOP",
    "POINT_RADIUS",
    "TARGET_COLOUR",
    "TICK",
    "TITLE_SIZE",
    "VALUE_LABEL_ROOM",
    "Canvas",
    "Chart",
    "Entry",
    "Linear",
    "Plot",
    "bands",
    "below_plot",
    "bottom_axis",
    "clean_text",
    "fit",
    "horizontal_grid",
    "left_axis",
    "left_margin",
    "left_title",
    "legend",
    "no_figures",
    "number_formatter",
    "svg",
    "text_width",
    "thinned",
    "vertical_grid",
]
