"""``accountability validate``: the config checked and the LMS rows counted, as one result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from generator.config import Project, load_project
from generator.domain.engines import EngineName
from generator.domain.errors import Problem, ProblemsFound
from generator.ingest import Ingested
from generator.ingest.canonical import Reason


@dataclass
class ValidationResult:
    problems: list[Problem] = field(default_factory=list)
    project: Project | None = None
    ingested: Ingested | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        if self.project is not None:
            p = self.project
            counts |= {
                "roles": len(p.roles),
                "people": len(p.people),
                "courses": len(p.courses),
                "goals": len(p.goals),
                "budget_periods": len(p.budgets),
                "sources": len(p.settings.sources),
                "requirements": len(p.requirements),
                "kpis": len(p.kpis),
            }
        if self.ingested is not None:
            r = self.ingested.report
            counts |= {
                "rows_read": r.rows_read,
                "rows_loaded": r.rows_loaded,
                "rows_merged": r.rows_merged,
                "rows_rejected": r.rows_rejected,
            }
        return counts

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "valid": self.valid,
            "problems": [p.as_dict() for p in self.problems],
            "counts": self.counts(),
            "warnings": list(self.warnings),
        }
        if self.ingested is not None:
            result["sources"] = self.ingested.report.as_dict()["sources"]
            result["status_counts"] = self.ingested.status_counts()
        return result

    def summary_lines(self) -> list[str]:
        if self.problems:
            return [f"error: {p}" for p in self.problems] + [
                f"{len(self.problems)} problem(s) found."
            ]
        c = self.counts()
        assert self.project is not None
        lines = [
            f"{self.project.settings.organisation}: valid",
            f"  {c['roles']} roles, {c['people']} people, {c['courses']} courses, "
            f"{c['goals']} goals, {c['budget_periods']} budget periods"
            + (
                f", {c['requirements']} competence requirements, {c['kpis']} KPIs"
                if c["requirements"] or c["kpis"]
                else ""
            ),
        ]
        if self.ingested is not None:
            lines.append(
                f"  LMS rows: {c['rows_read']:,} read, {c['rows_loaded']:,} loaded, "
                f"{c['rows_merged']:,} merged, {c['rows_rejected']:,} rejected "
                f"from {c['sources']} source(s)"
            )
            for source in self.ingested.report.sources:
                for what, reasons in (("rejected", source.reasons), ("merged", source.merges)):
                    for reason, detail in sorted(reasons.items()):
                        lines.append(
                            f"    {source.path}: {detail.count:,} {what}: {reason}"
                            f"{_first_lines(detail)}"
                        )
                for note in source.notes:
                    lines.append(f"    {source.path}: {note}")
        lines += [f"warning: {warning}" for warning in self.warnings]
        return lines


def validate_project(
    project_dir: Path, *, strict: bool = False, engine: EngineName | None = None
) -> ValidationResult:
    """``engine`` spark reads the sources as a spark build would (default: project.yaml's)."""
    from generator.report import read_data

    result = ValidationResult()
    try:
        result.project = load_project(project_dir)
        result.ingested, _ = read_data(result.project, engine)
    except ProblemsFound as exc:
        result.problems = list(exc.problems)
        return result
    try:
        _check_finding_responses(project_dir, result.project, result.ingested, engine)
    except ProblemsFound as exc:
        result.problems = list(exc.problems)
        return result
    result.warnings = [
        *result.ingested.report.warnings,
        *_date_warnings(result),
        *_workforce_warnings(result),
    ]
    if strict:
        for source in result.ingested.report.sources:
            for reason, detail in source.reasons.items():
                file, line = detail.first_place(source.path)
                result.problems.append(
                    Problem(
                        file,
                        line,
                        f"{detail.count} row(s) rejected: {reason} (--strict makes this an error)",
                    )
                )
    return result


def _check_finding_responses(
    project_dir: Path, project: Project, ingested: Ingested, engine: EngineName | None
) -> None:
    """A response of the report date's quarter to a finding: the findings exist only once the
    report is computed, so it is (only then) and an unknown id raises ``ProblemsFound``."""
    from generator.report import build_report, default_report_date

    quarter = project.calendar.quarter_of(default_report_date(project, ingested)).label
    responses = project.responses.get(quarter)
    if responses and any(r.finding is not None for r in responses.responses):
        build_report(project_dir, engine=engine)


def _first_lines(detail: Reason) -> str:
    """' (lines 4, 9)', or ' (lines a.jsonl:3, b.jsonl:1)' for a folder; '' without lines."""
    places = detail.places()
    return f" (lines {', '.join(places)})" if places else ""


def _workforce_warnings(result: ValidationResult) -> list[str]:
    """build's warnings about what workforce.yaml declares and no source gives."""
    from generator.report import workforce_warnings

    assert result.project is not None and result.ingested is not None
    tables = result.ingested.tables
    return workforce_warnings(
        result.project, _has_rows(tables.get("roster")), _has_rows(tables.get("kpis"))
    )


def _has_rows(table: object) -> bool:
    """A table of the ingest holds a row (a Spark DataFrame is asked for one, not counted)."""
    if table is None:
        return False
    if isinstance(table, pd.DataFrame):
        return not table.empty
    return bool(table.take(1))  # type: ignore[attr-defined]


def _date_warnings(result: ValidationResult) -> list[str]:
    """build's warning when the default report date leaves enrolments out (rows read by pandas;
    a Spark ingest's rows stay on the cluster and build says it instead)."""
    from generator.report import date_warning, default_report_date

    assert result.project is not None and result.ingested is not None
    rows = result.ingested.tables.get("enrollments")
    if not isinstance(rows, pd.DataFrame) or rows.empty:
        return []
    report_date = default_report_date(result.project, result.ingested)
    enrolled = rows["enrolled_on"]
    left_out = int((enrolled > pd.Timestamp(report_date)).sum())
    return date_warning(left_out, report_date, None, enrolled.min().date(), enrolled.max().date())
