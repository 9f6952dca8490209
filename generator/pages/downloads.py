"""CSV downloads: the rows of a table that never was a frame, and CSV text a spreadsheet opens
safely."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from generator.pages.formatting import is_missing


@dataclass(frozen=True)
class Records:
    """Rows for a download that never were a frame (goal results, findings), written as they
    are: a DataFrame built only to be written out again would cost more than the page."""

    columns: list[str]
    rows: list[dict[str, Any]]


def csv_text(table: pd.DataFrame | Records) -> str:
    """CSV a spreadsheet opens safely: formula-like text cells are prefixed with an apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    if isinstance(table, Records):
        writer.writerows([_csv_cell(row.get(c)) for c in table.columns] for row in table.rows)
        return buffer.getvalue()
    # Column by column through tolist(): iterating the rows of Arrow-backed columns is slow.
    columns = [_csv_column(table.iloc[:, i]) for i in range(table.shape[1])]
    writer.writerows(zip(*columns, strict=True))
    return buffer.getvalue()


def _csv_column(column: pd.Series) -> list[object]:
    """The cells of a column as ``_csv_cell`` makes them; numbers without a check per cell."""
    kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else ""
    if kind and kind in "iub":
        return column.tolist()
    if kind == "f":
        return ["" if v != v else round(v, 6) for v in column.tolist()]
    return [_csv_cell(v) for v in column.tolist()]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would run


def _csv_cell(value: object) -> object:
    if isinstance(value, str):  # most cells; is_missing only for text that could read "nan"
        if value[:1] in FORMULA_STARTS:
            return "'" + value
        return "" if len(value.strip()) <= 4 and is_missing(value) else value  # "+nan" at most
    if is_missing(value):
        return ""
    if isinstance(value, float):
        return round(value, 6)
    return value
