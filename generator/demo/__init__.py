"""The demo organisation, Northwind Logistics, and its deterministic LMS data.

``accountability demo-data`` writes a complete project (``config/*.yaml`` and ``data/*.csv``)
that tells the story of the article "Who is accountable if the online training fails?". The
same seed always gives byte-identical files; the repository's own ``config/`` and ``data/`` are
the default run (``accountability demo-data --out . --seed 2024``).

Planted stories (see ``STORIES``; the ids below are stable and tests refer to them):

1. Drop-off at one module: 60% of the learners who reach module 3 ("Role-play: giving difficult
   feedback") of ``coaching-conversations`` go no further; the other modules lose 2-4%. The
   course developer (``content-studio``) is accountable.
2. A department that does not do its mandatory training: ``Warehouse Operations`` completes
   about 40% of its mandatory enrolments, the other departments about 85-90%. Learners and their
   department head answer for it.
3. An expensive vendor: ``brightpath`` (BrightPath Learning) costs about 78 EUR per completion,
   about 3.5x the median of the other developers (4.4x in FY2026; spend lines in budgets.yaml
   by developer and course).
4. Budget use: quarter ``2025-Q2`` is under-spent (utilisation about 0.55), ``2026-Q3`` is
   over-spent (about 1.15), and every FY2025 quarter's budget is 11% below FY2024's.
5. A falling trend: the completion rate of ``customer-service-excellence`` falls in each of
   the quarters 2026-Q1 .. 2026-Q4 (from about 88% to under 50%).
6. Time far above expectation: completers of ``excel-transport-planning`` spend a median of
   about 2.1x its expected 60 minutes.
7. Completed but not learned: ``anti-bribery`` is completed by over 90% with an average score
   of about 55 (its pass mark is 40).
8. Goals met and missed: goals.yaml holds business and learning goals with RACI roles; the
   planted stories make some miss, the rest are met.
9. Dirty rows in the enrolment export: 5 rows with unknown (retired or test) course codes, one
   unparseable date, one score of 140 and 20 exact duplicates, all accounted for by ingest.

Scale: ``--rows`` is the exact number of data rows in the enrolment export, the dirty rows
included. The export is generated and written in chunks of ``CHUNK_ROWS`` with numpy, so ten
million rows need a few hundred MB at most. Activity, assessment and survey rows are only
made for the 40 catalogue courses, and only within the first chunk, so they stay small.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import yaml

from generator.domain.periods import FiscalCalendar, Quarter

log = logging.getLogger(__name__)

ORGANISATION = "Northwind Logistics"
CURRENCY = "EUR"
FISCAL_YEAR_START_MONTH = 4
MIN_GROUP_SIZE = 5
CALENDAR = FiscalCalendar(FISCAL_YEAR_START_MONTH)
QUARTERS = CALENDAR.quarters_between(Quarter(2024, 1), Quarter(2026, 4))
FIRST_DAY = CALENDAR.first_day(QUARTERS[0])  # 2023-04-01
REPORT_DATE = CALENDAR.last_day(QUARTERS[-1])  # 2026-03-31: data ends on the last day
CHUNK_ROWS = 500_000
CATALOGUE_SIZE = 40
DEFAULT_SEED = 2024

# ---------------------------------------------------------------- the planted stories

DROPOFF_COURSE = "coaching-conversations"
DROPOFF_MODULE = 3
LAGGING_DEPARTMENT = "Warehouse Operations"
EXPENSIVE_VENDOR = "brightpath"
UNDERSPENT_QUARTER = "2025-Q2"
OVERSPENT_QUARTER = "2026-Q3"
BUDGET_CUT_FY2025 = 0.11
FALLING_COURSE = "customer-service-excellence"
FALLING_QUARTERS = ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")
SLOW_COURSE = "excel-transport-planning"
LOW_SCORE_COURSE = "anti-bribery"
UNKNOWN_COURSE_CODES = ("HS-IND-2019", "HS-IND-2019", "HS-IND-2019", "SANDBOX-TEST", "SANDBOX-TEST")
BAD_DATE = "2025-02-30"
BAD_SCORE = "140"
DUPLICATE_ROWS = 20


@dataclass(frozen=True)
class Story:
    number: int
    key: str
    title: str
    subject: str
    """The course, department, developer or quarter the story is about."""
    accountable: str
    """The role the report should point at."""
    expected: str
    """What the report should show."""


STORIES: tuple[Story, ...] = (
    Story(
        1,
        "dropoff",
        "Learners drop off at one module",
        f"course {DROPOFF_COURSE}, module {DROPOFF_MODULE}",
        "course-developer",
        "60% of those who reach module 3 of 6 go no further; other modules lose 2-4%",
    ),
    Story(
        2,
        "lagging-department",
        "A department skips its mandatory training",
        f"department {LAGGING_DEPARTMENT}",
        "department-head",
        "mandatory completion about 40% against 85-90% in the other departments",
    ),
    Story(
        3,
        "expensive-vendor",
        "One vendor costs far more per completion",
        f"developer {EXPENSIVE_VENDOR}",
        "ld-manager",
        "cost per completion about 78 EUR, over 3x the median of the other developers",
    ),
    Story(
        4,
        "budget-use",
        "Under- and over-spent quarters after a budget cut",
        f"quarters {UNDERSPENT_QUARTER} and {OVERSPENT_QUARTER}; FY2025",
        "ld-manager",
        "utilisation about 0.55 and 1.15; FY2025 budget 11% below FY2024",
    ),
    Story(
        5,
        "falling-trend",
        "Completion falls quarter after quarter",
        f"course {FALLING_COURSE}, {FALLING_QUARTERS[0]}..{FALLING_QUARTERS[-1]}",
        "training-manager",
        "completion rate lower in each of the last four quarters",
    ),
    Story(
        6,
        "time-overrun",
        "Completers need twice the expected time",
        f"course {SLOW_COURSE}",
        "course-developer",
        "median minutes of completers about 2.1x expected_minutes (60)",
    ),
    Story(
        7,
        "completed-not-learned",
        "High completion, low scores",
        f"course {LOW_SCORE_COURSE}",
        "course-developer",
        "completion above 90%, average score about 55 (pass mark 40)",
    ),
    Story(
        8,
        "goals",
        "Goals met and missed",
        "config/goals.yaml",
        "(per goal)",
        "business and learning goals; the stories above make some of them miss",
    ),
    Story(
        9,
        "dirty-rows",
        "A realistic LMS export",
        "data/demo-enrollments.csv",
        "(data quality)",
        "5 unknown course codes, 1 unparseable date, 1 score of 140, 20 merged duplicates",
    ),
)

# ---------------------------------------------------------------- the organisation


@dataclass(frozen=True)
class Department:
    name: str
    share: float
    head_id: str
    head_name: str


DEPARTMENTS: tuple[Department, ...] = (
    Department("Warehouse Operations", 0.34, "piotr-nowak", "Piotr Nowak"),
    Department("Transport and Fleet", 0.20, "hannah-schmidt", "Hannah Schmidt"),
    Department("Customer Service", 0.12, "lucas-martin", "Lucas Martin"),
    Department("Sales", 0.10, "emma-de-vries", "Emma de Vries"),
    Department("Finance", 0.07, "kenji-watanabe", "Kenji Watanabe"),
    Department("IT", 0.07, "priya-raman", "Priya Raman"),
    Department("Human Resources", 0.0955, "oliver-bennett", "Oliver Bennett"),
    # A handful of people: department x course cells fall below the minimum group size.
    Department("Legal", 0.0045, "claire-dubois", "Claire Dubois"),
)
DEPARTMENT_NAMES = tuple(d.name for d in DEPARTMENTS)
LAGGING_INDEX = DEPARTMENT_NAMES.index(LAGGING_DEPARTMENT)
LAGGING_FACTOR = 0.45  # Warehouse Operations finishes 45% as often as others (mandatory only)

LD_MANAGER = ("maria-jensen", "Maria Jensen")
TM_COMPLIANCE = "sofia-marquez"
TM_SKILLS = "daniel-okafor"
TRAINING_MANAGERS = ((TM_COMPLIANCE, "Sofia Marquez"), (TM_SKILLS, "Daniel Okafor"))


@dataclass(frozen=True)
class Developer:
    id: str
    name: str
    kind: str  # vendor | team
    cost_per_completion: float
    """The fee (vendors) or internal charge-back (teams) per completion, in EUR."""


DEVELOPERS: tuple[Developer, ...] = (
    Developer("brightpath", "BrightPath Learning", "vendor", 78.0),
    Developer("skillhaus", "Skillhaus Academy", "vendor", 24.0),
    Developer("content-studio", "L&D Content Studio", "team", 18.0),
    Developer("hse-team", "HSE and Compliance Training Team", "team", 14.0),
)

ROLES: tuple[dict[str, str], ...] = (
    {
        "id": "ld-manager",
        "title": "Learning & Development Manager",
        "answers_for": "Turning the training budget into a more productive workforce.",
        "evidence": "Budget against spend per quarter, cost per completion, year-on-year budget "
        "change.",
    },
    {
        "id": "training-manager",
        "title": "Training Manager",
        "answers_for": "Sound and engaging training, the choice of suppliers, and fine-tuning from "
        "LMS data.",
        "evidence": "Enrolment, completion, scores, time spent and where deficiencies lie.",
    },
    {
        "id": "course-developer",
        "title": "Course Developer (internal team or vendor)",
        "answers_for": "Courses that produce measurable performance gains.",
        "evidence": "Per-course completion, drop-off by module, scores, learning gain and cost.",
    },
    {
        "id": "learner",
        "title": "Learner",
        "answers_for": "Taking part and learning.",
        "evidence": "Completion and scores by department, never by named person.",
    },
    {
        "id": "department-head",
        "title": "Department Head",
        "answers_for": "Their people taking part in the training they need, above all the "
        "mandatory courses.",
        "evidence": "Mandatory completion and scores of the department.",
    },
)


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
    story: str = ""
    """Comment written above the course in courses.yaml."""

    @property
    def mean_score(self) -> float:
        return self.score_mean if self.score_mean is not None else min(self.pass_mark + 12.0, 90.0)


def _generic_modules(title: str, count: int) -> tuple[str, ...]:
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


def _catalogue() -> list[DemoCourse]:
    """The 40 courses of Northwind Logistics: 12 mandatory, 28 optional."""
    wh, tf, cs, sa, fi, hr, le = (
        "Warehouse Operations",
        "Transport and Fleet",
        "Customer Service",
        "Sales",
        "Finance",
        "Human Resources",
        "Legal",
    )

    def mandatory(
        id: str,
        title: str,
        dev: str,
        audience: str,
        minutes: int,
        modules: tuple[str, ...],
        pass_mark: int = 75,
        **kw: Any,
    ) -> DemoCourse:
        return DemoCourse(
            id,
            title,
            dev,
            TM_COMPLIANCE,
            True,
            audience,
            minutes,
            modules,
            pass_mark=pass_mark,
            finish=kw.pop("finish", 0.95),
            **kw,
        )

    def optional(
        id: str,
        title: str,
        dev: str,
        audience: str,
        minutes: int,
        modules: tuple[str, ...] | int,
        **kw: Any,
    ) -> DemoCourse:
        if isinstance(modules, int):
            modules = _generic_modules(title, modules)
        return DemoCourse(
            id,
            title,
            dev,
            TM_SKILLS,
            False,
            audience,
            minutes,
            modules,
            finish=kw.pop("finish", 0.8),
            **kw,
        )

    return [
        mandatory(
            "health-safety-induction",
            "Health and Safety Induction",
            "hse-team",
            "all",
            45,
            (
                "Your safety responsibilities",
                "Hazards on site",
                "Reporting incidents",
                "Personal protective equipment",
                "Emergency procedures",
            ),
            80,
        ),
        mandatory(
            "fire-safety",
            "Fire Safety and Evacuation",
            "hse-team",
            "all",
            30,
            (
                "How fires start",
                "Alarms and escape routes",
                "Using extinguishers",
                "Evacuation drill",
            ),
            80,
        ),
        mandatory(
            "gdpr-data-protection",
            "GDPR and Data Protection",
            "content-studio",
            "all",
            40,
            (
                "What counts as personal data",
                "Lawful bases",
                "Data subject rights",
                "Handling a data breach",
                "Data protection in daily work",
            ),
        ),
        mandatory(
            "information-security",
            "Information Security Awareness",
            "brightpath",
            "all",
            35,
            (
                "Passwords and MFA",
                "Phishing",
                "Safe use of devices",
                "Working remotely",
                "Reporting incidents",
            ),
        ),
        mandatory(
            "code-of-conduct",
            "Code of Conduct",
            "content-studio",
            "all",
            25,
            ("Our values", "Conflicts of interest", "Respect at work", "Speaking up"),
            70,
        ),
        mandatory(
            "forklift-safety",
            "Forklift Truck Safety",
            "hse-team",
            wh,
            90,
            (
                "Pre-use inspection",
                "Load capacity and stability",
                "Safe travel and speed",
                "Pedestrian zones",
                "Loading docks and ramps",
                "Parking and refuelling",
            ),
            80,
        ),
        mandatory(
            "manual-handling",
            "Manual Handling",
            "hse-team",
            wh,
            40,
            (
                "Back injuries and why they happen",
                "Assessing a load",
                "Lifting technique",
                "Team lifts and equipment",
            ),
        ),
        mandatory(
            "dangerous-goods-adr",
            "Dangerous Goods (ADR) Awareness",
            "skillhaus",
            tf,
            120,
            (
                "ADR classes",
                "Labels and placards",
                "Documents on board",
                "Loading and segregation",
                "Tunnel restrictions",
                "Emergencies and spills",
                "Driver obligations",
                "Final assessment",
            ),
            80,
        ),
        mandatory(
            "driver-hours-tachograph",
            "Driver Hours and Tachograph Rules",
            "skillhaus",
            tf,
            60,
            (
                "Daily and weekly driving limits",
                "Breaks and rest periods",
                "Using the digital tachograph",
                "Records and inspections",
                "Infringements and penalties",
                "Planning compliant routes",
            ),
        ),
        mandatory(
            LOW_SCORE_COURSE,
            "Anti-Bribery and Corruption",
            "hse-team",
            sa,
            30,
            (
                "What bribery looks like",
                "Gifts and hospitality",
                "Facilitation payments",
                "Third parties and agents",
                "Reporting concerns",
            ),
            40,
            finish=0.97,
            score_mean=55.0,
            story="Story 7: completed by over 90% but the average score is about 55; the "
            "pass mark of 40 lets everyone through (completed, not learned).",
        ),
        mandatory(
            "anti-money-laundering",
            "Anti-Money Laundering Basics",
            "hse-team",
            fi,
            45,
            (
                "Money laundering stages",
                "Red flags in payments",
                "Know your customer",
                "Reporting suspicions",
                "Record keeping",
            ),
        ),
        mandatory(
            "complaints-handling",
            "Complaints Handling Standards",
            "skillhaus",
            cs,
            40,
            (
                "Why complaints matter",
                "Listening and acknowledging",
                "Investigating",
                "Resolution and follow-up",
                "Logging complaints",
            ),
        ),
        optional(
            FALLING_COURSE,
            "Customer Service Excellence",
            "skillhaus",
            "all",
            60,
            (
                "Who our customers are",
                "First impressions",
                "Clear communication",
                "Solving problems",
                "Keeping promises",
                "Service recovery",
            ),
            finish=0.9,
            popularity=4.0,
            story="Story 5: completion falls in each quarter of FY2026 (2026-Q1..2026-Q4) "
            "after a content update; a falling trend for the training manager.",
        ),
        optional(
            DROPOFF_COURSE,
            "Coaching Conversations for Team Leads",
            "content-studio",
            "all",
            90,
            (
                "The coaching mindset",
                "Asking powerful questions",
                "Role-play: giving difficult feedback",
                "Setting goals together",
                "Following up",
                "Your coaching plan",
            ),
            scored=False,
            popularity=3.0,
            continuation=(0.96, 0.97, 0.97, 0.40, 0.97, 0.97, 0.95),
            story="Story 1: 60% of the learners who reach module 3 (the role-play) go no "
            "further; drop-off concentrated in one module points at the developer.",
        ),
        optional(
            SLOW_COURSE,
            "Excel for Transport Planners",
            "content-studio",
            "all",
            60,
            (
                "Tables and filters",
                "Lookups for rates and routes",
                "Pivot tables",
                "Charts for capacity",
                "Scenario planning",
            ),
            popularity=2.5,
            minutes_factor=2.15,
            story="Story 6: completers spend a median of about 2.1x the expected 60 "
            "minutes; the estimate or the course design is off.",
        ),
        optional(
            "excel-essentials", "Excel Essentials", "content-studio", "all", 45, 5, popularity=2.0
        ),
        optional(
            "leadership-essentials",
            "Leadership Essentials",
            "brightpath",
            "all",
            120,
            (
                "Leading yourself",
                "Leading a team",
                "Delegation",
                "Motivation",
                "Managing performance",
                "Leading change",
                "Your leadership plan",
            ),
            scored=False,
            popularity=1.8,
        ),
        optional("negotiation-skills", "Negotiation Skills", "brightpath", "all", 90, 6),
        optional(
            "presentation-skills", "Presentation Skills", "brightpath", "all", 60, 5, scored=False
        ),
        optional(
            "time-management",
            "Time Management and Prioritising",
            "brightpath",
            "all",
            45,
            4,
            popularity=1.5,
        ),
        optional(
            "project-management-fundamentals",
            "Project Management Fundamentals",
            "brightpath",
            "all",
            120,
            8,
        ),
        optional(
            "resilience-wellbeing",
            "Resilience and Wellbeing at Work",
            "brightpath",
            "all",
            40,
            4,
            scored=False,
            popularity=1.5,
        ),
        optional(
            "lean-warehousing",
            "Lean Warehousing and 5S",
            "skillhaus",
            wh,
            60,
            (
                "Waste in the warehouse",
                "Sort and set in order",
                "Shine and standardise",
                "Sustain",
                "Continuous improvement",
            ),
            popularity=2.0,
        ),
        optional(
            "wms-basics",
            "Warehouse Management System Basics",
            "content-studio",
            wh,
            50,
            (
                "Logging in and roles",
                "Receiving",
                "Put-away",
                "Picking",
                "Shipping",
                "Stock queries",
            ),
            popularity=2.0,
        ),
        optional(
            "inventory-accuracy", "Inventory Accuracy and Cycle Counting", "skillhaus", wh, 45, 5
        ),
        optional(
            "eco-driving",
            "Eco-Driving for Fleet Drivers",
            "skillhaus",
            tf,
            45,
            (
                "Fuel and emissions",
                "Anticipation and speed",
                "Gear and idling",
                "Tyres and load",
                "Your driving data",
            ),
            popularity=2.0,
        ),
        optional("defensive-driving", "Defensive Driving", "hse-team", tf, 60, 6, popularity=1.5),
        optional(
            "first-aid-refresher",
            "First Aid at Work Refresher",
            "hse-team",
            "all",
            90,
            (
                "Primary survey",
                "CPR and defibrillators",
                "Bleeding and shock",
                "Burns and fractures",
                "Recording first aid",
            ),
        ),
        optional(
            "supply-chain-fundamentals", "Supply Chain Fundamentals", "skillhaus", "all", 75, 6
        ),
        optional("incoterms-in-practice", "Incoterms 2020 in Practice", "skillhaus", sa, 45, 5),
        optional("crm-for-sales", "Getting the Most from the CRM", "content-studio", sa, 40, 4),
        optional("consultative-selling", "Consultative Selling", "brightpath", sa, 90, 6),
        optional(
            "difficult-customers",
            "Handling Difficult Customers",
            "skillhaus",
            cs,
            45,
            5,
            popularity=1.5,
        ),
        optional(
            "budgeting-basics", "Budgeting and Forecasting Basics", "content-studio", fi, 60, 5
        ),
        optional("power-bi-intro", "Introduction to Power BI", "content-studio", "all", 90, 7),
        optional(
            "phishing-awareness",
            "Spotting Phishing E-mails",
            "content-studio",
            "all",
            20,
            4,
            popularity=1.2,
        ),
        optional(
            "diversity-inclusion",
            "Diversity and Inclusion at Work",
            "brightpath",
            "all",
            45,
            5,
            scored=False,
        ),
        optional("structured-interviewing", "Structured Interviewing", "content-studio", hr, 60, 5),
        optional(
            "contract-management", "Contract Management Essentials", "content-studio", le, 60, 5
        ),
        optional(
            "sustainability-logistics",
            "Sustainability in Logistics",
            "skillhaus",
            "all",
            45,
            5,
            scored=False,
        ),
    ]


# Courses kept first when fewer than 40 are asked for, so every story still has its course.
STORY_COURSES = (
    "health-safety-induction",
    "forklift-safety",
    LOW_SCORE_COURSE,
    DROPOFF_COURSE,
    FALLING_COURSE,
    SLOW_COURSE,
    "information-security",
    "gdpr-data-protection",
)
# Learning gain (pre/post tests): course -> (mean pre-test score, mean gain).
ASSESSED = {
    "forklift-safety": (52.0, 27.0),
    "gdpr-data-protection": (48.0, 19.0),
    "information-security": (55.0, 4.0),
    SLOW_COURSE: (45.0, 24.0),
    DROPOFF_COURSE: (50.0, 15.0),
}
# Satisfaction surveys: course -> mean rating (1-5).
SURVEYED = {
    "health-safety-induction": 4.1,
    "forklift-safety": 4.3,
    DROPOFF_COURSE: 3.1,
    FALLING_COURSE: 3.6,
    SLOW_COURSE: 3.4,
    "leadership-essentials": 4.4,
    "information-security": 3.8,
    "wms-basics": 4.2,
}


@dataclass(frozen=True)
class Organisation:
    courses: list[DemoCourse]
    developers: list[Developer]
    training_managers: list[tuple[str, str]]
    department_sizes: list[int]


def _largest_remainder(total: int, shares: list[float]) -> list[int]:
    raw = [total * s / sum(shares) for s in shares]
    counts = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def build_organisation(learners: int, courses: int, seed: int) -> Organisation:
    """The catalogue cut or extended to ``courses``, with developers and managers to match."""
    rng = np.random.default_rng([seed, 1])
    catalogue = _catalogue()
    for index, course in enumerate(catalogue):
        if not course.mandatory and course.id not in (FALLING_COURSE, DROPOFF_COURSE):
            # Optional courses differ in how often learners finish them (fixed by the seed).
            finish = round(float(rng.uniform(0.72, 0.9)), 3)
            catalogue[index] = _replace(course, finish=finish)
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
    sizes = _largest_remainder(learners, [d.share for d in DEPARTMENTS])
    return Organisation(catalogue, developers, managers, sizes)


def _replace(course: DemoCourse, **changes: Any) -> DemoCourse:
    from dataclasses import replace

    return replace(course, **changes)


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


def _extra_managers(extra_courses: int) -> list[tuple[str, str]]:
    count = max(1, math.ceil(extra_courses / 500))
    return [(f"training-manager-{i + 3:02d}", f"Training Manager {i + 3}") for i in range(count)]


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
    managers: list[tuple[str, str]],
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
                training_manager=managers[i % len(managers)][0],
                mandatory=mandatory,
                audience=audience,
                expected_minutes=int(rng.choice([20, 30, 45, 60, 90])),
                modules=_generic_modules(title, 4 + i % 5),
                pass_mark=75 if mandatory else 70,
                finish=0.93 if mandatory else round(float(rng.uniform(0.7, 0.9)), 3),
                popularity=round(float(rng.uniform(0.5, 1.5)), 2),
            )
        )
    return courses


# ---------------------------------------------------------------- course tables for numpy


@dataclass
class CourseTables:
    """Per-course parameters as arrays indexed by course number."""

    ids: list[str]
    mandatory: np.ndarray
    finish: np.ndarray  # [course, quarter]: share that reaches the end
    fail_share: np.ndarray  # share of finishers who score below the pass mark
    pass_mark: np.ndarray
    score_mean: np.ndarray
    scored: np.ndarray
    expected_minutes: np.ndarray
    minutes_factor: np.ndarray
    module_count: np.ndarray
    stop_cdf: np.ndarray  # [course, step]: where non-finishers stop (0 = never started)
    mean_days: np.ndarray
    developer: np.ndarray
    modules: list[tuple[str, ...]]


def _normal_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


SCORE_SD = 6.0
DRIFT_PER_QUARTER = 0.01  # the organisation improves slowly; planted falls stand out


def course_tables(org: Organisation) -> CourseTables:
    n_courses = len(org.courses)
    max_modules = max(len(c.modules) for c in org.courses)
    finish = np.zeros((n_courses, len(QUARTERS)))
    stop_cdf = np.ones((n_courses, max_modules + 1))
    quarter_index = np.arange(len(QUARTERS))
    developer_index = {d.id: i for i, d in enumerate(org.developers)}
    for i, course in enumerate(org.courses):
        steps = len(course.modules) + 1
        continuation = np.array(course.continuation or (course.finish ** (1 / steps),) * steps)
        reached = np.concatenate([[1.0], np.cumprod(continuation)[:-1]])
        stops = reached * (1 - continuation)  # reached k modules, then stopped
        stop_cdf[i, :steps] = np.cumsum(stops / stops.sum())
        stop_cdf[i, steps - 1 :] = 1.0
        base = float(np.prod(continuation))
        if course.id == FALLING_COURSE:
            finish[i] = [base] * 8 + [0.8, 0.7, 0.6, 0.5]
        elif course.continuation is not None:
            finish[i] = base
        else:
            finish[i] = np.clip(base + DRIFT_PER_QUARTER * (quarter_index - 5.5), 0.05, 0.985)
    means = np.array([c.mean_score for c in org.courses])
    passes = np.array([c.pass_mark for c in org.courses], dtype=float)
    scored = np.array([c.scored for c in org.courses])
    fail = np.array([_normal_cdf((p - m) / SCORE_SD) for p, m in zip(passes, means, strict=True)])
    minutes = np.array([c.expected_minutes for c in org.courses], dtype=float)
    return CourseTables(
        ids=[c.id for c in org.courses],
        mandatory=np.array([c.mandatory for c in org.courses]),
        finish=finish,
        fail_share=np.where(scored, fail, 0.0),
        pass_mark=passes,
        score_mean=means,
        scored=scored,
        expected_minutes=minutes,
        minutes_factor=np.array([c.minutes_factor for c in org.courses]),
        module_count=np.array([len(c.modules) for c in org.courses]),
        stop_cdf=stop_cdf,
        mean_days=4 + minutes / 15,
        developer=np.array([developer_index[c.developer] for c in org.courses]),
        modules=[c.modules for c in org.courses],
    )


# ---------------------------------------------------------------- who takes what


@dataclass
class LearnerPlan:
    """Per learner: department, cohort quarter and how many mandatory/optional enrolments."""

    department: np.ndarray
    cohort: np.ndarray
    mandatory_count: np.ndarray
    optional_count: np.ndarray
    mandatory_start: np.ndarray
    optional_start: np.ndarray
    mandatory_table: np.ndarray  # [department, position] -> course, padded with -1
    optional_table: np.ndarray
    mandatory_per_department: np.ndarray
    optional_per_department: np.ndarray

    @property
    def rows(self) -> np.ndarray:
        return self.mandatory_count + self.optional_count


def _audience_tables(org: Organisation) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Course numbers each department takes, mandatory and optional, in catalogue order."""
    mandatory: list[list[int]] = []
    optional: list[list[int]] = []
    for name in DEPARTMENT_NAMES:
        fits = [i for i, c in enumerate(org.courses) if c.audience in ("all", name)]
        # Courses for everyone first, so a course has the same position in every department.
        fits.sort(key=lambda i: (org.courses[i].audience != "all", i))
        mandatory.append([i for i in fits if org.courses[i].mandatory])
        optional.append([i for i in fits if not org.courses[i].mandatory])

    def pad(lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        width = max(1, *(len(x) for x in lists))
        table = np.full((len(lists), width), -1, dtype=np.int64)
        for row, items in enumerate(lists):
            table[row, : len(items)] = items
        return table, np.array([len(x) for x in lists])

    return (*pad(mandatory), *pad(optional))


def plan_learners(
    org: Organisation, clean_rows: int | None, rng: np.random.Generator
) -> LearnerPlan:
    learners = sum(org.department_sizes)
    department = np.repeat(np.arange(len(DEPARTMENTS)), org.department_sizes)
    department = department[rng.permutation(learners)]
    # Cohorts are balanced within each department, so every quarter sees the same mix.
    cohort = np.empty(learners, dtype=np.int64)
    for d in range(len(DEPARTMENTS)):
        members = np.flatnonzero(department == d)
        cohort[members] = rng.permutation(len(members)) % len(QUARTERS)
    mand_table, mand_n, opt_table, opt_n = _audience_tables(org)
    m_avail = mand_n[department]
    o_avail = opt_n[department]
    if clean_rows is None:
        # Everyone takes the mandatory courses of their audience, plus a few optional ones.
        mandatory_count = m_avail.copy()
        optional_count = np.minimum(rng.poisson(2.3, learners), o_avail)
        mandatory_start = np.zeros(learners, dtype=np.int64)
    else:
        activity = rng.gamma(2.0, 1.0, learners)
        total = rng.multinomial(clean_rows, activity / activity.sum())
        mandatory_count = np.minimum(m_avail, (total + 1) // 2)
        mandatory_count = np.where(o_avail == 0, total, mandatory_count)
        optional_count = total - mandatory_count
        mandatory_start = rng.integers(0, np.maximum(m_avail, 1))
    optional_start = _popular_starts(org, opt_table, opt_n, department, rng)
    return LearnerPlan(
        department,
        cohort,
        mandatory_count.astype(np.int64),
        optional_count.astype(np.int64),
        mandatory_start,
        optional_start,
        mand_table,
        opt_table,
        mand_n,
        opt_n,
    )


def _popular_starts(
    org: Organisation,
    table: np.ndarray,
    counts: np.ndarray,
    department: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Where each learner's run of optional courses starts, weighted by course popularity."""
    starts = np.zeros(len(department), dtype=np.int64)
    for d in range(len(DEPARTMENTS)):
        members = np.flatnonzero(department == d)
        if counts[d] == 0 or len(members) == 0:
            continue
        # Courses made for the learner's own department are picked three times as often.
        weights = np.array(
            [
                org.courses[c].popularity * (3 if org.courses[c].audience != "all" else 1)
                for c in table[d, : counts[d]]
            ]
        )
        starts[members] = rng.choice(counts[d], size=len(members), p=weights / weights.sum())
    return starts


# ---------------------------------------------------------------- enrolment rows


STATUS_TEXT = ("Not started", "In progress", "Completed", "Failed", "Withdrawn")
NOT_STARTED, IN_PROGRESS, COMPLETED, FAILED, WITHDRAWN = range(5)
STATUS_VALUES = {
    "Completed": "completed",
    "In progress": "in_progress",
    "Not started": "enrolled",
    "Failed": "failed",
    "Withdrawn": "withdrawn",
}
EXPORT_COLUMNS = {
    "User ID": "learner_id",
    "Course code": "course_id",
    "Cohort": "offering",
    "Department": "department",
    "Enrolled": "enrolled_on",
    "Completed": "completed_on",
    "Withdrawn": "withdrawn_on",
    "Status": "status",
    "Final score": "score",
    "Minutes": "minutes",
}
WITHDRAW_AFTER_DAYS = 120  # stalled enrolments older than this may be withdrawn
MAX_MINUTES = 20_000


@dataclass
class Chunk:
    """Enrolment rows as integer codes (days are offsets from FIRST_DAY; -1 is missing)."""

    learner: np.ndarray
    course: np.ndarray
    quarter: np.ndarray
    department: np.ndarray
    enrolled: np.ndarray
    completed: np.ndarray
    withdrawn: np.ndarray
    status: np.ndarray
    score: np.ndarray
    minutes: np.ndarray
    reached: np.ndarray  # modules reached

    def __len__(self) -> int:
        return len(self.learner)


def _quarter_days() -> tuple[np.ndarray, np.ndarray]:
    starts = np.array([(CALENDAR.first_day(q) - FIRST_DAY).days for q in QUARTERS])
    lengths = np.array([(CALENDAR.last_day(q) - CALENDAR.first_day(q)).days + 1 for q in QUARTERS])
    return starts, lengths


REPORT_DAY = (REPORT_DATE - FIRST_DAY).days


def learner_blocks(rows_per_learner: np.ndarray, chunk_rows: int) -> Iterator[tuple[int, int]]:
    """Consecutive learner ranges of about ``chunk_rows`` enrolment rows each."""
    ends = np.cumsum(rows_per_learner)
    total = int(ends[-1]) if len(ends) else 0
    cuts = np.searchsorted(ends, np.arange(chunk_rows, total, chunk_rows), side="left") + 1
    bounds = [0, *sorted(set(int(c) for c in cuts if 0 < c < len(ends))), len(ends)]
    yield from itertools.pairwise(bounds)


def make_chunk(
    plan: LearnerPlan, tables: CourseTables, first: int, last: int, rng: np.random.Generator
) -> Chunk:
    learners = np.arange(first, last)
    counts = plan.rows[first:last]
    learner = np.repeat(learners, counts)
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    j = np.arange(len(learner)) - offsets  # position within the learner's enrolments
    dept = plan.department[learner]
    course, quarter = _assign_courses(plan, learner, j, dept)
    return _outcomes(tables, learner, course, quarter, dept, rng)


def _assign_courses(
    plan: LearnerPlan, learner: np.ndarray, j: np.ndarray, dept: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    n_q = len(QUARTERS)
    is_mandatory = j < plan.mandatory_count[learner]
    m_n = np.maximum(plan.mandatory_per_department[dept], 1)
    o_n = np.maximum(plan.optional_per_department[dept], 1)
    m_step = plan.mandatory_start[learner] + j
    m_pos, m_round = m_step % m_n, j // m_n
    o_step = j - plan.mandatory_count[learner]
    o_pos = (plan.optional_start[learner] + o_step) % o_n
    o_round = np.maximum(o_step, 0) // o_n
    course = np.where(
        is_mandatory, plan.mandatory_table[dept, m_pos], plan.optional_table[dept, o_pos]
    )
    # Mandatory: the cohort's quarter shifted by the course's place; optional: spread evenly.
    # Repeats (more rows than courses) move 5 quarters on, so keys stay unique for 12 rounds.
    m_quarter = plan.cohort[learner] + m_pos + 5 * m_round
    o_quarter = 7 * learner + 5 * course + 5 * o_round
    quarter = np.where(is_mandatory, m_quarter, o_quarter) % n_q
    return course, quarter


def _stratified_uniform(groups: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Uniforms spread evenly within each group, so each group's outcome shares are near exact."""
    n = len(groups)
    order = np.lexsort((rng.random(n), groups))
    sorted_groups = groups[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    sizes = np.diff(np.r_[starts, n])
    rank = np.arange(n) - np.repeat(starts, sizes)
    # Large groups round to the nearest whole count; small ones at random, to stay unbiased.
    jitter = np.repeat(np.where(sizes >= 8, 0.5, rng.random(len(starts))), sizes)
    uniform = np.empty(n)
    uniform[order] = (rank + jitter) / np.repeat(sizes, sizes)
    return uniform


def _outcomes(
    t: CourseTables,
    learner: np.ndarray,
    course: np.ndarray,
    quarter: np.ndarray,
    dept: np.ndarray,
    rng: np.random.Generator,
) -> Chunk:
    n = len(learner)
    q_start, q_len = _quarter_days()
    enrolled = q_start[quarter] + (rng.random(n) * q_len[quarter]).astype(np.int64)
    mandatory = t.mandatory[course]
    p_finish = t.finish[course, quarter] * np.where(
        mandatory & (dept == LAGGING_INDEX), LAGGING_FACTOR, 1.0
    )
    p_pass = p_finish * (1 - t.fail_share[course])
    n_depts = len(DEPARTMENTS)
    groups = (course * len(QUARTERS) + quarter) * (n_depts + 1) + np.where(mandatory, dept, n_depts)
    u = _stratified_uniform(groups, rng)
    duration = 1 + np.minimum(rng.exponential(t.mean_days[course]), 100).astype(np.int64)
    finish_day = enrolled + duration
    in_flight = (u < p_finish) & (finish_day > REPORT_DAY)
    completed = (u < p_pass) & ~in_flight
    failed = (u >= p_pass) & (u < p_finish) & ~in_flight
    finished = completed | failed
    n_modules = t.module_count[course]

    # Where the others stopped: the course's drop-off profile, or progress so far if in flight.
    # Stops are stratified per course and fiscal year too, so small courses show no chance lumps.
    stopped = np.flatnonzero(~finished & ~in_flight)
    fiscal_year = quarter[stopped] // 4
    spread = _stratified_uniform(course[stopped] * 4 + fiscal_year, rng)
    stop = np.zeros(n, dtype=np.int64)
    stop[stopped] = (t.stop_cdf[course[stopped]] < spread[:, None]).sum(axis=1)
    elapsed = np.clip(REPORT_DAY - enrolled, 0, None)
    progress = np.minimum((n_modules * elapsed) // duration, n_modules - 1)
    reached = np.where(
        finished, n_modules, np.where(in_flight, progress, np.minimum(stop, n_modules))
    )

    status = np.where(
        completed,
        COMPLETED,
        np.where(failed, FAILED, np.where(reached > 0, IN_PROGRESS, NOT_STARTED)),
    )
    stale = ~finished & ~in_flight & (enrolled < REPORT_DAY - WITHDRAW_AFTER_DAYS)
    withdraws = stale & (rng.random(n) < np.where(reached > 0, 0.5, 0.4))
    status = np.where(withdraws, WITHDRAWN, status)
    withdrawn_day = np.where(withdraws, enrolled + rng.integers(7, WITHDRAW_AFTER_DAYS, n), -1)

    score = _scores(t, course, completed, failed, rng)
    minutes = t.expected_minutes[course] * np.exp(rng.normal(0, 0.3, n))
    minutes = np.where(
        finished, minutes * t.minutes_factor[course], minutes * reached / np.maximum(n_modules, 1)
    )
    minutes = np.where(reached > 0, np.clip(np.rint(minutes), 1, MAX_MINUTES), -1).astype(np.int64)
    return Chunk(
        learner,
        course,
        quarter,
        dept,
        enrolled,
        np.where(completed, finish_day, -1),
        withdrawn_day,
        status.astype(np.int64),
        score,
        minutes,
        reached.astype(np.int64),
    )


def _scores(
    t: CourseTables,
    course: np.ndarray,
    completed: np.ndarray,
    failed: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Final scores: completers at or above the pass mark, the failed below it, others none."""
    mean, pass_mark = t.score_mean[course], t.pass_mark[course]
    score = rng.normal(mean, SCORE_SD)
    for _ in range(8):  # redraw completers' scores below the pass mark (truncated normal)
        low = completed & (score < pass_mark)
        if not low.any():
            break
        score = np.where(low, rng.normal(mean, SCORE_SD), score)
    score = np.where(
        completed,
        np.maximum(score, pass_mark),
        pass_mark - 1 - rng.random(len(course)) * np.minimum(20, pass_mark - 1),
    )
    score = np.clip(np.rint(score), 0, 100).astype(np.int64)
    has = (completed | failed) & t.scored[course]
    return np.where(has, score, -1)


# ---------------------------------------------------------------- writing CSV with pyarrow


@dataclass
class TextTables:
    """String dictionaries that integer codes index into (fast, vectorised CSV output)."""

    learners: pa.Array
    courses: pa.Array
    quarters: pa.Array
    departments: pa.Array
    days: pa.Array
    statuses: pa.Array
    numbers: pa.Array

    @classmethod
    def build(cls, learners: int, course_ids: list[str]) -> TextTables:
        width = max(5, len(str(learners)))
        learner_ids = np.char.add("L", np.char.zfill(np.arange(1, learners + 1).astype(str), width))
        days = np.arange(np.datetime64(FIRST_DAY), np.datetime64(REPORT_DATE) + 200)
        return cls(
            learners=pa.array(learner_ids.tolist(), pa.string()),
            courses=pa.array(course_ids, pa.string()),
            quarters=pa.array([q.label for q in QUARTERS], pa.string()),
            departments=pa.array(DEPARTMENT_NAMES, pa.string()),
            days=pa.array(np.datetime_as_string(days, unit="D").tolist(), pa.string()),
            statuses=pa.array(STATUS_TEXT, pa.string()),
            numbers=pa.array([str(i) for i in range(MAX_MINUTES + 1)], pa.string()),
        )


def _take(dictionary: pa.Array, codes: np.ndarray) -> pa.Array:
    """``dictionary[codes]`` as a string array; code -1 becomes an empty cell."""
    missing = codes < 0
    indices = pa.array(
        np.where(missing, 0, codes), type=pa.int64(), mask=missing if missing.any() else None
    )
    return dictionary.take(indices)


def enrollment_table(chunk: Chunk, text: TextTables) -> pa.Table:
    columns = [
        _take(text.learners, chunk.learner),
        _take(text.courses, chunk.course),
        _take(text.quarters, chunk.quarter),
        _take(text.departments, chunk.department),
        _take(text.days, chunk.enrolled),
        _take(text.days, chunk.completed),
        _take(text.days, chunk.withdrawn),
        _take(text.statuses, chunk.status),
        _take(text.numbers, chunk.score),
        _take(text.numbers, chunk.minutes),
    ]
    return pa.table(columns, names=list(EXPORT_COLUMNS))


WRITE_OPTIONS = pacsv.WriteOptions(include_header=True, quoting_style="none")


def _dirty_rows(table: pa.Table, rng: np.random.Generator) -> tuple[pa.Table, np.ndarray]:
    """Realistic export faults, each a copy of a real row with one fault (story 9)."""
    n = table.num_rows
    picks = rng.choice(n, size=len(UNKNOWN_COURSE_CODES) + 2 + DUPLICATE_ROWS, replace=False)
    rows = table.take(pa.array(picks)).to_pylist()
    for row, code in zip(rows, UNKNOWN_COURSE_CODES, strict=False):
        row["Course code"] = code
    k = len(UNKNOWN_COURSE_CODES)
    rows[k]["Enrolled"] = BAD_DATE
    scored = table.column("Final score").is_valid()
    has_score = np.flatnonzero(scored.to_numpy(zero_copy_only=False))
    if len(has_score):
        picks[k + 1] = has_score[rng.integers(len(has_score))]
        rows[k + 1] = table.slice(int(picks[k + 1]), 1).to_pylist()[0]
    rows[k + 1]["Final score"] = BAD_SCORE
    # Each faulty row goes right after the row it copies, as an LMS re-export would put it.
    return pa.Table.from_pylist(rows, schema=table.schema), picks


def _with_dirty_rows(table: pa.Table, rng: np.random.Generator) -> pa.Table:
    dirty, after = _dirty_rows(table, rng)
    combined = pa.concat_tables([table, dirty])
    position = np.r_[np.arange(table.num_rows, dtype=float), after + 0.5]
    return combined.take(pa.array(np.argsort(position, kind="stable")))


# ---------------------------------------------------------------- activity, tests, surveys


def activity_table(chunk: Chunk, tables: CourseTables, text: TextTables, limit: int) -> pa.Table:
    """One row per module each learner reached (catalogue courses only)."""
    rows = np.flatnonzero((chunk.course < limit) & (chunk.reached > 0))
    counts = chunk.reached[rows]
    row = np.repeat(rows, counts)
    order = np.arange(len(row)) - np.repeat(np.cumsum(counts) - counts, counts) + 1
    module_titles = sorted({m for c in range(limit) for m in tables.modules[c]})
    title_index = {m: i for i, m in enumerate(module_titles)}
    width = max(len(m) for m in tables.modules[:limit])
    lookup = np.full((limit, width), -1, dtype=np.int64)
    for c in range(limit):
        lookup[c, : len(tables.modules[c])] = [title_index[m] for m in tables.modules[c]]
    course = chunk.course[row]
    return pa.table(
        {
            "learner_id": _take(text.learners, chunk.learner[row]),
            "course_id": _take(text.courses, course),
            "offering": _take(text.quarters, chunk.quarter[row]),
            "module": _take(pa.array(module_titles, pa.string()), lookup[course, order - 1]),
            "module_order": _take(text.numbers, order),
        }
    )


def assessment_table(
    chunk: Chunk, tables: CourseTables, text: TextTables, rng: np.random.Generator
) -> pa.Table:
    """Pre-tests when learners start, post-tests when they finish (learning gain)."""
    index = {cid: i for i, cid in enumerate(tables.ids)}
    assessed = {index[c]: v for c, v in ASSESSED.items() if c in index}
    pre_mean = np.full(len(tables.ids), np.nan)
    gain = np.zeros(len(tables.ids))
    for c, (mean, g) in assessed.items():
        pre_mean[c], gain[c] = mean, g
    rows = np.flatnonzero(~np.isnan(pre_mean[chunk.course]) & (chunk.reached > 0))
    course = chunk.course[rows]
    pre = np.clip(rng.normal(pre_mean[course], 12), 0, 100)
    post = np.clip(pre + rng.normal(gain[course], 7), 0, 100)
    finished = np.isin(chunk.status[rows], (COMPLETED, FAILED))
    end = np.where(
        chunk.completed[rows] >= 0,
        chunk.completed[rows],
        np.minimum(chunk.enrolled[rows] + 1 + chunk.minutes[rows] // 60, REPORT_DAY),
    )
    post_rows = rows[finished]
    learner = np.r_[chunk.learner[rows], chunk.learner[post_rows]]
    codes = np.r_[course, chunk.course[post_rows]]
    order = np.lexsort(
        (np.r_[np.zeros(len(rows)), np.ones(len(post_rows))], np.r_[rows, post_rows])
    )
    kind = np.r_[np.zeros(len(rows), dtype=np.int64), np.ones(len(post_rows), dtype=np.int64)]
    taken = np.r_[chunk.enrolled[rows], end[finished]]
    score = np.rint(np.r_[pre, post[finished]]).astype(np.int64)
    quarter = np.r_[chunk.quarter[rows], chunk.quarter[post_rows]]
    return pa.table(
        {
            "learner_id": _take(text.learners, learner[order]),
            "course_id": _take(text.courses, codes[order]),
            "offering": _take(text.quarters, quarter[order]),
            "assessment": _take(pa.array(["Pre-test", "Post-test"]), kind[order]),
            "kind": _take(pa.array(["pre", "post"]), kind[order]),
            "taken_on": _take(text.days, taken[order]),
            "score": _take(text.numbers, score[order]),
        }
    )


SURVEY_RESPONSE_RATE = 0.55


def survey_table(
    chunk: Chunk, tables: CourseTables, text: TextTables, rng: np.random.Generator
) -> pa.Table:
    """Anonymous satisfaction ratings (1-5) from about half of the completers."""
    mean = np.full(len(tables.ids), np.nan)
    for cid, rating in SURVEYED.items():
        if cid in tables.ids:
            mean[tables.ids.index(cid)] = rating
    rows = np.flatnonzero(~np.isnan(mean[chunk.course]) & (chunk.status == COMPLETED))
    rows = rows[rng.random(len(rows)) < SURVEY_RESPONSE_RATE]
    rating = np.clip(np.rint(rng.normal(mean[chunk.course[rows]], 0.8)), 1, 5).astype(np.int64)
    return pa.table(
        {
            "course_id": _take(text.courses, chunk.course[rows]),
            "offering": _take(text.quarters, chunk.quarter[rows]),
            "answered_on": _take(text.days, chunk.completed[rows]),
            "rating": _take(text.numbers, rating),
        }
    )


# ---------------------------------------------------------------- spend, for budgets.yaml


@dataclass
class SpendTally:
    """Completions per developer and quarter (of completed_on), summed over chunks."""

    completions: np.ndarray  # [developer, quarter]

    def add(self, chunk: Chunk, tables: CourseTables) -> None:
        done = chunk.completed >= 0
        q_start, _ = _quarter_days()
        quarter = np.searchsorted(q_start, chunk.completed[done], side="right") - 1
        developer = tables.developer[chunk.course[done]]
        flat = developer * len(QUARTERS) + quarter
        self.completions += np.bincount(flat, minlength=self.completions.size).reshape(
            self.completions.shape
        )


# ---------------------------------------------------------------- the whole project


@dataclass(frozen=True)
class DemoSummary:
    rows: int
    """Data rows written to the enrolment export, dirty rows included."""
    courses: int
    learners: int


DATA_FILES = {
    "enrollments": "demo-enrollments.csv",
    "activity": "demo-activity.csv",
    "assessments": "demo-assessments.csv",
    "surveys": "demo-surveys.csv",
}
DIRTY_ROW_COUNT = len(UNKNOWN_COURSE_CODES) + 2 + DUPLICATE_ROWS
DIRTY_MIN_ROWS = 5_000  # smaller exports get no dirty rows


def write_demo_project(
    out_dir: Path,
    *,
    learners: int = 2000,
    courses: int = CATALOGUE_SIZE,
    rows: int | None = None,
    seed: int = DEFAULT_SEED,
) -> DemoSummary:
    """Write config/*.yaml and data/demo-*.csv of the demo organisation into ``out_dir``."""
    if courses < len(STORY_COURSES):
        raise ValueError(f"the demo needs at least {len(STORY_COURSES)} courses")
    org = build_organisation(learners, courses, seed)
    tables = course_tables(org)
    rng = np.random.default_rng(seed)
    dirty = rows is None or rows >= DIRTY_MIN_ROWS
    clean_rows = None if rows is None else rows - (DIRTY_ROW_COUNT if dirty else 0)
    plan = plan_learners(org, clean_rows, rng)
    data_dir = Path(out_dir) / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    written, tally = _write_enrollments(data_dir, org, plan, tables, dirty, rng)
    config = Path(out_dir) / "config"
    config.mkdir(parents=True, exist_ok=True)
    command = _command(learners, courses, rows, seed)
    files = {
        "project.yaml": project_yaml(command),
        "roles.yaml": roles_yaml(org, command),
        "courses.yaml": courses_yaml(org, command),
        "budgets.yaml": budgets_yaml(org, tally, command, seed),
        "goals.yaml": goals_yaml(org, command),
    }
    for name, text in files.items():
        (config / name).write_text(text, encoding="utf-8", newline="\n")
    return DemoSummary(rows=written, courses=len(org.courses), learners=learners)


def _command(learners: int, courses: int, rows: int | None, seed: int) -> str:
    parts = ["accountability demo-data", f"--seed {seed}"]
    if learners != 2000:
        parts.append(f"--learners {learners}")
    if courses != CATALOGUE_SIZE:
        parts.append(f"--courses {courses}")
    if rows is not None:
        parts.append(f"--rows {rows}")
    return " ".join(parts)


def _write_enrollments(
    data_dir: Path,
    org: Organisation,
    plan: LearnerPlan,
    tables: CourseTables,
    dirty: bool,
    rng: np.random.Generator,
) -> tuple[int, SpendTally]:
    text = TextTables.build(len(plan.department), tables.ids)
    tally = SpendTally(np.zeros((len(org.developers), len(QUARTERS)), dtype=np.int64))
    limit = min(CATALOGUE_SIZE, len(org.courses))
    written = 0
    path = data_dir / DATA_FILES["enrollments"]
    writer: pacsv.CSVWriter | None = None
    try:
        for number, (first, last) in enumerate(learner_blocks(plan.rows, CHUNK_ROWS)):
            chunk = make_chunk(plan, tables, first, last, rng)
            tally.add(chunk, tables)
            table = enrollment_table(chunk, text)
            if number == 0:
                table = _mark_report_date(chunk, table, text)
                if dirty and len(chunk) > DIRTY_ROW_COUNT:
                    table = _with_dirty_rows(table, rng)
                _write_side_tables(data_dir, chunk, tables, text, limit, rng)
            if writer is None:
                writer = pacsv.CSVWriter(path, table.schema, write_options=WRITE_OPTIONS)
            writer.write_table(table)
            written += table.num_rows
            log.info("demo-data: %s enrolment rows written", f"{written:,}")
    finally:
        if writer is not None:
            writer.close()
    if writer is None:  # no rows at all: still a valid export with its header
        pacsv.write_csv(enrollment_table(_empty_chunk(), text), path, WRITE_OPTIONS)
        _write_side_tables(data_dir, _empty_chunk(), tables, text, limit, rng)
    return written, tally


def _empty_chunk() -> Chunk:
    empty = np.zeros(0, dtype=np.int64)
    return Chunk(*(empty,) * 11)


def _mark_report_date(chunk: Chunk, table: pa.Table, text: TextTables) -> pa.Table:
    """Make sure the data reaches the last day of the last quarter, so the default report
    date is that day: one not-yet-started enrolment is dated 2026-03-31."""
    last_quarter = chunk.quarter == len(QUARTERS) - 1
    candidates = np.flatnonzero((chunk.status == NOT_STARTED) & last_quarter)
    if len(candidates) == 0 or (chunk.enrolled == REPORT_DAY).any():
        return table
    chunk.enrolled[candidates[-1]] = REPORT_DAY
    column = table.schema.get_field_index("Enrolled")
    return table.set_column(column, "Enrolled", _take(text.days, chunk.enrolled))


def _write_side_tables(
    data_dir: Path,
    chunk: Chunk,
    tables: CourseTables,
    text: TextTables,
    limit: int,
    rng: np.random.Generator,
) -> None:
    side = {
        "activity": activity_table(chunk, tables, text, limit),
        "assessments": assessment_table(chunk, tables, text, rng),
        "surveys": survey_table(chunk, tables, text, rng),
    }
    for name, table in side.items():
        pacsv.write_csv(table, data_dir / DATA_FILES[name], WRITE_OPTIONS)


# ---------------------------------------------------------------- YAML text


def _header(command: str, *lines: str) -> str:
    head = [
        f"# {ORGANISATION} (a fictional logistics company): the demo organisation.",
        f"# Generated by `{command}`; regenerate it instead of editing by hand.",
    ]
    return "\n".join([*head, *(f"# {line}" if line else "#" for line in lines)]) + "\n"


class _IndentedDumper(yaml.SafeDumper):
    """Indents lists under their key (the way people write YAML by hand)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _dump(value: Any) -> str:
    return yaml.dump(
        value,
        Dumper=_IndentedDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def _item(value: dict[str, Any], comment: str = "", indent: str = "  ") -> str:
    """One list item, indented under its section, with an optional comment above it."""
    text = _dump([value])
    body = "".join(indent + line if line.strip() else line for line in text.splitlines(True))
    if not comment:
        return body
    return "".join(f"{indent}# {line}\n" for line in _wrap(comment)) + body


def _wrap(text: str, width: int = 94) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]


def project_yaml(command: str) -> str:
    head = _header(
        command,
        "project.yaml: the organisation and where its LMS exports are.",
        "report_date is left unset: it defaults to the last day of the latest complete",
        "quarter in the data (2026-03-31).",
    )
    settings = {
        "organisation": ORGANISATION,
        "currency": CURRENCY,
        "fiscal_year_start_month": FISCAL_YEAR_START_MONTH,
        "min_group_size": MIN_GROUP_SIZE,
    }
    sources: list[tuple[dict[str, Any], str]] = [
        (
            {
                "path": f"data/{DATA_FILES['enrollments']}",
                "format": "csv",
                "table": "enrollments",
                "columns": dict(EXPORT_COLUMNS),
                "status_values": dict(STATUS_VALUES),
            },
            "The LMS enrolment report, with its own column names and status texts (story 9: a few "
            "dirty rows that ingest rejects or merges).",
        ),
        (
            {"path": f"data/{DATA_FILES['activity']}", "format": "csv", "table": "activity"},
            "One row per module a learner reached: drop-off by module (story 1).",
        ),
        (
            {"path": f"data/{DATA_FILES['assessments']}", "format": "csv", "table": "assessments"},
            "Pre- and post-tests of a few courses: learning gain.",
        ),
        (
            {"path": f"data/{DATA_FILES['surveys']}", "format": "csv", "table": "surveys"},
            "Anonymous end-of-course ratings (1-5): satisfaction.",
        ),
    ]
    return head + _dump(settings) + "sources:\n" + "".join(_item(s, c) for s, c in sources)


def roles_yaml(org: Organisation, command: str) -> str:
    head = _header(
        command,
        "roles.yaml: who answers for what, and the people, teams and vendors in each role.",
        "No learner is named anywhere: learners are reported by department only.",
    )
    roles = "roles:\n" + "".join(_item(dict(role)) for role in ROLES)
    people = [
        (
            {"id": LD_MANAGER[0], "name": LD_MANAGER[1], "roles": ["ld-manager"]},
            "Accountable for the budget (story 4) and the cost of each developer (story 3).",
        ),
    ]
    people += [
        (
            {"id": pid, "name": name, "roles": ["training-manager"]},
            "Manages the mandatory compliance courses."
            if pid == TM_COMPLIANCE
            else "Manages the optional skills courses."
            if pid == TM_SKILLS
            else "",
        )
        for pid, name in org.training_managers
    ]
    for dev in org.developers:
        note = {
            "brightpath": "Story 3: the expensive vendor (far higher cost per completion).",
            "content-studio": f"Story 1: develops {DROPOFF_COURSE} (drop-off at module 3).",
        }.get(dev.id, "")
        people.append(
            (
                {"id": dev.id, "name": dev.name, "kind": dev.kind, "roles": ["course-developer"]},
                note,
            )
        )
    people.append(
        (
            {
                "id": "learners",
                "name": "Learners (reported by department, never by name)",
                "kind": "team",
                "roles": ["learner"],
            },
            "",
        )
    )
    for dept in DEPARTMENTS:
        note = (
            "Story 2: this department completes about 40% of its mandatory training."
            if dept.name == LAGGING_DEPARTMENT
            else "Legal is a handful of people: most of its figures fall under the minimum group "
            "size."
            if dept.name == "Legal"
            else ""
        )
        people.append(
            (
                {
                    "id": dept.head_id,
                    "name": dept.head_name,
                    "roles": ["department-head"],
                    "department": dept.name,
                },
                note,
            )
        )
    return head + roles + "people:\n" + "".join(_item(p, c) for p, c in people)


def courses_yaml(org: Organisation, command: str) -> str:
    head = _header(
        command,
        "courses.yaml: the catalogue. Mandatory compliance courses first, "
        "then optional skills courses.",
        "audience_size is the number of learners in the course's audience.",
    )
    sizes = dict(zip(DEPARTMENT_NAMES, org.department_sizes, strict=True))
    total = sum(org.department_sizes)
    items = []
    for course in org.courses:
        item = {
            "id": course.id,
            "title": course.title,
            "developer": course.developer,
            "training_manager": course.training_manager,
            "mandatory": course.mandatory,
            "audience": course.audience,
            "audience_size": total if course.audience == "all" else sizes[course.audience],
            "pass_mark": course.pass_mark,
            "expected_minutes": course.expected_minutes,
            "modules": list(course.modules),
        }
        items.append(_item(item, course.story))
    return head + "courses:\n" + "".join(items)


LMS_LICENCE = 9_000  # EUR per quarter, the platform itself
SEASONAL_SPLIT = (0.27, 0.23, 0.22, 0.28)
BUDGET_HEADROOM = 2.4  # budget / variable spend in FY2024: workshops and events fill the rest
UTILISATION = {UNDERSPENT_QUARTER: 0.55, OVERSPENT_QUARTER: 1.15}
COURSE_SPEND = (
    (0, DROPOFF_COURSE, 12_000, "content build"),
    (6, SLOW_COURSE, 4_500, "content refresh"),
    (9, FALLING_COURSE, 2_500, "content update"),
)
QUARTER_NOTES = {
    UNDERSPENT_QUARTER: "Story 4: under-spent (utilisation about 0.55): the classroom programme "
    "was postponed during a hiring freeze.",
    OVERSPENT_QUARTER: "Story 4: over-spent (utilisation about 1.15): unplanned re-certification "
    "workshops after a safety audit.",
}


def budgets_yaml(org: Organisation, tally: SpendTally, command: str, seed: int) -> str:
    head = _header(
        command,
        "budgets.yaml: the budget and the spend of each fiscal quarter, "
        "FY2024..FY2026 (April to March).",
        "A spend line names one developer (fees per completion, or an internal team's "
        "charge-back),",
        "one course (content work) or one category.",
        "Story 4: every FY2025 quarter's budget is 11% below FY2024's; 2025-Q2 is under-spent",
        "and 2026-Q3 over-spent. Story 3: BrightPath's fees per "
        "completion are far above the others'.",
    )
    rng = np.random.default_rng([seed, 4])
    variable = np.zeros(len(QUARTERS))
    lines: list[list[dict[str, Any]]] = [[] for _ in QUARTERS]
    for d, dev in enumerate(org.developers):
        for q in range(len(QUARTERS)):
            count = int(tally.completions[d, q])
            if count == 0:
                continue
            what = "fees" if dev.kind == "vendor" else "internal charge-back"
            amount = round(count * dev.cost_per_completion * float(rng.uniform(0.97, 1.03)))
            lines[q].append(
                {"developer": dev.id, "amount": amount, "note": f"{what}, {count:,} completions"}
            )
            variable[q] += amount
    course_ids = {c.id for c in org.courses}
    for q, course, amount, note in COURSE_SPEND:
        if course in course_ids:
            lines[q].append({"course": course, "amount": amount, "note": note})
            variable[q] += amount
    budgets = _quarter_budgets(float(variable[:4].mean()))
    periods = []
    for q, quarter in enumerate(QUARTERS):
        target = UTILISATION.get(quarter.label, round(float(rng.uniform(0.9, 0.99)), 3))
        lms = {"category": "lms-platform", "amount": LMS_LICENCE, "note": "LMS licence and hosting"}
        events = max(0, round(target * budgets[q] - variable[q] - LMS_LICENCE))
        extra = [
            lms,
            {
                "category": "workshops-and-events",
                "amount": events,
                "note": "facilitators, venues and travel",
            },
        ]
        period = {"period": quarter.label, "budget": budgets[q], "spend": lines[q] + extra}
        periods.append(_item(period, QUARTER_NOTES.get(quarter.label, "")))
    return head + "periods:\n" + "".join(periods)


def _quarter_budgets(mean_variable: float) -> list[int]:
    """FY2024 sized to the spend; FY2025 cut by 11%; FY2026 up 4% on FY2025."""
    annual = math.ceil(BUDGET_HEADROOM * 4 * (mean_variable + LMS_LICENCE) / 10_000) * 10_000
    fy2024 = [int(round(annual * share, -3)) for share in SEASONAL_SPLIT]
    fy2025 = [round(b * (1 - BUDGET_CUT_FY2025)) for b in fy2024]
    fy2026 = [int(round(b * 1.04, -2)) for b in fy2025]
    return fy2024 + fy2025 + fy2026


def goals_yaml(org: Organisation, command: str) -> str:
    head = _header(
        command,
        "goals.yaml: targets on LMS metrics, each with its RACI roles.",
        "Rates are fractions (0.85 = 85%). A goal is at risk when it misses its target",
        "by no more than 'warning'. The comment above each goal says how the demo data",
        "should come out.",
    )
    course_ids = {c.id for c in org.courses}
    assessed = [c for c in ASSESSED if c in course_ids]
    surveyed = [c for c in SURVEYED if c in course_ids]
    goals: list[tuple[dict[str, Any], str]] = [
        (
            {
                "id": "mandatory-completion-by-department",
                "title": "Every department completes its mandatory training",
                "kind": "business",
                "metric": "completion_rate",
                "scope": {"level": "department", "mandatory": True},
                "target": ">= 0.85",
                "warning": 0.05,
                "periods": "all",
                "raci": {
                    "accountable": "department-head",
                    "responsible": ["learner"],
                    "consulted": ["training-manager"],
                    "informed": ["ld-manager"],
                },
            },
            f"Story 2: missed by {LAGGING_DEPARTMENT} (about 40%); the others meet it or are at "
            "risk.",
        ),
        (
            {
                "id": "mandatory-course-completion",
                "title": "Each mandatory course reaches 80% completion",
                "kind": "business",
                "metric": "completion_rate",
                "scope": {"level": "course", "mandatory": True},
                "target": ">= 0.80",
                "warning": 0.05,
                "periods": ["FY2026"],
                "raci": {
                    "accountable": "training-manager",
                    "responsible": ["course-developer"],
                    "informed": ["ld-manager", "department-head"],
                },
            },
            "Missed by the Warehouse-only courses (forklift-safety, manual-handling: about 40%); the "
            "courses for everyone are at risk or just missed, pulled down by Warehouse Operations; "
            "the other departments' courses meet it.",
        ),
        (
            {
                "id": "org-completion",
                "title": "Three in four enrolments are completed",
                "kind": "business",
                "metric": "completion_rate",
                "scope": "org",
                "target": ">= 0.75",
                "warning": 0.05,
                "periods": "all",
                "raci": {
                    "accountable": "training-manager",
                    "responsible": ["learner"],
                    "informed": ["ld-manager"],
                },
            },
            "At risk in most quarters (0.69-0.75): the Warehouse gap pulls the organisation down; "
            "2026-Q4 also has enrolments still open at the report date.",
        ),
        (
            {
                "id": "budget-used",
                "title": "The training budget is used",
                "kind": "business",
                "metric": "budget_utilisation",
                "scope": "org",
                "target": ">= 0.85",
                "warning": 0.05,
                "periods": "all",
                "raci": {"accountable": "ld-manager", "informed": ["training-manager"]},
            },
            f"Story 4: missed in {UNDERSPENT_QUARTER} (about 0.55).",
        ),
        (
            {
                "id": "budget-not-exceeded",
                "title": "Spend stays within budget",
                "kind": "business",
                "metric": "budget_utilisation",
                "scope": "org",
                "target": "<= 1.05",
                "periods": "all",
                "raci": {"accountable": "ld-manager", "informed": ["training-manager"]},
            },
            f"Story 4: missed in {OVERSPENT_QUARTER} (about 1.15).",
        ),
        (
            {
                "id": "developer-cost-per-completion",
                "title": "A completion costs no more than 40 EUR per developer",
                "kind": "business",
                "metric": "cost_per_completion",
                "scope": "developer",
                "target": "<= 40",
                "warning": 10,
                "periods": ["FY2025", "FY2026"],
                "raci": {
                    "accountable": "ld-manager",
                    "responsible": ["course-developer"],
                    "consulted": ["training-manager"],
                },
            },
            f"Story 3: missed by {EXPENSIVE_VENDOR} (about 78 EUR); met by the others.",
        ),
        (
            {
                "id": "compliance-scores",
                "title": "Mandatory courses average a score of 70",
                "kind": "learning",
                "metric": "average_score",
                "scope": {"level": "course", "mandatory": True},
                "target": ">= 70",
                "warning": 5,
                "periods": "all",
                "raci": {
                    "accountable": "course-developer",
                    "responsible": ["learner"],
                    "consulted": ["training-manager"],
                },
            },
            f"Story 7: missed by {LOW_SCORE_COURSE} (about 55) despite over 90% completion.",
        ),
        (
            {
                "id": "learning-gain",
                "title": "Tested courses raise scores by 10 points",
                "kind": "learning",
                "metric": "learning_gain",
                "scope": {"level": "course", "ids": assessed},
                "target": ">= 10",
                "warning": 3,
                "periods": "all",
                "raci": {
                    "accountable": "course-developer",
                    "responsible": ["training-manager"],
                    "informed": ["ld-manager"],
                },
            },
            "Missed by information-security (gain about 4); met by the others.",
        ),
        (
            {
                "id": "module-dropoff",
                "title": "No module loses more than a third of its learners",
                "kind": "learning",
                "metric": "module_dropoff",
                "scope": "course",
                "target": "<= 0.35",
                "periods": "all",
                "raci": {"accountable": "course-developer", "responsible": ["training-manager"]},
            },
            f"Story 1: missed by {DROPOFF_COURSE} (60% lost after module {DROPOFF_MODULE}).",
        ),
        (
            {
                "id": "time-on-task",
                "title": "Completers need no more than 1.5x the expected time",
                "kind": "learning",
                "metric": "minutes_ratio",
                "scope": "course",
                "target": "<= 1.5",
                "warning": 0.2,
                "periods": "all",
                "raci": {"accountable": "course-developer", "consulted": ["training-manager"]},
            },
            f"Story 6: missed by {SLOW_COURSE} (about 2.1x).",
        ),
        (
            {
                "id": "satisfaction",
                "title": "Learners rate surveyed courses 3.5 or more",
                "kind": "learning",
                "metric": "satisfaction",
                "scope": {"level": "course", "ids": surveyed},
                "target": ">= 3.5",
                "warning": 0.3,
                "periods": "all",
                "raci": {
                    "accountable": "training-manager",
                    "responsible": ["course-developer"],
                    "informed": ["learner"],
                },
            },
            f"At risk or missed for {DROPOFF_COURSE} (about 3.1) and {SLOW_COURSE}.",
        ),
        (
            {
                "id": "customer-service-completion",
                "title": "Customer Service Excellence keeps 75% completion",
                "kind": "business",
                "metric": "completion_rate",
                "scope": {"level": "course", "ids": [FALLING_COURSE]},
                "target": ">= 0.75",
                "warning": 0.05,
                "periods": list(FALLING_QUARTERS),
                "raci": {
                    "accountable": "training-manager",
                    "responsible": ["course-developer"],
                    "consulted": ["department-head"],
                },
            },
            "Story 5: the rate falls every quarter of FY2026: just met in 2026-Q1, then missed.",
        ),
    ]
    return head + "goals:\n" + "".join(_item(g, c) for g, c in goals)
