"""The demo report as users get it: the committed site_src/ is current, a real
``mkdocs build --strict`` succeeds, nothing is loaded from outside, no learner id is published,
and in headless Chromium every chart draws in light and dark mode."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from browser_helpers import (
    chart_states,
    current_scheme,
    open_browser,
    require_chromium,
    serve_directory,
    toggle_palette,
    wait_for_charts,
)
from offline_scan import external_loads
from paths import REPO

from generator import site
from generator.commands.build import generated_files
from generator.pages import render_pages
from generator.report import Report, build_report

PAGES = [
    "index.html",
    "courses/coaching-conversations.html",
    "developers/brightpath.html",
    "periods/2026-q3.html",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed demo report built by MkDocs in strict mode, in a scratch copy."""
    project = tmp_path_factory.mktemp("demo-site")
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(REPO / "site_src", project / "site_src")
    return site.build_site(project, strict=True)


def test_committed_pages_are_current(demo_report: Report) -> None:
    """site_src/ holds the generated demo report; a change to the generator or the demo data
    must come with the regenerated pages (run `accountability build`)."""
    files = generated_files(render_pages(demo_report)) | site.asset_files()
    committed = site.read_manifest(REPO / "site_src")
    assert sorted(committed) == sorted(files), "pages added or removed: run `accountability build`"
    stale = [
        path
        for path, content in sorted(files.items())
        if (REPO / "site_src" / path).read_bytes() != site.mark(path, content)
    ]
    assert stale == [], f"stale generated pages (run `accountability build`): {stale[:10]}"


def test_hand_written_pages_survive_a_build(tmp_path: Path) -> None:
    project = tmp_path / "demo"
    for name in ("config", "data", "responses", "site_src"):
        shutil.copytree(REPO / name, project / name)
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    note = project / "site_src" / "notes.md"
    note.write_text("# Our notes\n\nWritten by hand.\n")
    from generator.commands.build import build

    result = build(project, run_mkdocs=False)
    assert note.read_text() == "# Our notes\n\nWritten by hand.\n"
    assert result.written.written == ()  # same inputs, same bytes: nothing rewritten


def test_strict_build_makes_every_page(built: Path) -> None:
    for page in [
        *PAGES,
        "goals.html",
        "roles/ld-manager.html",
        "data-quality.html",
        "methodology.html",
        "departments/warehouse-operations.html",
    ]:
        assert (built / page).is_file(), page


def test_nothing_is_loaded_from_outside(built: Path) -> None:
    assert external_loads(built) == []


def test_no_learner_id_is_published(built: Path) -> None:
    rows = pd.read_csv(REPO / "data" / "demo-enrollments.csv", dtype=str)
    ids = set(rows["User ID"].dropna())
    assert len(ids) > 1000
    leaks = []
    for path in built.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".csv", ".svg", ".xml", ".js"):
            text = path.read_text(errors="ignore")
            leaks += [(path.name, i) for i in ids if i in text]
            if len(leaks) > 5:
                break
    assert leaks == []


def test_small_department_groups_are_suppressed(built: Path) -> None:
    legal = (REPO / "site_src" / "departments" / "legal.md").read_text()
    assert "fewer than 5" in legal


@pytest.fixture(scope="module")
def browser(built: Path) -> Iterator[tuple[Any, Any, str]]:
    require_chromium()
    with serve_directory(built) as base, open_browser() as (context, offline):
        yield context, offline, base
        assert offline.blocked == [], f"requests left localhost: {offline.blocked}"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("path", PAGES)
def test_every_chart_of_the_report_draws(browser: tuple[Any, Any, str], path: str) -> None:
    context, _offline, base = browser
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base + path)
    for scheme in ("default", "slate"):
        if current_scheme(page) != scheme:
            toggle_palette(page)
        states = wait_for_charts(page)
        assert states, f"{path}: no charts"
        page.wait_for_timeout(200)  # the redraw after the palette switch
        for state in chart_states(page):
            assert state["drawn"] and not state["error"], (path, scheme, state)
            assert state["marks"] > 0 and state["width"] > 100, (path, scheme, state)
    page.close()
    assert errors == []


def test_downloads_hide_small_quarters_with_a_complement() -> None:
    """No hidden quarter can be recovered from its fiscal year minus the other quarters."""
    metrics = pd.read_csv(REPO / "site_src" / "downloads" / "department-metrics.csv", dtype=str)
    quarters = metrics[metrics["period"].str.contains("-Q")].copy()
    quarters["year"] = quarters["period"].str[:4]
    quarters["hidden"] = quarters["enrollments"].isin(
        ["fewer than 5 learners", "hidden so a smaller group cannot be worked out"]
    )
    assert quarters["hidden"].any(), "the demo's small department should be suppressed"
    for (_, _), group in quarters.groupby(["member", "year"]):
        assert group["hidden"].sum() != 1, group


# --- budgets.yaml's illustrative: invented spend is marked -------------------------------------

NOTICE = '!!! warning "Illustrative budgets"'
COST_PAGES = [
    "index.md",
    "periods/index.md",
    "periods/2025-q1.md",
    "periods/fy2025.md",
    "courses/index.md",
    "courses/c1.md",
    "developers/index.md",
    "developers/dev-a.md",
    "goals.md",  # a goal on budget_utilisation
    "roles/ld-manager.md",  # budget goals and findings
]


def test_illustrative_budgets_are_marked_wherever_costs_appear(tiny_project: Path) -> None:
    from generator.commands.build import build
    from generator.report.findings import COST_FINDINGS
    from generator.versions.snapshot import snapshot_data

    with (tiny_project / "config" / "budgets.yaml").open("a") as budgets:
        budgets.write("illustrative: true\nnote: Made up for the tests\n")
    result = build(tiny_project)
    pages = tiny_project / "site_src"
    for page in COST_PAGES:
        markdown = (pages / page).read_text()
        assert f"{NOTICE}\n\n    The budget and spend figures are invented" in markdown, page
        assert "Made up for the tests" in markdown, page
    for page in ("departments/sales.md", "methodology.md", "data-quality.md", "roles/learner.md"):
        assert NOTICE not in (pages / page).read_text(), page

    overview = (pages / "index.md").read_text()
    for label in ("Spend", "Budget utilisation", "Cost per completion"):
        assert f"| {label} (illustrative) |" in overview, label
    assert "| Completion rate |" in overview  # learning figures are not marked
    # a cost finding's sentence
    assert re.search(
        r"% of the budget was spent: EUR [\d,]+ of EUR [\d,]+ \(illustrative budgets\)\.", overview
    )
    period = (pages / "periods" / "2025-q1.md").read_text()
    for label in ("Budget", "Spend", "Budget change year on year", "Cost per learner"):
        assert f"| {label} (illustrative) |" in period, label
    assert (
        "| Developer | Spend (illustrative) | Completions | Cost per completion (illustrative) |"
        in period
    )
    assert "![Budget and spend by quarter \\(illustrative\\)]" in period

    assert result.site_dir is not None
    html = (result.site_dir / "index.html").read_text()
    assert 'class="admonition warning"' in html and "Illustrative budgets" in html

    data = snapshot_data(build_report(tiny_project), "2025-Q2")
    assert data["budgets_illustrative"] is True
    costs = [f for f in data["findings"] if f["kind"] in COST_FINDINGS]
    assert costs and all(f["title"].endswith(" (illustrative budgets)") for f in costs)
    assert all("illustrative" not in f["title"] for f in data["findings"] if f not in costs)


def test_real_budgets_carry_no_notice(tiny_project: Path) -> None:
    from generator.commands.build import build
    from generator.versions.snapshot import snapshot_data

    build(tiny_project, run_mkdocs=False)
    marked = [
        str(page.relative_to(tiny_project))
        for page in (tiny_project / "site_src").rglob("*.md")
        if "llustrative" in page.read_text()
    ]
    assert marked == []
    assert snapshot_data(build_report(tiny_project), "2025-Q2")["budgets_illustrative"] is False


def test_the_oulad_example_says_its_budgets_are_invented() -> None:
    from generator.config import load_project

    project = load_project(REPO / "examples" / "oulad")
    assert project.budgets_illustrative and "OULAD publishes no costs" in project.budgets_note
