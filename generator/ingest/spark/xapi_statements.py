"""Each line of an xAPI JSON-lines source as one statement row, in Spark SQL: its fields as
generator/ingest/adapters/xapi.py reads them (learner, course, registration, verb, time, score,
minutes; ``xapi._name`` below is that module's function), the first reason that rejects it, and
whether it holds anything these expressions do not follow as Python does (then
generator/ingest/spark/xapi.py leaves the source to the pandas path).

Spark's parser accepts text after a complete value (``{...} x``); each line is therefore parsed
inside an array with a sentinel after it, so that such a line is rejected as Python rejects it.

The expressions are SQL text, a few select lists in stages, rather than Column objects: each
Column built is a call into the JVM, and PySpark records where each was made.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from generator.ingest.pseudonym import UNKEYED, pseudonym_key
from generator.ingest.spark.normalise import REASON, pseudonym

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

    from generator.config import Source

INVALID = "invalid JSON"  # placeholder; the driver writes Python's message for each line
SENTINEL = "end of the line 7d3f0c"  # no statement holds it as a whole value
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


LEAVES = {  # the values xapi.py (the pandas adapter) reads, by JSON path
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


def statement_rows(numbered: DataFrame, source: Source) -> DataFrame:
    """Each line as a statement row: its fields, the first reason that rejects it, and whether
    a rule is not followed here (``_unusual``: the source is then read by pandas)."""
    from pyspark.sql import functions as F

    # Each line parsed once, inside an array with a sentinel after it (see the module's docstring).
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
