"""``accountability serve``: MkDocs' dev server with live reload, and the report regenerated
whenever its inputs change.

MkDocs watches only site_src/ and mkdocs.yml. This also watches config/, responses/ and every
folder holding an LMS export the project reads; a change (after a quiet second, so that an
editor's save or a copied export counts once) writes the pages again as ``build`` does
(without running mkdocs: the dev server rebuilds from site_src/ itself). A change that breaks
the config prints the problem and keeps the last good pages served.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import DirModifiedEvent, FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from generator import site
from generator.commands.build import build
from generator.config import load_project
from generator.domain.errors import AccountabilityError, ProblemsFound
from generator.ingest import source_files

# Inputs by convention; folders of exports named in project.yaml's sources are added to these.
INPUT_DIRS = ("config", "data", "responses")
OUTPUTS = ("site", "site_src", "mkdocs.yml")  # and every dot-entry of the project folder
QUIET_SECONDS = 1.0

Echo = Callable[[str], None]


def input_paths(project_dir: Path) -> set[Path]:
    """The existing folders (and export files) the report is made from."""
    paths = {project_dir / name for name in INPUT_DIRS}
    try:
        project = load_project(project_dir)
        paths.update(
            path for source in project.settings.sources for path in source_files(project, source)
        )
    except AccountabilityError:
        pass  # a broken config: config/ is still watched, and the error shown on rebuild
    return {path.resolve() for path in paths if path.exists()}


class InputWatcher(FileSystemEventHandler):
    """Notes the time of the last change to an input; :meth:`due` says when to regenerate."""

    def __init__(self, project_dir: Path) -> None:
        self.project_dir = project_dir.resolve()
        self.observer = Observer()
        self.watched: set[Path] = set()  # folders
        self.files: set[Path] = set()  # export files, watched through their folder
        self.changed_at: float | None = None
        self.lock = threading.Lock()

    def watch(self) -> None:
        """Watch the input folders not watched yet, and the project folder itself (not
        recursively) for one of INPUT_DIRS appearing."""
        if self.project_dir not in self.watched:
            self.observer.schedule(self, str(self.project_dir), recursive=False)
            self.watched.add(self.project_dir)
        inputs = input_paths(self.project_dir)
        self.files |= {path for path in inputs if path.is_file()}
        folders = {path for path in inputs if path.is_dir()}
        folders |= {path.parent for path in self.files if path.parent != self.project_dir}
        for folder in sorted(folders - self.watched):
            if not any(folder.is_relative_to(w) for w in self.watched - {self.project_dir}):
                self.observer.schedule(self, str(folder), recursive=True)
            self.watched.add(folder)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if isinstance(event, DirModifiedEvent) or event.event_type in {"opened", "closed_no_write"}:
            return  # a folder's listing or a read: nothing to rebuild
        paths = [event.src_path, getattr(event, "dest_path", "")]
        if any(self.is_input(Path(str(p))) for p in paths if p):
            with self.lock:
                self.changed_at = time.monotonic()

    def is_input(self, path: Path) -> bool:
        if path.name.startswith(".") or path.name.endswith("~"):
            return False  # editors' swap and backup files
        if path in self.files:
            return True
        if self._is_output(path):
            return False  # what a rebuild writes (an export beside the project watches both)
        if path.parent == self.project_dir:  # the project folder's own entries
            return path.name in INPUT_DIRS
        return any(path.is_relative_to(folder) for folder in self.watched - {self.project_dir})

    def _is_output(self, path: Path) -> bool:
        """site/, site_src/, mkdocs.yml, the build's dot-folders and cache: written by builds."""
        if not path.is_relative_to(self.project_dir) or path == self.project_dir:
            return False
        top = path.relative_to(self.project_dir).parts[0]
        return top.startswith(".") or top in OUTPUTS

    def due(self) -> bool:
        """True once, when inputs changed and then stayed quiet for QUIET_SECONDS."""
        with self.lock:
            if self.changed_at is None or time.monotonic() - self.changed_at < QUIET_SECONDS:
                return False
            self.changed_at = None
            return True


def regenerate(project_dir: Path, echo: Echo) -> bool:
    """Write the pages again; on a user error say what and keep the pages as they were."""
    started = time.perf_counter()
    try:
        result = build(project_dir, run_mkdocs=False)
    except ProblemsFound as exc:
        for problem in exc.problems:
            echo(f"error: {problem}")
        echo("serve: pages not regenerated; fix the problem(s) and save again")
        return False
    except AccountabilityError as exc:
        echo(f"error: {exc}\nserve: pages not regenerated; fix it and save again")
        return False
    seconds = time.perf_counter() - started
    echo(f"serve: pages regenerated in {seconds:.1f} s ({result.written.summary()})")
    return True


def serve(project_dir: Path, dev_addr: str, echo: Echo) -> int:
    """Regenerate the pages, serve them with live reload, regenerate on every input change
    until interrupted; returns the dev server's exit code."""
    regenerate(project_dir, echo)
    watcher = InputWatcher(project_dir)
    watcher.watch()
    watcher.observer.start()
    echo(f"serve: watching {', '.join(_shown(project_dir, p) for p in sorted(watcher.watched))}")

    def on_tick() -> None:
        if watcher.due():
            regenerate(project_dir, echo)
            watcher.watch()  # a new source folder, or responses/ created

    try:
        return site.serve(project_dir, dev_addr, on_tick=on_tick)
    finally:
        watcher.observer.stop()
        watcher.observer.join(timeout=5)


def _shown(project_dir: Path, path: Path) -> str:
    project_dir = project_dir.resolve()
    if path == project_dir:
        return "the project folder"
    return f"{path.relative_to(project_dir)}/" if path.is_relative_to(project_dir) else str(path)
