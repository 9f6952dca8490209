"""`accountability init`: a new organisation's scaffold validates and builds (a real `mkdocs
build --strict`) for each LMS, still builds after the edits a user makes, never overwrites,
and its config files match the JSON Schemas it writes, which are the models' own."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner, Result
from paths import REPO

from generator.cli import LMS_CHOICES, cli
from generator.commands.validate import validate_project
from generator.config.schema import config_file_models, config_schemas, file_schema, modeline
from generator.scaffold import LMS_KINDS, ScaffoldSettings, scaffold_files

# Each kind with another fiscal year start, so the sample's quarter, budgets and report date
# are made in several calendars.
FISCAL_STARTS = {"moodle": 4, "canvas": 7, "openedx": 10, "xapi": 2, "csv": 1}


def _run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _init(directory: Path, lms: str, *extra: str) -> Path:
    result = _run("init", directory, "--lms", lms, *extra)
    assert result.exit_code == 0, result.output
    return directory


class _JsonLikeLoader(yaml.SafeLoader):
    """YAML as a YAML language server gives it to a JSON Schema: YAML 1.2 has no timestamps,
    so 2025-06-30 is a string (as the schemas' format: date expects)."""


_JsonLikeLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _as_editor_reads(text: str) -> Any:
    document = yaml.load(text, Loader=_JsonLikeLoader)  # a SafeLoader
    return {} if document is None else document


def _schema_errors(schema: dict[str, Any], document: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema)
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


# ---------------------------------------------------------------- validate and build


@pytest.mark.slow
@pytest.mark.parametrize("lms", LMS_KINDS)
def test_a_new_project_validates_and_builds(tmp_path: Path, lms: str) -> None:
    project = _init(
        tmp_path / "org", lms, "--name", "Acme & Co", "--fiscal-year-start", str(FISCAL_STARTS[lms])
    )
    checked = validate_project(project)
    assert checked.valid, checked.problems
    assert checked.warnings == []
    assert checked.ingested is not None
    for source in checked.ingested.report.sources:
        assert source.rows_rejected == 0 and source.rows_loaded > 0, source

    built = _run("build", "--project", project)
    assert built.exit_code == 0, built.output
    assert "warning" not in built.output
    site = project / "site"
    goals = (site / "goals.html").read_text("utf-8")
    for goal in yaml.safe_load((project / "config/goals.yaml").read_text())["goals"]:
        assert goal["title"] in goals
    assert (site / "courses/safety-basics.html").is_file()
    assert "Acme &amp; Co" in (site / "index.html").read_text("utf-8")


@pytest.mark.slow
def test_an_edited_project_still_builds(tmp_path: Path) -> None:
    """What a new organisation does first: add its own course, rows of it to the export, and
    a goal on it."""
    project = _init(tmp_path / "org", "csv")
    courses = project / "config/courses.yaml"
    courses.write_text(
        courses.read_text()
        + "  - id: forklift-101\n    title: Forklift driving\n    developer: learning-team\n"
        "    training_manager: sam-patel\n    mandatory: true\n"
    )
    export = project / "data/enrolments.csv"
    export.write_text(
        export.read_text()
        + "".join(
            f"F{n},forklift-101,Operations,2025-04-0{n},2025-05-0{n},,Completed,{70 + n},30\n"
            for n in range(1, 7)
        )
    )
    goals = project / "config/goals.yaml"
    goals.write_text(
        goals.read_text()
        + "  - id: forklift-completion\n    title: Forklift drivers are certified\n"
        "    kind: learning\n    metric: completion_rate\n"
        "    scope: {level: course, ids: [forklift-101]}\n    target: '>= 0.9'\n"
        "    raci: {accountable: training-manager, responsible: [course-developer]}\n"
    )
    built = _run("build", "--project", project)
    assert built.exit_code == 0, built.output
    assert (project / "site/courses/forklift-101.html").is_file()
    assert "Forklift drivers are certified" in (project / "site/goals.html").read_text("utf-8")


# ---------------------------------------------------------------- never overwrites


def test_init_refuses_a_directory_that_is_not_empty(tmp_path: Path) -> None:
    target = tmp_path / "org"
    (target / "config").mkdir(parents=True)
    (target / "notes.txt").write_text("mine")
    result = CliRunner().invoke(cli, ["init", str(target), "--lms", "csv"])
    assert result.exit_code == 1
    assert result.output == (
        f"error: {target} is not empty (it holds config/, notes.txt); init writes a new project "
        "into a new or empty directory only and never overwrites: name another directory, or, "
        "to refresh the JSON Schemas of an existing project, run "
        f"`accountability schemas --project {target}`\n"
    )
    assert (target / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in target.iterdir()) == ["config", "notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["org"]  # no scratch left


def test_init_writes_into_an_empty_directory(tmp_path: Path) -> None:
    target = tmp_path / "org"
    target.mkdir()
    _init(target, "xapi")
    written = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
    assert written == sorted(scaffold_files(ScaffoldSettings("xapi")))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["org"]


def test_any_organisation_name_stays_text(tmp_path: Path) -> None:
    """The name goes into YAML: quotes, a colon, a line break or a YAML/Jinja marker in it
    must not change the file's structure."""
    name = 'Acme: "R&D" <script>\n# {{ x }} - [a] \\ é'
    project = _init(tmp_path / "org", "csv", "--name", name)
    checked = validate_project(project)
    assert checked.valid, checked.problems
    assert checked.project is not None and checked.project.settings.organisation == name


def test_init_dot_fills_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "org"
    here.mkdir()
    monkeypatch.chdir(here)
    _init(Path("."), "canvas")
    assert (here / "config/project.yaml").is_file()
    assert validate_project(Path(".")).valid
    assert sorted(p.name for p in tmp_path.iterdir()) == ["org"]


def test_init_needs_an_lms_and_names_the_choices(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "org"), "--lms", "blackboard"])
    assert result.exit_code == 2
    assert "'moodle', 'canvas', 'openedx', 'xapi', 'csv'" in result.output
    assert LMS_CHOICES == LMS_KINDS  # the CLI's list (imported without the scaffold) is its
    assert not (tmp_path / "org").exists()


# ---------------------------------------------------------------- schemas and modelines


@pytest.mark.parametrize("lms", LMS_KINDS)
def test_every_config_file_has_its_modeline_and_matches_its_schema(
    tmp_path: Path, lms: str
) -> None:
    project = _init(tmp_path / "org", lms)
    for name in config_file_models():
        path = project / "config" / name
        first = path.read_text("utf-8").splitlines()[0]
        assert first == modeline(name)
        target = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert target, first
        schema_path = (path.parent / target.group(1)).resolve()
        assert schema_path.is_file(), schema_path
        schema = json.loads(schema_path.read_text("utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        assert _schema_errors(schema, _as_editor_reads(path.read_text("utf-8"))) == [], name


def test_the_written_schemas_are_the_models(tmp_path: Path) -> None:
    project = _init(tmp_path / "org", "csv")
    written = {p.name: json.loads(p.read_text("utf-8")) for p in (project / "schemas").iterdir()}
    expected = {
        name.removesuffix(".yaml") + ".schema.json": file_schema(name, model)
        for name, model in config_file_models().items()
    }
    assert written == expected
    for name, model in config_file_models().items():
        schema = config_schemas()[name]
        # Every field of the model, with its docstring, and nothing else.
        assert set(schema["properties"]) == set(model.model_fields)
        for field, info in model.model_fields.items():
            assert schema["properties"][field].get("description") == info.description
        assert schema["additionalProperties"] is False


# What a user may write, and whether the models take it: the schema must agree with them.
GOAL = "goals:\n  - {id: g, title: G, kind: learning, metric: completion_rate, raci: {accountable: learner}, "
CASES = [
    ("goals.yaml", GOAL + "target: '>= 0.85', scope: org}\n", True),
    ("goals.yaml", GOAL + "target: '<0.2', scope: {level: course, mandatory: true}}\n", True),
    ("goals.yaml", GOAL + "target: {comparator: '>=', value: 0.85}, scope: department}\n", True),
    ("goals.yaml", GOAL + "target: 'about 0.85'}\n", False),
    ("goals.yaml", GOAL + "target: '>= 0.85', scope: team}\n", False),
    ("goals.yaml", GOAL + "target: '>= 0.85', periods: all, warning: 0.05, colour: red}\n", False),
    (
        "goals.yaml",
        "goals:\n  - {id: g, title: G, kind: learning, metric: m, target: '>= 1',\n"
        "     raci: {accountable: ld-manager, responsible: learner, informed: [a, b]}}\n",
        True,
    ),
    (
        "courses.yaml",
        "courses:\n  - {id: c, title: C, developer: d, training_manager: t, modules: [A, {title: B, match: '^b'}]}\n",
        True,
    ),
    (
        "courses.yaml",
        "courses:\n  - {id: c, title: C, developer: d, training_manager: t, pass_mark: 120}\n",
        False,
    ),
    ("courses.yaml", "courses:\n  - {id: c, title: C, developer: d}\n", False),
    (
        "project.yaml",
        "organisation: X\nreport_date: 2025-06-30\nsources:\n  - path: a.csv\n"
        "    values: {enrolled_on: 2019-09-01, course_id: 101}\n",
        True,
    ),
    ("project.yaml", "organisation: X\nfiscal_year_start_month: 13\n", False),
    ("project.yaml", "organisation: X\nengine: postgres\n", False),
    ("project.yaml", "organisation: X\nsources: [{path: a.csv, tabel: activity}]\n", False),
    (
        "budgets.yaml",
        "periods:\n  - {period: 2025-Q1, budget: 100, spend: [{course: c, amount: 5}]}\n",
        True,
    ),
    ("budgets.yaml", "periods:\n  - {period: 2025-Q1, budget: -1}\n", False),
    (
        "roles.yaml",
        "roles: [{id: r, title: R, answers_for: x}]\npeople: [{id: p, name: P, roles: [r], kind: robot}]\n",
        False,
    ),
    (
        "workforce.yaml",
        "kpis: [{id: k, label: K, higher_is_better: true, evaluation: ltem-8}]\n",
        True,
    ),
    (
        "workforce.yaml",
        "kpis: [{id: k, label: K, higher_is_better: true, evaluation: roi}]\n",
        False,
    ),
]


@pytest.mark.parametrize(("name", "text", "valid"), CASES)
def test_the_schema_takes_what_the_model_takes(name: str, text: str, valid: bool) -> None:
    model = config_file_models()[name]
    from pydantic import ValidationError

    try:
        model.model_validate(yaml.safe_load(text))
        model_takes = True
    except ValidationError:
        model_takes = False
    assert model_takes is valid
    errors = _schema_errors(config_schemas()[name], _as_editor_reads(text))
    assert (errors == []) is valid, errors


def test_schemas_refreshes_an_existing_project(tmp_path: Path) -> None:
    project = _init(tmp_path / "org", "moodle")
    stale = project / "schemas/goals.schema.json"
    stale.write_text("{}")
    (project / "schemas/roles.schema.json").unlink()
    result = _run("schemas", "--project", project)
    assert result.exit_code == 0, result.output
    assert (
        result.output.splitlines()[0] == f"schemas/: 2 written, 4 unchanged ({project / 'schemas'})"
    )
    assert json.loads(stale.read_text()) == config_schemas()["goals.yaml"]


def test_schemas_names_the_files_without_a_modeline(tmp_path: Path) -> None:
    project = tmp_path / "tiny"
    (project / "config").mkdir(parents=True)
    for path in (REPO / "tests/fixtures/tiny/config").iterdir():
        (project / "config" / path.name).write_text(path.read_text())
    result = _run("schemas", "--project", project)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("schemas/: 6 written, 0 unchanged")
    assert lines[1:] == [
        f"config/{name}: add as line 1 for editors to use its schema: {modeline(name)}"
        for name in ("project.yaml", "roles.yaml", "courses.yaml", "budgets.yaml", "goals.yaml")
    ]


def test_schemas_needs_a_config_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["schemas", "--project", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == (
        f"error: {tmp_path} has no config/ folder; for a new project run "
        f"`accountability init {tmp_path} --lms csv` (or moodle, canvas, openedx, xapi)\n"
    )
