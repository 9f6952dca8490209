"""Person pages of the demo: each accountable person's goals this quarter, the findings that
point at them and their responses (responses/2026-Q4.yaml), linked from the role pages and the
goal tables; the response shown beside its goal."""

from __future__ import annotations

import dataclasses

import pytest
from paths import REPO

from generator.commands.since import compare
from generator.domain.periods import Quarter
from generator.pages import Context, navigation
from generator.pages.finding_text import finding_sentence
from generator.pages.formatting import text
from generator.pages.overview import goals_page
from generator.pages.people import involvement, people_pages, person_page
from generator.pages.roles import role_page
from generator.report import Report, build_report
from generator.versions.snapshot import snapshot_data


@pytest.fixture(scope="module")
def ctx(demo_report: Report) -> Context:
    return Context(demo_report)


def page_of(ctx: Context, person_id: str) -> str:
    person = ctx.project.person_by_id[person_id]
    return person_page(ctx, person, involvement(ctx, [person])[person_id]).markdown[
        f"people/{ctx.person_slug[person_id]}.md"
    ]


def test_a_department_head_sees_their_goals_findings_and_overdue_action(ctx: Context) -> None:
    md = page_of(ctx, "piotr-nowak")
    assert md.startswith("# Piotr Nowak\n")
    missed = [
        r
        for r in ctx.report.goals
        if "piotr-nowak" in r.accountable.people
        and r.period in (ctx.latest_quarter, ctx.latest_year)
        and r.status == "missed"
    ]
    assert missed  # the demo plants this department's misses (story 2)
    for result in missed:
        assert f"goals.md#{result.goal_id_anchor}" in md
    findings = [
        f for f in ctx.report.findings if any("piotr-nowak" in a.people for a in f.points_at)
    ]
    assert findings
    for finding in findings:
        assert text(finding_sentence(ctx, finding)) in md
    responses = md.split("## Responses (2026-Q4)")[1].split("## Trend")[0]
    assert "The shift rota leaves no paid time for mandatory courses." in responses
    # due 2026-02-28, open, and the report date is 2026-03-31
    assert "| 2026-02-28 | overdue |" in responses


def test_the_owner_of_an_action_sees_it_on_their_page(ctx: Context) -> None:
    md = page_of(ctx, "daniel-okafor")  # owns Maria Jensen's response on the vendor's cost
    row = next(line for line in md.splitlines() if "Renegotiate the BrightPath licence" in line)
    assert "[Maria Jensen](../people/maria-jensen.md)" in row
    assert "| 2026-04-10 | open |" in row


def test_a_quarter_without_responses_says_so(demo_report: Report) -> None:
    without = Context(dataclasses.replace(demo_report, responses=None))
    md = page_of(without, "maria-jensen")
    assert "No responses for 2026-Q4: the project has no responses/2026-Q4.yaml" in md


def test_every_role_holder_has_a_page_and_a_nav_entry(ctx: Context) -> None:
    pages = {path for part in people_pages(ctx) for path in part.markdown}
    holders = {f"people/{ctx.person_slug[p.id]}.md" for p in ctx.project.people if p.roles}
    assert pages == holders | {"people/index.md"}
    assert {"People": "people/index.md"} in navigation()


def test_role_pages_and_goal_tables_link_to_person_pages(ctx: Context) -> None:
    role = role_page(ctx, "department-head").markdown["roles/department-head.md"]
    assert "[Piotr Nowak](../people/piotr-nowak.md)" in role
    goals = goals_page(ctx).markdown["goals.md"]
    section = goals.split("{ #goal-mandatory-completion-by-department }")[1].split("\n## ")[0]
    assert "Responses (2026-Q4):" in section
    assert "Book two hours a month per shift for mandatory training." in section
    assert "[Piotr Nowak](people/piotr-nowak.md)" in section


def test_hostile_response_text_stays_text(demo_report: Report) -> None:
    responses = demo_report.responses
    assert responses is not None
    hostile = responses.responses[0].model_copy(
        update={"cause": "<img src=x onerror=alert(1)> | cell"}
    )
    report = dataclasses.replace(
        demo_report,
        responses=dataclasses.replace(responses, responses=(hostile, *responses.responses[1:])),
    )
    md = page_of(Context(report), hostile.person)
    assert "<img" not in md
    assert "| &lt;img src=x onerror=alert(1)&gt; &#124; cell |" in md


def test_a_person_page_shows_what_changed_since_a_snapshot(demo_report: Report) -> None:
    """Compared with the demo as of a year earlier (a snapshot.json of it), a person's goals
    whose status changed are listed with then and now; without one the page says how."""
    earlier = snapshot_data(build_report(REPO, as_of=Quarter(2025, 4)), "2025-Q4")
    now = snapshot_data(demo_report, "current")
    since = compare(earlier, now, demo_report.project.people)
    changed = since.changed["piotr-nowak"]
    assert changed and since.compared["piotr-nowak"] >= len(changed)

    ctx = Context(demo_report, since)
    md = page_of(ctx, "piotr-nowak")
    trend = md.split("## Trend since the last snapshot", 1)[1]
    assert trend.lstrip().startswith(
        f"Compared with the snapshot 2025-Q4 (as of {earlier['report_date']}): "
        f"{len(changed)} of their {since.compared['piotr-nowak']} goal results"
    )
    assert "| Goal | Scope | Then | Now |" in trend
    first = changed[0]
    assert text(first.title) in trend
    assert "No earlier snapshot" in page_of(Context(demo_report), "piotr-nowak")
