"""What is published: one decision per build, read by every output.

A static site cannot take back what it ships, so the figures about small groups are removed
before any page, chart, download or snapshot is made from them. ``publish`` takes the metric
tables and returns them with every hidden figure emptied and the reason kept beside it:

- **Who is behind a figure.** A figure is hidden when it is about fewer than
  ``min_group_size`` learners (but some): the enrolled learners for cohort figures (enrolments,
  completion, withdrawal and fail rates), the learners with a score for the average score, the
  graded ones for the pass rate, the completers for their time, those with both tests for the
  learning gain, the respondents for satisfaction, the completions for completions and cost per
  completion. Each of these is a *basis*; a metric belongs to one (catalog.Metric.basis).
- **Complementary suppression.** Where parts add up to a published total (the quarters of a
  fiscal year, the fiscal years of a course with runs (its runs add up to them), the departments
  or courses of the organisation, the courses of a developer or training manager, a course's
  departments, a department's courses), one hidden part would be
  the total minus the others; so the smallest other part is hidden too (or the total, when it
  has no other part), and again until no total has exactly one hidden part. Two hidden parts
  only reveal their sum.
- **Labels say why**: "fewer than 5 learners", or "hidden so a smaller group cannot be worked
  out" for a figure hidden to protect another.

Changes against the previous period are hidden when either period's figure is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.domain.catalog import BASES, METRICS
from generator.report.metrics import Metrics, Row

SHOWN, SMALL, COMPLEMENT = 0, 1, 2
# Bases counted in the period they happen in, not of the period's enrolled cohort: a small
# cohort does not hide them.
OWN_PERIOD = ("completions", "responses")
CODE_COLUMN = "__hidden_{}"  # per basis: SHOWN, SMALL or COMPLEMENT for each row


def reason(code: int, min_size: int) -> str:
    """The label of a hidden figure ("" for a shown one)."""
    if code == SMALL:
        return f"fewer than {min_size} learners"
    if code == COMPLEMENT:
        return "hidden so a smaller group cannot be worked out"
    return ""


def why_hidden(row: Row | None, metric: str, min_size: int) -> str:
    """Why ``metric`` of a published table's row is hidden ("" when it is shown)."""
    basis = METRICS[metric].basis if metric in METRICS else None
    if row is None or basis is None:
        return ""
    code = row.get(CODE_COLUMN.format(basis))
    return reason(int(code), min_size) if code is not None and code == code else ""


# --- the basis of each figure -------------------------------------------------------------------

# Columns of a metric table that belong to each basis (emptied with it), besides its metrics.
BASIS_COLUMNS: dict[str, tuple[str, ...]] = {
    "cohort": (
        "learners",
        "enrollments",
        "completed",
        "failed",
        "withdrawn",
        "open",
        "learning_hours",
    ),
    "completions": ("completions",),
    "scored": ("scored", "score_sum"),
    "graded": ("graded", "passed"),
    "completers": (),
    "gains": ("gain_learners", "gain_sum"),
    "responses": ("responses", "rating_sum"),
}


def basis_columns(basis: str) -> list[str]:
    return [*BASIS_COLUMNS[basis], *(m.name for m in METRICS.values() if m.basis == basis)]


def suppressed_cells(
    counts: Sequence[int], min_size: int, *, total_published: bool = True
) -> list[bool]:
    """Which cells of one breakdown whose total is published to hide (primary and
    complementary suppression): for a chart's bins, a course's runs."""
    hidden = [0 < n < min_size for n in counts]
    if total_published and sum(hidden) == 1:
        candidates = [(n, i) for i, n in enumerate(counts) if n > 0 and not hidden[i]]
        if candidates:
            hidden[min(candidates)[1]] = True
    return hidden


# --- partitions: parts that add up to a published total -----------------------------------------


NO_TOTAL, PUBLISHED_ELSEWHERE = -1, -2


@dataclass(frozen=True)
class Partition:
    """Groups of part rows (of ``parts``: "table" or "breakdown") and each group's total row of
    the metric table (NO_TOTAL: nothing to subtract from; PUBLISHED_ELSEWHERE: a total that is
    not in these tables but may be published)."""

    parts: str
    part_rows: np.ndarray
    group_of_part: np.ndarray
    total_rows: np.ndarray


def _partition(
    parts: str,
    frame: pd.DataFrame,
    mask: np.ndarray,
    keys: list[pd.Series],
    totals: dict,
    total: int = NO_TOTAL,
) -> Partition:
    """``frame``'s rows under ``mask`` grouped by ``keys``; ``totals`` maps a group's key tuple
    to its total's row in the metric table (else ``total``)."""
    rows = np.flatnonzero(mask)
    if len(rows) == 0:
        return Partition(parts, rows, rows, np.zeros(0, dtype=np.int64))
    key_frame = pd.DataFrame({i: k.to_numpy()[rows] for i, k in enumerate(keys)})
    codes, uniques = pd.MultiIndex.from_frame(key_frame).factorize()
    total_rows = np.array([totals.get(tuple(u), total) for u in uniques], dtype=np.int64)
    return Partition(parts, rows, codes.astype(np.int64), total_rows)


def _table_partitions(
    table: pd.DataFrame, breakdown: pd.DataFrame, courses: pd.DataFrame, runs: pd.DataFrame
) -> list[Partition]:
    position = {
        (s, m, p): i
        for i, (s, m, p) in enumerate(
            zip(
                table["scope"].astype(str),
                table["member"].astype(str),
                table["period"].astype(str),
                strict=True,
            )
        )
    }
    scope, member, period = (table[c].astype(str) for c in ("scope", "member", "period"))
    quarter = (table["period_kind"] == "quarter").to_numpy()
    year_label = "FY" + table["fiscal_year"].astype(str)
    partitions = [
        # the quarters of a fiscal year add up to the year
        _partition(
            "table",
            table,
            quarter,
            [scope, member, year_label],
            {k: i for k, i in position.items()},
        ),
    ]
    org = {(p,): i for (s, m, p), i in position.items() if s == "org"}
    for level in ("department", "course", "developer", "training_manager"):
        # a level's members add up to the organisation (enrolments: each in one course, etc.)
        partitions.append(_partition("table", table, (scope == level).to_numpy(), [period], org))
    of_course = courses.set_index("course_id")
    is_course = (scope == "course").to_numpy()
    for level in ("developer", "training_manager"):
        # a developer's (training manager's) courses add up to theirs
        owner = member.map(of_course[level].astype(str)).fillna("")
        totals = {(o, p): i for (s, o, p), i in position.items() if s == level}
        partitions.append(_partition("table", table, is_course, [owner, period], totals))
    if not runs.empty:
        # a course's runs (published on its page) add up to all its fiscal years
        with_runs = member.isin(set(runs["course_id"].astype(str))).to_numpy()
        years = is_course & ~quarter & with_runs
        partitions.append(
            _partition("table", table, years, [member], {}, total=PUBLISHED_ELSEWHERE)
        )
    if not breakdown.empty:
        course, department = breakdown["course_id"].astype(str), breakdown["department"].astype(str)
        b_period = breakdown["period"].astype(str)
        every = np.ones(len(breakdown), dtype=bool)
        # a course's departments add up to the course; a department's courses to it
        course_totals = {(m, p): i for (s, m, p), i in position.items() if s == "course"}
        department_totals = {(m, p): i for (s, m, p), i in position.items() if s == "department"}
        partitions.append(
            _partition("breakdown", breakdown, every, [course, b_period], course_totals)
        )
        partitions.append(
            _partition("breakdown", breakdown, every, [department, b_period], department_totals)
        )
    return partitions


# --- the decision ---------------------------------------------------------------------------------


def decide(
    frames: dict[str, pd.DataFrame],
    partitions: list[Partition],
    min_size: int,
    primary_columns: dict[str, dict[str, str]],
) -> dict[str, dict[str, np.ndarray]]:
    """Per frame and basis, each row's code: SMALL when fewer than ``min_size`` learners (but
    some) are behind it (``primary_columns[frame][basis]`` counts them; a small cohort hides
    every basis of its row but completions), then COMPLEMENT until every partition whose total
    is shown has no part alone in being hidden."""
    codes: dict[str, dict[str, np.ndarray]] = {}
    counts: dict[str, dict[str, np.ndarray]] = {}
    for name, frame in frames.items():
        codes[name], counts[name] = {}, {}
        cohort = _counts(frame, primary_columns[name]["cohort"])
        small_cohort = (cohort > 0) & (cohort < min_size)
        for basis, (_, additive) in BASES.items():
            primary = _counts(frame, primary_columns[name].get(basis, BASES[basis][0]))
            code = np.where((primary > 0) & (primary < min_size), SMALL, SHOWN).astype(np.int8)
            if basis not in OWN_PERIOD:
                code[small_cohort & (primary > 0)] = SMALL
            codes[name][basis] = code
            counts[name][basis] = _counts(frame, additive)
    changed = True
    while changed:
        changed = False
        for partition in partitions:
            for basis in BASES:
                changed |= _complement(partition, codes, counts, basis)
    return codes


def _counts(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.zeros(len(frame), dtype=np.int64)
    return pd.to_numeric(frame[column], errors="coerce").fillna(0).to_numpy(dtype=np.int64)


def _complement(
    partition: Partition,
    codes: dict[str, dict[str, np.ndarray]],
    counts: dict[str, dict[str, np.ndarray]],
    basis: str,
) -> bool:
    """Hide the smallest shown part of each group whose shown total has one hidden part (or
    the total, when no other part has learners)."""
    if len(partition.part_rows) == 0:
        return False
    part_code = codes[partition.parts][basis]
    part_count = counts[partition.parts][basis][partition.part_rows]
    hidden = (part_code[partition.part_rows] != SHOWN) & (part_count > 0)
    groups = len(partition.total_rows)
    alone = np.bincount(partition.group_of_part, weights=hidden, minlength=groups) == 1
    totals = partition.total_rows
    shown_total = totals == PUBLISHED_ELSEWHERE
    has_total = totals >= 0
    shown_total[has_total] = codes["table"][basis][totals[has_total]] == SHOWN
    todo = np.flatnonzero(alone & shown_total)
    if len(todo) == 0:
        return False
    in_todo = np.isin(partition.group_of_part, todo)
    total_code = codes["table"][basis]
    # The smallest candidate of each group: candidates sorted by group, then count.
    at = np.flatnonzero(in_todo & ~hidden & (part_count > 0))
    at = at[np.lexsort((part_count[at], partition.group_of_part[at]))]
    groups_with, first = np.unique(partition.group_of_part[at], return_index=True)
    part_code[partition.part_rows[at[first]]] = COMPLEMENT
    # No other part to hide (a developer with one course): the total is the part, hide it.
    alone_total = np.setdiff1d(todo, groups_with)
    alone_total = alone_total[totals[alone_total] >= 0]
    total_code[totals[alone_total]] = COMPLEMENT
    changed = bool(len(groups_with) or len(alone_total))
    return changed


# --- the published tables -------------------------------------------------------------------------


def publish(metrics: Metrics, courses: pd.DataFrame, min_size: int) -> Metrics:
    """``metrics`` with every hidden figure emptied (NaN) and, per basis, a code column saying
    why (CODE_COLUMN); the tables every output reads. ``courses``: course_id, developer,
    training_manager."""
    table, breakdown = metrics.table, metrics.breakdown
    codes = decide(
        {"table": table, "breakdown": breakdown},
        _table_partitions(table, breakdown, courses, metrics.offerings),
        min_size,
        {"table": {"cohort": "learners"}, "breakdown": {"cohort": "enrollments"}},
    )
    published = _emptied(table, codes["table"])
    published = _changes_hidden(published, codes["table"], metrics)
    return dataclasses.replace(
        metrics,
        table=published,
        breakdown=_emptied(breakdown, codes["breakdown"]),
        unpublished_breakdown=breakdown,
    )


def publish_rollup(frame: pd.DataFrame, min_size: int) -> pd.DataFrame:
    """A table of members × periods made for one use (a goal over some courses), published
    like the metric tables: its quarters add up to its years, and its members to a total that
    may be published elsewhere."""
    period = frame["period"].astype(str)
    is_quarter = ~period.str.startswith("FY").to_numpy()
    year = "FY" + period.str[:4]
    member = frame["member"].astype(str)
    years = {
        (m, p): i for i, (m, p) in enumerate(zip(member, period, strict=True)) if p.startswith("FY")
    }
    every = np.ones(len(frame), dtype=bool)
    members = _partition("table", frame, every, [period], {})
    partitions = [
        _partition("table", frame, is_quarter, [member, year], years),
        dataclasses.replace(
            members, total_rows=np.full(len(members.total_rows), PUBLISHED_ELSEWHERE)
        ),
    ]
    codes = decide({"table": frame}, partitions, min_size, {"table": {"cohort": "learners"}})
    return _emptied(frame, codes["table"])


def _emptied(frame: pd.DataFrame, codes: dict[str, np.ndarray]) -> pd.DataFrame:
    frame = frame.copy()
    for basis, code in codes.items():
        hide = code != SHOWN
        frame[CODE_COLUMN.format(basis)] = code
        for column in basis_columns(basis):
            if column in frame and hide.any():
                frame[column] = frame[column].astype("float64").where(~hide)
    return frame


def _changes_hidden(
    table: pd.DataFrame, codes: dict[str, np.ndarray], metrics: Metrics
) -> pd.DataFrame:
    """Empty ``<m>__prev`` and ``<m>__change`` where this or the compared period's ``m`` is
    hidden; a year to date is compared with quarters of the year before, any of which hidden
    hides the change (their sum would give away the rest of that year)."""
    compared = _compared_rows(table, metrics.year_to_date)
    for basis, code in codes.items():
        hide = code != SHOWN
        for rows, before in compared:
            found = before >= 0
            hide[rows[found]] |= code[before[found]] != SHOWN
        if not hide.any():
            continue
        for column in basis_columns(basis):
            for suffix in ("__prev", "__change"):
                if column + suffix in table:
                    table[column + suffix] = table[column + suffix].astype("float64").where(~hide)
    return table


def _compared_rows(
    table: pd.DataFrame, to_date: dict[str, str]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(rows, the row each is compared with, -1 for none) for every compared period."""
    scope, member, period = (table[c].astype(str).to_numpy() for c in ("scope", "member", "period"))
    index = pd.MultiIndex.from_arrays([scope, member, period])
    pairs = []
    for label in pd.unique(period):
        rows = np.flatnonzero(period == label)
        for before in _compared_period(label, to_date):
            looked_up = index.get_indexer(
                pd.MultiIndex.from_arrays([scope[rows], member[rows], [before] * len(rows)])
            )
            pairs.append((rows, looked_up))
    return pairs


def _compared_period(period: str, to_date: dict[str, str]) -> list[str]:
    """The rows a period's change is computed from: the previous quarter or year, or for a
    year to date every quarter of the year before."""
    if period.startswith("FY"):
        year = int(period[2:]) - 1
        if period in to_date:
            return [f"{year}-Q{n}" for n in range(1, 5)] + [f"FY{year}"]
        return [f"FY{year}"]
    year, number = (int(x) for x in period.split("-Q"))
    return [f"{year}-Q{number - 1}" if number > 1 else f"{year - 1}-Q4"]
