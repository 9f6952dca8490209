"""JSON Schemas of the config files, generated from their pydantic models, for editors: a YAML
language server that reads a file's ``# yaml-language-server: $schema=...`` modeline completes
keys, shows each field's docstring and flags a wrong key as you type.

The models' ``model_json_schema()`` describes what they accept after their "before" validators,
so the shorthands those validators take (``scope: org``, ``target: '>= 0.85'``, ``responsible:
learner``, modules as titles, numbers under ``values:``) are added here, each beside the model
and field it belongs to; a field that no longer exists fails loudly, so the two cannot drift.
``accountability validate`` stays the judge: the schemas say less than the checks across files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, get_args

from pydantic import BaseModel

from generator.config.models import CONFIG_FILES, Scope
from generator.config.workforce import OPTIONAL_FILES

SCHEMA_DIR = "schemas"
"""Folder of the project directory that holds the schemas (beside config/)."""
DIALECT = "https://json-schema.org/draft/2020-12/schema"

JsonSchema = dict[str, Any]

_FINITE_NUMBER = r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?"


def schema_name(yaml_name: str) -> str:
    """project.yaml -> project.schema.json"""
    return yaml_name.removesuffix(".yaml") + ".schema.json"


def modeline(yaml_name: str) -> str:
    """Line 1 of config/<yaml_name>: the schema path, relative to the file as the YAML
    language server resolves it."""
    return f"# yaml-language-server: $schema=../{SCHEMA_DIR}/{schema_name(yaml_name)}"


def config_file_models() -> dict[str, type[BaseModel]]:
    """File name in config/ -> the model of the whole file, required files first."""
    return {name: model for name, model in {**CONFIG_FILES, **OPTIONAL_FILES}.values()}


def config_schemas() -> dict[str, JsonSchema]:
    """File name in config/ -> its JSON Schema (the model's, with the shorthands)."""
    return {name: file_schema(name, model) for name, model in config_file_models().items()}


def file_schema(yaml_name: str, model: type[BaseModel]) -> JsonSchema:
    schema = model.model_json_schema()
    for (owner, field), widen in SHORTHANDS.items():
        found = _properties(schema, owner)
        if found is None:
            continue  # the model is not part of this file
        if field not in found:
            raise KeyError(f"{owner}.{field}: a shorthand for a field the model does not have")
        found[field] = widen(found[field])
    return {"$schema": DIALECT, "$id": schema_name(yaml_name), **schema}


def schema_text(schema: JsonSchema) -> str:
    """The file's text: stable (sorted keys), so a regenerated schema diffs as it changed."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schema_files() -> dict[str, str]:
    """``{schemas/<file>.schema.json: text}`` of every config file."""
    return {
        f"{SCHEMA_DIR}/{schema_name(name)}": schema_text(schema)
        for name, schema in config_schemas().items()
    }


def _properties(schema: JsonSchema, title: str) -> dict[str, Any] | None:
    """The properties of the model called ``title``: the root, or one of its $defs."""
    if schema.get("title") == title:
        return schema.get("properties")
    definition = schema.get("$defs", {}).get(title)
    return None if definition is None else definition.get("properties")


def _or(alternative: JsonSchema) -> Callable[[JsonSchema], JsonSchema]:
    """A property that also accepts ``alternative`` (title, description and default kept)."""

    def widen(prop: JsonSchema) -> JsonSchema:
        meta = {k: v for k, v in prop.items() if k in ("title", "description", "default")}
        core = {k: v for k, v in prop.items() if k not in meta}
        choices = core["anyOf"] if list(core) == ["anyOf"] else [core]
        return {**meta, "anyOf": [*choices, alternative]}

    return widen


def _items_or(alternative: JsonSchema) -> Callable[[JsonSchema], JsonSchema]:
    """An array property whose items may also be ``alternative``."""

    def widen(prop: JsonSchema) -> JsonSchema:
        return {**prop, "items": {"anyOf": [prop["items"], alternative]}}

    return widen


def _text_or_number(prop: JsonSchema) -> JsonSchema:
    """``values:`` takes YAML numbers too (read as the text a file would hold)."""
    return {**prop, "additionalProperties": {"type": ["string", "number"]}}


SHORTHANDS: dict[tuple[str, str], Callable[[JsonSchema], JsonSchema]] = {
    # models.Goal._scope_shorthand: a level alone
    ("Goal", "scope"): _or(
        {"type": "string", "enum": list(get_args(Scope.model_fields["level"].annotation))}
    ),
    # models.Goal._target_shorthand: '>= 0.85'
    ("Goal", "target"): _or(
        {"type": "string", "pattern": rf"^\s*(>=|<=|>|<)\s*{_FINITE_NUMBER}\s*$"}
    ),
    # models.Raci._one_or_many: one role instead of a list
    ("Raci", "responsible"): _or({"type": "string"}),
    ("Raci", "consulted"): _or({"type": "string"}),
    ("Raci", "informed"): _or({"type": "string"}),
    # models.Course._titles: a module's title alone
    ("Course", "modules"): _items_or({"type": "string"}),
    # models.Source._values_as_text: numbers as text
    ("Source", "values"): _text_or_number,
}
"""(model, field) -> how its schema widens to take what the model's "before" validator does."""
