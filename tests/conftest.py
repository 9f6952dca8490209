"""Shared fixtures. Tests marked ``shared`` read ../shared/data: skipped on a fresh clone
without it, mandatory (failing instead of skipping) when REQUIRE_SHARED_DATA=1, as in CI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("ACCOUNTABILITY_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        if os.environ.get("REQUIRE_SHARED_DATA") == "1":
            pytest.fail(f"{SHARED_DATA} is missing but REQUIRE_SHARED_DATA=1")
        pytest.skip(f"{SHARED_DATA} not present (fresh clone without ../shared)")
    return SHARED_DATA


@pytest.fixture
def repo() -> Path:
    return REPO
