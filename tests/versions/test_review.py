"""The snapshot diff on hand-made snapshot data, its Markdown and JSON, and on the demo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.domain.periods import Quarter
from generator.versions.diff import Thresholds, diff_snapshots, to_json, to_markdown


def goal(goal_id: str, member: str, period: str, status: str, **extra: Any) -> dict[str, Any]:
    return {
        "goal": goal_id,
        "title": f"Goal {goal_id}",
        "scope": "course",
        "member": member,
        "period": period,
        "status": status,
        "accountable": {
            "role": "training-manager",
            "people": [{"id": "tom", "name": "Tom Tran"}],
            "group": None,
        },
        **extra,
    }


def finding(finding_id: str, title: str) -> dict[str, Any]:
    return {
        "id": finding_id,
        "title": title,
        "points_at": [
            {"role": "course-developer", "people": [{"id": "a", "name": "Studio A"}], "group": None}
        ],
    }


def snap(version: str, period: str, **parts: Any) -> dict[str, Any]:
    return {
        "version": version,
        "report_date": {"2026-Q2": "2025-09-30", "2026-Q3": "2025-12-31"}[period],
        "period": period,
        "currency": "EUR",
        "min_group_size": 5,
        "kpis": {},
        "goals": [],
        "findings": [],
        "courses": [],
        **parts,
    }


BEFORE = snap(
    "2026-Q2",
    "2026-Q2",
    kpis={"completion_rate": 0.80, "average_score": 70.0, "spend": 1000.0, "enrollments": 100},
    goals=[
        goal("completion", "C1", "2026-Q1", "met"),
        goal("completion", "C1", "2026-Q2", "met"),
        goal("completion", "C2", "2026-Q2", "missed"),
        goal("scores", "C1", "FY2026", "at risk"),
    ],
    findings=[finding("budget-2026-q1", "2026-Q1 under-spent"), finding("time-c1", "C1 slow")],
    courses=[
        {"id": "C1", "title": "Safety", "developer": "a"},
        {"id": "C2", "title": "Old course", "developer": "a"},
    ],
)
AFTER = snap(
    "2026-Q3",
    "2026-Q3",
    kpis={"completion_rate": 0.74, "average_score": 71.0, "spend": 1200.0, "enrollments": 104},
    goals=[
        goal("completion", "C1", "2026-Q2", "met"),
        goal("completion", "C1", "2026-Q3", "missed"),
        goal("completion", "C3", "2026-Q3", "met"),
        goal("scores", "C1", "FY2026", "at risk"),
    ],
    findings=[finding("time-c1", "C1 slow"), finding("dropoff-c3", "C3 | drop <off>")],
    courses=[
        {"id": "C1", "title": "Safety", "developer": "a"},
        {"id": "C3", "title": "New *course*", "developer": "b"},
    ],
)


def test_goal_status_changes_compare_each_snapshots_latest_period() -> None:
    diff = diff_snapshots(BEFORE, AFTER)
    changes = [
        (g.goal, g.member, g.before_status, g.after_status, g.after_period) for g in diff.goals
    ]
    assert changes == [
        ("completion", "C1", "met", "missed", "2026-Q3"),  # worst first
        ("completion", "C3", None, "met", "2026-Q3"),  # new course: no earlier status
        ("completion", "C2", "missed", None, None),  # course removed
    ]
    assert diff.goals[0].accountable == ("Tom Tran",)
    assert diff.goals[0].accountable_role == "training-manager"


def test_kpis_move_by_points_for_rates_and_percent_otherwise() -> None:
    diff = diff_snapshots(BEFORE, AFTER)
    assert [(k.metric, round(k.change, 4)) for k in diff.kpis] == [
        ("completion_rate", -0.06),  # 6 points >= 5
        ("spend", 200.0),  # 20% >= 10%; score +1.4% and enrolments +4% stay below
    ]
    loose = diff_snapshots(BEFORE, AFTER, Thresholds(points=0.10, relative=0.25))
    assert loose.kpis == ()
    tight = diff_snapshots(BEFORE, AFTER, Thresholds(points=0.01, relative=0.01))
    assert [k.metric for k in tight.kpis] == [
        "enrollments",
        "completion_rate",
        "average_score",
        "spend",
    ]


def test_courses_and_findings_added_and_removed() -> None:
    diff = diff_snapshots(BEFORE, AFTER)
    assert [(c.id, c.title) for c in diff.courses_added] == [("C3", "New *course*")]
    assert [c.id for c in diff.courses_removed] == ["C2"]
    assert [f.id for f in diff.findings_new] == ["dropoff-c3"]
    assert [f.id for f in diff.findings_resolved] == ["budget-2026-q1"]
    assert diff.findings_new[0].detail == "course-developer: Studio A"


def test_markdown_is_a_pull_request_comment() -> None:
    markdown = to_markdown(diff_snapshots(BEFORE, AFTER))
    assert markdown == (
        "### Training report: 2026-Q2 (as of 2025-09-30) → 2026-Q3 (as of 2025-12-31)\n"
        "\n"
        "**Goals whose status changed** (3)\n"
        "\n"
        "| goal | for | 2026-Q2 | 2026-Q3 | accountable |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| Goal completion (completion) | C1 | met (2026-Q2) | missed (2026-Q3) | Tom Tran (training-manager) |\n"
        "| Goal completion (completion) | C3 | — | met (2026-Q3) | Tom Tran (training-manager) |\n"
        "| Goal completion (completion) | C2 | missed (2026-Q2) | — | Tom Tran (training-manager) |\n"
        "\n"
        "**KPIs that moved** (organisation, 2026-Q2 → 2026-Q3; threshold 5 points for rates, 10% otherwise)\n"
        "\n"
        "| KPI | 2026-Q2 | 2026-Q3 | change |\n"
        "| --- | ---: | ---: | ---: |\n"
        "| Completion rate | 80.0% | 74.0% | ▼ 6.0 pp |\n"
        "| Spend | EUR 1,000 | EUR 1,200 | ▲ EUR 200 |\n"
        "\n"
        "**Courses added** (1)\n"
        "\n"
        "- New \\*course\\* (C3) → b\n"
        "\n"
        "**Courses removed** (1)\n"
        "\n"
        "- Old course (C2) → a\n"
        "\n"
        "**New findings** (1)\n"
        "\n"
        "- C3 &#124; drop &lt;off&gt; (dropoff-c3) → course-developer: Studio A\n"
        "\n"
        "**Resolved findings** (1)\n"
        "\n"
        "- 2026-Q1 under-spent (budget-2026-q1) → course-developer: Studio A\n"
    )


def test_no_changes_say_so() -> None:
    markdown = to_markdown(diff_snapshots(AFTER, {**AFTER, "version": "current"}))
    assert markdown.endswith(
        "No goal changed status, no KPI moved more than the threshold (5 points for rates, "
        "10% otherwise), no course was added or removed and no finding is new or resolved.\n"
    )


def test_json_form_holds_every_part() -> None:
    data = json.loads(to_json(diff_snapshots(BEFORE, AFTER)))
    assert data["before"] == {"name": "2026-Q2", "period": "2026-Q2", "report_date": "2025-09-30"}
    assert data["goals"][0]["accountable"] == ["Tom Tran"]
    assert data["kpis"][0] == {
        "after": 0.74,
        "before": 0.8,
        "change": pytest.approx(-0.06),
        "label": "Completion rate",
        "metric": "completion_rate",
    }
    assert data["thresholds"] == {"points": 0.05, "relative": 0.1}


@pytest.mark.slow
def test_two_demo_snapshots_name_a_changed_goal_and_who_answers_for_it(repo: Path) -> None:
    """The demo's 2026-Q2 and 2026-Q3 quarters, as their snapshots store them."""
    from generator.report import build_report
    from generator.versions.snapshot import snapshot_data

    before = snapshot_data(build_report(repo, as_of=Quarter(2026, 2)), "2026-Q2")
    after = snapshot_data(build_report(repo, as_of=Quarter(2026, 3)), "2026-Q3")
    diff = diff_snapshots(before, after)
    assert diff.goals, "no goal changed status between the demo's quarters"
    assert all(g.accountable for g in diff.goals)
    budget = [g for g in diff.goals if g.goal.startswith("budget")]
    assert budget and budget[0].accountable_role == "ld-manager"
    markdown = to_markdown(diff)
    assert "**Goals whose status changed**" in markdown
