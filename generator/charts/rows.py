"""A chart's rows from a frame: plain Python values, JSON-safe, in a stable order.

Callers pass aggregates, never learner rows; a suppressed figure arrives as NaN/None and
becomes ``None`` (not drawn).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import pandas as pd

# What a chart is drawn from: a frame, or columns as lists (a page's few rows need no frame).
Columns: TypeAlias = pd.DataFrame | Mapping[str, Sequence[Any]]


def _clean(value: Any, digits: int = 6) -> Any:
    """A JSON-safe scalar: numpy → Python, NaN/NA → None, floats rounded for stable diffs."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, int | float | str):
        value = value.item()  # a numpy scalar left in an object column
    if isinstance(value, float):
        if value != value or math.isinf(value):  # NaN: a suppressed or missing figure
            return None
        rounded = round(value, digits)
        return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded
    return value


def _require(frame: Columns, columns: Sequence[str], chart: str) -> None:
    have = list(frame.columns if isinstance(frame, pd.DataFrame) else frame)
    missing = [c for c in columns if c not in have]
    if missing:
        raise ValueError(
            f"{chart}: frame lacks column(s) {', '.join(missing)}; "
            f"it has: {', '.join(map(str, have)) or 'none'}"
        )


def _records(frame: Columns, columns: Mapping[str, str]) -> list[dict[str, Any]]:
    """Rows as dicts renamed source→target, values cleaned, in frame order."""
    # Column-wise tolist() hands back Python scalars; much faster than row iteration.
    names = list(columns.values())
    values = [[_clean(v) for v in _column_list(frame[source])] for source in columns]
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


def _column_list(column: Any) -> list[Any]:
    return column.tolist() if hasattr(column, "tolist") else list(column)


def _sort_key(value: Any) -> tuple[int, Any]:
    """Sorts None last and mixed types stably."""
    if value is None:
        return (2, "")
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value))
