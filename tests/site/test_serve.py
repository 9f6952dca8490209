"""`accountability serve` serves the report locally (MkDocs' dev server with live reload)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from generator.commands.build import build
from paths import TINY

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_answers_with_the_overview(tmp_path: Path) -> None:
    project = tmp_path / "tiny"
    shutil.copytree(TINY, project)
    build(project, run_mkdocs=False)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator",
            "serve",
            "--project",
            str(project),
            "--dev-addr",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read().decode()
                break
            except OSError:
                assert server.poll() is None, "serve exited"
                assert time.monotonic() < deadline, "serve did not answer in time"
                time.sleep(0.5)
        assert "Training accountability report" in page
    finally:
        server.terminate()
        server.wait(timeout=30)
    # Stopping `accountability serve` stops MkDocs' server too: nothing answers on the port.
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
