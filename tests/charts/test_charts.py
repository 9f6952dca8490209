"""Chart specs checked as data (``to_dict()`` output), the static SVG, and the chart block."""

from __future__ import annotations

import html as htmllib
import json
import re
import time
from typing import Any

import markdown
import pandas as pd
import pytest

from generator.charts import specs as charts

PERIODS = ["2025-Q3", "2025-Q1", "2025-Q2"]  # deliberately unsorted


def trend(**kwargs: object) -> dict:
    frame = pd.DataFrame(
        {
            "period": PERIODS * 2,
            "value": [0.7, 0.5, float("nan"), 0.4, 0.6, 0.65],
            "course": ["B"] * 3 + ["A"] * 3,
        }
    )
    options = {"title": "Completion", "value_title": "Completion rate", "series": "course"}
    return charts.trend_chart(frame, **(options | kwargs))  # type: ignore[arg-type]


def layer_marks(spec: dict) -> list[str]:
    return [layer["mark"]["type"] for layer in spec["layer"]]


def test_trend_is_a_line_per_series_with_sorted_rows_and_a_target_rule() -> None:
    spec = trend(target=0.75)
    assert layer_marks(spec) == ["line", "rule"]
    line = spec["layer"][0]
    assert line["mark"] == {"type": "line", "point": True}
    assert line["encoding"]["x"] == {
        "field": "period",
        "type": "ordinal",
        "sort": None,
        "title": None,
        # Level labels, thinned ("parity") where they would overlap: see test_layout.py.
        "axis": {"labelAngle": 0, "labelOverlap": "parity", "labelSeparation": 6},
    }
    assert line["encoding"]["y"]["axis"]["format"] == ".2~%"
    assert line["encoding"]["color"]["field"] == "series"
    # A long legend wraps into columns under the chart instead of widening it.
    legend = line["encoding"]["color"]["legend"]
    assert legend["orient"] == "bottom" and "width" in legend["columns"]["expr"]
    assert spec["data"]["values"] == [
        {"period": "2025-Q1", "series": "A", "value": 0.6},
        {"period": "2025-Q2", "series": "A", "value": 0.65},
        {"period": "2025-Q3", "series": "A", "value": 0.4},
        {"period": "2025-Q1", "series": "B", "value": 0.5},
        {"period": "2025-Q2", "series": "B", "value": None},  # suppressed: not drawn
        {"period": "2025-Q3", "series": "B", "value": 0.7},
    ]
    assert spec["layer"][1]["data"] == {"values": [{"target": 0.75}]}
    assert spec["params"][0]["name"] == "series_pick"
    assert spec["width"] == "container" and spec["title"] == "Completion"
    tooltip_titles = [t["title"] for t in line["encoding"]["tooltip"]]
    assert tooltip_titles == ["Series", "Period", "Completion rate"]


def test_single_series_trend_without_target_is_a_plain_line() -> None:
    frame = pd.DataFrame({"period": PERIODS, "value": [3, 1, 2]})
    spec = charts.trend_chart(frame, title="Enrolments", value_title="Enrolments", unit="count")
    assert spec["mark"]["type"] == "line" and "color" not in spec["encoding"]
    assert [r["period"] for r in spec["data"]["values"]] == sorted(PERIODS)
    assert spec["params"] == [{"name": "container_width", "value": charts.SVG_WIDTH}]  # no pick


def test_specs_are_deterministic_and_free_of_generated_names() -> None:
    first = charts.spec_json(trend(target=0.8))
    charts._trend_template.cache_clear()  # a fresh Altair build gives the same bytes
    second = charts.spec_json(trend(target=0.8))
    assert first == second
    for pattern in (r"param_\d", r"view_\d", r"data-[0-9a-f]{8}", r"@@"):
        assert not re.search(pattern, first), pattern
    assert '"datasets"' not in first


def test_a_filled_template_does_not_leak_into_the_next_chart() -> None:
    one = trend(title="One")
    two = trend(title="Two")
    one["encoding"]["x"]["title"] = "changed"
    one["data"]["values"].clear()
    assert two["encoding"]["x"]["title"] is None
    three = trend(title="Three")
    assert three["encoding"]["x"]["title"] is None and len(three["data"]["values"]) == 6


def test_columns_as_lists_draw_the_same_chart_as_a_frame() -> None:
    columns = {
        "period": PERIODS * 2,
        "value": [0.7, 0.5, None, 0.4, 0.6, 0.65],
        "course": ["B"] * 3 + ["A"] * 3,
    }
    options = {"title": "Completion", "value_title": "Completion rate", "series": "course"}
    assert charts.trend_chart(columns, **options) == trend()  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lacks column"):
        charts.funnel_chart({"stage": ["Enrolled"]}, title="Funnel")


def test_a_template_placeholder_without_a_value_is_an_error() -> None:
    template = {"title": charts._slot("title"), "mark": charts._slot("mark")}
    with pytest.raises(KeyError, match="@@mark@@"):
        charts._fill(template, {charts._slot("title"): "T"})
    filled = charts._fill(template, {charts._slot("title"): "It's <b>", charts._slot("mark"): 1.5})
    assert filled == {"title": "It's <b>", "mark": 1.5}


def test_funnel_keeps_stage_order_and_adds_share_of_first_stage() -> None:
    frame = pd.DataFrame({"stage": ["Enrolled", "Started", "Completed"], "count": [200, 150, 90]})
    spec = charts.funnel_chart(frame, title="Funnel")
    assert layer_marks(spec) == ["bar", "text"]
    assert spec["data"]["values"] == [
        {"label": "Enrolled", "value": 200, "share": 1},
        {"label": "Started", "value": 150, "share": 0.75},
        {"label": "Completed", "value": 90, "share": 0.45},
    ]
    bars = spec["layer"][0]["encoding"]
    assert bars["y"]["field"] == "label" and bars["y"]["sort"] is None
    assert bars["x"]["field"] == "value"
    assert spec["height"] == 3 * charts.BAR_STEP


def test_distribution_orders_bins_by_start_and_labels_them() -> None:
    frame = pd.DataFrame({"bin_start": [60, 0, 30], "bin_end": [120, 30, 60], "count": [5, 9, 7]})
    spec = charts.distribution_chart(frame, title="Minutes", bin_title="Minutes")
    assert [r["label"] for r in spec["data"]["values"]] == ["0–30", "30–60", "60–120"]
    assert spec["layer"][0]["encoding"]["x"]["title"] == "Minutes"


def test_dropoff_is_in_module_order_as_rates() -> None:
    frame = pd.DataFrame(
        {"module": ["Quiz", "Intro", "Case"], "order": [3, 1, 2], "share_lost": [0.1, 0.02, 0.3]}
    )
    spec = charts.dropoff_chart(frame, title="Drop-off")
    assert [r["label"] for r in spec["data"]["values"]] == ["Intro", "Case", "Quiz"]
    assert spec["layer"][0]["encoding"]["y"]["axis"]["format"] == ".2~%"


def test_budget_is_grouped_bars_in_a_currency() -> None:
    frame = pd.DataFrame(
        {"period": ["2025-Q2", "2025-Q1"], "budget": [100.0, 80.0], "spend": [90.0, None]}
    )
    spec = charts.budget_chart(frame, title="Budget", currency="EUR")
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["xOffset"]["field"] == "measure"
    assert spec["encoding"]["y"]["title"] == "Amount (EUR)"
    assert spec["data"]["values"][:2] == [
        {"period": "2025-Q1", "measure": "Budget", "amount": 80, "spend_share": None},
        {"period": "2025-Q1", "measure": "Spend", "amount": None, "spend_share": None},
    ]
    assert spec["data"]["values"][3]["spend_share"] == 0.9


def test_comparison_sorts_by_value_then_name_with_missing_last() -> None:
    frame = pd.DataFrame({"developer": ["b", "a", "c", "d"], "value": [10.0, 10.0, None, 30.5]})
    spec = charts.comparison_chart(
        frame, title="Cost", value_title="Cost per completion", currency="GBP"
    )
    assert [r["label"] for r in spec["data"]["values"]] == ["d", "a", "b", "c"]
    assert spec["layer"][0]["encoding"]["x"]["title"] == "Cost per completion (GBP)"


def test_mistakes_name_the_fix() -> None:
    with pytest.raises(ValueError, match="currency code"):
        charts.comparison_chart(
            pd.DataFrame({"developer": [], "value": []}), title="x", value_title="y"
        )
    with pytest.raises(
        ValueError, match="known units: count, decimal, minutes, money, rate, score"
    ):
        charts.unit_of("percent")
    with pytest.raises(ValueError, match=r"lacks column.*value; it has: period"):
        charts.trend_chart(pd.DataFrame({"period": []}), title="t", value_title="v")


def test_template_reuse_is_much_faster_than_building_through_altair() -> None:
    trend()  # warm the template
    start = time.perf_counter()
    for _ in range(50):
        trend()
    reused = (time.perf_counter() - start) / 50
    start = time.perf_counter()
    for _ in range(5):
        charts._trend_template.cache_clear()
        trend()
    fresh = (time.perf_counter() - start) / 5
    assert reused < fresh / 2, (reused, fresh)


def test_templates_say_what_they_draw_for_the_static_svg() -> None:
    """generator.charts.svg reads the shape from usermeta (tests/charts/test_svgdraw.py draws them)."""
    assert trend(target=0.7)["usermeta"] == {
        "kind": "trend",
        "format": ".2~%",
        "series": True,
        "target": 0.7,
    }
    assert "target" not in trend()["usermeta"]
    frame = pd.DataFrame({"developer": ["a"], "value": [1.0]})
    spec = charts.comparison_chart(frame, title="t", value_title="v", unit="score")
    assert spec["usermeta"] == {
        "kind": "bar",
        "format": ",.0f",
        "label_format": ".1f",
        "horizontal": True,
    }
    budget = pd.DataFrame({"period": ["2025-Q1"], "budget": [1.0], "spend": [1.0]})
    meta = charts.budget_chart(budget, title="b", currency="EUR")["usermeta"]
    assert meta == {"kind": "budget", "format": ",.0f"}


NASTY = "A <script>alert(1)</script> | *b* _c_ {{ x }} [d](e) & </figure> `f`"


def test_chart_block_escapes_user_text_and_renders_as_figure() -> None:
    spec = trend(title=NASTY)
    block = charts.chart_block("c-101.scores", spec, "charts/c-101.scores.svg", NASTY)
    assert "<script>alert" not in block and "</figure> `f`" not in block
    assert (
        block.splitlines()[0]
        == '<figure class="ta-chart" data-spec-id="c-101.scores" markdown="1">'
    )
    html = markdown.markdown(block, extensions=["md_in_html", "attr_list", "tables"])
    assert "<script>alert" not in html and "<em>" not in html and "<a " not in html
    image = re.search(r'<img alt="([^"]*)" src="charts/c-101.scores.svg" />', html)
    assert image, html
    assert image.group(1) == (
        "A &lt;script&gt;alert(1)&lt;/script&gt; &#124; *b* _c_ {{ x }} [d](e) &amp; "
        "&lt;/figure&gt; `f`"
    )
    payload = re.search(r'<div class="ta-chart-view" data-spec="([^"]*)"></div>', html)
    assert payload and json.loads(htmllib.unescape(payload.group(1))) == spec
    assert "'" not in block.splitlines()[1].split("data-spec='")[1].removesuffix("'></div>")


def test_chart_block_markdown_shows_the_image_in_a_diff() -> None:
    block = charts.chart_block("x", trend(), "../charts/x y.svg", "Completion")
    assert "\n\n![Completion](../charts/x%20y.svg)\n\n" in block


@pytest.mark.parametrize(
    ("spec_id", "path"),
    [
        ("bad id", "a.svg"),
        ("../x", "a.svg"),
        ("ok", "/abs.svg"),
        ("ok", "https://x/a.svg"),
        ("ok", "a.png"),
    ],
)
def test_chart_block_refuses_unsafe_ids_and_paths(spec_id: str, path: str) -> None:
    with pytest.raises(ValueError):
        charts.chart_block(spec_id, {}, path, "t")


def every_template_shape() -> list[dict[str, Any]]:
    """Every template a build can ask for: each kind in each unit, with and without series
    and target."""
    shapes = []
    for name in charts.UNITS:
        unit = charts.unit_of(name, "EUR")
        shapes += [
            charts._trend_template(unit, series, target)
            for series in (False, True)
            for target in (False, True)
        ]
        shapes += [
            charts._bar_template(kind, unit, horizontal)
            for kind in ("funnel", "distribution", "dropoff", "comparison")
            for horizontal in (False, True)
        ]
        shapes.append(charts._budget_template(unit))
    return shapes


def test_every_template_shape_is_valid_vega_lite() -> None:
    from altair.vegalite.v6.schema.core import TopLevelSpec

    shapes = every_template_shape()
    assert len(shapes) == len(charts.UNITS) * 13
    for spec in shapes:
        TopLevelSpec.validate(spec)  # raises on the first schema error
    broken = {**shapes[0], "mark": {"type": "no-such-mark"}}
    with pytest.raises(Exception, match="no-such-mark"):
        TopLevelSpec.validate(broken)
