"""The responses of accountable people (responses/<quarter>.yaml) as a Markdown table, for the
person pages and beside each goal on the goals page."""

from __future__ import annotations

from collections.abc import Iterable

from generator.config.responses import Response, action_state
from generator.pages.context import Context, Table
from generator.pages.formatting import link, text
from generator.report.goals import goal_anchor


def state_on_report_date(response: Response, ctx: Context) -> str:
    """done, open, or overdue (open and due before the report date)."""
    return action_state(response.status, response.due, ctx.metrics.report_date)


def responses_table(
    ctx: Context, responses: Iterable[Response], depth: int, *, subject: bool = True
) -> Table:
    """Each response: what it answers (a goal or a finding), who gives it, the cause, the
    action, its owner, its due date and its state; ``subject``: show the first column."""
    titles = {f.id: f.title for f in ctx.report.findings}
    rows = []
    for r in sorted(responses, key=lambda r: (r.due, r.subject, r.person)):
        answered = [_subject(ctx, r, titles, depth)] if subject else []
        rows.append(
            [
                *answered,
                ctx.person_page_link(r.person, depth),
                text(r.cause),
                text(r.action),
                ctx.person_page_link(r.owner, depth),
                r.due.isoformat(),
                state_on_report_date(r, ctx),
            ]
        )
    headers = ["Cause", "Action", "Owner", "Due", "State"]
    return Table([*(["Responds to"] if subject else []), "Given by", *headers], rows)


def _subject(ctx: Context, response: Response, titles: dict[str, str], depth: int) -> str:
    if response.goal is not None:
        goal = next((g for g in ctx.project.goals if g.id == response.goal), None)
        title = goal.title if goal else response.goal
        return "goal: " + link(title, f"{ctx.up(depth)}goals.md#{goal_anchor(response.goal)}")
    finding = response.finding or ""
    return f"finding: {text(titles.get(finding, finding))} ({text(finding)})"


def no_responses_note(ctx: Context) -> str:
    """What a page says when the report's quarter has no responses file ('' when it has)."""
    if ctx.report.responses is not None:
        return ""
    return (
        f"No responses for {ctx.report.quarter}: the project has no "
        f"responses/{ctx.report.quarter}.yaml (README: Responses)."
    )
