"""The fiscal calendar: quarters and years of an organisation's fiscal year.

A fiscal year is named by the calendar year it ends in (FY2026 with a July start runs from
July 2025 to June 2026); with a January start it is the calendar year. Quarter labels are
``2026-Q1`` .. ``2026-Q4`` and sort as strings in time order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import MAXYEAR, date, timedelta

QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")
YEAR_RE = re.compile(r"^FY(\d{4})$")


@dataclass(frozen=True, order=True)
class Quarter:
    fiscal_year: int
    number: int

    @property
    def label(self) -> str:
        return f"{self.fiscal_year:04d}-Q{self.number}"

    def __str__(self) -> str:
        return self.label

    def next(self) -> Quarter:
        return Quarter(self.fiscal_year + self.number // 4, self.number % 4 + 1)

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.fiscal_year - 1, 4)
        return Quarter(self.fiscal_year, self.number - 1)


@dataclass(frozen=True)
class FiscalCalendar:
    start_month: int = 1

    def quarter_of(self, day: date) -> Quarter:
        shifted = (day.month - self.start_month) % 12
        year = day.year + (1 if self.start_month != 1 and day.month >= self.start_month else 0)
        return Quarter(year, shifted // 3 + 1)

    def first_day(self, quarter: Quarter) -> date:
        month0 = (self.start_month - 1) + (quarter.number - 1) * 3  # months after Jan of start year
        start_year = quarter.fiscal_year - (1 if self.start_month != 1 else 0)
        return date(start_year + month0 // 12, month0 % 12 + 1, 1)

    def last_day(self, quarter: Quarter) -> date:
        return self.first_day(quarter.next()) - timedelta(days=1)

    def last_complete_quarter_end(self, day: date) -> date:
        """The last day of the latest quarter that has ended on or before ``day``."""
        quarter = self.quarter_of(day)
        if self.last_day(quarter) == day:
            return day
        return self.last_day(quarter.previous())

    def span(self, label: str) -> tuple[date, date] | None:
        """The first and last day of a quarter (2026-Q2) or fiscal year (FY2026) label; None
        for a label that is neither."""
        quarter = parse_quarter(label)
        if quarter is not None:
            return self.first_day(quarter), self.last_day(quarter)
        year = parse_fiscal_year(label)
        if year is None:
            return None
        return self.first_day(Quarter(year, 1)), self.last_day(Quarter(year, 4))

    def quarters_between(self, first: Quarter, last: Quarter) -> list[Quarter]:
        result, current = [], first
        while current <= last:
            result.append(current)
            current = current.next()
        return result


def parse_quarter(text: str) -> Quarter | None:
    match = QUARTER_RE.match(text.strip())
    return Quarter(int(match.group(1)), int(match.group(2))) if match else None


# The days a date of the report (report_date, --as-of, a snapshot's quarter) or of the data can
# plausibly be on, by default: from 1990 to a year after today. A date outside is a typo, and one
# such as 9999-12-31 would make a page per quarter for eight millennia. project.yaml's
# plausible_dates sets other bounds (ProjectFile.plausible_dates).
PLAUSIBLE_FROM = date(1990, 1, 1)
PLAUSIBLE_YEARS_AHEAD = 1
# An open action due within this many days of a report date is "due" (diff, digest).
DUE_WITHIN_DAYS = 14


def plausible_window(
    today: date, first: date = PLAUSIBLE_FROM, years_ahead: int = PLAUSIBLE_YEARS_AHEAD
) -> tuple[date, date]:
    """The first and the last plausible day: ``first``, and ``years_ahead`` years after today."""
    year = min(today.year + years_ahead, MAXYEAR)
    try:
        return first, today.replace(year=year)
    except ValueError:  # 29 February, into a year that has none
        return first, date(year, 2, 28)


def last_day_clamped(calendar: FiscalCalendar, quarter: Quarter) -> date:
    """The quarter's last day; date.max or date.min for a quarter beyond the dates Python has
    (9999-Q4, 0000-Q1), so that it can be compared with plausible dates."""
    try:
        return calendar.last_day(quarter)
    except (ValueError, OverflowError):
        return date.max if quarter.fiscal_year > MAXYEAR // 2 else date.min


# What a report is computed as of: a day, or a fiscal quarter (its last day in the project's
# calendar). The command line's --as-of is parsed into one at the edge (parse_report_date).
ReportDate = date | Quarter


def parse_report_date(text: str) -> ReportDate:
    """A date (2025-09-30) or a fiscal quarter (2025-Q2); ValueError names both forms."""
    quarter = parse_quarter(text)
    if quarter is not None:
        return quarter
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"'{text}' is neither a date (2025-12-31) nor a fiscal quarter (2025-Q3)"
        ) from None


def parse_fiscal_year(text: str) -> int | None:
    match = YEAR_RE.match(text.strip())
    return int(match.group(1)) if match else None


def chronological_key(label: str) -> tuple[int, int]:
    """Sorts quarter and fiscal-year labels in time, a fiscal year just before its Q1 (so a
    newest-first list shows it after its quarters)."""
    quarter = parse_quarter(label)
    if quarter is not None:
        return quarter.fiscal_year, quarter.number
    return parse_fiscal_year(label) or 0, 0


def counted_on(calendar: FiscalCalendar, report_date: date) -> Callable[[str], date | None]:
    """A period label (2026-Q1 or FY2026) -> the day a stock such as the headcount is counted on
    for it: its last day, or the report date in a period under way; None for a period that
    starts after the report date (or a label that is neither)."""

    def day(label: str) -> date | None:
        quarter = parse_quarter(label)
        if quarter is not None:
            first, last = quarter, quarter
        else:
            year = parse_fiscal_year(label)
            if year is None:
                return None
            first, last = Quarter(year, 1), Quarter(year, 4)
        if calendar.first_day(first) > report_date:
            return None
        return min(calendar.last_day(last), report_date)

    return day
