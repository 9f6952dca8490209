"""The workforce tables of an HR roster of 200,000 employees, next to a bare pandas groupby.

    .venv/bin/python benchmarks/workforce.py                       # 200,000 employees, 3 runs
    .venv/bin/python benchmarks/workforce.py --employees 20000 --runs 1

The roster and each employee's completions per course and fiscal year (what the engines give as
``learner_completions``) are generated in each fresh process with a fixed seed (not timed): one
row per employee plus a role change for 30% of them, 20 departments with 3 job roles each, 15%
leavers a year, and 0-6 completions a year of 40 courses over three fiscal years. Timed: either
a pandas groupby of the roster (employees per department and job role) or
``report.workforce.build_workforce`` (reach, turnover, new hires, compliance of three
requirements, coverage, small groups hidden), or the goal table of the workforce metrics
(``report.workforce_metrics.workforce_metric_table``: compliance again on each of 8 quarter
ends). Peak memory includes the generated frames.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import child_result, megabytes, reset_peak_rss, table, timed

KINDS = {
    "pandas": "pandas groupby department x job role",
    "workforce": "build_workforce (all tables)",
    "goals": "workforce_metric_table (8 quarters, 2 years)",
}
REPORT_DATE = date(2026, 6, 30)


def roster_and_completions(employees: int, seed: int = 7) -> tuple[object, object]:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    ids = np.array([f"E{i:07d}" for i in range(employees)])
    department = rng.integers(0, 20, employees)
    role = rng.integers(0, 3, employees)
    hired = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 4000, employees), "D")
    leaves = rng.random(employees) < 0.3
    left = hired + pd.to_timedelta(rng.integers(200, 1500, employees), "D")
    left = pd.Series(left).where(leaves & (left <= pd.Timestamp(REPORT_DATE)))
    base = pd.DataFrame(
        {
            "learner_id": ids,
            "effective_on": hired,
            "department": [f"Dept {d:02d}" for d in department],
            "job_role": [f"Role {d:02d}-{r}" for d, r in zip(department, role, strict=True)],
            "manager": [f"head-{d:02d}" for d in department],
            "hired_on": hired,
            "left_on": left,
            "leaving": np.where(left.notna(), "voluntary", None),
        }
    )
    movers = base[rng.random(employees) < 0.3].copy()
    movers["effective_on"] = movers["hired_on"] + pd.to_timedelta(
        rng.integers(30, 900, len(movers)), "D"
    )
    movers["job_role"] = movers["job_role"].str[:-1] + "0"
    roster = pd.concat([base, movers], ignore_index=True)
    per_year = rng.integers(0, 7, (employees, 3))
    learner = np.repeat(np.tile(ids, 3), per_year.T.ravel())
    year = np.repeat(np.repeat([2024, 2025, 2026], employees), per_year.T.ravel())
    day = pd.to_datetime([f"{y - 1}-07-01" for y in year]) + pd.to_timedelta(
        rng.integers(0, 360, len(year)), "D"
    )
    completions = pd.DataFrame(
        {
            "learner_id": learner,
            "course_id": [f"course-{c:02d}" for c in rng.integers(0, 40, len(year))],
            "fiscal_year": year,
            "completions": 1,
            "first_completed_on": day,
            "last_completed_on": day,
        }
    )
    completions = completions.groupby(
        ["learner_id", "course_id", "fiscal_year"], as_index=False
    ).agg(
        completions=("completions", "sum"),
        first_completed_on=("first_completed_on", "min"),
        last_completed_on=("last_completed_on", "max"),
    )
    return roster, completions


def child(kind: str, employees: int) -> None:
    from generator.config.workforce import Requirement
    from generator.report.workforce import Year, build_workforce

    roster, completions = roster_and_completions(employees)
    requirements = [
        Requirement.model_validate(
            {
                "id": f"req-{n}",
                "title": f"Requirement {n}",
                "job_roles": [f"Role {d:02d}-{n}" for d in range(20)],
                "courses": [f"course-{n:02d}", f"course-{n + 10:02d}"],
                "valid_for": 24,
                "due_within": 30,
            }
        )
        for n in range(3)
    ]
    years = [
        Year("FY2025", 2025, date(2024, 7, 1), date(2025, 6, 30)),
        Year("FY2026", 2026, date(2025, 7, 1), REPORT_DATE),
    ]
    reset_peak_rss()
    if kind == "pandas":
        seconds, result = timed(lambda: roster.groupby(["department", "job_role"]).size())  # type: ignore[attr-defined]
        child_result(seconds, rows=len(roster), groups=len(result))  # type: ignore[arg-type]
        return
    if kind == "goals":
        goal_table(roster, completions, requirements, years)
        return
    seconds, workforce = timed(
        lambda: build_workforce(roster, completions, requirements, years, REPORT_DATE, 5)  # type: ignore[arg-type]
    )
    child_result(
        seconds,
        rows=len(roster),  # type: ignore[arg-type]
        completions=len(completions),  # type: ignore[arg-type]
        compliance_rows=len(workforce.compliance),
    )


def goal_table(roster: Any, completions: Any, requirements: Any, years: Any) -> None:
    """The goal table of the workforce metrics: compliance counted again on each quarter's
    last day (the published reach and turnover it reads are made first, not timed)."""
    from generator.report.workforce import build_workforce, typed_roster
    from generator.report.workforce_metrics import workforce_metric_table

    workforce = build_workforce(roster, completions, requirements, years, REPORT_DATE, 5)
    reset_peak_rss()
    quarter_ends = [(2024, 9, 30), (2024, 12, 31), (2025, 3, 31), (2025, 6, 30)]
    quarter_ends += [(2025, 9, 30), (2025, 12, 31), (2026, 3, 31), (2026, 6, 30)]
    days = {f"Q{n}": date(*end) for n, end in enumerate(quarter_ends, 1)}
    days |= {year.label: year.last_day for year in years}
    seconds, table = timed(
        lambda: workforce_metric_table(
            typed_roster(roster),
            completions,
            requirements,
            days,
            (workforce.reach, workforce.turnover),
            {},
            5,
        )
    )
    child_result(seconds, rows=len(roster), completions=len(completions), goal_rows=len(table))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=sorted(KINDS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.employees)
        return
    import json

    results: dict[str, list[dict[str, float]]] = {kind: [] for kind in KINDS}
    for round_ in range(1, args.runs + 1):
        for kind in KINDS:
            print(f"run {round_}/{args.runs}: {KINDS[kind]} ...", file=sys.stderr, flush=True)
            done = subprocess.run(
                [sys.executable, __file__, "--child", kind, "--employees", str(args.employees)],
                check=True,
                capture_output=True,
                text=True,
            )
            results[kind].append(json.loads(done.stdout.strip().splitlines()[-1]))
    rows = []
    for kind, runs in results.items():
        seconds = statistics.median(r["seconds"] for r in runs)
        peak = statistics.median(r["peak"] for r in runs)
        rows.append([KINDS[kind], f"{seconds:.2f}", megabytes(peak), f"{len(runs)}"])
    last = results["workforce"][-1]
    print(
        f"{args.employees:,} employees, {int(last['rows']):,} roster rows, "
        f"{int(last['completions']):,} completion rows (medians of {args.runs} runs)"
    )
    print(table(["step", "time s", "peak MB", "runs"], rows))


if __name__ == "__main__":
    main()
