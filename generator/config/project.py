"""The validated project: ``Project``, everything in config/ once loaded and cross-checked, and
``expand_env``, which expands ``${VAR}`` in the paths of its sources.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.config.models import BudgetPeriod, Course, Goal, Person, ProjectFile, Role, Source
from generator.config.responses import QuarterResponses
from generator.config.workforce import Kpi, Requirement
from generator.domain.periods import FiscalCalendar, Quarter, parse_quarter


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
    requirements: list[Requirement] = field(default_factory=list)
    """workforce.yaml's competence requirements (none without the file)."""
    kpis: list[Kpi] = field(default_factory=list)
    """workforce.yaml's business KPIs (none without the file)."""
    lines: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    """(kind, id) -> (file, line), for messages that point back into the config, such as
    ("requirement", "forklift-certification") or ("kpi", "incidents-per-100")."""
    budgets_illustrative: bool = False
    """budgets.yaml's ``illustrative``: the budget and spend figures are invented."""
    budgets_note: str = ""
    """budgets.yaml's ``note``, shown with the notice that they are."""
    responses: dict[str, QuarterResponses] = field(default_factory=dict)
    """responses/<quarter>.yaml by quarter label (none without the folder)."""

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
