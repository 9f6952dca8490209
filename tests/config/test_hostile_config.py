"""Hostile config (issue 21): inputs that used to exhaust memory, crash or slip through
validation are refused with a located message and exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.config.yamlfile import MAX_ALIAS_NODES, parse_yaml
from generator.domain.errors import ProblemsFound


@pytest.fixture
def project(tiny_project: Path) -> Path:
    return tiny_project


def edit(project: Path, name: str, old: str, new: str) -> None:
    path = project / "config" / name
    text = path.read_text()
    assert old in text, f"fixture changed: {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1))


def run(project: Path, *args: str) -> tuple[int, str]:
    command = args or ("validate",)
    result = CliRunner().invoke(cli, [command[0], "--project", str(project), *command[1:]])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output


# ---------------------------------------------------------------- aliases


def alias_bomb(levels: int, indent: str = "      ") -> str:
    """Lines of a 'billion laughs': each list names the one before ten times (10**levels)."""
    lines = [f'{indent}l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        lines.append(f"{indent}l{level}: &l{level} [{','.join([f'*l{level - 1}'] * 10)}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_in_a_sources_options_is_refused_before_it_is_expanded(
    project: Path,
) -> None:
    # 10**7 values when expanded: some ten seconds and 600 MB before aliases were counted.
    bomb = alias_bomb(7) + "      pseudonymise: *l6\n"
    edit(
        project,
        "project.yaml",
        "      Dropped: withdrawn\n",
        "      Dropped: withdrawn\n    options:\n" + bomb,
    )
    code, output = run(project)
    assert code == 1
    assert output.splitlines() == [
        "error: config/project.yaml:28: too many aliases: expanded, they add more than "
        "100,000 values to the file; write the values out",
        "1 problem(s) found.",
    ]


def test_a_billion_laughs_is_refused_at_once() -> None:
    with pytest.raises(ProblemsFound) as caught:
        parse_yaml("x:\n" + alias_bomb(9, "  "), "config/goals.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "config/goals.yaml:6: too many aliases: expanded, they add more than 100,000 values "
        "to the file; write the values out"
    ]


def test_aliases_that_add_few_values_are_read() -> None:
    text = "base: &base {a: 1, b: [x, y]}\none: *base\ntwo: {<<: *base, c: 2}\n"
    assert parse_yaml(text, "f.yaml") == {
        "base": {"a": 1, "b": ["x", "y"]},
        "one": {"a": 1, "b": ["x", "y"]},
        "two": {"a": 1, "b": ["x", "y"], "c": 2},
    }
    many = "a: &a [" + ",".join(["v"] * 99) + "]\nb: [" + ",".join(["*a"] * 1000) + "]\n"
    assert len(parse_yaml(many, "f.yaml")["b"]) == 1000  # 100,000 values: at the limit
    assert MAX_ALIAS_NODES == 100_000


def test_an_alias_inside_itself_is_a_located_problem_not_a_hang() -> None:
    with pytest.raises(ProblemsFound) as caught:
        parse_yaml("a: &a [1, *a]\n", "config/goals.yaml")
    assert str(caught.value.problems[0]).startswith("config/goals.yaml:1: ")
