"""Keyed pseudonyms for learner ids (HMAC-SHA256), so raw ids need not leave the LMS.

The key comes from the environment variable ACCOUNTABILITY_PSEUDONYM_KEY or from the file that
ACCOUNTABILITY_PSEUDONYM_KEY_FILE names (keep it outside the repository). E-mail addresses used
as ids are always pseudonymised, with or without a key, so they never enter the tables.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from generator.domain.errors import AccountabilityError

if TYPE_CHECKING:
    from generator.config import Source

KEY_ENV = "ACCOUNTABILITY_PSEUDONYM_KEY"
KEY_FILE_ENV = "ACCOUNTABILITY_PSEUDONYM_KEY_FILE"
UNKEYED = b"training-accountability/e-mail"


def pseudonym_key() -> bytes | None:
    if os.environ.get(KEY_ENV):
        return os.environ[KEY_ENV].encode()
    if os.environ.get(KEY_FILE_ENV):
        path = Path(os.environ[KEY_FILE_ENV])
        try:
            return path.read_bytes().strip()
        except OSError as exc:
            raise AccountabilityError(
                f"{path}: cannot read the pseudonym key ({exc.strerror}); "
                f"fix {KEY_FILE_ENV} or unset it"
            ) from None
    return None


def pseudonym(value: str, key: bytes) -> str:
    return "p-" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:16]


def pseudonymise_series(ids: pd.Series, key: bytes | None) -> pd.Series:
    """Hash each distinct id once; ids that look like e-mail addresses are hashed even unkeyed."""
    unique = pd.Series(ids.dropna().unique())
    if key is None:
        unique = unique[unique.str.contains("@", regex=False)]
    if unique.empty:
        return ids
    secret = key or UNKEYED
    mapping = {value: pseudonym(value, secret) for value in unique}
    return ids.map(lambda v: mapping.get(v, v)).astype("string")


def pseudonymiser(source: Source) -> Callable[[pd.Series], pd.Series]:
    key = pseudonym_key() if source.options.get("pseudonymise", True) else None
    return lambda ids: pseudonymise_series(ids, key)
