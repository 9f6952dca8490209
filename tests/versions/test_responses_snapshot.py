"""Responses frozen in real snapshots (a temporary git repository, mike): snapshot.json holds
the quarter's responses, ``diff`` lists them new and changed and the actions due and overdue,
a snapshot from before responses still diffs, and ``digest`` writes each accountable person a
Markdown file and a self-contained HTML e-mail in which a hostile cause stays text."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from paths import REPO, TINY
from project_helpers import git

from generator.cli import cli
from generator.commands import snapshot as snapshot_command

pytestmark = pytest.mark.slow

HOSTILE = "<img src=x onerror=alert(1)>"
Q1 = """\
responses:
  - goal: budget-use
    person: lisa
    cause: Courses were booked late.
    action: Book the Q2 courses in April.
    owner: lisa
    due: 2025-05-31
"""
# As of 2025-06-30: budget-use's action is overdue and changed, c1-completion's is due within
# 14 days, mandatory-scores' is done (so neither).
Q2 = f"""\
responses:
  - goal: budget-use
    person: lisa
    cause: Courses were booked late.
    action: Book the Q3 courses in May.
    owner: lisa
    due: 2025-06-15
  - goal: c1-completion
    person: tom
    cause: "{HOSTILE}"
    action: Shorten module 2.
    owner: dev-a
    due: 2025-07-10
  - goal: mandatory-scores
    person: dev-a
    cause: The quiz was too hard.
    action: Rewrite the quiz.
    owner: dev-a
    due: 2025-06-01
    status: done
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("responses")
    project = root / "project"
    shutil.copytree(TINY, project)
    shutil.copy(REPO / "generator" / "site" / "assets" / "mkdocs.yml", project / "mkdocs.yml")
    (project / "responses").mkdir()
    (project / "responses" / "2025-Q1.yaml").write_text(Q1)
    (project / "responses" / "2025-Q2.yaml").write_text(Q2)
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "the tiny project with responses")
    with pytest.MonkeyPatch.context() as env:
        for who in ("AUTHOR", "COMMITTER"):
            env.setenv(f"GIT_{who}_NAME", "Test")
            env.setenv(f"GIT_{who}_EMAIL", "test@example.org")
        snapshot_command.snapshot(project, "2025-Q1")
        snapshot_command.snapshot(project, "2025-Q2")
    yield project


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def snapshot_json(project: Path, version: str) -> Any:
    return json.loads(git(project, "show", f"gh-pages:{version}/snapshot.json"))


def test_the_snapshot_freezes_its_quarters_responses(project: Path) -> None:
    q1, q2 = snapshot_json(project, "2025-Q1"), snapshot_json(project, "2025-Q2")
    assert q1["format"] == q2["format"] == 2
    assert [r["action"] for r in q1["responses"]] == ["Book the Q2 courses in April."]
    assert [(r["goal"], r["due"], r["status"]) for r in q2["responses"]] == [
        ("mandatory-scores", "2025-06-01", "done"),
        ("budget-use", "2025-06-15", "open"),
        ("c1-completion", "2025-07-10", "open"),
    ]
    hostile = q2["responses"][2]
    assert hostile["cause"] == HOSTILE
    assert (hostile["person_name"], hostile["owner_name"]) == ("Tom Tran", "Studio A")
    assert {p["id"] for p in q2["people"]} == {"lisa", "tom", "dev-a", "dev-b"}


def test_diff_lists_responses_and_actions_due_and_overdue(project: Path) -> None:
    result = invoke("diff", "2025-Q1", "2025-Q2", "--project", str(project))
    assert result.exit_code == 0, result.output
    md = result.stdout
    overdue = md.split("**Actions overdue on 2025-Q2 (as of 2025-06-30)** (1)")[1].split("**")[0]
    assert "| The budget is used (goal:budget-use) | Lisa Lund | Book the Q3 courses" in overdue
    due = md.split("**Actions due within 14 days of 2025-Q2 (as of 2025-06-30)** (1)")[1]
    assert "Shorten module 2. | Studio A | 2025-07-10 | open |" in due.split("**")[0]
    assert "**New responses** (2)" in md
    assert "| open | action, due |" in md.split("**Changed responses** (1)")[1]

    as_json = json.loads(
        invoke("diff", "2025-Q1", "2025-Q2", "--format", "json", "--project", str(project)).stdout
    )
    assert [a["subject"] for a in as_json["actions_overdue"]] == ["goal:budget-use"]
    assert [a["subject"] for a in as_json["actions_due"]] == ["goal:c1-completion"]
    assert [r["subject"] for r in as_json["responses_new"]] == [
        "goal:mandatory-scores",
        "goal:c1-completion",
    ]
    assert [r["changed"] for r in as_json["responses_changed"]] == [["action", "due"]]
    # --due-within 5: 2025-07-10 is ten days after the report date
    short = json.loads(
        invoke(
            "diff", "2025-Q1", "2025-Q2", "--format", "json", "--due-within", "5",
            "--project", str(project),
        ).stdout
    )  # fmt: skip
    assert short["actions_due"] == [] and short["due_within_days"] == 5


def test_a_snapshot_from_before_responses_still_diffs(project: Path, tmp_path: Path) -> None:
    old = snapshot_json(project, "2025-Q1")
    old["format"] = 1
    del old["responses"], old["people"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    result = invoke("diff", str(path), "2025-Q2", "--format", "json", "--project", str(project))
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["responses_new"]) == 3


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_digests_per_person_are_self_contained(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "digests"
    result = invoke("digest", "2025-Q1", "2025-Q2", "--out", str(out), "--project", str(project))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        f"{who}.{ext}" for who in ("dev-a", "dev-b", "lisa", "tom") for ext in ("html", "md")
    ]
    tom = (out / "tom.html").read_text()
    # tom answers for c1-completion (his action is due) and is the one whose cause is hostile
    assert "&lt;img src=x onerror=alert(1)&gt;" in tom
    assert "<img" not in tom
    for page in out.glob("*.html"):
        parser = Tags()
        parser.feed(page.read_text())
        tags = {tag for tag, _ in parser.tags}
        assert tags <= {"html", "head", "meta", "title", "body", "h1", "h2", "p", "table", "tr",
                        "th", "td"}, page.name  # fmt: skip
        attributes = {name for _, attrs in parser.tags for name, _ in attrs}
        assert attributes <= {"lang", "charset", "style"}, page.name  # no src, href, on*
        assert "url(" not in page.read_text() and "@import" not in page.read_text()
    lisa = (out / "lisa.md").read_text()
    assert "## Your actions overdue on 2025-Q2 (as of 2025-06-30) (1)" in lisa
    assert "Book the Q3 courses in May." in lisa
    dev_b = (out / "dev-b.md").read_text()
    assert "Nothing changed for you" in dev_b


def test_a_second_digest_run_removes_the_digests_of_people_gone(
    project: Path, tmp_path: Path
) -> None:
    """Mailing everything in the folder must not send last quarter's digest to someone who no
    longer holds a role; files the run did not write are left alone."""
    out = tmp_path / "digests"
    out.mkdir()
    (out / "notes.md").write_text("mine")
    assert (
        invoke(
            "digest", "2025-Q1", "2025-Q2", "--out", str(out), "--project", str(project)
        ).exit_code
        == 0
    )
    listed = (out / ".accountability-digests").read_text().split()
    assert "tom.md" in listed and "notes.md" not in listed
    (out / ".accountability-digests").write_text("\n".join([*listed, "gone.md", "../x.md"]))
    (out / "gone.md").write_text("last quarter's")
    (tmp_path / "x.md").write_text("outside")
    assert (
        invoke(
            "digest", "2025-Q1", "2025-Q2", "--out", str(out), "--project", str(project)
        ).exit_code
        == 0
    )
    assert not (out / "gone.md").exists()
    assert (out / "notes.md").read_text() == "mine" and (tmp_path / "x.md").exists()
