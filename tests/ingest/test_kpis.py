"""The kpis table (business KPI values) from a generic csv source: every row's fate."""

from __future__ import annotations

from ingest_helpers import load
from paths import EXPORTS

from generator.config import Source
from generator.ingest.canonical import duplicate_reason

KPIS = EXPORTS / "roster" / "kpis.csv"
PERIOD = "period is not a fiscal quarter (2026-Q1) or year (FY2026)"


def test_kpi_rows_loaded_merged_or_rejected_with_their_reason_and_line() -> None:
    tables, report = load("csv", KPIS, table="kpis")
    assert (report.rows_read, report.rows_loaded, report.rows_merged, report.rows_rejected) == (
        14,
        4,
        1,
        9,
    )
    assert {reason: found.lines for reason, found in report.reasons.items()} == {
        PERIOD: [6, 7, 8],  # Q1 2026, 2026-Q5, fy2026
        "value is not a number": [9, 15],  # n/a, NaN
        "value is not a finite number": [10],
        "missing value": [11],
        "missing measure": [12],
        "missing period": [13],
    }
    # line 2 and line 5 share measure, department, job role and period: the later line is kept
    assert {reason: found.lines for reason, found in report.merges.items()} == {
        duplicate_reason("kpis"): [2]
    }
    assert duplicate_reason("kpis") == (
        "duplicate of another row (same measure, department, job_role, period): "
        "the latest line kept"
    )
    rows = tables["kpis"]
    assert list(rows.columns) == ["measure", "department", "job_role", "period", "value"]
    assert rows.astype(object).where(rows.notna(), None).to_numpy().tolist() == [
        ["sales_per_rep", "Sales", "Rep", "2026-Q2", 131.0],
        ["sales_per_rep", "Sales", None, "FY2026", 510.0],
        ["sales_per_rep", "Sales", "Rep", "2026-Q1", 125.0],
        ["error_rate", "Operations", None, "2026-Q3", 0.02],
    ]
    assert report.tables == {"kpis": 4}


def test_kpis_is_a_table_a_csv_source_can_name() -> None:
    assert Source(path="kpis.csv", table="kpis").table == "kpis"
