"""The ``spark`` engine: a SparkSession, and the SQL of engine.py run on it by Spark SQL.

Only this module knows about Spark. The session comes from the usual configuration (see
``session``); ``SparkEngine`` lets generator/engine/sql.py read Spark DataFrames as it reads pandas
frames; ``ingest`` reads the sources, generic CSV and parquet (generator/ingest/spark/csv.py) and xAPI
JSON lines (generator/ingest/spark/xapi.py) with Spark itself so their rows never pass through the
driver, every other adapter (and what sparkxapi leaves to it) through pandas on the driver.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa

from generator.domain.errors import AccountabilityError
from generator.engine.sql import Engine, Frame, Sql, T
from generator.ingest import Ingested, IngestReport, read_source, read_sources, unmatched_note
from generator.ingest.adapters.generic import EXCEL_SUFFIXES
from generator.ingest.canonical import Checks, SourceReport, empty_table
from generator.ingest.modules import module_position

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from generator.config import Project, Source, SparkSettings

log = logging.getLogger(__name__)

LOCAL_MASTER = "local[2]"  # the machine's cores, when no cluster is configured
# Local mode only: a few shuffle partitions suit the small aggregates (the default 200 would
# schedule hundreds of near-empty tasks per query); a cluster keeps its own setting.
LOCAL_DEFAULTS = {
    "spark.sql.shuffle.partitions": "2",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}
DEFAULTS = {
    "spark.sql.session.timeZone": "UTC",  # dates are calendar days, never shifted by a zone
    "spark.sql.execution.arrow.pyspark.enabled": "true",  # aggregates return through Arrow
}
INSTALL_HINT = (
    "the spark engine needs PySpark and Java 17: pip install 'training-accountability[spark]' "
    "and a JRE (Debian: apt-get install openjdk-17-jre-headless), or use --engine duckdb"
)


def configured_master(settings: SparkSettings | None) -> str | None:
    """The master URL to set, or None when Spark's own configuration names one.

    Order: project.yaml's ``spark.master``, then $SPARK_MASTER; a ``--master`` in
    $PYSPARK_SUBMIT_ARGS, a spark-defaults.conf or a running session are left to Spark;
    with none of these, local mode on the machine's cores.
    """
    if settings is not None and settings.master:
        return settings.master
    if os.environ.get("SPARK_MASTER"):
        return os.environ["SPARK_MASTER"]
    if "--master" in os.environ.get("PYSPARK_SUBMIT_ARGS", ""):
        return None
    if _defaults_name_master():
        return None
    return LOCAL_MASTER


def _defaults_name_master() -> bool:
    folders = [os.environ.get("SPARK_CONF_DIR"), os.environ.get("SPARK_HOME")]
    for folder in filter(None, folders):
        for conf in (
            Path(folder) / "spark-defaults.conf",
            Path(folder) / "conf" / "spark-defaults.conf",
        ):
            if conf.is_file() and any(
                line.split()[:1] == ["spark.master"] for line in conf.read_text().splitlines()
            ):
                return True
    return False


def session(settings: SparkSettings | None = None) -> SparkSession:
    """A SparkSession from the usual configuration (a running one is reused)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise AccountabilityError(INSTALL_HINT) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    master = configured_master(settings)
    builder = SparkSession.builder.appName("training-accountability")
    options = dict(DEFAULTS)
    if master is not None:
        builder = builder.master(master)
        if master.startswith("local"):
            options |= LOCAL_DEFAULTS
            # Python workers on this machine run this interpreter (it has the package's deps).
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if settings is not None:
        options |= {key: str(value) for key, value in settings.config.items()}
    for key, value in sorted(options.items()):
        builder = builder.config(key, value)
    log.info("starting Spark (master %s)", master or "from Spark's configuration")
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # Py4J/JVM start-up failures have no common base class
        raise AccountabilityError(f"cannot start Spark ({exc}); {INSTALL_HINT}") from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark


class SparkEngine(Engine):
    """engine.py's SQL on Spark: tables are temporary views, never written to the warehouse,
    and the one materialised table is cached on the executors."""

    def __init__(self, spark: SparkSession):
        # No DuckDB connection: every Engine method that would use one is overridden here.
        self.spark = spark

    def register(self, frame: Frame, name: str) -> None:
        dataframe = self.dataframe(frame)
        if isinstance(frame, pd.DataFrame):
            # Cached: otherwise every query that scans the table ships the driver's rows to
            # the executors again (OULAD's module drop-off query took 69 s instead of 19 s).
            dataframe = dataframe.cache()
        dataframe.createOrReplaceTempView(name)

    def dataframe(self, frame: Frame) -> DataFrame:
        """A Spark DataFrame as it is; a pandas frame (small tables, fallback adapters)
        through Arrow."""
        if not isinstance(frame, pd.DataFrame):
            return frame
        arrow = pa.Table.from_pandas(frame, preserve_index=False)
        # Spark has no dictionary or large_string types: plain strings for the categoricals.
        arrow = pa.Table.from_arrays(
            [_plain(arrow.column(i)) for i in range(arrow.num_columns)], names=arrow.column_names
        )
        return self.spark.createDataFrame(arrow)

    def forget(self, name: str) -> None:
        """Kept: the materialised cohort rows are cached lazily, computed from this view by
        the first query that reads them."""

    def count(self, frame: Frame) -> int:
        return len(frame) if isinstance(frame, pd.DataFrame) else int(frame.count())

    def has_values(self, frame: Frame, column: str) -> bool:
        if isinstance(frame, pd.DataFrame):
            return super().has_values(frame, column)
        return bool(frame.filter(frame[column].isNotNull()).limit(1).count())

    def materialise(self, query: Sql, name: str) -> None:
        self.spark.sql(query).createOrReplaceTempView(name)
        self.spark.catalog.cacheTable(name)

    def run(self, query: Sql) -> pd.DataFrame:
        return self.spark.sql(query).toPandas()

    def run_jobs(self, jobs: Mapping[str, Callable[[Engine], T]], rows: int) -> dict[str, T]:
        """One after the other: the cluster runs each query's tasks in parallel already."""
        return {name: job(self) for name, job in jobs.items()}

    def release(self) -> None:
        # The session outlives the build (a notebook, the tests), its cached tables need not.
        self.spark.catalog.clearCache()


def _plain(column: pa.ChunkedArray) -> pa.ChunkedArray:
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    if pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        return column.cast(pa.string())
    if pa.types.is_timestamp(kind) and kind.unit != "us":
        return column.cast(pa.timestamp("us"))
    return column


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
