"""The OULAD example end to end: metrics agree with final_result, and a full site builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from generator.build import build
from generator.report import build_report

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "oulad"
pytestmark = [pytest.mark.shared, pytest.mark.slow]


@pytest.fixture(scope="module")
def oulad_project(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    data = request.getfixturevalue("shared_data") / "oulad"
    project = tmp_path_factory.mktemp("oulad")
    shutil.copytree(EXAMPLE / "config", project / "config")
    text = (project / "config" / "project.yaml").read_text()
    (project / "config" / "project.yaml").write_text(
        text.replace("${OULAD_DIR:-../../../shared/data/oulad}", str(data))
    )
    return project


def test_status_counts_per_module_agree_with_final_result(
    oulad_project: Path, shared_data: Path
) -> None:
    report = build_report(oulad_project)
    info = pd.read_csv(shared_data / "oulad" / "csv" / "studentInfo.csv")
    expected = info.groupby("code_module")["final_result"].value_counts().unstack(fill_value=0)
    table = report.metrics.table
    years = table[(table["scope"] == "course") & (table["period_kind"] == "year")]
    got = years.groupby("member")[["completed", "failed", "withdrawn", "enrollments"]].sum()
    for module, row in expected.iterrows():
        assert got.loc[module, "completed"] == row["Pass"] + row["Distinction"], module
        assert got.loc[module, "failed"] == row["Fail"], module
        assert got.loc[module, "withdrawn"] == row["Withdrawn"], module
        assert got.loc[module, "enrollments"] == row.sum(), module
    assert int(got["enrollments"].sum()) == 32_593


def test_full_site_builds_and_states_the_withdrawal_signal(oulad_project: Path) -> None:
    result = build(oulad_project)
    assert result.site_dir is not None and (result.site_dir / "index.html").is_file()
    for module in ("aaa", "bbb", "ccc", "ddd", "eee", "fff", "ggg"):
        assert (result.site_dir / "courses" / f"{module}.html").is_file()
    methodology = (oulad_project / "site_src" / "methodology.md").read_text()
    assert "final_result" in methodology and "date_unregistration" in methodology
    assert "the withdrawal signal we use" in methodology
