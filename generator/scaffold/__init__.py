"""A new organisation's project, as files: ``accountability init`` writes them.

Pure: ``scaffold_files`` returns ``{path in the project: text}``, made of the commented config
files (``config_text``), a sample export in the chosen LMS's format (``exports``, from the
learners of ``sample``), the JSON Schemas of the config files (generator.config.schema),
mkdocs.yml from the packaged template and a .gitignore. commands/init.py writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.config.schema import schema_files
from generator.domain.periods import FiscalCalendar
from generator.scaffold.config_text import config_files
from generator.scaffold.exports import EXPORTS
from generator.site.mkdocs_yml import initial_mkdocs_yml

LMS_KINDS = tuple(EXPORTS)
"""What ``init --lms`` offers."""

GITIGNORE = """\
# The built site and the build's cache are made again by `accountability build`. Commit
# config/, data/ (unless your exports are kept elsewhere), schemas/, site_src/ and mkdocs.yml:
# a pull request then shows how each change moves the report.
site/
.accountability-cache/
.venv/
# What a build holds while it runs (a killed one may leave them; the next build removes them).
.accountability.lock
.site.build-*/
.site.shards-*/
.site.old-*/
.site_src.staging/
.site_src.old-*/
.mkdocs.staged*.yml
"""


@dataclass(frozen=True)
class ScaffoldSettings:
    lms: str
    """One of LMS_KINDS."""
    name: str = "Example Organisation"
    fiscal_year_start: int = 1


def scaffold_files(settings: ScaffoldSettings) -> dict[str, str]:
    """Every file of a new project, by path relative to its directory, in a stable order."""
    calendar = FiscalCalendar(settings.fiscal_year_start)
    export = EXPORTS[settings.lms](calendar)
    files = {
        **config_files(settings.name, calendar, export),
        **export.files,
        **schema_files(),
        "mkdocs.yml": initial_mkdocs_yml(settings.name),
        ".gitignore": GITIGNORE,
    }
    return dict(sorted(files.items()))


__all__ = ["LMS_KINDS", "ScaffoldSettings", "scaffold_files"]
