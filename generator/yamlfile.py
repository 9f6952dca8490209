"""YAML loading that remembers the line of every mapping key and list item.

PyYAML throws positions away once it builds Python objects; we keep them in ``LineMap``
so validation errors can point at ``file:line`` (the mkdocs config style of error).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.errors import Problem, ProblemsFound


class LineMap(dict):
    """A dict that knows the (1-based) line of each key and of itself."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    """A list that knows the line of each item and of itself."""

    line: int = 0
    item_lines: list[int]


# libyaml's parser when PyYAML was built with it (the wheels are): ~10x faster on a courses.yaml
# of thousands of courses, with the same nodes, marks and error classes.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[valid-type,misc]
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineMap:
    loader.flatten_mapping(node)
    result = LineMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


class _DuplicateKey(Exception):
    def __init__(self, key: object, line: int):
        self.key, self.line = key, line


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> object:
    """YAML reads 2025-02-30 as a date and Python refuses it: say where, not a traceback."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"'{node.value}' is not a real date ({exc})", node.start_mark
        ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def parse_yaml(text: str, filename: str) -> Any:
    """Parse YAML text; syntax errors become a located ``ProblemsFound``."""
    try:
        return yaml.load(text, Loader=_Loader)
    except _DuplicateKey as exc:
        raise ProblemsFound(
            [Problem(filename, exc.line, f"key '{exc.key}' appears twice; keep one of them")]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = exc.problem or "invalid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError):
            message = f"{what}; write dates as YYYY-MM-DD"
        else:
            message = f"YAML syntax error: {what}; check indentation and quoting"
        raise ProblemsFound([Problem(filename, line, message)]) from None
    except yaml.YAMLError as exc:
        raise ProblemsFound([Problem(filename, 0, f"YAML error: {exc}")]) from None


def load_yaml(path: Path, shown_as: str) -> Any:
    """Read and parse a YAML file; unreadable bytes are a located problem, not a traceback."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProblemsFound(
            [Problem(shown_as, 0, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")]
        ) from None
    except OSError as exc:
        raise ProblemsFound([Problem(shown_as, 0, f"cannot read: {exc.strerror}")]) from None
    return parse_yaml(text, shown_as)


def line_of(document: Any, location: tuple[Any, ...]) -> int:
    """The line of the deepest node on ``location`` (a pydantic error ``loc``)."""
    line = getattr(document, "line", 0)
    node = document
    for step in location:
        if isinstance(node, LineMap) and step in node:
            line = node.key_lines.get(step, line)
            node = node[step]
        elif isinstance(node, LineList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.item_lines[step]
            node = node[step]
        else:
            break
    return line
