"""Who is employed when: every employee's hire day and, for leavers, the day they left and
why, fitted to each department's turnover fiscal year by fiscal year (story 10).

The employees are the learners of the LMS data and the never-enrolled. A learner is hired
before their first enrolment and leaves after their last; in-period hires start a few weeks
before their first enrolment, so they take the mandatory courses as new hires. Turnover is
measured as the report measures it: leavers in a fiscal year over the average of the
headcounts on its first and last day. Learners can only leave once their enrolments are over,
which for most is late in the data, so the early years' leavers are mostly never-enrolled
employees: short-stayers who left within weeks of joining, before their first course, and a
few long-serving staff. They are shared among the departments by the leavers each one's
learners cannot provide, so that every year comes close to its department's turnover.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from generator.demo.catalogue import DEPARTMENTS
from generator.demo.enrolments import LearnerSpans
from generator.demo.organisation import largest_remainder
from generator.demo.quarters import FIRST_DAY, REPORT_DAY, quarter_days
from generator.demo.stories import (
    FORKLIFT_ROLE,
    INVOLUNTARY_RATE,
    NEVER_ENROLLED_SHARE,
    TURNOVER_DEPARTMENT,
    TURNOVER_RATE,
    USUAL_TURNOVER,
)

FIRST_HIRE = date(2018, 1, 1)  # the longest-serving employees were hired from here on
HIRE_LEAD_DAYS = (7, 42)  # in-period hires start this many days before their first enrolment
LEAVE_AFTER_DAYS = 14  # a leaver's last enrolment is at least this long before they leave
RECENT_SHARE = 0.1  # of the never-enrolled: hired in the last six weeks, not yet enrolled
RECENT_DAYS = 41
SHORT_STAY_SHARE = 0.7  # of the never-enrolled who leave: within weeks of joining
SHORT_STAY_DAYS = (14, 92)
LONG_SERVING_SHARE = 0.02  # per learner, more never-enrolled for each department
LEARNER, NEVER_ENROLLED, RECENT = range(3)
VOLUNTARY, INVOLUNTARY = 0, 1

TURNOVER_INDEX = [d.name for d in DEPARTMENTS].index(TURNOVER_DEPARTMENT)
FORKLIFT_DEPARTMENT = next(
    d for d, dept in enumerate(DEPARTMENTS) if FORKLIFT_ROLE in [r.name for r in dept.job_roles]
)


def day_of(value: date) -> int:
    return (value - FIRST_DAY).days


def fiscal_years() -> list[tuple[int, int]]:
    """The first and last day of each fiscal year of the report."""
    starts, lengths = quarter_days()
    return [
        (int(starts[q]), int(starts[q + 3] + lengths[q + 3] - 1)) for q in range(0, len(starts), 4)
    ]


def headcount(hired: np.ndarray, left: np.ndarray, day: int) -> int:
    """Employees on ``day``: hired by then and not yet left (``left`` -1: still employed)."""
    return int(((hired <= day) & ((left < 0) | (left > day))).sum())


@dataclass
class Employees:
    """Per employee: learners first (their learner numbers), then the never-enrolled. Days
    count from FIRST_DAY (hires before it are negative; ``left`` is -1 while employed)."""

    home: np.ndarray  # the department of their enrolment rows (never-enrolled: their own)
    kind: np.ndarray
    first: np.ndarray  # first and last day in the LMS (-1: none)
    last: np.ndarray
    cohort: np.ndarray  # story 11's Forklift Operators: they stay
    hired: np.ndarray
    left: np.ndarray
    leaving: np.ndarray  # VOLUNTARY, INVOLUNTARY or -1
    learners: int


def employees(
    department: np.ndarray, spans: LearnerSpans, cohort: np.ndarray, rng: np.random.Generator
) -> Employees:
    """The learners and the never-enrolled, with hire and leaving days fitted to turnover."""
    learners = len(department)
    rates = np.where(
        np.arange(len(DEPARTMENTS)) == TURNOVER_INDEX,
        TURNOVER_RATE,
        rng.uniform(*USUAL_TURNOVER, len(DEPARTMENTS)),
    )
    others = round(learners * NEVER_ENROLLED_SHARE / (1 - NEVER_ENROLLED_SHARE))
    recent = round(others * RECENT_SHARE)
    shares = [d.share for d in DEPARTMENTS]
    weights = _never_enrolled_weights(department, spans.last, cohort, rates)
    home = np.r_[
        np.repeat(np.arange(len(DEPARTMENTS)), largest_remainder(others - recent, weights)),
        np.repeat(np.arange(len(DEPARTMENTS)), largest_remainder(recent, shares)),
    ]
    kind = np.repeat([NEVER_ENROLLED, RECENT], [others - recent, recent])
    order = rng.permutation(others)
    none = np.full(learners + others, -1, dtype=np.int64)
    staff = Employees(
        home=np.r_[department, home[order]].astype(np.int64),
        kind=np.r_[np.where(spans.first >= 0, LEARNER, NEVER_ENROLLED), kind[order]],
        first=np.r_[spans.first, none[:others]],
        last=np.r_[spans.last, none[:others]],
        cohort=np.r_[cohort, np.zeros(others, dtype=bool)],
        hired=none.copy(),
        left=none.copy(),
        leaving=none.copy(),
        learners=learners,
    )
    _fit(staff, rates, rng)
    return staff


def _never_enrolled_weights(
    department: np.ndarray, last: np.ndarray, cohort: np.ndarray, rates: np.ndarray
) -> list[float]:
    """How the never-enrolled are shared among the departments: by the leavers its learners
    cannot provide (learners leave only once their enrolments are over), and a few
    long-serving staff in each."""
    earliest = last + LEAVE_AFTER_DAYS
    weights = []
    for d in range(len(DEPARTMENTS)):
        members = np.flatnonzero((department == d) & (last >= 0) & ~cohort)
        need = round(float(rates[d] + INVOLUNTARY_RATE) * int((department == d).sum()))
        left = np.full(len(earliest), -1, dtype=np.int64)
        short = _later_shortfall(members, left, earliest, fiscal_years(), need)
        weights.append(short + LONG_SERVING_SHARE * int((department == d).sum()))
    return weights


@dataclass
class _Draws:
    long_ago: np.ndarray  # a hire day before the report's first quarter
    lead: np.ndarray
    recent: np.ndarray
    stay: np.ndarray
    short_stay: np.ndarray
    u_leave: np.ndarray
    u_hire: np.ndarray
    u_day: np.ndarray
    u_voluntary: np.ndarray


def _fit(staff: Employees, rates: np.ndarray, rng: np.random.Generator) -> None:
    n = len(staff.home)
    draws = _Draws(
        long_ago=rng.integers(day_of(FIRST_HIRE), 0, n),
        lead=rng.integers(*HIRE_LEAD_DAYS, n, endpoint=True),
        recent=rng.integers(REPORT_DAY - RECENT_DAYS, REPORT_DAY, n),
        stay=rng.integers(*SHORT_STAY_DAYS, n),
        short_stay=rng.random(n) < SHORT_STAY_SHARE,
        u_leave=rng.random(n),
        u_hire=rng.random(n),
        u_day=rng.random(n),
        u_voluntary=rng.random(n),
    )
    for d in range(len(DEPARTMENTS)):
        members = np.flatnonzero(staff.home == d)
        target = float(rates[d] + INVOLUNTARY_RATE)
        hires = 0
        for _ in range(2):  # in-period hires replace the leavers: fit, count, fit again
            hired, left = _leavers(staff, members, target, hires, draws)
            hires = int((left >= 0).sum() - (staff.kind[members] != LEARNER).sum())
        staff.hired[members], staff.left[members] = hired, left
        voluntary = draws.u_voluntary[members] < rates[d] / target
        staff.leaving[members] = np.where(
            left >= 0, np.where(voluntary, VOLUNTARY, INVOLUNTARY), -1
        )


def _leavers(
    staff: Employees, members: np.ndarray, target: float, hires: int, draws: _Draws
) -> tuple[np.ndarray, np.ndarray]:
    """Hire and leaving days of one department's ``members``: ``hires`` learners hired within
    the period, and in each fiscal year about ``target`` x its average headcount leavers,
    learners whose enrolments are over first, then never-enrolled employees."""
    kind, first, last = staff.kind[members], staff.first[members], staff.last[members]
    u_leave, u_day = draws.u_leave[members], draws.u_day[members]
    can_hire = (kind == LEARNER) & (first - HIRE_LEAD_DAYS[1] >= 0)
    rank = np.argsort(np.argsort(np.where(can_hire, draws.u_hire[members], 2.0), kind="stable"))
    hired = np.select(
        [can_hire & (rank < hires), kind == RECENT],
        [first - draws.lead[members], draws.recent[members]],
        draws.long_ago[members],
    )
    left = np.full(len(members), -1, dtype=np.int64)
    earliest = last + LEAVE_AFTER_DAYS
    learners = np.flatnonzero((kind == LEARNER) & ~staff.cohort[members])
    learners = learners[np.argsort(u_leave[learners], kind="stable")]
    others = np.flatnonzero(kind == NEVER_ENROLLED)
    others = others[np.argsort(u_leave[others], kind="stable")]
    used = 0  # the never-enrolled who leave: the first ``used`` of ``others``
    years = fiscal_years()
    for k, (start, end) in enumerate(years):
        base = headcount(hired, left, start) + headcount(hired, left, end)
        need = round(target * base / (2 + target))
        free = learners[(left[learners] < 0) & (earliest[learners] <= end)][:need]
        begin = np.maximum(earliest[free], start)
        left[free] = begin + (u_day[free] * (end - begin + 1)).astype(np.int64)
        # The never-enrolled are shared among the years learners cannot fill, by shortfall.
        short = need - len(free)
        later = _later_shortfall(learners, left, earliest, years[k + 1 :], need)
        share = short / (short + later) if short + later else 0.0
        count = min(short, round((len(others) - used) * share))
        picked = others[used : used + count]
        used += count
        left[picked] = start + (u_day[picked] * (end - start + 1)).astype(np.int64)
        brief = draws.short_stay[members][picked]
        stay = draws.stay[members][picked]
        hired[picked] = np.where(brief, np.maximum(left[picked] - stay, 0), hired[picked])
    return hired, left


def _later_shortfall(
    learners: np.ndarray,
    left: np.ndarray,
    earliest: np.ndarray,
    years: list[tuple[int, int]],
    need: int,
) -> int:
    """How many leavers the later years are likely to lack, at ``need`` a year, after the
    learners who could leave by then."""
    free = learners[left[learners] < 0]
    used, short = 0, 0
    for _, end in years:
        supply = int((earliest[free] <= end).sum()) - used
        taken = min(need, max(supply, 0))
        used += taken
        short += need - taken
    return short
