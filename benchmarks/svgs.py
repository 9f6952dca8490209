"""Static chart SVGs: milliseconds per chart, generator.charts.svg against vl-convert, on the charts
of a real report (by default the repository's demo project).

    .venv/bin/python benchmarks/svgs.py                 # the demo report (~1 min)
    .venv/bin/python benchmarks/svgs.py --project DIR --runs 7 --vl-runs 3

Both draw every chart of the report once per run, in this process, after one warm-up chart
each (vl-convert's first call starts its JavaScript engine); each chart is timed on its own,
and the figures are the median and the range of the per-run means, per chart kind and
overall. The machine is shared, so the range matters as much as the median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import REPO, table

from generator.charts import specs as charts
from generator.charts import svg as svgdraw
from generator.pages import render_pages
from generator.report import build_report

Spec = charts.Spec


def vl_convert_svg(spec: Spec) -> str:
    """The chart as vl-convert draws it (what the build used before generator.charts.svg)."""
    import vl_convert

    fixed = {**spec, "width": charts.SVG_WIDTH, "config": {**spec["config"], "background": "white"}}
    text: str = vl_convert.vegalite_to_svg(
        fixed, vl_version=charts.vega_lite_version(), allowed_base_urls=[]
    )
    return text


def ms_per_chart(
    draw: Callable[[Spec], str], specs: list[Spec], runs: int
) -> dict[str, list[float]]:
    """{chart kind or "all": the mean milliseconds per chart of each run}."""
    draw(specs[0])  # warm-up
    means: dict[str, list[float]] = {}
    for _ in range(runs):
        spent: dict[str, list[float]] = {}
        for spec in specs:
            start = time.perf_counter()
            draw(spec)
            seconds = time.perf_counter() - start
            for group in (spec["usermeta"]["kind"], "all"):
                spent.setdefault(group, []).append(seconds)
        for group, times in sorted(spent.items()):
            means.setdefault(group, []).append(sum(times) * 1000 / len(times))
    return means


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=REPO, help="default: the demo project")
    parser.add_argument("--runs", type=int, default=7, help="runs of svgdraw (median)")
    parser.add_argument("--vl-runs", type=int, default=3, help="runs of vl-convert (median)")
    args = parser.parse_args()

    specs = list(render_pages(build_report(args.project)).charts.values())
    counts = Counter(spec["usermeta"]["kind"] for spec in specs)
    counts["all"] = len(specs)
    rows, medians = [], {}
    for name, draw, runs in (
        ("svgdraw", svgdraw.svg, args.runs),
        ("vl-convert", vl_convert_svg, args.vl_runs),
    ):
        for group, means in ms_per_chart(draw, specs, runs).items():
            medians[name, group] = statistics.median(means)
            spread = f"{min(means):.2f}-{max(means):.2f}"
            rows.append([name, group, str(counts[group]), f"{medians[name, group]:.2f}", spread])
    print(
        f"{len(specs)} charts of {args.project}; svgdraw {args.runs} runs, "
        f"vl-convert {args.vl_runs}\n"
    )
    print(table(["renderer", "kind", "charts", "median ms/chart", "range"], rows))
    new, old = medians["svgdraw", "all"], medians["vl-convert", "all"]
    print(
        f"\nsvgdraw is {old / new:.0f}x faster; 4,000 charts (a 1,000-course site): "
        f"{new * 4:.1f} s against {old * 4:.0f} s"
    )


if __name__ == "__main__":
    main()
