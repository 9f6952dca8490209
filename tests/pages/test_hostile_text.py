"""Text from YAML and exports is shown as text everywhere: Markdown tables, headings, HTML,
chart labels and tooltips, nav, CSV. A site built from hostile names runs no script."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import open_browser, require_chromium, serve_directory
from paths import TINY

from generator.commands.build import build
from generator.domain.errors import AccountabilityError
from generator.domain.paths import slug, slugs

COURSE_TITLE = "<script>window.__pwned='course'</script> Safety | *bold* [x](javascript:alert(1))"
PERSON = "<img src=x onerror=\"window.__pwned='person'\">"
GOAL = "{: onclick=\"window.__pwned='goal'\"} Goal <b>bold</b> {{ 7*7 }} {% raw %}"
DEPARTMENT = "<svg onload=window.__pwned='department'>"
ORGANISATION = "Tiny <script>window.__pwned='org'</script> Co"
COURSE_ID = "../../etc/C1"
FORMULA = '=HYPERLINK("http://x")'


def hostile_project(root: Path) -> Path:
    project = root / "hostile"
    shutil.copytree(TINY, project)
    config = project / "config"

    def replace(name: str, old: str, new: str) -> None:
        path = config / name
        text = path.read_text()
        assert old in text, (name, old)
        path.write_text(text.replace(old, new))

    quoted = lambda s: "'" + s.replace("'", "''") + "'"  # noqa: E731 - YAML single quotes
    replace("project.yaml", "organisation: Tiny Co", f"organisation: {quoted(ORGANISATION)}")
    replace("courses.yaml", "title: Safety basics", f"title: {quoted(COURSE_TITLE)}")
    replace("courses.yaml", "  - id: C1", f"  - id: {quoted(COURSE_ID)}")
    replace("courses.yaml", "modules: [Hazards,", f"modules: [{quoted('<i>Hazards</i>')},")
    replace("courses.yaml", "title: Negotiation", f"title: {quoted(FORMULA)}")
    replace("roles.yaml", "name: Studio A", f"name: {quoted(PERSON)}")
    replace("goals.yaml", "title: Safety basics is completed", f"title: {quoted(GOAL)}")
    replace("goals.yaml", "ids: [C1]", f"ids: [{quoted(COURSE_ID)}]")
    replace("budgets.yaml", "course: C1", f"course: {quoted(COURSE_ID)}")
    for name in ("lms.csv", "activity.csv", "assessments.csv", "surveys.csv"):
        path = project / "data" / name
        text = path.read_text().replace(",C1,", f',"{COURSE_ID}",')
        text = text.replace(",Sales,", f',"{DEPARTMENT}",')
        text = text.replace("Hazards", "<i>Hazards</i>")
        path.write_text(text)
    return project


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = hostile_project(tmp_path_factory.mktemp("hostile"))
    result = build(project)
    assert result.site_dir is not None
    return project


def test_hostile_ids_become_safe_file_names(built: Path) -> None:
    courses = sorted(p.name for p in (built / "site_src" / "courses").glob("*.md"))
    assert courses == ["c2.md", "etc-c1.md", "index.md"]
    assert not (built / "etc").exists()


def test_markdown_keeps_the_text_literal(built: Path) -> None:
    page = (built / "site_src" / "courses" / "etc-c1.md").read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "\\[x\\](javascript:alert(1))" in page


def test_csv_downloads_defuse_formulas(built: Path) -> None:
    courses = (built / "site_src" / "downloads" / "courses.csv").read_text()
    assert "'=HYPERLINK" in courses
    assert "\n=" not in courses and ",=" not in courses


def test_no_script_or_handler_reaches_the_html(built: Path) -> None:
    dangerous = ("<script>window", "<img src=x", "<svg onload", "<b>bold", "<i>Hazards")
    handler = re.compile(r"<[^>]*\son(click|error|load)\s*=\s*[\"']?window")
    for page in (built / "site").rglob("*.html"):
        html = page.read_text()
        assert not [d for d in dangerous if d in html], page
        assert not handler.search(html), page


@pytest.fixture(scope="module")
def browser(built: Path) -> Iterator[tuple[Any, Any, str]]:
    require_chromium()
    with serve_directory(built / "site") as base, open_browser() as (context, offline):
        yield context, offline, base
        assert offline.blocked == []


@pytest.mark.browser
@pytest.mark.slow
def test_no_script_runs_in_the_browser(built: Path, browser: tuple[Any, Any, str]) -> None:
    context, _offline, base = browser
    pages = sorted(str(p.relative_to(built / "site")) for p in (built / "site").rglob("*.html"))
    assert len(pages) > 20
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in pages:
        page.goto(base + path)
        page.wait_for_timeout(50)
        assert page.evaluate("() => window.__pwned") is None, path
    page.goto(base + "courses/etc-c1.html")
    page.wait_for_selector(".ta-chart.ta-drawn")
    body = page.inner_text("body")
    assert "<script>window.__pwned='course'</script> Safety | *bold*" in body
    assert ORGANISATION in page.inner_text(".md-header__topic")
    page.goto(base + "developers/dev-a.html")
    assert PERSON in page.inner_text("h1")
    for chart in page.locator(".ta-chart-view svg").all():
        chart.hover()
    assert page.evaluate("() => window.__pwned") is None
    assert dialogs == []


def test_two_ids_with_one_file_name_are_an_error() -> None:
    assert slug("Sales/EMEA") == slug("sales emea") == "sales-emea"
    with pytest.raises(AccountabilityError, match="'Sales/EMEA' and 'sales emea'"):
        slugs("department", ["Sales/EMEA", "sales emea"])


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("../x", "x"),
        ("a\\b", "a-b"),
        ("CON", "con-1"),
        ("Grundlagen Ü1", "grundlagen-u1"),
        ("index", "index-1"),
        ("  spaced out  ", "spaced-out"),
    ],
)
def test_safe_file_names(identifier: str, expected: str) -> None:
    assert slug(identifier) == expected


def test_ids_with_no_ascii_keep_a_stable_distinct_name() -> None:
    assert slug("データ") == slug("データ") != slug("研修")
    assert slug("データ").startswith("id-")
