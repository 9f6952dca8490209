"""The orchestrator: config → ingest → metrics → goals → findings, as one ``Report`` value.

Reads like the pipeline in DESIGN.md; the stages between ingest and the site are pure.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from generator.config import Project, load_project
from generator.config.responses import QuarterResponses, unknown_findings
from generator.domain.engines import EngineName
from generator.domain.errors import AccountabilityError, ProblemsFound
from generator.domain.periods import Quarter, ReportDate, last_day_clamped
from generator.engine.sql import Aggregates, Engine, aggregate
from generator.ingest import Ingested, IngestSummary, ingest
from generator.report import privacy
from generator.report.findings import Finding, find_deficiencies
from generator.report.goals import GoalResult, Scorecard, evaluate_goals, scorecards
from generator.report.kpi_effects import with_kpi_effects
from generator.report.metrics import Metrics, compute_metrics
from generator.report.workforce import Workforce, Year, build_workforce, no_workforce
from generator.report.workforce_findings import workforce_findings
from generator.report.workforce_metrics import with_goal_table, with_retraining_cost

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Report:
    project: Project
    ingested: IngestSummary  # the accounting; the learner rows are gone after aggregation
    metrics: Metrics
    goals: list[GoalResult]
    findings: list[Finding]
    people_scorecards: dict[str, Scorecard]
    role_scorecards: dict[str, Scorecard]
    warnings: list[str] = field(default_factory=list)  # what the figures leave out, and why
    workforce: Workforce = field(default_factory=no_workforce)  # the HR roster's tables
    # responses/<quarter>.yaml of the report date's quarter (None: the project has no such file)
    responses: QuarterResponses | None = None

    @property
    def report_date(self) -> date:
        return self.metrics.report_date

    @property
    def quarter(self) -> str:
        """The fiscal quarter of the report date, such as 2026-Q3 (its responses file's name)."""
        return self.project.calendar.quarter_of(self.report_date).label


def course_frame(project: Project) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (
                c.id,
                c.developer,
                c.training_manager,
                c.mandatory,
                float(c.pass_mark),
                float(c.expected_minutes),
            )
            for c in project.courses
        ],
        columns=[
            "course_id",
            "developer",
            "training_manager",
            "mandatory",
            "pass_mark",
            "expected_minutes",
        ],
    )


def module_frame(project: Project) -> pd.DataFrame:
    """The modules courses.yaml lists, one row each: course_id, module_order (1-based), module."""
    rows = [
        (c.id, float(order), m.title)
        for c in project.courses
        for order, m in enumerate(c.modules, start=1)
    ]
    frame = pd.DataFrame(rows, columns=["course_id", "module_order", "module"])
    return frame.astype({"course_id": "string", "module_order": "float64", "module": "string"})


def default_report_date(project: Project, ingested: Ingested) -> date:
    """The last day of the latest complete quarter in the data (project.yaml may set it)."""
    if project.settings.report_date:
        return project.settings.report_date
    latest = ingested.latest_day()
    if latest is None:
        quarters = project.budget_quarters()
        return project.calendar.last_day(quarters[-1]) if quarters else date.today()
    return project.calendar.last_complete_quarter_end(latest)


def resolve_as_of(project: Project, ingested: Ingested, as_of: ReportDate | None) -> date:
    """The report date: ``as_of`` (a quarter: its last day), else the default."""
    if as_of is None:
        return default_report_date(project, ingested)
    if isinstance(as_of, Quarter):
        return project.calendar.last_day(as_of)
    return as_of


def check_as_of(project: Project, as_of: ReportDate | None, today: date) -> None:
    """Refuse a report date (--as-of, a snapshot's quarter) outside project.yaml's
    plausible_dates: 9999-Q4 ends beyond the dates Python has, and a date millennia away would
    make a page per quarter in between."""
    if as_of is None:
        return
    day = last_day_clamped(project.calendar, as_of) if isinstance(as_of, Quarter) else as_of
    plausible = project.settings.plausible_dates
    problem = plausible.problem(day, today)
    if problem:
        first, last = plausible.window(today)
        raise AccountabilityError(
            f"the report date {as_of} {problem}; give a date or a quarter from {first} to "
            f"{last}, or change plausible_dates in config/project.yaml"
        )


def read_data(project: Project, engine: EngineName | None = None) -> tuple[Ingested, Engine]:
    """The LMS sources read for ``engine`` (default: project.yaml's ``engine``) and the engine
    that aggregates them: with spark, Spark reads generic CSV and parquet sources and xAPI
    JSON lines itself."""
    if (engine or project.settings.engine) == EngineName.SPARK:
        from generator.engine import spark
        from generator.ingest import spark as spark_ingest

        spark_engine = spark.SparkEngine(spark.session(project.settings.spark))
        return spark_ingest.ingest(project, spark_engine), spark_engine
    return ingest(project), Engine()


def build_report(
    project_dir: Path,
    as_of: ReportDate | None = None,
    engine: Engine | EngineName | None = None,
) -> Report:
    """The report; ``engine`` is an Engine, or the name of one to use instead of project.yaml's.
    (``accountability build`` keeps the aggregates and metrics of unchanged inputs in a cache:
    generator/commands/build.py.)"""
    project = load_project(project_dir)
    aggregated = read_and_aggregate(project, as_of, engine)
    metrics, findings = derive(project, aggregated)
    return assemble(project, aggregated, metrics, findings, as_of)


@dataclass(frozen=True)
class Aggregated:
    """What is kept of the LMS data once aggregated: its accounting, the aggregates and the
    report date they are as of (no learner rows)."""

    ingested: IngestSummary
    aggregates: Aggregates
    report_date: date
    # the HR roster (employee-level, pseudonymised like learner ids): the workforce tables are
    # made from it and never publish a row of it
    roster: pd.DataFrame = field(default_factory=pd.DataFrame)
    # the business KPIs per department or job role and period (no employee figure)
    kpis: pd.DataFrame = field(default_factory=pd.DataFrame)


def derive(project: Project, aggregated: Aggregated) -> tuple[Metrics, list[Finding]]:
    """Metrics and findings. Every figure about a small group is hidden here, once: goals,
    findings, pages, charts, downloads and snapshots only see the published metrics
    (generator/report/privacy.py)."""
    metrics = privacy.publish(
        compute_metrics(project, aggregated.aggregates, aggregated.report_date),
        course_frame(project),
        project.settings.min_group_size,
    )
    return metrics, find_deficiencies(project, metrics)


def assemble(
    project: Project,
    aggregated: Aggregated,
    metrics: Metrics,
    findings: list[Finding],
    as_of: ReportDate | None,
) -> Report:
    """The report from its parts: goals evaluated on the published metrics, scorecards, and
    the warnings of what the figures leave out."""
    warnings = [
        *aggregated.ingested.report.warnings,
        *date_warnings(aggregated.aggregates, aggregated.report_date, as_of),
        *workforce_warnings(project, not aggregated.roster.empty, not aggregated.kpis.empty),
    ]
    workforce = workforce_of(project, aggregated, metrics)
    results = evaluate_goals(project, metrics, workforce)
    people, roles = scorecards(results, metrics.quarters)
    findings = sorted(
        [*findings, *workforce_findings(project, workforce)],
        key=lambda f: (f.kind, f.member, f.period),
    )
    responses = quarter_responses(project, aggregated.report_date, findings)
    return Report(
        project,
        aggregated.ingested,
        metrics,
        results,
        findings,
        people,
        roles,
        warnings,
        workforce,
        responses,
    )


def quarter_responses(
    project: Project, report_date: date, findings: list[Finding]
) -> QuarterResponses | None:
    """The responses file of the report date's quarter, its finding ids checked against the
    findings of this report (``ProblemsFound`` naming the line of each unknown one)."""
    quarter = project.calendar.quarter_of(report_date).label
    responses = project.responses.get(quarter)
    if responses is None:
        return None
    problems = unknown_findings(responses, {f.id for f in findings})
    if problems:
        raise ProblemsFound(problems)
    return responses


def workforce_warnings(project: Project, has_roster: bool, has_kpis: bool) -> list[str]:
    """What config/workforce.yaml declares that the data cannot show (build and validate)."""
    hint = "(README: HR roster and business KPIs)"
    warnings = []
    if project.requirements and not has_roster:
        warnings.append(
            "config/workforce.yaml has competence requirements but no source gives the HR "
            "roster, so nobody is counted against them; add it as a csv source with "
            f"table: roster {hint}"
        )
    if project.kpis and not has_kpis:
        warnings.append(
            "config/workforce.yaml declares KPIs but no source gives their values; add them "
            f"as a csv source with table: kpis {hint}"
        )
    elif project.kpis and not has_roster:
        warnings.append(
            "the KPIs' values are read but without the HR roster nobody is known to be trained, "
            f"so they are not compared before and after training; add the roster {hint}"
        )
    return warnings


def workforce_of(project: Project, aggregated: Aggregated, metrics: Metrics) -> Workforce:
    """The HR roster's tables, its business KPIs before and after training and the figures
    goals name (empty without a roster)."""
    completions = aggregated.aggregates.learner_completions
    workforce = build_workforce(
        aggregated.roster,
        completions,
        project.requirements,
        fiscal_years(project, metrics),
        aggregated.report_date,
        project.settings.min_group_size,
        frozenset(project.person_by_id),
    )
    workforce = with_kpi_effects(
        workforce, project, aggregated.kpis, aggregated.roster, completions, aggregated.report_date
    )
    workforce = with_retraining_cost(workforce, metrics)
    return with_goal_table(workforce, project, aggregated.roster, completions, metrics)


def fiscal_years(project: Project, metrics: Metrics) -> list[Year]:
    """The report's fiscal years with their first day and their last day (the report date in a
    year to date)."""
    calendar = project.calendar
    years = []
    for label in metrics.years:
        number = int(label[2:])
        last = calendar.last_day(Quarter(number, 4))
        years.append(
            Year(
                label,
                number,
                calendar.first_day(Quarter(number, 1)),
                min(last, metrics.report_date),
            )
        )
    return years


def computed_metrics(
    project_dir: Path, as_of: ReportDate | None = None, engine: EngineName | None = None
) -> Metrics:
    """The metric tables as computed, before small groups are hidden: for tests that check
    figures by hand and for privacy checks; no output is ever made from them."""
    project = load_project(project_dir)
    aggregated = read_and_aggregate(project, as_of, engine)
    return compute_metrics(project, aggregated.aggregates, aggregated.report_date)


def date_warnings(aggregates: Aggregates, report_date: date, as_of: ReportDate | None) -> list[str]:
    """A warning when the report date leaves enrolments out: most often a default date (the
    end of the latest complete quarter) before data that all lies in the current quarter."""
    return date_warning(
        aggregates.excluded_after_report_date,
        report_date,
        as_of,
        aggregates.enrolled_from,
        aggregates.enrolled_until,
    )


def date_warning(
    left_out: int,
    report_date: date,
    as_of: ReportDate | None,
    first: date | None,
    last: date | None,
) -> list[str]:
    if not left_out:
        return []
    which = (
        f"--as-of {as_of} ({report_date.isoformat()})"
        if as_of
        else f"the report date {report_date.isoformat()} (report_date in config/project.yaml, "
        "else the end of the latest complete quarter in the data)"
    )
    return [
        f"{which} leaves out {left_out:,} enrolment(s) made after it; the data's enrolments "
        f"run from {first} to {last}: build with --as-of {last} (or set report_date) to "
        "include them"
    ]


def read_and_aggregate(
    project: Project, as_of: ReportDate | None, engine: Engine | EngineName | None = None
) -> Aggregated:
    """The LMS data read and aggregated as of the report date; the learner rows are dropped
    as soon as they are aggregated."""
    check_as_of(project, as_of, date.today())  # before any data is read
    if isinstance(engine, Engine):
        ingested, chosen = ingest(project), engine
    else:
        ingested, chosen = read_data(project, engine)
    report_date = resolve_as_of(project, ingested, as_of)
    log.info("report date %s", report_date)
    summary = ingested.summary()
    tables = ingested.tables
    roster = _as_pandas(tables.get("roster"))
    kpis = _as_pandas(tables.get("kpis"))
    del ingested  # ``tables`` is the only reference: aggregate frees the enrollments early
    try:
        aggregates = aggregate(
            chosen,
            tables,
            course_frame(project),
            report_date=report_date,
            start_month=project.settings.fiscal_year_start_month,
            release_enrollments=True,
            modules=module_frame(project),
        )
    finally:
        chosen.release()
    return Aggregated(summary, aggregates, report_date, roster, kpis)


def _as_pandas(table: object) -> pd.DataFrame:
    """A table of the ingest as pandas (Spark gives its own DataFrames); empty when absent."""
    if table is None:
        return pd.DataFrame()
    if isinstance(table, pd.DataFrame):
        return table
    return table.toPandas()  # type: ignore[attr-defined]
