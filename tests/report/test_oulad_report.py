"""The OULAD example end to end: metrics agree with final_result, and a full site builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from paths import REPO

from generator.commands.build import build
from generator.report import build_report, computed_metrics

EXAMPLE = REPO / "examples" / "oulad"
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
    info = pd.read_csv(shared_data / "oulad" / "csv" / "studentInfo.csv")
    expected = info.groupby("code_module")["final_result"].value_counts().unstack(fill_value=0)
    # as computed: a year with a handful of early registrations is hidden on the pages
    table = computed_metrics(oulad_project).table
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


# --- course runs (OULAD presentations) against an independent count of the raw CSVs -------------


def _raw(shared_data: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(shared_data / "oulad" / "csv" / f"{name}.csv", dtype=str)


def test_each_presentation_is_an_offering_with_its_own_figures(
    oulad_project: Path, shared_data: Path
) -> None:
    """Enrolments, statuses, the OU's own Pass/Distinction/Fail and the presentation dates of
    every one of the 22 presentations, counted here with plain pandas from the raw CSVs."""
    report = build_report(oulad_project)
    info = _raw(shared_data, "studentInfo")
    expected = (
        info.groupby(["code_module", "code_presentation"])["final_result"]
        .value_counts()
        .unstack(fill_value=0)
    )
    courses = _raw(shared_data, "courses").set_index(["code_module", "code_presentation"])
    got = report.metrics.offerings.set_index(["course_id", "offering"])
    assert len(got) == len(expected) == 22
    for (module, presentation), row in expected.iterrows():
        run = got.loc[(module, presentation)]
        assert run["enrollments"] == row.sum(), (module, presentation)
        assert run["completed"] == row["Pass"] + row["Distinction"]
        assert run["outcome_pass"] == row["Pass"]
        assert run["outcome_distinction"] == row["Distinction"]
        assert run["outcome_fail"] == run["failed"] == row["Fail"]
        assert run["withdrawn"] == row["Withdrawn"] and run["open"] == 0
        year, letter = int(presentation[:4]), presentation[4]
        start = pd.Timestamp(year, 2 if letter == "B" else 10, 1)
        length = int(courses.loc[(module, presentation), "module_presentation_length"])
        assert run["starts_on"] == start
        assert run["ends_on"] == start + pd.Timedelta(days=length)


def test_course_page_compares_presentations(oulad_project: Path, shared_data: Path) -> None:
    from generator.pages import render_pages

    report = build_report(oulad_project)
    page = render_pages(report).markdown["courses/bbb.md"]
    section = page.split("## By offering (course run)")[1].split("## By department")[0]
    info = _raw(shared_data, "studentInfo")
    bbb = info[info["code_module"] == "BBB"]
    rows = [line for line in section.splitlines() if line.startswith("| 20")]
    names = [r.split("<br>")[0].strip("| ") for r in rows]
    assert names == ["2013B", "2013J", "2014B", "2014J"]
    for line, presentation in zip(rows, names, strict=True):
        run = bbb[bbb["code_presentation"] == presentation]
        distinction = int((run["final_result"] == "Distinction").sum())
        assert f" {len(run):,} " in line, line
        assert line.endswith(f" | {distinction / len(run):.1%} |"), line  # Distinction
    assert "1 Oct 2013 – 26 Jun 2014" in section  # 2013J: 268 days from 1 October
    assert "1 Feb – 29 Sep 2013" in section  # 2013B
    assert "bbb-offerings" in section  # the chart of rates by presentation
    download = render_pages(report).downloads["downloads/offerings.csv"]
    assert download.count("\n") == 22 + 1


def test_dropoff_counts_each_learner_in_their_own_presentation(
    oulad_project: Path, shared_data: Path
) -> None:
    """Module BBB: learners reaching each week, per enrolment quarter, counted from the raw
    studentVle parquet with each learner's activity kept within their own presentation. A
    learner reached a week when their furthest week in that presentation is that week or
    later (a learner repeating BBB has two presentations, counted apart)."""
    report = build_report(oulad_project)
    vle = pd.read_parquet(shared_data / "oulad" / "parquet" / "studentVle_ds" / "code_module=BBB")
    vle["week"] = (vle["date"] // 7).astype(int)
    vle["id_student"] = vle["id_student"].astype(int).astype(str)
    furthest = vle.groupby(["code_presentation", "id_student"])["week"].max().rename("furthest")
    registration = _raw(shared_data, "studentRegistration")
    registration = registration[registration["code_module"] == "BBB"]
    start = pd.to_datetime(
        registration["code_presentation"].str[:4]
        + registration["code_presentation"].str[4].map({"B": "-02-01", "J": "-10-01"})
    )
    days = pd.to_numeric(registration["date_registration"], errors="coerce").fillna(0)
    enrolled = start + pd.to_timedelta(days, unit="D")
    # The OU's year starts in August (examples/oulad/config/project.yaml).
    fiscal_year = enrolled.dt.year + (enrolled.dt.month >= 8)
    quarter = (enrolled.dt.month - 8) % 12 // 3 + 1
    registration = registration.assign(period=fiscal_year.astype(str) + "-Q" + quarter.astype(str))
    attempts = registration.join(furthest, on=["code_presentation", "id_student"], how="inner")
    weeks = sorted(vle["week"].unique())
    modules = report.metrics.modules
    for period in ("2013-Q1", "2013-Q3", "2014-Q1"):
        cohort = attempts[attempts["period"] == period]
        expected = {w: cohort.loc[cohort["furthest"] >= w, "id_student"].nunique() for w in weeks}
        got = modules[(modules["course_id"] == "BBB") & (modules["period"] == period)]
        got_reached = dict(zip(got["module_order"].astype(int), got["reached"], strict=True))
        assert got_reached == {w: n for w, n in expected.items() if n > 0}, period
    # The worst drop-off of the 2013-Q1 cohort, where joining on learner and course alone
    # (activity of a learner's other presentation counted too) gave 97.9%.
    worst = report.metrics.row("course", "BBB", "2013-Q1")["module_dropoff"]
    assert 0.4 < worst < 0.55, worst


def test_pass_rate_follows_the_ous_own_result(oulad_project: Path, shared_data: Path) -> None:
    """Fail is failed whatever the score (5,109 Fail rows have a score of 40 or more):
    passed = Pass + Distinction, graded = those plus Fail; withdrawn are not graded."""
    info = pd.read_csv(shared_data / "oulad" / "csv" / "studentInfo.csv")
    results = info.groupby("code_module")["final_result"].value_counts().unstack(fill_value=0)
    table = computed_metrics(oulad_project).table
    years = table[(table["scope"] == "course") & (table["period_kind"] == "year")]
    got = years.groupby("member")[["passed", "graded", "completed"]].sum()
    for module, row in results.iterrows():
        assert got.loc[module, "passed"] == row["Pass"] + row["Distinction"], module
        assert got.loc[module, "graded"] == row["Pass"] + row["Distinction"] + row["Fail"]
    assert (table["passed"] <= table["completed"]).all()  # the funnel's Passed <= Completed
    org = table[(table["scope"] == "org") & (table["period"] == "FY2014")].iloc[0]
    assert 0.6 < org["pass_rate"] < 0.75, org["pass_rate"]  # not the 94-95% of the threshold
