"""The demo's HR roster, competence requirements and business KPIs (stories 10-13): they join the
LMS data point in time, leave the other files as they were, and plant their stories, each
checked here with plain pandas from the written files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from paths import REPO

from generator import demo
from generator.cli import cli
from generator.domain.periods import FiscalCalendar, Quarter
from generator.report import Report, build_report
from generator.report.workforce import HIDDEN
from generator.report.workforce_findings import KPI_KIND

CALENDAR = FiscalCalendar(demo.FISCAL_YEAR_START_MONTH)
QUARTER_ENDS = {
    q.label: pd.Timestamp(CALENDAR.last_day(q))
    for q in CALENDAR.quarters_between(Quarter(2024, 1), Quarter(2026, 4))
}
QUARTERS = list(QUARTER_ENDS)
FISCAL_YEARS = [
    (pd.Timestamp(f"{year - 1}-04-01"), pd.Timestamp(f"{year}-03-31"))
    for year in (2024, 2025, 2026)
]
REPORT_DATE = pd.Timestamp(demo.REPORT_DATE)
ROSTER_COLUMNS = [
    "employee_id",
    "effective_on",
    "department",
    "job_role",
    "manager",
    "hired_on",
    "left_on",
    "leaving",
]
SMALL = 600  # learners: enough for every story, quick to generate


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    demo.write_demo_project(out, learners=SMALL, seed=demo.DEFAULT_SEED)
    return out


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("default")
    demo.write_demo_project(out, seed=demo.DEFAULT_SEED)
    return out


def _roster(project: Path) -> pd.DataFrame:
    frame = pd.read_csv(project / "data" / "roster.csv", dtype=str, keep_default_na=False)
    for column in ("effective_on", "hired_on", "left_on"):
        frame[column] = pd.to_datetime(frame[column].replace("", None))
    return frame


def _enrolments(project: Path) -> pd.DataFrame:
    """The enrolment export's clean rows, dates parsed."""
    frame = pd.read_csv(
        project / "data" / demo.DATA_FILES["enrollments"], dtype=str, keep_default_na=False
    )
    frame = frame[frame["Enrolled"] != demo.BAD_DATE]
    for column in ("Enrolled", "Completed", "Withdrawn"):
        frame[column] = pd.to_datetime(frame[column].replace("", None))
    return frame


def _in_force(roster: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Each employee's roster row in force on ``day``, of those employed then."""
    rows = roster[roster["effective_on"] <= day].sort_values(["employee_id", "effective_on"])
    rows = rows.groupby("employee_id").tail(1)
    return rows[rows["left_on"].isna() | (rows["left_on"] > day)]


def _yaml(project: Path, name: str) -> dict:
    return yaml.safe_load((project / "config" / name).read_text(encoding="utf-8"))


# ---------------------------------------------------------------- the other files unchanged


def test_the_other_files_are_those_of_the_committed_demo(default: Path) -> None:
    committed = sorted((REPO / "data").glob("*.csv"))
    assert committed
    for path in committed:
        assert (default / "data" / path.name).read_bytes() == path.read_bytes(), path.name
    for name in ("roles.yaml", "courses.yaml", "budgets.yaml", "goals.yaml"):
        assert (default / "config" / name).read_bytes() == (REPO / "config" / name).read_bytes()
    # project.yaml only gains the two sources at its end.
    before = (REPO / "config" / "project.yaml").read_text(encoding="utf-8")
    after = (default / "config" / "project.yaml").read_text(encoding="utf-8")
    assert after.startswith(before)
    assert _yaml(default, "project.yaml")["sources"][-2:] == [
        {
            "path": "data/roster.csv",
            "format": "csv",
            "table": "roster",
            "columns": {"employee_id": "learner_id"},
        },
        {"path": "data/kpis.csv", "format": "csv", "table": "kpis"},
    ]


def test_the_demo_with_its_workforce_validates(small: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "--project", str(small)])
    assert result.exit_code == 0, result.output
    assert "from 6 source(s)" in result.output
    assert "5 competence requirements, 3 KPIs" in result.output


# ---------------------------------------------------------------- the roster


def test_roster_format(small: Path) -> None:
    header = (small / "data" / "roster.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.replace('"', "").split(",") == ROSTER_COLUMNS
    roster = _roster(small)
    assert not roster.duplicated(["employee_id", "effective_on"]).any()
    assert (roster["effective_on"] >= roster["hired_on"]).all()
    assert roster["hired_on"].min() >= pd.Timestamp("2018-01-01")
    assert roster["hired_on"].max() <= REPORT_DATE
    left = roster.dropna(subset=["left_on"])
    assert left["left_on"].between(FISCAL_YEARS[0][0], REPORT_DATE).all()
    assert (left["left_on"] > left["hired_on"]).all()
    assert set(left["leaving"]) == {"voluntary", "involuntary"}
    assert (roster.loc[roster["left_on"].isna(), "leaving"] == "").all()
    # Employee facts are the same on each of an employee's rows.
    facts = roster.groupby("employee_id")[["hired_on", "left_on", "leaving"]].nunique(dropna=False)
    assert (facts <= 1).all().all()
    # Job roles are the department's; managers its head or one of its leads.
    org = yaml.safe_load(
        (Path(demo.__file__).parent / "data" / "organisation.yaml").read_text(encoding="utf-8")
    )
    roles = {d["name"]: {r["name"] for r in d["job_roles"]} for d in org["departments"]}
    heads = {d["name"]: d["head_id"] for d in org["departments"]}
    assert all(r in roles[d] for d, r in zip(roster["department"], roster["job_role"], strict=True))
    is_head = roster["manager"] == roster["department"].map(heads)
    leads = roster.loc[~is_head, "manager"]
    assert leads.isin(roster.loc[roster["job_role"] == "Shift Lead", "employee_id"]).all()
    assert is_head.mean() > 0.5 and (~is_head).any()


def test_roster_joins_the_enrolments_point_in_time(small: Path) -> None:
    roster, enrolments = _roster(small), _enrolments(small)
    employees = set(roster["employee_id"])
    assert set(enrolments["User ID"]) <= employees
    never = len(employees - set(enrolments["User ID"])) / len(employees)
    assert 0.15 <= never <= 0.3
    joined = pd.merge_asof(
        enrolments.sort_values("Enrolled"),
        roster.sort_values("effective_on"),
        left_on="Enrolled",
        right_on="effective_on",
        left_by="User ID",
        right_by="employee_id",
    )
    assert joined["department"].notna().all()  # hired before every enrolment
    assert (joined["department"] == joined["Department"]).all()
    last_day = enrolments[["Enrolled", "Completed", "Withdrawn"]].max(axis=1)
    last = last_day.groupby(enrolments["User ID"]).max()
    left = roster.groupby("employee_id")["left_on"].max().reindex(last.index)
    assert not (left <= last).any()  # nobody is in the LMS on or after the day they left
    # Some do change department (before their first enrolment or after their last).
    per_employee = roster.groupby("employee_id")["department"].nunique()
    assert (per_employee > 1).sum() >= 5


def _voluntary_turnover(roster: pd.DataFrame) -> pd.DataFrame:
    """Per department and fiscal year: voluntary leavers (by their department when they left)
    over the average of the headcounts on the year's first and last day."""
    rows = []
    end_rows = roster[roster["left_on"].isna() | (roster["effective_on"] <= roster["left_on"])]
    last = end_rows.sort_values(["employee_id", "effective_on"]).groupby("employee_id").tail(1)
    for number, (first, final) in enumerate(FISCAL_YEARS):
        headcount = (
            _in_force(roster, first)["department"].value_counts()
            + _in_force(roster, final)["department"].value_counts()
        ) / 2
        gone = last[last["left_on"].between(first, final) & (last["leaving"] == "voluntary")]
        leavers = gone["department"].value_counts().reindex(headcount.index, fill_value=0)
        rows.append(pd.DataFrame({"year": number, "headcount": headcount, "leavers": leavers}))
    table = pd.concat(rows).rename_axis("department").reset_index()
    table["rate"] = table["leavers"] / table["headcount"]
    return table


@pytest.mark.parametrize("size", ["small", "default"])
def test_story_turnover(size: str, request: pytest.FixtureRequest) -> None:
    project: Path = request.getfixturevalue(size)
    table = _voluntary_turnover(_roster(project))
    total = table.groupby("department")[["leavers", "headcount"]].sum()
    rate = total["leavers"] / total["headcount"]
    warehouse = rate.pop(demo.TURNOVER_DEPARTMENT)
    big = total.drop(demo.TURNOVER_DEPARTMENT)["headcount"] >= 3 * 20  # 20 a year on average
    assert 0.22 <= warehouse <= 0.35
    assert rate[big].between(0.05, 0.15).all(), rate
    assert warehouse >= 2 * rate[big].max()
    yearly = table[table["department"] == demo.TURNOVER_DEPARTMENT]["rate"]
    assert yearly.min() >= 0.18, yearly  # every year, not one bad year


def test_story_turnover_new_hires_take_the_mandatory_courses_again(small: Path) -> None:
    roster, enrolments = _roster(small), _enrolments(small)
    courses = {c["id"]: c for c in _yaml(small, "courses.yaml")["courses"]}
    hired = roster.groupby("employee_id")["hired_on"].min()
    warehouse = enrolments[enrolments["Department"] == demo.TURNOVER_DEPARTMENT]
    mandatory = warehouse[
        warehouse["Course code"].map(lambda c: courses.get(c, {}).get("mandatory", False))
    ]
    after_hire = mandatory[mandatory["Enrolled"] > mandatory["User ID"].map(hired)]
    new_hires = hired[hired >= FISCAL_YEARS[0][0]]
    taking = after_hire[after_hire["User ID"].isin(new_hires.index)]["User ID"].nunique()
    assert taking >= 0.2 * warehouse["User ID"].nunique()


@pytest.mark.parametrize(("size", "least"), [("small", 3), ("default", 20)])
def test_story_forklift_certification_expiring(
    size: str, least: int, request: pytest.FixtureRequest
) -> None:
    project: Path = request.getfixturevalue(size)
    workforce = _yaml(project, "workforce.yaml")
    forklift = next(r for r in workforce["requirements"] if r["id"] == demo.FORKLIFT_REQUIREMENT)
    assert forklift == {
        "id": "forklift-certification",
        "title": "Forklift operator certification",
        "job_roles": [demo.FORKLIFT_ROLE],
        "courses": [demo.FORKLIFT_COURSE],
        "valid_for": 24,
        "due_within": 30,
        "grace": 14,
        "due_soon": 30,
    }
    enrolments = _enrolments(project)
    done = enrolments[
        (enrolments["Course code"] == demo.FORKLIFT_COURSE) & (enrolments["Status"] == "Completed")
    ]
    last = done.groupby("User ID")["Completed"].max()
    operators = _in_force(_roster(project), REPORT_DATE)
    operators = operators[operators["job_role"] == demo.FORKLIFT_ROLE].set_index("employee_id")
    late, early = demo.EXPIRING_MONTHS
    window = last.between(
        REPORT_DATE - pd.DateOffset(months=early), REPORT_DATE - pd.DateOffset(months=late)
    )
    cohort = last[window]
    assert len(cohort) >= least
    # Every Warehouse learner certified in the window is still a Forklift Operator.
    assert cohort.index.isin(operators.index).all()
    expires = cohort + pd.DateOffset(months=forklift["valid_for"])
    assert expires.between(REPORT_DATE, REPORT_DATE + pd.DateOffset(months=4)).all()


# ---------------------------------------------------------------- the KPIs


def test_kpis_cover_every_quarter_and_department(small: Path) -> None:
    kpis = pd.read_csv(small / "data" / "kpis.csv", dtype=str, keep_default_na=False)
    assert list(kpis.columns) == ["measure", "department", "job_role", "period", "value"]
    assert not kpis.duplicated(["measure", "department", "job_role", "period"]).any()
    assert pd.to_numeric(kpis["value"]).notna().all()
    configured = {k["id"]: k for k in _yaml(small, "workforce.yaml")["kpis"]}
    assert set(kpis["measure"]) == set(configured)
    departments = {
        d["department"] for d in _yaml(small, "roles.yaml")["people"] if "department" in d
    }
    incidents = kpis[kpis["measure"] == demo.INCIDENTS_KPI]
    assert configured[demo.INCIDENTS_KPI]["trained_by"] == [demo.SAFETY_COURSE]
    cells = set(zip(incidents["department"], incidents["period"], strict=True))
    assert cells == {(d, q) for d in departments for q in QUARTERS}
    for kpi_id, kpi in configured.items():
        rows = kpis[kpis["measure"] == kpi_id]
        assert (rows["job_role"] != "").all() == (kpi["level"] == "job_role")
        assert (
            rows.groupby(["department", "job_role"])["period"]
            .apply(list)
            .map(lambda periods: periods == QUARTERS)
            .all()
        )


def _share_trained(project: Path) -> pd.DataFrame:
    """Per department and quarter: of the employees on its last day, the share who had
    completed the safety course by then."""
    roster, enrolments = _roster(project), _enrolments(project)
    done = (
        enrolments[
            (enrolments["Course code"] == demo.SAFETY_COURSE)
            & (enrolments["Status"] == "Completed")
        ]
        .groupby("User ID")["Completed"]
        .min()
    )
    rows = []
    for label, day in QUARTER_ENDS.items():
        staff = _in_force(roster, day)
        trained = staff["employee_id"].map(done) <= day
        rows.append(trained.groupby(staff["department"]).mean().rename(label))
    return pd.DataFrame(rows).T


@pytest.mark.parametrize("size", ["small", "default"])
def test_story_incidents_fall_after_training(size: str, request: pytest.FixtureRequest) -> None:
    project: Path = request.getfixturevalue(size)
    kpis = pd.read_csv(project / "data" / "kpis.csv", dtype=str, keep_default_na=False)
    incidents = (
        kpis[kpis["measure"] == demo.INCIDENTS_KPI]
        .pivot(index="department", columns="period", values="value")[QUARTERS]
        .astype(float)
    )
    shares = _share_trained(project)
    trained, untrained = [], []
    for department, share in shares.iterrows():
        passed = [i for i, s in enumerate(share) if s > 0.5]
        values = incidents.loc[department]
        if not passed:
            untrained.append(department)
            assert values.max() / values.min() < 1.3, department  # flat
            continue
        before, after = values.iloc[: passed[0] + 1], values.iloc[passed[0] + 1 :]
        if len(after) and len(before) >= 2:
            trained.append(department)
            assert 0.6 <= after.mean() / before.mean() <= 0.8, department
            assert after.max() < before.min()
    assert len(trained) >= 3
    assert demo.TURNOVER_DEPARTMENT in untrained  # the comparison group: it lags (story 2)


@pytest.fixture(scope="module")
def small_report(small: Path) -> Report:
    return build_report(small)


def test_report_kpi_effects_equal_a_count_of_the_files(small: Path, small_report: Report) -> None:
    """The workforce page's before/after table, made again from kpis.csv, roster.csv and the
    enrolment export with plain pandas: the share trained by each quarter's end, the first
    quarter it reached half, the means before and after, and the comparison group's change."""
    kpis = pd.read_csv(small / "data" / "kpis.csv", dtype=str, keep_default_na=False)
    incidents = (
        kpis[kpis["measure"] == demo.INCIDENTS_KPI]
        .pivot(index="department", columns="period", values="value")[QUARTERS]
        .astype(float)
    )
    shares = _share_trained(small)
    crossed = {
        d: next((i for i, v in enumerate(share) if v >= 0.5), None)
        for d, share in shares.iterrows()
    }
    comparison = [d for d, at in crossed.items() if at is None]
    effects = small_report.workforce.kpi_effects
    effects = effects[effects["kpi"] == demo.INCIDENTS_KPI].set_index("department")
    assert set(effects.index) == set(incidents.index)
    checked = 0
    for department, at in crossed.items():
        row = effects.loc[department]
        if not row[HIDDEN]:
            assert row["share_trained"] == pytest.approx(shares.loc[department].iloc[-1])
        if at is None:
            assert row["verdict"] == "comparison group"
            continue
        assert row["trained_from"] == QUARTERS[at]
        if at in (0, len(QUARTERS) - 1):
            continue
        values = incidents.loc[department]
        change = values.iloc[at + 1 :].mean() / values.iloc[: at + 1].mean() - 1
        others = [
            incidents.loc[c].iloc[at + 1 :].mean() / incidents.loc[c].iloc[: at + 1].mean() - 1
            for c in comparison
        ]
        assert row["change"] == pytest.approx(change)
        assert row["comparison_change"] == pytest.approx(sum(others) / len(others))
        assert row["verdict"] == "improved"
        checked += 1
    assert checked >= 3
    assert demo.TURNOVER_DEPARTMENT in comparison


def test_story_kpi_did_not_move(small_report: Report) -> None:
    effects = small_report.workforce.kpi_effects
    flat = effects[(effects["kpi"] == demo.FLAT_KPI)].set_index("department")
    row = flat.loc[demo.FLAT_KPI_DEPARTMENT]
    assert row["verdict"] == "did not move"
    assert abs(row["change"]) < 0.05
    assert row["comparison_units"] == 0
    findings = [f for f in small_report.findings if f.kind == KPI_KIND]
    assert [f.member for f in findings] == [demo.FLAT_KPI_DEPARTMENT]
    course = small_report.project.course_by_id[demo.FLAT_KPI_COURSE]
    pointed = {a.role: a.people for a in findings[0].points_at}
    assert pointed["course-developer"] == (course.developer,)
    assert pointed["training-manager"] == (course.training_manager,)
    assert "no comparison group" in findings[0].title


def test_stories_10_to_13_are_documented() -> None:
    stories = {s.number: s for s in demo.STORIES}
    assert stories[10].subject == f"department {demo.TURNOVER_DEPARTMENT}"
    assert demo.FORKLIFT_REQUIREMENT in stories[11].subject
    assert demo.INCIDENTS_KPI in stories[12].subject
    assert demo.FLAT_KPI in stories[13].subject
    for number in (10, 11, 12, 13):
        assert f"{number}. " in (demo.__doc__ or "")
