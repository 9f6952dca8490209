"""Report dates from the command line: a day or a fiscal quarter, typed at the edge."""

from __future__ import annotations

from datetime import date

import pytest

from generator.domain.periods import FiscalCalendar, Quarter, parse_report_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-Q3", Quarter(2025, 3)),
        (" 2026-Q1 ", Quarter(2026, 1)),
        ("2025-09-30", date(2025, 9, 30)),
    ],
)
def test_a_report_date_is_a_day_or_a_quarter(text: str, expected: object) -> None:
    assert parse_report_date(text) == expected


@pytest.mark.parametrize("text", ["2025-13-45", "Q3", "2025-Q5", "last quarter", ""])
def test_anything_else_names_both_forms(text: str) -> None:
    with pytest.raises(ValueError, match=r"neither a date \(2025-12-31\) nor a fiscal quarter"):
        parse_report_date(text)


def test_a_quarter_ends_on_its_last_day_in_the_fiscal_calendar() -> None:
    """With an April start, fiscal year 2026 runs from April 2025 to March 2026."""
    april = FiscalCalendar(start_month=4)
    assert april.last_day(Quarter(2026, 1)) == date(2025, 6, 30)
    assert april.last_day(Quarter(2026, 4)) == date(2026, 3, 31)
    assert april.quarter_of(date(2025, 6, 30)) == Quarter(2026, 1)
