"""A tiny report site built from hand-made pages with chart blocks: the fixture for the site
and browser tests. Titles carry the characters a user's YAML might (HTML, Markdown, Jinja)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from generator.charts import specs as charts
from generator.charts import svg as svgdraw
from generator.site import write_mkdocs_yml, write_site_src

NASTY = "Intro <script>alert(1)</script> | *bold* {{ jinja }} [x](y) & more"
NAV = [
    {"Overview": "index.md"},
    {"Courses": "courses/index.md"},
    {"Developers": "developers/index.md"},
    {"Periods": "periods/index.md"},
    {"About": "about.md"},
]


def _specs() -> dict[str, tuple[str, dict]]:
    """{spec id: (title, spec)} for one chart of every kind."""
    periods = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    trend = pd.DataFrame(
        {
            "period": periods * 2,
            "value": [0.61, 0.66, 0.7, 0.74, 0.52, 0.5, float("nan"), 0.58],
            "department": ["Sales"] * 4 + ["Support"] * 4,
        }
    )
    built = {
        "completion-trend": charts.trend_chart(
            trend,
            title="Completion rate by department",
            value_title="Completion rate",
            series="department",
            series_title="Department",
            target=0.75,
        ),
        "funnel": charts.funnel_chart(
            pd.DataFrame(
                {
                    "stage": ["Enrolled", "Started", "Completed", "Passed"],
                    "count": [420, 377, 301, 266],
                }
            ),
            title="Enrolment to completion",
        ),
        "c-101-scores": charts.distribution_chart(
            pd.DataFrame(
                {
                    "bin_start": [0, 20, 40, 60, 80],
                    "bin_end": [20, 40, 60, 80, 100],
                    "count": [6, 14, 40, 88, 52],
                }
            ),
            title=NASTY,
            bin_title="Score",
        ),
        "c-101-minutes": charts.distribution_chart(
            pd.DataFrame(
                {
                    "bin_start": [0, 30, 60, 120],
                    "bin_end": [30, 60, 120, 240],
                    "count": [12, 50, 90, 30],
                }
            ),
            title="Time spent",
            bin_title="Minutes",
        ),
        "c-101-dropoff": charts.dropoff_chart(
            pd.DataFrame(
                {
                    "module": ["Welcome", "Policies", "Case study", "Quiz"],
                    "order": [1, 2, 3, 4],
                    "share_lost": [0.03, 0.12, 0.2, 0.05],
                }
            ),
            title="Where learners drop off",
        ),
        "budget": charts.budget_chart(
            pd.DataFrame(
                {
                    "period": periods,
                    "budget": [50000, 50000, 60000, 60000],
                    "spend": [42000, 51000, 58500, float("nan")],
                }
            ),
            title="Budget and spend",
            currency="EUR",
        ),
        "developers": charts.comparison_chart(
            pd.DataFrame(
                {
                    "developer": ["Internal team", "Acme Learning", "Vendor B"],
                    "value": [180.0, 240.5, 95.25],
                }
            ),
            title="Cost per completion",
            value_title="Cost per completion",
            currency="EUR",
        ),
    }
    return {key: (spec["title"], spec) for key, spec in built.items()}


WIDE_TABLE = (
    "| Course | Developer | Enrolled | Started | Completed | Completion | Mean score | Minutes "
    "| Cost | Cost per completion | Status | Accountable |\n"
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n"
    + "".join(
        f"| [Course {i}](courses/c-101.md) | Acme Learning Ltd | 1,204 | 1,100 | 904 | 75.1 % "
        f"| 71.2 | 143 | EUR 120,000 | EUR 132.74 | missed | Learning & Development Manager |\n"
        for i in range(3)
    )
)


def pages() -> dict[str, str | bytes]:
    specs = _specs()
    files: dict[str, str | bytes] = {}

    def chart(page_dir: str, spec_id: str) -> str:
        title, spec = specs[spec_id]
        files[f"{page_dir}charts/{spec_id}.svg".lstrip("/")] = svgdraw.svg(spec)
        return charts.chart_block(spec_id, spec, f"charts/{spec_id}.svg", title)

    files["index.md"] = (
        "# Overview\n\nHeadline figures for the fixture organisation.\n\n"
        + chart("", "completion-trend")
        + "\n"
        + chart("", "funnel")
        + "\n"
        + "## Courses\n\n"
        + WIDE_TABLE
        + "\nSee [the courses](courses/index.md) and "
        "[an outside link](https://example.org/) (content links are fine).\n"
    )
    files["courses/index.md"] = (
        "# Courses\n\n| Course | Completion |\n| --- | ---: |\n"
        "| [C-101 Safety](c-101.md) | 74 % |\n"
    )
    files["courses/c-101.md"] = (
        "# C-101 Safety\n\n"
        + chart("courses/", "c-101-scores")
        + "\n"
        + chart("courses/", "c-101-minutes")
        + "\n"
        + chart("courses/", "c-101-dropoff")
        + "\n[Back to the overview](../index.md)\n"
    )
    files["developers/index.md"] = "# Developers\n\n" + chart("developers/", "developers")
    files["periods/index.md"] = "# Periods\n\n- [2025-Q4](2025-Q4.md)\n"
    files["periods/2025-Q4.md"] = "# 2025-Q4\n\n" + chart("periods/", "budget")
    return files


def make_project(root: Path, site_url: str | None = None) -> Path:
    """A project dir with mkdocs.yml, generated pages and one hand-written page. Material's
    instant navigation works only when ``site_url`` is where the site is served."""
    site_src = root / "site_src"
    site_src.mkdir(parents=True, exist_ok=True)
    (site_src / "about.md").write_text("# About\n\nHand-written: the generator never touches it.\n")
    write_site_src(site_src, pages())
    write_mkdocs_yml(root, "Fixture Org training", NAV, site_url)
    return root
