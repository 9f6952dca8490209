"""The canonical tables and the accounting of every input row.

Adapters turn an export into *raw* canonical frames: canonical column names, values still as
text, and a ``_line`` column with the physical line the row starts on in the source file (for
a folder, numbers that run on across its files: ``Files``). ``normalise`` parses and checks
them, rejecting rows and merging duplicates, each with a reason and its first lines, so that
for every source ``rows_read == rows_loaded + rows_merged + rows_rejected``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from generator.domain.periods import plausible_window
from generator.domain.published_text import quoted_values
from generator.domain.tables import KEYS, REQUIRED, STATUS_ORDER, TABLE_COLUMNS, WORDS
from generator.domain.values import clean_cells, clean_text, parse_dates, parse_numbers
from generator.ingest.coded import Coded, categorical, encode, missing, parallel
from generator.ingest.workforce_checks import check_kpis, check_roster

if TYPE_CHECKING:
    from generator.config import Module

LINE = "_line"
FILES = "files"  # raw.attrs: the Files of a source that is a folder
FIRST_LINES = 5

BUCKETS = 1 << 16  # _members' table: 64 kB, so each lookup stays in the CPU cache


@dataclass(frozen=True)
class Files:
    """The files of a source that is a folder (xAPI), for the numbers of its rows.

    A folder's rows are numbered in one sequence (``_line``) that runs on from file to file in
    name order, so that numbers order the rows as the files and lines do (normalise keeps the
    latest line of duplicates): line n of file k is ``starts[k] + n``. The accounting turns the
    numbers back into each file's own lines (``locate``), so every reason names file and line.
    """

    names: tuple[str, ...]
    starts: tuple[int, ...]  # the number before each file's first line, increasing

    def locate(self, numbers: Sequence[int]) -> list[tuple[str, int]]:
        at = np.searchsorted(np.asarray(self.starts), np.asarray(numbers), side="left") - 1
        at = np.maximum(at, 0)  # a number before the first file's lines: keep it as it is
        return [(self.names[k], int(n) - self.starts[k]) for k, n in zip(at, numbers, strict=True)]

    def number(self, name: str, line: int) -> int:
        return self.starts[self.names.index(name)] + line


@dataclass
class Reason:
    """Why rows were rejected or merged: how many, and the first lines (``FIRST_LINES``)."""

    count: int = 0
    lines: list[int] = field(default_factory=list)
    # The file of each line, for a source that is a folder (Files); empty for one file.
    files: list[str] = field(default_factory=list)

    def places(self) -> list[str]:
        """The first lines as shown: '12', or 'statements/b.jsonl:3' in a folder."""
        if not self.files:
            return [str(line) for line in self.lines]
        return [f"{name}:{line}" for name, line in zip(self.files, self.lines, strict=True)]

    def first_place(self, path: str) -> tuple[str, int]:
        """The file and line of the first row, for a problem (file:line) under --strict."""
        if not self.lines:
            return path, 0
        if self.files:
            return f"{path}/{self.files[0]}", self.lines[0]
        return path, self.lines[0]

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"count": self.count, "lines": list(self.lines)}
        if self.files:
            found["files"] = list(self.files)
        return found


@dataclass
class SourceReport:
    """How every row of one source was accounted for: the reasons of rejected rows and of
    merged rows, each with its count and first lines."""

    path: str
    format: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_merged: int = 0
    rows_rejected: int = 0
    reasons: dict[str, Reason] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    merges: dict[str, Reason] = field(default_factory=dict)
    files: Files | None = None  # a folder: line numbers run on across its files
    # Raw learner ids that this source's reasons quote (seen before pseudonymising them): the
    # data-quality page masks them. Only these few values, never the learner rows.
    quoted_learners: set[str] = field(default_factory=set)

    def reject(self, reason: str, lines: list[int] | np.ndarray, count: int | None = None) -> None:
        """``count`` rows rejected (default: one per line), ``lines`` the first of them."""
        self.rows_rejected += self._add(self.reasons, reason, lines, count)

    def merge(self, reason: str, lines: list[int] | np.ndarray, count: int | None = None) -> None:
        """``count`` rows merged into others (default: one per line), ``lines`` the first of
        the rows merged away."""
        self.rows_merged += self._add(self.merges, reason, lines, count)

    def _add(
        self,
        reasons: dict[str, Reason],
        reason: str,
        lines: list[int] | np.ndarray,
        count: int | None,
    ) -> int:
        n = len(lines) if count is None else count
        if n == 0:
            return 0
        entry = reasons.setdefault(reason, Reason())
        entry.count += n
        numbers = [int(x) for x in list(lines)[:FIRST_LINES]]
        if self.files is None:
            entry.lines = sorted(entry.lines + numbers)[:FIRST_LINES]
            return n
        earlier = [
            self.files.number(f, line) for f, line in zip(entry.files, entry.lines, strict=True)
        ]
        first = self.files.locate(sorted(earlier + numbers)[:FIRST_LINES])
        entry.files, entry.lines = [f for f, _ in first], [line for _, line in first]
        return n

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_merged + self.rows_rejected

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_merged": self.rows_merged,
            "rows_rejected": self.rows_rejected,
            "reasons": {k: v.as_dict() for k, v in sorted(self.reasons.items())},
            "merges": {k: v.as_dict() for k, v in sorted(self.merges.items())},
            "tables": dict(sorted(self.tables.items())),
            "notes": list(self.notes),
        }


@dataclass
class Checks:
    """What normalise needs to know about the project."""

    course_ids: set[str]
    status_values: dict[str, str]
    date_format: str | None = None
    pseudonymise: Callable[[pd.Series], pd.Series] | None = None
    # course id -> the modules courses.yaml lists for it, for activity (ingest.modules)
    modules: Mapping[str, Sequence[Module]] = field(default_factory=dict)
    # the first and last plausible day (domain.periods.plausible_window): rows dated outside
    # it are rejected, so one 0000-01-01 cannot stretch the report over thousands of periods
    window: tuple[date, date] = field(default_factory=lambda: plausible_window(date.today()))


# Text that held bytes that are not UTF-8 (a parquet string column, read with surrogateescape).
NOT_UTF8 = re.compile("[\udc80-\udcff]")


def not_finite(column: str) -> str:
    """Why a row with an infinite number (inf, 1e400) is rejected (both engines give it)."""
    return f"{column} is not a finite number"


def not_utf8(column: str) -> str:
    """Why a row whose text is not UTF-8 is rejected (both engines give it)."""
    return f"{column} is not valid UTF-8 text (the file holds broken text: export it again)"


DATES_NAMED = 20  # out-of-window dates named each in a reason of their own; the rest share one


def outside_window(column: str, window: tuple[date, date], day: str | None = None) -> str:
    """Why a row dated outside the plausible window is rejected (both engines give it)."""
    first, last = window
    given = f" {day}" if day else ""
    return (
        f"{column}{given} outside {first.isoformat()}..{last.isoformat()} (not a plausible "
        "date: fix it in the export)"
    )


def empty_table(table: str) -> pd.DataFrame:
    kinds = TABLE_COLUMNS[table]
    return pd.DataFrame({name: pd.Series(dtype=_dtype(kind)) for name, kind in kinds.items()})


def _dtype(kind: str) -> str:
    return {
        "date": "datetime64[s]",
        "score": "float64",
        "minutes": "float64",
        "number": "float64",
    }.get(kind, "string")


# A spreadsheet that "helpfully" turned text into dates: a serial day number (45123, also
# 45123.5) or a localised month-day such as 10月20日 (OULAD's imd_band '10-20' in one copy).
SPREADSHEET_DATES = "spreadsheet_dates"  # raw.attrs flag: check date text for these first
MANGLED = (
    (r"^\d{5}(\.\d+)?$", "a spreadsheet serial number"),
    (r"^\d{1,2}月\d{1,2}日$", "a month-day a spreadsheet made of it"),
)


def normalise(table: str, raw: pd.DataFrame, checks: Checks, report: SourceReport) -> pd.DataFrame:
    """Parse and check one raw table; returns the loaded rows and records the rest in ``report``.

    Each column is encoded as codes into its distinct values (see ``coded``): values are
    cleaned, parsed and checked once each, and only the answers are gathered to the rows.
    """
    kinds = TABLE_COLUMNS[table]
    n = len(raw)
    lines = raw[LINE].to_numpy(dtype=np.int64) if LINE in raw else np.arange(2, n + 2)
    present = [c for c in kinds if c in raw]
    encoded = dict(zip(present, parallel(encode, [raw[c] for c in present]), strict=True))
    columns = {c: encoded.get(c) or missing(n) for c in kinds}
    keep = np.ones(n, dtype=bool)

    def reject(rows: np.ndarray | None, reason: str) -> None:
        """Reject the rows of a mask over all rows (None: none) that are not rejected yet."""
        if rows is None:
            return
        hit = rows & keep
        count = int(np.count_nonzero(hit))
        if count:
            report.reject(reason, lines[np.flatnonzero(hit)[:FIRST_LINES]], count)
            keep[hit] = False

    def reject_at(at: np.ndarray, reason: str) -> None:
        """``reject`` for a few rows given by position (no pass over every row)."""
        at = at[keep[at]]
        if len(at):
            report.reject(reason, lines[at[:FIRST_LINES]], len(at))
            keep[at] = False

    for column in present:
        if columns[column].values.dtype == object:  # only text read from bytes can be broken
            values = columns[column].values
            broken = values.map(lambda v: isinstance(v, str) and bool(NOT_UTF8.search(v)))
            reject(columns[column].where(broken), not_utf8(column))
            columns[column] = columns[column].with_values(values.mask(broken.astype(bool)))
    if raw.attrs.get(SPREADSHEET_DATES):
        for column in present:
            if kinds[column] != "date" or not pd.api.types.is_string_dtype(raw[column]):
                continue
            text = columns[column].values.astype("string").str.strip()
            for pattern, what in MANGLED:
                reject(
                    columns[column].where(text.str.match(pattern)),
                    f"{column} is {what}, not a date: the file went through a spreadsheet; "
                    "export the column as text (or read the .xlsx)",
                )
    for column, kind in kinds.items():
        if kind in ("id", "text"):
            columns[column] = columns[column].with_values(clean_cells(columns[column].values, kind))
    for column in REQUIRED[table]:
        if kinds[column] in ("id", "text"):
            reject(
                columns[column].where(columns[column].values.isna()),
                f"missing {column.replace('_', ' ')}",
            )
    if "course_id" in kinds:
        _reject_unknown_courses(columns["course_id"], checks.course_ids, keep, reject, reject_at)
    typed: dict[str, np.ndarray] = {}  # per distinct value
    for column, kind in kinds.items():
        col = columns[column]
        given = _present(col.values)
        if kind == "date":
            parsed = parse_dates(col.values, checks.date_format)
            reject(
                col.where(given & parsed.isna()),
                f"unparseable {column} (expected {checks.date_format or 'YYYY-MM-DD'})",
            )
            if column in REQUIRED[table]:
                reject(col.where(parsed.isna()), f"missing {column}")
            _reject_outside(column, col, parsed, checks.window, reject, reject_at, keep)
            typed[column] = parsed.to_numpy(dtype="datetime64[s]")
        elif kind in ("score", "minutes", "number"):
            parsed = parse_numbers(col.values)
            reject(col.where(given & parsed.isna()), f"{column} is not a number")
            # inf, Infinity, 1e400: numbers to float(), not to a report ("inf min")
            reject(col.where(parsed.isin([np.inf, -np.inf])), not_finite(column))
            if kind == "score":
                reject(col.where((parsed < 0) | (parsed > 100)), "score out of range 0-100")
            if kind == "minutes":
                reject(col.where(parsed < 0), "negative minutes")
            if column in REQUIRED[table]:
                reject(col.where(parsed.isna()), f"missing {column}")
            typed[column] = parsed.to_numpy(dtype="float64")
        elif kind in WORDS:
            what, words = WORDS[kind]
            text = clean_text(col.values).str.lower()
            known_word = text.isin(words)
            reject(
                col.where(text.notna() & ~known_word),
                f"unknown {what} (expected {', '.join(words)})",
            )
            columns[column] = col.with_values(text.where(known_word).astype("string"))
    dates: dict[str, np.ndarray] = {}
    if table in ("enrollments", "roster"):
        names = [c for c in kinds if kinds[c] == "date"]
        dates = dict(zip(names, parallel(lambda c: columns[c].rows(typed[c]), names), strict=True))
    if table == "enrollments":
        columns["status"] = _map_status(columns["status"], dates, checks.status_values)
        reject(columns["status"].where(columns["status"].values.isna()), "unknown status")
        reject(dates["completed_on"] < dates["enrolled_on"], "completed before enrolled")
        reject(dates["withdrawn_on"] < dates["enrolled_on"], "withdrawn before enrolled")
    if table == "surveys":
        rating = pd.Series(typed["rating"])
        reject(columns["rating"].where((rating < 1) | (rating > 5)), "rating out of range 1-5")
    if table == "roster":
        check_roster(columns, dates, reject)
    if table == "kpis":
        check_kpis(columns, reject)
    if "learner_id" in kinds:
        _note_quoted_learners(columns["learner_id"].values, report)
    if checks.pseudonymise is not None and "learner_id" in kinds:
        learner = columns["learner_id"]
        columns["learner_id"] = learner.with_values(checks.pseudonymise(learner.values))
    rows = _merge_duplicates(table, raw, columns, lines, keep, report)
    report.rows_loaded += len(rows)
    report.tables[table] = report.tables.get(table, 0) + len(rows)
    in_order = len(rows) == n and bool(np.all(rows == np.arange(n)))
    selected = None if in_order else rows

    def output(column: str) -> pd.Series:
        col = columns[column]
        if column in dates:
            values = dates[column] if selected is None else dates[column][selected]
            return pd.Series(values, copy=False)
        if column in typed:
            return pd.Series(
                col.rows(typed[column]) if selected is None else typed[column][col.codes[selected]],
                copy=False,
            )
        return categorical(col, selected)

    return pd.DataFrame(dict(zip(kinds, parallel(output, kinds), strict=True)), copy=False)


def _reject_unknown_courses(
    course: Coded,
    known: set[str],
    keep: np.ndarray,
    reject: Callable[[np.ndarray | None, str], None],
    reject_at: Callable[[np.ndarray, str], None],
) -> None:
    """The first 20 unknown course ids each get a reason of their own; the rest share one."""
    unknown_values = course.values.notna() & ~course.values.isin(known)
    unknown = course.where(unknown_values)
    if unknown is None:
        return
    at = np.flatnonzero(unknown & keep)
    names = course.values.to_numpy(dtype=object)[course.codes[at]]
    for name in sorted(set(names))[:20]:
        reject_at(at[names == name], f"unknown course '{name}' (not in config/courses.yaml)")
    reject(unknown, "unknown course (not in config/courses.yaml)")


def _reject_outside(
    column: str,
    col: Coded,
    parsed: pd.Series,
    window: tuple[date, date],
    reject: Callable[[np.ndarray | None, str], None],
    reject_at: Callable[[np.ndarray, str], None],
    keep: np.ndarray,
) -> None:
    """Rows dated outside ``window``: the first ``DATES_NAMED`` dates (sorted) each named in a
    reason of their own, the rest sharing one."""
    days = parsed.to_numpy(dtype="datetime64[D]")
    first, last = (np.datetime64(day, "D") for day in window)
    outside = pd.Series(~np.isnat(days) & ((days < first) | (days > last)))
    rows = col.where(outside)
    if rows is None:
        return
    at = np.flatnonzero(rows & keep)
    shown = np.datetime_as_string(days, unit="D")[col.codes[at]]
    for day in np.unique(shown)[:DATES_NAMED]:  # sorted; a C loop over millions of rows
        reject_at(at[shown == day], outside_window(column, window, day))
    reject(rows, outside_window(column, window))


def _present(values: pd.Series) -> pd.Series:
    """True where a cell holds a value (typed, or text that is not a missing-value marker)."""
    if pd.api.types.is_string_dtype(values) or values.dtype == object:
        return clean_text(values).notna()
    return values.notna()


def _map_status(status: Coded, dates: dict[str, np.ndarray], mapping: dict[str, str]) -> Coded:
    """Map status text; with no status column, derive it from the dates."""
    given = clean_text(status.values)
    if given.isna().all():
        derived = np.zeros(len(status), dtype=np.int8)  # enrolled
        derived[~np.isnat(dates["withdrawn_on"])] = 1
        derived[~np.isnat(dates["completed_on"])] = 2
        return Coded(derived, pd.Series(["enrolled", "withdrawn", "completed"], dtype="string"))
    lookup = {k.strip().lower(): v for k, v in mapping.items()}
    lookup.update({s: s for s in STATUS_ORDER} | {"in progress": "in_progress"})
    return status.with_values(given.str.lower().map(lookup).astype("string"))


def duplicate_reason(table: str) -> str:
    """Why normalise merged a row (both engines give it): the key it shares and which row of
    the key was kept."""
    kept = (
        "the most advanced status kept, then the latest line"
        if "status" in TABLE_COLUMNS[table]
        else "the latest line kept"
    )
    return f"duplicate of another row (same {', '.join(KEYS[table])}): {kept}"


def smallest(lines: np.ndarray, count: int = FIRST_LINES) -> np.ndarray:
    """The first ``count`` lines in order: a partition of many lines, not a sort."""
    if len(lines) > count:
        lines = np.partition(lines, count - 1)[:count]
    return np.sort(lines)


def _note_quoted_learners(learners: pd.Series, report: SourceReport) -> None:
    """Keep the raw learner ids that a reason of this source quotes (a learner id in a course
    column, say), while the raw ids are still there to compare with."""
    quoted = {v for reason in report.reasons for v in quoted_values(reason)}
    if quoted:
        hits = learners[pd.Series(learners).isin(quoted).to_numpy()]
        report.quoted_learners.update(str(v) for v in pd.unique(hits) if v == v)


def _merge_duplicates(
    table: str,
    raw: pd.DataFrame,
    columns: dict[str, Coded],
    lines: np.ndarray,
    keep: np.ndarray,
    report: SourceReport,
) -> np.ndarray:
    """The rows to load, in line order, one per key: the most advanced status, then the latest
    line of the export (rows tied on both keep their order)."""
    rows = np.flatnonzero(keep)
    keys = KEYS[table]
    if not keys or len(rows) == 0:
        return rows
    key = _row_keys([columns[k] for k in keys], rows)
    ordered = np.sort(key)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    del ordered
    kept_lines = lines if len(rows) == len(lines) else lines[rows]
    increasing = bool(np.all(kept_lines[1:] > kept_lines[:-1]))
    if len(repeated) == 0 and increasing:
        return rows
    # Only the rows that share a key need ranking, unless the lines are out of order.
    among = _members(key, repeated) if increasing else np.ones(len(rows), dtype=bool)
    candidates = rows[among]
    if "status" in columns:
        rank: Any = (
            columns["status"]
            .values.map(STATUS_ORDER)
            .to_numpy()[columns["status"].codes[candidates]]
        )
    elif "status" in raw:
        rank = raw["status"].iloc[candidates].map(STATUS_ORDER).to_numpy()
    else:
        rank = 0
    frame = pd.DataFrame(
        {"key": key[among], "rank": rank, "line": lines[candidates], "row": candidates}
    )
    ranked = frame.sort_values(["rank", "line"], kind="stable")
    merged = ranked["key"].duplicated(keep="last").to_numpy()
    report.merge(
        duplicate_reason(table),
        smallest(ranked["line"].to_numpy()[merged]),
        int(np.count_nonzero(merged)),
    )
    winners = ranked[~merged].sort_values("line", kind="stable")["row"].to_numpy()
    if not increasing:
        return winners
    return np.sort(np.concatenate([rows[~among], winners]))


def _row_keys(parts: list[Coded], rows: np.ndarray) -> np.ndarray:
    """One int64 per row that is equal exactly where all key values are (NA equal to NA)."""
    coded = [part.canonical_codes() for part in parts]
    if np.prod([float(max(count, 1)) for _, count in coded]) < 2.0**62:
        # Built over every row and selected once: one gather instead of one per part.
        key = np.zeros(len(coded[0][0]), dtype=np.int64)
        for codes, count in coded:
            key *= max(count, 1)
            key += codes
        return key if len(rows) == len(key) else key[rows]
    frame = pd.DataFrame({i: codes[rows] for i, (codes, _) in enumerate(coded)})
    return frame.groupby(list(frame.columns), sort=False).ngroup().to_numpy(dtype=np.int64)


def _members(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """``np.isin(values, sorted_set)`` for a few repeated keys among 10 million rows: a lookup
    in a table of hashed buckets rules out nearly every row, and only the rest are searched
    for (``isin`` would compare every row with every key)."""
    if len(sorted_set) == 0:
        return np.zeros(len(values), dtype=bool)
    buckets = np.zeros(BUCKETS, dtype=bool)
    buckets[sorted_set % BUCKETS] = True
    member = buckets[values % BUCKETS]
    maybe = np.flatnonzero(member)
    at = np.searchsorted(sorted_set, values[maybe])
    at[at == len(sorted_set)] = 0
    member[maybe] = sorted_set[at] == values[maybe]
    return member
