"""The YAML model of an organisation: project, roles and people, courses, budgets and goals.

Each file is parsed with line numbers, validated by pydantic models (one docstring per field:
they are the reference in README.md), then cross-checked. Every problem found in every file is
collected and raised together as ``ProblemsFound``, each located at ``file:line``.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from generator.config.yamlfile import line_of, load_yaml
from generator.domain.catalog import METRICS
from generator.domain.errors import Problem, ProblemsFound, did_you_mean, known
from generator.domain.periods import FiscalCalendar, Quarter, parse_fiscal_year, parse_quarter
from generator.domain.sources import ADAPTER_OPTIONS, FORMATS, ONE_COURSE_FORMATS, option_problem
from generator.domain.tables import STATUSES, TABLE_COLUMNS
from generator.domain.values import clean_text, parse_dates, parse_numbers

BUILTIN_ROLES = ("ld-manager", "training-manager", "course-developer", "learner")


class Model(BaseModel):
    # allow_inf_nan=False: YAML reads .inf, .nan and 1e400 as floats that no figure, chart spec
    # or snapshot.json can hold; every float field of every file refuses them.
    model_config = ConfigDict(
        extra="forbid", frozen=True, use_attribute_docstrings=True, allow_inf_nan=False
    )


# ---------------------------------------------------------------- project.yaml


class Source(Model):
    """One LMS export to read."""

    path: str
    """File, folder or glob, relative to the project directory (or absolute)."""
    format: str = "csv"
    """Adapter: csv, moodle-completion, moodle-grades, moodle-logs, canvas-gradebook,
    openedx-grades, xapi or oulad."""
    table: Literal["enrollments", "assessments", "activity", "surveys", "offerings"] = "enrollments"
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


class SparkSettings(Model):
    """Where the ``spark`` engine runs."""

    master: str | None = None
    """Master URL (spark://host:7077, yarn, k8s://..., local[4]); default: $SPARK_MASTER, else a
    --master in $PYSPARK_SUBMIT_ARGS or spark-defaults.conf, else local[2]."""
    config: dict[str, str | int | float | bool] = Field(default_factory=dict)
    """Spark properties, such as spark.executor.memory: 8g."""


class ProjectFile(Model):
    """project.yaml: the organisation and where its LMS data is."""

    organisation: str
    """Organisation name, shown on every page."""
    currency: str = "EUR"
    """ISO 4217 code for budgets and spend."""
    fiscal_year_start_month: int = Field(1, ge=1, le=12)
    """First month of the fiscal year (1 = January). FY2026 is the fiscal year ending in 2026."""
    report_date: date | None = None
    """The 'as of' date; default: the last day of the latest complete quarter in the data."""
    min_group_size: int = Field(5, ge=1)
    """Figures about fewer learners than this are suppressed everywhere."""
    site_url: str | None = None
    """Where the site is served (such as https://intranet.example/training/). Optional; Material's
    instant navigation (page changes without a reload) works only when it is set."""
    engine: Literal["duckdb", "spark"] = "duckdb"
    """Where raw rows become metric tables: embedded DuckDB, or Spark (local or a cluster)."""
    spark: SparkSettings = Field(default_factory=SparkSettings)
    """Spark session settings (engine: spark)."""
    sources: list[Source] = Field(default_factory=list)
    """The LMS exports."""
    thresholds: Thresholds = Field(default_factory=Thresholds)
    """Finding thresholds."""


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
    """The one role that answers for the goal."""
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


# ---------------------------------------------------------------- the validated project


@dataclass(frozen=True)
class Project:
    """Everything in config/, validated and cross-checked."""

    directory: Path
    settings: ProjectFile
    roles: list[Role]
    people: list[Person]
    courses: list[Course]
    budgets: list[BudgetPeriod]
    goals: list[Goal]
    lines: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    """(kind, id) -> (file, line), for messages that point back into the config."""
    budgets_illustrative: bool = False
    """budgets.yaml's ``illustrative``: the budget and spend figures are invented."""
    budgets_note: str = ""
    """budgets.yaml's ``note``, shown with the notice that they are."""

    @property
    def calendar(self) -> FiscalCalendar:
        return FiscalCalendar(self.settings.fiscal_year_start_month)

    @functools.cached_property
    def course_by_id(self) -> dict[str, Course]:
        return {course.id: course for course in self.courses}

    @functools.cached_property
    def person_by_id(self) -> dict[str, Person]:
        return {person.id: person for person in self.people}

    def holders(self, role: str) -> list[Person]:
        return [person for person in self.people if role in person.roles]

    def budget_quarters(self) -> list[Quarter]:
        return sorted(q for q in (parse_quarter(b.period) for b in self.budgets) if q)

    def source_path(self, source: Source) -> Path:
        """The source's path with ``${VAR}`` / ``${VAR:-default}`` expanded, relative to the
        project directory unless absolute (so examples can point at data outside the repo)."""
        path = Path(expand_env(source.path)).expanduser()
        return path if path.is_absolute() else self.directory / path


_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand_env(text: str) -> str:
    """Replace ``${VAR}`` by the variable's value and ``${VAR:-default}`` by the value or, when
    the variable is unset or empty, the default (as in POSIX shells). Unset without default: ''."""
    return _ENV_REFERENCE.sub(lambda m: os.environ.get(m.group(1)) or (m.group(2) or ""), text)


CONFIG_FILES: dict[str, tuple[str, type[BaseModel]]] = {
    "project": ("project.yaml", ProjectFile),
    "roles": ("roles.yaml", RolesFile),
    "courses": ("courses.yaml", CoursesFile),
    "budgets": ("budgets.yaml", BudgetsFile),
    "goals": ("goals.yaml", GoalsFile),
}


def config_dir(project_dir: Path) -> Path:
    return project_dir / "config"


def load_project(project_dir: Path) -> Project:
    """Read and validate config/*.yaml of a project directory, or raise ``ProblemsFound``."""
    problems: list[Problem] = []
    documents: dict[str, Any] = {}
    models: dict[str, Any] = {}
    for key, (filename, model) in CONFIG_FILES.items():
        path = config_dir(project_dir) / filename
        shown = f"config/{filename}"
        if not path.is_file():
            problems.append(Problem(shown, 0, f"missing; create it (see README: {filename})"))
            continue
        try:
            document = load_yaml(path, shown, problems)  # keys that are lists: in problems
        except ProblemsFound as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(document, dict):
            problems.append(Problem(shown, 1, "expected a mapping of keys at the top level"))
            continue
        documents[key] = document
        try:
            models[key] = model.model_validate(document)
        except ValidationError as exc:
            problems.extend(_explain(exc, document, shown, model))
    if problems:
        raise ProblemsFound(problems)
    project = Project(
        directory=project_dir,
        settings=models["project"],
        roles=models["roles"].roles,
        people=models["roles"].people,
        courses=models["courses"].courses,
        budgets=models["budgets"].periods,
        goals=models["goals"].goals,
        budgets_illustrative=models["budgets"].illustrative,
        budgets_note=models["budgets"].note,
    )
    problems = list(_cross_check(project, documents))
    if problems:
        raise ProblemsFound(problems)
    return project


# ---------------------------------------------------------------- pydantic errors, explained


def _explain(
    exc: ValidationError, document: Any, shown: str, model: type[BaseModel]
) -> Iterator[Problem]:
    errors = exc.errors()
    misspelt = _misspelt_fields(errors, model)
    alternatives = _union_alternatives(errors)
    for error in errors:
        location = tuple(error["loc"])
        if error["type"] == "missing" and location in misspelt:
            continue  # the unknown key's "did you mean" already says it
        field = _field_location(location)
        if field != location:
            # A field that accepts several shapes failed all of them: one message for all.
            if field in alternatives:
                reasons = " or ".join(alternatives.pop(field))
                yield Problem(
                    shown,
                    line_of(document, field),
                    f"'{_dotted(field)}' is {error['input']!r}; expected {reasons}",
                )
            continue
        line = line_of(document, location)
        path = _dotted(location)
        kind = error["type"]
        if kind == "extra_forbidden":
            options = sorted(_fields_at(model, location[:-1]))
            name = str(location[-1])
            yield Problem(
                shown,
                line,
                f"unknown key '{name}'{did_you_mean(name, options)}{known('keys here', options)}",
            )
        elif kind == "missing":
            yield Problem(shown, line, f"'{path}' is required; add it")
        elif kind == "finite_number":
            value = error["input"]  # inf, nan, or text such as 1e400 (YAML's floats need a dot)
            shown_value = value if isinstance(value, str) else repr(value)
            yield Problem(shown, line, f"'{path}' is {shown_value}; write a finite number")
        elif kind == "literal_error":
            expected = error.get("ctx", {}).get("expected", "")
            yield Problem(shown, line, f"'{path}' is {error['input']!r}; use one of {expected}")
        else:
            message = error["msg"].removeprefix("Value error, ")
            yield Problem(shown, line, f"'{path}': {message} (got {error['input']!r})")


def _is_union_tag(step: Any) -> bool:
    """pydantic names the branch of a union in the error location, e.g. 'list[str]'."""
    return isinstance(step, str) and ("[" in step or step in ("str", "int", "float", "bool"))


def _field_location(location: tuple[Any, ...]) -> tuple[Any, ...]:
    for index, step in enumerate(location):
        if _is_union_tag(step):
            return location[:index]
    return location


def _union_alternatives(errors: list[Any]) -> dict[tuple[Any, ...], list[str]]:
    """For each field whose union branches all failed, what each branch expected."""
    found: dict[tuple[Any, ...], list[str]] = {}
    for error in errors:
        location = tuple(error["loc"])
        field = _field_location(location)
        if field == location:
            continue
        if error["type"] == "literal_error":
            reason = error.get("ctx", {}).get("expected", "")
        else:
            reason = error["msg"].removeprefix("Input should be ").removeprefix("Value error, ")
        if reason not in found.setdefault(field, []):
            found[field].append(reason)
    return found


def _misspelt_fields(errors: list[Any], model: type[BaseModel]) -> set[tuple[Any, ...]]:
    """Locations of required fields that an unknown key next to them is a misspelling of."""
    found = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            parent, name = tuple(error["loc"][:-1]), str(error["loc"][-1])
            close = difflib.get_close_matches(name, _fields_at(model, parent), n=1, cutoff=0.6)
            if close:
                found.add((*parent, close[0]))
    return found


def _dotted(location: tuple[Any, ...]) -> str:
    text = ""
    for step in location:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def _fields_at(model: type[BaseModel], location: tuple[Any, ...]) -> list[str]:
    """The field names of the model reached by following ``location`` through nested models."""
    current: Any = model
    for step in location:
        if isinstance(step, int):
            continue
        info = current.model_fields.get(step) if hasattr(current, "model_fields") else None
        if info is None:
            return []
        current = _inner_model(info.annotation)
        if current is None:
            return []
    return list(current.model_fields) if hasattr(current, "model_fields") else []


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


# ---------------------------------------------------------------- cross-references


def _cross_check(project: Project, documents: dict[str, Any]) -> Iterator[Problem]:
    yield from _check_roles(project, documents["roles"])
    yield from _check_courses(project, documents["courses"])
    yield from _check_budgets(project, documents["budgets"])
    yield from _check_goals(project, documents["goals"])
    yield from _check_sources(project, documents["project"])


def _duplicates(
    items: list[Any], document: Any, section: str, shown: str, what: str
) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        line = line_of(document, (section, index, "id"))
        if item.id in seen:
            yield Problem(
                shown,
                line,
                f"duplicate {what} id '{item.id}' (first defined on line "
                f"{seen[item.id]}); ids must be unique",
            )
        else:
            seen[item.id] = line


def _check_roles(project: Project, doc: Any) -> Iterator[Problem]:
    shown = "config/roles.yaml"
    yield from _duplicates(project.roles, doc, "roles", shown, "role")
    yield from _duplicates(project.people, doc, "people", shown, "person")
    role_ids = {role.id for role in project.roles}
    for builtin in BUILTIN_ROLES:
        if builtin not in role_ids:
            yield Problem(
                shown,
                line_of(doc, ("roles",)),
                f"role '{builtin}' is missing; every organisation defines "
                f"{', '.join(BUILTIN_ROLES)}",
            )
    for index, person in enumerate(project.people):
        for position, role in enumerate(person.roles):
            if role not in role_ids:
                yield Problem(
                    shown,
                    line_of(doc, ("people", index, "roles", position)),
                    f"person '{person.id}' holds unknown role '{role}'"
                    f"{did_you_mean(role, role_ids)}{known('roles', role_ids)}",
                )
    if not project.holders("ld-manager"):
        yield Problem(
            shown,
            line_of(doc, ("people",)),
            "nobody holds role 'ld-manager'; budget goals need someone accountable",
        )


def _check_courses(project: Project, doc: Any) -> Iterator[Problem]:
    shown = "config/courses.yaml"
    yield from _duplicates(project.courses, doc, "courses", shown, "course")
    developers = {p.id for p in project.holders("course-developer")}
    managers = {p.id for p in project.holders("training-manager")}
    for index, course in enumerate(project.courses):
        if course.developer not in developers:
            yield Problem(
                shown,
                line_of(doc, ("courses", index, "developer")),
                f"course '{course.id}' names developer '{course.developer}', who does not "
                f"hold role 'course-developer' in config/roles.yaml"
                f"{did_you_mean(course.developer, developers)}"
                f"{known('course developers', developers)}",
            )
        if course.training_manager not in managers:
            yield Problem(
                shown,
                line_of(doc, ("courses", index, "training_manager")),
                f"course '{course.id}' names training manager '{course.training_manager}', "
                f"who does not hold role 'training-manager' in config/roles.yaml"
                f"{did_you_mean(course.training_manager, managers)}"
                f"{known('training managers', managers)}",
            )


def _check_budgets(project: Project, doc: Any) -> Iterator[Problem]:
    shown = "config/budgets.yaml"
    seen: dict[str, int] = {}
    courses = set(project.course_by_id)
    developers = {p.id for p in project.holders("course-developer")}
    for index, period in enumerate(project.budgets):
        line = line_of(doc, ("periods", index, "period"))
        if parse_quarter(period.period) is None:
            yield Problem(
                shown,
                line,
                f"period '{period.period}' is not a fiscal quarter; "
                "write it as YYYY-Qn, such as 2025-Q3",
            )
        elif period.period in seen:
            yield Problem(
                shown,
                line,
                f"period '{period.period}' appears twice (first on line "
                f"{seen[period.period]}); put its budget and spend in one entry",
            )
        else:
            seen[period.period] = line
        for position, spend in enumerate(period.spend):
            where = line_of(doc, ("periods", index, "spend", position))
            given = [k for k in ("course", "developer", "category") if getattr(spend, k)]
            if len(given) != 1:
                yield Problem(
                    shown,
                    where,
                    "a spend line names exactly one of course, developer "
                    f"or category (this one names {len(given) or 'none'})",
                )
            if spend.course and spend.course not in courses:
                yield Problem(
                    shown,
                    where,
                    f"spend names unknown course '{spend.course}'"
                    f"{did_you_mean(spend.course, courses)}{known('courses', courses)}",
                )
            if spend.developer and spend.developer not in developers:
                yield Problem(
                    shown,
                    where,
                    f"spend names unknown developer '{spend.developer}'"
                    f"{did_you_mean(spend.developer, developers)}"
                    f"{known('course developers', developers)}",
                )


def _check_goals(project: Project, doc: Any) -> Iterator[Problem]:
    shown = "config/goals.yaml"
    yield from _duplicates(project.goals, doc, "goals", shown, "goal")
    role_ids = {role.id for role in project.roles}
    quarters = {q.label for q in project.budget_quarters()}
    years = {f"FY{q.fiscal_year}" for q in project.budget_quarters()}
    members = _scope_members(project)
    for index, goal in enumerate(project.goals):

        def at(*key: Any, _index: int = index) -> int:
            return line_of(doc, ("goals", _index, *key))

        metric = METRICS.get(goal.metric)
        if metric is None:
            yield Problem(
                shown,
                at("metric"),
                f"goal '{goal.id}' names unknown metric "
                f"'{goal.metric}'{did_you_mean(goal.metric, METRICS)}{known('metrics', METRICS)}",
            )
        else:
            low, high = metric.valid_range
            value = goal.target.value
            if (low is not None and value < low) or (high is not None and value > high):
                bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
                hint = " (rates are fractions: write 0.85 for 85%)" if metric.unit == "rate" else ""
                yield Problem(
                    shown,
                    at("target"),
                    f"goal '{goal.id}' targets {metric.name} "
                    f"{goal.target.comparator} {value}, which is impossible: a {metric.unit} "
                    f"is {bounds}{hint}",
                )
            if goal.scope.level not in metric.scopes:
                yield Problem(
                    shown,
                    at("scope"),
                    f"goal '{goal.id}': metric '{metric.name}' is not "
                    f"measured per {goal.scope.level}; use one of scope levels "
                    f"{', '.join(metric.scopes)}",
                )
        roles = [("accountable", goal.raci.accountable)] + [
            (kind, role)
            for kind in ("responsible", "consulted", "informed")
            for role in getattr(goal.raci, kind)
        ]
        for kind, role in roles:
            if role not in role_ids:
                yield Problem(
                    shown,
                    at("raci", kind),
                    f"goal '{goal.id}' names unknown role "
                    f"'{role}'{did_you_mean(role, role_ids)}{known('roles', role_ids)}",
                )
        valid_members = members.get(goal.scope.level, set())
        for position, member in enumerate(goal.scope.ids):
            if member not in valid_members:
                yield Problem(
                    shown,
                    line_of(doc, ("goals", index, "scope", "ids", position)),
                    f"goal '{goal.id}' names unknown {goal.scope.level} '{member}'"
                    f"{did_you_mean(member, valid_members)}"
                    f"{known(goal.scope.level + 's', valid_members)}",
                )
        if goal.periods != "all":
            for position, period in enumerate(goal.periods):
                if period in quarters or period in years:
                    continue
                shape_ok = parse_quarter(period) or parse_fiscal_year(period)
                reason = (
                    "is not a period of config/budgets.yaml"
                    if shape_ok
                    else "is not a period; write a quarter (2025-Q3) or a fiscal year (FY2025)"
                )
                yield Problem(
                    shown,
                    line_of(doc, ("goals", index, "periods", position)),
                    f"goal '{goal.id}': period '{period}' {reason}"
                    f"{known('periods', sorted(quarters | years))}",
                )


def _scope_members(project: Project) -> dict[str, set[str]]:
    return {
        "course": set(project.course_by_id),
        "developer": {c.developer for c in project.courses},
        "training_manager": {c.training_manager for c in project.courses},
        "department": {c.audience for c in project.courses if c.audience != "all"}
        | {p.department for p in project.people if p.department},
        "org": {"org"},
    }


def _check_sources(project: Project, doc: Any) -> Iterator[Problem]:
    shown = "config/project.yaml"
    for index, source in enumerate(project.settings.sources):
        if source.format not in FORMATS:
            yield Problem(
                shown,
                line_of(doc, ("sources", index, "format")),
                f"source '{source.path}' has unknown format '{source.format}'"
                f"{did_you_mean(source.format, FORMATS)}{known('formats', FORMATS)}",
            )
        for column, target in source.columns.items():
            if target not in _canonical_columns(source.table):
                yield Problem(
                    shown,
                    line_of(doc, ("sources", index, "columns", column)),
                    f"column mapping targets unknown column '{target}' of table "
                    f"'{source.table}'{did_you_mean(target, _canonical_columns(source.table))}"
                    f"{known('columns', _canonical_columns(source.table))}",
                )
        for text, status in source.status_values.items():
            if status not in STATUSES:
                yield Problem(
                    shown,
                    line_of(doc, ("sources", index, "status_values", text)),
                    f"status mapping targets unknown status '{status}'"
                    f"{did_you_mean(status, STATUSES)}{known('statuses', STATUSES)}",
                )
        if source.format in FORMATS:
            yield from _check_values(source, doc, ("sources", index), shown)
            yield from _check_options(source, doc, ("sources", index), shown)


def _check_values(source: Source, doc: Any, at: tuple[Any, ...], shown: str) -> Iterator[Problem]:
    """``values:``: canonical columns of a csv source's table, with values a file could hold."""
    import pandas as pd

    if not source.values:
        return
    named = f"source '{source.path}' ({source.format})"
    if source.format != "csv":
        instead = [hint for column in source.values if (hint := _instead(source.format, column))]
        hint = (
            f"format {source.format} takes {' and '.join(instead)} instead"
            if instead
            else f"format {source.format} reads {', '.join(source.values)} from the export; "
            "remove 'values:'"
        )
        yield Problem(
            shown,
            line_of(doc, (*at, "values")),
            f"{named}: 'values:' is only for format csv; {hint}",
        )
        return
    kinds = TABLE_COLUMNS[source.table]
    for column, value in source.values.items():
        where = line_of(doc, (*at, "values", column))
        if column not in kinds:
            yield Problem(
                shown,
                where,
                f"{named}: 'values:' names unknown column '{column}' of table '{source.table}'"
                f"{did_you_mean(column, kinds)}{known('columns', kinds)}",
            )
            continue
        text = pd.Series([value], dtype="string")
        if clean_text(text).isna().all():
            yield Problem(
                shown,
                where,
                f"{named}: values.{column} is {value!r}, a blank; give a value or remove it",
            )
        elif kinds[column] == "date" and parse_dates(text, source.date_format).isna().all():
            yield Problem(
                shown,
                where,
                f"{named}: values.{column} is {value!r}, not a date (expected "
                f"{source.date_format or 'YYYY-MM-DD'}); fix it",
            )
        elif kinds[column] in ("score", "minutes", "number") and parse_numbers(text).isna().all():
            yield Problem(
                shown, where, f"{named}: values.{column} is {value!r}, not a number; fix it"
            )
    if source.course_id and "course_id" in source.values:
        yield Problem(
            shown,
            line_of(doc, (*at, "values", "course_id")),
            f"{named}: the course is given twice, as 'course_id:' and as values.course_id; "
            "keep one",
        )


def _instead(fmt: str, column: str) -> str:
    """What gives a column its value in an adapter other than csv ('' when nothing does)."""

    if column in ADAPTER_OPTIONS[fmt]:
        return f"options.{column} for {column}"
    if column == "course_id" and fmt in ONE_COURSE_FORMATS:
        return "'course_id:' for course_id"
    return ""


def _check_options(source: Source, doc: Any, at: tuple[Any, ...], shown: str) -> Iterator[Problem]:
    """``options:``: only the ones the adapter reads (generator/domain/sources.py), each of the
    right shape."""

    declared = ADAPTER_OPTIONS[source.format]
    named = f"source '{source.path}' ({source.format})"
    for name, value in source.options.items():
        where = line_of(doc, (*at, "options", name))
        if name not in declared:
            hint = ""
            if source.format == "csv" and name in _canonical_columns(source.table):
                hint = f"; a csv source sets a column with 'values: {{{name}: ...}}'"
            yield Problem(
                shown,
                where,
                f"{named}: unknown option '{name}'{did_you_mean(name, declared)}"
                f"{known('options', declared)}{hint}",
            )
            continue
        problem = option_problem(source.format, name, value)
        if problem:
            yield Problem(shown, where, f"{named}: {problem}")


def _canonical_columns(table: str) -> tuple[str, ...]:
    return tuple(TABLE_COLUMNS[table])
