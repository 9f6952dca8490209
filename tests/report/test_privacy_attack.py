"""The attacker's view: everything a built report publishes, and the subtractions that would
give a hidden small group away.

A project with a 1-learner quarter and a 2-learner department (minimum group size 5) is built;
every figure the site publishes is collected from its Markdown tables and chart data, its CSV
downloads and its snapshot data, and then every total that is published is checked against
its parts: the quarters of a fiscal year, a course's departments, the organisation's
departments, courses and developers, a developer's courses. Whenever all parts but one are
published, the last one is worked out; it must never be a group of fewer than 5.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from paths import TINY

from generator.commands.build import build
from generator.report import Report, build_report, computed_metrics
from generator.report.privacy import CODE_COLUMN, SMALL
from generator.versions.snapshot import snapshot_data

MIN = 5
Key = tuple[str, str, str, str]  # scope ("course", "breakdown:C1", ...), member, period, metric

PROJECT = f"""organisation: Attack Co
fiscal_year_start_month: 1
report_date: 2025-09-30
min_group_size: {MIN}
sources:
  - path: data/lms.csv
    format: csv
"""
GOALS = """goals:
  - id: c1-enrolments
    title: C1 reaches people
    kind: learning
    metric: enrollments
    scope: {level: course, ids: [C1]}
    target: ">= 1"
    raci: {accountable: training-manager}
  - id: completion
    title: Courses are completed
    kind: learning
    metric: completion_rate
    scope: course
    target: ">= 0.5"
    raci: {accountable: training-manager}
  - id: department-completion
    title: Departments complete
    kind: learning
    metric: completion_rate
    scope: department
    target: ">= 0.5"
    raci: {accountable: training-manager}
"""


def _rows() -> Iterator[str]:
    """C1: 2025-Q1 Sales 10 (8 completed) and Ops 2 (1 completed); 2025-Q2 one Sales learner;
    2025-Q3 Sales 8 (6 completed). C2: 2025-Q1 Sales 9 (all completed), 2025-Q3 Sales 7."""
    n = 0

    def enrol(course: str, dept: str, day: str, done: bool) -> str:
        nonlocal n
        n += 1
        completed = day.replace("-10", "-20") if done else ""
        status = "completed" if done else "in_progress"
        run = f"2025-Q{(int(day[5:7]) - 1) // 3 + 1}"  # each quarter's cohort is a run
        return f"L{n},{course},{run},{dept},{day},{completed},{status},70,30\n"

    for i in range(10):
        yield enrol("C1", "Sales", "2025-01-10", i < 8)
    for i in range(2):
        yield enrol("C1", "Ops", "2025-02-10", i < 1)
    yield enrol("C1", "Sales", "2025-05-10", True)
    for i in range(8):
        yield enrol("C1", "Sales", "2025-08-10", i < 6)
    for _ in range(9):
        yield enrol("C2", "Sales", "2025-01-10", True)
    for _ in range(7):
        yield enrol("C2", "Sales", "2025-08-10", False)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("attack")
    shutil.copytree(TINY / "config", project / "config")
    (project / "config" / "project.yaml").write_text(PROJECT)
    (project / "config" / "goals.yaml").write_text(GOALS)
    (project / "data").mkdir()
    header = (
        "learner_id,course_id,offering,department,enrolled_on,completed_on,status,score,minutes\n"
    )
    (project / "data" / "lms.csv").write_text(header + "".join(_rows()))
    build(project, run_mkdocs=False)
    return project


# --- what is published ----------------------------------------------------------------------------


def _number(text: str) -> float | None:
    text = text.strip().replace(",", "")
    match = re.fullmatch(r"(-?\d+(?:\.\d+)?)(%?)", text)
    if not match:
        return None
    value = float(match.group(1))
    return value / 100 if match.group(2) else value


def published(project: Path) -> dict[Key, float]:
    facts: dict[Key, float] = {}
    report = build_report(project)
    snapshot = snapshot_data(report, "attack")
    columns = snapshot["metrics"]["columns"]
    for row in snapshot["metrics"]["rows"]:
        record = dict(zip(columns, row, strict=True))
        for metric in ("enrollments", "completion_rate", "completions"):
            if record.get(metric) is not None:
                facts[(record["scope"], record["member"], record["period"], metric)] = record[
                    metric
                ]
    for goal in snapshot["goals"]:
        if goal["value"] is not None:
            facts[(goal["scope"], goal["member"], goal["period"], goal["metric"])] = goal["value"]
    site_src = project / "site_src"
    metrics_of = {"goal-results.csv": None}
    for path in sorted((site_src / "downloads").glob("*.csv")):
        for record in csv.DictReader(io.StringIO(path.read_text())):
            scope = path.name.removesuffix("-metrics.csv")
            for metric in ("enrollments", "completion_rate", "completions"):
                if (
                    path.name.endswith("-metrics.csv")
                    and (v := _number(record.get(metric, ""))) is not None
                ):
                    facts[(scope, record["member"], record["period"], metric)] = v
            if path.name == "offerings.csv" and (v := _number(record["enrollments"])) is not None:
                # a run named after a quarter is that quarter's cohort, to an attacker
                facts[("course", record["course_id"], record["offering"], "enrollments")] = v
            if path.name in metrics_of and (v := _number(record["value"])) is not None:
                metric = {"c1-enrolments": "enrollments"}.get(record["goal"], "completion_rate")
                facts[(record["scope"], record["member"], record["period"], metric)] = v
    for page in site_src.rglob("*.md"):
        text = page.read_text()
        facts.update(_chart_facts(text))
        facts.update(_department_table_facts(page, text))
    return facts


def _chart_facts(text: str) -> dict[Key, float]:
    """The completion trend of each course page: its chart's data values."""
    facts: dict[Key, float] = {}
    for spec_id, spec in re.findall(r'data-spec-id="([^"]+)".*?data-spec=\'(.*?)\'', text, re.S):
        if not spec_id.endswith("-completion"):
            continue
        course = spec_id.removesuffix("-completion").upper()
        for point in json.loads(spec.replace("&#39;", "'").replace("&amp;", "&"))["data"]["values"]:
            if point.get("value") is not None:
                facts[("course", course, point["period"], "completion_rate")] = point["value"]
    return facts


def _department_table_facts(page: Path, text: str) -> dict[Key, float]:
    """A course page's By department table: enrolments and completion per department."""
    facts: dict[Key, float] = {}
    match = re.search(r"## By department, (FY\d{4})[^\n]*\n\n(.*?)\n\n", text, re.S)
    if page.parent.name != "courses" or page.name == "index.md" or not match:
        return facts
    course = page.stem.upper()
    for line in match.group(2).splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        department = re.sub(r"\[(.*?)\].*", r"\1", cells[0])
        for metric, cell in zip(("enrollments", "completion_rate"), cells[1:3], strict=True):
            if (v := _number(cell)) is not None:
                facts[(f"breakdown:{course}", department, match.group(1), metric)] = v
    return facts


# --- the attack ---------------------------------------------------------------------------------


def completions_of(facts: dict[Key, float]) -> dict[tuple[str, str, str], float]:
    """Completed enrolments where both the enrolments and the completion rate are known."""
    return {
        key[:3]: round(facts[(*key[:3], "completion_rate")] * value)
        for key, value in facts.items()
        if key[3] == "enrollments" and (*key[:3], "completion_rate") in facts
    }


def partitions(
    facts: dict[Key, float],
) -> Iterator[tuple[tuple[str, str, str], list[tuple[str, str, str]]]]:
    """(total, parts) pairs the attacker knows add up, over the keys seen."""
    seen = {key[:3] for key in facts}
    periods = {p for _, _, p in seen}
    courses, departments = ["C1", "C2"], ["Sales", "Ops"]
    for scope in ("course", "department", "developer", "training_manager", "org"):
        members = {m for s, m, _ in seen if s == scope} | (
            set(courses) if scope == "course" else set()
        )
        for member in members:
            for year in {p for p in periods if p.startswith("FY")}:
                quarters = [(scope, member, f"{year[2:]}-Q{n}") for n in range(1, 4)]
                yield (scope, member, year), quarters
    for period in periods:
        yield ("org", "org", period), [("department", d, period) for d in departments]
        yield ("org", "org", period), [("course", c, period) for c in courses]
        yield ("developer", "dev-a", period), [("course", "C1", period)]
        for course in courses:
            yield (
                ("course", course, period),
                [(f"breakdown:{course}", d, period) for d in departments],
            )


def recovered(facts: dict[Key, float]) -> list[tuple[str, tuple[str, str, str], float]]:
    """Every small group worked out by subtracting the published parts from a total."""
    leaks = []
    for name, known in (
        ("enrolments", {k[:3]: v for k, v in facts.items() if k[3] == "enrollments"}),
        ("completions", completions_of(facts)),
    ):
        for total, parts in partitions(facts):
            missing = [p for p in parts if p not in known]
            if total in known and len(missing) == 1:
                value = known[total] - sum(known[p] for p in parts if p in known)
                if 0 < value < MIN:
                    leaks.append((name, missing[0], value))
        leaks += [(name, key, v) for key, v in known.items() if 0 < v < MIN]
    return leaks


def test_the_fixture_has_small_groups_to_protect(project: Path) -> None:
    figures = computed_metrics(project)
    small = figures.table[(figures.table["learners"] > 0) & (figures.table["learners"] < MIN)]
    assert {("course", "C1", "2025-Q2"), ("department", "Ops", "2025-Q1")} <= set(
        zip(small["scope"], small["member"], small["period"], strict=True)
    )
    published_table = build_report(project).metrics.table
    assert (published_table[CODE_COLUMN.format("cohort")] == SMALL).any()


def test_no_small_group_can_be_worked_out_from_what_is_published(project: Path) -> None:
    facts = published(project)
    assert len(facts) > 50  # the attacker did find the published figures
    assert recovered(facts) == []


def test_the_attack_finds_a_small_group_when_its_complement_is_published(project: Path) -> None:
    """The same attack on the figures as computed (nothing hidden but the small cells
    themselves) works them out: the test can fail."""
    figures = computed_metrics(project).table
    facts = {
        (r.scope, r.member, r.period, "enrollments"): float(r.enrollments)
        for r in figures.itertuples()
        if not 0 < r.enrollments < MIN
    }
    leaks = recovered(facts)
    assert ("enrolments", ("course", "C1", "2025-Q2"), 1.0) in leaks


def test_a_run_within_a_hidden_quarter_is_hidden_too(demo_report: Report) -> None:
    """A run whose enrolments all fall in one quarter is that quarter's cohort under another
    name (the demo's runs are its quarterly cohorts): where the metric tables hide the quarter,
    even to protect another (anti-bribery 2024-Q2, 16 learners), the course page hides it."""
    from generator.report.offerings import published_runs

    report = demo_report
    table = report.metrics.table
    hidden = table[(table["scope"] == "course") & (table[CODE_COLUMN.format("cohort")] != 0)]
    hidden_quarters = set(zip(hidden["member"], hidden["period"], strict=True))
    assert ("anti-bribery", "2024-Q2") in hidden_quarters
    runs = published_runs(report.metrics, report.project.calendar, 5)
    checked = 0
    for course, course_runs in runs.items():
        for run in course_runs:
            if (course, run.offering) in hidden_quarters:
                assert run.hidden and run.enrollments is None, run
                checked += 1
    assert checked >= 10


def test_spend_over_cost_per_completion_never_gives_a_small_group_away(
    tmp_path: Path, project: Path
) -> None:
    """The '700/700 → 1' attack: where a course's spend and its cost per completion are both
    published, spend / cost is its completions. C1 completes once in 2025-Q2; with 700 spent
    on it then, a published cost per completion would say so."""
    attacked = tmp_path / "attack-cost"
    shutil.copytree(project / "config", attacked / "config")
    shutil.copytree(project / "data", attacked / "data")
    (attacked / "config" / "budgets.yaml").write_text(
        "periods:\n"
        + "".join(
            f"  - period: 2025-Q{q}\n    budget: 1000\n    spend:\n"
            f"      - course: C1\n        amount: 700\n"
            for q in (1, 2, 3)
        )
    )
    computed = computed_metrics(attacked).table
    row = computed[(computed["scope"] == "course") & (computed["member"] == "C1")]
    q2 = row[row["period"] == "2025-Q2"].iloc[0]
    assert (q2["spend"], q2["completions"]) == (700, 1)  # the fixture has the small group

    snapshot = snapshot_data(build_report(attacked), "attack")
    columns = snapshot["metrics"]["columns"]
    rows = [dict(zip(columns, r, strict=True)) for r in snapshot["metrics"]["rows"]]
    pairs = [r for r in rows if r.get("spend") and r.get("cost_per_completion")]
    assert pairs, "no spend and cost per completion published together: nothing was tested"
    for r in pairs:
        worked_out = r["spend"] / r["cost_per_completion"]
        assert worked_out >= MIN or round(worked_out) == r.get("completions"), r
    hidden = [
        r for r in rows if (r["scope"], r["member"], r["period"]) == ("course", "C1", "2025-Q2")
    ]
    assert hidden and hidden[0]["cost_per_completion"] is None and hidden[0]["completions"] is None
