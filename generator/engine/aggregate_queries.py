"""The query of each aggregate (cohorts, completions, modules reached, gains, ratings, the
course x department breakdown, offerings, distributions), run on an engine and returned as a
tidy pandas frame. ``generator.engine.sql.aggregate`` runs them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Protocol

import pandas as pd

from generator.domain.catalog import OUTCOMES
from generator.engine.sql_blocks import (
    SCOPE_KEYS,
    Frame,
    Sql,
    _additive_measures,
    _as_ints,
    _by_scope,
    _cohort_measures,
    _date,
    _day,
    _double,
    _per_course_and_department,
    _periods,
    _same_attempt,
    _sorted,
    _tidy,
    fiscal_year,
)


class QueryEngine(Protocol):
    """What the queries need of an engine (``generator.engine.sql.Engine`` and its Spark
    subclass): input tables registered by name, and queries run into pandas frames."""

    def register(self, frame: Frame, name: str) -> None: ...

    def count(self, frame: Frame) -> int: ...

    def has_values(self, frame: Frame, column: str) -> bool: ...

    def run(self, query: Sql) -> pd.DataFrame: ...


def _completions(engine: QueryEngine, start_month: int) -> pd.DataFrame:
    """Completions per scope and the period they happened in."""
    completed = (
        "(SELECT course_id, developer, training_manager, department, "
        f"{_periods('completed_on', start_month)} "
        "FROM cohort_rows WHERE completed_on IS NOT NULL) AS r"
    )
    return _tidy(engine.run(_by_scope(completed, {"completions": "COUNT(*)"})))


def _cohorts(engine: QueryEngine) -> pd.DataFrame:
    """Cohort measures per scope and enrolment period, one query per scope: distinct learners
    and medians keep every group's values, so one scope at a time holds far less memory than
    all scopes at once, and takes no longer."""
    frames = [engine.run(_by_scope("cohort_rows", _cohort_measures(), (s,))) for s in SCOPE_KEYS]
    return _tidy(pd.concat(frames, ignore_index=True))


def _modules(engine: QueryEngine, tables: Mapping[str, Frame], report_date: date) -> pd.DataFrame:
    """Distinct learners reaching each module, per course, department and enrolment period. A
    learner reached a module when their furthest module (in module order) is that one or a
    later one: exports seldom log every step (a learner who skips the week-4 file has still got
    to week 5), so the counts fall from module to module and the drop-off is never negative.
    The steps are the modules courses.yaml lists (``course_modules``), else those in the
    activity."""
    activity = tables.get("activity")
    columns = [
        "course_id",
        "department",
        "fiscal_year",
        "quarter",
        "module_order",
        "module",
        "learners",
    ]
    if activity is None or not engine.count(activity):
        return pd.DataFrame(columns=columns)
    engine.register(activity, "activity")
    # Activity without a module order (not one of the course's modules) is no step of it.
    active_by_then = "WHERE a.module_order IS NOT NULL"
    if engine.has_values(activity, "active_on"):
        active_by_then += (
            f" AND (a.active_on IS NULL OR {_day('a.active_on')} <= {_date(report_date)})"
        )
    attempt = "c.learner_id, c.course_id, c.offering, c.enrolled_on, c.department, c.fiscal_year, c.quarter"
    furthest = f"""(
  SELECT {attempt}, MAX(a.module_order) AS furthest
  FROM activity a JOIN cohort_rows c ON {_same_attempt("a", "c")}
  {active_by_then}
  GROUP BY {attempt}) AS t"""
    steps = """(
  SELECT course_id, module_order, module FROM course_modules
  UNION
  SELECT DISTINCT course_id, module_order, module FROM activity
  WHERE module_order IS NOT NULL
    AND course_id NOT IN (SELECT course_id FROM course_modules)) AS s"""
    reached = f"""(
  SELECT t.learner_id, t.course_id, t.department, t.fiscal_year, t.quarter, s.module_order,
    s.module
  FROM {furthest} JOIN {steps}
    ON t.course_id = s.course_id AND s.module_order <= t.furthest) AS r"""
    query = _per_course_and_department(
        reached, {"learners": "COUNT(DISTINCT learner_id)"}, then_by=("module_order", "module")
    )
    return _sorted(_as_ints(engine.run(query)), columns[:-1])


def _gains(engine: QueryEngine, tables: Mapping[str, Frame]) -> pd.DataFrame:
    """Post minus pre score per learner and course, summed per scope and enrolment period."""
    assessments = tables.get("assessments")
    columns = ["scope", "member", "fiscal_year", "quarter", "gain_learners", "gain_sum"]
    if assessments is None or not engine.count(assessments):
        return pd.DataFrame(columns=columns)
    engine.register(assessments, "assessments")
    paired = f"""(
  SELECT c.*, p.post - p.pre AS gain
  FROM cohort_rows c JOIN (
    SELECT learner_id, course_id, offering,
      AVG(CASE WHEN lower(kind) = 'pre' THEN score END) AS pre,
      AVG(CASE WHEN lower(kind) = 'post' THEN score END) AS post
    FROM assessments GROUP BY learner_id, course_id, offering
  ) p ON {_same_attempt("p", "c")}
  WHERE p.pre IS NOT NULL AND p.post IS NOT NULL) AS r"""
    query = _by_scope(paired, {"gain_learners": "COUNT(*)", "gain_sum": "SUM(gain)"})
    return _tidy(engine.run(query))


def _ratings(
    engine: QueryEngine, tables: Mapping[str, Frame], report_date: date, start_month: int
) -> pd.DataFrame:
    """Survey ratings per scope and the period they were given in."""
    surveys = tables.get("surveys")
    if surveys is None or not engine.has_values(surveys, "answered_on"):
        return pd.DataFrame(
            columns=["scope", "member", "fiscal_year", "quarter", "responses", "rating_sum"]
        )
    engine.register(surveys, "surveys")
    answers = f"""(
  SELECT s.rating, c.course_id, c.developer, c.training_manager,
    {_periods("s.answered_on", start_month)}
  FROM surveys s JOIN courses c ON s.course_id = c.course_id
  WHERE s.answered_on IS NOT NULL AND {_day("s.answered_on")} <= {_date(report_date)}) AS r"""
    query = _by_scope(
        answers,
        {"responses": "COUNT(*)", "rating_sum": "SUM(rating)"},
        scopes=("org", "course", "developer", "training_manager"),
    )
    return _tidy(engine.run(query))


def _breakdown(engine: QueryEngine) -> pd.DataFrame:
    """Course x department cohorts per fiscal year (quarter 0) and quarter."""
    frame = engine.run(_per_course_and_department("cohort_rows", _additive_measures()))
    return _sorted(_as_ints(frame), ["course_id", "department", "fiscal_year", "quarter"])


OFFERING_COLUMNS = [
    "course_id",
    "offering",
    "starts_on",
    "ends_on",
    "first_enrolled",
    "last_enrolled",
    "learners",
    "completions",
    "outcome_pass",
    "outcome_merit",
    "outcome_distinction",
    "outcome_fail",
    *_additive_measures(),
]


def _offerings(engine: QueryEngine, tables: Mapping[str, Frame]) -> pd.DataFrame:
    """Per course and offering (a run, cohort or presentation): the run's enrolments and their
    outcomes as of the report date, whatever fiscal periods the run spans, with the dates the
    source gives for the run (the ``offerings`` table) where it has them."""
    measures = {
        "first_enrolled": "MIN(enrolled_on)",
        "last_enrolled": "MAX(enrolled_on)",
        "learners": "COUNT(DISTINCT learner_id)",
        "completions": "COUNT(completed_on)",
        **{f"outcome_{o}": f"count_if(outcome = '{o}')" for o in OUTCOMES},
        **_additive_measures(),
    }
    selected = ", ".join(f"{sql} AS {name}" for name, sql in measures.items())
    runs = (
        f"SELECT course_id, offering, {selected} FROM cohort_rows "
        "WHERE offering IS NOT NULL GROUP BY course_id, offering"
    )
    dates = "CAST(NULL AS DATE) AS starts_on, CAST(NULL AS DATE) AS ends_on"
    join = ""
    offerings = tables.get("offerings")
    if offerings is not None and engine.count(offerings):
        engine.register(offerings, "offerings")
        join = (
            "LEFT JOIN (SELECT course_id, offering, MIN(starts_on) AS starts_on, "
            "MAX(ends_on) AS ends_on FROM offerings GROUP BY course_id, offering) d "
            "ON r.course_id = d.course_id AND r.offering = d.offering"
        )
        dates = f"{_day('d.starts_on')} AS starts_on, {_day('d.ends_on')} AS ends_on"
    frame = engine.run(f"SELECT r.*, {dates} FROM ({runs}) r {join}")
    frame = _as_ints(frame)[OFFERING_COLUMNS]
    for column in ("starts_on", "ends_on", "first_enrolled", "last_enrolled"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[s]")
    frame["offering"] = frame["offering"].astype(str)
    return _sorted(frame, ["course_id", "first_enrolled", "offering"])


SCORE_BIN = 10  # points
RATIO_BIN = 0.25  # of the expected minutes
RATIO_CAP = 3.0  # the last bin holds everything at or above 3x the expected time


def _distributions(engine: QueryEngine) -> pd.DataFrame:
    """Histogram counts of final scores and of completers' time relative to the expected time,
    per fiscal year."""
    score_bin = f"LEAST(FLOOR(score / {SCORE_BIN}) * {_double(SCORE_BIN)}, {_double(90.0)})"
    ratio = "minutes / expected_minutes"
    ratio_bin = (
        f"LEAST(FLOOR({ratio} / {_double(RATIO_BIN)}) * {_double(RATIO_BIN)}, {_double(RATIO_CAP)})"
    )
    binned = f"""(
  SELECT course_id, developer, fiscal_year, 'score' AS measure, {score_bin} AS bin
  FROM cohort_rows WHERE score IS NOT NULL
  UNION ALL
  SELECT course_id, developer, fiscal_year, 'minutes_ratio' AS measure, {ratio_bin} AS bin
  FROM cohort_rows WHERE status = 'completed' AND minutes IS NOT NULL) AS r"""
    query = _by_scope(
        binned,
        {"learners": "COUNT(*)"},
        ("org", "course", "developer"),
        quarters=False,
        then_by=("measure", "bin"),
    )
    frame = _as_ints(engine.run(query))
    return _sorted(frame, ["scope", "member", "fiscal_year", "measure", "bin"])


def _learner_completions(engine: QueryEngine, start_month: int) -> pd.DataFrame:
    """Per employee of the HR roster, course and fiscal year of completion: completions and the
    first and last day of one (as of the report date), for the workforce tables. Learners not
    on the roster are left out: the table is per person, and only employees are joined."""
    completed_on = "completed_on"
    query = (
        "SELECT learner_id, course_id, "
        f"{fiscal_year(completed_on, start_month)} AS fiscal_year, "
        f"COUNT(*) AS completions, MIN({completed_on}) AS first_completed_on, "
        f"MAX({completed_on}) AS last_completed_on "
        "FROM cohort_rows WHERE completed_on IS NOT NULL "
        "AND learner_id IN (SELECT DISTINCT learner_id FROM roster) "
        "GROUP BY learner_id, course_id, "
        f"{fiscal_year(completed_on, start_month)}"
    )
    frame = engine.run(query)
    for column in ("first_completed_on", "last_completed_on"):
        frame[column] = pd.to_datetime(frame[column])
    frame["learner_id"] = frame["learner_id"].astype("string")
    frame["course_id"] = frame["course_id"].astype("string")
    frame["fiscal_year"] = frame["fiscal_year"].astype("int64")
    frame["completions"] = frame["completions"].astype("int64")
    return frame.sort_values(["learner_id", "course_id", "fiscal_year"], kind="stable").reset_index(
        drop=True
    )
