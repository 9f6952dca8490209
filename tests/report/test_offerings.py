"""Course runs (offerings): activity and assessments joined to the learner's own run, the
figures per run, what is published of them, and activity matched to a course's modules."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

from generator.config import Module
from generator.domain.periods import FiscalCalendar
from generator.engine import sql as engine
from generator.ingest.canonical import empty_table
from generator.ingest.modules import match_modules, module_position, words
from generator.report.offerings import published_runs

COURSES = pd.DataFrame(
    {
        "course_id": ["c1"],
        "developer": ["dev"],
        "training_manager": ["tm"],
        "mandatory": [False],
        "pass_mark": [50.0],
        "expected_minutes": [60.0],
    }
)


def _table(name: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    """A canonical table with ``rows`` (every other column empty)."""
    frame = empty_table(name)
    filled = pd.DataFrame(rows)
    for column in frame.columns:
        if column in filled:
            frame[column] = filled[column].astype(frame[column].dtype)
        else:
            frame[column] = pd.Series([None] * len(filled), dtype=frame[column].dtype)
    return frame.reset_index(drop=True)


def _aggregate(
    tables: dict[str, pd.DataFrame], modules: pd.DataFrame | None = None
) -> engine.Aggregates:
    return engine.aggregate(
        engine.Engine(),
        tables,
        COURSES,
        report_date=date(2025, 12, 31),
        start_month=1,
        modules=modules,
    )


def _enrolment(learner: str, offering: str, day: str, **more: object) -> dict[str, object]:
    return {
        "learner_id": learner,
        "course_id": "c1",
        "offering": offering,
        "enrolled_on": pd.Timestamp(day),
        "status": "enrolled",
        **more,
    }


def test_a_repeating_learners_activity_counts_in_each_run_apart() -> None:
    """Learner a takes c1 twice (runs 2024 and 2025): week 3 in their first run must not make
    them reach week 3 in the second, where they only got to week 1."""
    enrollments = _table(
        "enrollments",
        [
            _enrolment("a", "2024", "2024-02-01"),
            _enrolment("a", "2025", "2025-02-01"),
            _enrolment("b", "2025", "2025-02-03"),
        ],
    )
    activity = _table(
        "activity",
        [
            {
                "learner_id": "a",
                "course_id": "c1",
                "offering": "2024",
                "module": f"w{n}",
                "module_order": float(n),
            }
            for n in (1, 2, 3)
        ]
        + [
            {
                "learner_id": "a",
                "course_id": "c1",
                "offering": "2025",
                "module": "w1",
                "module_order": 1.0,
            },
            {
                "learner_id": "b",
                "course_id": "c1",
                "offering": "2025",
                "module": "w2",
                "module_order": 2.0,
            },
        ],
    )
    modules = _aggregate({"enrollments": enrollments, "activity": activity}).modules
    year_2025 = modules[(modules["fiscal_year"] == 2025) & (modules["quarter"] == 0)]
    reached = dict(zip(year_2025["module_order"], year_2025["learners"], strict=True))
    # b skipped w1 but got to w2: reached w1 too; nobody of the 2025 run got to w3.
    assert reached == {1: 2, 2: 1}


def test_learning_gain_pairs_tests_within_the_run() -> None:
    enrollments = _table(
        "enrollments",
        [_enrolment("a", "2024", "2024-02-01"), _enrolment("a", "2025", "2025-02-01")],
    )
    assessments = _table(
        "assessments",
        [
            {
                "learner_id": "a",
                "course_id": "c1",
                "offering": "2024",
                "kind": "pre",
                "score": 40.0,
            },
            {
                "learner_id": "a",
                "course_id": "c1",
                "offering": "2024",
                "kind": "post",
                "score": 50.0,
            },
            {
                "learner_id": "a",
                "course_id": "c1",
                "offering": "2025",
                "kind": "pre",
                "score": 60.0,
            },
            {
                "learner_id": "a",
                "course_id": "c1",
                "offering": "2025",
                "kind": "post",
                "score": 90.0,
            },
        ],
    )
    gains = _aggregate({"enrollments": enrollments, "assessments": assessments}).gains
    years = gains[(gains["scope"] == "course") & (gains["quarter"] == 0)].set_index("fiscal_year")
    assert years.loc[2024, "gain_sum"] == 10 and years.loc[2025, "gain_sum"] == 30


def test_figures_per_run_with_the_sources_outcome_and_dates() -> None:
    rows = [
        _enrolment(
            f"p{i}",
            "2025A",
            "2025-01-10",
            status="completed",
            outcome="pass",
            completed_on=pd.Timestamp("2025-06-01"),
            score=60.0,
        )
        for i in range(6)
    ] + [
        _enrolment(
            "d1",
            "2025A",
            "2025-01-12",
            status="completed",
            outcome="distinction",
            completed_on=pd.Timestamp("2025-06-01"),
            score=90.0,
        ),
        _enrolment("f1", "2025A", "2025-01-12", status="failed", outcome="fail", score=20.0),
        _enrolment(
            "w1", "2025A", "2025-01-15", status="withdrawn", withdrawn_on=pd.Timestamp("2025-03-01")
        ),
        _enrolment("x1", "2025B", "2025-07-01"),
    ]
    offerings = _table(
        "offerings",
        [
            {
                "course_id": "c1",
                "offering": "2025A",
                "starts_on": pd.Timestamp("2025-02-01"),
                "ends_on": pd.Timestamp("2025-06-30"),
            }
        ],
    )
    runs = _aggregate(
        {"enrollments": _table("enrollments", rows), "offerings": offerings}
    ).offerings
    first = runs.set_index("offering").loc["2025A"]
    assert (first["enrollments"], first["completed"], first["failed"], first["withdrawn"]) == (
        9,
        7,
        1,
        1,
    )
    assert (first["outcome_pass"], first["outcome_distinction"], first["outcome_fail"]) == (6, 1, 1)
    assert first["starts_on"] == pd.Timestamp("2025-02-01")
    assert first["first_enrolled"] == pd.Timestamp("2025-01-10")
    second = runs.set_index("offering").loc["2025B"]
    assert pd.isna(second["starts_on"]) and second["open"] == 1


def _runs_frame(counts: dict[str, tuple[int, int, int, int]]) -> pd.DataFrame:
    """offering -> (completed, withdrawn, failed, open): a Metrics.offerings frame."""
    rows = []
    for i, (offering, (completed, withdrawn, failed, still)) in enumerate(counts.items()):
        n = completed + withdrawn + failed + still
        rows.append(
            {
                "course_id": "c1",
                "offering": offering,
                "starts_on": pd.NaT,
                "ends_on": pd.NaT,
                "first_enrolled": pd.Timestamp(2020 + i, 1, 1),
                "enrollments": n,
                "completed": completed,
                "withdrawn": withdrawn,
                "failed": failed,
                "open": still,
                "outcome_pass": 0,
                "outcome_merit": 0,
                "outcome_distinction": 0,
                "outcome_fail": 0,
                "scored": n,
                "score_sum": 70.0 * n,
            }
        )
    return pd.DataFrame(rows)


def _published(offerings: pd.DataFrame) -> list[Any]:
    """The runs of course c1 as published, with no period of the metric tables hidden."""
    no_periods = pd.DataFrame(columns=["scope", "member", "period"])
    metrics = SimpleNamespace(
        offerings=offerings.assign(last_enrolled=offerings["first_enrolled"]), table=no_periods
    )
    return published_runs(metrics, FiscalCalendar(1), 5)["c1"]  # type: ignore[arg-type]


def test_a_small_run_and_its_complement_are_hidden_with_the_reason() -> None:
    runs = _published(_runs_frame({"A": (10, 2, 0, 0), "B": (3, 0, 0, 0), "C": (20, 5, 5, 0)}))
    by_name = {run.offering: run for run in runs}
    assert by_name["B"].hidden == "fewer than 5 learners" and by_name["B"].enrollments is None
    # A (12) is the next-smallest run: hidden so that B cannot be worked out from the total
    assert (
        by_name["A"].hidden == "hidden so a smaller group cannot be worked out"
        and by_name["A"].counts["completed"] is None
    )
    assert by_name["C"].enrollments == 30 and by_name["C"].rates["completion_rate"] == 20 / 30


def test_a_small_count_inside_a_run_hides_its_complement() -> None:
    run = _published(_runs_frame({"A": (30, 2, 0, 8)}))[0]
    assert run.counts["withdrawn"] is None and run.why["withdrawn"] == "fewer than 5 learners"
    # 8 still open = 40 - 30 - 2 - 0 would give the 2 away
    assert (
        run.counts["open"] is None
        and run.why["open"] == "hidden so a smaller group cannot be worked out"
    )
    assert run.counts["completed"] == 30 and run.rates["completion_rate"] == 0.75


MODULES = [
    Module(title="Week 1"),
    Module(title="Week 2"),
    Module(title="Week 10"),
    Module(title="Exam", match=r"lab exam|final test"),
]


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("File: Week 1 notes", 1),
        ("File: Lab Exercises_Week1", 1),
        ("Interactive Content: Week 01 - pre-class", 1),
        ("File: Week 1 &amp; Week 2", 1),  # the first listed of two equally long titles
        ("Check your understanding: Week 10", 3),
        ("Week 2", 2),
        ("File: week 10ArrayofObjects", 3),
        ("File: Week10", 3),
        ("Quiz: Week 12", None),
        ("Label: LAB EXAM - Part A", 4),
        ("Course: Safety basics", None),
    ],
)
def test_module_found_by_its_words_or_pattern(text: str, position: int | None) -> None:
    assert module_position(text, MODULES) == position


def test_a_title_that_is_the_text_beats_a_shorter_title_inside_it() -> None:
    modules = [Module(title="In practice"), Module(title="Check your understanding: In practice")]
    assert module_position("Check your understanding: in practice", modules) == 2
    assert module_position("Quiz: check your understanding - in practice (2)", modules) == 2
    assert module_position("In practice", modules) == 1


def test_words_ignore_case_punctuation_and_leading_zeros() -> None:
    assert words("Upload_Week07_Lab") == words("upload week 7 lab") == " upload week 7 lab "


def test_activity_gets_the_listed_modules_and_order() -> None:
    raw = pd.DataFrame(
        {
            "course_id": ["c1", "c1", "c1", "c2"],
            "module": ["File: Week2 slides", "Course: c1", "Quiz: week 1", "Anything"],
        }
    )
    matched, unmatched = match_modules(raw, {"c1": MODULES})
    assert matched["module"].tolist() == ["Week 2", "Course: c1", "Week 1", "Anything"]
    assert matched["module_order"].tolist()[0] == 2.0 and matched["module_order"].tolist()[2] == 1.0
    assert pd.isna(matched["module_order"].tolist()[1])  # no step of the drop-off
    assert unmatched == 1  # c2 lists no modules: its rows are left as they are
