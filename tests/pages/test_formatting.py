"""``is_missing`` answers as ``math.isnan(float(value))`` would, without its exceptions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from generator.pages.formatting import is_missing


def _by_float(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


@pytest.mark.parametrize(
    "value",
    [None, 0, 1, True, 1.5, float("nan"), float("inf"), np.nan, np.float32("nan"),
     np.float64(2.0), np.int64(3), "nan", " NaN ", "+nan", "-NAN", "nan_", "n a n", "x", "",
     "1.5", "inf", pd.NA, pd.NaT, []],
)  # fmt: skip
def test_is_missing_agrees_with_float(value: object) -> None:
    assert is_missing(value) == _by_float(value)


def test_is_missing_cases_that_matter() -> None:
    assert is_missing(None) and is_missing(float("nan")) and is_missing(np.nan)
    assert not is_missing(0) and not is_missing("course-1") and not is_missing(0.0)


def test_csv_cells_are_safe_and_blank_where_missing() -> None:
    from generator.pages.downloads import csv_text

    frame = pd.DataFrame(
        {
            "text": ["=SUM(A1)", "-1", "nan", " NaN ", "banana", "Nancy", None],
            "mixed": [1.23456789, float("nan"), "fewer than 5", 3, np.str_("@x"), "", "-nan"],
        }
    )
    lines = csv_text(frame).splitlines()
    assert lines == [
        "text,mixed",
        "'=SUM(A1),1.234568",
        "'-1,",
        ",fewer than 5",
        ",3",
        "banana,'@x",
        "Nancy,",
        ",'-nan",
    ]


def test_a_plain_figure_never_reads_in_scientific_notation() -> None:
    from generator.domain.values import plain_number

    assert [plain_number(v) for v in (45000.0, 1234.56, 12.5, 0.375, -2500.0)] == [
        "45,000",
        "1,235",
        "12.5",
        "0.375",
        "-2,500",
    ]
