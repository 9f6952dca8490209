"""The ``csv`` adapter: any CSV, spreadsheet or parquet export, with a column mapping in
project.yaml; ``RULES`` states how it is read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from generator.config import Source
from generator.domain.errors import Problem, ProblemsFound, did_you_mean
from generator.domain.values import clean_cells
from generator.ingest.canonical import (
    LINE,
    REQUIRED,
    SPREADSHEET_DATES,
    TABLE_COLUMNS,
    parse_dates,
    parse_numbers,
)
from generator.ingest.textfile import check_header, read_delimited

# How the export becomes the canonical tables, as the methodology page states it (ingest
# carries it in its report).
RULES = """The ``csv`` adapter: any CSV, spreadsheet or parquet export, with a column mapping in
project.yaml.

- Dates: ISO 8601, or the source's ``date_format``. A time with a UTC offset counts on its
  local calendar date, as the export shows it (2025-03-01T00:30:00+02:00 is 1 March), so a
  column may mix offsets and plain dates; a typed parquet timestamp with a zone is its UTC day.
  A date before 1990-01-01 or more than a year after the day of the build is rejected as not
  plausible (one 0000-01-01 would stretch the report over thousands of quarters).
- Missing values: an empty cell, or ``-``, ``?``, ``NA``, ``N/A``, ``null``, ``None`` where an
  id, date, number or status goes; in a name (department, offering, module) only an empty cell,
  so a department called NA keeps its name.
- A column name given twice in the header is an error (one of the two would be lost); parquet
  text that is not UTF-8 rejects its row."""

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
PARQUET_SUFFIXES = (".parquet",)


def read_generic(source: Source, path: Path, shown: str) -> dict[str, pd.DataFrame]:
    """One raw canonical table (``source.table``) from a CSV, spreadsheet or parquet file."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        frame = read_spreadsheet(path, shown)
    elif path.suffix.lower() in PARQUET_SUFFIXES:
        frame = read_parquet(path, shown, source)
    else:
        frame = read_delimited(
            path, shown, encoding=source.encoding, delimiter=source.delimiter, arrow=True
        )
    canonical = {source.columns.get(str(c), str(c)) for c in frame.columns}
    if source.course_id and "course_id" not in canonical:
        frame["course_id"] = source.course_id  # a one-course export that does not name it
    mapped = with_values(map_columns(frame, source, shown), source)
    # Date cells a spreadsheet mangled are rejected first, with a reason that says how to fix it.
    mapped.attrs[SPREADSHEET_DATES] = True
    return {source.table: mapped}


def read_spreadsheet(path: Path, shown: str) -> pd.DataFrame:
    """First sheet as text. calamine reads files openpyxl rejects (broken drawing parts)."""
    try:
        # Read without a header row, so that a name given twice is seen (pandas renames it).
        sheet = pd.read_excel(
            path, dtype=str, engine="calamine", keep_default_na=False, header=None
        )
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
    names = (
        [str(c).strip() or f"Unnamed: {i}" for i, c in enumerate(sheet.iloc[0])]
        if len(sheet)
        else []
    )
    check_header(names, shown)
    frame = sheet.iloc[1:].reset_index(drop=True).set_axis(names, axis="columns")
    frame[LINE] = range(2, len(frame) + 2)
    return frame


def read_parquet(path: Path, shown: str, source: Source) -> pd.DataFrame:
    """A parquet file's columns, numbered from row 1 (parquet has no lines).

    Date and timestamp columns stay dates (a zoned timestamp is its UTC day) where the canonical
    column is a date, numeric columns numbers where it is a score, minutes or number; any other
    column is text, as in a CSV: an integral float as its integer (an id column with gaps is
    float), a NaN missing. The Spark engine reads them alike (generator/ingest/spark/csv.py).
    """
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise ProblemsFound(
            [Problem(shown, 0, f"cannot read the parquet file ({exc}); export it again")]
        ) from None
    check_header([str(n).lstrip("\ufeff").strip() for n in table.column_names], shown, 0)
    kinds = TABLE_COLUMNS[source.table]
    columns: dict[str, pd.Series] = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        name = str(name).lstrip("\ufeff").strip()
        kind = kinds.get(source.columns.get(name, name))
        columns[name] = (
            _parquet_column(column, kind)
            if kind
            else pd.Series(pd.NA, index=range(table.num_rows), dtype="string")
        )
    frame = pd.DataFrame(columns, index=range(table.num_rows))
    frame[LINE] = np.arange(1, table.num_rows + 1)
    return frame


def _parquet_column(column: pa.ChunkedArray, kind: str) -> pd.Series:
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    kind_of = column.type
    if kind == "date" and (pa.types.is_date(kind_of) or pa.types.is_timestamp(kind_of)):
        if pa.types.is_date(kind_of):
            column = column.cast(pa.timestamp("s"))
        return column.to_pandas()
    if kind in ("score", "minutes", "number") and (
        pa.types.is_integer(kind_of) or pa.types.is_floating(kind_of)
    ):
        return column.cast(pa.float64()).to_pandas()
    if pa.types.is_floating(kind_of):
        numbers = column.cast(pa.float64()).to_pandas()
        integral = numbers.notna() & (numbers == np.floor(numbers)) & (numbers.abs() < 2**53)
        text = numbers.astype("string")
        text[integral] = numbers[integral].astype("int64").astype("string")
        return text
    if not (pa.types.is_string(kind_of) or pa.types.is_large_string(kind_of)):
        column = column.cast(pa.string())
    try:
        column.validate(full=True)  # pyarrow does not check a file's UTF-8 when reading it
    except pa.ArrowInvalid:  # bytes that are not UTF-8: kept, so that normalise rejects the rows
        return pd.Series([_text_of(v) for v in column.cast(pa.binary()).to_pylist()], dtype=object)
    return column.to_pandas().astype("string")


def _text_of(value: bytes | None) -> str | None:
    """Text with each byte that is not UTF-8 kept as a lone surrogate (canonical.NOT_UTF8)."""
    return None if value is None else value.decode("utf-8", errors="surrogateescape")


def map_columns(frame: pd.DataFrame, source: Source, shown: str) -> pd.DataFrame:
    """Rename source columns to canonical ones; a missing required column is a clear error."""
    wanted = TABLE_COLUMNS[source.table]
    renamed = frame.rename(columns=source.columns)
    missing = [
        c for c in REQUIRED[source.table] if c not in renamed.columns and c not in source.values
    ]
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
                    f"{{{', '.join(hints)}}}, or give every row one value under 'values:'",
                )
            ]
        )
    keep = [c for c in renamed.columns if c in wanted] + [LINE]
    return renamed[keep]


def with_values(frame: pd.DataFrame, source: Source) -> pd.DataFrame:
    """The mapped frame with ``source.values``: a column the file lacks holds the value in every
    row; a column it has, the value in its blank cells. The value is text, as a file's cell
    (normalise parses and checks it), except in a parquet column that is typed: there it is
    parsed as normalise parses text (config/checks.py has checked that it parses)."""
    for column, value in source.values.items():
        if column not in frame:
            frame[column] = pd.Categorical.from_codes(
                np.zeros(len(frame), dtype=np.int8), categories=[value]
            )
        else:
            kind = TABLE_COLUMNS[source.table][column]
            frame[column] = _fill_blanks(frame[column], value, source.date_format, kind)
    return frame


def _fill_blanks(column: pd.Series, value: str, date_format: str | None, kind: str) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(column):
        day = parse_dates(pd.Series([value], dtype="string"), date_format).iloc[0]
        if getattr(column.dt, "tz", None) is not None:
            day = day.tz_localize("UTC").tz_convert(column.dt.tz)
        return column.fillna(day)
    if pd.api.types.is_numeric_dtype(column):
        return column.fillna(parse_numbers(pd.Series([value], dtype="string")).iloc[0])
    if isinstance(column.dtype, pd.CategoricalDtype):
        # One test per distinct value (the csv fast path reads every column as categorical).
        categories = pd.Series(column.cat.categories, dtype="string")
        blank_category = clean_cells(categories, kind).isna().to_numpy()
        codes = column.cat.codes.to_numpy()
        blank = np.where(codes < 0, True, blank_category[np.maximum(codes, 0)])
        if value not in column.cat.categories:
            column = column.cat.add_categories([value])
        return column.where(~blank, value)
    return column.where(clean_cells(column, kind).notna(), value)
