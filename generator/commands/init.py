"""``accountability init DIR`` and ``accountability schemas``: a new organisation's project
written into a new or empty directory, and the JSON Schemas of an existing one refreshed.

init never overwrites: a directory that holds anything is refused. The files are written into
a scratch directory and moved into place once all are written, so a failure while writing
leaves no half project behind.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.config.schema import SCHEMA_DIR, config_file_models, modeline, schema_files
from generator.domain.errors import AccountabilityError
from generator.scaffold import ScaffoldSettings, scaffold_files
from generator.site import write_text_atomically


@dataclass(frozen=True)
class InitResult:
    directory: Path
    files: tuple[str, ...]


def init_project(directory: Path, settings: ScaffoldSettings) -> InitResult:
    """Write the scaffold of ``settings`` into ``directory``, which must be new or empty."""
    _refuse_unless_empty(directory)
    files = scaffold_files(settings)
    target = directory.absolute()
    # The scratch directory is inside an empty DIR (so `init .` keeps the directory the shell
    # is in), else beside the new one; either way on the same file system, so moving is a rename.
    existed = target.is_dir()
    home = target if existed else target.parent
    try:
        home.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{target.name or 'project'}.init-", dir=home))
    except OSError as exc:
        raise AccountabilityError(f"{home}: cannot create the project here ({exc})") from None
    try:
        _write_all(scratch, files)
        if existed:
            for child in sorted(scratch.iterdir()):
                child.rename(target / child.name)
            scratch.rmdir()
        else:
            scratch.rename(target)
    except OSError as exc:
        shutil.rmtree(scratch, ignore_errors=True)
        raise AccountabilityError(f"{directory}: cannot write the project ({exc})") from None
    return InitResult(directory, tuple(files))


def _refuse_unless_empty(directory: Path) -> None:
    if directory.is_file():
        raise AccountabilityError(f"{directory} is a file; name a new or empty directory")
    if not directory.is_dir():
        return
    held = sorted(p.name + ("/" if p.is_dir() else "") for p in directory.iterdir())
    if held:
        shown = ", ".join(held[:5]) + (f" and {len(held) - 5} more" if len(held) > 5 else "")
        raise AccountabilityError(
            f"{directory} is not empty (it holds {shown}); init writes a new project into a new "
            "or empty directory only and never overwrites: name another directory, or, to "
            f"refresh the JSON Schemas of an existing project, run "
            f"`accountability schemas --project {directory}`"
        )


def _write_all(root: Path, files: Mapping[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


@dataclass(frozen=True)
class SchemasResult:
    written: tuple[str, ...]
    """Schema files whose text changed (or that were new)."""
    unchanged: tuple[str, ...]
    without_modeline: dict[str, str]
    """config/<file> that exist without the modeline on line 1 -> the line to add."""


def write_schemas(project_dir: Path) -> SchemasResult:
    """(Re)write schemas/*.schema.json of the project from the installed models."""
    config = project_dir / "config"
    if not config.is_dir():
        raise AccountabilityError(
            f"{project_dir} has no config/ folder; for a new project run "
            f"`accountability init {project_dir} --lms csv` (or moodle, canvas, openedx, xapi)"
        )
    written, unchanged = [], []
    for relative, text in schema_files().items():
        path = project_dir / relative
        if path.is_file() and path.read_text("utf-8") == text:
            unchanged.append(relative)
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomically(path, text)
        except OSError as exc:
            raise AccountabilityError(f"{path}: cannot write the schema ({exc})") from None
        written.append(relative)
    return SchemasResult(tuple(written), tuple(unchanged), _missing_modelines(config))


def _missing_modelines(config: Path) -> dict[str, str]:
    missing = {}
    for name in config_file_models():
        path = config / name
        if not path.is_file():
            continue
        with path.open(encoding="utf-8-sig", errors="replace") as file:
            first = file.readline().rstrip("\r\n")
        if first != modeline(name):
            missing[f"config/{name}"] = modeline(name)
    return missing


__all__ = ["SCHEMA_DIR", "InitResult", "SchemasResult", "init_project", "write_schemas"]
