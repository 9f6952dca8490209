"""The whole build (report, pages, SVGs, mkdocs) on each tier, with ratios against the limits.

    .venv/bin/python benchmarks/build.py                      # tiers 100, 1000 and 5000 courses
    .venv/bin/python benchmarks/build.py --tiers 100,1000 --runs 3
    .venv/bin/python benchmarks/build.py --smoke               # 30 courses / 6k rows, one run

Tiers (12 quarters, generated once into the cache by `accountability demo-data`; the 5,000-course
tier is /tmp/bench-10m when that holds it): 100 courses / 100k rows / 2k learners, 1,000 / 1M /
20k, 5,000 / 10M / 200k. Each run is a fresh process building a fresh copy of the tier (config
copied, data linked): a clean build, then a rebuild after lowering one goal's target (the
second goal in goals.yaml); plus the raw pyarrow read of the enrolment export in its own fresh
process. Figures are medians of --runs runs.

Prints per tier: ingest next to the pyarrow read, metrics (aggregate, metrics, goals, findings),
chart specs, the rest of page rendering, SVGs, writing site_src, mkdocs build, total wall and
CPU time (this process and its subprocesses), peak memory of the build process (mkdocs and the
forked course-page workers are subprocesses, not counted), then site size, largest page, pages,
per-page mkdocs cost and the rebuild. "charts" counts the chart specs this process made; those
of the course pages forked workers render (from 200 courses up) are part of "pages". Ratios: outside
mkdocs / mkdocs (target < 0.5), per-page mkdocs cost vs the smallest tier (target <= 1.5), site
size per course, rebuild / full build (target < 1/3).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import CACHE, DEFAULT_PROJECT, measure_once, megabytes, peak_rss_bytes, table

TIERS = {100: (100_000, 2_000), 1000: (1_000_000, 20_000), 5000: (10_000_000, 200_000)}
SMOKE = (30, 6_000, 150)
TARGET_OUTSIDE = 0.5
TARGET_PER_PAGE = 1.5
TARGET_REBUILD = 1 / 3
TARGET_LARGEST_SECONDS = 600


# --- the tiers --------------------------------------------------------------------------------


def tier_project(courses: int, rows: int, learners: int) -> Path:
    """The tier's demo project, generated into the cache on first use."""
    if (courses, rows, learners) == (5000, 10_000_000, 200_000) and _is_tier(
        DEFAULT_PROJECT, courses, rows
    ):
        return DEFAULT_PROJECT
    project = CACHE / f"c{courses}-r{rows}-l{learners}"
    if not (project / "config" / "project.yaml").exists():
        print(f"generating {project} ...", file=sys.stderr, flush=True)
        subprocess.run(
            [
                str(Path(sys.executable).parent / "accountability"),
                "demo-data",
                *("--out", str(project), "--courses", str(courses)),
                *("--rows", str(rows), "--learners", str(learners)),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return project


def _is_tier(project: Path, courses: int, rows: int) -> bool:
    config = project / "config" / "project.yaml"
    return config.exists() and f"--courses {courses} --rows {rows}" in config.read_text("utf-8")


def fresh_copy(project: Path, work: Path) -> Path:
    """A project to build: config copied (the rebuild edits it), data linked."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    shutil.copytree(project / "config", work / "config")
    (work / "data").symlink_to(project / "data")
    return work


def change_one_goal(project: Path) -> str:
    """Lower the target of the second goal in goals.yaml by 0.1; returns what changed."""
    path = project / "config" / "goals.yaml"
    text = path.read_text("utf-8")
    found = list(re.finditer(r"(target: '?[<>]= ?)([0-9.]+)", text))
    match = found[1] if len(found) > 1 else found[0]
    value = f"{float(match.group(2)) - 0.1:.2f}"
    path.write_text(text[: match.start(2)] + value + text[match.end(2) :], "utf-8")
    return f"{match.group(0)} -> {match.group(1)}{value}"


# --- the child: one measurement in a fresh process ---------------------------------------------


def _timed_calls(module: Any, names: list[str], spent: dict[str, float], key: str) -> None:
    """Wrap ``module.name`` for each name so its calls add their seconds to ``spent[key]``."""
    for name in names:
        original = getattr(module, name)

        def wrapper(*args: Any, _original: Callable[..., Any] = original, **kw: Any) -> Any:
            start = time.perf_counter()
            try:
                return _original(*args, **kw)
            finally:
                spent[key] = spent.get(key, 0.0) + time.perf_counter() - start

        setattr(module, name, wrapper)


def child_pyarrow(project: Path) -> dict[str, Any]:
    import pyarrow.csv as pacsv

    from generator.config import load_project

    loaded = load_project(project)
    source = next(s for s in loaded.settings.sources if s.table == "enrollments")
    path = loaded.source_path(source)
    start = time.perf_counter()
    rows = pacsv.read_csv(path).num_rows
    return {"seconds": time.perf_counter() - start, "rows": rows, "bytes": path.stat().st_size}


def child_build(project: Path, rebuild: bool) -> dict[str, Any]:
    from generator import report
    from generator.charts import specs as charts
    from generator.commands.build import build

    spent: dict[str, float] = {}
    _timed_calls(report, ["ingest"], spent, "ingest")
    chart_makers = [n for n in dir(charts) if n.endswith("_chart") and not n.startswith("_")]
    _timed_calls(charts, chart_makers, spent, "charts")
    changed = change_one_goal(project) if rebuild else ""
    start = time.perf_counter()
    result = build(project)
    wall = time.perf_counter() - start
    t = dict(result.timings)
    stages = {
        "ingest": spent.get("ingest", 0.0),
        "metrics": t["report"] - spent.get("ingest", 0.0),
        "charts": spent.get("charts", 0.0),
        "pages": t["pages"] - spent.get("charts", 0.0),
        "svgs": t["svgs"],
        "write": t["write"],
        "mkdocs": t["mkdocs"],
    }
    cpu = dict(result.timings.cpu)
    return {
        "seconds": wall,
        "stages": stages,
        "cpu": {**cpu, "total": sum(cpu.values())},
        "peak": peak_rss_bytes(),
        "pages": len(result.pages.markdown),
        "charts": len(result.pages.charts),
        "courses": len(result.report.project.courses),
        "written": len(result.written.written),
        "files": len(result.written.written) + len(result.written.unchanged),
        "incremental": result.incremental,
        "changed": changed,
        **site_figures(project / "site"),
    }


def site_figures(site: Path) -> dict[str, Any]:
    files = [p for p in site.rglob("*") if p.is_file()]
    html = [p for p in files if p.suffix == ".html"]
    largest = max(html, key=lambda p: p.stat().st_size)
    index = site / "search" / "search_index.json"
    return {
        "site_bytes": sum(p.stat().st_size for p in files),
        "html_pages": len(html),
        "largest_bytes": largest.stat().st_size,
        "largest": str(largest.relative_to(site)),
        "search_bytes": index.stat().st_size if index.exists() else 0,
    }


# --- the parent: runs, medians, the table ------------------------------------------------------


def run_child(kind: str, project: Path) -> dict[str, Any]:
    return measure_once(Path(__file__).resolve(), kind, project)


def median_of(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians of the numbers (stages too); the rest from the last run."""
    merged = dict(results[-1])
    for key, value in results[-1].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            merged[key] = statistics.median(r[key] for r in results)
    for group in ("stages", "cpu"):
        merged[group] = {
            key: statistics.median(r[group][key] for r in results) for key in results[-1][group]
        }
    return merged


def measure_tier(courses: int, rows: int, learners: int, runs: int) -> dict[str, Any]:
    project = tier_project(courses, rows, learners)
    work = CACHE / "work" / f"c{courses}-r{rows}"
    full, rebuilt, reads = [], [], []
    for run in range(runs):
        print(f"{courses} courses: run {run + 1} of {runs} ...", file=sys.stderr, flush=True)
        reads.append(run_child("pyarrow", project))
        fresh_copy(project, work)
        full.append(run_child("build", work))
        rebuilt.append(run_child("rebuild", work))
    shutil.rmtree(work, ignore_errors=True)
    return {
        "courses": courses,
        "rows": rows,
        "runs": runs,
        "pyarrow": statistics.median(r["seconds"] for r in reads),
        "full": median_of(full),
        "rebuild": median_of(rebuilt),
    }


def outside(stages: dict[str, float]) -> float:
    return sum(v for k, v in stages.items() if k != "mkdocs")


def cpu_outside(cpu: dict[str, float]) -> float:
    return sum(v for k, v in cpu.items() if k not in ("mkdocs", "total"))


def time_table(tiers: list[dict[str, Any]]) -> str:
    headers = [
        "tier",
        "ingest s",
        "pyarrow s",
        "ingest/pyarrow",
        "metrics s",
        "charts s",
        "pages s",
        "SVGs s",
        "write s",
        "mkdocs s",
        "total s",
        "outside/mkdocs",
        "CPU s",
        "outside/mkdocs CPU",
        "peak MB",
    ]
    rows = []
    for t in tiers:
        f, s = t["full"], t["full"]["stages"]
        rows.append(
            [
                _tier_name(t),
                *(f"{s[k]:.2f}" for k in ("ingest",)),
                f"{t['pyarrow']:.2f}",
                f"{s['ingest'] / t['pyarrow']:.2f}",
                *(f"{s[k]:.2f}" for k in ("metrics", "charts", "pages", "svgs", "write", "mkdocs")),
                f"{f['seconds']:.1f}",
                f"{outside(s) / s['mkdocs']:.2f}",
                f"{f['cpu']['total']:.1f}",
                f"{cpu_outside(f['cpu']) / f['cpu']['mkdocs']:.2f}",
                megabytes(f["peak"]),
            ]
        )
    return table(headers, rows)


def site_table(tiers: list[dict[str, Any]]) -> str:
    headers = [
        "tier",
        "pages",
        "charts",
        "site MB",
        "MB/course",
        "search MB",
        "largest page KB",
        "mkdocs ms/page",
        "per-page vs first",
        "rebuild s",
        "rebuild/full",
        "rewritten",
        "rebuild mkdocs s",
    ]
    base = tiers[0]["full"]["stages"]["mkdocs"] / tiers[0]["full"]["html_pages"]
    rows = []
    for t in tiers:
        f, r = t["full"], t["rebuild"]
        per_page = f["stages"]["mkdocs"] / f["html_pages"]
        rows.append(
            [
                _tier_name(t),
                f"{f['html_pages']:,}",
                f"{f['charts']:,}",
                f"{f['site_bytes'] / 2**20:,.1f}",
                f"{f['site_bytes'] / 2**20 / f['courses']:.3f}",
                f"{f['search_bytes'] / 2**20:,.1f}",
                f"{f['largest_bytes'] / 1024:,.0f} ({f['largest']})",
                f"{per_page * 1000:.1f}",
                f"{per_page / base:.2f}",
                f"{r['seconds']:.1f}",
                f"{r['seconds'] / f['seconds']:.2f}",
                f"{r['written']:,} of {r['files']:,}",
                f"{r['stages']['mkdocs']:.2f}",
            ]
        )
    return table(headers, rows)


def _tier_name(t: dict[str, Any]) -> str:
    return f"{t['courses']:,} courses / {t['rows'] / 1e6:g}M rows"


def verdicts(tiers: list[dict[str, Any]]) -> list[str]:
    lines = []
    worst = max(outside(t["full"]["stages"]) / t["full"]["stages"]["mkdocs"] for t in tiers)
    lines.append(_verdict("outside mkdocs / mkdocs", worst, TARGET_OUTSIDE, "at worst"))
    worst_cpu = max(cpu_outside(t["full"]["cpu"]) / t["full"]["cpu"]["mkdocs"] for t in tiers)
    lines.append(_verdict("the same in CPU seconds", worst_cpu, TARGET_OUTSIDE, "at worst"))
    base = tiers[0]["full"]["stages"]["mkdocs"] / tiers[0]["full"]["html_pages"]
    last = tiers[-1]["full"]
    growth = last["stages"]["mkdocs"] / last["html_pages"] / base
    lines.append(_verdict("per-page mkdocs cost, largest vs first tier", growth, TARGET_PER_PAGE))
    worst_rebuild = max(t["rebuild"]["seconds"] / t["full"]["seconds"] for t in tiers)
    lines.append(_verdict("rebuild / full build", worst_rebuild, TARGET_REBUILD, "at worst"))
    if tiers[-1]["courses"] >= 5000:
        seconds = tiers[-1]["full"]["seconds"]
        lines.append(
            f"target 5,000-course tier < {TARGET_LARGEST_SECONDS} s: {seconds:.0f} s "
            f"({'met' if seconds < TARGET_LARGEST_SECONDS else 'missed'})"
        )
    lines.append(f"rebuild edit: {tiers[-1]['rebuild']['changed']}")
    return lines


def _verdict(name: str, value: float, limit: float, qualifier: str = "") -> str:
    state = "met" if value < limit else "missed"
    return (
        f"target {name} < {limit:.2f}: {value:.2f}{' ' + qualifier if qualifier else ''} ({state})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiers", default="100,1000,5000", help="course counts, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs per tier (median)")
    parser.add_argument("--smoke", action="store_true", help="30 courses / 6k rows, one run")
    parser.add_argument(
        "--save", type=Path, help="also write each tier's figures to SAVE/tier-<courses>.json"
    )
    parser.add_argument(
        "--report", type=Path, help="print the tables of the tiers saved in this directory"
    )
    parser.add_argument("--child", choices=["pyarrow", "build", "rebuild"], help=argparse.SUPPRESS)
    parser.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child == "pyarrow":
            result = child_pyarrow(args.project)
        else:
            result = child_build(args.project, rebuild=args.child == "rebuild")
        print(json.dumps(result), flush=True)
        return
    if args.report:
        saved = [json.loads(p.read_text("utf-8")) for p in args.report.glob("tier-*.json")]
        print_tables(sorted(saved, key=lambda t: (t["courses"], t["rows"])))
        return
    if args.smoke:
        specs, runs = [SMOKE], 1
    else:
        specs = [(int(c), *TIERS[int(c)]) for c in args.tiers.split(",")]
        runs = args.runs
    tiers = []
    for courses, rows, learners in specs:
        tiers.append(measure_tier(courses, rows, learners, runs))
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"tier-{courses}.json").write_text(json.dumps(tiers[-1]), "utf-8")
    print_tables(tiers)


def print_tables(tiers: list[dict[str, Any]]) -> None:
    runs = ", ".join(sorted({str(t["runs"]) for t in tiers}))
    print(f"\nbuild benchmark: median of {runs} run(s) per tier, each a fresh process and copy\n")
    print(time_table(tiers))
    print()
    print(site_table(tiers))
    print()
    print("\n".join(verdicts(tiers)))


if __name__ == "__main__":
    main()
