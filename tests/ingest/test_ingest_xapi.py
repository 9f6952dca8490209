"""xAPI / cmi5 statements: JSON lines, arrays, single statements, folders; bad ones counted."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from ingest_helpers import load
from paths import EXPORTS

XAPI = EXPORTS / "xapi"
COURSE_MAP = {"course_map": {"https://lms.example.org/courses/safety": "C1"}}
INVALID_CMI5 = (
    "invalid JSON (16-not_applicable-no_launch/05-initialized_statement.json line 38 "
    "column 7: Expecting ',' delimiter)"
)


def test_json_lines_attempts_status_score_minutes_and_bad_lines() -> None:
    tables, report = load("xapi", XAPI / "statements.jsonl", options=COURSE_MAP)
    rows = tables["enrollments"].set_index("offering")
    first = rows.loc["11111111-1111-4111-8111-111111111111"]
    assert first["learner_id"] == "u-101" and first["status"] == "completed"  # failed, passed
    assert first["score"] == pytest.approx(90.0)  # the last scored statement, scaled x 100
    assert first["minutes"] == pytest.approx(90.0)  # the terminated session's duration
    assert str(first["enrolled_on"].date()) == "2025-01-10"
    assert str(first["completed_on"].date()) == "2025-01-12"
    second = rows.loc["22222222-2222-4222-8222-222222222222"]
    assert second["status"] == "withdrawn" and str(second["withdrawn_on"].date()) == "2025-02-03"
    assert report.rows_read == 9 and report.rows_merged == 5
    assert report.reasons[
        "invalid JSON (statements.jsonl line 6 column 67: Expecting value)"
    ].lines == [6]
    assert (
        "statement has no identified actor (account, mbox, mbox_sha1sum or openid)"
        in report.reasons
    )


def test_mbox_is_pseudonymised_never_kept() -> None:
    tables, _ = load("xapi", XAPI / "statements.jsonl", options=COURSE_MAP)
    ids = set(tables["enrollments"]["learner_id"])
    assert not any("@" in i or "mailto" in i for i in ids)
    assert any(i.startswith("p-") for i in ids)


def test_array_and_single_statement_and_folder() -> None:
    tables, report = load("xapi", XAPI / "array.json", options=COURSE_MAP)
    row = tables["enrollments"].iloc[0]
    assert row["status"] == "completed" and row["minutes"] == pytest.approx(26 * 60)
    assert report.rows_merged == 1
    tables, report = load("xapi", XAPI / "single.json", course_id="C1")
    assert tables["enrollments"]["course_id"].tolist() == ["C1"]  # the source's course id
    tables, report = load("xapi", XAPI, options=COURSE_MAP)
    assert report.rows_read == 12
    assert any(r.startswith("unknown course 'https://elsewhere") for r in report.reasons)


def test_course_map_prefix(tmp_path: Path) -> None:
    statement = json.loads((XAPI / "single.json").read_text())
    (tmp_path / "one.json").write_text(json.dumps(statement))
    tables, _ = load(
        "xapi",
        tmp_path / "one.json",
        options={"course_map": {"https://elsewhere.example.com/": "C1"}},
    )
    assert tables["enrollments"]["course_id"].tolist() == ["C1"]


def test_empty_and_not_json_are_counted_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("")
    (tmp_path / "b.json").write_text("<html>LRS error</html>")
    _, report = load("xapi", tmp_path)
    assert report.rows_read == 2 and report.rows_rejected == 2


@pytest.mark.shared
def test_cmi5_scenarios_invalid_statement_counted(shared_data: Path) -> None:
    course = "http://course-repository.example.edu/identifiers/courses/02baafcf/"
    tables, report = load(
        "xapi", shared_data / "xapi" / "cmi5-scenarios", options={"course_map": {course: "C1"}}
    )
    assert report.rows_read == 144  # 104 statements + 40 other cmi5 documents
    assert report.reasons[INVALID_CMI5].count == 1
    assert report.reasons["not an xAPI statement (no actor, verb or object)"].count == 39
    enrollments = tables["enrollments"]
    assert len(enrollments) == 16 and set(enrollments["learner_id"]) == {"Learner"}
    assert enrollments["score"].dropna().sort_values().tolist() == [88.0, 91.0, 94.0]
    counts = enrollments["status"].value_counts().to_dict()
    assert counts == {"completed": 10, "in_progress": 5, "withdrawn": 1}


@pytest.mark.shared
def test_spec_appendix_examples(shared_data: Path) -> None:
    folder = shared_data / "xapi" / "xapi-spec-appendix-a"
    tables, report = load(
        "xapi",
        folder,
        {"CBT", "MEET", "SIMPLE"},
        options={
            "course_map": {
                "http://example.adlnet.gov/xapi/example/simpleCBT": "CBT",
                "http://www.example.com/meetings/occurances/34534": "MEET",
                "http://example.com/xapi/activity/simplestatement": "SIMPLE",
            }
        },
    )
    rows = tables["enrollments"].set_index("course_id")
    assert report.rows_read == 3 and report.rows_loaded == 3
    assert rows.loc["CBT", "score"] == pytest.approx(95.0)
    assert rows.loc["CBT", "minutes"] == pytest.approx(1234 / 60)
    assert not rows["learner_id"].str.contains("@").any()
    assert isinstance(rows.loc["MEET", "offering"], str)  # context.registration of example 3
    assert pd.notna(rows.loc["SIMPLE", "enrolled_on"])
