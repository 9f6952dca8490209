"""All metric tables, goals and findings of a demo-data tier next to a bare pandas groupby.

    .venv/bin/python benchmarks/metrics.py                     # the 10M-row tier in /tmp/bench-10m
    .venv/bin/python benchmarks/metrics.py --rows 100000 --courses 100 --runs 3

Each measurement runs in a fresh process that first ingests the project (not timed), then
starts the peak-memory count again and times only its work: either the bare pandas groupby
(enrolments per course x fiscal quarter of the canonical table) or the whole step from raw rows
to results (engine.aggregate, metrics.compute_metrics, goals.evaluate_goals and scorecards,
findings.find_deficiencies). Peak memory therefore includes the ingested table the process holds.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    RATIO_HEADERS,
    child_result,
    ratio_rows,
    reset_peak_rss,
    run_benchmark,
    table,
    timed,
)

KINDS = {
    "pandas": "pandas groupby course x quarter",
    "metrics": "aggregate + metrics + privacy + goals + findings",
}
STAGES = ("aggregate", "metrics", "privacy", "goals", "findings")


def child(kind: str, project_dir: Path) -> None:
    from generator.config import load_project
    from generator.ingest import ingest
    from generator.report import resolve_as_of

    project = load_project(project_dir)
    ingested = ingest(project)
    report_date = resolve_as_of(project, ingested, None)
    rows = len(ingested.enrollments)
    reset_peak_rss()
    if kind == "pandas":
        frame = ingested.enrollments
        start = project.settings.fiscal_year_start_month

        def groupby() -> object:
            day = frame["enrolled_on"]
            shifted = (day.dt.month - start) % 12
            year = day.dt.year + (day.dt.month >= start).astype("int64") * (start != 1)
            return frame.groupby([frame["course_id"], year, shifted // 3 + 1]).size()

        seconds, result = timed(groupby)
        child_result(seconds, rows=rows, groups=len(result))  # type: ignore[arg-type]
        return
    from generator.engine.sql import Engine, aggregate
    from generator.report import course_frame
    from generator.report.findings import find_deficiencies
    from generator.report.goals import evaluate_goals, scorecards
    from generator.report.metrics import compute_metrics
    from generator.report.privacy import publish

    stages: dict[str, float] = {}
    stages["aggregate"], aggregates = timed(
        lambda: aggregate(
            Engine(),
            ingested.tables,
            course_frame(project),
            report_date=report_date,
            start_month=project.settings.fiscal_year_start_month,
        )
    )
    stages["metrics"], computed = timed(lambda: compute_metrics(project, aggregates, report_date))
    min_size = project.settings.min_group_size
    stages["privacy"], metrics = timed(lambda: publish(computed, course_frame(project), min_size))
    stages["goals"], results = timed(lambda: evaluate_goals(project, metrics))
    seconds_cards, _ = timed(lambda: scorecards(results, metrics.quarters))
    stages["goals"] += seconds_cards
    stages["findings"], findings = timed(lambda: find_deficiencies(project, metrics))
    child_result(
        sum(stages.values()),
        rows=rows,
        courses=len(project.courses),
        quarters=len(metrics.quarters),
        goals=len(results),
        findings=len(findings),
        **{f"stage_{k}": v for k, v in stages.items()},
    )


def main() -> None:
    measured = run_benchmark(__doc__ or "", Path(__file__).resolve(), KINDS, child)
    if measured is None:
        return
    project, args, results = measured
    base = results["pandas"]
    full = results["metrics"]
    rows = ratio_rows(KINDS, results, "pandas")
    print(
        f"\nmetrics benchmark: {project} ({base.get('rows', 0):,} canonical rows, "
        f"{full.get('courses', 0):,} courses, {full.get('quarters', 0)} quarters), "
        f"median of {args.runs} runs, each in a fresh process; peak includes the ingested tables\n"
    )
    print(table([h.format("pandas") for h in RATIO_HEADERS], rows))
    print(
        "\nstages of the last run: "
        + ", ".join(f"{s} {full.get('stage_' + s, 0):.2f} s" for s in STAGES)
        + f"; {full.get('goals', 0):,} goal results, {full.get('findings', 0):,} findings"
    )


if __name__ == "__main__":
    main()
