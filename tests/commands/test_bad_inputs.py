"""The bad-input suite: every folder of tests/commands/bad_inputs/ is a broken input with the exact
message and exit code expected; and property-based tests feed random bytes, CSV and YAML to
validate and build: a clean error or a clean success, never a traceback."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from paths import TINY

from generator.cli import cli

HERE = Path(__file__).parent
CASES = sorted(p for p in (HERE / "bad_inputs").iterdir() if p.is_dir())


def run(project: Path, command: str) -> Result:
    words = shlex.split(command)
    result = CliRunner().invoke(cli, [*words[:1], "--project", str(project), *words[1:]])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{command}: uncaught {result.exception!r}\n{result.output}")
    assert "Traceback" not in result.output
    return result


def prepare(case: Path, project: Path) -> dict:
    spec = yaml.safe_load((case / "case.yaml").read_text())
    target = project / spec["target"]
    if "replace" in spec:
        text = target.read_text()
        assert spec["replace"]["old"] in text, f"{case.name}: fixture changed"
        target.write_text(text.replace(spec["replace"]["old"], spec["replace"]["new"], 1))
    elif (case / "input").exists():
        target.write_bytes((case / "input").read_bytes())
    if "source_path" in spec:
        config = project / "config" / "project.yaml"
        text = config.read_text().replace(spec["source_path"]["old"], spec["source_path"]["new"])
        config.write_text(text)
    return spec


def test_the_suite_has_at_least_40_cases() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(TINY, project)
    spec = prepare(case, project)
    result = run(project, spec.get("command", "validate"))
    if spec["exit_code"] is not None:
        assert result.exit_code == spec["exit_code"], result.output
    else:
        assert result.exit_code in (0, 1), result.output
    for line in spec["expect"]:
        assert line in result.output, f"{case.name}: {line!r} not in\n{result.output}"


# ---------------------------------------------------------------- property-based

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("fuzz") / "project"
    shutil.copytree(TINY, project)
    return project


def _with(project: Path, relative: str, data: bytes) -> Path:
    target = project / relative
    original = target.read_bytes()
    target.write_bytes(data)
    return target, original  # type: ignore[return-value]


@FUZZ
@given(data=st.binary(max_size=2000))
@example(data=b"\x80\r")  # once a traceback: a short file that is not UTF-8
def test_random_bytes_as_an_export(fuzz_project: Path, data: bytes) -> None:
    target, original = _with(fuzz_project, "data/lms.csv", data)
    try:
        assert run(fuzz_project, "validate").exit_code in (0, 1)
    finally:
        target.write_bytes(original)


CELL = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(
        [
            "2025-01-10",
            "2025-02-30",
            "31/12/2025",
            "",
            "-",
            "?",
            "Done",
            "in_progress",
            "C1",
            "C2",
            "80",
            "140",
            "-3",
            "1e308",
            "NaN",
            "=1+1",
        ]
    ),
)
HEADER = "User,Course,Dept,Enrolled,Completed,Withdrawn,State,Score,Minutes"


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=9, max_size=9), max_size=15))
def test_random_valid_looking_csv(fuzz_project: Path, rows: list[list[str]]) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER.split(","))
    writer.writerows(rows)
    target, original = _with(fuzz_project, "data/lms.csv", buffer.getvalue().encode())
    try:
        result = run(fuzz_project, "validate --json")
        assert result.exit_code in (0, 1)
        if result.exit_code == 0:
            import json

            source = json.loads(result.output)["sources"][0]
            assert source["rows_read"] == len(rows)
            assert source["rows_read"] == (
                source["rows_loaded"] + source["rows_merged"] + source["rows_rejected"]
            )
    finally:
        target.write_bytes(original)


YAML_VALUE = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**6), 10**6),
        st.floats(allow_nan=False),
        st.text(max_size=10),
        st.sampled_from(["completion_rate", "org", ">= 0.5", "C1"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "title",
                    "kind",
                    "metric",
                    "scope",
                    "target",
                    "raci",
                    "accountable",
                    "periods",
                    "level",
                    "ids",
                    "x",
                ]
            ),
            inner,
            max_size=5,
        ),
    ),
    max_leaves=12,
)


@FUZZ
@given(goals=st.lists(YAML_VALUE, max_size=4))
def test_random_goals_yaml(fuzz_project: Path, goals: list) -> None:
    text = yaml.safe_dump({"goals": goals}).encode()
    target, original = _with(fuzz_project, "config/goals.yaml", text)
    try:
        assert run(fuzz_project, "validate").exit_code in (0, 1)
    finally:
        target.write_bytes(original)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(st.lists(CELL, min_size=9, max_size=9), min_size=1, max_size=8))
def test_random_export_builds_or_fails_cleanly(fuzz_project: Path, rows: list[list[str]]) -> None:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER.split(","), *rows])
    target, original = _with(fuzz_project, "data/lms.csv", buffer.getvalue().encode())
    try:
        assert run(fuzz_project, "build --no-mkdocs").exit_code in (0, 1)
    finally:
        target.write_bytes(original)
