"""Ingest on the ``spark`` engine: generic CSV and parquet (csv.py) and xAPI JSON lines
(xapi.py) are read and checked by Spark itself, so their rows never pass through the driver;
every other adapter (and what xapi.py leaves to it) reads on the driver with pandas and hands
its tables to Spark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from generator.engine.spark import SparkEngine
from generator.engine.sql import Frame
from generator.ingest import Ingested, IngestReport, read_source, read_sources, unmatched_note
from generator.ingest.adapters.generic import EXCEL_SUFFIXES
from generator.ingest.canonical import Checks, SourceReport, empty_table
from generator.ingest.modules import module_position

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from generator.config import Project, Source


@dataclass
class SparkIngested(Ingested):
    """The canonical tables as Spark DataFrames (or pandas frames, from the fallback adapters),
    with the few facts about them the report needs computed on the cluster."""

    statuses: dict[str, int] = field(default_factory=dict)
    latest: date | None = None

    def status_counts(self) -> dict[str, int]:
        return self.statuses

    def latest_day(self) -> date | None:
        return self.latest


def reads_with_spark(source_format: str, path: Path) -> bool:
    """Generic CSV and parquet, and xAPI, are read by Spark (xAPI JSON lines only: the rest
    sparkxapi hands back); spreadsheets and the other LMS-specific adapters by pandas."""
    if source_format == "csv":
        return path.suffix.lower() not in EXCEL_SUFFIXES
    return source_format == "xapi"


def read_with_spark(
    spark: SparkSession, source: Source, path: Path, shown: str, checks: Checks
) -> tuple[dict[str, Frame], SourceReport] | None:
    """One file of a source read by Spark, or None when it is left to the pandas path."""
    from generator.ingest.spark.csv import read_generic
    from generator.ingest.spark.xapi import read_xapi

    if not reads_with_spark(source.format, path):
        return None
    if source.format == "xapi":
        read = read_xapi(spark, source, path, shown, checks)
        if read is None:
            return None
        frame, source_report = read
        return {"enrollments": frame}, source_report
    frame, source_report = read_generic(spark, source, path, shown, checks)
    if source.table == "activity" and checks.modules:
        frame = _with_course_modules(spark, frame, checks, source_report)
    return {source.table: frame}, source_report


def _with_course_modules(
    spark: SparkSession, activity: DataFrame, checks: Checks, report: SourceReport
) -> DataFrame:
    """ingest.modules on Spark: the distinct course and module texts are matched on the driver
    (a few thousand at most) and joined back, so the rows stay on the executors."""
    from pyspark.sql import functions as F

    listed = sorted(checks.modules)
    pairs = (
        activity.filter(F.col("course_id").isin(listed))
        .select("course_id", "module")
        .distinct()
        .collect()
    )
    matches = []
    for course, text in pairs:
        position = module_position(text, checks.modules[course]) if text is not None else None
        title = checks.modules[course][position - 1].title if position else text
        matches.append((course, text, None if position is None else float(position), title))
    schema = "course_id string, module string, _order double, _title string"
    mapping = (
        spark.createDataFrame(matches, schema) if matches else spark.createDataFrame([], schema)
    )
    joined = activity.join(F.broadcast(mapping), ["course_id", "module"], "left")
    is_listed = F.col("course_id").isin(listed)
    unmatched = joined.filter(is_listed & F.col("_order").isNull()).count()
    if unmatched:
        report.notes.append(unmatched_note(unmatched))
    columns = [
        F.when(is_listed, F.col("_title")).otherwise(F.col("module")).alias("module")
        if c == "module"
        else F.when(is_listed, F.col("_order")).otherwise(F.col("module_order")).alias(c)
        if c == "module_order"
        else F.col(c)
        for c in activity.columns
    ]
    return joined.select(*columns)


def ingest(project: Project, engine: SparkEngine) -> SparkIngested:
    """``generator.ingest.ingest`` with Spark reading the generic CSV and parquet sources and
    xAPI JSON lines."""

    def read(
        source: Source, path: Path, shown: str, checks: Checks
    ) -> tuple[dict[str, Frame], SourceReport]:
        by_spark = read_with_spark(engine.spark, source, path, shown, checks)
        return by_spark if by_spark is not None else read_source(source, path, shown, checks)

    parts, report = read_sources(project, read)
    tables = {name: _union(engine, name, frames) for name, frames in parts.items()}
    statuses, latest = _facts(engine, tables["enrollments"])
    return SparkIngested(tables, report, statuses, latest)


def _union(engine: SparkEngine, table: str, frames: list[Frame]) -> Frame:
    """One table per name: pandas when every part is (small), else one Spark DataFrame."""
    if all(isinstance(f, pd.DataFrame) for f in frames):
        kept = [f for f in frames if not f.empty]
        return pd.concat(kept, ignore_index=True) if kept else empty_table(table)
    spark_frames = [engine.dataframe(f) for f in frames if not _empty_pandas(f)]
    union = spark_frames[0]
    for frame in spark_frames[1:]:
        union = union.unionByName(frame)
    return union


def _empty_pandas(frame: Frame) -> bool:
    return isinstance(frame, pd.DataFrame) and frame.empty


def _facts(engine: SparkEngine, enrollments: Frame) -> tuple[dict[str, int], date | None]:
    """Status counts and the latest date in the data, in one pass over the enrolments."""
    from pyspark.sql import functions as F

    if isinstance(enrollments, pd.DataFrame):
        plain = Ingested({"enrollments": enrollments}, IngestReport())
        return plain.status_counts(), plain.latest_day()
    counts = enrollments.groupBy("status").agg(
        F.count(F.lit(1)).alias("rows"),
        F.max(F.greatest(*(F.col(c).cast("date") for c in DATE_COLUMNS))).alias("latest"),
    )
    rows = counts.collect()
    statuses = {str(r["status"]): int(r["rows"]) for r in rows if r["status"] is not None}
    latest = max((r["latest"] for r in rows if r["latest"] is not None), default=None)
    return dict(sorted(statuses.items())), latest


DATE_COLUMNS = ("enrolled_on", "completed_on", "withdrawn_on")
