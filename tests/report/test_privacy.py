"""Suppression of small groups, primary and complementary."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from generator.report.privacy import suppressed_cells


def test_a_single_small_cell_takes_the_next_smallest_with_it() -> None:
    assert suppressed_cells([40, 3, 12, 7], 5) == [False, True, False, True]


def test_two_small_cells_protect_each_other() -> None:
    assert suppressed_cells([40, 3, 2, 7], 5) == [False, True, True, False]


def test_zero_cells_are_not_a_complement() -> None:
    assert suppressed_cells([0, 3, 9, 0], 5) == [False, True, True, False]


def test_without_a_published_total_only_small_cells_hide() -> None:
    assert suppressed_cells([40, 3, 12], 5, total_published=False) == [False, True, False]


@given(st.lists(st.integers(0, 50), min_size=1, max_size=12), st.integers(1, 10))
def test_no_hidden_cell_can_be_recovered_from_the_total(counts: list[int], min_size: int) -> None:
    hidden = suppressed_cells(counts, min_size)
    for n, h in zip(counts, hidden, strict=True):
        if 0 < n < min_size:
            assert h  # every small cell is hidden
    if any(hidden):
        # the total minus the visible cells is the sum of at least two hidden cells, or of
        # one hidden cell when no other non-empty cell exists (then the total is small too)
        nonzero_hidden = [n for n, h in zip(counts, hidden, strict=True) if h and n > 0]
        others = [n for n, h in zip(counts, hidden, strict=True) if not h and n > 0]
        assert len(nonzero_hidden) >= 2 or not others


def test_a_second_quarter_hides_only_where_one_quarter_of_a_year_is_small() -> None:
    from generator.report.privacy import COMPLEMENT, SHOWN, SMALL, _partition, decide

    rows = [
        # member, period, learners (= enrolments)
        ("A", "2025-Q1", 3),  # small: hidden
        ("A", "2025-Q2", 40),
        ("A", "2025-Q3", 12),  # next-smallest: hidden with it
        ("A", "FY2025", 55),
        ("B", "2025-Q1", 2),  # two small quarters: nothing more
        ("B", "2025-Q2", 4),
        ("B", "2025-Q3", 30),
        ("B", "FY2025", 4),  # a small year row is hidden itself
        ("A", "2026-Q1", 20),  # another year of A: untouched
        ("A", "2026-Q2", 0),  # nobody: nothing to hide
        ("A", "FY2026", 20),
    ]
    table = pd.DataFrame(rows, columns=["member", "period", "learners"])
    table["enrollments"] = table["learners"]
    quarter = ~table["period"].str.startswith("FY")
    year = "FY" + table["period"].str[:4]
    totals = {
        (m, p): i for i, (m, p) in enumerate(zip(table["member"], table["period"], strict=True))
    }
    partition = _partition("table", table, quarter.to_numpy(), [table["member"], year], totals)
    codes = decide({"table": table}, [partition], 5, {"table": {"cohort": "learners"}})
    assert codes["table"]["cohort"].tolist() == [
        SMALL, SHOWN, COMPLEMENT, SHOWN, SMALL, SMALL, SHOWN, SMALL, SHOWN, SHOWN, SHOWN,
    ]  # fmt: skip
