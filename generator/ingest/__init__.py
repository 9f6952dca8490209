"""Ingest: LMS exports into the canonical tables, every row accounted for.

``ingest(project)`` reads each source in project.yaml with the adapter its ``format`` names,
normalises the rows (canonical.normalise) and returns the tables with an ``IngestReport``.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from generator.config import expand_env
from generator.domain.errors import Problem, ProblemsFound
from generator.domain.published_text import quoted_values
from generator.domain.sources import FOLDER_FORMATS, is_glob
from generator.ingest.adapters import canvas, generic, moodle, openedx, oulad, xapi
from generator.ingest.adapters.canvas import read_canvas_gradebook
from generator.ingest.adapters.generic import read_generic
from generator.ingest.adapters.moodle import (
    read_moodle_completion,
    read_moodle_grades,
    read_moodle_logs,
)
from generator.ingest.adapters.openedx import read_openedx_grades
from generator.ingest.adapters.oulad import read_oulad
from generator.ingest.adapters.xapi import read_xapi
from generator.ingest.canonical import (
    FILES,
    TABLE_COLUMNS,
    Checks,
    SourceReport,
    empty_table,
    normalise,
)
from generator.ingest.modules import match_modules

if TYPE_CHECKING:
    from generator.config import Project, Source

# Reads one source file (or folder) into raw canonical tables.
Reader = Callable[["Source", Path, str], dict[str, pd.DataFrame]]


@dataclass(frozen=True)
class Adapter:
    """One source format: how its files are read, and how the methodology page says so."""

    read: Reader
    rules: str  # how its rows become the canonical tables (the adapter module's RULES)
    offering: str  # where a row's offering (run, cohort, presentation) comes from


# Every source format named in project.yaml's sources[].format; its options are declared in
# domain/sources.py, where config checks them.
ADAPTERS: dict[str, Adapter] = {
    "csv": Adapter(
        read_generic,
        generic.RULES,
        "a column mapped to offering under 'columns:', or one value for the file under "
        "'values:'; none: the course's enrolments form one run",
    ),
    "moodle-completion": Adapter(
        read_moodle_completion,
        moodle.RULES,
        "options.offering (a completion report is for one course run)",
    ),
    "moodle-grades": Adapter(
        read_moodle_grades, moodle.RULES, "options.offering (a grade export is for one course run)"
    ),
    "moodle-logs": Adapter(
        read_moodle_logs,
        moodle.RULES,
        "options.offering, else the Moodle course's full name (a 'Course' column of a "
        "site-level download, or the log's 'Course: …' context): Moodle has one course per "
        "semester or run",
    ),
    "canvas-gradebook": Adapter(
        read_canvas_gradebook,
        canvas.RULES,
        "options.offering (a gradebook is for one course section)",
    ),
    "openedx-grades": Adapter(
        read_openedx_grades,
        openedx.RULES,
        "options.offering (a grade report is for one course run)",
    ),
    "oulad": Adapter(
        read_oulad, oulad.RULES, "code_presentation (2013J, 2014B, …), dated from courses.csv"
    ),
    "xapi": Adapter(
        read_xapi, xapi.RULES, "context.registration: each attempt is a run of its own"
    ),
}


@dataclass(frozen=True)
class FormatRules:
    """How the sources of one format were read, as the methodology page states it."""

    reading: str  # how its rows become the canonical tables ('' when the adapter says nothing)
    offering: str  # where a row's offering (run) comes from ('' when not given)

    @classmethod
    def of(cls, fmt: str) -> FormatRules:
        adapter = ADAPTERS.get(fmt)
        return cls(adapter.rules, adapter.offering) if adapter else cls("", "")


@dataclass
class IngestReport:
    sources: list[SourceReport] = field(default_factory=list)
    # What the data will not show although it was read (printed by validate and build, and on
    # the data-quality page): e.g. activity of a course that no source gives enrolments for.
    warnings: list[str] = field(default_factory=list)
    # format -> how its sources were read, for every format read (the methodology page)
    rules: dict[str, FormatRules] = field(default_factory=dict)

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
            "warnings": list(self.warnings),
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
        return IngestSummary(
            self.report, self.status_counts(), self.latest_day(), self.quoted_learner_ids()
        )

    def quoted_learner_ids(self) -> frozenset[str]:
        """The values quoted in reasons, warnings and notes that are learner ids of a table
        (a learner id in a course column, say): the data-quality page masks them."""
        texts = [
            *self.report.warnings,
            *(t for s in self.report.sources for t in (*s.reasons, *s.merges, *s.notes)),
        ]
        values = {v for text in texts for v in quoted_values(text)}
        # Seen before pseudonymising (with a pseudonym key the tables hold only p-... ids).
        found: set[str] = {v for s in self.report.sources for v in s.quoted_learners}
        for table in self.tables.values() if values else ():
            if isinstance(table, pd.DataFrame) and "learner_id" in table.columns:  # not Spark's
                ids = table["learner_id"]
                found.update(str(v) for v in ids[ids.isin(values)].unique())
        return frozenset(found)


@dataclass(frozen=True)
class IngestSummary:
    """The accounting of an ingest and the facts pages show about its tables."""

    report: IngestReport
    statuses: dict[str, int]
    latest: date | None
    learner_ids: frozenset[str] = frozenset()  # those quoted in the report's texts only

    def status_counts(self) -> dict[str, int]:
        return self.statuses

    def latest_day(self) -> date | None:
        return self.latest


def source_files(project: Project, source: Source) -> list[Path]:
    """The files a source's path or glob names (a folder counts as one source where its
    format reads folders; a glob's folders are not files of a format that reads files)."""
    path = project.source_path(source)
    if is_glob(source.path):
        found = sorted(Path(p) for p in glob.glob(str(path), recursive=True))
        return [p for p in found if source.format in FOLDER_FORMATS or not p.is_dir()]
    return [path] if path.exists() else []


def files_to_read(
    project: Project, problems: list[Problem]
) -> Iterator[tuple[Source, Checks, Path, str]]:
    """Every file of every source with the checks its rows get, and the path shown in messages.
    A source that matches no file is added to ``problems`` (the DuckDB and Spark ingests share
    this)."""
    from generator.ingest.pseudonym import pseudonymiser

    course_ids = set(project.course_by_id)
    modules = {c.id: c.modules for c in project.courses if c.modules}
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
        checks = Checks(
            course_ids,
            source.status_values,
            source.date_format,
            pseudonymiser(source),
            modules,
            # project.yaml's plausible_dates, the window report dates are checked against too
            project.settings.plausible_dates.window(date.today()),
        )
        for path in files:
            yield source, checks, path, _shown(project, path, Path(expand_env(source.path)))


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
    activity: list[tuple[SourceReport, set[CourseRun]]] = []
    enrolled: set[CourseRun] = set()
    for source, checks, path, shown in files_to_read(project, problems):
        try:
            tables, source_report = read(source, path, shown, checks)
        except ProblemsFound as exc:
            problems.extend(exc.problems)
            continue
        except OSError as exc:  # no permission to read it, an I/O error
            reason = exc.strerror or str(exc)
            problems.append(Problem(shown, 0, f"cannot be read ({reason}); check you may read it"))
            continue
        for table, frame in tables.items():
            collected[table].append(frame)
        if "enrollments" in tables:
            enrolled |= course_runs(tables["enrollments"])
        if "activity" in tables:
            activity.append((source_report, course_runs(tables["activity"])))
        report.sources.append(source_report)
        report.rules.setdefault(source.format, FormatRules.of(source.format))
    if problems:
        raise ProblemsFound(problems)
    report.warnings += [
        f"{s.path}: none of its {s.rows_read:,} rows could be used; the reasons are listed "
        "with it (validate, or the data-quality page)"
        for s in report.sources
        if s.rows_read and not s.rows_loaded
    ]
    report.warnings += activity_without_enrolments(activity, enrolled)
    return collected, report


# A course and one of its offerings (None: the rows name none).
CourseRun = tuple[str, str | None]


def course_runs(frame: Any) -> set[CourseRun]:
    """The course and offering pairs a loaded table (pandas, or a Spark DataFrame) holds."""
    if isinstance(frame, pd.DataFrame):
        # grouped on the categoricals' codes: a pass over the codes, not over 10M strings
        counts = frame.groupby(["course_id", "offering"], observed=True, dropna=False).size()
        pairs = counts.index.tolist()
    else:
        pairs = frame.select("course_id", "offering").distinct().collect()
    return {(str(c), None if o is None or pd.isna(o) else str(o)) for c, o in pairs}


def activity_without_enrolments(
    activity: list[tuple[SourceReport, set[CourseRun]]], enrolled: set[CourseRun]
) -> list[str]:
    """A warning per source whose activity is for course runs no source gives enrolments for:
    drop-off follows enrolled learners, so that activity shows nowhere. Enrolments without an
    offering cover every run of their course, activity without one any enrolment of it."""
    courses = {course for course, _ in enrolled}
    open_courses = {course for course, offering in enrolled if offering is None}

    def covered(run: CourseRun) -> bool:
        course, offering = run
        return course in open_courses or (
            (course, offering) in enrolled if offering is not None else course in courses
        )

    warnings = []
    for report, runs in activity:
        missing = sorted({_run_text(run) for run in runs if not covered(run)})
        if missing:
            named = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
            warnings.append(
                f"{report.path}: activity for {named}, which no source gives enrolments for: "
                "the report shows no enrolments, completion or drop-off from it; add an "
                "enrolment source (a Moodle log holds enrolments only when exported from the "
                "course's start, with its enrolment and role events)"
            )
    return warnings


def _run_text(run: CourseRun) -> str:
    course, offering = run
    return f"course '{course}'" + (f" (offering '{offering}')" if offering else "")


def read_source(
    source: Source,
    path: Path,
    shown: str,
    checks: Checks,
) -> tuple[dict[str, pd.DataFrame], SourceReport]:
    """One file of a source through its adapter and ``normalise``, every row accounted for."""
    source_report = SourceReport(path=shown, format=source.format)
    raw_tables = ADAPTERS[source.format].read(source, path, shown)
    tables: dict[str, pd.DataFrame] = {}
    for table, raw in raw_tables.items():
        source_report.rows_read += int(raw.attrs.get("rows_read", len(raw)))
        source_report.files = raw.attrs.get(FILES, source_report.files)
        for reason, (count, lines) in raw.attrs.get("rejected", {}).items():
            source_report.reject(reason, lines, count)
        _adapter_merges(raw.attrs, source.format, source_report)
        source_report.notes.extend(raw.attrs.get("notes", []))
        if table == "enrollments" and raw.empty and not raw.attrs.get("rejected"):
            source_report.notes.append("no data rows (header only)")
        if table == "activity":
            raw = _with_course_modules(raw, checks, source_report)
        tables[table] = normalise(table, raw, checks, source_report)
    return tables, source_report


def _adapter_merges(attrs: dict[str, Any], fmt: str, report: SourceReport) -> None:
    """Rows the adapter folded into another (events into one attempt, rows into one week), by
    the adapter's reasons; any it counted without one get a reason naming the adapter."""
    given = 0
    for reason, (count, lines) in attrs.get("merges", {}).items():
        report.merge(reason, lines, count)
        given += count
    report.merge(
        f"folded into another row by the {fmt} adapter",
        [],
        max(int(attrs.get("merged", 0)) - given, 0),
    )


def _with_course_modules(raw: pd.DataFrame, checks: Checks, report: SourceReport) -> pd.DataFrame:
    """Activity of courses that list their modules, matched to them (ingest.modules)."""
    attrs = dict(raw.attrs)
    matched, unmatched = match_modules(raw, checks.modules)
    matched.attrs = attrs
    if unmatched:
        report.notes.append(unmatched_note(unmatched))
    return matched


def unmatched_note(rows: int) -> str:
    return (
        f"{rows:,} activity rows name none of their course's modules in config/courses.yaml "
        "(course pages, forums, …): kept as activity, not in the drop-off by module"
    )


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


def _shown(project: Project, path: Path, configured: Path) -> str:
    """The path as messages show it: relative to the project directory (../data/x.csv for a
    folder beside it), or absolute where project.yaml gave an absolute path."""
    if configured.expanduser().is_absolute():
        return str(path)
    return os.path.relpath(path.resolve(), project.directory.resolve())
