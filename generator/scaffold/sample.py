"""The sample learners of a new project: two courses, eight enrolments each, in one fiscal
quarter of the project's calendar. Each LMS kind writes them in its own export format
(``exports.py``), so a scaffold validates and builds before the organisation has data of its
own. Eight learners a course: above the default minimum group size of 5, so the pages show
figures rather than only "fewer than 5 learners"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from generator.domain.periods import FiscalCalendar, Quarter

# A fixed day, never today: the same options always give the same scaffold.
SAMPLE_DAY = date(2025, 5, 15)


@dataclass(frozen=True)
class SampleCourse:
    id: str
    title: str
    developer: str
    mandatory: bool
    pass_mark: float
    expected_minutes: float
    starts: int
    """Days after the quarter's first day on which the course opens."""


@dataclass(frozen=True)
class Enrolment:
    learner: int
    """A number; each LMS writes its own kind of id from it."""
    course: SampleCourse
    department: str
    enrolled_on: date
    status: str
    """completed, failed, in_progress or withdrawn."""
    finished_on: date | None
    """Completed, failed or withdrawn on."""
    score: float | None
    minutes: float | None


COURSES = (
    SampleCourse("safety-basics", "Safety basics", "learning-team", True, 70, 45, 1),
    SampleCourse("customer-care", "Customer care", "acme-elearning", False, 60, 60, 8),
)

# (days after the course opens, status, days taken, score, minutes): five complete it, one
# fails, one is still working on it, one withdraws.
PLAN = (
    (1, "completed", 9, 88, 40),
    (2, "completed", 13, 76, 52),
    (4, "completed", 8, 91, 38),
    (6, "completed", 19, 67, 61),
    (9, "completed", 11, 82, 47),
    (11, "failed", 24, 48, 55),
    (14, "in_progress", None, 35, 20),
    (17, "withdrawn", 22, None, 10),
)
DEPARTMENTS = ("Operations", "Sales")


def sample_quarter(calendar: FiscalCalendar) -> Quarter:
    """The fiscal quarter the sample data lies in."""
    return calendar.quarter_of(SAMPLE_DAY)


def sample_enrolments(calendar: FiscalCalendar) -> list[Enrolment]:
    """Every sample enrolment, course by course; all dates within ``sample_quarter``."""
    first = calendar.first_day(sample_quarter(calendar))
    rows = []
    for index, course in enumerate(COURSES):
        opens = first + timedelta(days=course.starts)
        for number, (after, status, took, score, minutes) in enumerate(PLAN):
            enrolled = opens + timedelta(days=after)
            rows.append(
                Enrolment(
                    learner=1001 + number + 3 * index,  # the courses share some learners
                    course=course,
                    department=DEPARTMENTS[number % 2],
                    enrolled_on=enrolled,
                    status=status,
                    finished_on=None if took is None else enrolled + timedelta(days=took),
                    score=None if score is None else float(score - 4 * index),
                    minutes=None if minutes is None else float(minutes + 5 * index),
                )
            )
    return rows


def course_start(calendar: FiscalCalendar, course: SampleCourse) -> date:
    """The day the course opens: what exports without dates are told in ``options``."""
    return calendar.first_day(sample_quarter(calendar)) + timedelta(days=course.starts)


def report_day(calendar: FiscalCalendar) -> date:
    """The sample's report date: the last day of its quarter."""
    return calendar.last_day(sample_quarter(calendar))
