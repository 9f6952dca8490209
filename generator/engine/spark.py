"""The ``spark`` engine: a SparkSession, and the SQL of ``aggregate`` (generator/engine/sql.py)
run on it by Spark SQL. The session comes from the usual configuration (see ``session``);
``SparkEngine`` lets the SQL read Spark DataFrames as it reads pandas frames. Spark reading the
sources themselves is generator/ingest/spark/.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa

from generator.domain.errors import AccountabilityError
from generator.engine.sql import Engine, Frame, Sql, T

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from generator.config import SparkSettings

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
    """The aggregate SQL on Spark: tables are temporary views, never written to the warehouse,
    and the one materialised table is cached on the executors."""

    def __init__(self, spark: SparkSession):
        # No DuckDB connection: every Engine method that would use one is overridden here.
        self.spark = spark

    def register(self, frame: Frame, name: str) -> None:
        dataframe = self.dataframe(frame)
        if isinstance(frame, pd.DataFrame):
            # Cached: otherwise every query that scans the table ships the driver's rows to
            # the executors again.
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
