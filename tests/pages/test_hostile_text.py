"""Text from YAML, exports and the CLI is shown as text everywhere: Markdown tables, headings,
attribute lists, HTML, chart labels and tooltips, nav, CSV, versions.json, digests. A site built,
snapshotted and published from hostile text in every field runs no script, and no e-mail address
or learner id planted in the exports reaches site/ or site_src/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from browser_helpers import open_browser, require_chromium, serve_directory
from click.testing import CliRunner
from paths import REPO, TINY
from project_helpers import git
from roster_fixture import ROSTER, WORKFORCE

from generator.cli import cli
from generator.commands import snapshot as snapshot_command
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
# attr_list made the spaces and quotes of a goal id attributes of its heading (autofocus runs it).
PERSON_ID = "dev-b { #p onclick=\"window.__pwned='person-id'\" }"
GOAL_ID = "g9 tabindex=0 autofocus=1 onfocus=\"window.__pwned='goal-id'\""
# In the exports: e-mail addresses as a learner id and in a course cell, a learner id (that has
# rows of its own) in a course cell. None may appear on any page, download or search index.
PLANTED = ("a.person@example.com", "b.person@example.com", "emp-90417")
PLANTED_ROWS = (
    "emp-90417,C2,Ops,2025-04-05,2025-04-20,,Done,70,30\n"
    "a.person@example.com,C2,Ops,2025-04-06,,,in_progress,,10\n"
    "emp-90418,b.person@example.com,Ops,2025-04-06,,,in_progress,,10\n"
    "emp-90419,emp-90417,Ops,2025-04-06,,,in_progress,,10\n"
)


def hostile(field: str) -> str:
    """Markup, an attribute list and a script that each set window.__pwned to ``field``."""
    pwn = f"window.__pwned='{field}'"
    return f'"\'><img src=x onerror="{pwn}">{{ #x onclick="{pwn}" }}<script>{pwn}</script>'


def quoted(value: str) -> str:
    """A YAML single-quoted scalar."""
    return "'" + value.replace("'", "''") + "'"


def hostile_project(root: Path) -> Path:
    project = root / "hostile"
    shutil.copytree(TINY, project)
    config = project / "config"

    def replace(name: str, old: str, new: str) -> None:
        path = config / name
        text = path.read_text()
        assert old in text, (name, old)
        path.write_text(text.replace(old, new))

    replace("project.yaml", "organisation: Tiny Co", f"organisation: {quoted(ORGANISATION)}")
    replace("courses.yaml", "title: Safety basics", f"title: {quoted(COURSE_TITLE)}")
    replace("courses.yaml", "  - id: C1", f"  - id: {quoted(COURSE_ID)}")
    replace("courses.yaml", "modules: [Hazards,", f"modules: [{quoted('<i>Hazards</i>')},")
    replace("courses.yaml", "title: Negotiation", f"title: {quoted(FORMULA)}")
    replace("roles.yaml", "name: Studio A", f"name: {quoted(PERSON)}")
    replace("goals.yaml", "title: Safety basics is completed", f"title: {quoted(GOAL)}")
    replace("goals.yaml", "ids: [C1]", f"ids: [{quoted(COURSE_ID)}]")
    replace("goals.yaml", "id: c1-completion", f"id: {quoted(GOAL_ID)}")
    replace("budgets.yaml", "course: C1", f"course: {quoted(COURSE_ID)}")
    replace("budgets.yaml", "developer: dev-b", f"developer: {quoted(PERSON_ID)}")
    replace("courses.yaml", "developer: dev-b", f"developer: {quoted(PERSON_ID)}")
    replace("roles.yaml", "id: dev-b", f"id: {quoted(PERSON_ID)}")
    replace("budgets.yaml", "amount: 300", f"amount: 300\n        note: {quoted(hostile('note'))}")
    replace("budgets.yaml", "category: platform", f"category: {quoted(hostile('category'))}")
    replace("roles.yaml", "title: L&D manager", f"title: {quoted(hostile('role-title'))}")
    replace(
        "roles.yaml",
        "answers_for: the budget turning into a more productive workforce",
        f"answers_for: {quoted(hostile('answers-for'))}\n    evidence: {quoted(hostile('evidence'))}",
    )
    replace("roles.yaml", "name: Tom Tran", f"name: {quoted(hostile('person-name'))}")
    replace(
        "roles.yaml",
        "name: Lisa Lund",
        f"name: Lisa Lund\n    department: {quoted(hostile('person-department'))}",
    )
    replace(
        "courses.yaml",
        "expected_minutes: 60",
        f"expected_minutes: 60\n    audience: {quoted(DEPARTMENT)}",
    )
    responses = project / "responses"
    responses.mkdir()
    (responses / "2025-Q2.yaml").write_text(
        "responses:\n"
        f"  - goal: {quoted(GOAL_ID)}\n"
        "    person: tom\n"
        f"    cause: {quoted(hostile('cause'))}\n"
        f"    action: {quoted(hostile('action'))}\n"
        "    owner: tom\n"
        "    due: 2025-07-15\n"
    )
    add_hostile_workforce(project)
    for name in ("lms.csv", "activity.csv", "assessments.csv", "surveys.csv", "roster.csv"):
        path = project / "data" / name
        text = path.read_text().replace(",C1,", f',"{COURSE_ID}",')
        text = text.replace(",Sales,", f',"{DEPARTMENT}",')
        text = text.replace("Hazards", "<i>Hazards</i>")
        path.write_text(text + (PLANTED_ROWS if name == "lms.csv" else ""))
    return project


def add_hostile_workforce(project: Path) -> None:
    """workforce.yaml's texts (a requirement's title, a KPI's label and unit) and the roster's
    job roles and managers hostile too, with the tiny roster of tests/roster_fixture.py."""

    def cell(value: str) -> str:  # a CSV field, quotes doubled
        return '"' + value.replace('"', '""') + '"'

    roster = ROSTER.replace(",Operator,", f",{cell(hostile('job-role'))},")
    roster = roster.replace(",olga,", f",{cell(hostile('manager'))},")
    (project / "data" / "roster.csv").write_text(roster)
    workforce = WORKFORCE.replace(
        "title: Safety basics for operators", f"title: {quoted(hostile('requirement'))}"
    ).replace("job_roles: [Operator]", f"job_roles: [{quoted(hostile('job-role'))}]")
    workforce = workforce.replace("courses: [C1]", f"courses: [{quoted(COURSE_ID)}]")
    workforce += (
        "kpis:\n"
        "  - id: incidents\n"
        f"    label: {quoted(hostile('kpi-label'))}\n"
        f"    unit: {quoted(hostile('kpi-unit'))}\n"
        "    higher_is_better: false\n"
        "    level: department\n"
        "    evaluation: ltem-8\n"
        f"    trained_by: [{quoted(COURSE_ID)}]\n"
    )
    (project / "config" / "workforce.yaml").write_text(workforce)
    (project / "data" / "kpis.csv").write_text(
        "measure,department,job_role,period,value\n"
        + "".join(f"incidents,{cell(DEPARTMENT)},,2025-Q{q},{5 - q}\n" for q in (1, 2, 3))
    )
    settings = project / "config" / "project.yaml"
    settings.write_text(
        settings.read_text() + "  - path: data/roster.csv\n    format: csv\n    table: roster\n"
        "    columns: {employee_id: learner_id}\n"
        "  - path: data/kpis.csv\n    format: csv\n    table: kpis\n"
    )


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


class Handlers(HTMLParser):
    """The on* attributes of every element, as a browser parses them (text inside another
    attribute's value, such as a chart's data-spec, is data, not a handler)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [(name, value or "") for name, value in attrs if name.startswith("on")]


def test_no_script_or_handler_reaches_the_html(built: Path) -> None:
    dangerous = ("<script>window", "<img src=x", "<svg onload", "<b>bold", "<i>Hazards")
    for page in (built / "site").rglob("*.html"):
        html = page.read_text()
        assert not [d for d in dangerous if d in html], page
        handlers = Handlers()
        handlers.feed(html)
        assert not [h for h in handlers.found if "__pwned" in h[1]], page


def test_static_svgs_hold_the_text_as_text(built: Path) -> None:
    """A chart's SVG opened on its own (its own document) would run a script or handler."""
    svgs = sorted((built / "site").rglob("*.svg"))
    assert len(svgs) > 10
    for svg in svgs:
        for element in ElementTree.parse(svg).iter():
            tag = element.tag.rsplit("}", 1)[-1]
            assert tag not in ("script", "foreignObject", "img"), svg
            assert not [a for a in element.attrib if a.lower().startswith("on")], svg


def test_goal_ids_become_slug_anchors(built: Path) -> None:
    page = (built / "site_src" / "goals.md").read_text()
    assert "{ #goal-g9-tabindex-0-autofocus-1-onfocus-window-pwned-goal-id }" in page
    html = (built / "site" / "goals.html").read_text()
    assert 'id="goal-g9-tabindex-0-autofocus-1-onfocus-window-pwned-goal-id"' in html
    assert "autofocus" not in html.replace("autofocus-1", "")


def test_no_e_mail_or_learner_id_is_published(built: Path) -> None:
    """Reasons quote raw cells ("unknown course 'b.person@example.com'"): the data-quality
    page and the search index show them masked."""
    quality = (built / "site_src" / "data-quality.md").read_text()
    assert "unknown course '(an e-mail address)'" in quality
    assert "unknown course '(a learner id)'" in quality
    for folder in ("site", "site_src"):
        for path in (built / folder).rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert not [p for p in PLANTED if p.encode() in data], path


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


# ---------------------------------------------------------------- snapshot, publish, digest

SNAPSHOT_TITLE = hostile("snapshot-title")


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The hostile project snapshotted twice (the second with a hostile --title), published to
    a plain directory, and the digests of the one to the other."""
    root = tmp_path_factory.mktemp("hostile-versions")
    project = hostile_project(root)
    shutil.copy(REPO / "generator" / "site" / "assets" / "mkdocs.yml", project / "mkdocs.yml")
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "the hostile project")
    snapshot_command.snapshot(project, "2025-Q1")
    snapshot_command.snapshot(project, "2025-Q2", title=SNAPSHOT_TITLE)
    www, digests = root / "www", root / "digests"
    for args in (
        ["publish", "--to", str(www)],
        ["digest", "2025-Q1", "2025-Q2", "--out", str(digests)],
    ):
        result = CliRunner().invoke(cli, [*args, "--project", str(project)])
        assert result.exit_code == 0, result.output
    return www, digests


# Every attribute whose name starts with "on" and whose value is one of our texts' payloads.
HANDLERS = """() => [...document.querySelectorAll("*")].flatMap(e => [...e.attributes]
    .filter(a => a.name.startsWith("on") && a.value.includes("__pwned"))
    .map(a => `${e.tagName} ${a.name}`))"""
PAGE_KINDS = (
    "index.html",
    "goals.html",
    "roles/",
    "people/",
    "courses/",
    "developers/",
    "periods/",
    "departments/",
    "data-quality.html",
    "methodology.html",
)


@pytest.mark.browser
@pytest.mark.slow
def test_no_script_runs_in_published_snapshots_or_digests(
    published: tuple[Path, Path], browser: tuple[Any, Any, str]
) -> None:
    context, _offline, _base = browser  # one Playwright per process: the built site's
    www, digests = published
    version = www / "2025-Q2"
    # 404.html links its assets from the site's root, which a version folder is not.
    pages = sorted(str(p.relative_to(www)) for p in version.rglob("*.html") if p.name != "404.html")
    for kind in PAGE_KINDS:
        assert [p for p in pages if p.startswith(f"2025-Q2/{kind}")], kind
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with serve_directory(www) as base:
        for path in [*pages, "2025-Q1/index.html"]:
            page.goto(base + path)
            page.wait_for_selector(".md-version__current")  # the menu, from versions.json
            assert page.evaluate("() => window.__pwned") is None, path
            assert page.evaluate(HANDLERS) == [], path
        page.goto(base + "2025-Q2/index.html")
        page.wait_for_selector(".md-version__current")
        assert page.inner_text(".md-version__current") == SNAPSHOT_TITLE  # as text
        assert SNAPSHOT_TITLE in (page.text_content(".md-version__list") or "")
    mails = sorted(digests.glob("*.html"))
    assert mails
    with serve_directory(digests) as base:
        for mail in mails:
            page.goto(base + mail.name)
            page.wait_for_timeout(50)
            assert page.evaluate("() => window.__pwned") is None, mail.name
            assert page.evaluate(HANDLERS) == [], mail.name
    assert dialogs == []


def test_no_planted_e_mail_or_learner_id_in_snapshots(published: tuple[Path, Path]) -> None:
    www, digests = published
    for path in [*www.rglob("*"), *digests.rglob("*")]:
        if path.is_file():
            data = path.read_bytes()
            assert not [p for p in PLANTED if p.encode() in data], path


def test_a_quoted_learner_id_is_masked_with_a_pseudonym_key_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ACCOUNTABILITY_PSEUDONYM_KEY set the tables hold p-... ids only, so the raw id a
    reason quotes ("unknown course 'L1'": a learner id in the course column) is recognised
    while the raw ids are still there."""
    project = tmp_path / "tiny"
    shutil.copytree(TINY, project)
    with (project / "data" / "lms.csv").open("a", encoding="utf-8") as export:
        export.write("L2,L1,Sales,2025-01-10,,,in_progress,,10\n")
    monkeypatch.setenv("ACCOUNTABILITY_PSEUDONYM_KEY", "a secret key")
    build(project, run_mkdocs=False)
    quality = (project / "site_src" / "data-quality.md").read_text("utf-8")
    assert "unknown course '(a learner id)'" in quality
    assert "'L1'" not in quality
