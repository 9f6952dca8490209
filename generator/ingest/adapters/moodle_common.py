"""What the Moodle readers (moodle.py, moodle_logs.py) share: reading an export's delimited
text and parsing the dates and times Moodle writes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from generator.config import Source
from generator.ingest.exports import parse_datetimes
from generator.ingest.textfile import read_delimited

# strftimedatetimeshort and friends, as Moodle writes them in English (day without leading 0).
MOODLE_DATETIMES = (
    "%d/%m/%y, %H:%M",
    "%d/%m/%y, %H:%M:%S",
    "%d/%m/%Y, %H:%M",
    "%d/%m/%Y, %H:%M:%S",
    "%A, %d %B %Y, %I:%M %p",
    "%d %B %Y, %I:%M %p",
    "%d %B %Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
)


def read_export(source: Source, path: Path, shown: str) -> pd.DataFrame:
    return read_delimited(path, shown, encoding=source.encoding, delimiter=source.delimiter)


def moodle_dates(values: pd.Series, source: Source) -> pd.Series:
    """Dates and times in the source's date_format, else in one of Moodle's own forms."""
    formats = ((source.date_format,) if source.date_format else ()) + MOODLE_DATETIMES
    return parse_datetimes(values, formats)
