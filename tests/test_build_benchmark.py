"""benchmarks/build.py runs on its smoke tier and prints both tables with the ratio columns.

Never a timing assertion: the figures depend on the machine; benchmarks/RESULTS.md records them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from paths import REPO


@pytest.mark.slow
def test_build_benchmark_smoke_tier_prints_the_tables(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "build.py"), "--smoke"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PATH": str(Path(sys.executable).parent), "ACCOUNTABILITY_BENCH_CACHE": str(tmp_path)},
        timeout=1200,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for column in (
        "ingest s",
        "pyarrow s",
        "ingest/pyarrow",
        "metrics s",
        "charts s",
        "pages s",
        "SVGs s",
        "mkdocs s",
        "total s",
        "outside/mkdocs",
        "CPU s",
        "outside/mkdocs CPU",
        "peak MB",
        "site MB",
        "MB/course",
        "largest page KB",
        "mkdocs ms/page",
        "per-page vs first",
        "rebuild/full",
    ):
        # columns are padded to their widest cell
        assert re.search(rf"\| {re.escape(column)} +\|", out), column
    assert "30 courses / 0.006M rows" in out
    assert "target outside mkdocs / mkdocs < 0.50" in out
    assert "target rebuild / full build < 0.33" in out
