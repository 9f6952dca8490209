"""Ingest: LMS exports into the canonical tables, every row accounted for.

``ingest(project)`` reads each source in project.yaml with the adapter its ``format`` names,
normalises the rows (canonical.normalise) and returns the tables with an ``IngestReport``.
"""

from __future__ import annotations

import glob
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from generator.errors import Problem, ProblemsFound
from generator.ingest.canonical import (
    TABLE_COLUMNS,
    Checks,
    SourceReport,
    empty_table,
    normalise,
)
from generator.ingest.canvas import read_canvas_gradebook
from generator.ingest.generic import read_generic
from generator.ingest.moodle import read_moodle_completion, read_moodle_grades, read_moodle_logs
from generator.ingest.openedx import read_openedx_grades
from generator.ingest.oulad import read_oulad
from generator.ingest.xapi import read_xapi

if TYPE_CHECKING:
    from generator.config import Project, Source

# An adapter reads one source file (or folder) into raw canonical tables.
Adapter = Callable[["Source", Path, str], dict[str, pd.DataFrame]]

ADAPTERS: dict[str, Adapter] = {
    "csv": read_generic,
    "moodle-completion": read_moodle_completion,
    "moodle-grades": read_moodle_grades,
    "moodle-logs": read_moodle_logs,
    "canvas-gradebook": read_canvas_gradebook,
    "openedx-grades": read_openedx_grades,
    "oulad": read_oulad,
    "xapi": read_xapi,
}


@dataclass
class IngestReport:
    sources: list[SourceReport] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return sum(s.rows_read for s in self.sources)

    @property
    def rows_loaded(self) -> int:
        return sum(s.rows_loaded for s in self.sources)

    @property
    def rows_rejected(self) -> int:
        return sum(s.rows_rejected for s in self.sources)

    @property
    def rows_merged(self) -> int:
        return sum(s.rows_merged for s in self.sources)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_merged": self.rows_merged,
            "rows_rejected": self.rows_rejected,
            "sources": [s.as_dict() for s in self.sources],
        }


@dataclass
class Ingested:
    tables: dict[str, pd.DataFrame]
    report: IngestReport

    @property
    def enrollments(self) -> pd.DataFrame:
        return self.tables["enrollments"]

    def status_counts(self) -> dict[str, int]:
        counts = self.enrollments["status"].value_counts()
        return {str(k): int(v) for k, v in sorted(counts.items()) if v}

    def latest_day(self) -> date | None:
        """The latest enrolment, completion or withdrawal date in the data."""
        rows = self.enrollments
        latest = pd.concat([rows["enrolled_on"], rows["completed_on"], rows["withdrawn_on"]]).max()
        return None if pd.isna(latest) else pd.Timestamp(latest).date()

    def summary(self) -> IngestSummary:
        """What the report keeps once the tables are aggregated: no learner rows."""
        return IngestSummary(self.report, self.status_counts(), self.latest_day())


@dataclass(frozen=True)
class IngestSummary:
    """The accounting of an ingest and the facts pages show about its tables."""

    report: IngestReport
    statuses: dict[str, int]
    latest: date | None

    def status_counts(self) -> dict[str, int]:
        return self.statuses

    def latest_day(self) -> date | None:
        return self.latest


def source_files(project: Project, source: Source) -> list[Path]:
    """The files a source's path or glob names (a folder counts as one source)."""
    path = project.source_path(source)
    if any(ch in source.path for ch in "*?["):
        return sorted(Path(p) for p in glob.glob(str(path), recursive=True))
    return [path] if path.exists() else []


def files_to_read(
    project: Project, problems: list[Problem]
) -> Iterator[tuple[Source, Checks, Path, str]]:
    """Every file of every source with the checks its rows get, and the path shown in messages.
    A source that matches no file is added to ``problems`` (the DuckDB and Spark ingests share
    this)."""
    from generator.pseudonym import pseudonymiser

    course_ids = set(project.course_by_id)
    for source in project.settings.sources:
        files = source_files(project, source)
        if not files:
            problems.append(
                Problem(
                    "config/project.yaml",
                    0,
                    f"source '{source.path}' matches no "
                    f"file (looked in {project.source_path(source)}); fix the path",
                )
            )
            continue
        checks = Checks(course_ids, source.status_values, source.date_format, pseudonymiser(source))
        for path in files:
            yield source, checks, path, _shown(project, path)


def ingest(project: Project) -> Ingested:
    """Read every source of the project into the canonical tables."""
    collected, report = read_sources(project, read_source)
    tables = {name: _concat(name, frames) for name, frames in collected.items()}
    return Ingested(tables, report)


def read_sources(
    project: Project,
    read: Callable[[Source, Path, str, Checks], tuple[dict[str, Any], SourceReport]],
) -> tuple[dict[str, list[Any]], IngestReport]:
    """Every file of every source read by ``read``, as the parts of each canonical table and the
    accounting; the problems of all sources are raised together."""
    problems: list[Problem] = []
    collected: dict[str, list[Any]] = {name: [] for name in TABLE_COLUMNS}
    report = IngestReport()
    for source, checks, path, shown in files_to_read(project, problems):
        try:
            tables, source_report = read(source, path, shown, checks)
        except ProblemsFound as exc:
            problems.extend(exc.problems)
            continue
        for table, frame in tables.items():
            collected[table].append(frame)
        report.sources.append(source_report)
    if problems:
        raise ProblemsFound(problems)
    return collected, report


def read_source(
    source: Source,
    path: Path,
    shown: str,
    checks: Checks,
) -> tuple[dict[str, pd.DataFrame], SourceReport]:
    """One file of a source through its adapter and ``normalise``, every row accounted for."""
    source_report = SourceReport(path=shown, format=source.format)
    raw_tables = ADAPTERS[source.format](source, path, shown)
    tables: dict[str, pd.DataFrame] = {}
    for table, raw in raw_tables.items():
        source_report.rows_read += int(raw.attrs.get("rows_read", len(raw)))
        for reason, (count, lines) in raw.attrs.get("rejected", {}).items():
            source_report.reject(reason, lines, count)
        # Rows the adapter folded into another (events aggregated into one attempt or week).
        source_report.rows_merged += int(raw.attrs.get("merged", 0))
        source_report.notes.extend(raw.attrs.get("notes", []))
        if table == "enrollments" and raw.empty and not raw.attrs.get("rejected"):
            source_report.notes.append("no data rows (header only)")
        tables[table] = normalise(table, raw, checks, source_report)
    return tables, source_report


def _concat(table: str, frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return empty_table(table)
    if len(frames) == 1:
        return frames[0]
    return pd.concat(_shared_categories(frames), ignore_index=True)


def _shared_categories(frames: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """The frames with each text column's categories made the same in all of them, so that
    ``concat`` keeps it categorical (differing categories would make it a column of objects)."""
    text = [c for c in frames[0].columns if isinstance(frames[0][c].dtype, pd.CategoricalDtype)]
    shared = {
        column: pd.Index(
            pd.unique(pd.concat([f[column].cat.categories.to_series() for f in frames]))
        )
        for column in text
    }
    return [
        frame.assign(
            **{column: frame[column].cat.set_categories(shared[column]) for column in shared}
        )
        for frame in frames
    ]


def _shown(project: Project, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(project.directory.resolve()))
    except ValueError:
        return str(path)
