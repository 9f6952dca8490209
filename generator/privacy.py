"""Small-group suppression for published breakdowns.

Primary suppression hides any figure about fewer than ``min_size`` learners (but more than
none). Complementary suppression: when a breakdown's total is published, one hidden cell could
be recovered by subtracting the visible cells from the total, so the smallest other non-empty
cell is hidden too. Two hidden cells only reveal their sum.
"""

from __future__ import annotations

from collections.abc import Sequence


def primary(counts: Sequence[int], min_size: int) -> list[bool]:
    return [0 < n < min_size for n in counts]


def suppressed_cells(counts: Sequence[int], min_size: int, *, total_published: bool = True) -> list[bool]:
    """Which cells of a breakdown to hide (primary plus complementary suppression)."""
    hidden = primary(counts, min_size)
    if total_published and sum(hidden) == 1:
        candidates = [(n, i) for i, n in enumerate(counts) if n > 0 and not hidden[i]]
        if candidates:
            hidden[min(candidates)[1]] = True
    return hidden
