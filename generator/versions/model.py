"""Versions of the report site: quarterly snapshots and hidden previews, as mike stores them.

A pure data model in the manner of mike's ``versions.py``: names, titles, aliases, hidden
previews and their order. Every git and mike call is in :mod:`generator.versions.git`.

``versions.json`` keeps mike's format (a list of ``{version, title, aliases, properties}``),
so ``mike list``, ``mike serve`` and ``mike delete`` keep working on the branch. Material's
version menu inserts each title as HTML, so the file holds titles HTML-escaped
(:func:`menu_title`); a ``Version`` holds the plain text. The menu shows the list in file order and skips versions whose ``properties.hidden`` is
true. Order: releases (versions named for a fiscal quarter) newest first, then previews by
name, so a preview never sits above a release.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from generator.domain.errors import AccountabilityError, known
from generator.domain.periods import Quarter, parse_quarter

LATEST = "latest"
CURRENT = "current"  # the working tree's build in `accountability diff`; never a version name
RESERVED = {LATEST, CURRENT, "versions.json", "index.html"}
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class SnapshotExists(AccountabilityError):
    """Snapshots are immutable; replacing one needs --force."""


@dataclass(frozen=True)
class Version:
    name: str
    title: str
    aliases: tuple[str, ...] = ()
    properties: Mapping[str, Any] = field(default_factory=dict)

    @property
    def hidden(self) -> bool:
        return bool(self.properties.get("hidden"))

    @property
    def quarter(self) -> Quarter | None:
        """The fiscal quarter a release is named for; None for a preview."""
        return parse_quarter(self.name)

    @property
    def is_release(self) -> bool:
        return self.quarter is not None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "version": self.name,
            "title": menu_title(self.title),
            "aliases": sorted(self.aliases),
        }
        if self.properties:
            data["properties"] = dict(sorted(self.properties.items()))
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Version:
        name = str(data["version"])
        return cls(
            name=name,
            title=html.unescape(str(data.get("title") or name)),
            aliases=tuple(sorted(str(a) for a in data.get("aliases") or ())),
            properties=dict(data.get("properties") or {}),
        )


def menu_title(title: str) -> str:
    """A title as versions.json holds it: Material's version menu inserts it as HTML, so a
    title such as '<img onerror=...>' is escaped to show as text on every page."""
    return html.escape(title)


def sort_key(version: Version) -> tuple[int, int, int, str]:
    """Releases first, newest quarter first (as Material's menu lists them); then previews."""
    quarter = version.quarter
    if quarter is not None:
        return (0, -quarter.fiscal_year, -quarter.number, version.name)
    return (1, 0, 0, version.name)


@dataclass(frozen=True)
class Versions:
    """Every deployed version, always in menu order."""

    items: tuple[Version, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(sorted(self.items, key=sort_key)))

    def __iter__(self) -> Iterator[Version]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @classmethod
    def from_json(cls, data: Iterable[Mapping[str, Any]]) -> Versions:
        return cls(tuple(Version.from_json(item) for item in data))

    @classmethod
    def loads(cls, text: str | bytes | None) -> Versions:
        return cls.from_json(json.loads(text)) if text else cls()

    def to_json(self) -> list[dict[str, Any]]:
        return [v.to_json() for v in self.items]

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"

    def get(self, name: str) -> Version | None:
        return next((v for v in self.items if v.name == name), None)

    def find(self, identifier: str) -> Version | None:
        """The version named ``identifier`` or carrying it as an alias."""
        return self.get(identifier) or next(
            (v for v in self.items if identifier in v.aliases), None
        )

    def identifiers(self) -> list[str]:
        return sorted({v.name for v in self.items} | {a for v in self.items for a in v.aliases})

    def resolve(self, identifier: str) -> Version:
        """Like :meth:`find`, but an unknown name is an error listing the known ones."""
        found = self.find(identifier)
        if found is None:
            raise AccountabilityError(
                f"no snapshot named '{identifier}'"
                + known("versions and aliases", self.identifiers())
            )
        return found

    def newest_release(self) -> Version | None:
        """The newest quarter shown in the menu: where ``latest`` points."""
        return next((v for v in self.items if v.is_release and not v.hidden), None)

    def default(self) -> Version | None:
        """The version the site's root opens: ``latest``, else the first one shown."""
        return self.find(LATEST) or next((v for v in self.items if not v.hidden), None)

    def alias_targets(self) -> dict[str, str]:
        return {alias: v.name for v in self.items for alias in v.aliases}


def default_title(quarter: Quarter, report_date: date) -> str:
    return f"{quarter.label} (as of {report_date.isoformat()})"


def check_name(name: str, kind: str) -> None:
    if not NAME_RE.match(name) or name in RESERVED:
        raise AccountabilityError(
            f"'{name}' is not a valid {kind} name: use letters, digits, '.', '_' and '-' "
            f"(such as 2026-Q3 or pr-42), at most 64 characters, not " + ", ".join(sorted(RESERVED))
        )


@dataclass(frozen=True)
class DeployPlan:
    """What a deploy does: the version as deployed and every version afterwards."""

    version: Version
    versions: Versions
    replaces: bool

    def moved_aliases(self, before: Versions) -> dict[str, str | None]:
        """Aliases that end up on another version than ``before`` had them (None: removed),
        other than those the deployed version takes itself."""
        old, new = before.alias_targets(), self.versions.alias_targets()
        return {
            alias: new.get(alias)
            for alias in sorted(set(old) | set(new))
            if old.get(alias) != new.get(alias) and new.get(alias) != self.version.name
        }


def plan_deploy(
    current: Versions,
    name: str,
    title: str,
    aliases: Sequence[str] = (),
    *,
    hidden: bool = False,
    force: bool = False,
) -> DeployPlan:
    """Deploy ``name``: its aliases move to it, ``latest`` goes to the newest shown release.

    Snapshots are immutable: an existing name needs ``force``. A version not named for a
    quarter is a preview and must be hidden, so the menu lists quarters only."""
    check_name(name, "version")
    for alias in aliases:
        if alias == LATEST:
            raise AccountabilityError(
                "'latest' is managed: it always points at the newest quarter shown in the menu"
            )
        check_name(alias, "alias")
        if current.get(alias) is not None or alias == name:
            raise AccountabilityError(f"alias '{alias}' is already the name of a version")
    if parse_quarter(name) is None and not hidden:
        raise AccountabilityError(
            f"'{name}' is not a fiscal quarter (such as 2026-Q3): a preview must be --hidden"
        )
    taken = current.find(name)
    if taken is not None and taken.name != name:
        raise AccountabilityError(f"'{name}' is already an alias of version '{taken.name}'")
    old = current.get(name)
    if old is not None and not force:
        raise SnapshotExists(
            f"snapshot '{name}' already exists ({old.title}); snapshots are immutable: "
            "pass --force to replace it"
        )
    properties = {k: v for k, v in (old.properties if old else {}).items() if k != "hidden"}
    if hidden:
        properties["hidden"] = True
    kept = set(old.aliases) - {LATEST} if old else set()
    version = Version(name, title, tuple(sorted(kept | set(aliases))), properties)
    others = [
        replace(v, aliases=tuple(a for a in v.aliases if a not in version.aliases))
        for v in current
        if v.name != name
    ]
    versions = _with_latest(Versions((*others, version)))
    return DeployPlan(versions.get(name) or version, versions, replaces=old is not None)


def _with_latest(versions: Versions) -> Versions:
    """``latest`` on the newest shown release only."""
    stripped = Versions(
        tuple(replace(v, aliases=tuple(a for a in v.aliases if a != LATEST)) for v in versions)
    )
    newest = stripped.newest_release()
    if newest is None:
        return stripped
    return Versions(
        tuple(
            replace(v, aliases=tuple(sorted((*v.aliases, LATEST)))) if v.name == newest.name else v
            for v in stripped
        )
    )
