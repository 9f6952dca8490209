"""xAPI statements in JSON lines read by Spark: the statements never pass through the driver.

The rules of generator/ingest/adapters/xapi.py as Spark column expressions over each line parsed with
Spark's own JSON parser (``try_parse_json``): the same rejected statements with the same
reasons and lines, the same attempts (one per actor × course × registration) with the same
status, dates, score and minutes; the attempts then go through generator/ingest/spark/normalise.py as
the pandas path's go through normalise. Lines are numbered as xapi.py numbers them: each file's
own lines, blank lines counted; a folder's run on across its files (canonical.Files).

The driver reads the first 64 KB of each file (is it JSON lines?) and, afterwards, the lines
that are not valid JSON (each is rejected with its own reason, which names the line and Python's
json message). What the Spark expressions do not express cleanly is left to the pandas path
(generator/ingest/adapters/xapi.py on the driver), for the whole source:

- a JSON array, a single statement, an LRS response object, or a folder holding any of those
  (only files of JSON lines are read by Spark);
- a line Spark's parser rejects but Python's accepts (NaN or Infinity, duplicate keys, a value
  larger than Spark's 16 MiB variant limit);
- a file that is not valid UTF-8, has a byte-order mark after its start, or has line breaks
  that Python's ``str.splitlines`` knows and Spark does not (\\v, \\f, \\x1c-\\x1e, NEL,
  U+2028, U+2029), or a name Spark does not read as given (leading '_' or '.', glob characters);
- a value of a type Python's rules turn into text or numbers in their own way (a number where a
  verb id, a timestamp or a duration is expected, a float or boolean where an id is, a string or
  boolean score, a non-object contextActivities);
- a timestamp in a form Spark and pandas might parse differently (only YYYY-MM-DD with an
  optional time to the microsecond and an optional Z or ±hh[:mm] are read by Spark), a duration
  with years or months (their length depends on the calendar), the alternative
  PYYYY-MM-DDThh:mm:ss form, more than 6 decimals or a total beyond 2^53 microseconds, or an
  invalid duration whose repr is not plain printable ASCII.

Each line becomes a statement row in generator/ingest/spark/xapi_statements.py; this module
numbers the lines, accounts for the rejected ones and folds the statements into attempts.
"""

from __future__ import annotations

import json
import logging
import re
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from generator.ingest.adapters.xapi import COMPLETING, FOLDED, SUFFIXES, VERB_STATUS, unreadable
from generator.ingest.canonical import (
    FIRST_LINES,
    LINE,
    STATUS_ORDER,
    Checks,
    Files,
    SourceReport,
)
from generator.ingest.spark.normalise import REASON, ROW_BITS, normalise
from generator.ingest.spark.xapi_statements import INVALID, statement_rows
from generator.ingest.textfile import read_bytes_head

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

    from generator.config import Source

log = logging.getLogger(__name__)

BLANK = r"^[\s\x1c-\x1f]*$"  # str.strip()'s whitespace: Unicode White_Space and \x1c-\x1f
PYTHON_LINE_BREAKS = "[\\x0b\\x0c\\x1c\\x1d\\x1e\\x85\\u2028\\u2029]"


def json_lines_files(path: Path) -> list[Path] | None:
    """The files of a source that Spark reads, or None when the source stays on pandas."""
    files = (
        sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
        if path.is_dir()
        else [path]
    )
    if not files:
        return None
    for file in files:
        if not file.is_file() or file.name.startswith(("_", ".")):
            return None
        if re.search(r"[*?\[\]{},\\]", str(file.resolve())):
            return None
        if not _is_json_lines(read_bytes_head(file)):
            return None
    return files


def _is_json_lines(head: bytes) -> bool:
    """xapi._values reads the file as JSON lines: it is not one JSON value, it has more than one
    line and the first is an object. Decided on the first 64 KB: the first line must be a whole
    JSON object and a second line must follow (then the whole file cannot be one value)."""
    text = head.decode("utf-8-sig", errors="replace")
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return False
    first = lines[0]
    if not (first.lstrip().startswith("{") and first.rstrip().endswith("}")):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def read_xapi(
    spark: SparkSession, source: Source, path: Path, shown: str, checks: Checks
) -> tuple[DataFrame, SourceReport] | None:
    """The attempts of a JSON-lines source as a normalised Spark DataFrame and its accounting,
    or None when the source is to be read by the pandas path (see the module's docstring)."""
    from pyspark.sql import functions as F

    files = json_lines_files(path)
    if files is None:
        return None
    scan = spark.read.text([str(f.resolve()) for f in files])
    text = F.col("value")
    # Every line is numbered, blank ones too (they count for the lines after them), and checked
    # for what Python splits or reads otherwise (then its line numbers would differ too).
    numbered = scan.select(
        F.col("_metadata.file_path").alias("_file"),
        text.alias("_text"),
        # The text reader drops a byte-order mark at the start of a file (as utf-8-sig does);
        # one further in is a line Python's json rejects for it.
        (text.rlike(PYTHON_LINE_BREAKS) | ~F.is_valid_utf8(text) | text.startswith("\ufeff")).alias(
            "_odd"
        ),
        text.rlike("(?U)" + BLANK).alias("_blank"),
        F.monotonically_increasing_id().alias("_id"),
    )
    statements = statement_rows(numbered, source).persist()
    try:
        return _read(statements, source, path, files, shown, checks)
    finally:
        statements.unpersist()


def _read(
    statements: DataFrame,
    source: Source,
    path: Path,
    files: list[Path],
    shown: str,
    checks: Checks,
) -> tuple[DataFrame, SourceReport] | None:
    from pyspark.sql import functions as F

    # One job: lines per file and partition (the numbering), statements per reason, and what
    # sends the source back to pandas.
    partition = F.shiftright(F.col("_id"), ROW_BITS)
    groups = (
        statements.groupBy("_file", partition.alias("_partition"), REASON, "_blank")
        .agg(
            F.count(F.lit(1)).alias("rows"),
            F.min("_id").alias("first"),
            F.max((F.col("_odd") | F.col("_unusual")).cast("int")).alias("odd"),
        )
        .collect()
    )
    by_path = {f.resolve(): i for i, f in enumerate(files)}
    index: dict[str, int] = {}
    for name in {row["_file"] for row in groups}:
        local = Path(unquote(urlparse(name).path)).resolve()
        if local not in by_path:
            log.info(
                "%s: Spark read %s, not a file of the source; reading with pandas", shown, name
            )
            return None
        index[name] = by_path[local]
    if any(row["odd"] for row in groups):
        log.info("%s: statements Spark does not read as Python does; reading with pandas", shown)
        return None
    chunks: dict[tuple[int, int], list[int]] = {}  # (file, partition) -> [lines, first id]
    reasons: dict[str, int] = {}
    statement_count = 0
    for row in groups:
        file = index[row["_file"]]
        chunk = chunks.setdefault((file, int(row["_partition"])), [0, int(row["first"])])
        chunk[0] += int(row["rows"])
        chunk[1] = min(chunk[1], int(row["first"]))
        statement_count += 0 if row["_blank"] else int(row["rows"])
        if row[REASON] is not None:
            reasons[row[REASON]] = reasons.get(row[REASON], 0) + int(row["rows"])
    names = [str(f.relative_to(path)) if f != path else f.name for f in files]
    shift, starts = _numbering(chunks, len(files))
    report = SourceReport(path=shown, format=source.format, rows_read=statement_count)
    report.files = Files(tuple(names), tuple(starts)) if path.is_dir() else None

    numbers = F.col("_id") + _lookup(shift, index, partition)
    rejected = _rejected(statements, reasons, numbers)
    for reason, found in sorted(rejected.items()):
        if reason != INVALID:
            report.reject(reason, [number for _, number, _ in found], reasons[reason])
            continue
        for file_uri, number, line in found:
            try:
                json.loads(line)
            except (json.JSONDecodeError, RecursionError) as error:
                file = index[file_uri]
                at = number - starts[file]
                report.reject(unreadable(names[file], line, error, 0, at), [number])
            else:
                log.info("%s: a line only Python's JSON parser reads; reading with pandas", shown)
                return None
    valid = statements.filter(F.col(REASON).isNull() & ~F.col("_blank")).withColumn(LINE, numbers)
    attempts = _attempts(valid)
    loaded, count = normalise(
        source,
        attempts,
        [c for c in attempts.columns if c != LINE],
        checks,
        shown,
        report,
        first_line=None,
        status_given=True,
    )
    folded = report.rows_read - sum(reasons.values()) - count
    report.merge(FOLDED, _folded_lines(valid) if folded else [], folded)
    return loaded, report


def _numbering(
    chunks: dict[tuple[int, int], list[int]], files: int
) -> tuple[dict[tuple[int, int], int], list[int]]:
    """Line numbers as xapi._documents gives them: lines from 1 in each file, run on across
    the files in name order. Per (file, partition) the number minus the row id (the row ids of
    one partition's lines of a file are consecutive, and its partitions follow the file's
    order), and per file the number before its first line."""
    sizes = [0] * files
    for (file, _), (size, _) in chunks.items():
        sizes[file] += size
    starts = list(accumulate(sizes, initial=0))[:-1]
    before = list(starts)  # lines of the file in the chunks so far
    shift: dict[tuple[int, int], int] = {}
    for (file, part), (size, first) in sorted(chunks.items()):
        shift[(file, part)] = before[file] + 1 - first
        before[file] += size
    return shift, starts


def _folded_lines(valid: DataFrame) -> list[int]:
    """The first lines of the statements folded into an attempt (all but each attempt's
    first, as xapi._attempts), sorted among those statements only."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    attempt = Window.partitionBy("learner_id", "course_id", "offering")
    first = F.min(LINE).over(attempt)
    folded = valid.select(LINE, first.alias("_first")).filter(F.col(LINE) != F.col("_first"))
    return [int(row[0]) for row in folded.select(LINE).orderBy(LINE).limit(FIRST_LINES).collect()]


def _lookup(shift: dict[tuple[int, int], int], index: dict[str, int], partition: Column) -> Column:
    from pyspark.sql import functions as F

    keys = {
        f"{part}|{uri}": shift[(file, part)]
        for uri, file in index.items()
        for (f, part) in shift
        if f == file
    }
    mapping = F.create_map(*(F.lit(x) for pair in sorted(keys.items()) for x in pair))
    return mapping[F.concat(partition.cast("string"), F.lit("|"), F.col("_file"))]


def _rejected(
    statements: DataFrame, reasons: dict[str, int], numbers: Column
) -> dict[str, list[tuple[str, int, str]]]:
    """The first statements of each reason, every invalid line: (file, number, line text)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    if not reasons:
        return {}
    order = Window.partitionBy(REASON).orderBy(LINE)
    rows = (
        statements.filter(F.col(REASON).isNotNull())
        .withColumn(LINE, numbers)
        .withColumn("_n", F.row_number().over(order))
        .filter((F.col("_n") <= FIRST_LINES) | (F.col(REASON) == INVALID))
        .select(
            REASON,
            "_file",
            LINE,
            F.when(F.col(REASON) == INVALID, F.col("_text")).alias("_text"),
        )
        .collect()
    )
    found: dict[str, list[tuple[str, int, str]]] = {}
    for row in rows:
        found.setdefault(row[REASON], []).append((row["_file"], int(row[LINE]), row["_text"]))
    return found


# ---------------------------------------------------------------- statements -> attempts


def _attempts(statements: DataFrame) -> DataFrame:
    """xapi._attempts: one row per learner × course × registration, at the line of its first
    statement (the earliest timestamp first; a statement without one last)."""
    from pyspark.sql import functions as F

    when, verb, minutes = F.col("when"), F.col("verb"), F.col("minutes")
    status = F.coalesce(
        F.create_map(*(F.lit(x) for pair in VERB_STATUS.items() for x in pair))[verb],
        F.lit("in_progress"),
    )
    rank = F.create_map(*(F.lit(x) for pair in STATUS_ORDER.items() for x in pair))[status]
    by_rank = F.create_map(*(F.lit(x) for s, r in STATUS_ORDER.items() for x in (r, s)))
    order = F.struct(when.isNull(), when, F.col(LINE))
    session = F.when(verb == "terminated", minutes)
    grouped = statements.groupBy("learner_id", "course_id", "offering").agg(
        F.min(when).alias("enrolled"),
        F.min(F.when(verb.isin(*sorted(COMPLETING)), when)).alias("completed"),
        F.min(F.when(verb == "abandoned", when)).alias("withdrawn"),
        F.max(rank).alias("rank"),
        F.max_by(F.col("score"), F.when(F.col("score").isNotNull(), order)).alias("score"),
        F.sum(session).alias("sessions"),
        F.count(session).alias("has_session"),
        F.max(minutes).alias("longest"),
        F.min(LINE).alias(LINE),
    )
    status_of = by_rank[F.col("rank")]
    return grouped.select(
        "learner_id",
        "course_id",
        F.when(F.col("offering") != "", F.col("offering")).alias("offering"),
        F.to_date("enrolled").alias("enrolled_on"),
        F.when(status_of == "completed", F.to_date("completed")).alias("completed_on"),
        F.when(status_of == "withdrawn", F.to_date("withdrawn")).alias("withdrawn_on"),
        status_of.alias("status"),
        F.col("score"),
        F.when(F.col("has_session") > 0, F.col("sessions"))
        .otherwise(F.col("longest"))
        .alias("minutes"),
        F.col(LINE),
    )
