"""The demo organisation, Northwind Logistics, and its deterministic LMS data.

``accountability demo-data`` writes a complete project (``config/*.yaml`` and ``data/*.csv``:
the LMS exports, the HR roster and the business KPIs) that tells the story of the article "Who
is accountable if the online training fails?". The
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
10. Turnover: ``Warehouse Operations`` loses about 30% of its staff a year to voluntary leavers
    (leavers over the average of the year's first and last headcount), the other departments
    8-12%; its many new hires take the mandatory courses again. The department head answers.
11. Certifications about to expire: the Forklift Operators whose last ``forklift-safety``
    completion lies 20-24 months before the report date (requirement
    ``forklift-certification``, valid for 24 months) expire within four months, the oldest due
    soon; other operators have expired or never completed it.
12. Incidents fall after training: ``incidents-per-100`` falls by about 30% in the quarters
    after half a department's staff have completed ``health-safety-induction``, and stays flat
    in ``Warehouse Operations``, which never gets there (story 2): the comparison group.
13. Training that moved nothing: ``first-call-resolution`` in ``Customer Service`` stays flat
    after most of its staff have completed ``complaints-handling``; no other department takes
    calls, so it has no comparison group. Its developer and training manager are pointed at.

The roster (``data/roster.csv``) holds every learner, with the department their enrolment rows
give on each enrolment date, and the employees who never enrolled (a quarter of everyone on it
over the three years, most of them short-stayers who left before their first course). Its and
the KPIs' random numbers come from generators of their own: the other files are the same as
without them.

Scale: ``--rows`` is the exact number of data rows in the enrolment export, the dirty rows
included. The export is generated and written in chunks of ``write.CHUNK_ROWS`` with numpy, so
ten million rows need a few hundred MB at most. Activity, assessment and survey rows are only
made for the 40 catalogue courses, and only within the first chunk, so they stay small.

Where things are:

- ``data/organisation.yaml``, ``data/catalogue.yaml``, ``data/goals.yaml``,
  ``data/workforce.yaml``: the fixed data (departments and their job roles, people,
  developers, roles; the 40 courses, tests and surveys; the goals; the competence requirements
  and the KPIs), read by ``catalogue.py``.
- ``stories.py``: the stories' constants (``STORIES``, the story courses, the dirty rows).
- ``quarters.py``: the fiscal calendar, FY2024..FY2026.
- ``organisation.py``: the organisation at the size asked for (synthetic courses and more).
- ``plan.py``: per-course arrays and who takes which courses.
- ``enrolments.py``: the enrolment rows and their outcomes, as integer codes; each learner's
  days in the LMS (``LearnerSpans``).
- ``tables.py``: the CSV exports as pyarrow tables, dirty rows included.
- ``hires.py``: who is employed when, fitted to each department's turnover (story 10).
- ``roster.py``: the HR roster's history of departments, job roles and managers (story 11).
- ``kpis.py``: the business KPIs per quarter (stories 12 and 13).
- ``yamlfiles.py``: the config files' text.
- ``write.py``: ``write_demo_project``, which puts it all on disk.
"""

from __future__ import annotations

from generator.demo.organisation import CATALOGUE_SIZE, build_organisation
from generator.demo.quarters import FISCAL_YEAR_START_MONTH, REPORT_DATE
from generator.demo.stories import (
    BAD_DATE,
    BAD_SCORE,
    BUDGET_CUT_FY2025,
    DROPOFF_COURSE,
    DROPOFF_MODULE,
    DUPLICATE_ROWS,
    EXPENSIVE_VENDOR,
    EXPIRING_MONTHS,
    FALLING_COURSE,
    FALLING_QUARTERS,
    FLAT_KPI,
    FLAT_KPI_COURSE,
    FLAT_KPI_DEPARTMENT,
    FORKLIFT_COURSE,
    FORKLIFT_REQUIREMENT,
    FORKLIFT_ROLE,
    INCIDENTS_KPI,
    LAGGING_DEPARTMENT,
    LOW_SCORE_COURSE,
    OVERSPENT_QUARTER,
    SAFETY_COURSE,
    SLOW_COURSE,
    STORIES,
    STORY_COURSES,
    TURNOVER_DEPARTMENT,
    TURNOVER_RATE,
    UNDERSPENT_QUARTER,
    UNKNOWN_COURSE_CODES,
    Story,
)
from generator.demo.tables import DATA_FILES, WORKFORCE_FILES
from generator.demo.write import DEFAULT_SEED, DemoSummary, write_demo_project

__all__ = [
    "BAD_DATE",
    "BAD_SCORE",
    "BUDGET_CUT_FY2025",
    "CATALOGUE_SIZE",
    "DATA_FILES",
    "DEFAULT_SEED",
    "DROPOFF_COURSE",
    "DROPOFF_MODULE",
    "DUPLICATE_ROWS",
    "EXPENSIVE_VENDOR",
    "EXPIRING_MONTHS",
    "FALLING_COURSE",
    "FALLING_QUARTERS",
    "FISCAL_YEAR_START_MONTH",
    "FLAT_KPI",
    "FLAT_KPI_COURSE",
    "FLAT_KPI_DEPARTMENT",
    "FORKLIFT_COURSE",
    "FORKLIFT_REQUIREMENT",
    "FORKLIFT_ROLE",
    "INCIDENTS_KPI",
    "LAGGING_DEPARTMENT",
    "LOW_SCORE_COURSE",
    "OVERSPENT_QUARTER",
    "REPORT_DATE",
    "SAFETY_COURSE",
    "SLOW_COURSE",
    "STORIES",
    "STORY_COURSES",
    "TURNOVER_DEPARTMENT",
    "TURNOVER_RATE",
    "UNDERSPENT_QUARTER",
    "UNKNOWN_COURSE_CODES",
    "WORKFORCE_FILES",
    "DemoSummary",
    "Story",
    "build_organisation",
    "write_demo_project",
]
