"""xAPI statements (cmi5 included): a JSON array, JSON lines, one statement, or a folder of them.

One enrollment per actor × course × registration (``context.registration``, the attempt;
it becomes ``offering``). Every statement is read; the statements of one attempt after the
first are counted as merged into it; a statement that cannot be used (invalid JSON, no actor
or verb, not a statement at all) is counted as rejected with its reason and the rest go on.

- Verb: the last path segment of the verb IRI (ADL and cmi5 IRIs alike). registered ->
  enrolled; launched, initialized, terminated and any other verb -> in progress; failed ->
  failed; abandoned -> withdrawn; completed, passed, satisfied, waived -> completed. The
  attempt's status is the most advanced one (completed > failed > withdrawn > in progress).
- Dates: enrolled_on = the first statement's timestamp; completed_on = the first completing
  statement's; withdrawn_on = the abandonment's (UTC dates).
- score = the last scored statement's result.score: scaled × 100, else (raw − min)/(max − min)
  × 100, else raw when it lies in 0–100.
- minutes = the sum of result.duration over terminated statements (cmi5 puts the session's
  total there), or, with no terminated duration, the longest duration of the attempt.
- Course: the first of object.id, contextActivities.parent and .grouping ids found in
  ``options.course_map`` (activity IRI, or an IRI prefix ending in '/', -> course id), else
  ``course_id`` of the source, else the object id itself (then reported as an unknown course).
- Learner: actor.account.name; else mbox / mbox_sha1sum / openid, pseudonymised with the
  project's key (an e-mail address never enters the tables). Group actors use the group's
  own identifier.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import isodate
import pandas as pd

from generator.config import Source
from generator.ingest.canonical import LINE, STATUS_ORDER
from generator.ingest.exports import Accounting, fail
from generator.pseudonym import UNKEYED, pseudonym, pseudonym_key

VERB_STATUS = {
    "registered": "enrolled",
    "failed": "failed",
    "abandoned": "withdrawn",
    "completed": "completed",
    "passed": "completed",
    "satisfied": "completed",
    "waived": "completed",
}
COMPLETING = {"completed", "passed", "satisfied", "waived"}
SUFFIXES = {".json", ".jsonl", ".ndjson"}


@dataclass
class Document:
    """One JSON value read from the input, or why it could not be read."""

    index: int
    value: Any = None
    error: str | None = None


def read_xapi(source: Source, path: Path, shown: str) -> dict[str, pd.DataFrame]:
    documents = list(_documents(path, shown))
    account = Accounting(rows_read=len(documents))
    rows = []
    for document in documents:
        row, reason = _statement_row(document, source)
        if reason:
            account.reject(reason, [document.index])
        else:
            rows.append(row)
    statements = pd.DataFrame(
        rows,
        columns=[
            "learner_id",
            "course_id",
            "offering",
            "verb",
            "timestamp",
            "score",
            "minutes",
            LINE,
        ],
    )
    enrollments = _attempts(statements)
    account.merged = len(statements) - len(enrollments)
    return {"enrollments": account.attach(enrollments)}


# ---------------------------------------------------------------- reading JSON


def _documents(path: Path, shown: str) -> Iterator[Document]:
    """Every statement-like JSON value, numbered from 1 across the files in name order."""
    files = (
        sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
        if path.is_dir()
        else [path]
    )
    if not files:
        raise fail(
            shown, 0, "no .json or .jsonl files in this folder; point the source at the statements"
        )
    counter = 0
    for file in files:
        for value, error in _values(file, path):
            counter += 1
            yield Document(counter, value, error)


def _values(file: Path, root: Path) -> Iterator[tuple[Any, str | None]]:
    name = str(file.relative_to(root)) if file != root else file.name
    text = file.read_bytes().decode("utf-8-sig", errors="replace")
    if not text.strip():
        yield None, f"empty file ({name})"
        return
    try:
        value = json.loads(text)
    except json.JSONDecodeError as whole_error:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) > 1 and lines[0].lstrip().startswith("{") and lines[0].rstrip().endswith("}"):
            yield from _json_lines(lines, name)  # JSON lines: one statement per line
        else:
            yield (
                None,
                (
                    f"invalid JSON ({name} line {whole_error.lineno} column "
                    f"{whole_error.colno}: {whole_error.msg})"
                ),
            )
        return
    if isinstance(value, list):
        for item in value:
            yield item, None
    elif isinstance(value, dict) and isinstance(value.get("statements"), list):
        for item in value["statements"]:  # an LRS GET /statements response
            yield item, None
    else:
        yield value, None


def _json_lines(lines: list[str], name: str) -> Iterator[tuple[Any, str | None]]:
    for number, line in enumerate(lines, start=1):
        try:
            yield json.loads(line), None
        except json.JSONDecodeError as error:
            yield None, f"invalid JSON ({name} line {number} column {error.colno}: {error.msg})"


# ---------------------------------------------------------------- one statement


def _statement_row(document: Document, source: Source) -> tuple[dict[str, Any], str | None]:
    if document.error:
        return {}, document.error
    statement = document.value
    if not isinstance(statement, dict) or not any(
        k in statement for k in ("actor", "verb", "object")
    ):
        return {}, "not an xAPI statement (no actor, verb or object)"
    verb_id = _mapping(statement.get("verb")).get("id")
    if not verb_id:
        return {}, "statement has no verb id"
    learner = _learner(statement.get("actor"))
    if learner is None:
        return {}, "statement has no identified actor (account, mbox, mbox_sha1sum or openid)"
    obj = _mapping(statement.get("object"))
    if not obj.get("id"):
        return {}, "statement has no object id"
    context = _mapping(statement.get("context"))
    result = _mapping(statement.get("result"))
    duration, bad_duration = _minutes(result.get("duration"))
    if bad_duration:
        return {}, f"result.duration is not ISO 8601 ({result.get('duration')!r})"
    return {
        "learner_id": learner,
        "course_id": _course(obj, context, source),
        "offering": context.get("registration"),
        "verb": verb_id.rstrip("/").rsplit("/", 1)[-1],
        "timestamp": statement.get("timestamp") or statement.get("stored"),
        "score": _score(result.get("score")),
        "minutes": duration,
        LINE: document.index,
    }, None


def _mapping(value: Any) -> dict[str, Any]:
    """A JSON object, or {} when the statement has something else there."""
    return value if isinstance(value, dict) else {}


def _learner(actor: Any) -> str | None:
    if not isinstance(actor, dict):
        return None
    account = actor.get("account")
    if isinstance(account, dict) and account.get("name"):
        return str(account["name"])
    for key in ("mbox", "mbox_sha1sum", "openid"):
        if actor.get(key):
            # Hashed here, not later: an e-mail address must never reach a table.
            return pseudonym(str(actor[key]), pseudonym_key() or UNKEYED)
    return None


def _course(obj: dict[str, Any], context: dict[str, Any], source: Source) -> str:
    activities = context.get("contextActivities") or {}
    candidates = [str(obj["id"])]
    for kind in ("parent", "grouping"):
        entries = activities.get(kind) or []
        entries = entries if isinstance(entries, list) else [entries]
        candidates += [str(e["id"]) for e in entries if isinstance(e, dict) and e.get("id")]
    mapping = {str(k): str(v) for k, v in source.options.get("course_map", {}).items()}
    for iri in candidates:
        if iri in mapping:
            return mapping[iri]
    for iri in candidates:
        for prefix, course in mapping.items():
            if prefix.endswith("/") and iri.startswith(prefix):
                return course
    return source.course_id or candidates[0]


def _score(score: Any) -> float | None:
    if not isinstance(score, dict):
        return None
    try:
        if score.get("scaled") is not None:
            return float(score["scaled"]) * 100
        raw = score.get("raw")
        if raw is None:
            return None
        low, high = score.get("min"), score.get("max")
        if low is not None and high is not None and float(high) > float(low):
            return (float(raw) - float(low)) / (float(high) - float(low)) * 100
        return float(raw)
    except (TypeError, ValueError):
        return None


def _minutes(duration: Any) -> tuple[float | None, bool]:
    if duration is None:
        return None, False
    try:
        parsed = isodate.parse_duration(str(duration))
    except (isodate.ISO8601Error, ValueError):
        return None, True
    seconds = (
        parsed.total_seconds()
        if hasattr(parsed, "total_seconds")
        else parsed.totimedelta(start=pd.Timestamp("2000-01-01").to_pydatetime()).total_seconds()
    )
    return seconds / 60, False


# ---------------------------------------------------------------- statements -> attempts


def _attempts(statements: pd.DataFrame) -> pd.DataFrame:
    """One row per learner × course × registration, at the line of its first statement."""
    columns = [
        "learner_id",
        "course_id",
        "offering",
        "enrolled_on",
        "completed_on",
        "withdrawn_on",
        "status",
        "score",
        "minutes",
        LINE,
    ]
    if statements.empty:
        return pd.DataFrame(columns=columns)
    frame = statements.assign(
        when=pd.to_datetime(
            statements["timestamp"], utc=True, errors="coerce", format="ISO8601"
        ).dt.tz_convert(None),
        status=statements["verb"].map(VERB_STATUS).fillna("in_progress"),
        offering=statements["offering"].fillna(""),
    ).sort_values(["when", LINE], kind="stable")
    frame["rank"] = frame["status"].map(STATUS_ORDER)
    frame["done_at"] = frame["when"].where(frame["verb"].isin(COMPLETING))
    frame["left_at"] = frame["when"].where(frame["verb"] == "abandoned")
    frame["session"] = frame["minutes"].where(frame["verb"] == "terminated")
    keys = ["learner_id", "course_id", "offering"]
    groups = frame.groupby(keys, sort=True, dropna=False)
    attempts = groups.agg(
        enrolled_on=("when", "min"),
        completed_on=("done_at", "min"),
        withdrawn_on=("left_at", "min"),
        rank=("rank", "max"),
        score=("score", "last"),
        sessions=("session", "sum"),
        has_session=("session", "count"),
        longest=("minutes", "max"),
        line=(LINE, "min"),
    ).reset_index()
    by_rank = {rank: status for status, rank in STATUS_ORDER.items()}
    attempts["status"] = attempts["rank"].map(by_rank)
    attempts["minutes"] = attempts["sessions"].where(
        attempts["has_session"] > 0, attempts["longest"]
    )
    attempts["completed_on"] = attempts["completed_on"].where(attempts["status"] == "completed")
    attempts["withdrawn_on"] = attempts["withdrawn_on"].where(attempts["status"] == "withdrawn")
    attempts["offering"] = attempts["offering"].replace("", pd.NA)
    for column in ("enrolled_on", "completed_on", "withdrawn_on"):
        attempts[column] = attempts[column].dt.normalize().astype("datetime64[s]")
    return attempts.rename(columns={"line": LINE})[columns].sort_values(LINE).reset_index(drop=True)
