"""config/workforce.yaml, the optional file of competence requirements and business KPIs: its
pydantic models (one docstring per field, for README.md's config reference), the evaluation
labels of the KPIs, and the checks of its ids and course ids against the other files.

A project without the file is valid: it has no requirements and no KPIs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, ValidationInfo, field_validator

from generator.config.models import Model
from generator.config.yamlfile import line_of
from generator.domain.errors import Problem, did_you_mean, known
from generator.domain.paths import MAX_LENGTH, RESERVED, slug

if TYPE_CHECKING:  # project.py imports the models below; the checks only read a Project
    from generator.config.project import Project

WORKFORCE_YAML = "workforce.yaml"
SHOWN = f"config/{WORKFORCE_YAML}"

Evaluation = Literal["ltem-7", "ltem-8", "phillips-4"]

EVALUATIONS: dict[str, str] = {
    "ltem-7": "LTEM 7 (transfer) · Kirkpatrick 3 (behaviour)",
    "ltem-8": "LTEM 8 (effects of transfer) · Kirkpatrick 4 (results)",
    "phillips-4": "Phillips 4 (business impact) · Kirkpatrick 4 (results)",
}
"""A KPI's ``evaluation`` key -> the label shown with its values, worded as the catalogue's
levels are (generator/domain/catalog.py)."""

PHILLIPS_4_CAVEAT = (
    "Phillips 4 (business impact): the effect of training is not isolated from other causes; "
    "never read as ROI"
)
"""Shown with every KPI evaluated at phillips-4: a before/after difference of a business
measure is not the training's effect, and Phillips 5 (ROI) is never claimed."""

# A period this long already outlasts any job; bounded so that adding it to a date (year 9999 at
# most) can never overflow, whatever the file says.
MAX_MONTHS, MAX_DAYS = 1200, 36_600

# field -> (unit, smallest value, an example for the message)
_WHOLE_NUMBERS: dict[str, tuple[str, int, int]] = {
    "valid_for": ("months", 1, 24),
    "due_within": ("days", 1, 90),
    "grace": ("days", 0, 14),  # its default is 0: no grace
    "due_soon": ("days", 1, 30),
}


def _whole_number(value: Any, info: ValidationInfo) -> Any:
    """A whole number of months or days within bounds. YAML reads `yes` as true, which an int
    field would take as 1: here it is an error, as are fractions and text."""
    name = info.field_name or ""
    unit, low, example = _WHOLE_NUMBERS[name]
    high = MAX_MONTHS if unit == "months" else MAX_DAYS
    if value is None and name == "valid_for":
        return value  # written out empty: never expires, as when omitted
    if isinstance(value, bool):
        raise ValueError(
            f"yes/no (true/false) is not a number; write a whole number of {unit}, "
            f"such as {example}"
        )
    if not isinstance(value, int):
        raise ValueError(f"write a whole number of {unit}, such as {example}")
    if value < low:
        hint = "; omit it for a completion that never expires" if name == "valid_for" else ""
        raise ValueError(f"write a whole number of {unit} of at least {low}{hint}")
    if value > high:
        raise ValueError(f"write a whole number of {unit} of at most {high} (100 years)")
    return value


def _name(value: str) -> str:
    """Job roles and departments are names: a blank one matches nobody, so it is an error."""
    if not value.strip():
        raise ValueError("a name is blank; write it, or remove the item")
    return value


Name = Annotated[str, AfterValidator(_name)]


class Requirement(Model):
    """A competence requirement: the courses each holder of a job role must have a valid
    completion of."""

    id: str
    """Stable slug id (lowercase letters, digits and hyphens), unique among the requirements."""
    title: str
    """Shown on the pages."""
    job_roles: list[Name]
    """job_role values of the HR roster whose holders must meet the requirement (at least one)."""
    courses: list[str]
    """Course ids of config/courses.yaml (at least one); each holder needs a valid completion of
    every one of them."""
    valid_for: int | None = None
    """Months (1 to 1200) a completion stays valid; omitted: it never expires."""
    due_within: int = 90
    """Days (1 to 36600) after hire or role change by which the first completion is due."""
    grace: int = 0
    """Days (0 to 36600) after the due date or the expiry before the requirement is overdue or
    expired."""
    due_soon: int = 30
    """Days (1 to 36600) before the due date or the expiry that count as due soon."""
    exempt_departments: list[Name] = Field(default_factory=list)
    """Departments whose holders of the job roles are exempt."""

    _numbers = field_validator(*_WHOLE_NUMBERS, mode="before")(_whole_number)

    @field_validator("job_roles", "courses")
    @classmethod
    def _at_least_one(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if not value:
            what = "job role of the HR roster" if info.field_name == "job_roles" else "course id"
            raise ValueError(f"name at least one {what}")
        return value


class Kpi(Model):
    """A business KPI: a named measure per department or job role and period, its values read
    from a source with ``table: kpis``."""

    id: str
    """The value of the measure column of the kpis table: a stable slug id, unique among the
    KPIs."""
    label: str
    """Shown on the pages, such as 'Safety incidents per 100 staff'."""
    unit: str = ""
    """Free text shown beside the values, such as 'per 100 staff'."""
    higher_is_better: bool
    """Whether a rise is an improvement (false for incidents, true for output)."""
    level: Literal["department", "job_role"] = "department"
    """What the values are reported per: a department or a job role."""
    evaluation: Evaluation
    """ltem-7 (transfer: Kirkpatrick 3), ltem-8 (results: Kirkpatrick 4) or phillips-4
    (business impact, shown with the caveat that the effect of training is not isolated)."""
    trained_by: list[str] = Field(default_factory=list)
    """Course ids whose completion counts as being trained, for before/after comparisons."""


class WorkforceFile(Model):
    """workforce.yaml: competence requirements per job role, and business KPIs. Without the
    file a project has neither."""

    requirements: list[Requirement] = Field(default_factory=list)
    """The courses each job role must hold a valid completion of."""
    kpis: list[Kpi] = Field(default_factory=list)
    """Named business measures per department or job role and period."""


OPTIONAL_FILES: dict[str, tuple[str, type[BaseModel]]] = {
    "workforce": (WORKFORCE_YAML, WorkforceFile),
}
"""Key -> (file name in config/, model), as ``CONFIG_FILES``, of the files a project may leave
out: read after the required ones when present."""


def workforce_lines(
    document: Any, workforce: WorkforceFile
) -> dict[tuple[str, str], tuple[str, int]]:
    """("requirement" or "kpi", id) -> (file, line) of each item, for ``Project.lines`` (the
    first item of an id when two share it: the second is an error anyway)."""
    lines: dict[tuple[str, str], tuple[str, int]] = {}
    sections: tuple[tuple[str, str, Sequence[Requirement | Kpi]], ...] = (
        ("requirements", "requirement", workforce.requirements),
        ("kpis", "kpi", workforce.kpis),
    )
    for section, kind, items in sections:
        for index, item in enumerate(items):
            lines.setdefault((kind, item.id), (SHOWN, line_of(document, (section, index))))
    return lines


# ---------------------------------------------------------------- cross-checks


def check_workforce(project: Project, document: Any) -> Iterator[Problem]:
    """Every problem of workforce.yaml against the other files: ids unique and slugs, and
    course ids that config/courses.yaml defines. Nothing without the file (``document`` None)."""
    if document is None:
        return
    courses = set(project.course_by_id)
    for section, what, items in (
        ("requirements", "requirement", project.requirements),
        ("kpis", "KPI", project.kpis),
    ):
        yield from _id_problems(items, document, section, what)
    for index, requirement in enumerate(project.requirements):
        yield from _course_problems(
            requirement.courses,
            courses,
            document,
            ("requirements", index, "courses"),
            f"requirement '{requirement.id}'",
        )
    for index, kpi in enumerate(project.kpis):
        yield from _course_problems(
            kpi.trained_by, courses, document, ("kpis", index, "trained_by"), f"KPI '{kpi.id}'"
        )


def _id_problems(items: list[Any], document: Any, section: str, what: str) -> Iterator[Problem]:
    """An id that is not its own slug (it names files and links), or one given twice."""
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        line = line_of(document, (section, index, "id"))
        message = _slug_problem(item.id, what)
        if message:
            yield Problem(SHOWN, line, message)
        if item.id in seen:
            yield Problem(
                SHOWN,
                line,
                f"duplicate {what} id '{item.id}' (first defined on line {seen[item.id]}); "
                "ids must be unique",
            )
        else:
            seen[item.id] = line


def _slug_problem(identifier: str, what: str) -> str:
    """Why ``identifier`` cannot name a file as it is ('' when it can)."""
    safe = slug(identifier)
    if safe == identifier:
        return ""
    named = f"{what} id '{identifier}'"
    if not identifier.strip():
        return f"{what} id is empty; write a slug such as 'forklift-certification'"
    if len(identifier) > MAX_LENGTH:
        return f"{named} is longer than {MAX_LENGTH} characters; shorten it"
    if identifier in RESERVED:
        return f"{named} is a reserved file name; use another, such as '{safe}'"
    return f"{named} is not a slug; write lowercase letters, digits and hyphens, such as '{safe}'"


def _course_problems(
    named: list[str], courses: set[str], document: Any, at: tuple[Any, ...], owner: str
) -> Iterator[Problem]:
    by_case = {course.casefold(): course for course in courses}
    for position, course in enumerate(named):
        if course not in courses:
            # Course ids are case-sensitive as the exports write them; 'c2' for 'C2' is the
            # likeliest slip, and difflib's ratio misses it.
            same = by_case.get(course.casefold())
            hint = f" (did you mean '{same}'?)" if same else did_you_mean(course, courses)
            yield Problem(
                SHOWN,
                line_of(document, (*at, position)),
                f"{owner} names unknown course '{course}'{hint}{known('courses', courses)}",
            )
