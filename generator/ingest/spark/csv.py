"""Generic CSV and parquet sources read by Spark: the rows stay on the executors.

Reading is the only part that differs between the two (``_read_csv``, ``_read_parquet``); the
rows then go through generator/ingest/spark/normalise.py, the same rules as ingest.canonical.normalise,
with the same accounting as the pandas path (a CSV's rows are numbered from line 2, after the
header, and reported at the line they start on; a parquet file's from 1).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from generator.domain.errors import Problem, ProblemsFound
from generator.ingest.adapters.generic import PARQUET_SUFFIXES, map_columns
from generator.ingest.canonical import (
    LINE,
    TABLE_COLUMNS,
    Checks,
    SourceReport,
    parse_dates,
    parse_numbers,
)
from generator.ingest.spark.normalise import _clean, normalise
from generator.ingest.textfile import (
    check_header,
    detect_delimiter,
    detect_encoding,
    header_of,
    may_quote_line_breaks,
    read_bytes_head,
    record_lines,
)

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

    from generator.config import Source


def read_generic(
    spark: SparkSession, source: Source, path: Path, shown: str, checks: Checks
) -> tuple[DataFrame, SourceReport]:
    """One CSV or parquet file as a normalised Spark DataFrame of ``source.table``, and its
    accounting."""
    parquet = path.suffix.lower() in PARQUET_SUFFIXES
    raw, present, lines = (_read_parquet if parquet else _read_csv)(spark, source, path, shown)
    raw, present = _with_values(raw, present, source)
    report = SourceReport(path=shown, format=source.format)
    loaded, rows = normalise(
        source,
        raw,
        present,
        checks,
        shown,
        report,
        first_line=1 if parquet else 2,
        record_lines=lines,
        spreadsheet_dates=True,
    )
    report.rows_read = rows
    if rows == 0 and source.table == "enrollments":
        report.notes.append("no data rows (header only)")
    return loaded, report


# Given the number of rows, the line each starts on (None: each is one line); sparknormalise.
RecordLines = Callable[[int], np.ndarray | None]


def _read_csv(
    spark: SparkSession, source: Source, path: Path, shown: str
) -> tuple[DataFrame, list[str], RecordLines | None]:
    """The file with every cell as text, its canonical column names (as map_columns), and
    with multiLine the lines its records start on (asked of the driver for the few lines
    reported: textfile.record_lines, which parses the file again only when a quoted value
    really holds a line break)."""
    head = read_bytes_head(path)
    if not head.strip():
        raise ProblemsFound([Problem(shown, 0, "the file is empty; export it again from the LMS")])
    encoding = detect_encoding(head, source.encoding)
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    sep = detect_delimiter(text, source.delimiter)
    check_header(header_of(text, sep), shown)
    multiline = may_quote_line_breaks(path)
    frame = (
        spark.read.option("header", True)
        .option("sep", sep)
        .option("encoding", "UTF-8" if encoding == "utf-8-sig" else encoding)
        .option("quote", '"')
        .option("escape", '"')  # RFC 4180: a quote inside quotes is doubled
        .option("mode", "PERMISSIVE")
        .option("nullValue", None)
        # Records spanning lines need the whole file in one task; only files with a quoted
        # record can have them (the same check as the pyarrow read).
        .option("multiLine", multiline)
        .csv(str(path))
    )

    def lines(rows: int) -> np.ndarray | None:
        return record_lines(path, rows, encoding, sep, quoted=True)

    return (*_canonical(frame, source, shown), lines if multiline else None)


def _read_parquet(
    spark: SparkSession, source: Source, path: Path, shown: str
) -> tuple[DataFrame, list[str], None]:
    """The file's columns as generic.read_parquet gives them to normalise: dates and numbers
    typed where the canonical column is one, everything else as text."""
    import pyarrow.parquet as pq
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
    from pyspark.sql.utils import AnalysisException

    try:
        names = pq.read_schema(path).names
    except (OSError, ValueError):
        names = []  # Spark's own read says what is wrong with the file
    check_header([n.lstrip("\ufeff").strip() for n in names], shown, 0)
    try:
        frame = spark.read.parquet(str(path))
    except AnalysisException as exc:
        raise ProblemsFound(
            [Problem(shown, 0, f"cannot read the parquet file ({exc}); export it again")]
        ) from None
    frame, present = _canonical(frame, source, shown)
    kinds = TABLE_COLUMNS[source.table]
    columns: list[Column] = []
    for name in present:
        kind, spark_type = kinds[name], frame.schema[name].dataType
        column = frame[name]
        dates = (T.DateType, T.TimestampType, T.TimestampNTZType)
        if kind == "date" and isinstance(spark_type, dates):
            pass
        elif kind in ("score", "minutes", "number") and isinstance(
            spark_type, T.IntegralType | T.FloatType | T.DoubleType
        ):
            column = column.cast("double")
        elif isinstance(spark_type, T.FloatType | T.DoubleType):
            # As text: a NaN is missing; an integral float is its integer (an id column with
            # gaps is float in pandas), as generic.read_parquet writes them.
            number = column.cast("double")
            column = (
                F.when(F.isnan(number), F.lit(None))
                .when(
                    (number == F.floor(number)) & (F.abs(number) < 2**53),
                    number.cast("long").cast("string"),
                )
                .otherwise(number.cast("string"))
            )
        elif not isinstance(spark_type, T.StringType):
            column = column.cast("string")
        columns.append(column.alias(name))
    return frame.select(*columns), present, None


def _canonical(frame: DataFrame, source: Source, shown: str) -> tuple[DataFrame, list[str]]:
    """The canonical columns of a frame read with the source's own headers (as map_columns
    maps them: a missing required column is the same clear error)."""
    header = [str(c).lstrip("\ufeff").strip() for c in frame.columns]
    # Positional names: source headers may hold dots or spaces that Spark reads as paths.
    frame = frame.toDF(*[f"c{i}" for i in range(len(header))])
    mapped = map_columns(pd.DataFrame(columns=[*header, LINE]), source, shown)
    rename = {source.columns.get(name, name): f"c{i}" for i, name in enumerate(header)}
    canonical = [c for c in mapped.columns if c != LINE]
    if source.course_id and "course_id" not in canonical:
        from pyspark.sql import functions as F

        frame = frame.withColumn("course_id", F.lit(source.course_id))
        rename["course_id"] = "course_id"
        canonical.append("course_id")
    return frame.select(*(frame[rename[c]].alias(c) for c in canonical)), canonical


def _with_values(
    frame: DataFrame, present: list[str], source: Source
) -> tuple[DataFrame, list[str]]:
    """generic.with_values: a value for every row of a column the file lacks, for the blank
    cells of one it has (text, as a cell; parsed as normalise parses text where a parquet
    column is typed)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    if not source.values:
        return frame, present
    columns = {name: frame[name] for name in present}
    for name, value in source.values.items():
        if name not in columns:
            columns[name] = F.lit(value)
            continue
        cell, spark_type = frame[name], frame.schema[name].dataType
        text = pd.Series([value], dtype="string")
        if isinstance(spark_type, T.DateType | T.TimestampType | T.TimestampNTZType):
            day = parse_dates(text, source.date_format).iloc[0]
            if not pd.isna(day):
                columns[name] = F.coalesce(cell, F.lit(day.date()).cast(spark_type))
        elif isinstance(spark_type, T.NumericType):
            number = parse_numbers(text).iloc[0]
            if not pd.isna(number):
                blank = cell.isNull() | F.isnan(cell.cast("double"))
                columns[name] = F.when(blank, F.lit(float(number)).cast(spark_type)).otherwise(cell)
        else:
            kind = TABLE_COLUMNS[source.table][name]
            columns[name] = F.when(_clean(cell, kind).isNull(), F.lit(value)).otherwise(cell)
    return frame.select(*(column.alias(name) for name, column in columns.items())), list(columns)
