"""The person pages' trend: an earlier snapshot compared with the report being built, by the
same rules as ``diff`` (generator/versions/diff.py), handed to the pages as ``Since``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from generator.commands.diff import load_snapshot
from generator.config import Person
from generator.pages import GoalTrend, Since
from generator.pages.formatting import Formatter
from generator.report import Report
from generator.versions.diff import Snapshot, goal_changes, headline_goals
from generator.versions.digest import their_goals
from generator.versions.model import Versions
from generator.versions.snapshot import goal_data


def since_snapshot(
    project_dir: Path, identifier: str, report: Report, *, branch: str, remote: str = "origin"
) -> Since:
    """``identifier`` (a version, an alias or a snapshot.json) compared with ``report``."""
    before = load_snapshot(project_dir, identifier, branch=branch, remote=remote)
    return compare(before, {"goals": current_goals(report)}, report.project.people)


def current_goals(report: Report) -> list[dict[str, Any]]:
    """The report's goal results as snapshot.json records them: all the comparison reads (the
    whole snapshot data would format every metric table for nothing)."""
    settings = report.project.settings
    fmt = Formatter(settings.currency, settings.min_group_size)
    return [goal_data(r, report.project, fmt) for r in report.goals]


def previous_release(versions: Versions, quarter_label: str) -> str | None:
    """The newest quarter's snapshot before ``quarter_label``: what a snapshot compares with."""
    earlier = [
        v for v in versions if v.is_release and v.quarter and v.quarter.label < quarter_label
    ]
    return (
        max(earlier, key=lambda v: v.quarter.label if v.quarter else "").name if earlier else None
    )


def compare(before: Snapshot, after: Snapshot, people: Iterable[Person]) -> Since:
    """Per person who holds a role: how many of their goal results the two snapshots have
    (the latest per goal, member and kind of period) and those whose status changed."""
    compared: dict[str, int] = {}
    changed: dict[str, tuple[GoalTrend, ...]] = {}
    for person in people:
        if not person.roles:
            continue
        old = their_goals(before.get("goals", []), person.id)
        new = their_goals(after.get("goals", []), person.id)
        compared[person.id] = len(set(headline_goals(old)) | set(headline_goals(new)))
        changed[person.id] = tuple(
            GoalTrend(
                goal=c.goal,
                title=c.title,
                member=c.member,
                before_period=c.before_period,
                before_status=c.before_status,
                after_period=c.after_period,
                after_status=c.after_status,
            )
            for c in goal_changes(old, new)
        )
    return Since(
        title=str(before.get("version", "")),
        report_date=str(before.get("report_date", "")),
        compared=compared,
        changed=changed,
    )
