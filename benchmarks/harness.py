"""Shared by the benchmark scripts: tiers, fresh-process measurements, medians, tables.

Each measurement runs in a fresh ``python`` process, so its peak resident memory (VmHWM from
/proc/self/status, read in that process) is its own. Times are taken inside the process around
the measured work only (imports and setup excluded) and reported as medians of the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PROJECT = Path("/tmp/bench-10m")
CACHE = Path(os.environ.get("ACCOUNTABILITY_BENCH_CACHE", "/tmp/accountability-bench"))


def tier_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project",
        type=Path,
        default=None,
        help=f"a project made by `accountability demo-data` (default {DEFAULT_PROJECT})",
    )
    parser.add_argument("--rows", type=int, help="generate a tier of this many rows instead")
    parser.add_argument("--courses", type=int, help="courses of the generated tier")
    parser.add_argument("--learners", type=int, help="learners of the generated tier")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")


def project_of(args: argparse.Namespace) -> Path:
    """The tier's project directory, generated into the cache on first use."""
    if args.rows is None:
        project = args.project or DEFAULT_PROJECT
        if not (project / "config" / "project.yaml").exists():
            sys.exit(
                f"{project}: no demo project there; make it with `accountability demo-data "
                f"--out {project} --courses 5000 --rows 10000000 --learners 200000` or pass "
                "--rows/--courses to generate a smaller tier"
            )
        return project
    courses = args.courses or max(8, min(5000, args.rows // 2000))
    learners = args.learners or max(10, min(200_000, args.rows // 50))
    project = CACHE / f"c{courses}-r{args.rows}-l{learners}"
    if not (project / "config" / "project.yaml").exists():
        print(f"generating {project} ...", file=sys.stderr, flush=True)
        subprocess.run(
            [
                str(Path(sys.executable).parent / "accountability"),
                "demo-data",
                "--out",
                str(project),
                "--courses",
                str(courses),
                "--rows",
                str(args.rows),
                "--learners",
                str(learners),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return project


def peak_rss_bytes() -> int:
    """This process's peak resident set size (VmHWM)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def reset_peak_rss() -> None:
    """Start the VmHWM count again from the current resident size (Linux clear_refs 5)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


# CPU seconds (user + system, all threads) of the last ``timed`` call in this process: on a
# shared machine they vary far less with the load than wall time does.
_last_cpu_seconds: list[float] = []


def child_result(seconds: float, **extra: Any) -> None:
    """Print one measurement for the parent (the last line of the child's output)."""
    cpu = {"cpu": _last_cpu_seconds[-1]} if _last_cpu_seconds else {}
    print(json.dumps({"seconds": seconds, "peak": peak_rss_bytes(), **cpu, **extra}), flush=True)


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    result = work()
    _last_cpu_seconds.append(_cpu_seconds() - cpu_start)
    return time.perf_counter() - start, result


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure_once(script: Path, kind: str, project: Path) -> dict[str, float]:
    """One fresh process running ``kind``: its seconds, peak bytes, CPU seconds and extras."""
    done = subprocess.run(
        [sys.executable, str(script), "--child", kind, "--project", str(project)],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def medians(results: list[dict[str, float]]) -> dict[str, float]:
    """Median seconds, peak and CPU seconds of several runs; other figures from the last."""
    summary = {"runs": len(results), **results[-1]}
    for figure in ("seconds", "peak", "cpu"):
        if all(figure in r for r in results):
            summary[figure] = statistics.median(r[figure] for r in results)
    return summary


def measure(script: Path, kind: str, project: Path, runs: int) -> dict[str, float]:
    """Median seconds and peak bytes of ``runs`` fresh processes running ``kind``."""
    return medians([measure_once(script, kind, project) for _ in range(runs)])


def run_benchmark(
    doc: str, script: Path, kinds: dict[str, str], child: Callable[[str, Path], None]
) -> tuple[Path, argparse.Namespace, dict[str, dict[str, float]]] | None:
    """The command line every benchmark shares: in a ``--child`` process run one kind (and
    return None); otherwise measure every kind in fresh processes."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    tier_arguments(parser)
    parser.add_argument("--child", choices=sorted(kinds), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.project)
        return None
    project = project_of(args)
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
    # Interleaved (each round runs every kind once), so a busy spell on a shared machine
    # slows all kinds alike instead of one.
    for round_ in range(1, args.runs + 1):
        for kind in kinds:
            print(f"run {round_}/{args.runs}: {kinds[kind]} ...", file=sys.stderr, flush=True)
            runs[kind].append(measure_once(script, kind, project))
    return project, args, {kind: medians(results) for kind, results in runs.items()}


def ratio_rows(
    kinds: dict[str, str], results: dict[str, dict[str, float]], base: str
) -> list[list[str]]:
    """kind, seconds, peak, CPU seconds and each against the ``base`` kind, one row per kind."""
    first = results[base]
    return [
        [
            kinds[kind],
            f"{r['seconds']:.2f}",
            megabytes(r["peak"]),
            f"{r['cpu']:.2f}" if "cpu" in r else "",
            f"{r['seconds'] / first['seconds']:.2f}",
            f"{r['peak'] / first['peak']:.2f}",
            f"{r['cpu'] / first['cpu']:.2f}" if "cpu" in r and first.get("cpu") else "",
        ]
        for kind, r in results.items()
    ]


RATIO_HEADERS = ["step", "time s", "peak MB", "CPU s", "time / {0}", "peak / {0}", "CPU / {0}"]


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table, columns padded so it also reads as plain text."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = [
        "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |",
        "| " + " | ".join("-" * w for w in widths) + " |",
    ]
    for row in rows:
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def megabytes(size: float) -> str:
    return f"{size / 2**20:,.0f}"
