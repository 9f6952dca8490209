"""The raw export straight into per-course x quarter aggregates: pandas, DuckDB, bounded DuckDB.

    .venv/bin/python benchmarks/engines.py                      # the 10M-row tier in /tmp/bench-10m
    .venv/bin/python benchmarks/engines.py --memory-limit 256MB --runs 3
    .venv/bin/python benchmarks/engines.py --rows 100000 --spark  # Spark local mode as well

Every kind computes the same table from the tier's data/demo-enrollments.csv: per course and
fiscal quarter of enrolment, the enrolments, completions and distinct learners (a count
distinct: the part of the engine's aggregates that needs memory in proportion to the data).

- pandas: pandas.read_csv (pyarrow engine) of the needed columns, then a groupby.
- duckdb: DuckDB reads the CSV itself (out of core, both cores) and aggregates in one query.
- duckdb bounded: the same with ``SET memory_limit`` well below the CSV's size and a
  temp_directory to spill to: it completes instead of running out of memory.
- spark (with --spark): Spark in local mode reads the CSV and aggregates (JVM start excluded).

Each kind runs in a fresh process (peak RSS is its own; Spark's JVM is a child process, so its
peak is reported from the JVM's own /proc entry); times exclude imports and start-up. Medians of
--runs runs. The per-kind results are compared: the tables must be equal.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import child_result, measure, megabytes, project_of, table, tier_arguments, timed

KINDS = {
    "pandas": "pandas read_csv + groupby",
    "duckdb": "DuckDB read_csv + query",
    "bounded": "DuckDB, memory_limit {limit}",
    "spark": "Spark local[2] read + query",
}
LIMIT_ENV = "ACCOUNTABILITY_BENCH_MEMORY_LIMIT"
START_MONTH = 4  # demo-data's fiscal year starts in April
QUERY = """
SELECT "Course code" AS course_id,
       year(e) + CAST(month(e) >= {start} AS INT) AS fiscal_year,
       CAST(floor(((month(e) - {start} + 12) % 12) / 3) AS INT) + 1 AS quarter,
       count(*) AS enrollments,
       count_if("Status" = 'Completed') AS completed,
       count(DISTINCT "User ID") AS learners
FROM (SELECT *, TRY_CAST("Enrolled" AS DATE) AS e FROM {source}) WHERE e IS NOT NULL
GROUP BY ALL
"""


def csv_of(project: Path) -> Path:
    return project / "data" / "demo-enrollments.csv"


def digest(rows: list[tuple[object, ...]]) -> str:
    """A fingerprint of the result table, to check every kind computed the same figures."""
    text = "\n".join(",".join(str(v) for v in row) for row in sorted(rows))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def run_pandas(path: Path) -> list[tuple[object, ...]]:
    import pandas as pd

    frame = pd.read_csv(
        path,
        usecols=["User ID", "Course code", "Enrolled", "Status"],
        engine="pyarrow",
        dtype_backend="pyarrow",
    )
    day = pd.to_datetime(frame["Enrolled"], errors="coerce", format="ISO8601")
    frame = frame.assign(
        fiscal_year=day.dt.year + (day.dt.month >= START_MONTH).astype("int64"),
        quarter=(day.dt.month - START_MONTH + 12) % 12 // 3 + 1,
        completed=frame["Status"] == "Completed",
    )[day.notna()]
    grouped = frame.groupby(["Course code", "fiscal_year", "quarter"], observed=True).agg(
        enrollments=("Status", "size"),
        completed=("completed", "sum"),
        learners=("User ID", "nunique"),
    )
    return [
        (c, int(y), int(q), int(n), int(d), int(u)) for (c, y, q), (n, d, u) in grouped.iterrows()
    ]


def run_duckdb(path: Path, memory_limit: str | None) -> list[tuple[object, ...]]:
    import duckdb

    con = duckdb.connect()
    if memory_limit:
        spill = tempfile.mkdtemp(prefix="duckdb-spill-")
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute(f"SET temp_directory = '{spill}'")
        con.execute("SET preserve_insertion_order = false")  # lets operators stream and spill
    source = f"read_csv('{path}', header = true, all_varchar = true)"
    rows = con.execute(QUERY.format(start=START_MONTH, source=source)).fetchall()
    return [(c, int(y), int(q), int(n), int(d), int(u)) for c, y, q, n, d, u in rows]


def run_spark(path: Path) -> list[tuple[object, ...]]:
    from generator.engine.spark import session

    spark = session()
    spark.read.option("header", True).csv(str(path)).createOrReplaceTempView("enrollments")
    query = (
        QUERY.format(start=START_MONTH, source="enrollments")
        .replace("GROUP BY ALL", "GROUP BY 1, 2, 3")
        .replace('"', "`")
        .replace("`Completed`", "'Completed'")
    )
    rows = spark.sql(query).collect()
    return [tuple(int(v) if i else v for i, v in enumerate(row)) for row in rows]


def jvm_peak_bytes() -> int:
    """Peak RSS of this process's descendants: Spark's JVM (driver and local executors)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    mine, total = {os.getpid()}, 0
    for _ in range(4):  # a few generations: spark-submit's shell, then java
        mine |= {pid for pid, parent in parents.items() if parent in mine}
    for pid in mine - {os.getpid()}:
        try:
            with open(f"/proc/{pid}/status") as status:
                total += sum(int(x.split()[1]) * 1024 for x in status if x.startswith("VmHWM:"))
        except OSError:
            continue
    return total


def child(kind: str, project: Path) -> None:
    path = csv_of(project)
    memory_limit = os.environ.get(LIMIT_ENV, "256MB")
    if kind == "pandas":
        seconds, rows = timed(lambda: run_pandas(path))
    elif kind == "spark":
        from generator.engine.spark import session

        session()  # JVM start-up is not timed
        seconds, rows = timed(lambda: run_spark(path))
        child_result(seconds, groups=len(rows), digest=digest(rows), jvm_peak=jvm_peak_bytes())
        return
    else:
        limit = memory_limit if kind == "bounded" else None
        seconds, rows = timed(lambda: run_duckdb(path, limit))
    child_result(seconds, groups=len(rows), digest=digest(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    tier_arguments(parser)
    parser.add_argument("--memory-limit", default="256MB", help="DuckDB limit of the bounded run")
    parser.add_argument("--spark", action="store_true", help="measure Spark local mode too")
    parser.add_argument("--child", choices=sorted(KINDS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.project)
        return
    project = project_of(args)
    size = csv_of(project).stat().st_size
    script = Path(__file__).resolve()
    kinds = [k for k in KINDS if k != "spark" or args.spark]
    os.environ[LIMIT_ENV] = args.memory_limit  # the children inherit it
    results = {}
    for kind in kinds:
        print(f"measuring {kind} ...", file=sys.stderr, flush=True)
        results[kind] = measure(script, kind, project, args.runs)
    base = results["pandas"]
    rows = []
    for kind, r in results.items():
        peak = r["peak"] + r.get("jvm_peak", 0)
        rows.append(
            [
                KINDS[kind].format(limit=args.memory_limit),
                f"{r['seconds']:.2f}",
                megabytes(peak),
                f"{r['seconds'] / base['seconds']:.2f}",
                f"{int(r['groups']):,}",
                str(r["digest"]),
            ]
        )
    print(
        f"\nengines benchmark: {csv_of(project)} ({size / 2**20:,.0f} MB), median of "
        f"{args.runs} runs, each in a fresh process\n"
    )
    print(table(["kind", "time s", "peak MB", "time / pandas", "groups", "result"], rows))
    same = len({r["digest"] for r in results.values()}) == 1
    print("\nall kinds computed the same table" if same else "\nRESULTS DIFFER between kinds")


if __name__ == "__main__":
    main()
