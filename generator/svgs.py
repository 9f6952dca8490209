"""Static SVGs of the chart specs: a content-addressed cache and a process pool.

vl-convert renders one chart at a time per process (threads give no speedup), ~20-60 ms each,
so at thousands of charts this is most of the build outside MkDocs. A spec that was rendered
before is read from ``.accountability-cache/svg/<sha256>.svg``: the key covers the spec's JSON
and the vl-convert and Vega-Lite versions, so a hit is byte-identical to rendering it again.
The rest are rendered by a pool of processes, one vl-convert each.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator import charts
from generator.errors import BuildError

log = logging.getLogger(__name__)

CACHE_SUBDIR = ".accountability-cache/svg"
# Below this many charts, starting a worker process (imports and vl-convert's start, 1-3 s)
# costs more than it saves.
MIN_FOR_POOL = 100


def spec_key(spec: charts.Spec) -> str:
    import vl_convert

    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    renderer: str = getattr(vl_convert, "__version__", "")
    versions = f"{renderer} {charts.vega_lite_version()}\0"
    return hashlib.sha256((versions + text).encode("utf-8")).hexdigest()


def _read(path: Path) -> str | None:
    try:
        return path.read_text("utf-8")
    except FileNotFoundError:
        return None


def _store(cache: Path, key: str, svg: str) -> None:
    """Atomically, so a concurrent build never reads half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=cache)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(svg)
    os.replace(tmp, cache / f"{key}.svg")


def default_workers() -> int:
    """ACCOUNTABILITY_SVG_WORKERS, else the cores this process may use (on a shared machine
    with no idle core a second process only adds its start-up)."""
    configured = os.environ.get("ACCOUNTABILITY_SVG_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def render_all(specs: list[charts.Spec], workers: int) -> list[str]:
    """SVGs of ``specs`` in order: this process renders one share, ``workers - 1`` fresh
    ``python -m generator.svgs`` processes the others (plain subprocesses, not
    multiprocessing: fork would copy DuckDB's and vl-convert's threads, spawn would re-run the
    caller's ``__main__``)."""
    if workers <= 1 or len(specs) < MIN_FOR_POOL:
        return [charts.svg(spec) for spec in specs]
    shares = [specs[i::workers] for i in range(workers)]
    with ThreadPoolExecutor(max_workers=workers - 1) as waiting:
        others = [waiting.submit(_render_in_subprocess, share) for share in shares[1:]]
        results = [[charts.svg(spec) for spec in shares[0]]]
        results += [future.result() for future in others]
    merged: list[str] = [""] * len(specs)
    for i, rendered in enumerate(results):
        merged[i::workers] = rendered
    return merged


def _render_in_subprocess(specs: list[charts.Spec]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "generator.svgs"],
        input=json.dumps(specs).encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise BuildError(
            "drawing static charts failed in a worker process:\n"
            + done.stderr.decode("utf-8", "replace")
        )
    rendered: list[str] = json.loads(done.stdout)
    return rendered


def _worker() -> None:
    """Specs as a JSON array on stdin, their SVGs as a JSON array on stdout."""
    specs = json.load(sys.stdin)
    json.dump([charts.svg(spec) for spec in specs], sys.stdout)


def render_svgs(
    specs: Mapping[str, charts.Spec], cache: Path | None = None, workers: int | None = None
) -> tuple[dict[str, str], int]:
    """``{svg path: SVG text}`` of every spec and how many came from ``cache``."""
    keys = {path: spec_key(spec) for path, spec in specs.items()}
    found: dict[str, str] = {}
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        for key in set(keys.values()):
            svg = _read(cache / f"{key}.svg")
            if svg is not None:
                found[key] = svg
    missing = sorted({key: specs[path] for path, key in keys.items() if key not in found}.items())
    missing_keys = {key for key, _ in missing}
    rendered = render_all([spec for _, spec in missing], workers or default_workers())
    for (key, _), svg in zip(missing, rendered, strict=True):
        found[key] = svg
        if cache is not None:
            _store(cache, key, svg)
    hits = sum(1 for key in keys.values() if key not in missing_keys)
    log.info("SVGs: %d charts, %d rendered, %d from the cache", len(specs), len(missing), hits)
    return {path: found[keys[path]] for path in sorted(specs)}, hits


if __name__ == "__main__":
    _worker()
