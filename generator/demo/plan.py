"""Who takes what: the courses' parameters as numpy arrays, and each learner's plan.

``course_tables`` turns the organisation's courses into arrays indexed by course number (how
many finish in each quarter, where the others stop, scores, minutes). ``plan_learners`` gives
every learner a department, a cohort quarter and a number of mandatory and optional enrolments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from generator.demo.catalogue import DEPARTMENT_NAMES, DEPARTMENTS
from generator.demo.organisation import Organisation
from generator.demo.quarters import QUARTERS
from generator.demo.stories import FALLING_COURSE

SCORE_SD = 6.0
DRIFT_PER_QUARTER = 0.01  # the organisation improves slowly; planted falls stand out


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
