"""Quarterly snapshots against a real temporary git repository: deployed with mike, in menu
order, immutable, as of the quarter end, published to a plain directory that Chromium browses,
and diffed. Git runs without any configured identity (as on a bare CI machine)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import open_browser, require_chromium, serve_directory
from click.testing import CliRunner
from paths import REPO
from project_helpers import git

from generator.cli import cli
from generator.commands import snapshot as snapshot_command
from generator.domain.periods import Quarter
from generator.report import build_report
from generator.versions.snapshot import snapshot_data

TINY = REPO / "tests" / "fixtures" / "tiny"
# A goal whose verdict differs between the tiny quarters: average score 67.5 then 75.
EXTRA_GOAL = """
  - id: org-scores
    title: Learners score well
    kind: learning
    metric: average_score
    scope: org
    target: ">= 70"
    periods: all
    raci:
      accountable: training-manager
"""
LATE_ROWS = (
    "L10,C2,Sales,2025-04-03,2025-04-20,,Done,95,60\nL3,C2,Ops,2025-05-01,,2025-05-09,Dropped,,5\n"
)

# L1 took C2 in 2025-Q1 and takes it again in 2025-Q2.
RE_ENROLMENT = "L1,C2,Sales,2025-04-03,2025-04-20,,Done,95,60\n"
pytestmark = pytest.mark.slow


def branch_json(project: Path, path: str) -> Any:
    return json.loads(git(project, "show", f"gh-pages:{path}"))


def make_project(root: Path) -> Path:
    project = root / "project"
    shutil.copytree(TINY, project)
    shutil.copy(REPO / "generator" / "site" / "assets" / "mkdocs.yml", project / "mkdocs.yml")
    with (project / "config" / "goals.yaml").open("a") as goals:
        goals.write(EXTRA_GOAL)
    return project


@dataclass
class Deployed:
    project: Path
    after_two: list[dict[str, Any]]


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployed]:
    """Two quarters, then an older quarter, then a hidden pull-request preview."""
    root = tmp_path_factory.mktemp("snapshots")
    project = make_project(root)
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "the tiny project")
    empty = root / "empty-gitconfig"
    empty.write_text("")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GIT_CONFIG_GLOBAL", str(empty))
        env.setenv("GIT_CONFIG_NOSYSTEM", "1")
        for who in ("AUTHOR", "COMMITTER"):
            for what in ("NAME", "EMAIL"):
                env.delenv(f"GIT_{who}_{what}", raising=False)
        snapshot_command.snapshot(project, "2025-Q2", aliases=["board"])
        snapshot_command.snapshot(project, "2025-Q3")
        after_two = branch_json(project, "versions.json")
        snapshot_command.snapshot(project, "2025-Q1")
        snapshot_command.snapshot(project, "2025-Q3", name="pr-1", hidden=True)
    yield Deployed(project, after_two)


def menu(versions: list[dict[str, Any]]) -> list[tuple[str, list[str], bool]]:
    return [
        (v["version"], sorted(v["aliases"]), bool((v.get("properties") or {}).get("hidden")))
        for v in versions
    ]


def test_two_quarters_with_latest_on_the_newer(deployed: Deployed) -> None:
    assert menu(deployed.after_two) == [
        ("2025-Q3", ["latest"], False),
        ("2025-Q2", ["board"], False),
    ]
    titles = [v["title"] for v in deployed.after_two]
    assert titles == ["2025-Q3 (as of 2025-09-30)", "2025-Q2 (as of 2025-06-30)"]


def test_an_older_quarter_and_a_preview_keep_the_order(deployed: Deployed) -> None:
    assert menu(branch_json(deployed.project, "versions.json")) == [
        ("2025-Q3", ["latest"], False),
        ("2025-Q2", ["board"], False),
        ("2025-Q1", [], False),
        ("pr-1", [], True),
    ]


def test_root_opens_latest_which_redirects_to_the_newest_quarter(deployed: Deployed) -> None:
    root = git(deployed.project, "show", "gh-pages:index.html")
    assert '"latest/"' in root
    latest = git(deployed.project, "show", "gh-pages:latest/index.html")
    assert "../2025-Q3/index.html" in latest
    files = git(deployed.project, "ls-tree", "-r", "gh-pages").splitlines()
    assert not [f for f in files if f.startswith("120000")], "no symlinks on the branch"


def test_the_working_tree_is_left_alone(deployed: Deployed) -> None:
    assert git(deployed.project, "status", "--porcelain") == ""
    assert not (deployed.project / "site_src").exists()


def test_snapshot_json_holds_the_figures_without_small_groups(deployed: Deployed) -> None:
    data = branch_json(deployed.project, "2025-Q1/snapshot.json")
    assert (data["version"], data["period"], data["report_date"]) == (
        "2025-Q1",
        "2025-Q1",
        "2025-03-31",
    )
    assert data["kpis"]["completion_rate"] == 0.5
    assert [c["id"] for c in data["courses"]] == ["C1", "C2"]
    goal = next(g for g in data["goals"] if (g["goal"], g["period"]) == ("org-scores", "2025-Q1"))
    assert (goal["status"], goal["value"]) == ("missed", 67.5)
    assert goal["accountable"]["people"] == [{"id": "tom", "name": "Tom Tran"}]
    columns = data["metrics"]["columns"]
    rows = [dict(zip(columns, row, strict=True)) for row in data["metrics"]["rows"]]
    assert not [r for r in rows if r["learners"] == 1]  # min_group_size is 2
    july = branch_json(deployed.project, "2025-Q3/snapshot.json")
    rows = [dict(zip(columns, row, strict=True)) for row in july["metrics"]["rows"]]
    small = [r for r in rows if r["period"] == "2025-Q3" and r["learners"] is None]
    assert ("department", "Sales") in {(r["scope"], r["member"]) for r in small}  # L7 alone
    for row in small:
        assert row["completion_rate"] is None and row["enrollments"] is None, row
    text = json.dumps(data)
    assert not any(f'"L{i}"' in text for i in range(1, 10)), "a learner id was stored"


def test_snapshot_json_records_the_commit_it_was_made_from(deployed: Deployed) -> None:
    data = branch_json(deployed.project, "2025-Q2/snapshot.json")
    first_commit = git(deployed.project, "rev-list", "--max-parents=0", "HEAD").strip()
    assert data["source"] == {"commit": first_commit, "dirty": False, "changed": []}


def test_a_snapshot_of_uncommitted_changes_warns_and_says_so(
    deployed: Deployed, tmp_path: Path
) -> None:
    project = tmp_path / "dirty"
    shutil.copytree(deployed.project, project, symlinks=True)
    goals = project / "config" / "goals.yaml"
    goals.write_text(goals.read_text() + "\n# an edit not committed\n")
    result = invoke("snapshot", "2025-Q3", "--name", "pr-2", "--hidden", "--project", str(project))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1].startswith(
        "warning: the snapshot was made from a work tree with changes not committed "
        "(config/goals.yaml); snapshot.json records it (source.dirty: true)."
    ), result.stderr
    source = branch_json(project, "pr-2/snapshot.json")["source"]
    assert source["dirty"] is True and source["changed"] == ["config/goals.yaml"]


def test_data_after_the_quarter_end_changes_nothing(deployed: Deployed, tmp_path: Path) -> None:
    stored = branch_json(deployed.project, "2025-Q1/snapshot.json")
    del stored["source"]  # the commit it was made from: not a figure
    late = make_project(tmp_path)
    with (late / "data" / "lms.csv").open("a") as export:
        export.write(LATE_ROWS)
    assert snapshot_data(build_report(late, as_of=Quarter(2025, 1)), "2025-Q1") == stored
    later = snapshot_data(build_report(late, as_of=Quarter(2025, 2)), "2025-Q2")
    assert later != branch_json(deployed.project, "2025-Q2/snapshot.json")  # the rows count


def test_a_re_enrolment_after_the_quarter_end_changes_nothing(
    deployed: Deployed, tmp_path: Path
) -> None:
    stored = branch_json(deployed.project, "2025-Q1/snapshot.json")
    late = make_project(tmp_path)
    with (late / "data" / "lms.csv").open("a") as export:
        export.write(RE_ENROLMENT)
    assert (
        snapshot_data(build_report(late, as_of=Quarter(2025, 1)), "2025-Q1")["kpis"]
        == stored["kpis"]
    )


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def test_redeploying_needs_force(deployed: Deployed) -> None:
    result = invoke("snapshot", "2025-Q2", "--project", str(deployed.project))
    assert result.exit_code == 1
    assert result.stderr == (
        "error: snapshot '2025-Q2' already exists (2025-Q2 (as of 2025-06-30)); snapshots are "
        "immutable: pass --force to replace it\n"
    )


def test_force_replaces_a_snapshot(deployed: Deployed) -> None:
    result = invoke(
        "snapshot",
        "2025-Q1",
        "--force",
        "--title",
        "Q1 close",
        "--project",
        str(deployed.project),
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Replaced Q1 close on gh-pages as 2025-Q1: ")
    titles = {v["version"]: v["title"] for v in branch_json(deployed.project, "versions.json")}
    assert titles["2025-Q1"] == "Q1 close"
    assert titles["2025-Q3"] == "2025-Q3 (as of 2025-09-30)"


def test_a_project_outside_git_is_refused(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    result = invoke("snapshot", "2025-Q1", "--project", str(project))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {project}: not a git repository; snapshots are deployed to a branch of the "
        "project's repository: run `git init && git add . && git commit -m 'report'` there "
        "first\n"
    )


def test_a_period_must_be_a_quarter(deployed: Deployed) -> None:
    result = invoke("snapshot", "2025-13", "--project", str(deployed.project))
    assert result.exit_code == 1
    assert result.stderr == (
        "error: '2025-13' is not a fiscal quarter; write it like 2026-Q3 (the snapshot is the "
        "report as of that quarter's last day)\n"
    )


def test_only_snapshots_have_the_version_menu(deployed: Deployed) -> None:
    """A plain build would fetch a versions.json that is not there; snapshots read mike's."""
    plain = (deployed.project / "mkdocs.yml").read_text()
    assert "provider: mike" not in plain
    page = git(deployed.project, "show", "gh-pages:2025-Q1/index.html")
    assert '"provider":"mike"' in page.replace(" ", "")


def test_diff_of_two_real_snapshots(deployed: Deployed) -> None:
    result = invoke("diff", "2025-Q1", "board", "--project", str(deployed.project))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "### Training report: 2025-Q1 (as of 2025-03-31) → 2025-Q2 (as of 2025-06-30)\n"
    )
    # As of 2025-Q2 the org has one score in 2025-Q2 (fewer than the tiny project's 2): its
    # average is hidden, and with it C1's 2025-Q1 average (FY2025's would give it away).
    assert (
        "| Learners score well (org-scores) | org | missed (2025-Q1) | no data (2025-Q2) | "
        "Tom Tran (training-manager) |"
    ) in result.stdout
    as_json = json.loads(
        invoke(
            "diff", "2025-Q1", "board", "--format", "json", "--project", str(deployed.project)
        ).stdout
    )
    assert [g["goal"] for g in as_json["goals"]] == ["mandatory-scores", "org-scores"]
    assert {f["id"] for f in as_json["findings_new"]} >= {"budget-2025-q2"}


def test_diff_against_the_current_build(deployed: Deployed) -> None:
    result = invoke(
        "diff", "latest", "current", "--as-of", "2025-Q3", "--project", str(deployed.project)
    )
    assert result.exit_code == 0, result.output
    assert "No goal changed status" in result.stdout


def test_diff_of_an_unknown_snapshot(deployed: Deployed) -> None:
    result = invoke("diff", "2023-Q1", "latest", "--project", str(deployed.project))
    assert result.exit_code == 1
    assert result.stderr == (
        "error: no snapshot named '2023-Q1'; known versions and aliases: 2025-Q1, 2025-Q2, "
        "2025-Q3, board, latest, pr-1\n"
    )


@pytest.fixture(scope="module")
def published(deployed: Deployed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("publish") / "www"
    result = invoke("publish", "--to", str(target), "--project", str(deployed.project))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Published 4 version(s), ")
    assert result.stdout.endswith(f"files, to {target} (default: 2025-Q3)\n")
    return target


def test_publish_writes_plain_files(published: Path) -> None:
    assert not [p for p in published.rglob("*") if p.is_symlink()]
    for version in ("2025-Q3", "2025-Q2", "2025-Q1", "pr-1"):
        assert (published / version / "index.html").is_file()
        assert (published / version / "snapshot.json").is_file()
    assert (published / "latest" / "goals.html").is_file()  # an alias: redirect pages
    assert "2025-Q3 (as of 2025-09-30)" in (published / "versions.json").read_text()
    assert "latest/" in (published / "index.html").read_text()


def test_publish_refuses_a_directory_it_did_not_write(deployed: Deployed, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    # A versions.json does not make a directory ours: mike and other tools write one too.
    (tmp_path / "versions.json").write_text("[]")
    result = invoke("publish", "--to", str(tmp_path), "--project", str(deployed.project))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {tmp_path}: not empty and not written by `accountability publish` (it has no "
        ".accountability-publish); choose an empty or new directory (if an earlier "
        "`accountability publish` wrote it, before it left the marker, create an empty "
        ".accountability-publish in it)\n"
    )
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_publish_replaces_its_own_earlier_publish(published: Path, deployed: Deployed) -> None:
    assert (published / ".accountability-publish").is_file()
    (published / "stale.html").write_text("from an earlier publish")
    result = invoke("publish", "--to", str(published), "--project", str(deployed.project))
    assert result.exit_code == 0, result.output
    assert not (published / "stale.html").exists()
    assert (published / ".accountability-publish").is_file()


@pytest.mark.browser
def test_the_version_menu_switches_between_quarters(published: Path) -> None:
    require_chromium()
    with serve_directory(published) as base, open_browser() as (context, offline):
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base)
        page.wait_for_url("**/2025-Q3/index.html")
        page.wait_for_selector(".md-version__current")
        assert page.inner_text(".md-version__current").startswith("2025-Q3 (as of 2025-09-30)")
        links = page.locator(".md-version__list .md-version__link")
        titles = [t.strip() for t in links.all_inner_texts()]
        # Newest first; 2025-Q1 may carry the title test_force_replaces_a_snapshot gave it.
        assert titles[:2] == ["2025-Q3 (as of 2025-09-30)", "2025-Q2 (as of 2025-06-30)"]
        assert len(titles) == 3, titles
        assert not any("pr-1" in t for t in titles)
        page.hover(".md-version")
        page.click(".md-version__link:has-text('2025-Q2')")
        page.wait_for_url("**/2025-Q2/**")
        page.wait_for_selector(".md-version__current")
        assert page.inner_text(".md-version__current").startswith("2025-Q2 (as of 2025-06-30)")
        page.hover(".md-version")
        page.click(".md-version__link:has-text('2025-Q3')")
        page.wait_for_url("**/2025-Q3/**")
        page.close()
        assert errors == []
        assert offline.blocked == []


@pytest.mark.browser
def test_board_pack_of_a_snapshot(deployed: Deployed, tmp_path: Path) -> None:
    """A version on the branch (here by its alias) is printed, not the working tree's site."""
    require_chromium()
    from pypdf import PdfReader

    out = tmp_path / "board.pdf"
    result = invoke("board-pack", "board", "--project", str(deployed.project), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {out}: Tiny Co as of 2025-06-30, ")
    reader = PdfReader(out)
    cover = reader.pages[0].extract_text()
    assert "Version: 2025-Q2 (as of 2025-06-30)" in cover
    assert "Report date: 2025-06-30" in cover
    assert len(reader.pages) > 2 + len(build_report(deployed.project).project.roles)


def test_board_pack_of_an_unknown_snapshot(deployed: Deployed, tmp_path: Path) -> None:
    result = invoke(
        "board-pack", "2019-Q1", "--project", str(deployed.project), "--out", str(tmp_path / "x")
    )
    assert result.exit_code == 1
    assert result.output.startswith("error: no snapshot named '2019-Q1'")


@pytest.mark.browser
def test_switching_version_keeps_the_page_and_old_ones_say_so(published: Path) -> None:
    require_chromium()
    with serve_directory(published) as base, open_browser() as (context, offline):
        page = context.new_page()
        page.goto(f"{base}2025-Q3/goals.html")
        page.wait_for_selector(".md-version__current")
        banner = page.locator("[data-md-component=outdated]")
        assert banner.count() == 1 and banner.is_hidden()  # the latest is not outdated

        page.hover(".md-version")
        page.click(".md-version__link:has-text('2025-Q2')")
        page.wait_for_url("**/2025-Q2/goals.html")  # the same page, not the version's home
        page.wait_for_selector("[data-md-component=outdated]:not([hidden])")
        assert "earlier quarter's snapshot" in banner.inner_text()
        banner.locator("a").click()
        page.wait_for_url("**/2025-Q3/index.html")  # the root opens the default version
        page.close()
        assert offline.blocked == []


def test_a_quarters_person_pages_compare_with_the_quarter_before(deployed: Deployed) -> None:
    slug = next(
        p.removeprefix("2025-Q3/people/").removesuffix(".html")
        for p in git(deployed.project, "ls-tree", "-r", "--name-only", "gh-pages").split()
        if p.startswith("2025-Q3/people/") and not p.endswith("index.html")
    )
    later = git(deployed.project, "show", f"gh-pages:2025-Q3/people/{slug}.html")
    assert "Compared with the snapshot 2025-Q2 (as of 2025-06-30):" in later
    first = git(deployed.project, "show", f"gh-pages:2025-Q2/people/{slug}.html")
    assert "No earlier snapshot to compare with." in first
