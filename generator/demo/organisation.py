"""The demo organisation at the size asked for: the catalogue cut or extended with synthetic
courses, developers and training managers, and the learners split over the departments.

The fixed part (the 40 courses, the people) comes from ``catalogue.py``; everything here is
computed from the seed and the requested size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from generator.demo.catalogue import (
    CATALOGUE,
    DEPARTMENT_NAMES,
    DEPARTMENTS,
    DEVELOPERS,
    TRAINING_MANAGERS,
    DemoCourse,
    Developer,
    Person,
    generic_modules,
)
from generator.demo.stories import DROPOFF_COURSE, FALLING_COURSE, STORY_COURSES

ORGANISATION = "Northwind Logistics"
CURRENCY = "EUR"
MIN_GROUP_SIZE = 5
CATALOGUE_SIZE = len(CATALOGUE)


@dataclass(frozen=True)
class Organisation:
    courses: list[DemoCourse]
    developers: list[Developer]
    training_managers: list[Person]
    department_sizes: list[int]


def largest_remainder(total: int, shares: list[float]) -> list[int]:
    raw = [total * s / sum(shares) for s in shares]
    counts = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def build_organisation(learners: int, courses: int, seed: int) -> Organisation:
    """The catalogue cut or extended to ``courses``, with developers and managers to match."""
    rng = np.random.default_rng([seed, 1])
    catalogue = list(CATALOGUE)
    for index, course in enumerate(catalogue):
        if not course.mandatory and course.id not in (FALLING_COURSE, DROPOFF_COURSE):
            # Optional courses differ in how often learners finish them (fixed by the seed).
            finish = round(float(rng.uniform(0.72, 0.9)), 3)
            catalogue[index] = replace(course, finish=finish)
    if courses < len(catalogue):
        keep = set(STORY_COURSES)
        for course in catalogue:
            if len(keep) >= courses:
                break
            keep.add(course.id)
        catalogue = [c for c in catalogue if c.id in keep]
    developers = list(DEVELOPERS)
    managers = list(TRAINING_MANAGERS)
    extra = courses - len(catalogue)
    if extra > 0:
        developers += _extra_developers(extra)
        managers += _extra_managers(extra)
        catalogue += _synthetic_courses(extra, developers[len(DEVELOPERS) :], managers, rng)
    sizes = largest_remainder(learners, [d.share for d in DEPARTMENTS])
    return Organisation(catalogue, developers, managers, sizes)


VENDOR_NAMES = (
    "Northstar eLearning",
    "Quayside Training",
    "Cobalt Courseware",
    "Meridian Skills",
    "Harbourlight Learning",
    "Atlas Academy",
    "Keystone Digital Learning",
    "Bluefin Labs",
)


def _extra_developers(extra_courses: int) -> list[Developer]:
    """One more developer per 250 synthetic courses, alternating vendors and internal teams."""
    count = max(1, math.ceil(extra_courses / 250))
    result = []
    for i in range(count):
        number = i + 1
        if i % 2 == 0:
            name = f"{VENDOR_NAMES[(i // 2) % len(VENDOR_NAMES)]} {number}"
            result.append(Developer(f"vendor-{number:02d}", name, "vendor", 20.0 + 2 * (i % 7)))
        else:
            result.append(
                Developer(
                    f"team-{number:02d}", f"Regional Content Team {number}", "team", 15.0 + (i % 5)
                )
            )
    return result


def _extra_managers(extra_courses: int) -> list[Person]:
    count = max(1, math.ceil(extra_courses / 500))
    return [
        Person(f"training-manager-{i + 3:02d}", f"Training Manager {i + 3}") for i in range(count)
    ]


SYNTHETIC_TOPICS = (
    "Warehouse Safety",
    "Route Optimisation",
    "Cold Chain Handling",
    "Customs Documentation",
    "Fleet Maintenance",
    "Customer Onboarding",
    "Data Literacy",
    "Procurement Basics",
    "Yard Management",
    "Last-Mile Delivery",
    "Returns Processing",
    "Team Leadership",
    "Workplace Ergonomics",
    "Sales Forecasting",
    "Cyber Hygiene",
    "Quality Audits",
)


def _synthetic_courses(
    count: int,
    developers: list[Developer],
    managers: list[Person],
    rng: np.random.Generator,
) -> list[DemoCourse]:
    """Extra courses for benchmarks: 15% mandatory (mostly for one department), 85% optional."""
    courses = []
    for i in range(count):
        number = CATALOGUE_SIZE + i + 1
        topic = SYNTHETIC_TOPICS[i % len(SYNTHETIC_TOPICS)]
        mandatory = i % 7 == 3
        if mandatory:
            audience = "all" if i % 5 == 0 else DEPARTMENT_NAMES[i % (len(DEPARTMENTS) - 1)]
        else:
            audience = DEPARTMENT_NAMES[i % len(DEPARTMENTS)] if i % 3 == 0 else "all"
        title = f"{topic} {number}"
        courses.append(
            DemoCourse(
                id=f"course-{number:05d}",
                title=title,
                developer=developers[i % len(developers)].id,
                training_manager=managers[i % len(managers)].id,
                mandatory=mandatory,
                audience=audience,
                expected_minutes=int(rng.choice([20, 30, 45, 60, 90])),
                modules=generic_modules(title, 4 + i % 5),
                pass_mark=75 if mandatory else 70,
                finish=0.93 if mandatory else round(float(rng.uniform(0.7, 0.9)), 3),
                popularity=round(float(rng.uniform(0.5, 1.5)), 2),
            )
        )
    return courses
