"""Small-group suppression for published breakdowns.

Primary suppression hides any figure about fewer than ``min_size`` learners (but more than
none). Complementary suppression: when a breakdown's total is published, one hidden cell could
be recovered by subtracting the visible cells from the total, so the smallest other non-empty
cell is hidden too. Two hidden cells only reveal their sum.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def primary(counts: Sequence[int], min_size: int) -> list[bool]:
    return [0 < n < min_size for n in counts]


def suppressed_cells(
    counts: Sequence[int], min_size: int, *, total_published: bool = True
) -> list[bool]:
    """Which cells of a breakdown to hide (primary plus complementary suppression)."""
    hidden = primary(counts, min_size)
    if total_published and sum(hidden) == 1:
        candidates = [(n, i) for i, n in enumerate(counts) if n > 0 and not hidden[i]]
        if candidates:
            hidden[min(candidates)[1]] = True
    return hidden


def hidden_rows(table: pd.DataFrame, min_size: int) -> list[bool]:
    """Rows of a metric table (scope, member, period, fiscal_year, period_kind, learners,
    enrollments) whose learner figures must be hidden. The quarters of a fiscal year add up
    to the year, so a year with one small quarter hides its next-smallest quarter too."""
    hidden = [0 < int(n) < min_size for n in table["learners"]]
    position = {index: i for i, index in enumerate(table.index)}
    quarters = table[table["period_kind"] == "quarter"]
    for _, group in quarters.groupby(["scope", "member", "fiscal_year"], sort=False):
        rows = [position[i] for i in group.index]
        if sum(hidden[r] for r in rows) != 1:
            continue
        flags = suppressed_cells([int(n) for n in group["enrollments"]], min_size)
        for r, flag in zip(rows, flags, strict=True):
            hidden[r] = hidden[r] or flag
    return hidden
