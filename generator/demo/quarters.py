"""The demo's fiscal calendar: twelve quarters, FY2024 to FY2026, April to March.

Generated dates are day numbers counted from ``FIRST_DAY``; ``REPORT_DAY`` is the last day of
the data.
"""

from __future__ import annotations

import numpy as np

from generator.domain.periods import FiscalCalendar, Quarter

FISCAL_YEAR_START_MONTH = 4
CALENDAR = FiscalCalendar(FISCAL_YEAR_START_MONTH)
QUARTERS = CALENDAR.quarters_between(Quarter(2024, 1), Quarter(2026, 4))
FIRST_DAY = CALENDAR.first_day(QUARTERS[0])  # 2023-04-01
REPORT_DATE = CALENDAR.last_day(QUARTERS[-1])  # 2026-03-31: data ends on the last day
REPORT_DAY = (REPORT_DATE - FIRST_DAY).days


def quarter_days() -> tuple[np.ndarray, np.ndarray]:
    """The first day number and the length in days of each quarter."""
    starts = np.array([(CALENDAR.first_day(q) - FIRST_DAY).days for q in QUARTERS])
    lengths = np.array([(CALENDAR.last_day(q) - CALENDAR.first_day(q)).days + 1 for q in QUARTERS])
    return starts, lengths
