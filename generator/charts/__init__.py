"""Charts: Vega-Lite specs for the interactive pages (``specs``, filled from ``templates`` with
``rows`` of a frame; ``chart_block`` is their Markdown) and the static SVG of each (``svg``),
drawn in Python for print, search and pages opened without JavaScript."""
