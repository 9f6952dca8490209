"""How a canonical value is read from an export's cell: the same rules for every adapter, for
config/project.yaml's ``values:`` and for both engines' checks."""

from __future__ import annotations

import re

import pandas as pd

# Cells that mean "no value" where an id, date, number or status is expected (Moodle "-",
# OULAD "?", Canvas "N/A", R's "NA"). Names are different: a department may be called "NA"
# (North America) or "None", so there only an empty cell is missing (``clean_names``). An id
# "NA" stays missing: read as an id, every such row would be one learner.
MISSING_MARKERS = ("", "-", "?", "NA", "N/A", "null", "NULL", "None", "nan")
NAME_KINDS = ("text",)  # the canonical kinds (domain.tables) that hold names

# An ISO 8601 time with a UTC offset ("T10:00:00+02:00", " 10:00Z"): the offset is dropped, so
# the day is the local calendar date the export shows (and a column may mix zones and none).
# The UTC offset ending a time (kept: the time before it); the same pattern in Java's regex
# syntax for the Spark engine (ingest/spark/normalise.py).
UTC_OFFSET_PATTERN = r"([T ]\d{2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$"
# The offset a date_format's %z reads, at the end of the text.
TRAILING_OFFSET_PATTERN = r"\s*(?:Z|[+-]\d{2}:?\d{2})$"
_UTC_OFFSET = re.compile(UTC_OFFSET_PATTERN)


def clean_text(values: pd.Series) -> pd.Series:
    """Text stripped, with the cells that mean "no value" in LMS exports as missing."""
    text = values.astype("string").str.strip()
    return text.mask(text.isin(MISSING_MARKERS))


def clean_names(values: pd.Series) -> pd.Series:
    """Names stripped; only an empty cell is missing ("NA" is a department's name)."""
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def clean_cells(values: pd.Series, kind: str) -> pd.Series:
    """``clean_names`` for a canonical name column, ``clean_text`` for any other."""
    return clean_names(values) if kind in NAME_KINDS else clean_text(values)


def parse_dates(values: pd.Series, date_format: str | None) -> pd.Series:
    """Days: typed dates as they are (a zoned time its UTC day), text as ``date_format`` or
    ISO 8601, a time with a UTC offset on its local calendar date (2025-03-01T00:30+02:00 is
    1 March); what does not parse is missing."""
    if pd.api.types.is_datetime64_any_dtype(values):
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_convert(None)
        return values.dt.normalize().astype("datetime64[s]")
    text = clean_text(values)
    if not date_format:
        text = local_times(text)
    try:
        parsed = pd.to_datetime(text, format=date_format or "ISO8601", errors="coerce")
    except ValueError:  # a date_format with %z over mixed offsets: each value on its own
        parsed = pd.Series(
            [_local(pd.to_datetime(v, format=date_format, errors="coerce")) for v in text],
            index=text.index,
            dtype="datetime64[s]",
        )
    if getattr(parsed.dt, "tz", None) is not None:  # a date_format with %z
        parsed = parsed.dt.tz_localize(None)
    return parsed.dt.normalize().astype("datetime64[s]")


def _local(stamp: pd.Timestamp) -> pd.Timestamp:
    """A parsed time as the local time it was written in (its zone dropped)."""
    return stamp if pd.isna(stamp) or stamp.tzinfo is None else stamp.tz_localize(None)


def local_times(text: pd.Series) -> pd.Series:
    """ISO 8601 text without its UTC offsets: each time as the local time it was written in."""
    return text.str.replace(_UTC_OFFSET, r"\1", regex=True)


def parse_numbers(values: pd.Series) -> pd.Series:
    """Numbers: typed numbers as they are, text parsed; what does not parse is missing."""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    text = clean_text(values)
    return pd.to_numeric(text, errors="coerce").astype("float64")


def plain_number(value: float) -> str:
    """A figure without a unit as a sentence reads it: 45,000 (not 4.5e+04), 12.5, 0.375."""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.4g}"
