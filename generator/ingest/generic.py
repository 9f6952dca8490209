"""The ``csv`` adapter: any CSV or Excel export, with a column mapping in project.yaml."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from generator.config import Source
from generator.errors import Problem, ProblemsFound, did_you_mean
from generator.ingest.canonical import LINE, REQUIRED, SPREADSHEET_DATES, TABLE_COLUMNS
from generator.ingest.textfile import read_delimited

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def read_generic(source: Source, path: Path, shown: str) -> dict[str, pd.DataFrame]:
    """One raw canonical table (``source.table``) from a CSV or spreadsheet."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        frame = read_spreadsheet(path, shown)
    else:
        frame = read_delimited(
            path, shown, encoding=source.encoding, delimiter=source.delimiter, arrow=True
        )
    canonical = {source.columns.get(str(c), str(c)) for c in frame.columns}
    if source.course_id and "course_id" not in canonical:
        frame["course_id"] = source.course_id  # a one-course export that does not name it
    mapped = map_columns(frame, source, shown)
    # Date cells a spreadsheet mangled are rejected first, with a reason that says how to fix it.
    mapped.attrs[SPREADSHEET_DATES] = True
    return {source.table: mapped}


def read_spreadsheet(path: Path, shown: str) -> pd.DataFrame:
    """First sheet as text. calamine reads files openpyxl rejects (broken drawing parts)."""
    try:
        frame = pd.read_excel(path, dtype=str, engine="calamine", keep_default_na=False)
    except Exception as exc:  # calamine raises its own types for damaged files
        raise ProblemsFound(
            [
                Problem(
                    shown,
                    0,
                    f"cannot read the spreadsheet ({exc}); save it again as .xlsx or export CSV",
                )
            ]
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame[LINE] = range(2, len(frame) + 2)
    return frame


def map_columns(frame: pd.DataFrame, source: Source, shown: str) -> pd.DataFrame:
    """Rename source columns to canonical ones; a missing required column is a clear error."""
    wanted = TABLE_COLUMNS[source.table]
    renamed = frame.rename(columns=source.columns)
    missing = [c for c in REQUIRED[source.table] if c not in renamed.columns]
    if missing:
        found = [c for c in frame.columns if c != LINE]
        hints = []
        for column in missing:
            guess = did_you_mean(column, found).removeprefix(" (did you mean '").removesuffix("'?)")
            hints.append(f"'{guess or '<column>'}': {column}")
        raise ProblemsFound(
            [
                Problem(
                    shown,
                    1,
                    f"missing required column(s) {', '.join(missing)} for table '{source.table}'; "
                    f"columns found: {', '.join(found) or 'none'}; expected: {', '.join(wanted)}; "
                    f"map them in config/project.yaml under this source's 'columns:', e.g. "
                    f"{{{', '.join(hints)}}}",
                )
            ]
        )
    keep = [c for c in renamed.columns if c in wanted] + [LINE]
    return renamed[keep]
