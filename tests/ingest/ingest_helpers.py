"""Run one adapter the way ``ingest`` does, and check that every row is accounted for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from generator.config import Source
from generator.ingest import read_source
from generator.ingest.canonical import Checks, SourceReport


def load(
    fmt: str, path: Path, courses: set[str] | None = None, **source: Any
) -> tuple[dict[str, pd.DataFrame], SourceReport]:
    """The canonical tables and the report of one file; asserts the accounting balances."""
    config = Source(path=str(path), format=fmt, **source)
    checks = Checks(
        courses if courses is not None else {"C1"}, config.status_values, config.date_format
    )
    tables, report = read_source(config, path, path.name, checks)
    assert report.rows_read == report.rows_loaded + report.rows_merged + report.rows_rejected, (
        report.as_dict()
    )
    return tables, report
