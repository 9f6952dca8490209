"""The checks of the HR roster and the business KPI tables, beyond each column's own.

``canonical.normalise`` calls them once every column is parsed; the Spark engine's normalise
(generator/ingest/spark/normalise.py) gives the same reasons, in the same order, from the same
texts here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from generator.domain.tables import PERIOD_PATTERN
from generator.ingest.coded import Coded, encode

# In the order a row is checked: the first that holds rejects it.
LEFT_BEFORE_HIRED = "left before hired"
LEAVING_WITHOUT_LEFT_ON = "leaving reason without left_on"
EFFECTIVE_BEFORE_HIRED = "effective before hired"
PERIOD_NOT_FISCAL = "period is not a fiscal quarter (2026-Q1) or year (FY2026)"

# normalise's reject: the rows of a mask over all rows (None: none), with the reason.
Reject = Callable[[np.ndarray | None, str], None]


def check_roster(columns: dict[str, Coded], dates: dict[str, np.ndarray], reject: Reject) -> None:
    """Reject rows whose dates contradict each other; an empty effective_on becomes the row's
    hired_on, in ``dates`` (the rows loaded) and in ``columns`` (the key duplicates are merged
    on: the day, as Spark compares it, not the text it was written as)."""
    hired, left, effective = dates["hired_on"], dates["left_on"], dates["effective_on"]
    reject(left < hired, LEFT_BEFORE_HIRED)
    leaving = columns["leaving"].where(columns["leaving"].values.notna())
    if leaving is not None:
        reject(leaving & np.isnat(left), LEAVING_WITHOUT_LEFT_ON)
    reject(effective < hired, EFFECTIVE_BEFORE_HIRED)
    filled = np.where(np.isnat(effective), hired, effective)
    dates["effective_on"] = filled
    columns["effective_on"] = encode(pd.Series(filled, copy=False))


def check_kpis(columns: dict[str, Coded], reject: Reject) -> None:
    """A period that is no fiscal quarter or year label is rejected (an infinite value is
    rejected for every number column, in normalise)."""
    period = columns["period"]
    text = period.values.astype("string")
    reject(
        period.where(text.notna() & ~text.str.match(PERIOD_PATTERN, na=False)), PERIOD_NOT_FISCAL
    )
