"""Canvas gradebook export: pseudo-rows, EX / N/A, decimal commas, BOM, names dropped."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_helpers import load
from paths import EXPORTS

from generator.domain.errors import ProblemsFound

GRADEBOOK = EXPORTS / "canvas" / "gradebook-semicolon-bom.csv"
OPTIONS = {"enrolled_on": "2024-01-15"}


def test_points_possible_is_not_a_learner_and_scales_assignments() -> None:
    tables, report = load("canvas-gradebook", GRADEBOOK, course_id="C1", options=OPTIONS)
    enrollments = tables["enrollments"].set_index("learner_id")
    assert list(enrollments.index) == ["5001", "5002", "5003"]  # no "Points Possible" row
    assert enrollments.loc["5001", "score"] == 85.5  # Final Score, "85,5"
    assert enrollments.loc["5001", "offering"] == "Section A"
    scores = tables["assessments"].set_index(["learner_id", "assessment"])["score"]
    assert scores.to_dict() == {("5001", "Homework 1"): 92.5, ("5002", "Quiz 1"): 70.0}
    assert report.rows_read == 3 + 2  # EX, N/A and empty cells are not grades
    flat = tables["enrollments"].astype(str).to_string()
    assert "Lund" not in flat and "@" not in flat


def test_current_score_on_request() -> None:
    tables, _ = load(
        "canvas-gradebook",
        GRADEBOOK,
        course_id="C1",
        options=OPTIONS | {"score_column": "Current Score"},
    )
    assert tables["enrollments"]["score"].tolist()[:2] == [92.5, 70.0]


def test_not_a_gradebook_lists_columns(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("Name,Grade\nA,1\n")
    with pytest.raises(
        ProblemsFound,
        match=r"other.csv:1: not a Canvas gradebook export.*"
        r"columns found: Name, Grade",
    ):
        load("canvas-gradebook", other, course_id="C1", options=OPTIONS)
