"""How a canonical value is read from an export's cell: the same rules for every adapter, for
config/project.yaml's ``values:`` and for both engines' checks."""

from __future__ import annotations

import pandas as pd


def clean_text(values: pd.Series) -> pd.Series:
    """Text stripped, with the cells that mean "no value" in LMS exports as missing."""
    text = values.astype("string").str.strip()
    return text.mask(text.isin(["", "-", "?", "NA", "N/A", "null", "NULL", "None", "nan"]))


def parse_dates(values: pd.Series, date_format: str | None) -> pd.Series:
    """Days: typed dates as they are (a zoned time its UTC day), text as ``date_format`` or
    ISO 8601; what does not parse is missing."""
    if pd.api.types.is_datetime64_any_dtype(values):
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_convert(None)
        return values.dt.normalize().astype("datetime64[s]")
    text = clean_text(values)
    parsed = pd.to_datetime(text, format=date_format or "ISO8601", errors="coerce")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(None)
    return parsed.dt.normalize().astype("datetime64[s]")


def parse_numbers(values: pd.Series) -> pd.Series:
    """Numbers: typed numbers as they are, text parsed; what does not parse is missing."""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    text = clean_text(values)
    return pd.to_numeric(text, errors="coerce").astype("float64")
