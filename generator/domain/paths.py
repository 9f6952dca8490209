"""Safe, stable file names for ids that come from YAML or exports.

An id such as ``../etc``, ``Sales/EMEA``, ``CON`` or ``Grundlagen Ü1`` becomes a lowercase
ASCII slug; two ids of the config that map to the same name are an error naming both, two
names from the exports (departments) are told apart by a short hash (``distinct_slugs``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from generator.domain.errors import AccountabilityError

RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    "index",
    "assets",
    "charts",
    "downloads",
    "search",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}
MAX_LENGTH = 80


def slug(identifier: str) -> str:
    """A file-name-safe form of ``identifier``: stable across runs and machines."""
    ascii_text = unicodedata.normalize("NFKD", identifier).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_LENGTH].strip("-")
    if not text or (text != ascii_text.lower() and not _mostly_kept(identifier, text)):
        # Nothing (or too little) survives: add a short hash so distinct ids stay distinct.
        text = f"{text}-{_digest(identifier)}" if text else f"id-{_digest(identifier)}"
    return f"{text}-1" if text in RESERVED else text


def _digest(identifier: str) -> str:
    return hashlib.sha256(identifier.encode()).hexdigest()[:8]


def _mostly_kept(original: str, text: str) -> bool:
    letters = sum(ch.isalnum() for ch in original)
    return letters == 0 or sum(ch.isalnum() for ch in text) >= letters * 0.5


def slugs(kind: str, identifiers: Iterable[str]) -> dict[str, str]:
    """id -> slug for a set of ids; a collision is an error naming both ids."""
    result: dict[str, str] = {}
    owner: dict[str, str] = {}
    for identifier in sorted(set(identifiers)):
        name = slug(identifier)
        if name in owner:
            raise AccountabilityError(
                f"{kind} ids '{owner[name]}' and '{identifier}' both become the file name "
                f"'{name}'; rename one of them"
            )
        owner[name] = identifier
        result[identifier] = name
    return result


def distinct_slugs(identifiers: Iterable[str]) -> dict[str, str]:
    """id -> slug for names that come from the exports (departments), which no one can rename
    in the config: where several map to one name ("R&D", "R-D"), each that is not exactly
    that name gets a short hash of itself appended ("r-d-0b1c2d3e"), so its file name stays the
    same whichever other names come and go."""
    owners: dict[str, list[str]] = {}
    for identifier in sorted(set(identifiers)):
        owners.setdefault(slug(identifier), []).append(identifier)
    result: dict[str, str] = {}
    for name, ids in owners.items():
        for identifier in ids:
            alone = len(ids) == 1 or identifier == name
            result[identifier] = name if alone else f"{name}-{_digest(identifier)}"
    return result
