"""YAML loading that remembers the line of every mapping key and list item.

PyYAML throws positions away once it builds Python objects; we keep them in ``LineMap``
so validation errors can point at ``file:line`` (the mkdocs config style of error).
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml

from generator.domain.errors import Problem, ProblemsFound


class LineMap(dict):
    """A dict that knows the (1-based) line of each key and of itself."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    """A list that knows the line of each item and of itself."""

    line: int = 0
    item_lines: list[int]


# libyaml's parser when PyYAML was built with it (the wheels are): far faster on a courses.yaml
# of thousands of courses (benchmarks/RESULTS.md), with the same nodes, marks and errors.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[valid-type,misc]
    bad_keys: list[tuple[int, str]]
    """(line, what the key is) of every key that is a list or mapping, in document order."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineMap:
    loader.flatten_mapping(node)
    result = LineMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        reported = len(loader.bad_keys)
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            # `? [a, b]: 1` or `{a: 1}: 2`: no dict can hold it. Noted, left out, and reported
            # with every other such key of the file once it is read (a key that holds such a
            # key, as `? [a, b]: 1` holds `[a, b]`, only once: for the key inside).
            if len(loader.bad_keys) == reported:
                loader.bad_keys.append((key_node.start_mark.line + 1, _key_kind(key)))
            continue
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


def _key_kind(key: Any) -> str:
    """'a list ([a, b])': what a key that cannot be a name is, with its text (shortened)."""
    kind = "a list" if isinstance(key, list) else "a mapping" if isinstance(key, dict) else "a set"
    if isinstance(key, set):
        text = "{" + ", ".join(sorted(map(str, key))) + "}"
    else:
        text = yaml.safe_dump(_plain(key), default_flow_style=True, width=10**6).strip()
    return f"{kind} ({text if len(text) <= 40 else text[:37] + '...'})"


def _plain(value: Any) -> Any:
    """LineMap and LineList as the dict and list yaml.safe_dump knows."""
    if isinstance(value, dict):
        return {_plain_key(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set):
        return sorted(map(str, value))
    return value


def _plain_key(key: Any) -> Any:
    return key if isinstance(key, str | int | float | bool) or key is None else str(key)


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


MAX_ALIAS_NODES = 100_000
"""The most nodes (keys, values, list items) the aliases of one file may add to it when they
are expanded. An alias is a reference, cheap to read, but everything after loading (pydantic,
error messages, the cache key's JSON) walks the values it names: ten lines of aliases of
aliases name 10^9 values (the "billion laughs"), gigabytes and minutes. No config needs many."""


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    return []


def _alias_bomb_line(root: yaml.Node, limit: int = MAX_ALIAS_NODES) -> int | None:
    """The line of the list or mapping where the aliases, expanded, add more than ``limit``
    nodes to the document, or None. Every node is walked once, in document order, as the
    constructor will: an alias (a node met before) adds the expanded size of the node it names."""
    expanded: dict[int, int] = {}  # id of a node walked -> nodes it stands for, aliases expanded
    on_path: set[int] = {id(root)}
    stack = [(root, iter(_children(root)), [1])]  # node, children left, its size so far
    added = 0
    while stack:
        node, children, size = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            on_path.discard(id(node))
            expanded[id(node)] = size[0]
            if stack:
                stack[-1][2][0] += size[0]
        elif id(child) in expanded or id(child) in on_path:  # an alias (inside itself: 1)
            grows = expanded.get(id(child), 1)
            size[0] += grows
            added += grows
            if added > limit:
                return int(node.start_mark.line) + 1
        else:
            on_path.add(id(child))
            stack.append((child, iter(_children(child)), [1]))
    return None


def parse_yaml(text: str, filename: str, problems: list[Problem] | None = None) -> Any:
    """Parse YAML text; syntax errors become a located ``ProblemsFound``, and so do aliases that
    expand to more than ``MAX_ALIAS_NODES`` nodes (refused before they are expanded). A key that
    is a list or a mapping is a located problem too: appended to ``problems`` when given (the
    document is returned without such keys, so that the rest of it can be checked), else raised."""
    loader = _Loader(text)
    loader.bad_keys = []
    try:
        node = loader.get_single_node()
        # An alias names an anchor (&name): a file without one is not walked (the walk adds a
        # seventh to the parse time of 5,000 courses).
        bomb_line = None if node is None or "&" not in text else _alias_bomb_line(node)
        if bomb_line is not None:
            message = (
                f"too many aliases: expanded, they add more than {MAX_ALIAS_NODES:,} values "
                "to the file; write the values out"
            )
            raise ProblemsFound([Problem(filename, bomb_line, message)])
        document = None if node is None else loader.construct_document(node)
    except _DuplicateKey as exc:
        raise ProblemsFound(
            [Problem(filename, exc.line, f"key '{exc.key}' appears twice; keep one of them")]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = exc.problem or "invalid YAML"
        if not isinstance(exc, yaml.constructor.ConstructorError):
            message = f"YAML syntax error: {what}; check indentation and quoting"
        elif "not a real date" in what:
            message = f"{what}; write dates as YYYY-MM-DD"
        elif "unhashable" in what:
            message = f"{what}; keys are names: write the key as text"  # inside a !!set
        else:  # an unknown !tag, an alias inside itself, a merge (<<) of a list ...
            message = f"{what}; write plain keys, values and lists, without tags or aliases"
        raise ProblemsFound([Problem(filename, line, message)]) from None
    except yaml.YAMLError as exc:
        raise ProblemsFound([Problem(filename, 0, f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()
    found = [
        Problem(filename, line, f"a key is {kind}; keys are names: write the key as text")
        for line, kind in loader.bad_keys
    ]
    if found and problems is None:
        raise ProblemsFound(found)
    if problems is not None:
        problems.extend(found)
    return document


def load_yaml(path: Path, shown_as: str, problems: list[Problem] | None = None) -> Any:
    """Read and parse a YAML file; unreadable bytes are a located problem, not a traceback
    (``problems`` as for :func:`parse_yaml`)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProblemsFound(
            [Problem(shown_as, 0, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")]
        ) from None
    except OSError as exc:
        raise ProblemsFound([Problem(shown_as, 0, f"cannot read: {exc.strerror}")]) from None
    return parse_yaml(text, shown_as, problems)


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
