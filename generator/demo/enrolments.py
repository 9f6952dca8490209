"""The enrolment rows as integer codes: which course in which quarter, and how it went.

``make_chunk`` builds the rows of a range of learners (``learner_blocks`` cuts the learners
into ranges of about a chunk's rows); the outcome of each row (completed, failed, stopped at a
module, still in progress, withdrawn), its score and its minutes follow the course's tables.
``SpendTally`` counts completions per developer and quarter for budgets.yaml; ``LearnerSpans``
keeps each learner's first and last day in the LMS and completions of a few courses, for the HR
roster and the KPIs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from generator.demo.catalogue import DEPARTMENT_NAMES, DEPARTMENTS
from generator.demo.plan import SCORE_SD, CourseTables, LearnerPlan
from generator.demo.quarters import QUARTERS, REPORT_DAY, quarter_days
from generator.demo.stories import LAGGING_DEPARTMENT, LAGGING_FACTOR

STATUS_TEXT = ("Not started", "In progress", "Completed", "Failed", "Withdrawn")
NOT_STARTED, IN_PROGRESS, COMPLETED, FAILED, WITHDRAWN = range(5)
WITHDRAW_AFTER_DAYS = 120  # stalled enrolments older than this may be withdrawn
MAX_MINUTES = 20_000
LAGGING_INDEX = DEPARTMENT_NAMES.index(LAGGING_DEPARTMENT)


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


def empty_chunk() -> Chunk:
    empty = np.zeros(0, dtype=np.int64)
    return Chunk(*(empty,) * 11)


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
    q_start, q_len = quarter_days()
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


@dataclass
class SpendTally:
    """Completions per developer and quarter (of completed_on), summed over chunks."""

    completions: np.ndarray  # [developer, quarter]

    def add(self, chunk: Chunk, tables: CourseTables) -> None:
        done = chunk.completed >= 0
        q_start, _ = quarter_days()
        quarter = np.searchsorted(q_start, chunk.completed[done], side="right") - 1
        developer = tables.developer[chunk.course[done]]
        flat = developer * len(QUARTERS) + quarter
        self.completions += np.bincount(flat, minlength=self.completions.size).reshape(
            self.completions.shape
        )


@dataclass
class LearnerSpans:
    """Per learner, over all chunks: the first day enrolled and the last day of any enrolment
    (enrolled, completed or withdrawn), -1 without enrolments; and per tracked course the first
    and last completion day (-1: none)."""

    first: np.ndarray
    last: np.ndarray
    first_done: np.ndarray  # [learner, tracked course]
    last_done: np.ndarray
    tracked: tuple[str, ...]
    column: np.ndarray  # course number -> its column in first_done and last_done, or -1

    @classmethod
    def start(cls, learners: int, course_ids: list[str], tracked: list[str]) -> LearnerSpans:
        kept = tuple(c for c in dict.fromkeys(tracked) if c in course_ids)
        column = np.full(len(course_ids), -1, dtype=np.int64)
        column[[course_ids.index(c) for c in kept]] = np.arange(len(kept))
        none = np.full((learners, len(kept)), -1, dtype=np.int64)
        return cls(
            np.full(learners, -1, dtype=np.int64),
            np.full(learners, -1, dtype=np.int64),
            none,
            none.copy(),
            kept,
            column,
        )

    def add(self, chunk: Chunk) -> None:
        """The rows of one chunk (its learners are in no other chunk, rows grouped by learner)."""
        if not len(chunk):
            return
        starts = np.flatnonzero(np.r_[True, chunk.learner[1:] != chunk.learner[:-1]])
        who = chunk.learner[starts]
        self.first[who] = np.minimum.reduceat(chunk.enrolled, starts)
        latest = np.maximum(chunk.enrolled, np.maximum(chunk.completed, chunk.withdrawn))
        self.last[who] = np.maximum.reduceat(latest, starts)
        column = self.column[chunk.course]
        done = np.flatnonzero((column >= 0) & (chunk.completed >= 0))
        at = (chunk.learner[done], column[done])
        day = chunk.completed[done]
        first = np.where(self.first_done < 0, np.iinfo(np.int64).max, self.first_done)
        np.minimum.at(first, at, day)
        self.first_done = np.where(first == np.iinfo(np.int64).max, -1, first)
        np.maximum.at(self.last_done, at, day)

    def completed(self, course: str) -> tuple[np.ndarray, np.ndarray]:
        """Each learner's first and last completion day of ``course`` (-1: none, or untracked)."""
        if course not in self.tracked:
            none = np.full(len(self.first), -1, dtype=np.int64)
            return none, none
        c = self.tracked.index(course)
        return self.first_done[:, c], self.last_done[:, c]
