"""ingest.canonical.normalise as Spark column expressions: the rows stay on the executors.

The readers (generator/ingest/spark/csv.py for generic CSV and parquet, generator/ingest/spark/xapi.py for xAPI
JSON lines) hand over a DataFrame of canonical columns; ``normalise`` gives each row the first
reason (in normalise's order) that rejects it, or none, and merges duplicates by a window over
the table's key (most advanced status, then the latest line). Only the counts per reason, the
first lines of each, and the merged count with the first lines merged away come back to the
driver.

Columns may come as text (CSV) or typed (parquet, xAPI): a date, timestamp or number column is
taken as it is, as normalise takes pandas datetime and numeric columns.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import TYPE_CHECKING

from generator.domain.errors import Problem, ProblemsFound
from generator.domain.tables import PERIOD_PATTERN, WORDS
from generator.domain.values import MISSING_MARKERS as VALUE_MISSING_MARKERS
from generator.domain.values import NAME_KINDS, TRAILING_OFFSET_PATTERN, UTC_OFFSET_PATTERN
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
    duplicate_reason,
    not_finite,
    not_utf8,
    outside_window,
)
from generator.ingest.pseudonym import UNKEYED, pseudonym_key
from generator.ingest.workforce_checks import (
    EFFECTIVE_BEFORE_HIRED,
    LEAVING_WITHOUT_LEFT_ON,
    LEFT_BEFORE_HIRED,
    PERIOD_NOT_FISCAL,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np
    from pyspark.sql import Column, DataFrame

    from generator.config import Source

MISSING_MARKERS = list(VALUE_MISSING_MARKERS)
REASON = "_reason"
MERGED = "_merged"  # the row id of a row merged into another of its key, null for the one kept
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


def normalise(
    source: Source,
    raw: DataFrame,
    present: list[str],
    checks: Checks,
    shown: str,
    report: SourceReport,
    *,
    first_line: int | None,
    record_lines: Callable[[int], np.ndarray | None] | None = None,
    spreadsheet_dates: bool = False,
    status_given: bool | None = None,
) -> tuple[DataFrame, int]:
    """The loaded rows of ``raw`` (canonical columns ``present``) and how many rows it had;
    rejections, merges and loaded rows are added to ``report``.

    ``first_line``: the rows are numbered here, in the order of the file, from this line (2 for
    a CSV with its header, 1 for parquet); None: ``raw`` has its own ``_line`` column.
    ``record_lines``: for a CSV whose records may span lines (read with multiLine), the line
    each of the file's rows starts on given their number, or None when each is one line
    (textfile.record_lines: run on the driver, and only when there are lines to report).
    ``spreadsheet_dates``: reject text dates a spreadsheet mangled first (the generic adapter).
    ``status_given``: whether the status column holds values (None: look).
    """
    table = source.table
    classified = _classify(
        source, raw, present, checks, shown, spreadsheet_dates, status_given
    ).persist()
    partitions, reasons = _accounting(classified)
    rows = sum(partitions.values())
    line_of = _line_numbers(partitions, first_line, rows, record_lines)
    lines = _first_lines(classified, line_of) if reasons else {}
    rejected = 0
    dates = [c for c, kind in TABLE_COLUMNS[table].items() if kind == "date"]
    for reason, count in _name_unknown_courses(reasons, dates, checks.window):
        report.reject(reason, lines.get(reason, []), count)
        rejected += count
    valid = classified.filter(classified[REASON].isNull()).drop(REASON)
    # Checkpointed on the executors: the engine's queries then plan against this table, not
    # against the whole reading and checking above (planning that took longer than running).
    # The rows merged away are kept in it (with their row id) for their first lines.
    kept = _merge_duplicates(table, valid).localCheckpoint(eager=True)
    classified.unpersist()
    loaded = kept.filter(kept[MERGED].isNull()).drop(MERGED) if MERGED in kept.columns else kept
    count = loaded.count()
    report.rows_loaded += count
    merged = rows - rejected - count
    report.merge(duplicate_reason(table), _merged_lines(kept, line_of) if merged else [], merged)
    report.tables[table] = report.tables.get(table, 0) + count
    return loaded, rows


def _line_numbers(
    partitions: dict[int, int],
    first_line: int | None,
    rows: int,
    record_lines: Callable[[int], np.ndarray | None] | None,
) -> Callable[[int], int]:
    """A row's line from its row id: its own ``_line`` (``first_line`` None), else its number
    in the file from ``first_line``, mapped to the line it starts on by ``record_lines`` (asked
    once, at the first line reported)."""
    if first_line is None:
        return int
    offsets = _offsets(partitions, first_line)
    starts: list[np.ndarray | None] = []

    def line_of(row_id: int) -> int:
        number = _line(row_id, offsets)
        if record_lines is None:
            return number
        if not starts:
            starts.append(record_lines(rows))
        return number if starts[0] is None else int(starts[0][number - first_line])

    return line_of


def _clean(column: Column, kind: str) -> Column:
    """values.clean_cells: whitespace stripped; missing-value markers null, or for a name
    only an empty cell ("NA" is a department's name)."""
    from pyspark.sql import functions as F

    text = F.regexp_replace(column, r"(?U)^\s+|\s+$", "")
    markers = [""] if kind in NAME_KINDS else MISSING_MARKERS
    return F.when(text.isin(markers), F.lit(None)).otherwise(text)


def _typed_kind(raw: DataFrame, column: str, kind: str) -> str:
    """'date' or 'number' for a column that comes typed for its kind, else 'text'."""
    from pyspark.sql import types as T

    spark_type = raw.schema[column].dataType
    if kind == "date" and isinstance(spark_type, T.DateType | T.TimestampType | T.TimestampNTZType):
        return "date"
    if kind in ("score", "minutes", "number") and isinstance(spark_type, T.NumericType):
        return "number"
    return "text"


def _text(raw: DataFrame, column: str) -> Column:
    from pyspark.sql import types as T

    if isinstance(raw.schema[column].dataType, T.StringType):
        return raw[column]
    return raw[column].cast("string")


def _classify(
    source: Source,
    raw: DataFrame,
    present: list[str],
    checks: Checks,
    shown: str,
    spreadsheet_dates: bool,
    status_given: bool | None,
) -> DataFrame:
    """Typed canonical columns, the row's line order and its first rejection reason."""
    from pyspark.sql import functions as F

    table = source.table
    kinds = TABLE_COLUMNS[table]
    typed_in = {c: _typed_kind(raw, c, kinds[c]) for c in present}
    cells = {
        c: _text(raw, c) if typed_in.get(c) == "text" else F.lit(None).cast("string") for c in kinds
    }
    clean = {c: _clean(cells[c], kinds[c]) for c in kinds}
    reasons: list[tuple[Column, Column | str]] = [
        (~F.is_valid_utf8(cells[c]), not_utf8(c)) for c in present if typed_in[c] == "text"
    ]
    if spreadsheet_dates:
        for column in present:
            if kinds[column] == "date" and typed_in[column] == "text":
                text = F.regexp_replace(cells[column], r"(?U)^\s+|\s+$", "")
                for pattern, what in MANGLED:
                    reasons.append(
                        (
                            text.rlike(pattern),
                            f"{column} is {what}, not a date: the file went through a "
                            "spreadsheet; export the column as text (or read the .xlsx)",
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
    staged: dict[str, Column] = {}  # the parsed dates, computed before the checks
    for column, kind in kinds.items():
        given = clean[column].isNotNull()
        as_is = typed_in.get(column, "text") != "text"
        if kind == "date":
            if as_is:
                staged[f"_day_{column}"] = F.to_date(raw[column])
                typed[column] = F.col(f"_day_{column}")
            else:
                staged[f"_day_{column}"] = _parse_date(clean[column], checks.date_format, shown)
                typed[column] = F.col(f"_day_{column}")
                expected = checks.date_format or "YYYY-MM-DD"
                reasons.append(
                    (given & typed[column].isNull(), f"unparseable {column} (expected {expected})")
                )
            if column in REQUIRED[table]:
                reasons.append((typed[column].isNull(), f"missing {column}"))
            reasons.append(_outside_window(column, typed[column], checks.window))
        elif kind in ("score", "minutes", "number"):
            if as_is:
                number = raw[column].cast("double")
                # A NaN in a float column is a missing value, as in pandas.
                typed[column] = F.when(~F.isnan(number), number)
            else:
                # 'NaN' casts to NaN, which pandas' to_numeric reads as no number
                number = clean[column].try_cast("double")
                typed[column] = F.when(~F.isnan(number), number)
                reasons.append((given & typed[column].isNull(), f"{column} is not a number"))
            infinite = typed[column].isin(float("inf"), float("-inf"))
            reasons.append((infinite, not_finite(column)))
            if kind == "score":
                reasons.append(
                    ((typed[column] < 0) | (typed[column] > 100), "score out of range 0-100")
                )
            if kind == "minutes":
                reasons.append((typed[column] < 0, "negative minutes"))
            if column in REQUIRED[table]:
                reasons.append((typed[column].isNull(), f"missing {column}"))
        elif kind in WORDS:
            what, words = WORDS[kind]
            typed[column] = F.lower(clean[column])
            reasons.append(
                (
                    given & ~typed[column].isin(list(words)),
                    f"unknown {what} (expected {', '.join(words)})",
                )
            )
        else:
            typed[column] = clean[column]
    if table == "enrollments":
        if status_given is None:
            status_given = "status" in present and bool(
                raw.filter(clean["status"].isNotNull()).limit(1).count()
            )
        typed["status"] = _status(clean, typed, checks, status_given)
        reasons.append((typed["status"].isNull(), "unknown status"))
        reasons.append((typed["completed_on"] < typed["enrolled_on"], "completed before enrolled"))
        reasons.append((typed["withdrawn_on"] < typed["enrolled_on"], "withdrawn before enrolled"))
    if table == "surveys":
        rating = typed["rating"]
        reasons.append(((rating < 1) | (rating > 5), "rating out of range 1-5"))
    if table == "roster":
        reasons += _roster_reasons(typed)
        typed["effective_on"] = F.coalesce(typed["effective_on"], typed["hired_on"])
    if table == "kpis":
        reasons += _kpi_reasons(typed)
    if "learner_id" in kinds:
        typed["learner_id"] = _pseudonymised(typed["learner_id"], source)
    line = raw[LINE] if LINE in raw.columns else F.monotonically_increasing_id()
    # Each date parsed once, in a projection of its own: inlined into every reason that tests
    # it, the parsing made the generated code too large for Java to compile.
    return raw.withColumns(staged).select(
        *(typed[c].alias(c) for c in kinds),
        line.alias(LINE),
        _first_reason(reasons).alias(REASON),
    )


def _roster_reasons(typed: dict[str, Column]) -> list[tuple[Column, Column | str]]:
    """workforce_checks.check_roster's reasons, in its order."""
    hired, left = typed["hired_on"], typed["left_on"]
    return [
        (left < hired, LEFT_BEFORE_HIRED),
        (typed["leaving"].isNotNull() & left.isNull(), LEAVING_WITHOUT_LEFT_ON),
        (typed["effective_on"] < hired, EFFECTIVE_BEFORE_HIRED),
    ]


def _kpi_reasons(typed: dict[str, Column]) -> list[tuple[Column, Column | str]]:
    """workforce_checks.check_kpis's reasons, in its order."""
    period = typed["period"]
    return [
        (period.isNotNull() & ~period.rlike(PERIOD_PATTERN), PERIOD_NOT_FISCAL),
    ]


def _outside_window(
    column: str, day: Column, window: tuple[date, date]
) -> tuple[Column, Column | str]:
    """canonical.outside_window's reason for a day outside the plausible window."""
    from pyspark.sql import functions as F

    first, last = window
    before, after = outside_window(column, window, "\0").split("\0")
    return (
        (day < F.lit(first)) | (day > F.lit(last)),
        F.concat(F.lit(before), F.date_format(day, "yyyy-MM-dd"), F.lit(after)),
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
    """ISO 8601 (a time with a UTC offset on its local day) or the source's date_format; the
    day."""
    from pyspark.sql import functions as F

    # The offset dropped, as values.local_times: a time counts on its local calendar date.
    if date_format and "%z" in date_format:
        date_format = re.sub(r"\s*%z", "", date_format)
        text = F.regexp_replace(text, TRAILING_OFFSET_PATTERN, "")
    if date_format:
        parsed = F.try_to_timestamp(text, F.lit(spark_date_format(date_format, shown)))
    else:
        parsed = F.regexp_replace(text, UTC_OFFSET_PATTERN, "$1").try_cast("timestamp")
    return F.to_date(parsed)


def _status(
    clean: dict[str, Column], typed: dict[str, Column], checks: Checks, given: bool
) -> Column:
    """Status text mapped; with no status in the file, derived from the dates."""
    from pyspark.sql import functions as F

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
    """The pandas path's pseudonyms (generator/ingest/pseudonym.py) with Spark's own functions, so
    no Python worker starts: keyed HMAC-SHA256 of every id, or of e-mail ids without a key."""
    from pyspark.sql import functions as F

    key = pseudonym_key() if source.options.get("pseudonymise", True) else None
    hashed = pseudonym(learner, key or UNKEYED)
    if key is not None:
        return F.when(learner.isNotNull(), hashed)
    return F.when(learner.contains("@"), hashed).otherwise(learner)


def pseudonym(value: Column, key: bytes) -> Column:
    """generator.ingest.pseudonym.pseudonym: 'p-' and the first 16 hex digits of the HMAC."""
    from pyspark.sql import functions as F

    return F.concat(F.lit("p-"), F.substring(_hmac_sha256(value, key), 1, 16))


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


def _offsets(partitions: dict[int, int], first_line: int) -> dict[int, int]:
    """The first line of each partition: partitions of one file are its splits in order."""
    offsets, line = {}, first_line
    for index in sorted(partitions):
        offsets[index] = line
        line += partitions[index]
    return offsets


def _line(row_id: int, offsets: dict[int, int]) -> int:
    return offsets[row_id >> ROW_BITS] + (row_id & ((1 << ROW_BITS) - 1))


def _first_lines(classified: DataFrame, line_of: Callable[[int], int]) -> dict[str, list[int]]:
    """The first lines of each reason (a sort of the rejected rows only)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    rejected = classified.filter(classified[REASON].isNotNull()).select(REASON, LINE)
    order = Window.partitionBy(REASON).orderBy(LINE)
    first = rejected.withColumn("n", F.row_number().over(order)).filter(F.col("n") <= FIRST_LINES)
    lines: dict[str, list[int]] = {}
    for row in first.collect():
        lines.setdefault(row[REASON], []).append(line_of(int(row[LINE])))
    return lines


def _name_unknown_courses(
    reasons: dict[str, int], dates: list[str], window: tuple[date, date]
) -> list[tuple[str, int]]:
    """As normalise: the first 20 unknown course ids (sorted) named, the rest counted together;
    and so the first 20 days outside the plausible window of each date column in ``dates``."""
    groups = [(re.compile(r"^unknown course '"), "unknown course (not in config/courses.yaml)")]
    for column in dates:
        before, after = outside_window(column, window, "\0").split("\0")
        named = re.compile(f"^{re.escape(before)}\\S+{re.escape(after)}$")
        groups.append((named, outside_window(column, window)))
    counted = dict(reasons)
    for named, shared in groups:
        rest = sorted(r for r in counted if named.match(r))[UNKNOWN_COURSES_NAMED:]
        if rest:
            counted[shared] = counted.get(shared, 0) + sum(counted.pop(r) for r in rest)
    return sorted(counted.items())


def _merge_duplicates(table: str, valid: DataFrame) -> DataFrame:
    """The rows with ``MERGED``: null for the one row kept per key (the most advanced status,
    then the latest line of the export), the row id for the others (tables without a key: no
    ``MERGED``, every row kept)."""
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
    merged = F.when(F.row_number().over(order) > 1, F.col(LINE))
    return valid.select(*(c for c in valid.columns if c != LINE), merged.alias(MERGED))


def _merged_lines(kept: DataFrame, line_of: Callable[[int], int]) -> list[int]:
    """The first lines of the rows merged away (a sort of those rows only)."""
    merged = kept.filter(kept[MERGED].isNotNull()).select(MERGED)
    return [line_of(int(row[0])) for row in merged.orderBy(MERGED).limit(FIRST_LINES).collect()]
