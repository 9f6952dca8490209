"""The benchmark scripts run on a smoke tier and print their tables with the ratio columns.

Never a timing assertion: the figures depend on the machine; RESULTS.md records them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from paths import REPO

SMOKE = ["--rows", "20000", "--courses", "20", "--runs", "1"]
WORKFORCE_SMOKE = ["--employees", "2000", "--runs", "1"]


def run(script: str, cache: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / script), *SMOKE],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PATH": str(Path(sys.executable).parent), "ACCOUNTABILITY_BENCH_CACHE": str(cache)},
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow
def test_ingest_benchmark_prints_ratios_to_pyarrow(tmp_path: Path) -> None:
    out = run("ingest.py", tmp_path)
    assert "| step" in out and "time / pyarrow" in out and "peak / pyarrow" in out
    for step in ("pyarrow.csv.read_csv", "pandas.read_csv", "ingest (this project)"):
        assert step in out
    assert "target time <= 2.0x pyarrow" in out and "target peak < 4 GB" in out


@pytest.mark.slow
def test_metrics_benchmark_prints_ratios_to_pandas(tmp_path: Path) -> None:
    out = run("metrics.py", tmp_path)
    assert "time / pandas" in out and "peak / pandas" in out
    assert "pandas groupby course x quarter" in out
    assert "aggregate + metrics + privacy + goals + findings" in out and "12 quarters" in out


@pytest.mark.slow
def test_workforce_benchmark_prints_its_table() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "workforce.py"), *WORKFORCE_SMOKE],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "2,000 employees" in done.stdout
    assert "build_workforce (all tables)" in done.stdout and "peak MB" in done.stdout
