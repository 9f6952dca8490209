"""Cross-checks between the config files, once each is valid on its own: ids unique, the roles
that people hold and goals name defined, course developers and training managers holding their
roles, spend and goals naming courses, people, metrics and periods that exist, and sources with
known formats, columns, statuses, values and options.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from generator.config.models import Goal, Source, SpendLine
from generator.config.project import Project
from generator.config.workforce import check_workforce
from generator.config.yamlfile import line_of
from generator.domain.catalog import METRICS, WORKFORCE
from generator.domain.errors import Problem, did_you_mean, known
from generator.domain.paths import slug
from generator.domain.periods import parse_fiscal_year, parse_quarter
from generator.domain.sources import (
    ADAPTER_OPTIONS,
    FILE_FORMATS,
    FOLDER_FORMATS,
    FORMATS,
    ONE_COURSE_FORMATS,
    is_glob,
    option_problem,
)
from generator.domain.tables import STATUSES, TABLE_COLUMNS
from generator.domain.values import clean_text, parse_dates, parse_numbers

BUILTIN_ROLES = ("ld-manager", "training-manager", "course-developer", "learner")
# A RACI role goals may name without roles.yaml defining it: the employees' managers on the HR
# roster (report/goals.py resolves it per department).
LINE_MANAGER = "line-manager"

LineAt = Callable[..., int]
"""The line of a key inside one item of a file, such as ``at("raci", "accountable")``."""


def cross_check(project: Project, documents: dict[str, Any], today: date) -> Iterator[Problem]:
    """Every problem between the files of ``project``; ``documents`` are the parsed files, by
    key of ``CONFIG_FILES`` and ``OPTIONAL_FILES``, for the lines; ``today`` bounds the
    plausible report dates."""
    yield from _check_report_date(project, documents["project"], today)
    yield from _check_roles(project, documents["roles"])
    yield from _check_courses(project, documents["courses"])
    yield from _check_budgets(project, documents["budgets"])
    yield from _check_goals(project, documents["goals"])
    yield from _check_sources(project, documents["project"])
    yield from check_workforce(project, documents.get("workforce"))  # optional: may be absent


def _check_report_date(project: Project, doc: Any, today: date) -> Iterator[Problem]:
    """report_date inside plausible_dates: 9999-12-31 would make a page per quarter for
    millennia (tens of thousands of files, and the build takes a quarter of an hour)."""
    settings = project.settings
    if settings.report_date is None:
        return
    problem = settings.plausible_dates.problem(settings.report_date, today)
    if problem:
        yield Problem(
            "config/project.yaml",
            line_of(doc, ("report_date",)),
            f"report_date {settings.report_date} {problem}; write the day the report is as of, "
            "or change plausible_dates",
        )


def _file_name_clashes(
    items: list[Any], document: Any, section: str, shown: str, what: str
) -> Iterator[Problem]:
    """Two different ids that become the same file name (``C1`` and ``c1``: the pages slug
    them, generator/domain/paths.py), at the lines of both; the build would stop on them."""
    first: dict[str, tuple[str, int]] = {}  # file name -> the id and line that had it first
    for index, item in enumerate(items):
        name, line = slug(item.id), line_of(document, (section, index, "id"))
        if name not in first:
            first[name] = (item.id, line)
            continue
        other, other_line = first[name]
        if other == item.id:
            continue  # the same id twice: a duplicate, reported as one
        why = f"both become the file name '{name}'; rename one of them"
        yield Problem(
            shown, other_line, f"{what} ids '{other}' and '{item.id}' (line {line}) {why}"
        )
        yield Problem(
            shown, line, f"{what} ids '{item.id}' and '{other}' (line {other_line}) {why}"
        )


def _duplicates(
    items: list[Any], document: Any, section: str, shown: str, what: str
) -> Iterator[Problem]:
    """An id given to a second item of ``section``, at the line of the second."""
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


# ---------------------------------------------------------------- roles.yaml and courses.yaml


def _check_roles(project: Project, doc: Any) -> Iterator[Problem]:
    shown = "config/roles.yaml"
    yield from _duplicates(project.roles, doc, "roles", shown, "role")
    yield from _duplicates(project.people, doc, "people", shown, "person")
    yield from _file_name_clashes(project.roles, doc, "roles", shown, "role")
    yield from _file_name_clashes(project.people, doc, "people", shown, "person")
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
    yield from _file_name_clashes(project.courses, doc, "courses", shown, "course")
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


# ---------------------------------------------------------------- budgets.yaml


def _check_budgets(project: Project, doc: Any) -> Iterator[Problem]:
    shown = "config/budgets.yaml"
    seen: dict[str, int] = {}
    courses = set(project.course_by_id)
    developers = {p.id for p in project.holders("course-developer")}
    for index, period in enumerate(project.budgets):
        line = line_of(doc, ("periods", index, "period"))
        message = _period_label_problem(period.period, seen)
        if message:
            yield Problem(shown, line, message)
        else:
            seen[period.period] = line
        for position, spend in enumerate(period.spend):
            where = line_of(doc, ("periods", index, "spend", position))
            for message in _spend_line_problems(spend, courses, developers):
                yield Problem(shown, where, message)


def _period_label_problem(label: str, seen: dict[str, int]) -> str:
    """Why a budget period's label is wrong ('' when it is a quarter not ``seen`` before)."""
    if parse_quarter(label) is None:
        return f"period '{label}' is not a fiscal quarter; write it as YYYY-Qn, such as 2025-Q3"
    if label in seen:
        return (
            f"period '{label}' appears twice (first on line "
            f"{seen[label]}); put its budget and spend in one entry"
        )
    return ""


def _spend_line_problems(
    spend: SpendLine, courses: set[str], developers: set[str]
) -> Iterator[str]:
    given = [k for k in ("course", "developer", "category") if getattr(spend, k)]
    if len(given) != 1:
        yield (
            "a spend line names exactly one of course, developer "
            f"or category (this one names {len(given) or 'none'})"
        )
    if spend.course and spend.course not in courses:
        yield (
            f"spend names unknown course '{spend.course}'"
            f"{did_you_mean(spend.course, courses)}{known('courses', courses)}"
        )
    if spend.developer and spend.developer not in developers:
        yield (
            f"spend names unknown developer '{spend.developer}'"
            f"{did_you_mean(spend.developer, developers)}"
            f"{known('course developers', developers)}"
        )


# ---------------------------------------------------------------- goals.yaml


def _check_goals(project: Project, doc: Any) -> Iterator[Problem]:
    shown = "config/goals.yaml"
    yield from _duplicates(project.goals, doc, "goals", shown, "goal")
    yield from _file_name_clashes(project.goals, doc, "goals", shown, "goal")
    role_ids = {role.id for role in project.roles}
    quarters = {q.label for q in project.budget_quarters()}
    years = {f"FY{q.fiscal_year}" for q in project.budget_quarters()}
    members = _scope_members(project)
    for index, goal in enumerate(project.goals):

        def at(*key: Any, _index: int = index) -> int:
            return line_of(doc, ("goals", _index, *key))

        for line, message in (
            *_goal_metric_problems(goal, at),
            *_workforce_goal_problems(goal, project, at),
            *_goal_role_problems(goal, role_ids, at),
            *_goal_member_problems(goal, members.get(goal.scope.level, set()), at),
            *_goal_period_problems(goal, quarters, years, at),
        ):
            yield Problem(shown, line, message)


def _goal_metric_problems(goal: Goal, at: LineAt) -> Iterator[tuple[int, str]]:
    """The goal's metric unknown, its target out of the metric's range, or its scope a level
    the metric is not measured per."""
    metric = METRICS.get(goal.metric)
    if metric is None:
        yield (
            at("metric"),
            f"goal '{goal.id}' names unknown metric "
            f"'{goal.metric}'{did_you_mean(goal.metric, METRICS)}{known('metrics', METRICS)}",
        )
        return
    low, high = metric.valid_range
    value = goal.target.value
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        hint = " (rates are fractions: write 0.85 for 85%)" if metric.unit == "rate" else ""
        yield (
            at("target"),
            f"goal '{goal.id}' targets {metric.name} "
            f"{goal.target.comparator} {value}, which is impossible: a {metric.unit} "
            f"is {bounds}{hint}",
        )
    if goal.scope.level not in metric.scopes:
        yield (
            at("scope"),
            f"goal '{goal.id}': metric '{metric.name}' is not "
            f"measured per {goal.scope.level}; use one of scope levels "
            f"{', '.join(metric.scopes)}",
        )


def _workforce_goal_problems(goal: Goal, project: Project, at: LineAt) -> Iterator[tuple[int, str]]:
    """A goal on a figure of the HR roster with no roster to make it from (or, for compliance
    and coverage, no competence requirements): it would have no data in every period."""
    metric = METRICS.get(goal.metric)
    if metric is None or metric.source != WORKFORCE:
        return
    if not any(source.table == "roster" for source in project.settings.sources):
        yield (
            at("metric"),
            f"goal '{goal.id}' targets {goal.metric}, a figure of the HR roster, but no source "
            "gives the roster; add a csv source with table: roster (README: Workforce)",
        )
    elif metric.name in ("compliance_rate", "competence_coverage") and not project.requirements:
        yield (
            at("metric"),
            f"goal '{goal.id}' targets {goal.metric}, but config/workforce.yaml has no "
            "competence requirements to count it against; add them (README: Workforce)",
        )


def _goal_role_problems(goal: Goal, role_ids: set[str], at: LineAt) -> Iterator[tuple[int, str]]:
    roles = [("accountable", goal.raci.accountable)] + [
        (kind, role)
        for kind in ("responsible", "consulted", "informed")
        for role in getattr(goal.raci, kind)
    ]
    for kind, role in roles:
        if role not in role_ids and role != LINE_MANAGER:
            yield (
                at("raci", kind),
                f"goal '{goal.id}' names unknown role "
                f"'{role}'{did_you_mean(role, role_ids)}{known('roles', role_ids)}",
            )


def _goal_member_problems(
    goal: Goal, valid_members: set[str], at: LineAt
) -> Iterator[tuple[int, str]]:
    for position, member in enumerate(goal.scope.ids):
        if member not in valid_members:
            yield (
                at("scope", "ids", position),
                f"goal '{goal.id}' names unknown {goal.scope.level} '{member}'"
                f"{did_you_mean(member, valid_members)}"
                f"{known(goal.scope.level + 's', valid_members)}",
            )


def _goal_period_problems(
    goal: Goal, quarters: set[str], years: set[str], at: LineAt
) -> Iterator[tuple[int, str]]:
    """Periods of the goal that are not quarters or fiscal years of config/budgets.yaml."""
    if goal.periods == "all":
        return
    for position, period in enumerate(goal.periods):
        if period in quarters or period in years:
            continue
        shape_ok = parse_quarter(period) or parse_fiscal_year(period)
        reason = (
            "is not a period of config/budgets.yaml"
            if shape_ok
            else "is not a period; write a quarter (2025-Q3) or a fiscal year (FY2025)"
        )
        yield (
            at("periods", position),
            f"goal '{goal.id}': period '{period}' {reason}"
            f"{known('periods', sorted(quarters | years))}",
        )


def _scope_members(project: Project) -> dict[str, set[str]]:
    """The ids a goal's scope may name, per scope level."""
    return {
        "course": set(project.course_by_id),
        "developer": {c.developer for c in project.courses},
        "training_manager": {c.training_manager for c in project.courses},
        "department": {c.audience for c in project.courses if c.audience != "all"}
        | {p.department for p in project.people if p.department},
        "org": {"org"},
    }


# ---------------------------------------------------------------- project.yaml's sources


def _check_path_kind(project: Project, source: Source, line: int) -> Iterator[Problem]:
    """A folder named where the format reads one file, or a file where it reads a folder (a
    path that names nothing is ingest's to report: it may be created before the build)."""
    if is_glob(source.path):
        return
    path = project.source_path(source)
    folder = source.path.rstrip("/\\")
    if path.is_dir() and source.format not in FOLDER_FORMATS:
        yield Problem(
            "config/project.yaml",
            line,
            f"source '{source.path}' is a folder, but format '{source.format}' reads one file; "
            f"name a file in it ('{folder}/export.csv'), or all of them with a glob "
            f"('{folder}/*.csv')",
        )
    elif path.is_file() and source.format not in FILE_FORMATS:
        yield Problem(
            "config/project.yaml",
            line,
            f"source '{source.path}' is a file, but format '{source.format}' reads a folder; "
            "name the folder that holds it",
        )


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
            yield from _check_path_kind(project, source, line_of(doc, ("sources", index, "path")))
            yield from _check_values(source, doc, ("sources", index), shown)
            yield from _check_options(source, doc, ("sources", index), shown)


def _check_values(source: Source, doc: Any, at: tuple[Any, ...], shown: str) -> Iterator[Problem]:
    """``values:``: canonical columns of a csv source's table, with values a file could hold."""
    if not source.values:
        return
    named = f"source '{source.path}' ({source.format})"
    if source.format != "csv":
        yield Problem(
            shown,
            line_of(doc, (*at, "values")),
            f"{named}: 'values:' is only for format csv; {_values_instead(source)}",
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
        problem = _unreadable_value(column, value, kinds[column], source.date_format)
        if problem:
            yield Problem(shown, where, f"{named}: {problem}")
    if source.course_id and "course_id" in source.values:
        yield Problem(
            shown,
            line_of(doc, (*at, "values", "course_id")),
            f"{named}: the course is given twice, as 'course_id:' and as values.course_id; "
            "keep one",
        )


def _values_instead(source: Source) -> str:
    """What a source of an adapter other than csv has instead of ``values:``."""
    instead = [hint for column in source.values if (hint := _instead(source.format, column))]
    if instead:
        return f"format {source.format} takes {' and '.join(instead)} instead"
    return (
        f"format {source.format} reads {', '.join(source.values)} from the export; remove 'values:'"
    )


def _instead(fmt: str, column: str) -> str:
    """What gives a column its value in an adapter other than csv ('' when nothing does)."""

    if column in ADAPTER_OPTIONS[fmt]:
        return f"options.{column} for {column}"
    if column == "course_id" and fmt in ONE_COURSE_FORMATS:
        return "'course_id:' for course_id"
    return ""


def _unreadable_value(column: str, value: str, kind: str, date_format: str | None) -> str:
    """Why a ``values:`` entry is not a value of its column's kind ('' when it is one), read
    as the file's cells are."""
    import pandas as pd

    text = pd.Series([value], dtype="string")
    if clean_text(text).isna().all():
        return f"values.{column} is {value!r}, a blank; give a value or remove it"
    if kind == "date" and parse_dates(text, date_format).isna().all():
        return (
            f"values.{column} is {value!r}, not a date (expected "
            f"{date_format or 'YYYY-MM-DD'}); fix it"
        )
    if kind in ("score", "minutes", "number"):
        number = parse_numbers(text).iloc[0]
        if pd.isna(number):
            return f"values.{column} is {value!r}, not a number; fix it"
        if not math.isfinite(number):  # .inf, Infinity, 1e400: 'inf min' on every page
            return f"values.{column} is {value!r}; write a finite number"
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
