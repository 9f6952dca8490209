"""xAPI statements (cmi5 included): a JSON array, JSON lines, one statement, or a folder of
them; ``RULES`` states how they are read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import isodate
import numpy as np
import pandas as pd

from generator.config import Source
from generator.ingest.canonical import LINE, STATUS_ORDER, Files, smallest
from generator.ingest.exports import Accounting, fail
from generator.ingest.pseudonym import UNKEYED, pseudonym, pseudonym_key

# How the export becomes the canonical tables, as the methodology page states it (ingest
# carries it in its report).
RULES = """xAPI statements (cmi5 included): a JSON array, JSON lines, one statement, or a folder of them.

One enrollment per actor × course × registration (``context.registration``, the attempt;
it becomes ``offering``). Every statement is read; the statements of one attempt after the
first are counted as merged into it (``FOLDED``); a statement that cannot be used (invalid
JSON, JSON nested too deeply to read, no actor or verb, not a statement at all) is counted as
rejected with its reason and the rest go on: in a JSON array, a broken statement is rejected at
its index and the others are read; an array broken so that its statements cannot be told apart
(an unclosed string or bracket) is an error naming its line and column, none of it read. A statement's line is its line in a JSON-lines file, its index in an array (or an
LRS response), 1 for a file of one statement, the line of the error in a file that is not JSON;
in a folder, every reason names the file beside the line (canonical.Files).

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
  own identifier."""

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
# The merge reason of the statements of an attempt after its first (both engines give it).
FOLDED = (
    "a later statement of the same attempt (actor, course and registration): folded into the "
    "attempt's row"
)


@dataclass
class Document:
    """One JSON value read from the input, or why it could not be read. ``index``: its line
    or statement index in its file (see the module's docstring), in a folder run on across
    the files in name order (canonical.Files turns it back into file and line)."""

    index: int
    value: Any = None
    error: str | None = None


def read_xapi(source: Source, path: Path, shown: str) -> dict[str, pd.DataFrame]:
    documents, files = _documents(path, shown)
    account = Accounting(rows_read=len(documents), files=files)
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
    enrollments, folded = _attempts(statements)
    account.merge(FOLDED, smallest(folded), len(folded))
    return {"enrollments": account.attach(enrollments)}


# ---------------------------------------------------------------- reading JSON


def _documents(path: Path, shown: str) -> tuple[list[Document], Files | None]:
    """Every statement-like JSON value, numbered by its line or index in its file; a folder's
    numbers run on across its files in name order, and the Files say where each file's numbers
    begin (None for a source that is one file)."""
    files = (
        sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
        if path.is_dir()
        else [path]
    )
    if not files:
        raise fail(
            shown, 0, "no .json or .jsonl files in this folder; point the source at the statements"
        )
    documents: list[Document] = []
    names: list[str] = []
    starts: list[int] = []
    start = 0
    for file in files:
        name = str(file.relative_to(path)) if file != path else file.name
        try:
            numbered = list(_values(file, name))
        except UnreadableArray as broken:
            raise fail(
                f"{shown}/{name}" if file != path else shown,
                broken.line,
                f"not valid JSON at column {broken.column} ({broken.message}): its "
                "statements cannot be told apart, so none is read; fix the file there",
            ) from None
        names.append(name)
        starts.append(start)
        documents += [Document(start + number, value, error) for number, value, error in numbered]
        start += max((number for number, _, _ in numbered), default=0)
    return documents, Files(tuple(names), tuple(starts)) if path.is_dir() else None


def _values(file: Path, name: str) -> Iterator[tuple[int, Any, str | None]]:
    """(number in the file, value, error) of every JSON value of one file."""
    text = file.read_bytes().decode("utf-8-sig", errors="replace")
    if not text.strip():
        yield 1, None, f"empty file ({name})"
        return
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as whole_error:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        first = lines[0][1] if lines else ""
        if len(lines) > 1 and first.lstrip().startswith("{") and first.rstrip().endswith("}"):
            yield from _json_lines(lines, name)  # JSON lines: one statement per line
        elif text.lstrip().startswith("["):
            yield from _array_items(text, name)  # the valid statements kept, the broken rejected
        else:
            yield _position(text, whole_error, 0)[0], None, unreadable(name, text, whole_error, 0)
        return
    if isinstance(value, list):
        for number, item in enumerate(value, 1):
            yield number, item, None
    elif isinstance(value, dict) and isinstance(value.get("statements"), list):
        for number, item in enumerate(value["statements"], 1):  # an LRS GET /statements response
            yield number, item, None
    else:
        yield 1, value, None


def _json_lines(lines: list[tuple[int, str]], name: str) -> Iterator[tuple[int, Any, str | None]]:
    """The statements of the non-blank lines, each at its line in the file."""
    for number, line in lines:
        try:
            yield number, json.loads(line), None
        except (json.JSONDecodeError, RecursionError) as error:
            yield number, None, unreadable(name, line, error, 0, number)


def unreadable(
    name: str, text: str, error: ValueError | RecursionError, start: int, line: int | None = None
) -> str:
    """Why a JSON value cannot be read, with its place (both engines give it): ``text`` holds
    the value from ``start``; ``line`` the line ``text`` begins on when it is one line."""
    at, column = _position(text, error, start)
    at = line if line is not None else at
    if isinstance(error, RecursionError):
        return f"JSON nested too deeply to read ({name} line {at}): not an xAPI statement"
    return f"invalid JSON ({name} line {at} column {column}: {_message(error)})"


def _position(text: str, error: ValueError | RecursionError, start: int) -> tuple[int, int]:
    """The line and column of ``error`` in ``text`` (of the value at ``start`` when the error
    says none, as a RecursionError)."""
    if isinstance(error, json.JSONDecodeError):
        return error.lineno, error.colno
    line = text.count("\n", 0, start) + 1
    return line, start - (text.rfind("\n", 0, start) + 1) + 1


class UnreadableArray(Exception):
    """A JSON array whose broken statement cannot be told apart from the next (an unclosed
    string or bracket): its statements cannot be counted."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


def _array_items(text: str, name: str) -> Iterator[tuple[int, Any, str | None]]:
    """The statements of a JSON array one by one, so that a broken one is rejected at its index
    and the rest are kept; UnreadableArray when the array's structure itself is broken."""
    decoder = json.JSONDecoder()
    at = _skip_space(text, text.index("[") + 1)
    number = 0
    while at < len(text) and text[at] != "]":
        number += 1
        try:
            value, end = decoder.raw_decode(text, at)
            yield number, value, None
        except (json.JSONDecodeError, RecursionError) as error:
            broken_end = _value_end(text, at)
            if broken_end is None:
                line, column = _position(text, error, at)
                raise UnreadableArray(line, column, _message(error)) from None
            yield number, None, unreadable(name, text, error, at)
            end = broken_end
        at = _skip_space(text, end)
        if at < len(text) and text[at] == ",":
            at = _skip_space(text, at + 1)
        elif at < len(text) and text[at] != "]":
            line, column = _position(text, ValueError(), at)
            raise UnreadableArray(line, column, "expected ',' or ']' after a statement")
    if at >= len(text):
        line, column = _position(text, ValueError(), len(text))
        raise UnreadableArray(line, column, "the array is not closed with ']'")
    if text[at + 1 :].strip():
        line, column = _position(text, ValueError(), _skip_space(text, at + 1))
        raise UnreadableArray(line, column, "text after the array's closing ']'")


def _message(error: ValueError | RecursionError) -> str:
    """What json says is wrong ("Invalid control character at" without its dangling "at")."""
    if isinstance(error, RecursionError):
        return "nested too deeply to read"
    message = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
    return message.removesuffix(" at")


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def _value_end(text: str, start: int) -> int | None:
    """Where the JSON value at ``start`` ends, by its brackets and strings alone (it may be
    broken inside): after its closing bracket, or at the ',' or ']' that ends a bare value;
    None when its brackets never close."""
    depth, in_string, escaped = 0, False, False
    for at in range(start, len(text)):
        char = text[at]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            elif char == "\n":
                return None  # a line break inside a string: an unclosed string
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return at + 1
            if depth < 0:
                return at  # a bare value ended by the array's ']'
        elif char == "," and depth == 0:
            return at
    return None


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


def _attempts(statements: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per learner × course × registration, at the line of its first statement; and
    the lines of the statements folded into an attempt (all but each attempt's first)."""
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
        return pd.DataFrame(columns=columns), np.empty(0, dtype=np.int64)
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
    lines = frame[LINE].to_numpy(dtype=np.int64)
    folded = lines[lines != groups[LINE].transform("min").to_numpy(dtype=np.int64)]
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
    attempts = attempts.rename(columns={"line": LINE})[columns]
    return attempts.sort_values(LINE).reset_index(drop=True), folded
