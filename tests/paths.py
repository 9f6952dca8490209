"""Where the tests find the repository and their fixtures, wherever the test module lives."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
TINY = FIXTURES / "tiny"  # the hand-computed tiny project (tests/report/test_metrics.py)
EXPORTS = FIXTURES / "exports"  # small real-format LMS exports, one folder per adapter
