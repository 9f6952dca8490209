"""The planted stories: what each one is about and the numbers the generator plants it with.

The package docstring tells the stories in prose; ``STORIES`` is the same list for code and
tests. The constants name the course, department, developer or quarter of each story, and
``STORY_COURSES`` the courses the demo keeps when it is asked for fewer than 40.
"""

from __future__ import annotations

from dataclasses import dataclass

DROPOFF_COURSE = "coaching-conversations"
DROPOFF_MODULE = 3
LAGGING_DEPARTMENT = "Warehouse Operations"
LAGGING_FACTOR = 0.45  # Warehouse Operations finishes 45% as often as others (mandatory only)
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

# Stories 10-12: the HR roster (data/roster.csv) and the business KPIs (data/kpis.csv).
NEVER_ENROLLED_SHARE = 0.25  # of everyone on the roster over the three years: never in the LMS
TURNOVER_DEPARTMENT = LAGGING_DEPARTMENT
TURNOVER_RATE = 0.30  # voluntary leavers a year, as a share of the average headcount
USUAL_TURNOVER = (0.08, 0.12)  # the other departments, each drawn from this range
INVOLUNTARY_RATE = 0.02  # a year, in every department
FORKLIFT_REQUIREMENT = "forklift-certification"
FORKLIFT_COURSE = "forklift-safety"
FORKLIFT_ROLE = "Forklift Operator"
EXPIRING_MONTHS = (20, 24)  # the cohort's last completion: months before the report date
INCIDENTS_KPI = "incidents-per-100"  # its fall and threshold: data/workforce.yaml
SAFETY_COURSE = "health-safety-induction"
FLAT_KPI = "first-call-resolution"  # story 13: flat after training (data/workforce.yaml)
FLAT_KPI_COURSE = "complaints-handling"
FLAT_KPI_DEPARTMENT = "Customer Service"

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
    Story(
        10,
        "turnover",
        "A department loses its trained staff",
        f"department {TURNOVER_DEPARTMENT}",
        "department-head",
        "voluntary turnover about 30% a year against 8-12% elsewhere; its many new hires take "
        "the mandatory courses again",
    ),
    Story(
        11,
        "certification-expiring",
        "Certifications about to expire",
        f"requirement {FORKLIFT_REQUIREMENT}, job role {FORKLIFT_ROLE}",
        "department-head",
        "a cohort last certified 20-24 months before the report date (valid for 24): expiring "
        "within four months, the oldest due soon",
    ),
    Story(
        12,
        "incidents-after-training",
        "Incidents fall where the staff are trained",
        f"KPI {INCIDENTS_KPI}, course {SAFETY_COURSE}",
        "ld-manager",
        "about 30% fewer incidents in the quarters after half a department's staff completed "
        "the course; flat where they have not (the comparison group)",
    ),
    Story(
        13,
        "kpi-did-not-move",
        "Training that moved nothing",
        f"KPI {FLAT_KPI}, course {FLAT_KPI_COURSE}",
        "course-developer",
        f"{FLAT_KPI_DEPARTMENT}'s first-call resolution stays flat after most of its staff "
        "completed the course: a finding for its developer and training manager",
    ),
)
