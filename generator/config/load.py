"""Loading a project: each file of config/ read with its lines, validated by its model, and the
whole cross-checked; every problem of every file is raised together as ``ProblemsFound``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.config.checks import cross_check
from generator.config.explain import explain
from generator.config.models import CONFIG_FILES
from generator.config.project import Project
from generator.config.yamlfile import load_yaml
from generator.domain.errors import Problem, ProblemsFound


def config_dir(project_dir: Path) -> Path:
    return project_dir / "config"


def load_project(project_dir: Path) -> Project:
    """Read and validate config/*.yaml of a project directory, or raise ``ProblemsFound``."""
    problems: list[Problem] = []
    documents: dict[str, Any] = {}
    models: dict[str, Any] = {}
    for key, (filename, model) in CONFIG_FILES.items():
        shown = f"config/{filename}"
        document = _read_mapping(config_dir(project_dir) / filename, shown, problems)
        if document is None:
            continue
        documents[key] = document
        try:
            models[key] = model.model_validate(document)
        except ValidationError as exc:
            problems.extend(explain(exc, document, shown, model))
    if problems:
        raise ProblemsFound(problems)
    project = _project_of(project_dir, models)
    problems = list(cross_check(project, documents))
    if problems:
        raise ProblemsFound(problems)
    return project


def _read_mapping(path: Path, shown: str, problems: list[Problem]) -> dict[str, Any] | None:
    """The top-level mapping of a config file, or None when there is none (why: in
    ``problems``)."""
    if not path.is_file():
        problems.append(Problem(shown, 0, f"missing; create it (see README: {path.name})"))
        return None
    try:
        document = load_yaml(path, shown, problems)  # keys that are lists: in problems
    except ProblemsFound as exc:
        problems.extend(exc.problems)
        return None
    if not isinstance(document, dict):
        problems.append(Problem(shown, 1, "expected a mapping of keys at the top level"))
        return None
    return document


def _project_of(project_dir: Path, models: dict[str, Any]) -> Project:
    """The project of the validated files, by key of ``CONFIG_FILES``."""
    return Project(
        directory=project_dir,
        settings=models["project"],
        roles=models["roles"].roles,
        people=models["roles"].people,
        courses=models["courses"].courses,
        budgets=models["budgets"].periods,
        goals=models["goals"].goals,
        budgets_illustrative=models["budgets"].illustrative,
        budgets_note=models["budgets"].note,
    )
