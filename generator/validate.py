"""``accountability validate``: the config checked and the LMS rows counted, as one result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.config import Project, load_project
from generator.errors import Problem, ProblemsFound
from generator.ingest import Ingested


@dataclass
class ValidationResult:
    problems: list[Problem] = field(default_factory=list)
    project: Project | None = None
    ingested: Ingested | None = None

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
            f"{c['goals']} goals, {c['budget_periods']} budget periods",
        ]
        if self.ingested is not None:
            lines.append(
                f"  LMS rows: {c['rows_read']:,} read, {c['rows_loaded']:,} loaded, "
                f"{c['rows_merged']:,} merged, {c['rows_rejected']:,} rejected "
                f"from {c['sources']} source(s)"
            )
            for source in self.ingested.report.sources:
                for reason, detail in sorted(source.reasons.items()):
                    lines.append(
                        f"    {source.path}: {detail.count:,} rejected: {reason} "
                        f"(lines {', '.join(map(str, detail.lines))})"
                    )
                for note in source.notes:
                    lines.append(f"    {source.path}: {note}")
        return lines


def validate_project(
    project_dir: Path, *, strict: bool = False, engine: str | None = None
) -> ValidationResult:
    """``engine`` spark reads the sources as a spark build would (default: project.yaml's)."""
    from generator.report import engine_name, read_data

    result = ValidationResult()
    try:
        result.project = load_project(project_dir)
        result.ingested, _ = read_data(result.project, engine_name(engine))
    except ProblemsFound as exc:
        result.problems = list(exc.problems)
        return result
    if strict:
        for source in result.ingested.report.sources:
            for reason, detail in source.reasons.items():
                line = detail.lines[0] if detail.lines else 0
                result.problems.append(
                    Problem(
                        source.path,
                        line,
                        f"{detail.count} row(s) rejected: {reason} (--strict makes this an error)",
                    )
                )
    return result
