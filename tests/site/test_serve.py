"""`accountability serve` serves the report locally (MkDocs' dev server with live reload) and
writes the pages again when config/ or an LMS export changes."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from paths import TINY

from generator.commands.build import build

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode())
    except OSError:
        return None


def wait_until(check: Callable[[], bool], server: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 120
    while not check():
        assert server.poll() is None, "serve exited"
        assert time.monotonic() < deadline, f"serve: {what} did not happen in time"
        time.sleep(0.5)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[bytes], Path]]:
    project = tmp_path / "tiny"
    shutil.copytree(TINY, project)
    build(project, run_mkdocs=False)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
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
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}/"
        try:
            wait_until(lambda: fetch(url) is not None, server, "answering")
            yield project, url, server, log
        finally:
            server.terminate()
            server.wait(timeout=30)
    # Stopping `accountability serve` stops MkDocs' server too: nothing answers on the port.
    assert fetch(url) is None


def test_serve_answers_with_the_overview(
    served: tuple[Path, str, subprocess.Popen[bytes], Path],
) -> None:
    _project, url, _server, _log = served
    assert "Training accountability report" in (fetch(url) or "")


def test_serve_rewrites_the_pages_when_config_changes(
    served: tuple[Path, str, subprocess.Popen[bytes], Path],
) -> None:
    project, url, server, log = served
    settings = project / "config" / "project.yaml"
    good = settings.read_text("utf-8")
    assert "Tiny Co" in (fetch(url) or "")

    # A broken edit: the problem is printed with its place, and the last pages stay served.
    settings.write_text(good.replace("organisation: Tiny Co", "organisation: [Tiny"), "utf-8")
    wait_until(lambda: "pages not regenerated" in log.read_text("utf-8"), server, "an error")
    assert "config/project.yaml:" in log.read_text("utf-8")
    assert "Tiny Co" in (fetch(url) or "")

    settings.write_text(good.replace("organisation: Tiny Co", "organisation: Renamed Co"), "utf-8")
    wait_until(lambda: "Renamed Co" in (fetch(url) or ""), server, "the new name on the page")


def test_serve_rewrites_the_pages_when_an_export_changes(
    served: tuple[Path, str, subprocess.Popen[bytes], Path],
) -> None:
    project, _url, server, log = served
    before = log.read_text("utf-8").count("pages regenerated")
    export = project / "data" / "lms.csv"
    lines = export.read_text("utf-8").splitlines(keepends=True)
    export.write_text("".join(lines[:-1]), "utf-8")  # one enrolment fewer
    wait_until(
        lambda: log.read_text("utf-8").count("pages regenerated") > before, server, "a rebuild"
    )
    # The figures changed, so pages were written (not all found unchanged).
    last = log.read_text("utf-8").split("pages regenerated")[-1].splitlines()[0]
    assert "(0 written" not in last, last


def test_what_a_rebuild_writes_is_no_input_even_beside_an_outside_export(tmp_path: Path) -> None:
    """An export in the folder above the project makes serve watch that folder, which holds the
    project: site_src/, site/ and the staging copies a rebuild writes must not count as changes,
    or serve would rebuild forever."""
    from generator.commands.serve import InputWatcher

    project = tmp_path / "tiny"
    shutil.copytree(TINY, project)
    shutil.move(project / "data" / "lms.csv", tmp_path / "lms.csv")
    settings = project / "config" / "project.yaml"
    settings.write_text(settings.read_text().replace("path: data/lms.csv", "path: ../lms.csv"))
    watcher = InputWatcher(project)
    watcher.watch()
    try:
        assert tmp_path.resolve() in watcher.watched
        root = project.resolve()
        for written in ("site_src/goals.md", "site/index.html", ".site_src.staging/x.md",
                        "mkdocs.yml", ".accountability.lock"):  # fmt: skip
            assert not watcher.is_input(root / written), written
        assert watcher.is_input(tmp_path.resolve() / "lms.csv")
        assert watcher.is_input(root / "config" / "goals.yaml")
    finally:
        watcher.observer.unschedule_all()
