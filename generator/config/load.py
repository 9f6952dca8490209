"""Loading a project: each file of config/ read with its lines, validated by its model, and the
whole cross-checked; every problem of every file is raised together as ``ProblemsFound``.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.config.checks import cross_check
from generator.config.explain import explain
from generator.config.models import CONFIG_FILES
from generator.config.project import Project
from generator.config.responses import load_responses
from generator.config.workforce import OPTIONAL_FILES, workforce_lines
from generator.config.yamlfile import LineMap, load_yaml
from generator.domain.errors import Problem, ProblemsFound


def config_dir(project_dir: Path) -> Path:
    return project_dir / "config"


def load_project(project_dir: Path) -> Project:
    """Read and validate config/*.yaml of a project directory, or raise ``ProblemsFound``."""
    problems: list[Problem] = []
    documents: dict[str, Any] = {}
    models: dict[str, Any] = {}
    for key, (filename, model) in {**CONFIG_FILES, **OPTIONAL_FILES}.items():
        shown = f"config/{filename}"
        path = config_dir(project_dir) / filename
        optional = key in OPTIONAL_FILES
        if optional and not path.exists():
            continue  # a project without it has none of what it holds
        document = _read_mapping(path, shown, problems, optional)
        if document is None:
            continue
        documents[key] = document
        try:
            models[key] = model.model_validate(document)
        except ValidationError as exc:
            problems.extend(explain(exc, document, shown, model))
    if problems:
        raise ProblemsFound(problems)
    project = _project_of(project_dir, models, documents)
    problems = list(cross_check(project, documents, date.today()))
    try:
        responses = load_responses(project_dir, project.goals, project.people)
    except ProblemsFound as exc:
        problems.extend(exc.problems)
    if problems:
        raise ProblemsFound(problems)
    return dataclasses.replace(project, responses=responses)


def _read_mapping(
    path: Path, shown: str, problems: list[Problem], optional: bool = False
) -> dict[str, Any] | None:
    """The top-level mapping of a config file, or None when there is none (why: in
    ``problems``). An optional file that is empty or all comments is an empty mapping: it
    is there to be filled in, and every key of its model has a default."""
    if not path.is_file():
        what = "not a file; make it a YAML file" if optional else "missing; create it"
        problems.append(Problem(shown, 0, f"{what} (see README: {path.name})"))
        return None
    try:
        document = load_yaml(path, shown, problems)  # keys that are lists: in problems
    except ProblemsFound as exc:
        problems.extend(exc.problems)
        return None
    if document is None and optional:
        empty = LineMap()
        empty.key_lines = {}
        return empty
    if not isinstance(document, dict):
        problems.append(Problem(shown, 1, "expected a mapping of keys at the top level"))
        return None
    return document


def _project_of(project_dir: Path, models: dict[str, Any], documents: dict[str, Any]) -> Project:
    """The project of the validated files, by key of ``CONFIG_FILES`` and ``OPTIONAL_FILES``."""
    workforce = models.get("workforce")
    return Project(
        directory=project_dir,
        settings=models["project"],
        roles=models["roles"].roles,
        people=models["roles"].people,
        courses=models["courses"].courses,
        budgets=models["budgets"].periods,
        goals=models["goals"].goals,
        requirements=list(workforce.requirements) if workforce else [],
        kpis=list(workforce.kpis) if workforce else [],
        lines=workforce_lines(documents["workforce"], workforce) if workforce else {},
        budgets_illustrative=models["budgets"].illustrative,
        budgets_note=models["budgets"].note,
    )
