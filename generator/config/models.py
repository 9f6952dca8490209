"""The pydantic models of the config files: project.yaml, roles.yaml, courses.yaml,
budgets.yaml and goals.yaml, one class per mapping and one docstring per field (README.md's
config reference is generated from them by ``generator.config.reference``).
"""

from __future__ import annotations

import re
from datetime import date
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from babel.numbers import list_currencies
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from generator.domain.engines import EngineName
from generator.domain.periods import PLAUSIBLE_FROM, PLAUSIBLE_YEARS_AHEAD, plausible_window


class Model(BaseModel):
    # allow_inf_nan=False: YAML reads .inf, .nan and 1e400 as floats that no figure, chart spec
    # or snapshot.json can hold; every float field of every file refuses them.
    model_config = ConfigDict(
        extra="forbid", frozen=True, use_attribute_docstrings=True, allow_inf_nan=False
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_yes_no_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """YAML reads yes, no, on, off, true and false as booleans, which pydantic takes as 1
        and 0 where a number is meant (min_group_size: yes would switch suppression off):
        every number field of every file refuses them."""
        field = cls.model_fields.get(info.field_name or "")
        if isinstance(value, bool) and field and _takes_numbers_not_flags(field.annotation):
            raise ValueError("yes/no (true/false) is not a number; write the number")
        return value


def _takes_numbers_not_flags(annotation: Any) -> bool:
    """int, float or an optional one: a field for which a boolean can only be a mistake."""
    kinds = (
        set(get_args(annotation)) if get_origin(annotation) in (Union, UnionType) else {annotation}
    )
    return bool(kinds & {int, float}) and bool not in kinds


# ---------------------------------------------------------------- project.yaml


class Source(Model):
    """One LMS export to read."""

    path: str
    """File, folder or glob, relative to the project directory (or absolute)."""
    format: str = "csv"
    """Adapter: csv, moodle-completion, moodle-grades, moodle-logs, canvas-gradebook,
    openedx-grades, xapi or oulad."""
    table: Literal[
        "enrollments", "assessments", "activity", "surveys", "offerings", "roster", "kpis"
    ] = "enrollments"
    """Canonical table the rows go to (generic csv only; other adapters know their tables)."""
    columns: dict[str, str] = Field(default_factory=dict)
    """Source column -> canonical column (csv). Unmapped canonical names are used as they are."""
    status_values: dict[str, str] = Field(default_factory=dict)
    """Source status text -> canonical status (enrolled, in_progress, completed, failed, withdrawn)."""
    date_format: str | None = None
    """strftime format of the dates, e.g. '%d/%m/%Y'; default: ISO 8601."""
    delimiter: str | None = None
    """Field separator; default: sniffed from the file (comma, semicolon, tab)."""
    encoding: str | None = None
    """Text encoding; default: UTF-8 (with or without BOM), falling back to Windows-1252."""
    course_id: str | None = None
    """Course id for exports of a single course that do not name it in their rows."""
    values: dict[str, str] = Field(default_factory=dict)
    """Canonical column -> value (csv only), such as {enrolled_on: 2019-09-01, course_id: py-101}:
    every row's value when the file has no such column, else the value of its blank cells (empty,
    NA, -, ...). Parsed and checked as the file's own values are."""
    options: dict[str, Any] = Field(default_factory=dict)
    """Adapter-specific settings, listed per format under LMS sources; an unknown one is an error."""

    @field_validator("values", mode="before")
    @classmethod
    def _values_as_text(cls, values: Any, info: ValidationInfo) -> Any:
        """YAML reads 2019-09-01 as a date and 101 as a number: as text, they are parsed and
        checked as the file's cells are (a date written in the source's date_format)."""
        if not isinstance(values, dict):
            return values
        date_format = info.data.get("date_format")
        return {column: _as_text(value, date_format) for column, value in values.items()}


def _as_text(value: Any, date_format: str | None) -> Any:
    """A YAML date or number as the text a file would hold (anything else as it is)."""
    if isinstance(value, date):
        return value.strftime(date_format) if date_format else value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


class Thresholds(Model):
    """When a pattern in the data becomes a finding."""

    falling_periods: int = 3
    """A metric that fell in this many consecutive periods is a falling trend."""
    dropoff_share: float = 0.5
    """One module accounts for at least this share of all drop-off in a course."""
    dropoff_min: float = 0.15
    """...and loses at least this share of the learners who reached it."""
    department_gap: float = 0.2
    """A department's mandatory completion rate this far below the median of the others."""
    minutes_ratio: float = 1.5
    """Completers' median minutes this many times the course's expected minutes."""
    cost_ratio: float = 2.5
    """A developer's cost per completion this many times the median of the others."""
    underspend: float = 0.8
    """Budget utilisation below this is under-spent."""
    overspend: float = 1.05
    """Budget utilisation above this is over-spent."""
    high_completion: float = 0.85
    """A course with completion at least this ..."""
    low_score: float = 65.0
    """... and an average score below this is completed but not learned."""
    overdue_share: float = 0.2
    """Role holders overdue or expired on a required course: this share of a department's."""
    turnover_ratio: float = 1.5
    """A department's turnover this many times the median of the other departments'."""
    kpi_trained_share: float = 0.5
    """A department or job role counts as trained for a KPI once this share of its employees
    has completed one of the KPI's trained_by courses."""
    kpi_min_change: float = 0.05
    """A KPI whose change after training, less the comparison group's, is smaller than this
    (either way) did not move."""


class SparkSettings(Model):
    """Where the ``spark`` engine runs."""

    master: str | None = None
    """Master URL (spark://host:7077, yarn, k8s://..., local[4]); default: $SPARK_MASTER, else a
    --master in $PYSPARK_SUBMIT_ARGS or spark-defaults.conf, else local[2]."""
    config: dict[str, str | int | float | bool] = Field(default_factory=dict)
    """Spark properties, such as spark.executor.memory: 8g."""


class PlausibleDates(Model):
    """The days the report can be as of (report_date, --as-of, a snapshot's quarter) and the
    dates in the LMS exports can fall on: a date outside, such as 9999-12-31, is taken for a
    typo (an export's row is rejected with the reason)."""

    earliest: date = Field(default=PLAUSIBLE_FROM, ge=date(1900, 1, 1))
    """The first plausible day (1900-01-01 or later)."""
    years_ahead: int = Field(default=PLAUSIBLE_YEARS_AHEAD, ge=0, le=100)
    """The last plausible day is this many years after today (0 to 100)."""

    def window(self, today: date) -> tuple[date, date]:
        """The first and the last plausible day."""
        return plausible_window(today, self.earliest, self.years_ahead)

    def problem(self, day: date, today: date) -> str | None:
        """Why ``day`` is implausible ('is before ...'), or None."""
        first, last = self.window(today)
        if day < first:
            return f"is before {first} (plausible_dates.earliest)"
        if day > last:
            return (
                f"is more than {self.years_ahead} year(s) after today (plausible_dates.years_ahead)"
            )
        return None


class ProjectFile(Model):
    """project.yaml: the organisation and where its LMS data is."""

    organisation: str
    """Organisation name, shown on every page."""
    currency: str = "EUR"
    """ISO 4217 code for budgets and spend (three capital letters, such as EUR, USD, GBP)."""
    fiscal_year_start_month: int = Field(1, ge=1, le=12)
    """First month of the fiscal year (1 = January). FY2026 is the fiscal year ending in 2026."""
    report_date: date | None = None
    """The 'as of' date; default: the last day of the latest complete quarter in the data."""
    plausible_dates: PlausibleDates = Field(default_factory=PlausibleDates)
    """The window report dates and the exports' dates must lie in, such as {earliest:
    2010-01-01, years_ahead: 1}; default: from 1990-01-01 to a year after today."""
    min_group_size: int = Field(5, ge=2)
    """Figures about fewer learners than this (2 or more) are suppressed everywhere."""
    site_url: str | None = None
    """Where the site is served (such as https://intranet.example/training/). Optional; Material's
    instant navigation (page changes without a reload) works only when it is set."""
    engine: EngineName = EngineName.DUCKDB
    """Where raw rows become metric tables: embedded DuckDB, or Spark (local or a cluster)."""
    spark: SparkSettings = Field(default_factory=SparkSettings)
    """Spark session settings (engine: spark)."""
    sources: list[Source] = Field(default_factory=list)
    """The LMS exports."""
    thresholds: Thresholds = Field(default_factory=Thresholds)
    """Finding thresholds."""

    @field_validator("currency")
    @classmethod
    def _iso_4217(cls, value: str) -> str:
        """The code is printed beside every amount: a known code only (Babel's list of
        ISO 4217 codes), never free text."""
        if value not in list_currencies():
            example = value.upper() if value.upper() in list_currencies() else "EUR, USD or GBP"
            raise ValueError(
                f"not an ISO 4217 currency code; write three capital letters such as {example}"
            )
        return value


# ---------------------------------------------------------------- roles.yaml


class Role(Model):
    """A role that answers for part of the training."""

    id: str
    """Role id used in goals' RACI and in people's roles (ld-manager, training-manager, course-developer, learner, or your own)."""
    title: str
    """Name shown on the pages."""
    answers_for: str
    """What the role is accountable for, in a sentence."""
    evidence: str = ""
    """What the report shows as evidence for this role."""


class Person(Model):
    """A person, internal team or vendor organisation holding one or more roles."""

    id: str
    """Id used by courses (developer, training_manager) and spend lines."""
    name: str
    """Shown on the pages: people who hold roles are named; learners never are."""
    kind: Literal["person", "team", "vendor"] = "person"
    """A person, an internal team or an outside vendor organisation."""
    roles: list[str]
    """Role ids this person holds."""
    department: str | None = None
    """For roles held per department (such as a department head)."""


class RolesFile(Model):
    """roles.yaml: the roles, what each answers for, and who holds them."""

    roles: list[Role]
    """Every role that answers for part of the training."""
    people: list[Person]
    """People, teams and vendors, and the roles they hold."""


# ---------------------------------------------------------------- courses.yaml


class Module(Model):
    """A module of a course: its title, and optionally the pattern that finds it in exports."""

    title: str
    """Shown on the drop-off chart. Activity whose module text contains these words (case,
    spaces and punctuation aside: 'Week 1' finds 'File: Week1 notes' but not 'Week 10') counts
    for this module."""
    match: str | None = None
    """A regular expression (case-insensitive) that finds the module in the activity's module
    text instead of the title's words, such as '^Quiz: .*week 1\\b'."""

    @field_validator("match")
    @classmethod
    def _valid_pattern(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a regular expression ({exc})") from None
        return value


class Course(Model):
    """A course in the catalogue."""

    id: str
    """The id the LMS exports use for the course."""
    title: str
    """Shown on the pages."""
    developer: str
    """Person/team/vendor id holding the course-developer role."""
    training_manager: str
    """Person id holding the training-manager role."""
    mandatory: bool = False
    """Mandatory (compliance) or optional."""
    pass_mark: float = Field(70, ge=0, le=100)
    """Score (0-100) at or above which a learner passes."""
    expected_minutes: float = Field(60, gt=0)
    """The time the course is designed to take."""
    audience_size: int | None = Field(None, ge=0)
    """Learners the course is meant to reach."""
    audience: str = "all"
    """Department the course is for, or 'all'."""
    modules: list[Module] = Field(default_factory=list)
    """Modules in order, for drop-off by module: titles, or {title, match} mappings."""

    @field_validator("modules", mode="before")
    @classmethod
    def _titles(cls, value: Any) -> Any:
        """A plain string is a module's title."""
        if isinstance(value, list):
            return [{"title": v} if isinstance(v, str) else v for v in value]
        return value


class CoursesFile(Model):
    """courses.yaml: the course catalogue."""

    courses: list[Course]
    """The course catalogue."""


# ---------------------------------------------------------------- budgets.yaml

# Money in budgets.yaml is summed over quarters, years and scopes and divided by budgets and by
# other amounts (utilisation, budget change, cost per completion): between a cent and 1e300 every
# sum and ratio stays a finite float, whatever the number of periods and lines.
MONEY_MIN, MONEY_MAX = 0.01, 1e300


def _money(value: float) -> float:
    if 0 < value < MONEY_MIN or value > MONEY_MAX:
        raise ValueError(f"write 0 or an amount from {MONEY_MIN} to 1e300 in the currency's units")
    return value


class SpendLine(Model):
    """Money spent in a period, attributed to exactly one of course, developer or category."""

    amount: float = Field(ge=0)
    """In the project's currency: 0, or from 0.01 to 1e300."""
    course: str | None = None
    """Spent on a course (counts for the course and its developer)."""
    developer: str | None = None
    """Spent on a developer or vendor (for example a licence)."""
    category: str | None = None
    """Any other spend (platform, events): counts for the organisation only."""
    note: str = ""
    """Shown beside the line on the period page."""

    _amount = field_validator("amount")(_money)


class BudgetPeriod(Model):
    period: str
    """A fiscal quarter such as 2025-Q3."""
    budget: float = Field(ge=0)
    """The quarter's training budget: 0, or from 0.01 to 1e300."""
    spend: list[SpendLine] = Field(default_factory=list)
    """What was spent, line by line."""

    _budget = field_validator("budget")(_money)


class BudgetsFile(Model):
    """budgets.yaml: per fiscal quarter the budget and the spend."""

    periods: list[BudgetPeriod]
    """One entry per fiscal quarter; the quarters listed are the reporting periods."""
    illustrative: bool = False
    """The budget and spend figures are invented, for illustration (such as an example over a
    dataset without cost data): every page with cost figures says so, cost findings and the cost
    metrics' labels too, and snapshot.json has budgets_illustrative: true."""
    note: str = ""
    """With illustrative: shown in the notice, such as where the figures come from."""


# ---------------------------------------------------------------- goals.yaml

Comparator = Literal[">=", ">", "<=", "<"]


class Target(Model):
    comparator: Comparator
    """>=, >, <= or <."""
    value: float
    """In the metric's unit: rates are fractions (0.85), scores 0-100, money in the currency."""


class Scope(Model):
    """Who a goal is about. Every member of the scope is evaluated on its own."""

    level: Literal["org", "course", "developer", "training_manager", "department"] = "org"
    """What each member is: the organisation, a course, a developer, a training manager or a department."""
    ids: list[str] = Field(default_factory=list)
    """Members by id (empty: every member of the level)."""
    mandatory: bool | None = None
    """Course filter: only mandatory (true) or optional (false) courses."""
    audience: str | None = None
    """Course filter: only courses for this audience."""


class Raci(Model):
    accountable: str
    """The one role that answers for the goal: a role of roles.yaml, or line-manager (the HR
    roster's managers of the department's employees)."""
    responsible: list[str] = Field(default_factory=list)
    """Roles that do the work (one role or a list)."""
    consulted: list[str] = Field(default_factory=list)
    """Roles asked for advice."""
    informed: list[str] = Field(default_factory=list)
    """Roles kept informed."""

    @field_validator("responsible", "consulted", "informed", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class Goal(Model):
    id: str
    """Stable id, used in links and snapshot diffs."""
    title: str
    """Shown on the pages."""
    kind: Literal["business", "learning"]
    """A business goal (budget, cost) or a learning goal (completion, scores...)."""
    metric: str
    """A metric name (see the methodology page or generator/domain/catalog.py)."""
    scope: Scope = Field(default_factory=Scope)
    """'org', or a mapping with level, ids and course filters."""
    target: Target
    """'>= 0.85' or {comparator: '>=', value: 0.85}."""
    warning: float | None = Field(None, ge=0)
    """At risk when the target is missed by no more than this."""
    periods: list[str] | Literal["all"] = "all"
    """Quarters (2025-Q3) or fiscal years (FY2025) the goal applies to, or 'all'."""
    raci: Raci
    """Roles (not people): accountable, responsible, consulted, informed."""

    @field_validator("scope", mode="before")
    @classmethod
    def _scope_shorthand(cls, value: Any) -> Any:
        return {"level": value} if isinstance(value, str) else value

    @field_validator("target", mode="before")
    @classmethod
    def _target_shorthand(cls, value: Any) -> Any:
        """'>= 0.85' is short for {comparator: '>=', value: 0.85}."""
        if isinstance(value, str):
            for comparator in (">=", "<=", ">", "<"):
                if value.strip().startswith(comparator):
                    number = value.strip()[len(comparator) :].strip()
                    try:
                        return {"comparator": comparator, "value": float(number)}
                    except ValueError:
                        break
            raise ValueError("write the target as a comparator and a number, such as '>= 0.85'")
        return value


class GoalsFile(Model):
    """goals.yaml: the goals and who is accountable for them."""

    goals: list[Goal]
    """Targets on LMS metrics, each with a RACI assignment."""


# ---------------------------------------------------------------- the files

CONFIG_FILES: dict[str, tuple[str, type[BaseModel]]] = {
    "project": ("project.yaml", ProjectFile),
    "roles": ("roles.yaml", RolesFile),
    "courses": ("courses.yaml", CoursesFile),
    "budgets": ("budgets.yaml", BudgetsFile),
    "goals": ("goals.yaml", GoalsFile),
}
"""Key -> (file name in config/, model of the whole file), in the order they are read."""
