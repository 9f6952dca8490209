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

Spark's parser accepts text after a complete value (``{...} x``); each line is therefore parsed
inside an array with a sentinel after it, so that such a line is rejected as Python rejects it.
"""

from __future__ import annotations

import json
import logging
import re
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from generator.ingest.adapters.xapi import COMPLETING, FOLDED, SUFFIXES, VERB_STATUS
from generator.ingest.canonical import (
    FIRST_LINES,
    LINE,
    STATUS_ORDER,
    Checks,
    Files,
    SourceReport,
)
from generator.ingest.pseudonym import UNKEYED, pseudonym_key
from generator.ingest.spark.normalise import REASON, ROW_BITS, normalise, pseudonym
from generator.ingest.textfile import read_bytes_head

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

    from generator.config import Source

log = logging.getLogger(__name__)

INVALID = "invalid JSON"  # placeholder; the driver writes Python's message for each line
SENTINEL = "end of the line 7d3f0c"  # no statement holds it as a whole value
BLANK = r"^[\s\x1c-\x1f]*$"  # str.strip()'s whitespace: Unicode White_Space and \x1c-\x1f
PYTHON_LINE_BREAKS = "[\\x0b\\x0c\\x1c\\x1d\\x1e\\x85\\u2028\\u2029]"
SAFE_TIMESTAMP = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)?)?\z"
# isodate's ISO8601_PERIOD_REGEX; (?!\b) after P there means "a digit or T follows".
NUMBER = r"([0-9]+(?:[,.][0-9]+)?)"
DURATION = (
    rf"^([+-])?P(?=[0-9T])(?:{NUMBER}Y)?(?:{NUMBER}M)?(?:{NUMBER}W)?(?:{NUMBER}D)?"
    rf"(?:T(?:{NUMBER}H)?(?:{NUMBER}M)?(?:{NUMBER}S)?)?\z"
)
DURATION_PARTS = {  # regex group -> microseconds per unit
    4: 7 * 86_400_000_000,
    5: 86_400_000_000,
    6: 3_600_000_000,
    7: 60_000_000,
    8: 1_000_000,
}
PLAIN_REPR = r"^[\x20-\x26\x28-\x5b\x5d-\x7e]*\z"  # repr() is the text in single quotes


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
    statements = _statements(numbered, source).persist()
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
            except json.JSONDecodeError as error:
                file = index[file_uri]
                where = f"{names[file]} line {number - starts[file]}"
                report.reject(f"invalid JSON ({where} column {error.colno}: {error.msg})", [number])
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


# ---------------------------------------------------------------- one statement
# Written as SQL text, a few select lists in stages: built as Column objects, the expressions
# took some 6,000 calls into the JVM for each source (PySpark records where each was made).

LEAVES = {  # the values xapi.py reads, by JSON path
    "verb_id": "$.verb.id",
    "account_name": "$.actor.account.name",
    "mbox": "$.actor.mbox",
    "mbox_sha1sum": "$.actor.mbox_sha1sum",
    "openid": "$.actor.openid",
    "object_id": "$.object.id",
    "registration": "$.context.registration",
    "activities": "$.context.contextActivities",
    "timestamp": "$.timestamp",
    "stored": "$.stored",
    "duration": "$.result.duration",
    "scaled": "$.result.score.scaled",
    "raw": "$.result.score.raw",
    "min": "$.result.score.min",
    "max": "$.result.score.max",
}
SCORE_PARTS = ("scaled", "raw", "min", "max")
INTEGER_KINDS = "'BIGINT', 'INT', 'SMALLINT', 'TINYINT'"


def _sql_text(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _truthy(kind: str, text: str, integers: bool) -> str:
    """SQL for str(value) where Python's ``if value`` holds, else null, from the value's JSON
    type (schema_of_variant: STRING, BIGINT, DECIMAL(p,s), DOUBLE, BOOLEAN, VOID for null,
    OBJECT<...>, ARRAY<...>; null when the key is missing) and its text."""
    numbers = f"WHEN {kind} IN ({INTEGER_KINDS}) AND {text} != '0' THEN {text} " if integers else ""
    return f"CASE WHEN {kind} = 'STRING' AND {text} != '' THEN {text} {numbers}END"


def _odd(kind: str, integers: bool) -> str:
    """SQL: the value is of a type whose str() or truth these rules do not follow."""
    allowed = "'VOID', 'STRING'" + (f", {INTEGER_KINDS}" if integers else "")
    return f"coalesce({kind} NOT IN ({allowed}), false)"


def _inline(value: str, integers: bool) -> tuple[str, str]:
    kind = f"schema_of_variant({value})"
    text = f"try_variant_get({value}, '$', 'string')"
    return _truthy(kind, text, integers), _odd(kind, integers)


def _leaf(name: str, integers: bool) -> str:
    return _truthy(f"k_{name}", f"t_{name}", integers)


def _statements(numbered: DataFrame, source: Source) -> DataFrame:
    """Each line as a statement row: its fields, the first reason that rejects it, and whether
    a rule is not followed here (``_unusual``: the source is then read by pandas)."""
    from pyspark.sql import functions as F

    # Each line parsed once, inside an array with a sentinel after it (see the docstring).
    wrapped = F.try_parse_json(
        F.concat(F.lit("["), F.col("_text"), F.lit("\n," + json.dumps(SENTINEL) + "]"))
    )
    frame = numbered.select("*", wrapped.alias("_w")).selectExpr(
        "*",
        "_w IS NOT NULL AND try_variant_get(_w, '$[1]', 'string') = "
        f"{_sql_text(SENTINEL)} AND try_variant_get(_w, '$[2]', 'variant') IS NULL AS _parsed",
    )
    frame = frame.selectExpr("*", "CASE WHEN _parsed THEN try_variant_get(_w, '$[0]') END AS _s")
    # The values, their JSON types and text; the activities of the context as arrays.
    activities = "try_variant_get(_s, '$.context.contextActivities.{0}', '{1}')"
    frame = frame.selectExpr(
        "*",
        *(f"try_variant_get(_s, '{path}', 'variant') AS v_{name}" for name, path in LEAVES.items()),
        "try_variant_get(_s, '$.actor', 'variant') IS NOT NULL"
        " OR try_variant_get(_s, '$.verb', 'variant') IS NOT NULL"
        " OR try_variant_get(_s, '$.object', 'variant') IS NOT NULL AS _statement_like",
        *(
            f"coalesce({activities.format(group, 'array<variant>')}, "
            f"array({activities.format(group, 'variant')})) AS e_{group}"
            for group in ("parent", "grouping")
        ),
    )
    frame = frame.selectExpr(
        "*",
        *(f"schema_of_variant(v_{name}) AS k_{name}" for name in LEAVES),
        *(f"try_variant_get(v_{name}, '$', 'string') AS t_{name}" for name in LEAVES),
        *(
            f"CASE WHEN k_{name} IN ({INTEGER_KINDS}, 'DOUBLE', 'FLOAT') OR k_{name} LIKE "
            f"'DECIMAL%' THEN try_variant_get(v_{name}, '$', 'double') END AS d_{name}"
            for name in SCORE_PARTS
        ),
    )
    entry_id, odd_entry_id = _inline("try_variant_get(e, '$.id', 'variant')", integers=True)
    frame = frame.selectExpr(
        "*",
        f"{_leaf('verb_id', False)} AS _verb_id",
        f"{_leaf('account_name', True)} AS _account",
        *(f"{_leaf(name, True)} AS _{name}" for name in ("mbox", "mbox_sha1sum", "openid")),
        f"{_leaf('object_id', True)} AS _object_id",
        f"coalesce({_leaf('timestamp', False)}, {_leaf('stored', False)}) AS _when",
        "CASE WHEN k_duration = 'STRING' THEN t_duration END AS _duration",
        "concat(array("
        + _leaf("object_id", True)
        + "), "
        + ", ".join(
            f"filter(transform(e_{group}, e -> {entry_id}), i -> i IS NOT NULL)"
            for group in ("parent", "grouping")
        )
        + ") AS _candidates",
        " OR ".join(
            [
                _odd("k_verb_id", integers=False),
                *(_odd(f"k_{n}", True) for n in ("account_name", "mbox", "mbox_sha1sum")),
                _odd("k_openid", True),
                _odd("k_object_id", True),
                _odd("k_registration", False),
                _odd("k_timestamp", False),
                _odd("k_stored", False),
                _odd("k_duration", False),
                "coalesce(k_activities NOT LIKE 'OBJECT%' AND k_activities != 'VOID', false)",
                *(
                    f"coalesce(exists(e_{group}, e -> {odd_entry_id}), false)"
                    for group in ("parent", "grouping")
                ),
                *(f"coalesce(k_{n} IN ('STRING', 'BOOLEAN'), false)" for n in SCORE_PARTS),
            ]
        )
        + " AS _odd_values",
    )
    key = pseudonym_key() or UNKEYED
    learner = F.coalesce(
        F.col("_account"),
        *(pseudonym(F.col(f"_{name}"), key) for name in ("mbox", "mbox_sha1sum", "openid")),
    )  # hashed here: an e-mail address never reaches a table
    frame = frame.select("*", learner.alias("_learner"), _course(source).alias("_course"))
    minutes, bad_duration, odd_duration = _minutes()
    frame = frame.selectExpr(
        "*",
        f"{minutes} AS _minutes",
        f"{bad_duration} AS _bad_duration",
        f"{odd_duration} AS _odd_duration",
    )
    reasons = [
        ("_blank", "NULL"),  # not a statement: only numbered
        ("NOT _parsed", _sql_text(INVALID)),
        ("NOT _statement_like", _sql_text("not an xAPI statement (no actor, verb or object)")),
        ("_verb_id IS NULL", _sql_text("statement has no verb id")),
        (
            "_learner IS NULL",
            _sql_text("statement has no identified actor (account, mbox, mbox_sha1sum or openid)"),
        ),
        ("_object_id IS NULL", _sql_text("statement has no object id")),
        ("_bad_duration IS NOT NULL", "_bad_duration"),
    ]
    reason = "CASE " + " ".join(f"WHEN {when} THEN {then}" for when, then in reasons) + " END"
    unusual = (
        f"NOT _blank AND _parsed AND (_odd_values OR _odd_duration"
        f" OR coalesce(NOT _when RLIKE r'{SAFE_TIMESTAMP}', false))"
    )
    return frame.selectExpr(
        "_file",
        "_id",
        "_odd",
        "_blank",
        "CASE WHEN NOT _parsed THEN _text END AS _text",
        f"{reason} AS {REASON}",
        f"{unusual} AS _unusual",
        "_learner AS learner_id",
        "_course AS course_id",
        "coalesce(CASE WHEN k_registration = 'STRING' THEN t_registration END, '') AS offering",
        r"regexp_extract(regexp_replace(_verb_id, r'/+\z', ''), r'([^/]*)\z', 1) AS verb",
        "try_cast(_when AS TIMESTAMP) AS when",
        f"{_score()} AS score",
        "_minutes AS minutes",
    )


def _course(source: Source) -> Column:
    """xapi._course: the object id, then contextActivities parent and grouping ids
    (``_candidates``), looked up in options.course_map (exactly, then by a prefix ending in
    '/'); else the source's course_id or the object id."""
    from pyspark.sql import functions as F

    candidates = F.col("_candidates")
    mapping = {str(k): str(v) for k, v in source.options.get("course_map", {}).items()}
    fallback = F.lit(source.course_id) if source.course_id else F.get(candidates, 0)
    if not mapping:
        return fallback
    exact = F.create_map(*(F.lit(x) for pair in mapping.items() for x in pair))
    course = exact[F.get(F.filter(candidates, lambda c: F.map_contains_key(exact, c)), 0)]
    prefixes = [(p, c) for p, c in mapping.items() if p.endswith("/")]
    if prefixes:

        def by_prefix(candidate: Column) -> Column:
            chain = None
            for prefix, target in prefixes:
                hit = candidate.startswith(prefix)
                chain = F.when(hit, target) if chain is None else chain.when(hit, target)
            assert chain is not None
            return chain

        matched = F.filter(F.transform(candidates, by_prefix), lambda c: c.isNotNull())
        course = F.coalesce(course, F.get(matched, 0))
    return F.coalesce(course, fallback)


def _minutes() -> tuple[str, str, str]:
    """SQL for xapi._minutes over ``_duration``: the minutes; the rejection reason of a
    duration that is not ISO 8601; whether the duration is one left to pandas."""
    part = f"regexp_extract(_duration, r'{DURATION}', {{0}})"
    number = f"try_cast(replace({part}, ',', '.') AS DECIMAL(16, 6))"
    matches = f"_duration RLIKE r'{DURATION}'"
    total = " + ".join(
        f"coalesce({number.format(group)}, 0) * {microseconds}"
        for group, microseconds in DURATION_PARTS.items()
    )
    exact = f"abs({total}) < {2**53}"
    sign = f"CASE WHEN {part.format(1)} = '-' THEN -1 ELSE 1 END"
    minutes = (
        f"CASE WHEN {matches} AND {exact} THEN "
        f"{sign} * CAST(CAST({total} AS BIGINT) AS DOUBLE) / 1e6 / 60 END"
    )
    invalid = f"_duration IS NOT NULL AND NOT {matches}"
    before, after = _sql_text("result.duration is not ISO 8601 ('"), _sql_text("')")
    reason = f"CASE WHEN {invalid} THEN concat({before}, _duration, {after}) END"
    odd = [
        r"_duration RLIKE r'[\n\r\x85\u2028\u2029]'",
        *(  # years, months: a calendar-dependent Duration
            f"({matches} AND {part.format(g)} != '' AND "
            f"try_cast(replace({part.format(g)}, ',', '.') AS DECIMAL(38, 6)) != 0)"
            for g in (2, 3)
        ),
        *(
            f"({matches} AND {part.format(g)} RLIKE r'^[0-9]{{10,}}|[,.][0-9]{{7,}}$')"
            for g in DURATION_PARTS
        ),
        f"({matches} AND NOT {exact})",
        f"({invalid} AND (_duration LIKE 'P%' OR NOT _duration RLIKE r'{PLAIN_REPR}'))",
    ]
    return minutes, reason, "coalesce(" + " OR ".join(odd) + ", false)"


def _score() -> str:
    """SQL for xapi._score: result.score scaled × 100, else (raw − min)/(max − min) × 100, else
    raw; null where float() raises TypeError (an object or array)."""

    def given(name: str) -> str:
        return f"(k_{name} IS NOT NULL AND k_{name} != 'VOID')"

    def fails(name: str) -> str:
        return f"(k_{name} LIKE 'OBJECT%' OR k_{name} LIKE 'ARRAY%')"

    ranged = f"{given('min')} AND {given('max')}"
    return (
        f"CASE WHEN {given('scaled')} THEN CASE WHEN NOT {fails('scaled')} THEN d_scaled * 100 END"
        f" WHEN NOT {given('raw')} THEN NULL"
        f" WHEN {ranged} AND ({fails('min')} OR {fails('max')}) THEN NULL"
        f" WHEN {ranged} AND d_max > d_min THEN"
        f" CASE WHEN NOT {fails('raw')} THEN (d_raw - d_min) / (d_max - d_min) * 100 END"
        f" WHEN NOT {fails('raw')} THEN d_raw END"
    )


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
