"""The static SVGs (generator.charts.svg): valid XML, the marks the data calls for, labels in the
unit's format, suppressed figures absent, user text escaped, same bytes every time, nothing
outside referenced, and the same labels as Vega draws for the same spec."""

from __future__ import annotations

import html
import re
import statistics
import time
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from site_fixture import _specs

from generator.charts import specs as charts
from generator.charts import svg as svgdraw

NS = "{http://www.w3.org/2000/svg}"
PERIODS = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
HOSTILE = "<script>alert(1)</script> & \"quoted\" 'single' ]]> \x07bell"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def marks(root: ET.Element, tag: str) -> list[ET.Element]:
    """Direct children only: legend symbols sit in their own group."""
    return [child for child in root if child.tag == f"{NS}{tag}"]


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text")]


def bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in marks(root, "rect") if r.get("width") != "100%"]  # not the background


def trend(values: list[float | None], *, target: float | None = None, **kwargs: object) -> dict:
    frame = pd.DataFrame(
        {
            "period": PERIODS * 2,
            "value": values,
            "team": ["North"] * 4 + ["South"] * 4,
        }
    )
    options = {"title": "Completion", "value_title": "Completion rate", "series": "team"}
    return charts.trend_chart(frame, target=target, **(options | kwargs))  # type: ignore[arg-type]


# --- each shape -----------------------------------------------------------------------------


def test_trend_draws_a_line_and_points_per_series_a_legend_and_the_target() -> None:
    spec = trend([0.61, 0.66, 0.7, 0.74, 0.52, 0.5, None, 0.58], target=0.75)
    root = parse(svgdraw.svg(spec))
    points = marks(root, "circle")
    assert len(points) == 7  # 8 rows, one suppressed
    # North is one line; South breaks at its gap: a line of two points and a lone point.
    lines = marks(root, "polyline")
    assert [len(line.get("points", "").split()) for line in lines] == [4, 2]
    assert [line.get("stroke") for line in lines] == ["#4c78a8", "#f58518"]
    assert {p.get("fill") for p in points} == {"#4c78a8", "#f58518"}
    legend = root.find(f"{NS}g[@class='legend']")
    assert legend is not None
    assert [t.text for t in legend.iter(f"{NS}text")] == ["Series", "North", "South"]
    (rule,) = marks(root, "line")
    assert rule.get("stroke") == "#c0392b" and rule.get("stroke-dasharray") == "6 4"
    assert {"0%", "10%", "40%", "80%"} <= set(texts(root))
    assert "Completion rate" in texts(root) and "Completion" in texts(root)


def test_the_target_rule_sits_at_the_target_on_the_value_axis() -> None:
    root = parse(svgdraw.svg(trend([0.2, 0.4, 0.5, 0.6] * 2, target=0.75)))
    (rule,) = marks(root, "line")
    label_y = {t.text: float(t.get("y", "0")) for t in root.iter(f"{NS}text")}
    # Labels sit CENTRE_TO_BASELINE below their tick; 75% is halfway between 70% and 80%.
    middle = (label_y["70%"] + label_y["80%"]) / 2 - svgdraw.CENTRE_TO_BASELINE
    assert float(rule.get("y1", "0")) == pytest.approx(middle, abs=0.2)


def test_a_single_series_trend_without_target_has_no_legend_or_rule() -> None:
    frame = pd.DataFrame({"period": PERIODS, "value": [120, 80, 95, 1500]})
    spec = charts.trend_chart(frame, title="Enrolments", value_title="Learners", unit="count")
    root = parse(svgdraw.svg(spec))
    assert len(marks(root, "circle")) == 4 and len(marks(root, "polyline")) == 1
    assert not marks(root, "line") and root.find(f"{NS}g[@class='legend']") is None
    assert {"0", "200", "1,000", "1,600"} <= set(texts(root))


def test_funnel_is_horizontal_bars_with_formatted_value_labels() -> None:
    frame = pd.DataFrame(
        {"stage": ["Enrolled", "Started", "Completed"], "count": [12000, 9000, None]}
    )
    spec = charts.funnel_chart(frame, title="Funnel")
    root = parse(svgdraw.svg(spec))
    drawn = bars(root)
    assert len(drawn) == 2  # the suppressed stage has no bar
    widths = [float(r.get("width", "0")) for r in drawn]
    assert widths[0] > widths[1] > 0 and len({r.get("height") for r in drawn}) == 1
    assert {"12,000", "9,000"} <= set(texts(root))  # tooltip format ",d"
    assert "Completed" not in texts(root)  # Vega drops a row without a value, so do we
    height = float(root.get("height", "0"))
    assert height > spec["height"] and height < spec["height"] + 100


def test_distribution_is_vertical_bars_in_bin_order() -> None:
    frame = pd.DataFrame(
        {"bin_start": [0, 20, 40, 60], "bin_end": [20, 40, 60, 80], "count": [6, 40, None, 88]}
    )
    root = parse(svgdraw.svg(charts.distribution_chart(frame, title="Scores")))
    drawn = bars(root)
    assert len(drawn) == 3
    xs = [float(r.get("x", "0")) for r in drawn]
    heights = [float(r.get("height", "0")) for r in drawn]
    assert xs == sorted(xs) and heights[2] > heights[1] > heights[0]
    labels = texts(root)
    assert (labels.count("6"), labels.count("40"), labels.count("88")) == (
        1,
        2,
        1,
    )  # 40: a tick too
    assert {"0–20", "20–40", "60–80"} <= set(texts(root)) and "40–60" not in texts(root)


def test_dropoff_labels_rates_with_the_tooltip_format() -> None:
    frame = pd.DataFrame(
        {"module": ["Intro", "Case", "Quiz"], "order": [1, 2, 3], "share_lost": [0.0025, 0.12, 0.2]}
    )
    root = parse(svgdraw.svg(charts.dropoff_chart(frame, title="Drop-off")))
    assert len(bars(root)) == 3
    assert {"0.3%", "12.0%", "20.0%"} <= set(texts(root))  # ".1%" at the bars
    assert {"0%", "5%", "10%", "20%"} <= set(texts(root))  # ".2~%" on the axis


def test_budget_is_grouped_bars_in_budget_colours_with_a_legend() -> None:
    frame = pd.DataFrame(
        {
            "period": PERIODS,
            "budget": [50000, 50000, 60000, 60000],
            "spend": [42000, 51000, 58500, None],
        }
    )
    spec = charts.budget_chart(frame, title="Budget and spend", currency="EUR")
    root = parse(svgdraw.svg(spec))
    fills = [r.get("fill") for r in bars(root)]
    assert fills.count(charts.BUDGET_COLOURS["Budget"]) == 4
    assert fills.count(charts.BUDGET_COLOURS["Spend"]) == 3  # Q4's spend is suppressed
    legend = root.find(f"{NS}g[@class='legend']")
    assert legend is not None and [t.text for t in legend.iter(f"{NS}text")] == ["Budget", "Spend"]
    assert {"0", "20,000", "60,000", "Amount (EUR)"} <= set(texts(root))
    # Side by side: a period's spend bar starts where its budget bar ends.
    budget, spend = bars(root)[:2]
    right = float(budget.get("x", "0")) + float(budget.get("width", "0"))
    assert float(spend.get("x", "0")) == pytest.approx(right, abs=0.2)


def test_comparison_cuts_long_names_and_keeps_value_labels_inside_the_chart() -> None:
    frame = pd.DataFrame(
        {"developer": ["A very long developer name " * 4, "Short"], "value": [2000.0, 999.5]}
    )
    spec = charts.comparison_chart(frame, title="Cost", value_title="Cost", currency="EUR")
    root = parse(svgdraw.svg(spec))
    long_label = next(t for t in texts(root) if t.startswith("A very long"))
    assert long_label.endswith("…") and svgdraw.text_width(long_label) <= 220
    assert {"2,000", "1,000"} <= set(texts(root))  # ",.0f", half rounded up as d3 does
    label = next(
        t for t in root.iter(f"{NS}text") if t.text == "2,000" and not t.get("text-anchor")
    )
    right_edge = float(label.get("x", "0")) + svgdraw.text_width("2,000")
    assert right_edge <= charts.SVG_WIDTH


def test_a_chart_with_every_figure_suppressed_says_so_instead_of_showing_zeros() -> None:
    empty_trend = parse(svgdraw.svg(trend([None] * 8)))
    assert not marks(empty_trend, "circle") and not marks(empty_trend, "polyline")
    funnel = charts.funnel_chart(pd.DataFrame({"stage": ["Enrolled"], "count": [None]}), title="F")
    bins = pd.DataFrame({"bin_start": [0, 50], "bin_end": [50, 100], "count": [None, None]})
    scores = charts.distribution_chart(bins, title="Scores")
    budget = pd.DataFrame({"period": PERIODS[:1], "budget": [None], "spend": [None]})
    money = charts.budget_chart(budget, title="Budget", currency="EUR")
    for root in (empty_trend, *(parse(svgdraw.svg(s)) for s in (funnel, scores, money))):
        assert not bars(root)
        labels = texts(root)
        assert svgdraw.NO_FIGURES in labels
        assert "0" not in labels and "1" not in labels and "0%" not in labels  # no value axis


@pytest.mark.parametrize("name", sorted(_specs()))
def test_suppressed_figures_appear_nowhere(name: str) -> None:
    _title, spec = _specs()[name]
    text = svgdraw.svg(spec)
    for word in ("None", "null", "nan", "NaN", "undefined"):
        assert word not in text, word


def test_a_missing_name_is_blank_never_none() -> None:
    spec = trend([0.5] * 8)
    for row in spec["data"]["values"][4:]:
        row["series"] = None  # a learner without a department, say
    comparison = charts.comparison_chart(
        pd.DataFrame({"developer": [None, "b"], "value": [1.0, 2.0]}),
        title="t",
        value_title="v",
        currency="EUR",
    )
    for drawn in (svgdraw.svg(spec), svgdraw.svg(comparison)):
        assert "None" not in drawn and "nan" not in drawn
        parse(drawn)


# --- text, safety, determinism --------------------------------------------------------------


def test_hostile_text_is_escaped_everywhere() -> None:
    spec = trend(
        [0.5] * 8,
        target=0.6,
        title=HOSTILE,
        value_title=HOSTILE,
        series_title=HOSTILE,
    )
    spec["data"]["values"][0]["series"] = HOSTILE  # as a department name might be
    text = svgdraw.svg(spec)
    assert "<script" not in text and "\x07" not in text
    root = parse(text)  # well-formed although the text holds <, &, quotes and ]]>
    clean = HOSTILE.replace("\x07", "")
    title = root.find(f"{NS}title")
    assert title is not None and title.text == clean
    assert clean in texts(root)
    bars_spec = charts.comparison_chart(
        pd.DataFrame({"developer": [HOSTILE], "value": [1.0]}),
        title="t",
        value_title="v",
        currency="EUR",
    )
    assert "<script" not in svgdraw.svg(bars_spec)
    parse(svgdraw.svg(bars_spec))


def test_a_long_title_is_cut_but_kept_whole_in_the_accessible_title() -> None:
    long_title = "Completion rate by department and quarter " * 4
    root = parse(svgdraw.svg(trend([0.5] * 8, title=long_title)))
    shown = texts(root)[0]
    assert shown.endswith("…") and svgdraw.text_width(shown, 15 * 1.1) <= charts.SVG_WIDTH - 10
    title = root.find(f"{NS}title")
    assert title is not None and title.text == " ".join(long_title.split())


@pytest.mark.parametrize("name", sorted(_specs()))
def test_svgs_are_static_self_contained_and_sized(name: str) -> None:
    _title, spec = _specs()[name]
    text = svgdraw.svg(spec)
    for forbidden in ("<script", "href", "url(", "@import", "<image", "<foreignObject", "<style"):
        assert forbidden not in text, forbidden
    assert set(re.findall(r"https?://[^\"'\s)]+", text)) == {"http://www.w3.org/2000/svg"}
    root = parse(text)
    assert root.get("width") == str(charts.SVG_WIDTH)
    assert root.find(f"{NS}title") is not None
    background = root.find(f"{NS}rect")
    assert background is not None and background.get("fill") == "white"
    assert text.endswith("</svg>\n")


def test_same_spec_same_bytes() -> None:
    first = {name: svgdraw.svg(spec) for name, (_t, spec) in _specs().items()}
    charts._trend_template.cache_clear()
    charts._bar_template.cache_clear()
    charts._budget_template.cache_clear()
    assert {name: svgdraw.svg(spec) for name, (_t, spec) in _specs().items()} == first


@pytest.mark.parametrize("name", sorted(_specs()))
def test_the_labels_are_those_vega_draws(name: str) -> None:
    """Ticks (nice domain, 1/2/5 step, format), value labels, titles and legend entries, read
    from vl-convert's rendering of the same spec: the two renderings say the same things."""
    import vl_convert

    _title, spec = _specs()[name]
    vega_svg = vl_convert.vegalite_to_svg(
        {**spec, "width": charts.SVG_WIDTH}, vl_version=charts.vega_lite_version()
    )
    vega = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", vega_svg)]
    assert sorted(texts(parse(svgdraw.svg(spec)))) == sorted(vega)


# --- numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d3_format", "value", "expected"),
    [
        (".1%", 0.1234, "12.3%"),
        (".0%", 0.755, "76%"),
        (".2~%", 0.0025, "0.25%"),
        (".2~%", 0.1, "10%"),
        (".2~%", 0.005, "0.5%"),
        (",d", 1234567, "1,234,567"),
        (",d", 2.5, "3"),  # JavaScript rounds half up; Python's format would give "2"
        (",.0f", 1234.5, "1,235"),
        (",.0f", -1234.5, "\u22121,235"),  # d3's minus sign
        (".1f", 0.25, "0.3"),
        (".1f", -0.01, "0.0"),  # no "−0.0"
    ],
)
def test_number_formats_match_d3(d3_format: str, value: float, expected: str) -> None:
    assert svgdraw.number_formatter(d3_format)(value) == expected


def test_unknown_number_formats_are_refused() -> None:
    with pytest.raises(ValueError, match="unsupported number format"):
        svgdraw.number_formatter("$.2s")


@pytest.mark.parametrize(
    ("values", "count", "high", "ticks"),
    [
        ([0.757], 7, 0.8, [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]),
        ([0.069565], 6, 0.07, [0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07]),
        ([652], 6, 700, [0, 100, 200, 300, 400, 500, 600, 700]),
        ([241], 6, 260, [0, 50, 100, 150, 200, 250]),  # nice to 20s, ticks at 50s
        ([112000], 7, 120000, [0, 20000, 40000, 60000, 80000, 100000, 120000]),
        ([], 6, 1.0, []),  # nothing to show: no ticks (and a note, see above)
    ],
)
def test_scales_are_zero_based_nice_with_round_ticks(
    values: list[float], count: int, high: float, ticks: list[float]
) -> None:
    scale = svgdraw.Linear.over(values, count)
    assert scale.low == 0 and scale.high == high
    assert list(scale.ticks) == ticks  # exactly: 0.3, not 0.30000000000000004


def test_text_fit_cuts_with_an_ellipsis() -> None:
    assert svgdraw.fit("Short", 100) == "Short"
    cut = svgdraw.fit("Personal protective equipment and you", 120)
    assert cut.startswith("Personal") and cut.endswith("…") and svgdraw.text_width(cut) <= 120


# --- speed ----------------------------------------------------------------------------------


def test_drawing_takes_well_under_a_few_milliseconds() -> None:
    """The point of this module (README "Scale and rebuilds"): ~0.4 ms a chart on a quiet
    machine; the bound is loose because the test machine is shared."""
    specs = [spec for _t, spec in _specs().values()] * 10
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        for spec in specs:
            svgdraw.svg(spec)
        runs.append((time.perf_counter() - start) / len(specs))
    assert statistics.median(runs) < 0.005, runs
