"""``${VAR:-default}`` in a source path, so example projects can point at data outside the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import Project, ProjectFile, Source, expand_env


def test_expand_env_default_value_and_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OULAD_DIR", raising=False)
    assert expand_env("${OULAD_DIR:-../data/oulad}") == "../data/oulad"
    assert expand_env("${OULAD_DIR}/x") == "/x"
    monkeypatch.setenv("OULAD_DIR", "/srv/oulad")
    assert expand_env("${OULAD_DIR:-../data/oulad}") == "/srv/oulad"
    monkeypatch.setenv("OULAD_DIR", "")
    assert expand_env("${OULAD_DIR:-fallback}") == "fallback"  # empty counts as unset, as in sh
    assert expand_env("plain/$HOME/path") == "plain/$HOME/path"  # only ${...} is expanded


def test_source_path_expands_then_resolves_relative_to_project(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    project = Project(tmp_path, ProjectFile(organisation="X"), [], [], [], [], [])
    source = Source(path="${OULAD_DIR:-../shared/oulad}", format="oulad")
    monkeypatch.delenv("OULAD_DIR", raising=False)
    assert project.source_path(source) == tmp_path / "../shared/oulad"
    monkeypatch.setenv("OULAD_DIR", "/abs/oulad")
    assert project.source_path(source) == Path("/abs/oulad")
