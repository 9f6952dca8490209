"""Ingest of a demo-data enrolment export next to reading the same file with pyarrow alone.

    .venv/bin/python benchmarks/ingest.py                      # the 10M-row tier in /tmp/bench-10m
    .venv/bin/python benchmarks/ingest.py --rows 100000 --courses 100 --runs 3

Prints, as medians of --runs fresh processes: pyarrow.csv.read_csv of the file (the limit to
measure against), pandas' default reader with date parsing, DuckDB reading it into a table, and
the project's ingest of that source (read, parse, check, reject with reasons, merge duplicates),
each with its time and peak resident memory and their ratios to pyarrow's. Targets (issue 3):
ingest within 2x pyarrow's time, peak memory under 4 GB.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    RATIO_HEADERS,
    child_result,
    ratio_rows,
    run_benchmark,
    table,
    timed,
)

KINDS = {
    "pyarrow": "pyarrow.csv.read_csv",
    "pandas": "pandas.read_csv (parse_dates)",
    "duckdb": "duckdb read_csv (text) into a table",
    "ingest": "ingest (this project)",
}
MAX_RATIO = 2.0
MAX_PEAK = 4 * 2**30


def enrolment_source(project_dir: Path) -> tuple[object, object, Path]:
    from generator.config import load_project

    project = load_project(project_dir)
    for source in project.settings.sources:
        if source.table == "enrollments":
            return project, source, project.source_path(source)
    sys.exit(f"{project_dir}: no enrolment source in config/project.yaml")


def child(kind: str, project_dir: Path) -> None:
    project, source, path = enrolment_source(project_dir)
    if kind == "pyarrow":
        import pyarrow.csv as pacsv

        seconds, result = timed(lambda: pacsv.read_csv(path))
        child_result(seconds, rows=result.num_rows, bytes=path.stat().st_size)
    elif kind == "pandas":
        import pandas as pd

        dates = [c for c, canonical in source.columns.items() if canonical.endswith("_on")]  # type: ignore[attr-defined]
        seconds, result = timed(lambda: pd.read_csv(path, parse_dates=dates))
        child_result(seconds, rows=len(result))
    elif kind == "duckdb":
        import duckdb

        connection = duckdb.connect()
        seconds, _ = timed(
            lambda: connection.execute(
                "CREATE TABLE e AS SELECT * FROM read_csv(?, all_varchar = true)", [str(path)]
            )
        )
        child_result(seconds)
    elif kind == "ingest":
        from generator.ingest import read_source
        from generator.ingest.canonical import Checks
        from generator.ingest.pseudonym import pseudonymiser

        checks = Checks(
            set(project.course_by_id),  # type: ignore[attr-defined]
            source.status_values,  # type: ignore[attr-defined]
            source.date_format,  # type: ignore[attr-defined]
            pseudonymiser(source),  # type: ignore[arg-type]
        )
        seconds, (_tables, report) = timed(
            lambda: read_source(source, path, path.name, checks)  # type: ignore[arg-type]
        )
        assert report.balanced
        child_result(
            seconds,
            rows=report.rows_read,
            loaded=report.rows_loaded,
            merged=report.rows_merged,
            rejected=report.rows_rejected,
        )


def main() -> None:
    measured = run_benchmark(__doc__ or "", Path(__file__).resolve(), KINDS, child)
    if measured is None:
        return
    project, args, results = measured
    base = results["pyarrow"]
    rows = ratio_rows(KINDS, results, "pyarrow")
    ingest = results["ingest"]
    size = base.get("bytes", 0)
    print(
        f"\ningest benchmark: {project} ({base.get('rows', 0):,} rows, {size / 1e6:,.0f} MB), "
        f"median of {args.runs} runs, each in a fresh process\n"
    )
    print(
        table([h.format("pyarrow") for h in RATIO_HEADERS], rows),
    )
    ratio = ingest["seconds"] / base["seconds"]
    print(
        f"\ningest: {ingest.get('loaded', 0):,} loaded, {ingest.get('merged', 0):,} merged, "
        f"{ingest.get('rejected', 0):,} rejected"
    )
    cpu_ratio = ingest.get("cpu", 0) / base["cpu"] if base.get("cpu") else float("nan")
    print(
        f"target time <= {MAX_RATIO:.1f}x pyarrow: {ratio:.2f}x "
        f"({'met' if ratio <= MAX_RATIO else 'missed'}; in CPU seconds {cpu_ratio:.2f}x); "
        f"target peak < {MAX_PEAK / 2**30:.0f} GB: {ingest['peak'] / 2**30:.2f} GB "
        f"({'met' if ingest['peak'] < MAX_PEAK else 'missed'})"
    )


if __name__ == "__main__":
    main()
