"""Pydantic's validation errors as ``file:line: what; fix`` problems: each error is placed at the
line of the key it is about, and says what is wrong in the words of the config file (an unknown
key with the keys allowed there, a required key, a choice with its options).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.config.yamlfile import line_of
from generator.domain.errors import Problem, did_you_mean, known


def explain(
    exc: ValidationError, document: Any, shown: str, model: type[BaseModel]
) -> Iterator[Problem]:
    """The problems of ``document`` (the file ``shown``) that ``model`` refused."""
    errors = exc.errors()
    misspelt = _misspelt_fields(errors, model)
    alternatives = _union_alternatives(errors)
    for error in errors:
        location = tuple(error["loc"])
        if error["type"] == "missing" and location in misspelt:
            continue  # the unknown key's "did you mean" already says it
        field = _field_location(location)
        if field == location:
            yield Problem(shown, line_of(document, location), _message(error, location, model))
        elif field in alternatives:
            # A field that accepts several shapes failed all of them: one message for all.
            reasons = " or ".join(alternatives.pop(field))
            yield Problem(
                shown,
                line_of(document, field),
                f"'{_dotted(field)}' is {error['input']!r}; expected {reasons}",
            )


def _message(error: Any, location: tuple[Any, ...], model: type[BaseModel]) -> str:
    """What is wrong at ``location``, and how to fix it."""
    path = _dotted(location)
    kind = error["type"]
    if kind == "extra_forbidden":
        options = sorted(_fields_at(model, location[:-1]))
        name = str(location[-1])
        return f"unknown key '{name}'{did_you_mean(name, options)}{known('keys here', options)}"
    if kind == "missing":
        return f"'{path}' is required; add it"
    if kind == "finite_number":
        value = error["input"]  # inf, nan, or text such as 1e400 (YAML's floats need a dot)
        shown_value = value if isinstance(value, str) else repr(value)
        return f"'{path}' is {shown_value}; write a finite number"
    if kind in ("literal_error", "enum"):
        expected = error.get("ctx", {}).get("expected", "")
        return f"'{path}' is {error['input']!r}; use one of {expected}"
    message = error["msg"].removeprefix("Value error, ")
    return f"'{path}': {message} (got {error['input']!r})"


def _is_union_tag(step: Any) -> bool:
    """pydantic names the branch of a union in the error location, e.g. 'list[str]'."""
    return isinstance(step, str) and ("[" in step or step in ("str", "int", "float", "bool"))


def _field_location(location: tuple[Any, ...]) -> tuple[Any, ...]:
    """The location of the field itself, without the union branch pydantic appends."""
    for index, step in enumerate(location):
        if _is_union_tag(step):
            return location[:index]
    return location


def _union_alternatives(errors: list[Any]) -> dict[tuple[Any, ...], list[str]]:
    """For each field whose union branches all failed, what each branch expected."""
    found: dict[tuple[Any, ...], list[str]] = {}
    for error in errors:
        location = tuple(error["loc"])
        field = _field_location(location)
        if field == location:
            continue
        if error["type"] in ("literal_error", "enum"):
            reason = error.get("ctx", {}).get("expected", "")
        else:
            reason = error["msg"].removeprefix("Input should be ").removeprefix("Value error, ")
        if reason not in found.setdefault(field, []):
            found[field].append(reason)
    return found


def _misspelt_fields(errors: list[Any], model: type[BaseModel]) -> set[tuple[Any, ...]]:
    """Locations of required fields that an unknown key next to them is a misspelling of."""
    found = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            parent, name = tuple(error["loc"][:-1]), str(error["loc"][-1])
            close = difflib.get_close_matches(name, _fields_at(model, parent), n=1, cutoff=0.6)
            if close:
                found.add((*parent, close[0]))
    return found


def _dotted(location: tuple[Any, ...]) -> str:
    """A location as the config file's reader writes it: ``goals[2].target``."""
    text = ""
    for step in location:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def _fields_at(model: type[BaseModel], location: tuple[Any, ...]) -> list[str]:
    """The field names of the model reached by following ``location`` through nested models."""
    current: Any = model
    for step in location:
        if isinstance(step, int):
            continue
        info = current.model_fields.get(step) if hasattr(current, "model_fields") else None
        if info is None:
            return []
        current = _inner_model(info.annotation)
        if current is None:
            return []
    return list(current.model_fields) if hasattr(current, "model_fields") else []


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model an annotation holds, such as Course in ``list[Course]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
