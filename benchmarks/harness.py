"""Shared by the benchmark scripts: tiers, fresh-process measurements, medians, tables.

Each measurement runs in a fresh ``python`` process, so its peak resident memory (VmHWM from
/proc/self/status, read in that process) is its own. Times are taken inside the process around
the measured work only (imports and setup excluded) and reported as medians of the runs.
"""

from __future__ import annotations

import argparse
import json
import os
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


def child_result(seconds: float, **extra: Any) -> None:
    """Print one measurement for the parent (the last line of the child's output)."""
    print(json.dumps({"seconds": seconds, "peak": peak_rss_bytes(), **extra}), flush=True)


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def measure(script: Path, kind: str, project: Path, runs: int) -> dict[str, float]:
    """Median seconds and peak bytes of ``runs`` fresh processes running ``kind``."""
    results = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, str(script), "--child", kind, "--project", str(project)],
            check=True,
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {
        "seconds": statistics.median(r["seconds"] for r in results),
        "peak": statistics.median(r["peak"] for r in results),
        "runs": len(results),
        **{k: v for k, v in results[-1].items() if k not in ("seconds", "peak")},
    }


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
    results = {}
    for kind in kinds:  # interleaved per run would be fairer; medians absorb most of the noise
        print(f"measuring {kinds[kind]} ...", file=sys.stderr, flush=True)
        results[kind] = measure(script, kind, project, args.runs)
    return project, args, results


def ratio_rows(
    kinds: dict[str, str], results: dict[str, dict[str, float]], base: str
) -> list[list[str]]:
    """kind, seconds, peak and both against the ``base`` kind, one row per measured kind."""
    first = results[base]
    return [
        [
            kinds[kind],
            f"{r['seconds']:.2f}",
            megabytes(r["peak"]),
            f"{r['seconds'] / first['seconds']:.2f}",
            f"{r['peak'] / first['peak']:.2f}",
        ]
        for kind, r in results.items()
    ]


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
