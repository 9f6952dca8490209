"""Reading delimited text the way real exports come: BOMs, Windows-1252, ; and tab, CRLF."""

from __future__ import annotations

import csv
import io
import mmap
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from generator.domain.errors import Problem, ProblemsFound
from generator.ingest.coded import narrowest_codes

SNIFF_BYTES = 64 * 1024
MIN_BLOCK, MAX_BLOCK = 1 << 20, 32 << 20  # pyarrow's default block is 1 MB
COUNT_BYTES = 16 << 20  # line breaks are counted this many bytes at a time
DELIMITERS = ",;\t|"


def read_bytes_head(source: Path | IO[bytes], size: int = SNIFF_BYTES) -> bytes:
    if isinstance(source, Path):
        with source.open("rb") as handle:
            return handle.read(size)
    position = source.tell()
    head = source.read(size)
    source.seek(position)
    return head


def detect_encoding(head: bytes, given: str | None = None) -> str:
    """UTF-8 (BOM or not) when the bytes decode as UTF-8, else Windows-1252."""
    if given:
        return given
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Not UTF-8, unless a multi-byte character was only cut by the end of the sniff window.
        cut = len(head) >= SNIFF_BYTES and exc.start >= len(head) - 4
        if not cut:
            return "cp1252"
    return "utf-8"


def detect_delimiter(text: str, given: str | None = None) -> str:
    if given:
        return given
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        return max(DELIMITERS, key=header.count)


def read_delimited(
    source: Path | IO[bytes],
    shown: str,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    skip_rows: int = 0,
    arrow: bool = False,
) -> pd.DataFrame:
    """Every cell as text, plus ``_line`` (the 1-based line of the file the row starts on,
    after quoted line breaks too: ``record_lines``).

    With ``arrow``, a UTF-8 file that pyarrow reads cleanly is read by pyarrow on all cores into
    Arrow-backed string columns (no copy, no Python object per cell); anything pyarrow rejects
    (ragged rows, bad UTF-8 further in, duplicate headers) is read by pandas as before, so the
    messages for broken files stay the same.
    """
    head = read_bytes_head(source)
    if not head.strip():
        raise ProblemsFound([Problem(shown, 0, "the file is empty; export it again from the LMS")])
    enc = detect_encoding(head, encoding)
    text = head.decode(enc, errors="replace").lstrip("\ufeff")
    sep = detect_delimiter(text, delimiter)
    check_header(header_of(text, sep, skip_rows), shown, skip_rows + 1)
    if arrow and enc.replace("_", "-").lower() in ("utf-8", "utf8", "utf-8-sig") and skip_rows == 0:
        fast = read_arrow(source, head.decode("utf-8", errors="replace"), sep)
        if fast is not None:
            return fast
    position = None if isinstance(source, Path) else source.tell()
    handle: IO[bytes] = source.open("rb") if isinstance(source, Path) else source
    try:
        frame = pd.read_csv(
            handle,
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_values=[],
            encoding=enc,
            skiprows=skip_rows,
            skipinitialspace=False,
            engine="python" if len(sep) > 1 else "c",
        )
    except UnicodeDecodeError as exc:
        raise ProblemsFound(
            [
                Problem(
                    shown,
                    0,
                    f"cannot decode as {enc} at byte {exc.start}; set 'encoding:' for this source",
                )
            ]
        ) from None
    except (pd.errors.ParserError, csv.Error) as exc:
        line = _line_from_parser_error(str(exc))
        raise ProblemsFound(
            [
                Problem(
                    shown,
                    line,
                    f"not a valid delimited file ({exc}); check the "
                    "delimiter and quoting, or set 'delimiter:'",
                )
            ]
        ) from None
    except pd.errors.EmptyDataError:
        raise ProblemsFound([Problem(shown, 0, "the file is empty; export it again")]) from None
    finally:
        if isinstance(source, Path):
            handle.close()
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    if position is not None:
        source.seek(position)  # type: ignore[union-attr]
    lines = record_lines(source, len(frame), enc, sep, skip_rows=skip_rows)
    first = skip_rows + 2
    frame["_line"] = np.arange(first, first + len(frame)) if lines is None else lines
    return frame


def header_of(text: str, sep: str, skip_rows: int = 0) -> list[str]:
    """The column names of a delimited file's header (after ``skip_rows`` records), from the
    start of its text, as the readers name them: stripped, without a byte-order mark."""
    try:
        records = csv.reader(io.StringIO(text), delimiter=sep)
        for _ in range(skip_rows):
            next(records)
        return [name.lstrip("\ufeff").strip() for name in next(records)]
    except (StopIteration, csv.Error):
        return []


def check_header(names: list[str], shown: str, line: int = 1) -> None:
    """Fail when a column name appears twice: the readers would keep one of them (pandas
    renames the second 'x.1', which no mapping names) and lose the other's values."""
    counts = Counter(name for name in names if name)
    twice = [name for name, count in counts.items() if count > 1]
    if twice:
        raise ProblemsFound(
            [Problem(shown, line, f"column '{name}' appears twice; rename one") for name in twice]
        )


def read_arrow(source: Path | IO[bytes], head: str, sep: str) -> pd.DataFrame | None:
    """The file as Arrow-backed text columns, or None when pyarrow cannot read it as pandas
    would (the caller then reads it with pandas)."""
    if len(sep) != 1 or sep in '"\r\n':
        return None
    try:
        header = next(csv.reader(io.StringIO(head.lstrip("\ufeff")), delimiter=sep))
    except (StopIteration, csv.Error):
        return None
    names = [name.lstrip("\ufeff") for name in header]
    if not names or len({name.strip() for name in names}) != len(names):
        return None  # pandas renames duplicate headers (x, x.1); leave that to it
    position = None if isinstance(source, Path) else source.tell()
    quoted = may_quote_line_breaks(source)
    try:
        table = pacsv.read_csv(
            str(source) if isinstance(source, Path) else source,
            read_options=pacsv.ReadOptions(use_threads=True, block_size=block_size(source)),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=quoted),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.dictionary(pa.int32(), pa.string()) for name in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        if position is not None:
            source.seek(position)  # type: ignore[union-attr]
        return None
    found = [name.lstrip("\ufeff") for name in table.column_names]
    if found != names or any(not pa.types.is_dictionary(t) for t in table.schema.types):
        if position is not None:
            source.seek(position)  # type: ignore[union-attr]
        return None
    # Text columns repeat a few values (ids, dates, statuses): categorical, one dictionary each.
    table = table.unify_dictionaries()
    columns: dict[str, pd.Series] = {}
    rows = table.num_rows
    for name in found:  # column by column, each Arrow column freed once converted
        columns[name.strip()] = _categorical(table.column(0))
        table = table.remove_column(0)
    if position is not None:
        source.seek(position)  # type: ignore[union-attr]
    lines = record_lines(source, rows, "utf-8-sig", sep, quoted=quoted)
    columns["_line"] = pd.Series(np.arange(2, rows + 2) if lines is None else lines, copy=False)
    return pd.DataFrame(columns, copy=False)


def _categorical(column: pa.ChunkedArray) -> pd.Series:
    """A unified dictionary column (no nulls) as a pandas categorical, built from its indices:
    half the time of ``to_pandas``, which re-checks every code and narrows their type."""
    if column.num_chunks == 0:
        return column.to_pandas()
    dictionary = column.chunk(0).dictionary
    # Concatenated straight into the integer type pandas keeps (else from_codes copies them).
    codes = np.concatenate(
        [chunk.indices.to_numpy() for chunk in column.chunks],
        dtype=narrowest_codes(len(dictionary)),
        casting="same_kind",
    )
    categories = pd.CategoricalDtype(dictionary.to_pandas())
    return pd.Series(pd.Categorical.from_codes(codes, dtype=categories, validate=False), copy=False)


def block_size(source: Path | IO[bytes]) -> int:
    """pyarrow's unit of work: at least four blocks a core, and no more than 32 MB each.
    Each block has its own dictionary per column, merged afterwards: pyarrow's 1 MB default
    makes hundreds of them for a 10-million-row export, and merging them is the cost."""
    size = source.stat().st_size if isinstance(source, Path) else 0
    per_block = size // (4 * (os.cpu_count() or 1))
    return int(min(max(per_block, MIN_BLOCK), MAX_BLOCK))


def may_quote_line_breaks(source: Path | IO[bytes]) -> bool:
    """False when no record after the header has a quote, so no value can hold a line break:
    pyarrow then splits the file at line breaks for its threads without tracking quotes, which
    is much faster; finding a quote byte in a mapped file is cheap by comparison."""
    if not isinstance(source, Path):
        return True
    with source.open("rb") as handle:
        try:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file cannot be mapped
            return True
        with mapped:
            header_end = mapped.find(b"\n")
            return header_end < 0 or mapped.find(b'"', header_end) >= 0


def record_lines(
    source: Path | IO[bytes],
    rows: int,
    encoding: str,
    sep: str,
    *,
    skip_rows: int = 0,
    quoted: bool | None = None,
) -> np.ndarray | None:
    """The line of the file each of the ``rows`` records after the header starts on, or None
    when that is simply its number + 1 (+ ``skip_rows``): no record has a quoted line break.

    Only a file that really holds quoted line breaks is parsed a second time: a file without a
    quote after its header (``quoted`` False, ``may_quote_line_breaks``) is not looked at again,
    and one whose line breaks are exactly as many as its records (``_one_line_per_record``, a
    count over the mapped file) not parsed again.
    """
    if quoted is None:
        quoted = may_quote_line_breaks(source)
    if not quoted or len(sep) != 1:
        return None
    with _bytes(source) as data:
        if _one_line_per_record(data, rows + 1 + skip_rows):
            return None
    return _start_lines(source, rows, encoding, sep, skip_rows)


@contextmanager
def _bytes(source: Path | IO[bytes]) -> Iterator[bytes | mmap.mmap]:
    """The file's bytes, mapped (a handle's from where it stands, which is kept)."""
    if not isinstance(source, Path):
        position = source.tell()
        yield source.read()
        source.seek(position)
        return
    with source.open("rb") as handle:
        try:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file cannot be mapped
            yield b""
            return
        with mapped:
            yield mapped


def _one_line_per_record(data: bytes | mmap.mmap, records: int) -> bool:
    """True when the line breaks between the first and last record are one fewer than the
    records (LF or CRLF line ends), so none lies inside a quoted value and no line is blank."""
    end = len(data)
    while end and data[end - 1] in b"\r\n":  # line breaks after the last record
        end -= 1
    line_feeds = _count(data, end, ord("\n"))
    if line_feeds != records - 1:
        return False
    return data.find(b"\r", 0, end) < 0 or _count(data, end, ord("\r")) == line_feeds


def _count(data: bytes | mmap.mmap, end: int, byte: int) -> int:
    """How often ``byte`` occurs in ``data[:end]``, a chunk at a time (no copy of the file).
    The views die with this call, so that the mapping can be closed."""
    view = np.frombuffer(data, dtype=np.uint8, count=end)
    return sum(
        int(np.count_nonzero(view[start : start + COUNT_BYTES] == byte))
        for start in range(0, end, COUNT_BYTES)
    )


def _start_lines(
    source: Path | IO[bytes], rows: int, encoding: str, sep: str, skip_rows: int
) -> np.ndarray | None:
    """The start line of each record after the header, from Python's csv module (``line_num``
    after each record: where it ends; blank lines, which pandas and pyarrow skip, counted but
    not numbered); None when it does not find the same ``rows`` records as the reader did."""
    with _text(source, encoding) as text:
        reader = csv.reader(text, delimiter=sep)
        try:
            # The line a record ends on, negative for a blank line (an empty record).
            ends = np.fromiter(
                (reader.line_num if record else -reader.line_num for record in reader),
                dtype=np.int64,
            )
        except csv.Error:  # a field over csv's size limit, a NUL byte
            return None
    starts = np.concatenate([[1], np.abs(ends[:-1]) + 1])[skip_rows:]
    records = starts[(ends > 0)[skip_rows:]][1:]  # after the header
    return records if len(records) == rows else None


@contextmanager
def _text(source: Path | IO[bytes], encoding: str) -> Iterator[IO[str]]:
    """The file as text with its line ends as they are (``newline=''``, as csv wants)."""
    if isinstance(source, Path):
        with source.open(encoding=encoding, errors="replace", newline="") as text:
            yield text
        return
    position = source.tell()
    text = io.TextIOWrapper(source, encoding=encoding, errors="replace", newline="")
    try:
        yield text
    finally:
        text.detach()
        source.seek(position)


def _line_from_parser_error(message: str) -> int:
    import re

    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else 0
