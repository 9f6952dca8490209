"""The commented config files of a new project. Line 1 of each is the modeline that points a
YAML language server at its schema; the comments say what each block means and what to
replace. The people, courses and goals fit the sample export, so the project validates and
builds as written."""

from __future__ import annotations

import json

from generator.config.schema import modeline
from generator.domain.periods import FiscalCalendar
from generator.scaffold.exports import SampleExport
from generator.scaffold.sample import COURSES, report_day, sample_quarter

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def yaml_string(text: str) -> str:
    """Any text as a YAML scalar: a JSON string is a YAML double-quoted one."""
    return json.dumps(text, ensure_ascii=False)


def project_yaml(name: str, calendar: FiscalCalendar, export: SampleExport) -> str:
    quarter = sample_quarter(calendar)
    start = MONTHS[calendar.start_month - 1]
    return f"""\
{modeline("project.yaml")}
# project.yaml: the organisation and where its LMS exports are.
# `accountability validate` checks every file of config/ and reads the exports; each problem
# is reported as file:line with the fix.

organisation: {yaml_string(name)}   # shown on every page
currency: EUR   # ISO 4217 code of budgets.yaml's amounts
# The month the fiscal year starts in (1 = January): quarters are named by the fiscal year they
# end in, so with April, 2026-Q1 is April-June 2025.
fiscal_year_start_month: {calendar.start_month}   # {start}
# The report is as of this day. The sample export below lies in {quarter.label}, which ends on
# {report_day(calendar).isoformat()}. Delete this line once your own exports are in: the report is then as of the
# last day of the latest complete quarter in your data (or pass --as-of to build).
report_date: {report_day(calendar).isoformat()}
# Figures about fewer learners than this are hidden everywhere (pages, charts, downloads).
min_group_size: 5
# Where the site is served; Material's instant navigation needs it. Optional.
# site_url: https://intranet.example/training/

{export.sources}
# When a pattern in the data becomes a finding; these are the defaults (README.md, "Metrics,
# goals and findings").
# thresholds:
#   falling_periods: 3     # a metric falling this many quarters running
#   minutes_ratio: 1.5     # completers' median time this many times a course's expected_minutes
#   underspend: 0.8        # budget utilisation below this is under-spent
#   overspend: 1.05        # ... above this, over-spent
"""


def roles_yaml() -> str:
    return f"""\
{modeline("roles.yaml")}
# roles.yaml: who answers for what, and the people, teams and vendors in each role.
# Goals (goals.yaml) name roles, never people: the report resolves a role to the people who
# hold it through the goal's scope (a course's developer and training manager, the L&D
# manager for budgets). Learners are never named: they are reported by department.

# The four roles every organisation defines (their ids are fixed); edit the titles and
# sentences, and add roles of your own (such as department-head) below them.
roles:
  - id: ld-manager
    title: Learning & Development Manager
    answers_for: Turning the training budget into a more productive workforce.
    evidence: Budget against spend per quarter, cost per completion, year-on-year budget change.
  - id: training-manager
    title: Training Manager
    answers_for: Sound and engaging training, the choice of suppliers, and fine-tuning from LMS data.
    evidence: Enrolment, completion, scores, time spent and where deficiencies lie.
  - id: course-developer
    title: Course Developer (internal team or vendor)
    answers_for: Courses that produce measurable performance gains.
    evidence: Per-course completion, drop-off by module, scores, learning gain and cost.
  - id: learner
    title: Learner
    answers_for: Taking part and learning.
    evidence: Completion and scores by department, never by named person.
  # - id: department-head
  #   title: Department Head
  #   answers_for: Their people taking part in the training they need.

# Replace these with your own people. An id is what courses.yaml and budgets.yaml refer to;
# kind is person (the default), team (an internal team) or vendor (an outside supplier).
people:
  - id: jordan-lee
    name: Jordan Lee
    roles: [ld-manager]
  - id: sam-patel
    name: Sam Patel
    roles: [training-manager]
  - id: learning-team
    name: Learning Design Team
    kind: team
    roles: [course-developer]
  - id: acme-elearning
    name: Acme eLearning
    kind: vendor
    roles: [course-developer]
  # A department head holds a role per department:
  # - id: riley-chen
  #   name: Riley Chen
  #   roles: [department-head]
  #   department: Operations
"""


def courses_yaml() -> str:
    entries = []
    for course in COURSES:
        entries.append(
            f"""\
  - id: {course.id}
    title: {yaml_string(course.title)}
    developer: {course.developer}      # a person, team or vendor of roles.yaml (course-developer)
    training_manager: sam-patel     # a person of roles.yaml (training-manager)
    mandatory: {"true" if course.mandatory else "false"}
    pass_mark: {course.pass_mark:g}       # score (0-100) at or above which a learner passes
    expected_minutes: {course.expected_minutes:g}  # the time the course is designed to take
    audience: all       # the department it is for, or all"""
        )
    return f"""\
{modeline("courses.yaml")}
# courses.yaml: the course catalogue. Each course's id is the id your LMS exports use for it
# (or the course_id a per-course export is given in project.yaml); a row of an export naming a
# course missing here is rejected as an unknown course, and validate lists it.
# Replace the two sample courses with yours.
courses:
{chr(10).join(entries)}
    # Modules in order give drop-off by module, with an export of activity; a title finds the
    # activity whose module text contains its words:
    # modules: [Welcome, Handling complaints, Difficult conversations, Final quiz]
    # audience_size: 120   # learners the course is meant to reach
"""


def budgets_yaml(calendar: FiscalCalendar) -> str:
    quarter = sample_quarter(calendar)
    return f"""\
{modeline("budgets.yaml")}
# budgets.yaml: per fiscal quarter the training budget and what was spent, in project.yaml's
# currency. The quarters listed here are the periods the report covers: add one entry per
# quarter ({quarter.label} is a quarter of the calendar that project.yaml's
# fiscal_year_start_month sets). Each spend line names exactly one of course, developer or
# category.
periods:
  - period: {quarter.label}
    budget: 10000
    spend:
      - developer: acme-elearning   # fees of a vendor: count for its courses' cost per completion
        amount: 3000
        note: licence fees
      - course: safety-basics       # spent on one course (and its developer)
        amount: 2500
        note: content update
      - category: lms-platform      # anything else: counts for the organisation only
        amount: 2000
        note: LMS licence and hosting
# Made-up figures, such as while the finance data is not in yet: every page with costs says so.
# illustrative: true
# note: Budgets are placeholders until finance confirms them.
"""


def goals_yaml(export: SampleExport) -> str:
    goals = []
    if export.completion:
        goals.append(
            """\
  - id: completion-rate
    title: Three in five enrolments are completed
    kind: learning
    metric: completion_rate     # rates are fractions: 0.6 is 60%
    scope: org                  # or {level: course | developer | training_manager | department, ids: [...]}
    target: '>= 0.6'
    warning: 0.1                # at risk when missed by no more than this
    periods: all                # or a list: [2025-Q3, FY2026]
    raci:
      accountable: training-manager
      responsible: course-developer
      informed: [ld-manager]"""
        )
    if export.scores:
        goals.append(
            """\
  - id: mandatory-scores
    title: Mandatory courses are learned
    kind: learning
    metric: average_score       # 0-100
    scope: {level: course, mandatory: true}   # every mandatory course, each on its own
    target: '>= 70'
    warning: 5
    periods: all
    raci:
      accountable: course-developer
      informed: [training-manager]"""
        )
    goals.append(
        """\
  - id: budget-use
    title: The training budget is used
    kind: business
    metric: budget_utilisation  # spend / budget of budgets.yaml
    scope: org
    target: '>= 0.8'
    warning: 0.1
    periods: all
    raci:
      accountable: ld-manager
      consulted: [training-manager]"""
    )
    return f"""\
{modeline("goals.yaml")}
# goals.yaml: targets on the report's metrics, each with its RACI roles (roles of roles.yaml,
# not people). A goal is met, at risk (missed by no more than warning), missed, or no data.
# The metrics (completion_rate, pass_rate, average_score, cost_per_completion, ...) are
# defined on the built site's methodology page.
goals:
{chr(10).join(goals)}
"""


def workforce_yaml() -> str:
    return f"""\
{modeline("workforce.yaml")}
# workforce.yaml (optional): the courses each job role must hold a valid completion of, and the
# business KPIs the training should move. Both need the HR roster as a source in project.yaml
# (format: csv, table: roster); KPI values come from a source with table: kpis. Until then it
# stays empty (or delete it). Uncomment and edit:
#
# requirements:
#   - id: safety-certification      # a slug: lowercase letters, digits and hyphens
#     title: Safety certification
#     job_roles: [Warehouse Operator]   # job_role values of the roster
#     courses: [safety-basics]
#     valid_for: 24                 # months; omit for a completion that never expires
#     due_within: 30                # days after taking up the role
# kpis:
#   - id: incidents-per-100
#     label: Safety incidents per 100 staff
#     higher_is_better: false
#     evaluation: ltem-8            # ltem-7, ltem-8 or phillips-4
#     trained_by: [safety-basics]
"""


def config_files(name: str, calendar: FiscalCalendar, export: SampleExport) -> dict[str, str]:
    """``{config/<file>: text}`` of every config file."""
    return {
        "config/project.yaml": project_yaml(name, calendar, export),
        "config/roles.yaml": roles_yaml(),
        "config/courses.yaml": courses_yaml(),
        "config/budgets.yaml": budgets_yaml(calendar),
        "config/goals.yaml": goals_yaml(export),
        "config/workforce.yaml": workforce_yaml(),
    }
