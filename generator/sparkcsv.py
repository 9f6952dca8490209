"""Generic CSV read and normalised by Spark: the rows stay on the executors.

The same rules as ingest.canonical.normalise, as Spark column expressions: each row gets the
first reason (in normalise's order) that rejects it, or none; duplicates are merged by a window
over the table's key (most advanced status, then the latest line). Only the counts per reason,
the first lines of each, and the merged count come back to the driver.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from generator.errors import Problem, ProblemsFound
from generator.ingest.canonical import (
    FIRST_LINES,
    KEYS,
    LINE,
    MANGLED,
    REQUIRED,
    STATUS_ORDER,
    TABLE_COLUMNS,
    Checks,
    SourceReport,
)
from generator.ingest.generic import map_columns
from generator.ingest.textfile import detect_delimiter, detect_encoding, read_bytes_head
from generator.pseudonym import UNKEYED, pseudonym_key

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

    from generator.config import Source

MISSING_MARKERS = ["", "-", "?", "NA", "N/A", "null", "NULL", "None", "nan"]
REASON = "_reason"
ROW_BITS = 33  # monotonically_increasing_id: partition index above bit 33, row below
UNKNOWN_COURSES_NAMED = 20
STRFTIME_TO_SPARK = {
    "%Y": "yyyy",
    "%y": "yy",
    "%m": "M",
    "%d": "d",
    "%H": "H",
    "%I": "h",
    "%M": "m",
    "%S": "s",
    "%f": "SSSSSS",
    "%p": "a",
    "%b": "MMM",
    "%B": "MMMM",
    "%j": "D",
    "%z": "Z",
    "%%": "%",
}


def spark_date_format(strftime: str, shown: str) -> str:
    """A strftime format as a Spark datetime pattern (letters outside directives quoted)."""
    parts = re.split(r"(%.)", strftime)
    pattern = []
    for part in parts:
        if part.startswith("%") and len(part) == 2:
            if part not in STRFTIME_TO_SPARK:
                raise ProblemsFound(
                    [
                        Problem(
                            shown,
                            0,
                            f"date_format '{strftime}': {part} has no Spark equivalent; use "
                            f"{', '.join(sorted(STRFTIME_TO_SPARK))} or --engine duckdb",
                        )
                    ]
                )
            pattern.append(STRFTIME_TO_SPARK[part])
        elif part:
            pattern.append(re.sub(r"([A-Za-z]+)", r"'\1'", part.replace("'", "''")))
    return "".join(pattern)


def read_csv(
    spark: SparkSession, source: Source, path: Path, shown: str, checks: Checks
) -> tuple[DataFrame, SourceReport]:
    """One CSV file as a normalised Spark DataFrame of ``source.table``, and its accounting."""
    raw, names = _read(spark, source, path, shown)
    report = SourceReport(path=shown, format=source.format)
    classified = _classify(source, raw, names, checks, shown).persist()
    partitions, reasons = _accounting(classified)
    offsets = _offsets(partitions)
    report.rows_read = sum(partitions.values())
    lines = _first_lines(classified, offsets) if reasons else {}
    for reason, count in _name_unknown_courses(reasons):
        report.reject(reason, lines.get(reason, []), count)
    valid = classified.filter(classified[REASON].isNull()).drop(REASON)
    # Checkpointed on the executors: the engine's queries then plan against this table, not
    # against the whole reading and checking above (planning that took longer than running).
    loaded = _merge_duplicates(source.table, valid).localCheckpoint(eager=True)
    classified.unpersist()
    report.rows_loaded = loaded.count()
    report.rows_merged = report.rows_read - report.rows_rejected - report.rows_loaded
    report.tables[source.table] = report.rows_loaded
    if report.rows_read == 0:
        report.notes.append("no data rows (header only)")
    return loaded, report


def _read(
    spark: SparkSession, source: Source, path: Path, shown: str
) -> tuple[DataFrame, list[str]]:
    """The file with every cell as text, and its canonical column names (as map_columns)."""
    head = read_bytes_head(path)
    if not head.strip():
        raise ProblemsFound([Problem(shown, 0, "the file is empty; export it again from the LMS")])
    encoding = detect_encoding(head, source.encoding)
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    sep = detect_delimiter(text, source.delimiter)
    frame = (
        spark.read.option("header", True)
        .option("sep", sep)
        .option("encoding", "UTF-8" if encoding == "utf-8-sig" else encoding)
        .option("quote", '"')
        .option("escape", '"')  # RFC 4180: a quote inside quotes is doubled
        .option("mode", "PERMISSIVE")
        .option("nullValue", None)
        .csv(str(path))
    )
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


def _clean(column: Column) -> Column:
    """normalise's _clean_text: whitespace stripped, missing-value markers null."""
    from pyspark.sql import functions as F

    text = F.regexp_replace(column, r"(?U)^\s+|\s+$", "")
    return F.when(text.isin(MISSING_MARKERS), F.lit(None)).otherwise(text)


def _classify(
    source: Source, raw: DataFrame, present: list[str], checks: Checks, shown: str
) -> DataFrame:
    """Typed canonical columns, the row's line order and its first rejection reason."""
    from pyspark.sql import functions as F

    table = source.table
    kinds = TABLE_COLUMNS[table]
    cells = {c: (raw[c] if c in present else F.lit(None).cast("string")) for c in kinds}
    clean = {c: _clean(cells[c]) for c in kinds}
    reasons: list[tuple[Column, Column | str]] = []
    for column in present:
        if kinds[column] == "date":
            text = F.regexp_replace(cells[column], r"(?U)^\s+|\s+$", "")
            for pattern, what in MANGLED:
                reasons.append(
                    (
                        text.rlike(pattern),
                        f"{column} is {what}, not a date: the file went through a spreadsheet; "
                        "export the column as text (or read the .xlsx)",
                    )
                )
    for column in REQUIRED[table]:
        if kinds[column] in ("id", "text"):
            reasons.append((clean[column].isNull(), f"missing {column.replace('_', ' ')}"))
    if "course_id" in kinds:
        known = sorted(checks.course_ids)
        reasons.append(
            (
                clean["course_id"].isNotNull() & ~clean["course_id"].isin(known),
                F.concat(
                    F.lit("unknown course '"),
                    clean["course_id"],
                    F.lit("' (not in config/courses.yaml)"),
                ),
            )
        )
    typed: dict[str, Column] = {}
    for column, kind in kinds.items():
        given = clean[column].isNotNull()
        if kind == "date":
            typed[column] = _parse_date(clean[column], checks.date_format, shown)
            expected = checks.date_format or "YYYY-MM-DD"
            reasons.append(
                (given & typed[column].isNull(), f"unparseable {column} (expected {expected})")
            )
            if column in REQUIRED[table]:
                reasons.append((typed[column].isNull(), f"missing {column}"))
        elif kind in ("score", "minutes", "number"):
            typed[column] = clean[column].try_cast("double")
            reasons.append((given & typed[column].isNull(), f"{column} is not a number"))
            if kind == "score":
                reasons.append(
                    ((typed[column] < 0) | (typed[column] > 100), "score out of range 0-100")
                )
            if kind == "minutes":
                reasons.append((typed[column] < 0, "negative minutes"))
            if column in REQUIRED[table]:
                reasons.append((typed[column].isNull(), f"missing {column}"))
        else:
            typed[column] = clean[column]
    if table == "enrollments":
        typed["status"] = _status(raw, clean, typed, checks, "status" in present)
        reasons.append((typed["status"].isNull(), "unknown status"))
        reasons.append((typed["completed_on"] < typed["enrolled_on"], "completed before enrolled"))
        reasons.append((typed["withdrawn_on"] < typed["enrolled_on"], "withdrawn before enrolled"))
    if table == "surveys":
        rating = typed["rating"]
        reasons.append(((rating < 1) | (rating > 5), "rating out of range 1-5"))
    if "learner_id" in kinds:
        typed["learner_id"] = _pseudonymised(typed["learner_id"], source)
    return raw.select(
        *(typed[c].alias(c) for c in kinds),
        F.monotonically_increasing_id().alias(LINE),
        _first_reason(reasons).alias(REASON),
    )


def _first_reason(reasons: list[tuple[Column, Column | str]]) -> Column:
    from pyspark.sql import functions as F

    chain = None
    for condition, reason in reasons:
        value = F.lit(reason) if isinstance(reason, str) else reason
        hit = F.coalesce(condition, F.lit(False))  # a comparison with null rejects nothing
        chain = F.when(hit, value) if chain is None else chain.when(hit, value)
    return chain if chain is not None else F.lit(None).cast("string")


def _parse_date(text: Column, date_format: str | None, shown: str) -> Column:
    """ISO 8601 (with a time and zone, converted to UTC) or the source's date_format; the day."""
    from pyspark.sql import functions as F

    if date_format:
        parsed = F.try_to_timestamp(text, F.lit(spark_date_format(date_format, shown)))
    else:
        parsed = text.try_cast("timestamp")
    return F.to_date(parsed)


def _status(
    raw: DataFrame,
    clean: dict[str, Column],
    typed: dict[str, Column],
    checks: Checks,
    has_column: bool,
) -> Column:
    """Status text mapped; with no status in the file, derived from the dates."""
    from pyspark.sql import functions as F

    given = has_column and bool(raw.filter(clean["status"].isNotNull()).limit(1).count())
    if not given:
        return (
            F.when(typed["completed_on"].isNotNull(), "completed")
            .when(typed["withdrawn_on"].isNotNull(), "withdrawn")
            .otherwise("enrolled")
        )
    lookup = {k.strip().lower(): v for k, v in checks.status_values.items()}
    lookup.update({s: s for s in STATUS_ORDER} | {"in progress": "in_progress"})
    mapping = F.create_map(*(F.lit(x) for pair in sorted(lookup.items()) for x in pair))
    return mapping[F.lower(clean["status"])]


def _pseudonymised(learner: Column, source: Source) -> Column:
    """The pandas path's pseudonyms (generator/pseudonym.py) with Spark's own functions, so
    no Python worker starts: keyed HMAC-SHA256 of every id, or of e-mail ids without a key."""
    from pyspark.sql import functions as F

    key = pseudonym_key() if source.options.get("pseudonymise", True) else None
    hashed = F.concat(F.lit("p-"), F.substring(_hmac_sha256(learner, key or UNKEYED), 1, 16))
    if key is not None:
        return F.when(learner.isNotNull(), hashed)
    return F.when(learner.contains("@"), hashed).otherwise(learner)


def _hmac_sha256(message: Column, key: bytes) -> Column:
    """RFC 2104 over sha2(): H((K ^ opad) || H((K ^ ipad) || m)), as lowercase hex."""
    from pyspark.sql import functions as F

    block = hashlib.sha256(key).digest() if len(key) > 64 else key
    block = block.ljust(64, b"\0")
    inner_pad = bytes(b ^ 0x36 for b in block).hex()
    outer_pad = bytes(b ^ 0x5C for b in block).hex()
    inner = F.sha2(F.concat(F.unhex(F.lit(inner_pad)), F.encode(message, "UTF-8")), 256)
    return F.sha2(F.concat(F.unhex(F.lit(outer_pad)), F.unhex(inner)), 256)


def _accounting(classified: DataFrame) -> tuple[dict[int, int], dict[str, int]]:
    """Rows per input partition (for line numbers) and per rejection reason, in one job."""
    from pyspark.sql import functions as F

    partition = F.shiftright(classified[LINE], ROW_BITS).alias("partition")
    rows = classified.groupBy(partition, classified[REASON]).count().collect()
    partitions: dict[int, int] = {}
    reasons: dict[str, int] = {}
    for row in rows:
        partitions[int(row["partition"])] = partitions.get(int(row["partition"]), 0) + row["count"]
        if row[REASON] is not None:
            reasons[row[REASON]] = reasons.get(row[REASON], 0) + int(row["count"])
    return partitions, reasons


def _offsets(partitions: dict[int, int]) -> dict[int, int]:
    """The first line of each partition: partitions of one file are its splits in order."""
    offsets, line = {}, 2  # line 1 is the header
    for index in sorted(partitions):
        offsets[index] = line
        line += partitions[index]
    return offsets


def _line(row_id: int, offsets: dict[int, int]) -> int:
    return offsets[row_id >> ROW_BITS] + (row_id & ((1 << ROW_BITS) - 1))


def _first_lines(classified: DataFrame, offsets: dict[int, int]) -> dict[str, list[int]]:
    """The first lines of each reason (a sort of the rejected rows only)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    rejected = classified.filter(classified[REASON].isNotNull()).select(REASON, LINE)
    order = Window.partitionBy(REASON).orderBy(LINE)
    first = rejected.withColumn("n", F.row_number().over(order)).filter(F.col("n") <= FIRST_LINES)
    lines: dict[str, list[int]] = {}
    for row in first.collect():
        lines.setdefault(row[REASON], []).append(_line(int(row[LINE]), offsets))
    return lines


def _name_unknown_courses(reasons: dict[str, int]) -> list[tuple[str, int]]:
    """As normalise: the first 20 unknown course ids (sorted) named, the rest counted together."""
    unknown = sorted(r for r in reasons if r.startswith("unknown course '"))
    rest = unknown[UNKNOWN_COURSES_NAMED:]
    counted = [(r, n) for r, n in reasons.items() if r not in rest]
    if rest:
        counted.append(
            ("unknown course (not in config/courses.yaml)", sum(reasons[r] for r in rest))
        )
    return sorted(counted)


def _merge_duplicates(table: str, valid: DataFrame) -> DataFrame:
    """One row per key: the most advanced status, then the latest line of the export."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    keys = KEYS[table]
    if not keys:
        return valid.drop(LINE)
    rank = (
        F.create_map(*(F.lit(x) for pair in STATUS_ORDER.items() for x in pair))[valid["status"]]
        if "status" in valid.columns
        else F.lit(0)
    )
    order = Window.partitionBy(*keys).orderBy(rank.desc(), F.col(LINE).desc())
    numbered = valid.withColumn("_n", F.row_number().over(order))
    return numbered.filter(F.col("_n") == 1).drop("_n", LINE)
