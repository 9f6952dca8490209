"""A snapshot's figures as data (``snapshot.json`` beside each deployed version).

Pure: a :class:`~generator.report.Report` in, a JSON-ready dict out. Stored with the version so
later diffs compare without rebuilding history. No learner rows, only the aggregate tables the
pages show, read from the published metrics (generator/report/privacy.py): what a page hides is null
here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from generator.config import Project
from generator.domain.catalog import METRICS
from generator.pages.formatting import Formatter
from generator.report import Report
from generator.report.findings import Finding
from generator.report.goals import Assignment, GoalResult
from generator.report.metrics import Metrics
from generator.report.offerings import published_runs
from generator.report.workforce import HIDDEN, Workforce

# 2: adds ``people`` (who holds a role) and ``responses`` (the quarter's responses file);
# a format 1 snapshot has neither, and diff and digest read them as empty.
FORMAT = 2
FILE_NAME = "snapshot.json"
KEY_COLUMNS = ["scope", "member", "period", "learners"]


def snapshot_data(report: Report, version: str) -> dict[str, Any]:
    project, metrics = report.project, report.metrics
    settings = project.settings
    fmt = Formatter(settings.currency, settings.min_group_size)
    period = project.calendar.quarter_of(report.report_date).label
    return {
        "format": FORMAT,
        "version": version,
        "organisation": settings.organisation,
        "currency": settings.currency,
        # budgets.yaml says its budget and spend figures are invented (for illustration)
        "budgets_illustrative": project.budgets_illustrative,
        "report_date": report.report_date.isoformat(),
        "period": period,
        "min_group_size": settings.min_group_size,
        "kpis": org_kpis(metrics, period, fmt),
        "metrics": metric_table(metrics, fmt),
        "goals": [goal_data(r, project, fmt) for r in report.goals],
        "findings": [finding_data(f, project) for f in report.findings],
        # each course run as the course pages publish it (small runs hidden alike)
        "offerings": [
            run.as_record()
            for runs in published_runs(metrics, project.calendar, settings.min_group_size).values()
            for run in runs
        ],
        # the HR roster's tables as published (hidden figures null): the audit record of
        # compliance as of the report date; absent without a roster
        **({"workforce": workforce_data(report.workforce)} if not report.workforce.empty else {}),
        "people": [
            {"id": p.id, "name": p.name, "kind": p.kind, "roles": list(p.roles)}
            for p in sorted(project.people, key=lambda p: p.id)
            if p.roles
        ],
        "responses": responses_data(report),
        "courses": [
            {
                "id": c.id,
                "title": c.title,
                "developer": c.developer,
                "training_manager": c.training_manager,
                "mandatory": c.mandatory,
            }
            for c in sorted(project.courses, key=lambda c: c.id)
        ],
    }


def responses_data(report: Report) -> list[dict[str, Any]]:
    """The responses of the snapshot's quarter (responses/<quarter>.yaml) as they stood when
    it was taken, with the names and the title of what they answer, so that a diff needs
    nothing else."""
    if report.responses is None:
        return []
    project = report.project
    goals = {g.id: g.title for g in project.goals}
    findings = {f.id: f.title for f in report.findings}
    names = {p.id: p.name for p in project.people}
    records = [
        {
            "goal": r.goal,
            "finding": r.finding,
            "title": goals.get(r.goal, r.goal) if r.goal else findings.get(r.finding or "", ""),
            "person": r.person,
            "person_name": names.get(r.person, r.person),
            "cause": r.cause,
            "action": r.action,
            "owner": r.owner,
            "owner_name": names.get(r.owner, r.owner),
            "due": r.due.isoformat(),
            "status": r.status,
        }
        for r in report.responses.responses
    ]
    return sorted(
        records, key=lambda r: (r["due"], r["goal"] or "", r["finding"] or "", r["person"])
    )


def workforce_data(workforce: Workforce) -> dict[str, list[dict[str, Any]]]:
    """Each workforce table as records, numbers as JSON numbers and hidden ones null."""
    tables = {
        "reach": workforce.reach,
        "reach_by_role": workforce.reach_by_role,
        "course_reach": workforce.course_reach,
        "turnover": workforce.turnover,
        "new_hires": workforce.new_hires,
        "compliance": workforce.compliance,
        "coverage": workforce.coverage,
        "managers": workforce.managers,
        "kpi_effects": workforce.kpi_effects,
    }
    return {
        name: [
            {
                key: value if isinstance(value, str) else _number(value)
                for key, value in record.items()
                if key != HIDDEN
            }
            for record in frame.to_dict("records")
        ]
        for name, frame in tables.items()
    }


def dumps(data: Mapping[str, Any]) -> str:
    """Stable JSON: sorted keys, no NaN (null instead), a trailing newline."""
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def _number(value: object) -> float | int | None:
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if math.isnan(number) or math.isinf(number):
        return None
    return int(number) if number.is_integer() and abs(number) < 2**53 else round(number, 6)


def metric_names(metrics: Metrics) -> list[str]:
    return [name for name in METRICS if name in metrics.table.columns]


def org_kpis(metrics: Metrics, period: str, fmt: Formatter) -> dict[str, float | int | None]:
    """The organisation's figures for the snapshot's own quarter: the headline KPIs (as
    published: a hidden figure is null)."""
    row = metrics.row("org", "org", period)
    if row is None:
        return {}
    return {name: _number(row[name]) for name in metric_names(metrics)}


def metric_table(metrics: Metrics, fmt: Formatter) -> dict[str, Any]:
    """Every scope × member × period row of the published metric table (hidden figures null,
    as on the pages), column-wise names and row lists (compact)."""
    names = metric_names(metrics)
    records = metrics.table[KEY_COLUMNS + names].itertuples(index=False)
    rows = [
        [str(scope), str(member), str(period), *(_number(v) for v in values)]
        for scope, member, period, *values in records
    ]
    return {"columns": KEY_COLUMNS + names, "rows": rows}


def _people(assignment: Assignment, project: Project) -> dict[str, Any]:
    people = project.person_by_id
    return {
        "role": assignment.role,
        "people": [
            {"id": p, "name": people[p].name if p in people else p} for p in assignment.people
        ],
        "group": assignment.group,
    }


def goal_data(result: GoalResult, project: Project, fmt: Formatter) -> dict[str, Any]:
    learners = result.learners if result.value is not None else None
    return {
        "goal": result.goal_id,
        "title": result.title,
        "kind": result.kind,
        "metric": result.metric,
        "scope": result.scope,
        "member": result.member,
        "period": result.period,
        "status": result.status,
        "value": _number(result.value),
        "target": result.target,
        "learners": learners,
        "note": result.note,
        "accountable": _people(result.accountable, project),
        "responsible": [_people(a, project) for a in result.responsible],
    }


def finding_data(finding: Finding, project: Project) -> dict[str, Any]:
    return {
        "id": finding.id,
        "kind": finding.kind,
        "title": finding.title,
        "scope": finding.scope,
        "member": finding.member,
        "period": finding.period,
        "points_at": [_people(a, project) for a in finding.points_at],
        "evidence": {
            k: (_number(v) if not isinstance(v, str) else v)
            for k, v in sorted(finding.evidence.items())
        },
        "why": finding.why,
    }
