"""Exports that once crashed ingest, slipped through or lost rows (issue 21): offset times
beside plain dates, dates outside any plausible window, a department called 'NA', a header
given twice, broken or deeply nested xAPI JSON, parquet text that is not UTF-8."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from ingest_helpers import load
from paths import TINY

from generator.cli import cli
from generator.domain.errors import ProblemsFound
from generator.domain.paths import distinct_slugs, slug
from generator.domain.periods import PLAUSIBLE_FROM, PLAUSIBLE_YEARS_AHEAD, plausible_window
from generator.ingest.canonical import outside_window

MAPPING = {"User": "learner_id", "Course": "course_id", "Dept": "department"}
MAPPING |= {"Enrolled": "enrolled_on", "Completed": "completed_on", "State": "status"}
HEADER = "User,Course,Dept,Enrolled,Completed,State\n"


def _csv(tmp_path: Path, rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "lms.csv"
    path.write_text(header + rows, encoding="utf-8")
    return path


def _days(frame: object, column: str) -> list[str]:
    return [str(d.date()) for d in frame[column]]  # type: ignore[index]


def test_offset_times_mixed_with_dates_count_on_their_local_day(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "L1,C1,Ops,2025-03-01T00:30:00+02:00,2025-03-01,completed\n"  # UTC: 28 February
        "L2,C1,Ops,2025-03-01,2025-03-02T23:30:00-05:00,completed\n"  # UTC: 3 March
        "L3,C1,Ops,2025-03-01T10:00:00Z,,in_progress\n"
        "L4,C1,Ops,2025-03-01 10:00:00.250+0530,,in_progress\n",
    )
    tables, report = load("csv", path, columns=MAPPING)
    loaded = tables["enrollments"]
    assert report.rows_rejected == 0, report.as_dict()
    assert _days(loaded, "enrolled_on") == ["2025-03-01"] * 4
    assert _days(loaded, "completed_on")[:2] == ["2025-03-01", "2025-03-02"]


def test_offset_times_with_a_date_format_that_reads_the_offset(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "L1,C1,Ops,2025-03-01 00:30 +0200,,in_progress\nL2,C1,Ops,2025-03-01 10:00 -0100,,x\n",
    )
    tables, _ = load(
        "csv",
        path,
        columns=MAPPING,
        date_format="%Y-%m-%d %H:%M %z",
        status_values={"x": "enrolled"},
    )
    assert _days(tables["enrollments"], "enrolled_on") == ["2025-03-01", "2025-03-01"]


def test_the_plausible_window_runs_from_1990_to_a_year_ahead() -> None:
    assert date(1990, 1, 1) == PLAUSIBLE_FROM
    assert PLAUSIBLE_YEARS_AHEAD == 1
    assert plausible_window(date(2026, 12, 4)) == (date(1990, 1, 1), date(2027, 12, 4))
    assert plausible_window(date(2028, 2, 29)) == (date(1990, 1, 1), date(2029, 2, 28))


def test_dates_outside_the_plausible_window_are_rejected_with_the_date(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "L1,C1,Ops,0000-01-01,,in_progress\n"
        "L2,C1,Ops,2025-01-10,9999-12-31,completed\n"
        "L3,C1,Ops,1989-12-31,,in_progress\n"
        "L4,C1,Ops,2025-01-10,,in_progress\n",
    )
    tables, report = load("csv", path, columns=MAPPING)
    window = plausible_window(date.today())
    assert {r: (d.count, d.lines) for r, d in report.reasons.items()} == {
        outside_window("enrolled_on", window, "0000-01-01"): (1, [2]),
        outside_window("completed_on", window, "9999-12-31"): (1, [3]),
        outside_window("enrolled_on", window, "1989-12-31"): (1, [4]),
    }
    assert outside_window("enrolled_on", window, "0000-01-01").startswith(
        f"enrolled_on 0000-01-01 outside 1990-01-01..{window[1].isoformat()}"
    )
    assert tables["enrollments"]["learner_id"].tolist() == ["L4"]


def test_many_implausible_dates_share_a_reason_after_the_first_20(tmp_path: Path) -> None:
    rows = "".join(f"L{i},C1,Ops,{2100 + i}-01-01,,in_progress\n" for i in range(25))
    _, report = load("csv", _csv(tmp_path, rows), columns=MAPPING)
    window = plausible_window(date.today())
    assert len(report.reasons) == 21
    assert report.reasons[outside_window("enrolled_on", window)].count == 5
    assert report.rows_rejected == 25


@pytest.mark.parametrize("name", ["NA", "N/A", "null", "None", "nan", "-"])
def test_a_department_called_na_is_kept_as_its_name(tmp_path: Path, name: str) -> None:
    path = _csv(tmp_path, f"L1,C1,{name},2025-01-10,,in_progress\nL2,C1,,2025-01-10,,x\n")
    tables, _ = load("csv", path, columns=MAPPING, status_values={"x": "enrolled"})
    departments = tables["enrollments"]["department"]
    assert departments[0] == name
    assert departments.isna().tolist() == [False, True]  # only the empty cell is missing


def test_a_department_called_na_in_a_spreadsheet_is_kept(tmp_path: Path) -> None:
    import pandas as pd

    path = tmp_path / "lms.xlsx"
    pd.DataFrame(
        {"User": ["L1"], "Course": ["C1"], "Dept": ["NA"], "Enrolled": ["2025-01-10"]}
    ).to_excel(path, index=False)
    tables, _ = load("csv", path, columns=MAPPING)
    assert tables["enrollments"]["department"].tolist() == ["NA"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_column_given_twice_is_a_located_error(tmp_path: Path, suffix: str) -> None:
    import pandas as pd

    path = tmp_path / f"lms{suffix}"
    if suffix == ".csv":
        path.write_text("User,Course,Dept,Enrolled,Dept\nL1,C1,Ops,2025-01-10,Sales\n")
    else:
        frame = pd.DataFrame([["L1", "C1", "Ops", "2025-01-10", "Sales"]])
        frame.columns = ["User", "Course", "Dept", "Enrolled", "Dept"]
        frame.to_excel(path, index=False)
    with pytest.raises(ProblemsFound) as error:
        load("csv", path, columns=MAPPING)
    assert [str(p) for p in error.value.problems] == [
        f"{path.name}:1: column 'Dept' appears twice; rename one"
    ]


def test_a_column_given_twice_in_a_moodle_export_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "logs.csv"
    path.write_text(
        "Time,Time,Event context,Description\n"
        "\"17/10/21, 12:39\",x,Course: A,The user with id '4' viewed the course with id '1'.\n"
    )
    with pytest.raises(ProblemsFound, match=r"logs\.csv:1: column 'Time' appears twice"):
        load("moodle-logs", path, course_id="C1")


def test_parquet_text_that_is_not_utf8_is_rejected_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "lms.parquet"
    broken = pa.array([b"Sales", b"Op\xffs"], type=pa.binary()).view(pa.string())
    table = pa.table(
        {
            "learner_id": ["L1", "L2"],
            "course_id": ["C1", "C1"],
            "department": broken,
            "enrolled_on": ["2025-01-10", "2025-01-11"],
        }
    )
    pq.write_table(table, path)
    tables, report = load("csv", path)
    assert tables["enrollments"]["learner_id"].tolist() == ["L1"]
    assert {r: d.lines for r, d in report.reasons.items()} == {
        "department is not valid UTF-8 text (the file holds broken text: export it again)": [2]
    }


# ---------------------------------------------------------------- xAPI


def _statement(learner: str) -> dict[str, object]:
    return {
        "actor": {"account": {"name": learner, "homePage": "https://lms.example.org"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "C1"},
        "timestamp": "2025-03-01T10:00:00Z",
    }


def test_one_broken_statement_of_an_array_is_rejected_and_the_rest_kept(tmp_path: Path) -> None:
    good = [json.dumps(_statement(f"L{i}"), indent=2) for i in range(3)]
    broken = '{\n  "actor": {"account": {"name": "L9"}},,\n  "verb": {}\n}'
    path = tmp_path / "statements.json"
    path.write_text("[\n" + ",\n".join([good[0], broken, good[1], good[2]]) + "\n]\n")
    tables, report = load("xapi", path)
    assert sorted(tables["enrollments"]["learner_id"]) == ["L0", "L1", "L2"]
    assert (report.rows_read, report.rows_rejected) == (4, 1)
    [(reason, detail)] = report.reasons.items()
    assert reason.startswith("invalid JSON (statements.json line 18 column 40: ")
    assert detail.lines == [2]  # the array's second statement


def test_an_array_whose_structure_is_broken_is_a_located_error(tmp_path: Path) -> None:
    good = json.dumps(_statement("L1"), indent=2)
    path = tmp_path / "statements.json"
    path.write_text("[\n" + good + ',\n{"actor": "L2\n}\n,' + good + "]")
    with pytest.raises(ProblemsFound) as error:
        load("xapi", path)
    [problem] = [str(p) for p in error.value.problems]
    assert problem.startswith("statements.json:17: not valid JSON at column 14 (")
    assert "its statements cannot be told apart, so none is read; fix the file there" in problem


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_json_nested_thousands_deep_is_rejected_not_a_recursion_error(
    tmp_path: Path, suffix: str
) -> None:
    deep = '{"a":' * 5000 + "1" + "}" * 5000
    path = tmp_path / f"statements{suffix}"
    if suffix == ".json":
        path.write_text("[" + json.dumps(_statement("L1")) + "," + deep + "]")
    else:
        path.write_text(json.dumps(_statement("L1")) + "\n" + deep + "\n")
    tables, report = load("xapi", path)
    assert tables["enrollments"]["learner_id"].tolist() == ["L1"]
    assert {r: d.lines for r, d in report.reasons.items()} == {
        f"JSON nested too deeply to read ({path.name} line {1 if suffix == '.json' else 2}): "
        "not an xAPI statement": [2]
    }


def test_one_statement_nested_thousands_deep_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "statement.json"
    path.write_text("[" * 6000 + "]" * 6000)
    _, report = load("xapi", path)
    assert report.rows_rejected == 1 and report.rows_loaded == 0


# ---------------------------------------------------------------- department file names


def test_departments_that_map_to_one_file_name_get_a_stable_suffix() -> None:
    assert slug("R&D") == slug("R-D") == "r-d"
    names = distinct_slugs(["R&D", "R-D", "Ops"])
    assert names["Ops"] == "ops"
    assert names["R&D"] != names["R-D"]
    assert names["R&D"].startswith("r-d-") and names["R-D"].startswith("r-d-")
    # each keeps its name whatever else comes: the suffix is its own
    assert distinct_slugs(["R&D", "R+D"])["R&D"] == names["R&D"]
    assert distinct_slugs(["r-d", "R&D"]) == {"r-d": "r-d", "R&D": names["R&D"]}


def test_the_report_spans_only_the_plausible_dates(tmp_path: Path) -> None:
    """A row dated 0000-01-01 once stretched the report over 8,000 years of quarters."""
    import shutil

    from paths import TINY

    from generator.report import build_report

    project = tmp_path / "tiny"
    shutil.copytree(TINY, project)
    with (project / "data" / "lms.csv").open("a") as export:
        export.write(
            "L10,C1,Ops,0000-01-01,,,enrolled,,\nL11,C1,Ops,2025-02-01,9999-12-31,,Done,,\n"
        )
    metrics = build_report(project).metrics
    assert metrics.quarters[0] >= "2024-Q1" and metrics.quarters[-1] <= "2025-Q4"


def test_project_yaml_plausible_dates_sets_the_window_for_the_exports(tmp_path: Path) -> None:
    """The window report dates are checked against is the exports' too: a row of 1985 is
    rejected by default and read once project.yaml's plausible_dates starts in 1980."""
    project = tmp_path / "tiny"
    shutil.copytree(TINY, project)
    with (project / "data" / "lms.csv").open("a", encoding="utf-8") as export:
        export.write("L9,C1,Sales,1985-06-01,,,in_progress,,10\n")

    def rejected_1985() -> int:
        result = CliRunner().invoke(cli, ["validate", "--json", "--project", str(project)])
        sources = json.loads(result.stdout)["sources"]
        return sum(
            detail["count"]
            for source in sources
            for reason, detail in source["reasons"].items()
            if "1985-06-01" in reason
        )

    assert rejected_1985() == 1
    settings = project / "config" / "project.yaml"
    settings.write_text(settings.read_text() + "plausible_dates: {earliest: 1980-01-01}\n", "utf-8")
    assert rejected_1985() == 0


def test_infinite_numbers_in_an_export_are_rejected(tmp_path: Path) -> None:
    """inf, Infinity and 1e400 parse as floats; a report must not say 'inf min'."""
    header = "User,Course,Dept,Enrolled,Completed,State,Minutes\n"
    rows = (
        "L1,C1,Ops,2025-01-10,,in_progress,inf\n"
        "L2,C1,Ops,2025-01-10,,in_progress,1e400\n"
        "L3,C1,Ops,2025-01-10,,in_progress,-Infinity\n"
        "L4,C1,Ops,2025-01-10,,in_progress,30\n"
    )
    tables, report = load(
        "csv", _csv(tmp_path, rows, header), columns=MAPPING | {"Minutes": "minutes"}
    )
    assert report.reasons["minutes is not a finite number"].count == 3
    assert tables["enrollments"]["learner_id"].tolist() == ["L4"]


def test_an_export_that_cannot_be_read_is_a_located_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An OS error while reading (no permission, an I/O error) names the file, no traceback.
    Simulated: CI runs as root, whom chmod does not stop."""
    from generator import ingest as ingest_module

    project = tmp_path / "tiny"
    shutil.copytree(TINY, project)
    real = ingest_module.read_source

    def unreadable(source: Any, path: Path, *args: Any, **kwargs: Any) -> Any:
        if path.name == "lms.csv":
            raise PermissionError(13, "Permission denied", str(path))
        return real(source, path, *args, **kwargs)

    monkeypatch.setattr(ingest_module, "read_source", unreadable)
    result = CliRunner().invoke(cli, ["validate", "--project", str(project)])
    assert result.exit_code == 1
    assert (
        "data/lms.csv: cannot be read (Permission denied); check you may read it" in result.output
    )
