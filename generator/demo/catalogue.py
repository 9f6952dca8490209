"""The demo's fixed data, read from the YAML files in ``data/`` into dataclasses.

``organisation.yaml`` holds the departments (with their job roles), the people, the developers
and the roles; ``catalogue.yaml`` the 40 courses, the pre- and post-tests and the surveys;
``goals.yaml`` the goals; ``workforce.yaml`` the competence requirements and business KPIs. What is generated from a seed or scaled up (synthetic courses, extra developers) is made
in ``organisation.py``, not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from generator.demo.stories import STORY_COURSES


@dataclass(frozen=True)
class JobRole:
    """A job role of the HR roster and its share of the department's employees."""

    name: str
    share: float
    lead: bool = False
    """The role the department's others are promoted to (Shift Lead, Team Lead, ...)."""


@dataclass(frozen=True)
class Department:
    name: str
    share: float
    head_id: str
    head_name: str
    comment: str = ""
    """Written above the department head in roles.yaml."""
    job_roles: tuple[JobRole, ...] = ()


@dataclass(frozen=True)
class Person:
    """A manager named in roles.yaml."""

    id: str
    name: str
    comment: str = ""


@dataclass(frozen=True)
class Developer:
    id: str
    name: str
    kind: str  # vendor | team
    cost_per_completion: float
    """The fee (vendors) or internal charge-back (teams) per completion, in EUR."""
    comment: str = ""


@dataclass(frozen=True)
class DemoCourse:
    id: str
    title: str
    developer: str
    training_manager: str
    mandatory: bool
    audience: str
    expected_minutes: int
    modules: tuple[str, ...]
    pass_mark: int = 70
    finish: float = 0.8
    """Share of enrolments that reach the end (then completed, or failed on the score)."""
    scored: bool = True
    """Whether the course ends with a scored test (otherwise no final score)."""
    score_mean: float | None = None
    """Mean final score; default: 12 points above the pass mark, at most 90 (about 5% fail)."""
    minutes_factor: float = 1.0
    popularity: float = 1.0
    """Relative weight among the optional courses a learner picks."""
    continuation: tuple[float, ...] | None = None
    """Chance to pass each step (start, module 1->2, ..., finish); default: an even hazard."""
    comment: str = ""
    """Written above the course in courses.yaml."""

    @property
    def mean_score(self) -> float:
        return self.score_mean if self.score_mean is not None else min(self.pass_mark + 12.0, 90.0)


def generic_modules(title: str, count: int) -> tuple[str, ...]:
    """``count`` module titles for a course whose modules have no names of their own."""
    topics = (
        "Why it matters",
        "Key ideas",
        "Rules and responsibilities",
        "In practice",
        "Tools and checklists",
        "Common mistakes",
        "Case study",
    )
    return (*topics[: count - 1], f"Check your understanding: {title}")


def _read(name: str) -> dict[str, Any]:
    text = resources.files("generator.demo").joinpath("data", name).read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _courses(section: dict[str, Any], mandatory: bool) -> list[DemoCourse]:
    """The courses of one section of catalogue.yaml, its defaults filled in."""
    courses = []
    for entry in section["courses"]:
        fields = {**section.get("defaults", {}), **entry, "mandatory": mandatory}
        modules = fields["modules"]
        if isinstance(modules, int):
            fields["modules"] = generic_modules(fields["title"], modules)
        else:
            fields["modules"] = tuple(modules)
        if fields.get("continuation") is not None:
            fields["continuation"] = tuple(fields["continuation"])
        courses.append(DemoCourse(**fields))
    return courses


_ORGANISATION = _read("organisation.yaml")
_CATALOGUE = _read("catalogue.yaml")

DEPARTMENTS: tuple[Department, ...] = tuple(
    Department(**{**d, "job_roles": tuple(JobRole(**r) for r in d.get("job_roles", ()))})
    for d in _ORGANISATION["departments"]
)
DEPARTMENT_NAMES = tuple(d.name for d in DEPARTMENTS)
JOB_ROLES: tuple[str, ...] = tuple(r.name for d in DEPARTMENTS for r in d.job_roles)
"""Every job role, department by department."""
LD_MANAGER = Person(**_ORGANISATION["ld_manager"])
TRAINING_MANAGERS: tuple[Person, ...] = tuple(
    Person(**p) for p in _ORGANISATION["training_managers"]
)
DEVELOPERS: tuple[Developer, ...] = tuple(Developer(**d) for d in _ORGANISATION["developers"])
LEARNERS: dict[str, str] = dict(_ORGANISATION["learners"])
"""The one roles.yaml entry that stands for all learners."""
ROLES: tuple[dict[str, str], ...] = tuple(dict(r) for r in _ORGANISATION["roles"])

CATALOGUE: tuple[DemoCourse, ...] = (
    *_courses(_CATALOGUE["mandatory"], mandatory=True),
    *_courses(_CATALOGUE["optional"], mandatory=False),
)
"""The 40 courses, mandatory first, in the order the random draws follow."""
# Learning gain (pre/post tests): course -> (mean pre-test score, mean gain).
ASSESSED: dict[str, tuple[float, float]] = {
    course: (float(test["pre_test"]), float(test["gain"]))
    for course, test in _CATALOGUE["pre_post_tests"].items()
}
# Satisfaction surveys: course -> mean rating (1-5).
SURVEYED: dict[str, float] = {
    course: float(rating) for course, rating in _CATALOGUE["surveys"].items()
}

GOALS: tuple[tuple[dict[str, Any], str], ...] = tuple(
    ({k: v for k, v in goal.items() if k != "comment"}, goal.get("comment", ""))
    for goal in _read("goals.yaml")["goals"]
)
"""Each goal as goals.yaml writes it, and the comment written above it."""

_WORKFORCE = _read("workforce.yaml")
REQUIREMENTS: tuple[tuple[dict[str, Any], str], ...] = tuple(
    (
        {
            k: list(JOB_ROLES) if (k, v) == ("job_roles", "all") else v
            for k, v in item.items()
            if k != "comment"
        },
        item.get("comment", ""),
    )
    for item in _WORKFORCE["requirements"]
)
"""Each competence requirement as workforce.yaml writes it (``all`` job roles spelled out),
and the comment written above it."""
KPIS: tuple[tuple[dict[str, Any], dict[str, Any], str], ...] = tuple(
    (
        {k: v for k, v in item.items() if k not in ("comment", "demo")},
        dict(item["demo"]),
        item.get("comment", ""),
    )
    for item in _WORKFORCE["kpis"]
)
"""Each KPI as workforce.yaml writes it, how data/kpis.csv makes its values, and its comment."""
WORKFORCE_COURSES: tuple[str, ...] = tuple(
    dict.fromkeys(
        [c for item, _ in REQUIREMENTS for c in item["courses"]]
        + [c for item, _, _ in KPIS for c in item.get("trained_by", [])]
    )
)
"""The courses the requirements and KPIs name, whose completions the roster and KPIs read."""


def _check() -> None:
    """Fail at import when the YAML files name a course, person or department they lack."""
    courses = {c.id for c in CATALOGUE}
    known = {
        "developer": {d.id for d in DEVELOPERS},
        "training_manager": {p.id for p in TRAINING_MANAGERS},
        "audience": {"all", *DEPARTMENT_NAMES},
    }
    problems = [
        f"course {c.id}: unknown {field} {getattr(c, field)!r}"
        for c in CATALOGUE
        for field, values in known.items()
        if getattr(c, field) not in values
    ]
    named = [*STORY_COURSES, *ASSESSED, *SURVEYED]
    named += [
        i
        for goal, _ in GOALS
        if isinstance(goal["scope"], dict)
        for i in goal["scope"].get("ids", [])
    ]
    named += WORKFORCE_COURSES
    problems += [
        f"no course {c!r} in catalogue.yaml" for c in dict.fromkeys(named) if c not in courses
    ]
    problems += _workforce_problems()
    if problems:
        raise ValueError("generator/demo/data: " + "; ".join(problems))


def _workforce_problems() -> list[str]:
    """Job roles unique and their shares adding up; requirements and KPIs naming known ones."""
    problems = [
        f"job role {r!r} is in two departments" for r in set(JOB_ROLES) if JOB_ROLES.count(r) > 1
    ]
    problems += [
        f"department {d.name}: job role shares add up to {total:g}, not 1"
        for d in DEPARTMENTS
        if abs((total := sum(r.share for r in d.job_roles)) - 1) > 1e-9
    ]
    problems += [
        f"requirement {item['id']}: unknown job role {role!r}"
        for item, _ in REQUIREMENTS
        for role in item["job_roles"]
        if role not in JOB_ROLES
    ]
    for item, demo, _ in KPIS:
        known = JOB_ROLES if item["level"] == "job_role" else DEPARTMENT_NAMES
        problems += [
            f"KPI {item['id']}: unknown {item['level']} {name!r} in demo.baseline"
            for name in demo["baseline"]
            if name not in known
        ]
    return problems


_check()
