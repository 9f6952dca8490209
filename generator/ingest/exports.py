"""Helpers shared by the LMS adapters: finding columns, locale numbers, dates, and accounting.

An adapter returns raw canonical frames; what it learned while reading (rows it had to drop,
rows it folded into one, notes for the data-quality page) travels in ``frame.attrs``:
``rows_read``, ``rejected`` and ``merges`` = {reason: (count, first lines)}, ``merged`` (all rows
merged, with or without a reason), ``notes``, and for a folder ``files`` (canonical.Files).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from generator.config import Source
from generator.domain.errors import Problem, ProblemsFound, did_you_mean
from generator.ingest.canonical import FILES, FIRST_LINES, LINE, Files

# Cells that mean "no value" in LMS exports (Moodle "-", OULAD "?", Canvas "N/A").
MISSING = {"", "-", "?", "N/A", "NA", "null", "None", "nan"}


def fail(shown: str, line: int, message: str) -> ProblemsFound:
    return ProblemsFound([Problem(shown, line, message)])


def find_column(columns: Iterable[str], *candidates: str) -> str | None:
    """The first candidate present, compared without case and surrounding spaces."""
    by_key = {str(c).strip().casefold(): str(c) for c in columns}
    for candidate in candidates:
        if candidate.casefold() in by_key:
            return by_key[candidate.casefold()]
    return None


def require_columns(
    frame: pd.DataFrame, shown: str, fmt: str, needed: Sequence[str], option_hint: str = ""
) -> None:
    """Fail with the columns found and expected when an export lacks a column the format needs."""
    found = [str(c) for c in frame.columns if c != LINE]
    missing = [c for c in needed if find_column(found, c) is None]
    if not missing:
        return
    hints = "".join(did_you_mean(c, found) for c in missing)
    raise fail(
        shown,
        1,
        f"not a {fmt} export: missing column(s) {', '.join(missing)}{hints}; "
        f"columns found: {', '.join(found) or 'none'}; expected at least: "
        f"{', '.join(needed)}{option_hint}. Check that the file is the right export "
        "(or use format: csv with a column mapping)",
    )


def course_id_of(source: Source, shown: str, fmt: str) -> str:
    if source.course_id:
        return source.course_id
    raise fail(
        shown,
        0,
        f"a {fmt} export is for one course and does not name it; set "
        "'course_id:' for this source in config/project.yaml",
    )


def option_date(source: Source, name: str, shown: str, why: str) -> pd.Timestamp | None:
    """A date given in ``options`` (YAML may already have parsed it)."""
    value = source.options.get(name)
    if value is None:
        return None
    if isinstance(value, date):
        return pd.Timestamp(value)
    parsed = pd.to_datetime(str(value), format="ISO8601", errors="coerce")
    if pd.isna(parsed):
        raise fail(shown, 0, f"options.{name} is {value!r}; write it as YYYY-MM-DD ({why})")
    return pd.Timestamp(parsed)


def required_option_date(source: Source, name: str, shown: str, fmt: str, why: str) -> pd.Timestamp:
    value = option_date(source, name, shown, why)
    if value is None:
        raise fail(
            shown,
            0,
            f"a {fmt} export has no enrolment dates; set options.{name}: "
            f"YYYY-MM-DD for this source in config/project.yaml ({why})",
        )
    return value


def blank(values: pd.Series) -> pd.Series:
    """True where a cell holds no value."""
    text = values.astype("string").str.strip()
    return text.isna() | text.isin(MISSING)


_PERCENT = re.compile(r"\s*%\s*$")


def locale_numbers(values: pd.Series) -> pd.Series:
    """Numbers as LMSs format them: '85,5' and '1.234,5' (decimal comma), '1,234.5',
    '85.00 %', non-breaking spaces as thousands separators. Anything else becomes NaN."""
    text = values.astype("string").str.strip().str.replace(_PERCENT, "", regex=True)
    text = text.str.replace("\u00a0", "", regex=False).str.replace("\u202f", "", regex=False)
    text = text.str.replace(" ", "", regex=False)
    comma_last = text.str.rfind(",") > text.str.rfind(".")
    decimal_comma = text.str.contains(",", regex=False) & comma_last.fillna(False)
    as_comma = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    as_point = text.str.replace(",", "", regex=False)
    text = as_comma.where(decimal_comma, as_point)
    return pd.to_numeric(text.mask(blank(text)), errors="coerce").astype("float64")


def parse_datetimes(values: pd.Series, formats: Sequence[str]) -> pd.Series:
    """Try each strftime format in turn; a cell keeps the first format that parses it."""
    text = values.astype("string").str.strip().mask(blank(values))
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[s]")
    for fmt in formats:
        todo = result.isna() & text.notna()
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        result.loc[todo] = parsed.astype("datetime64[s]")
    return result


@dataclass
class Accounting:
    """What an adapter did with the rows it read, carried to ``ingest`` in ``frame.attrs``."""

    rows_read: int = 0
    rejected: dict[str, tuple[int, list[int]]] = field(default_factory=dict)
    # Rows folded into another without a reason of their own; ``merge`` gives one.
    merged: int = 0
    merges: dict[str, tuple[int, list[int]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    files: Files | None = None  # a folder: ``_line`` runs on across its files

    def reject(self, reason: str, lines: Sequence[int] | np.ndarray) -> None:
        if len(lines):
            self.rejected[reason] = _added(self.rejected.get(reason), lines, len(lines))

    def merge(
        self, reason: str, lines: Sequence[int] | np.ndarray, count: int | None = None
    ) -> None:
        """Rows folded into another (events into one attempt, rows into one week): ``count``
        of them (default: one per line), ``lines`` the first of the rows folded away (none
        where the source has no lines, as parquet)."""
        count = len(lines) if count is None else count
        if count:
            self.merges[reason] = _added(self.merges.get(reason), lines, count)

    def drop(self, frame: pd.DataFrame, mask: pd.Series, reason: str) -> pd.DataFrame:
        """Remove the masked rows from ``frame`` and count them as rejected."""
        self.reject(reason, frame.loc[mask, LINE].to_numpy())
        return frame.loc[~mask]

    def attach(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame.attrs.update(
            rows_read=self.rows_read,
            rejected=dict(self.rejected),
            merged=self.merged + sum(count for count, _ in self.merges.values()),
            merges=dict(self.merges),
            notes=list(self.notes),
        )
        if self.files is not None:
            frame.attrs[FILES] = self.files
        return frame


def _added(
    entry: tuple[int, list[int]] | None, lines: Sequence[int] | np.ndarray, count: int
) -> tuple[int, list[int]]:
    """A reason's (count, first lines) with ``count`` more rows, ``lines`` the first of them."""
    total, first = entry or (0, [])
    first = sorted(first + [int(x) for x in list(lines)[:FIRST_LINES]])[:FIRST_LINES]
    return total + count, first
