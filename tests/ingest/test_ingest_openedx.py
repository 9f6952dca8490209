"""Open edX grade report: Grade 0-1, certificate eligibility, unenrolment, subsections."""

from __future__ import annotations

import pytest
from ingest_helpers import load
from paths import EXPORTS

from generator.domain.errors import ProblemsFound

REPORT = EXPORTS / "openedx" / "Org_C1_2024_grade_report_2024-05-01-1200.csv"


def test_grade_report_status_score_and_report_date() -> None:
    tables, report = load(
        "openedx-grades", REPORT, course_id="C1", options={"enrolled_on": "2024-01-15"}
    )
    rows = tables["enrollments"].set_index("learner_id")
    assert rows["status"].to_dict() == {"9": "enrolled", "10": "completed", "11": "withdrawn"}
    assert rows.loc["10", "score"] == pytest.approx(86.0)
    assert str(rows.loc["10", "completed_on"].date()) == "2024-05-01"  # from the file name
    assert len(tables["assessments"]) == 3  # "Not Attempted" gives no row
    assert "fake@student.com" not in tables["enrollments"].astype(str).to_string()
    assert report.rows_rejected == 0


def test_grade_report_needs_course_start() -> None:
    with pytest.raises(ProblemsFound, match=r"options\.enrolled_on"):
        load("openedx-grades", REPORT, course_id="C1")
