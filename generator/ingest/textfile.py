"""Reading delimited text the way real exports come: BOMs, Windows-1252, ; and tab, CRLF."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import IO

import pandas as pd

from generator.errors import Problem, ProblemsFound

SNIFF_BYTES = 64 * 1024
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
        if exc.start < len(head) - 4:  # not just a multi-byte character cut by the sniff window
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
) -> pd.DataFrame:
    """Every cell as text, plus ``_line`` (the 1-based line of the row in the file)."""
    head = read_bytes_head(source)
    if not head.strip():
        raise ProblemsFound([Problem(shown, 0, "the file is empty; export it again from the LMS")])
    enc = detect_encoding(head, encoding)
    sep = detect_delimiter(head.decode(enc, errors="replace").lstrip("\ufeff"), delimiter)
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
    frame["_line"] = _record_lines(frame, skip_rows)
    return frame


def _record_lines(frame: pd.DataFrame, skip_rows: int) -> pd.Series:
    # One record per line after the header; a quoted field spanning lines shifts the count,
    # which is accepted: the number still finds the record in a spreadsheet (row = line).
    return pd.Series(range(skip_rows + 2, skip_rows + 2 + len(frame)), index=frame.index)


def _line_from_parser_error(message: str) -> int:
    import re

    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else 0


def as_bytes_io(text: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))
