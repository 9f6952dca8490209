"""OULAD as published: enrollments, assessments, final scores and (aggregated) VLE activity."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from ingest_helpers import load
from paths import EXPORTS

from generator.domain.errors import ProblemsFound
from generator.ingest.adapters.oulad import final_scores, presentation_starts

OULAD = EXPORTS / "oulad"
MODULES = {"AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG"}


def _final_results(folder: Path) -> pd.Series:
    return pd.read_csv(folder / "csv" / "studentInfo.csv", dtype=str)["final_result"]


def test_presentation_start_rule() -> None:
    courses = pd.DataFrame(
        {
            "code_module": ["AAA", "BBB"],
            "code_presentation": ["2013B", "2014J"],
            "module_presentation_length": ["240", "262"],
            "_line": [2, 3],
        }
    )
    starts = presentation_starts(courses, "oulad")
    assert [str(d.date()) for d in starts["start"]] == ["2013-02-01", "2014-10-01"]
    bad = courses.assign(code_presentation=["2013B", "2014X"])
    with pytest.raises(ProblemsFound, match=r"oulad/csv/courses.csv:3: .*'2014X'"):
        presentation_starts(bad, "oulad")


def test_excerpt_statuses_dates_and_scores_agree_with_final_result() -> None:
    tables, report = load("oulad", OULAD, MODULES)
    enrollments = tables["enrollments"]
    expected = _final_results(OULAD).map(
        {
            "Pass": "completed",
            "Distinction": "completed",
            "Fail": "failed",
            "Withdrawn": "withdrawn",
        }
    )
    assert enrollments["status"].value_counts().to_dict() == expected.value_counts().to_dict()
    first = enrollments.iloc[0]
    info = pd.read_csv(OULAD / "csv" / "studentRegistration.csv", dtype=str).iloc[0]
    start = (
        pd.Timestamp("2013-10-01")
        if first["offering"].endswith("J")
        else pd.Timestamp("2013-02-01")
    )
    assert first["enrolled_on"] == start + pd.Timedelta(days=int(info["date_registration"]))
    done = enrollments[enrollments["status"] == "completed"]
    assert done["completed_on"].notna().all() and done["score"].notna().all()
    assert enrollments["department"].str.contains("Region|Scotland|Wales|Ireland").all()
    assert report.reasons["score is '?' (not marked) in csv/studentAssessment.csv"].count == 2
    assert any("date_registration is '?' in 1 rows" in note for note in report.notes)


def test_final_score_is_mean_of_weighted_components() -> None:
    tables = {
        "assessments": pd.DataFrame(
            {
                "code_module": "AAA",
                "code_presentation": "2013J",
                "id_assessment": ["1", "2", "3", "4"],
                "assessment_type": ["TMA", "TMA", "CMA", "Exam"],
                "date": "10",
                "weight": ["30", "70", "0", "100"],
                "_line": [2, 3, 4, 5],
            }
        ),
        "studentAssessment": pd.DataFrame(
            {
                "id_assessment": ["1", "2", "3", "4", "1", "3"],
                "id_student": ["s", "s", "s", "s", "t", "t"],
                "date_submitted": "5",
                "is_banked": "0",
                "score": ["50", "100", "0", "60", "?", "80"],
                "_line": range(2, 8),
            }
        ),
    }
    scores = final_scores(tables).set_index("learner_id")["score"]
    # s: continuous (50*30 + 100*70 + 0*0)/100 = 85, exam 60 -> 72.5
    assert scores["s"] == pytest.approx(72.5)
    # t: only a CMA of weight 0 was marked -> its plain mean, no exam
    assert scores["t"] == pytest.approx(80)


def test_missing_table_names_the_file_and_the_download(tmp_path: Path) -> None:
    (tmp_path / "csv").mkdir()
    with pytest.raises(ProblemsFound, match=r"csv/courses.csv: missing; an OULAD folder"):
        load("oulad", tmp_path, MODULES)


def test_activity_without_parquet_is_a_clear_problem() -> None:
    with pytest.raises(ProblemsFound, match="studentVle parquet"):
        load("oulad", OULAD, MODULES, options={"activity": "week"})


@pytest.mark.shared
@pytest.mark.slow
def test_full_oulad_every_registration_accounted(shared_data: Path) -> None:
    folder = shared_data / "oulad"
    started = time.perf_counter()
    tables, report = load("oulad", folder, MODULES, options={"activity": "week"})
    elapsed = time.perf_counter() - started
    enrollments = tables["enrollments"]
    results = _final_results(folder)
    assert len(results) == 32_593 and len(enrollments) == 32_593
    counts = enrollments["status"].value_counts().to_dict()
    assert counts == {"completed": 12_361 + 3_024, "failed": 7_052, "withdrawn": 10_156}
    assert counts["completed"] == results.isin(["Pass", "Distinction"]).sum()
    assert report.reasons.keys() == {"score is '?' (not marked) in csv/studentAssessment.csv"}
    assert report.reasons["score is '?' (not marked) in csv/studentAssessment.csv"].count == 173
    assert len(tables["assessments"]) == 173_912 - 173
    # studentInfo, studentAssessment, studentVle and courses.csv (one offering per row)
    assert report.rows_read == 32_593 + 173_912 + 10_655_280 + 22
    assert len(tables["offerings"]) == 22
    assert tables["activity"]["clicks"].sum() == 39_605_099
    assert enrollments[["learner_id", "course_id", "offering"]].duplicated().sum() == 0
    assert any("93 Withdrawn rows have none" in note for note in report.notes)
    assert elapsed < 30, elapsed


@pytest.mark.shared
@pytest.mark.slow
def test_example_project_validates(shared_data: Path, repo: Path) -> None:
    env = {**os.environ, "OULAD_DIR": str(shared_data / "oulad")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "validate",
            "--project",
            str(repo / "examples" / "oulad"),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "32,593" not in done.stderr
    assert "valid" in done.stdout
