"""A digest per accountable person of what changed between two snapshots: their goals whose
status changed, their goals missed now, the findings new or resolved that point at them, and
their actions due or overdue. Pure: two snapshot dicts (snapshot.py) and the people in, the
files out, ``{file name: text}``: ``<slug>.md`` and ``<slug>.html``, a self-contained HTML
e-mail body (inline CSS only, no external resource, no script) for any mailer.

A person with nothing to report gets a short "nothing changed" digest, so that every
accountable person hears from each snapshot.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator.domain.catalog import METRICS
from generator.domain.paths import slugs
from generator.pages.formatting import Formatter, text
from generator.report.goals import MISSED
from generator.versions.diff import (
    GoalChange,
    Item,
    ResponseItem,
    Snapshot,
    SnapshotDiff,
    finding_items,
    goal_changes,
    headline_goals,
    side_label,
    status_text,
)


@dataclass(frozen=True)
class Digest:
    """What one person's digest says."""

    person: str
    name: str
    goals_changed: tuple[GoalChange, ...]
    goals_missed: tuple[Mapping[str, Any], ...]
    findings_new: tuple[Item, ...]
    findings_resolved: tuple[Item, ...]
    actions_overdue: tuple[ResponseItem, ...]
    actions_due: tuple[ResponseItem, ...]

    @property
    def empty(self) -> bool:
        return not (
            self.goals_changed
            or self.goals_missed
            or self.findings_new
            or self.findings_resolved
            or self.actions_overdue
            or self.actions_due
        )


def snapshot_people(snapshot: Snapshot) -> list[dict[str, Any]]:
    """The people who hold a role as a snapshot records them (none before format 2)."""
    return [dict(p) for p in snapshot.get("people", [])]


def _involves(person: str, assignments: Iterable[Mapping[str, Any]]) -> bool:
    return any(person == p.get("id") for a in assignments for p in a.get("people", []))


def their_goals(goals: Iterable[Mapping[str, Any]], person: str) -> list[Mapping[str, Any]]:
    """Goal results the person is accountable or responsible for."""
    return [
        g
        for g in goals
        if _involves(person, [g.get("accountable") or {}, *g.get("responsible", [])])
    ]


def _their_findings(snapshot: Snapshot, person: str) -> dict[str, Mapping[str, Any]]:
    return {
        f["id"]: f
        for f in snapshot.get("findings", [])
        if _involves(person, f.get("points_at", []))
    }


def person_digest(
    before: Snapshot, after: Snapshot, diff: SnapshotDiff, person: str, name: str
) -> Digest:
    old_goals = their_goals(before.get("goals", []), person)
    new_goals = their_goals(after.get("goals", []), person)
    missed = sorted(
        (g for g in headline_goals(new_goals).values() if g["status"] == MISSED),
        key=lambda g: (str(g["goal"]), str(g["member"]), str(g["period"])),
    )
    old_findings, new_findings = _their_findings(before, person), _their_findings(after, person)
    mine = (person,)
    return Digest(
        person=person,
        name=name,
        goals_changed=goal_changes(old_goals, new_goals),
        goals_missed=tuple(missed),
        findings_new=finding_items(new_findings, set(new_findings) - set(old_findings)),
        findings_resolved=finding_items(old_findings, set(old_findings) - set(new_findings)),
        actions_overdue=tuple(a for a in diff.actions_overdue if _theirs(a, mine)),
        actions_due=tuple(a for a in diff.actions_due if _theirs(a, mine)),
    )


def _theirs(action: ResponseItem, person: Sequence[str]) -> bool:
    return action.person in person or action.owner in person


def digest_files(
    before: Snapshot, after: Snapshot, diff: SnapshotDiff, people: Iterable[Mapping[str, Any]]
) -> dict[str, str]:
    """``{<slug>.md: Markdown, <slug>.html: HTML}`` for every person who holds a role."""
    holders = {str(p["id"]): str(p.get("name") or p["id"]) for p in people if p.get("roles")}
    names = slugs("person", holders)
    members = _member_names(after, holders)
    files: dict[str, str] = {}
    for person in sorted(holders):
        digest = person_digest(before, after, diff, person, holders[person])
        files[f"{names[person]}.md"] = to_markdown(digest, diff, members)
        files[f"{names[person]}.html"] = to_html(digest, diff, members)
    return files


def _member_names(snapshot: Snapshot, people: Mapping[str, str]) -> dict[str, str]:
    """A goal's scope member (a course id, a person id) -> the name to show."""
    names = {str(c["id"]): str(c.get("title") or c["id"]) for c in snapshot.get("courses", [])}
    names.update(people)
    names["org"] = "Organisation"
    return names


# --- what each section lists, as rows of plain text --------------------------------------


def _sections(
    digest: Digest, diff: SnapshotDiff, members: Mapping[str, str]
) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, headers, rows) of each section that has rows; plain text, escaped by the
    renderer of each format."""
    after = side_label(diff.after)
    fmt = Formatter(diff.currency, diff.min_group_size)
    action_headers = ["responds to", "cause", "action", "owner", "due"]
    sections = [
        (
            "Your goals whose status changed",
            ["goal", "for", diff.before.name, diff.after.name],
            [
                [
                    f"{g.title} ({g.goal})",
                    members.get(g.member, g.member),
                    status_text(g.before_period, g.before_status),
                    status_text(g.after_period, g.after_status),
                ]
                for g in digest.goals_changed
            ],
        ),
        (
            f"Your goals missed in {diff.after.name}",
            ["goal", "for", "period", "value", "target"],
            [
                [
                    f"{g['title']} ({g['goal']})",
                    members.get(str(g["member"]), str(g["member"])),
                    str(g["period"]),
                    _value(g, fmt),
                    str(g.get("target", "")),
                ]
                for g in digest.goals_missed
            ],
        ),
        (
            "New findings pointing at you",
            ["finding", "points at"],
            [[f"{i.title} ({i.id})", i.detail] for i in digest.findings_new],
        ),
        (
            "Resolved findings that pointed at you",
            ["finding", "pointed at"],
            [[f"{i.title} ({i.id})", i.detail] for i in digest.findings_resolved],
        ),
        (
            f"Your actions overdue on {after}",
            action_headers,
            [_action_row(a) for a in digest.actions_overdue],
        ),
        (
            f"Your actions due within {diff.due_within_days} days of {after}",
            action_headers,
            [_action_row(a) for a in digest.actions_due],
        ),
    ]
    return [s for s in sections if s[2]]


def _value(goal: Mapping[str, Any], fmt: Formatter) -> str:
    value, metric = goal.get("value"), str(goal.get("metric", ""))
    if value is None:
        return "—"
    return fmt.value(metric, float(value)) if metric in METRICS else f"{float(value):g}"


def _action_row(action: ResponseItem) -> list[str]:
    return [
        f"{action.title} ({action.subject})",
        action.cause,
        action.action,
        action.owner_name,
        action.due,
    ]


def _intro(digest: Digest, diff: SnapshotDiff) -> tuple[str, str]:
    """The title and the line under it."""
    title = f"Training report digest for {digest.name}"
    span = f"{side_label(diff.before)} → {side_label(diff.after)}"
    return title, span


NOTHING = (
    "Nothing changed for you: none of your goals changed status or is missed, no finding "
    "pointing at you is new or resolved, and none of your actions is due or overdue."
)


def to_markdown(digest: Digest, diff: SnapshotDiff, members: Mapping[str, str]) -> str:
    title, span = _intro(digest, diff)
    lines = [f"# {text(title)}", "", text(span), ""]
    sections = _sections(digest, diff, members)
    if not sections:
        lines += [NOTHING, ""]
    for heading, headers, rows in sections:
        lines += [
            f"## {text(heading)} ({len(rows)})",
            "",
            "| " + " | ".join(text(h) for h in headers) + " |",
            "|" + "|".join(" --- " for _ in headers) + "|",
        ]
        lines += ["| " + " | ".join(text(c) or "—" for c in row) + " |" for row in rows]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# Inline styles only: mail clients drop <style> blocks and never fetch a stylesheet.
_BODY = "margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;color:#1a1a1a;"
_H1 = "font-size:20px;margin:0 0 4px 0;"
_SPAN = "font-size:13px;color:#555;margin:0 0 16px 0;"
_H2 = "font-size:16px;margin:20px 0 8px 0;"
_TABLE = "border-collapse:collapse;width:100%;font-size:13px;"
_TH = "text-align:left;border-bottom:2px solid #999;padding:4px 8px;"
_TD = "border-bottom:1px solid #ddd;padding:4px 8px;vertical-align:top;"


def to_html(digest: Digest, diff: SnapshotDiff, members: Mapping[str, str]) -> str:
    """A complete HTML document for an e-mail body: every text escaped, styles inline."""
    esc = html.escape
    title, span = _intro(digest, diff)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        f"<title>{esc(title)}</title></head>",
        f'<body style="{_BODY}">',
        f'<h1 style="{_H1}">{esc(title)}</h1>',
        f'<p style="{_SPAN}">{esc(span)}</p>',
    ]
    sections = _sections(digest, diff, members)
    if not sections:
        parts.append(f"<p>{esc(NOTHING)}</p>")
    for heading, headers, rows in sections:
        parts += [
            f'<h2 style="{_H2}">{esc(heading)} ({len(rows)})</h2>',
            f'<table style="{_TABLE}">',
            "<tr>" + "".join(f'<th style="{_TH}">{esc(h)}</th>' for h in headers) + "</tr>",
            *(
                "<tr>" + "".join(f'<td style="{_TD}">{esc(c) or "—"}</td>' for c in row) + "</tr>"
                for row in rows
            ),
            "</table>",
        ]
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"
