"""Writing the whole demo project: ``config/*.yaml``, ``data/demo-*.csv`` (the LMS exports),
``data/roster.csv``, ``data/kpis.csv`` and ``responses/<quarter>.yaml``.

The enrolment export is generated and written chunk by chunk (``CHUNK_ROWS`` rows at most), so
ten million rows need a few hundred MB. The first chunk also gets the dirty rows and is the only
one the activity, assessment and survey files are made from, so those stay small. The roster
and the KPIs are made last, from each learner's days in the LMS (``LearnerSpans``) and random
numbers of their own, so the exports are the same with or without them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from generator.demo.catalogue import WORKFORCE_COURSES
from generator.demo.enrolments import (
    NOT_STARTED,
    Chunk,
    LearnerSpans,
    SpendTally,
    empty_chunk,
    learner_blocks,
    make_chunk,
)
from generator.demo.kpis import kpi_series, kpi_table
from generator.demo.organisation import CATALOGUE_SIZE, Organisation, build_organisation
from generator.demo.plan import CourseTables, LearnerPlan, course_tables, plan_learners
from generator.demo.quarters import CALENDAR, QUARTERS, REPORT_DATE, REPORT_DAY
from generator.demo.roster import build_roster, roster_table
from generator.demo.stories import STORY_COURSES
from generator.demo.tables import (
    DATA_FILES,
    DIRTY_ROW_COUNT,
    WORKFORCE_FILES,
    WRITE_OPTIONS,
    TextTables,
    activity_table,
    assessment_table,
    enrollment_table,
    survey_table,
    take,
    with_dirty_rows,
)
from generator.demo.yamlfiles import (
    budgets_yaml,
    courses_yaml,
    goals_yaml,
    project_yaml,
    responses_yaml,
    roles_yaml,
    workforce_yaml,
)

log = logging.getLogger(__name__)

CHUNK_ROWS = 500_000
DEFAULT_SEED = 2024
DIRTY_MIN_ROWS = 5_000  # smaller exports get no dirty rows


@dataclass(frozen=True)
class DemoSummary:
    rows: int
    """Data rows written to the enrolment export, dirty rows included."""
    courses: int
    learners: int


def write_demo_project(
    out_dir: Path,
    *,
    learners: int = 2000,
    courses: int = CATALOGUE_SIZE,
    rows: int | None = None,
    seed: int = DEFAULT_SEED,
) -> DemoSummary:
    """Write config/*.yaml and data/*.csv of the demo organisation into ``out_dir``."""
    if courses < len(STORY_COURSES):
        raise ValueError(f"the demo needs at least {len(STORY_COURSES)} courses")
    org = build_organisation(learners, courses, seed)
    tables = course_tables(org)
    rng = np.random.default_rng(seed)
    dirty = rows is None or rows >= DIRTY_MIN_ROWS
    clean_rows = None if rows is None else rows - (DIRTY_ROW_COUNT if dirty else 0)
    plan = plan_learners(org, clean_rows, rng)
    data_dir = Path(out_dir) / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    spans = LearnerSpans.start(len(plan.department), tables.ids, list(WORKFORCE_COURSES))
    written, tally = _write_enrollments(data_dir, org, plan, tables, dirty, rng, spans)
    roster = build_roster(plan.department, spans, seed)
    workforce = {
        "roster": roster_table(roster),
        "kpis": kpi_table(kpi_series(roster, spans, tables.ids, seed)),
    }
    for name, table in workforce.items():
        pacsv.write_csv(table, data_dir / WORKFORCE_FILES[name], WRITE_OPTIONS)
    config = Path(out_dir) / "config"
    config.mkdir(parents=True, exist_ok=True)
    command = _command(learners, courses, rows, seed)
    files = {
        "project.yaml": project_yaml(command),
        "roles.yaml": roles_yaml(org, command),
        "courses.yaml": courses_yaml(org, command),
        "budgets.yaml": budgets_yaml(org, tally, command, seed),
        "goals.yaml": goals_yaml(org, command),
        "workforce.yaml": workforce_yaml(org, command),
    }
    for name, text in files.items():
        (config / name).write_text(text, encoding="utf-8", newline="\n")
    quarter = CALENDAR.quarter_of(REPORT_DATE).label
    responses = Path(out_dir) / "responses"
    responses.mkdir(exist_ok=True)
    (responses / f"{quarter}.yaml").write_text(
        responses_yaml(quarter, command), encoding="utf-8", newline="\n"
    )
    return DemoSummary(rows=written, courses=len(org.courses), learners=learners)


def _command(learners: int, courses: int, rows: int | None, seed: int) -> str:
    parts = ["accountability demo-data", f"--seed {seed}"]
    if learners != 2000:
        parts.append(f"--learners {learners}")
    if courses != CATALOGUE_SIZE:
        parts.append(f"--courses {courses}")
    if rows is not None:
        parts.append(f"--rows {rows}")
    return " ".join(parts)


def _write_enrollments(
    data_dir: Path,
    org: Organisation,
    plan: LearnerPlan,
    tables: CourseTables,
    dirty: bool,
    rng: np.random.Generator,
    spans: LearnerSpans,
) -> tuple[int, SpendTally]:
    text = TextTables.build(len(plan.department), tables.ids)
    tally = SpendTally(np.zeros((len(org.developers), len(QUARTERS)), dtype=np.int64))
    limit = min(CATALOGUE_SIZE, len(org.courses))
    written = 0
    path = data_dir / DATA_FILES["enrollments"]
    writer: pacsv.CSVWriter | None = None
    try:
        for number, (first, last) in enumerate(learner_blocks(plan.rows, CHUNK_ROWS)):
            chunk = make_chunk(plan, tables, first, last, rng)
            tally.add(chunk, tables)
            table = enrollment_table(chunk, text)
            if number == 0:
                table = _mark_report_date(chunk, table, text)
                if dirty and len(chunk) > DIRTY_ROW_COUNT:
                    table = with_dirty_rows(table, rng)
                _write_side_tables(data_dir, chunk, tables, text, limit, rng)
            spans.add(chunk)  # after _mark_report_date, which may move one enrolment
            if writer is None:
                writer = pacsv.CSVWriter(path, table.schema, write_options=WRITE_OPTIONS)
            writer.write_table(table)
            written += table.num_rows
            log.info("demo-data: %s enrolment rows written", f"{written:,}")
    finally:
        if writer is not None:
            writer.close()
    if writer is None:  # no rows at all: still a valid export with its header
        pacsv.write_csv(enrollment_table(empty_chunk(), text), path, WRITE_OPTIONS)
        _write_side_tables(data_dir, empty_chunk(), tables, text, limit, rng)
    return written, tally


def _mark_report_date(chunk: Chunk, table: pa.Table, text: TextTables) -> pa.Table:
    """Make sure the data reaches the last day of the last quarter, so the default report
    date is that day: one not-yet-started enrolment is dated 2026-03-31."""
    last_quarter = chunk.quarter == len(QUARTERS) - 1
    candidates = np.flatnonzero((chunk.status == NOT_STARTED) & last_quarter)
    if len(candidates) == 0 or (chunk.enrolled == REPORT_DAY).any():
        return table
    chunk.enrolled[candidates[-1]] = REPORT_DAY
    column = table.schema.get_field_index("Enrolled")
    return table.set_column(column, "Enrolled", take(text.days, chunk.enrolled))


def _write_side_tables(
    data_dir: Path,
    chunk: Chunk,
    tables: CourseTables,
    text: TextTables,
    limit: int,
    rng: np.random.Generator,
) -> None:
    side = {
        "activity": activity_table(chunk, tables, text, limit),
        "assessments": assessment_table(chunk, tables, text, rng),
        "surveys": survey_table(chunk, tables, text, rng),
    }
    for name, table in side.items():
        pacsv.write_csv(table, data_dir / DATA_FILES[name], WRITE_OPTIONS)
