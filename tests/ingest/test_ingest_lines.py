"""Where every rejected or merged row is: the physical line a record starts on (after quoted
line breaks too), the file and line of a folder's statements, and the reasons of merged rows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from ingest_helpers import load
from paths import EXPORTS, REPO

from generator.ingest import textfile
from generator.ingest.adapters.xapi import FOLDED
from generator.ingest.canonical import duplicate_reason
from generator.ingest.textfile import read_delimited

MAPPING = {"User": "learner_id", "Course": "course_id", "Enrolled": "enrolled_on", "Score": "score"}
UNKNOWN_C9 = "unknown course 'C9' (not in config/courses.yaml)"
DUPLICATE = duplicate_reason("enrollments")
# A note over two lines (LF), one over three (CRLF and a lone CR inside quotes), a blank line.
BROKEN_NOTES = (
    "User,Course,Enrolled,Score,Note\r\n"
    'L1,C1,2025-01-10,80,"asked for\na certificate"\r\n'  # lines 2-3
    "L2,C9,2025-01-11,70,plain\r\n"  # line 4
    "\r\n"  # line 5: blank, skipped by the readers and counted here
    'L3,C1,2025-01-12,140,"one\r\ntwo\rthree"\r\n'  # lines 6-8
    "L4,C9,2025-01-13,60,x\r\n"  # line 9
)


def _reasons(report: object) -> dict[str, list[int]]:
    return {reason: detail.lines for reason, detail in report.reasons.items()}  # type: ignore[attr-defined]


def test_quoted_line_breaks_give_the_physical_line_on_the_pyarrow_path(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_bytes(BROKEN_NOTES.encode())
    frame = read_delimited(path, path.name, arrow=True)
    assert isinstance(frame["User"].dtype, pd.CategoricalDtype)  # read by pyarrow
    assert frame["_line"].tolist() == [2, 4, 6, 9]
    _, report = load("csv", path, columns=MAPPING)
    assert _reasons(report) == {UNKNOWN_C9: [4, 9], "score out of range 0-100": [6]}


def test_quoted_line_breaks_give_the_physical_line_on_the_pandas_path(tmp_path: Path) -> None:
    """Windows-1252 is read by pandas; a file handle as well as a path."""
    path = tmp_path / "notes-cp1252.csv"
    path.write_bytes(BROKEN_NOTES.replace("L3", "Léa").replace(",", ";").encode("cp1252"))
    frame = read_delimited(path, path.name, arrow=True)
    assert not isinstance(frame["User"].dtype, pd.CategoricalDtype)  # read by pandas
    assert frame["User"].tolist() == ["L1", "L2", "Léa", "L4"]
    assert frame["_line"].tolist() == [2, 4, 6, 9]
    with path.open("rb") as handle:
        assert read_delimited(handle, path.name)["_line"].tolist() == [2, 4, 6, 9]
    _, report = load("csv", path, columns=MAPPING)
    assert _reasons(report) == {UNKNOWN_C9: [4, 9], "score out of range 0-100": [6]}


def test_only_files_with_quoted_line_breaks_are_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No quote after the header: not looked at again; quotes but no line break inside them
    (LF or CRLF): a count of line breaks, no second parse."""
    parsed: list[str] = []
    start_lines = textfile._start_lines

    def counted(source: Path, *args: object) -> object:
        parsed.append(source.name)
        return start_lines(source, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(textfile, "_start_lines", counted)
    for name, text in (
        ("plain.csv", "User,Course,Enrolled,Note\nL1,C1,2025-01-10,a\nL2,C1,2025-01-11,b\n"),
        ("quoted.csv", 'User,Course,Enrolled,Note\nL1,C1,2025-01-10,"a, b"\nL2,C1,2025-01-11,b'),
        ("crlf.csv", '"User","Course","Enrolled","Note"\r\nL1,C1,2025-01-10,"a"\r\n\r\n'),
    ):
        path = tmp_path / name
        path.write_bytes(text.encode())
        lines = len(text.strip().splitlines()) - 1
        for arrow in (True, False):
            assert read_delimited(path, name, arrow=arrow)["_line"].tolist() == list(
                range(2, lines + 2)
            ), name
    assert parsed == []
    path = tmp_path / "breaks.csv"
    path.write_bytes(b'User,Course,Enrolled,Note\nL1,C1,2025-01-10,"a\nb"\nL2,C1,2025-01-11,b\n')
    assert read_delimited(path, path.name, arrow=True)["_line"].tolist() == [2, 4]
    assert parsed == ["breaks.csv"]


def test_moodle_logs_multi_line_description_keeps_the_lines_after_it() -> None:
    """logs-safety-cp1252.csv: line 4's Description runs on to line 5."""
    _, report = load("moodle-logs", EXPORTS / "moodle" / "logs-safety-cp1252.csv", course_id="C1")
    lines = {reason.split(" (")[0]: detail.lines for reason, detail in report.reasons.items()}
    assert lines == {
        "system user": [7],  # was 6, the record's number
        "no user id in Description": [8],
        "unparseable Time": [9],
    }


@pytest.mark.shared
def test_edify_logs_with_multi_line_descriptions_report_file_lines(shared_data: Path) -> None:
    """Module 5 SP18: record 807 spans two lines; the three events on '29/02/18' are the file's
    last three lines (2140-2142), which csv.reader confirms."""
    import csv
    import io

    path = shared_data / "moodle-edify" / "Moodle Module 5 SP18.csv"
    _, report = load("moodle-logs", path, course_id="C1")
    bad = [d.lines for r, d in report.reasons.items() if r.startswith("unparseable Time")]
    reader = csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline=""))
    expected, end = [], 0
    for record in reader:
        if record and record[0].startswith("29/02/18"):
            expected.append(end + 1)  # the line after the previous record's last
        end = reader.line_num
    assert expected == [2140, 2141, 2142]
    assert bad == [expected]


# ---------------------------------------------------------------- xAPI folders


def _statement(
    actor: str, verb: str, course: str = "https://lms.example.org/courses/safety"
) -> dict:
    return {
        "actor": {"account": {"name": actor}},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"id": course},
        "context": {"registration": "r1"},
        "timestamp": "2025-01-10T09:00:00Z",
    }


def xapi_folder(folder: Path) -> Path:
    """Bad statements in two files: a.jsonl (a blank line, a statement without actor on line
    4, an unknown course on line 5) and sub/b.json (an array: its statement 2 is no statement,
    its statement 3 names the unknown course)."""
    folder.mkdir()
    good = json.dumps(_statement("u-1", "launched"))
    lines = [
        good,
        "",
        json.dumps(_statement("u-1", "completed")),
        json.dumps({**_statement("u-1", "completed"), "actor": {}}),
        json.dumps(_statement("u-2", "completed", course="https://elsewhere.example/x")),
    ]
    (folder / "a.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "sub").mkdir()
    array = [
        _statement("u-3", "passed"),
        {"hello": "world"},
        _statement("u-4", "passed", course="https://elsewhere.example/x"),
        _statement("u-3", "terminated"),
    ]
    (folder / "sub" / "b.json").write_text(json.dumps(array, indent=2))
    return folder


COURSE_MAP = {"course_map": {"https://lms.example.org/courses/safety": "C1"}}
UNKNOWN_X = "unknown course 'https://elsewhere.example/x' (not in config/courses.yaml)"


def test_a_folder_of_xapi_files_names_the_file_beside_each_line(tmp_path: Path) -> None:
    folder = xapi_folder(tmp_path / "statements")
    _, report = load("xapi", folder, options=COURSE_MAP)
    found = report.as_dict()
    assert found["reasons"] == {
        # rejected by the adapter
        "statement has no identified actor (account, mbox, mbox_sha1sum or openid)": {
            "count": 1,
            "lines": [4],
            "files": ["a.jsonl"],
        },
        "not an xAPI statement (no actor, verb or object)": {
            "count": 1,
            "lines": [2],
            "files": ["sub/b.json"],
        },
        # rejected by normalise, in both files
        UNKNOWN_X: {"count": 2, "lines": [5, 3], "files": ["a.jsonl", "sub/b.json"]},
    }
    assert found["merges"] == {
        FOLDED: {"count": 2, "lines": [3, 4], "files": ["a.jsonl", "sub/b.json"]}
    }
    assert report.reasons[UNKNOWN_X].places() == ["a.jsonl:5", "sub/b.json:3"]
    # One file is not a folder: plain lines, no files.
    _, single = load("xapi", folder / "a.jsonl", options=COURSE_MAP)
    assert single.as_dict()["reasons"][UNKNOWN_X] == {"count": 1, "lines": [5]}


def test_validate_and_the_data_quality_page_show_file_and_line(tmp_path: Path) -> None:
    import shutil

    from generator.cli import cli
    from generator.pages import render_pages
    from generator.report import build_report

    project = tmp_path / "project"
    shutil.copytree(REPO / "tests" / "fixtures" / "spark-sources", project)
    result = CliRunner().invoke(cli, ["validate", "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert (
        "data/xapi: 1 rejected: statement has no identified actor (account, mbox, mbox_sha1sum "
        "or openid) (lines a.jsonl:10)"
    ) in result.output
    assert (
        f"data/xapi: 6 merged: {FOLDED} (lines a.jsonl:2, a.jsonl:3, a.jsonl:4, a.jsonl:5, "
        "a.jsonl:9)"
    ) in result.output
    strict = CliRunner().invoke(cli, ["validate", "--project", str(project), "--strict"])
    assert "error: data/xapi/a.jsonl:10: 1 row(s) rejected: statement has no" in strict.output
    as_json = json.loads(
        CliRunner().invoke(cli, ["validate", "--project", str(project), "--json"]).output
    )
    xapi = next(s for s in as_json["sources"] if s["path"] == "data/xapi")
    assert all(
        isinstance(line, int) for reason in xapi["reasons"].values() for line in reason["lines"]
    )
    assert xapi["merges"][FOLDED]["files"] == ["a.jsonl"] * 5
    page = render_pages(build_report(project)).markdown["data-quality.md"]
    merged = page[page.index("## Merged rows") :]
    assert "| data/xapi | a later statement of the same attempt" in merged
    assert "| 6 | a.jsonl:2, a.jsonl:3, a.jsonl:4, a.jsonl:5, a.jsonl:9 |" in merged
    actor = r"\| data/xapi \| statement has no identified actor .* \| 1 \| a\.jsonl:10 \|"
    assert re.search(actor, page)


# ---------------------------------------------------------------- merged rows


def test_duplicates_are_merged_with_a_reason_and_the_lines_merged_away(tmp_path: Path) -> None:
    path = tmp_path / "dups.csv"
    path.write_text(
        "learner_id,course_id,enrolled_on,status\n"
        "L1,C1,2025-01-10,completed\n"  # 2: kept (most advanced)
        "L1,C1,2025-01-10,enrolled\n"  # 3: merged
        "L2,C1,2025-01-10,enrolled\n"  # 4: merged (the latest line of equals is kept)
        "L2,C1,2025-01-10,enrolled\n"  # 5: kept
        "L3,C1,2025-01-11,failed\n"  # 6
        "L2,C1,2025-01-10,in_progress\n"  # 7: kept over 5 (more advanced)
    )
    tables, report = load("csv", path)
    assert tables["enrollments"]["learner_id"].tolist() == ["L1", "L3", "L2"]
    assert DUPLICATE == (
        "duplicate of another row (same learner_id, course_id, offering, enrolled_on): the most "
        "advanced status kept, then the latest line"
    )
    assert report.as_dict()["merges"] == {DUPLICATE: {"count": 3, "lines": [3, 4, 5]}}
    assert report.rows_merged == sum(d.count for d in report.merges.values()) == 3


def test_xapi_statements_folded_into_an_attempt_have_their_reason() -> None:
    _, report = load("xapi", EXPORTS / "xapi" / "statements.jsonl", options=COURSE_MAP)
    assert report.rows_merged == 5
    assert report.as_dict()["merges"] == {FOLDED: {"count": 5, "lines": [2, 3, 4, 5, 8]}}


def test_every_merged_row_has_a_reason() -> None:
    """rows_merged is the sum of the merge reasons; the demo's 20 duplicates (story 9)."""
    from generator.config import load_project
    from generator.report import read_data

    ingested, _ = read_data(load_project(REPO), "duckdb")
    for source in ingested.report.sources:
        assert source.rows_merged == sum(d.count for d in source.merges.values()), source.path
    enrollments = ingested.report.sources[0]
    assert enrollments.merges[DUPLICATE].count == 20
    assert enrollments.merges[DUPLICATE].lines == [1944, 4613, 5437, 5581, 6484]


def test_an_adapter_merge_without_a_reason_gets_one_naming_the_adapter() -> None:
    from generator.ingest import _adapter_merges
    from generator.ingest.canonical import SourceReport
    from generator.ingest.exports import Accounting

    account = Accounting(rows_read=10, merged=3)
    account.merge("rows of one week summed", [], 4)
    report = SourceReport("x", "moodle-logs")
    _adapter_merges(account.attach(pd.DataFrame()).attrs, "moodle-logs", report)
    assert {r: d.count for r, d in report.merges.items()} == {
        "rows of one week summed": 4,
        "folded into another row by the moodle-logs adapter": 3,
    }
    assert report.rows_merged == 7
