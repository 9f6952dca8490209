"""The HR roster (data/roster.csv): each employee's dated history of department, job role and
manager, with their hire date and, for leavers, the day they left and why (stories 10 and 11).

Who is employed when comes from ``hires.py``. The history agrees with the enrolment rows: an
employee is in the department of their enrolment rows on every enrolment date (a transfer
falls before the first enrolment or after the last). Story 11's cohort, the Warehouse
learners whose last forklift-safety completion lies 20-24 months before the report date, are
Forklift Operators who stay. Its random numbers come from a generator of its own, so the other
files do not change.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from generator.demo.catalogue import DEPARTMENTS, JOB_ROLES
from generator.demo.enrolments import LearnerSpans
from generator.demo.hires import (
    FORKLIFT_DEPARTMENT,
    LEARNER,
    LEAVE_AFTER_DAYS,
    Employees,
    day_of,
    employees,
)
from generator.demo.quarters import FIRST_DAY, REPORT_DATE, REPORT_DAY, quarter_days
from generator.demo.stories import EXPIRING_MONTHS, FORKLIFT_COURSE, FORKLIFT_ROLE

# Changes (at most one per employee), of those who can have them: a transfer in before the
# first enrolment, a transfer out after the last, a promotion to the department's lead role,
# and, in the department whose leads manage the others, a new lead.
EVENT_SHARES = (0.06, 0.08, 0.04, 0.12)
NO_EVENT, TRANSFER_IN, TRANSFER_OUT, PROMOTION, NEW_MANAGER = range(5)
CREW_SIZE = 150  # employees of the crew department (over the years) per lead who manages

DEPARTMENT_OF_ROLE = np.array([d for d, dept in enumerate(DEPARTMENTS) for _ in dept.job_roles])
IS_LEAD = np.array([r.lead for dept in DEPARTMENTS for r in dept.job_roles])
ROLE_OFFSET = np.cumsum([0, *(len(d.job_roles) for d in DEPARTMENTS)])[:-1]
LEAD_ROLE = np.array(  # per department, its lead role (-1: none)
    [
        next((ROLE_OFFSET[d] + i for i, r in enumerate(dept.job_roles) if r.lead), -1)
        for d, dept in enumerate(DEPARTMENTS)
    ]
)
FORKLIFT_INDEX = JOB_ROLES.index(FORKLIFT_ROLE)
CREW_DEPARTMENT = FORKLIFT_DEPARTMENT  # its leads manage the others


@dataclass
class Roster:
    """Roster rows as integer codes, sorted by employee and effective day. Days count from
    FIRST_DAY (hires before it are negative; ``left`` is -1 while employed). An employee is a
    learner number (the never-enrolled follow the learners); a manager is an employee, or
    -1 - d for the head of department d. Hire and leaving facts repeat on every row."""

    employee: np.ndarray
    effective: np.ndarray
    department: np.ndarray
    role: np.ndarray  # index into JOB_ROLES
    manager: np.ndarray
    hired: np.ndarray
    left: np.ndarray
    leaving: np.ndarray  # VOLUNTARY, INVOLUNTARY or -1
    employees: int
    learners: int

    def __len__(self) -> int:
        return len(self.employee)

    def ends(self) -> np.ndarray:
        """The day each row stops holding: the employee's next row, else the day they left
        (no end: after the report date)."""
        following = np.r_[self.employee[1:] == self.employee[:-1], False]
        last = np.where(self.left >= 0, self.left, REPORT_DAY + 1)
        return np.where(following, np.r_[self.effective[1:], 0], last)

    def active_on(self, day: int) -> np.ndarray:
        """The rows in force on ``day`` of employees employed then (hired, not yet left)."""
        return (self.effective <= day) & (day < self.ends())


def _months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day if it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def forklift_window() -> tuple[int, int]:
    """Story 11: the first and last day of the cohort's last completion of FORKLIFT_COURSE."""
    late, early = EXPIRING_MONTHS
    return day_of(_months_before(REPORT_DATE, early)), day_of(_months_before(REPORT_DATE, late))


def build_roster(department: np.ndarray, spans: LearnerSpans, seed: int) -> Roster:
    """The roster of the learners (``department``: each one's department, as their enrolment
    rows give it) and the never-enrolled, from the seed and the learners' days in the LMS."""
    rng = np.random.default_rng([seed, 19])
    _, done = spans.completed(FORKLIFT_COURSE)
    low, high = forklift_window()
    cohort = (department == FORKLIFT_DEPARTMENT) & (done >= low) & (done <= high)
    return _rows(employees(department, spans, cohort, rng), rng)


def _role(department: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A job role of each department, drawn by the roles' shares."""
    width = max(len(d.job_roles) for d in DEPARTMENTS)
    cumulative = np.ones((len(DEPARTMENTS), width))
    for i, dept in enumerate(DEPARTMENTS):
        cumulative[i, : len(dept.job_roles)] = np.cumsum([r.share for r in dept.job_roles])
    local = (cumulative[department] < u[:, None]).sum(axis=1)
    sizes = np.array([len(d.job_roles) for d in DEPARTMENTS])
    return ROLE_OFFSET[department] + np.minimum(local, sizes[department] - 1)


@dataclass
class _Changes:
    """Per employee: their first roster row (a) and, after a change on ``day``, their second
    (b); ``event`` says which change, NO_EVENT for none."""

    event: np.ndarray
    day: np.ndarray
    department: tuple[np.ndarray, np.ndarray]
    role: tuple[np.ndarray, np.ndarray]
    home_role: np.ndarray


def _changes(staff: Employees, u: np.ndarray, other: np.ndarray) -> _Changes:
    """Job roles, and the one change of department, job role or manager some employees have."""
    n = len(staff.home)
    u_role, u_other_role, u_event, u_day = u
    role = np.where(staff.cohort, FORKLIFT_INDEX, _role(staff.home, u_role))
    other_role = _role(other, u_other_role)
    end = np.where(staff.left >= 0, staff.left, REPORT_DAY)
    since = np.maximum(staff.hired, 0)
    learner = staff.kind == LEARNER
    eligible = (
        learner & (staff.hired < 0) & (staff.first >= 120) & ~staff.cohort,
        learner
        & (staff.left < 0)
        & (staff.last + LEAVE_AFTER_DAYS <= REPORT_DAY - 60)
        & ~staff.cohort,
        ~IS_LEAD[role] & (LEAD_ROLE[staff.home] >= 0) & (since + 90 < end - 1) & ~staff.cohort,
        (staff.home == CREW_DEPARTMENT) & ~IS_LEAD[role] & (since + 30 < end - 1),
    )
    bounds = np.cumsum([0, *EVENT_SHARES])
    event = np.full(n, NO_EVENT)
    for k, ok in enumerate(eligible):
        event = np.where(ok & (u_event >= bounds[k]) & (u_event < bounds[k + 1]), k + 1, event)
    # A transfer in falls before the first enrolment, one out after the last.
    lo = np.select(
        [event == TRANSFER_IN, event == TRANSFER_OUT, event == PROMOTION],
        [np.zeros(n, dtype=np.int64), staff.last + LEAVE_AFTER_DAYS, since + 90],
        since + 30,
    )
    hi = np.select(
        [event == TRANSFER_IN, event == TRANSFER_OUT],
        [staff.first - LEAVE_AFTER_DAYS, np.full(n, REPORT_DAY - 1)],
        end - 1,
    )
    return _Changes(
        event=event,
        day=lo + (u_day * np.maximum(hi - lo + 1, 1)).astype(np.int64),
        department=(
            np.where(event == TRANSFER_IN, other, staff.home),
            np.where(event == TRANSFER_OUT, other, staff.home),
        ),
        role=(
            np.where(event == TRANSFER_IN, other_role, role),
            np.select(
                [event == TRANSFER_OUT, event == PROMOTION],
                [other_role, LEAD_ROLE[staff.home]],
                role,
            ),
        ),
        home_role=role,
    )


def _rows(staff: Employees, rng: np.random.Generator) -> Roster:
    n = len(staff.home)
    u = rng.random((5, n))
    shares = np.array([d.share for d in DEPARTMENTS])
    other = rng.choice(len(DEPARTMENTS), n, p=shares / shares.sum())
    other = np.where(other == staff.home, (other + 1) % len(DEPARTMENTS), other)
    changes = _changes(staff, u[:4], other)
    event, day, u_boss, role = changes.event, changes.day, u[4], changes.home_role
    dept_a, dept_b = changes.department
    role_a, role_b = changes.role
    # The leads who manage the others (a crew of about CREW_SIZE each): the longest-serving
    # of those who stay and never change.
    anchors = np.flatnonzero(
        (staff.home == CREW_DEPARTMENT)
        & IS_LEAD[role]
        & (event == NO_EVENT)
        & (staff.left < 0)
        & (staff.hired < 0)
    )
    crews = max(1, round((staff.home == CREW_DEPARTMENT).sum() / CREW_SIZE))
    anchors = anchors[np.argsort(staff.hired[anchors], kind="stable")][:crews]
    boss_a = _manager(dept_a, role_a, staff.hired, u_boss, anchors, staff.hired)
    boss_b = _manager(dept_b, role_b, day, (u_boss + 0.5) % 1, anchors, staff.hired)
    same = (dept_a == dept_b) & (role_a == role_b) & (boss_a == boss_b)
    event = np.where(same, NO_EVENT, event)
    changed = np.flatnonzero(event != NO_EVENT)
    employee = np.r_[np.arange(n), changed]
    order = np.lexsort((np.r_[np.zeros(n), np.ones(len(changed))], employee))
    return Roster(
        employee=employee[order],
        effective=np.r_[staff.hired, day[changed]][order],
        department=np.r_[dept_a, dept_b[changed]][order],
        role=np.r_[role_a, role_b[changed]][order],
        manager=np.r_[boss_a, boss_b[changed]][order],
        hired=staff.hired[employee[order]],
        left=staff.left[employee[order]],
        leaving=staff.leaving[employee[order]],
        employees=n,
        learners=staff.learners,
    )


def _manager(
    department: np.ndarray,
    role: np.ndarray,
    day: np.ndarray,
    u: np.ndarray,
    anchors: np.ndarray,
    hired: np.ndarray,
) -> np.ndarray:
    """The department head (-1 - department), or in the crew department for all but its leads,
    one of the leads already employed on ``day``."""
    head = -1 - department
    if not len(anchors):
        return head
    employed = np.searchsorted(hired[anchors], day, side="right")
    pick = anchors[np.minimum((u * employed).astype(np.int64), len(anchors) - 1)]
    crew = (department == CREW_DEPARTMENT) & ~IS_LEAD[role] & (employed > 0)
    return np.where(crew, pick, head)


def quarter_ends() -> list[int]:
    """The last day of each quarter of the report."""
    starts, lengths = quarter_days()
    return [int(s + n - 1) for s, n in zip(starts, lengths, strict=True)]


def roster_table(roster: Roster) -> pa.Table:
    """data/roster.csv: employee ids as the enrolment export writes learner ids."""
    width = max(5, len(str(roster.learners)))
    number = np.arange(1, roster.employees + 1).astype(str)
    ids = np.char.add("L", np.char.zfill(number, width))
    heads = np.array([d.head_id for d in DEPARTMENTS])
    manager = np.where(
        roster.manager >= 0,
        ids[np.maximum(roster.manager, 0)],
        heads[np.maximum(-1 - roster.manager, 0)],
    )
    return pa.table(
        {
            "employee_id": pa.array(ids[roster.employee]),
            "effective_on": _dates(roster.effective),
            "department": pa.array(np.array([d.name for d in DEPARTMENTS])[roster.department]),
            "job_role": pa.array(np.array(JOB_ROLES)[roster.role]),
            "manager": pa.array(manager),
            "hired_on": _dates(roster.hired),
            "left_on": _dates(roster.left, roster.left < 0),
            "leaving": pa.array(
                np.array(["voluntary", "involuntary"])[np.maximum(roster.leaving, 0)],
                mask=roster.leaving < 0,
            ),
        }
    )


def _dates(days: np.ndarray, empty: np.ndarray | None = None) -> pa.Array:
    """ISO dates of day numbers (before FIRST_DAY too); ``empty`` marks empty cells."""
    shown = days if empty is None else np.where(empty, 0, days)
    text = np.datetime_as_string(np.datetime64(FIRST_DAY) + shown, unit="D")
    return pa.array(text, mask=empty)
