"""Small-group suppression for published breakdowns.

Primary suppression hides any figure about fewer than ``min_size`` learners (but more than
none). Complementary suppression: when a breakdown's total is published, one hidden cell could
be recovered by subtracting the visible cells from the total, so the smallest other non-empty
cell is hidden too. Two hidden cells only reveal their sum.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
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
    learners = table["learners"].to_numpy(dtype="int64")
    hidden = (learners > 0) & (learners < min_size)
    quarter = (table["period_kind"] == "quarter").to_numpy()
    keys = [table[k].to_numpy()[quarter] for k in ("scope", "member", "fiscal_year")]
    positions = np.flatnonzero(quarter)
    # Only a year with exactly one hidden quarter needs a second one hidden.
    hidden_in_year = pd.Series(hidden[quarter]).groupby(keys, sort=False).transform("sum")
    single = (hidden_in_year == 1).to_numpy()
    if single.any():
        enrollments = table["enrollments"].to_numpy(dtype="int64")
        years = pd.Series(positions[single]).groupby([k[single] for k in keys], sort=False)
        for rows in years.indices.values():
            at = positions[single][rows]
            flags = suppressed_cells(enrollments[at].tolist(), min_size)
            hidden[at] |= np.array(flags, dtype=bool)
    return hidden.tolist()
