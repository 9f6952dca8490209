"""The shared core of every adapter: reading a large CSV in blocks, normalise's checks and
merges, and the categorical text columns it hands on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from ingest_helpers import load

from generator.ingest import _concat
from generator.ingest.canonical import BUCKETS, Checks, SourceReport, _members, normalise
from generator.ingest.textfile import MAX_BLOCK, MIN_BLOCK, block_size, read_delimited


def raw_enrolments(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """learner, course, enrolled_on, status, numbered from line 2."""
    frame = pd.DataFrame(rows, columns=["learner_id", "course_id", "enrolled_on", "status"])
    frame["_line"] = np.arange(2, len(frame) + 2)
    return frame


def test_members_agrees_with_isin_also_when_keys_share_a_bucket() -> None:
    rng = np.random.default_rng(7)
    values = rng.integers(0, 2**40, 200_000)
    keys = np.unique(np.concatenate([values[:50], values[:50] + BUCKETS, [3 * BUCKETS]]))
    values[-5:] = keys[-5:] + 7 * BUCKETS  # same bucket as a key, not a key
    assert np.array_equal(_members(values, keys), np.isin(values, keys))
    assert not _members(values, np.array([], dtype=np.int64)).any()


def test_text_columns_are_categoricals_of_cleaned_text() -> None:
    raw = raw_enrolments(
        [
            (" L1 ", "C1", "2025-01-01", "completed"),
            ("L1", "C1", "2025-02-01", "Completed"),
            ("L2", "C1", "2025-01-01", "in progress"),
            ("NA", "C1", "2025-01-01", "completed"),
        ]
    )
    report = SourceReport("x.csv", "csv")
    out = normalise("enrollments", raw, Checks({"C1"}, {}), report)
    assert isinstance(out["learner_id"].dtype, pd.CategoricalDtype)
    assert out["learner_id"].tolist() == ["L1", "L1", "L2"]
    assert list(out["learner_id"].cat.categories) == ["L1", "L2"]  # ' L1 ' and 'L1' are one
    assert out["status"].tolist() == ["completed", "completed", "in_progress"]
    assert out["offering"].isna().all()  # a column the source lacks: missing in every row
    assert report.reasons["missing learner id"].lines == [5]


def test_unknown_courses_get_a_reason_each_up_to_twenty_then_one_shared() -> None:
    rows = [(f"L{i}", f"X{i:02d}", "2025-01-01", "completed") for i in range(23)]
    rows += [("L99", "C1", "2025-01-01", "completed"), ("L98", "X05", "2025-01-02", "failed")]
    report = SourceReport("x.csv", "csv")
    out = normalise("enrollments", raw_enrolments(rows), Checks({"C1"}, {}), report)
    assert out["learner_id"].tolist() == ["L99"]
    own = {k: v for k, v in report.reasons.items() if k.startswith("unknown course '")}
    assert len(own) == 20
    assert own["unknown course 'X05' (not in config/courses.yaml)"].lines == [7, 26]
    assert own["unknown course 'X05' (not in config/courses.yaml)"].count == 2
    assert report.reasons["unknown course (not in config/courses.yaml)"].count == 3
    assert report.rows_rejected == 24


def test_duplicates_keep_the_most_advanced_status_then_the_latest_line() -> None:
    rows = [
        ("L1", "C1", "2025-01-01", "in progress"),
        ("L2", "C1", "2025-01-01", "completed"),
        ("L1", "C1", "2025-01-01", "completed"),
        ("L1", "C1", "2025-01-01", "failed"),
        ("L2", "C1", "2025-03-01", "enrolled"),  # a later attempt, not a duplicate
    ]
    report = SourceReport("x.csv", "csv")
    out = normalise("enrollments", raw_enrolments(rows), Checks({"C1"}, {}), report)
    assert report.rows_merged == 2
    assert list(zip(out["learner_id"], out["status"], strict=True)) == [
        ("L2", "completed"),
        ("L1", "completed"),
        ("L2", "enrolled"),
    ]


def test_concat_of_two_sources_keeps_text_categorical_with_every_value() -> None:
    checks = Checks({"C1", "C2"}, {})
    first = normalise(
        "enrollments",
        raw_enrolments([("L1", "C1", "2025-01-01", "completed")]),
        checks,
        SourceReport("a.csv", "csv"),
    )
    second = normalise(
        "enrollments",
        raw_enrolments(
            [("L2", "C2", "2025-01-01", "failed"), ("L1", "C1", "2025-01-02", "enrolled")]
        ),
        checks,
        SourceReport("b.csv", "csv"),
    )
    both = _concat("enrollments", [first, second])
    assert isinstance(both["course_id"].dtype, pd.CategoricalDtype)
    assert both["learner_id"].tolist() == ["L1", "L2", "L1"]
    assert both["course_id"].tolist() == ["C1", "C2", "C1"]
    assert both["status"].tolist() == ["completed", "failed", "enrolled"]


@pytest.mark.parametrize(
    ("size", "expected"),
    [(0, MIN_BLOCK), (10_000, MIN_BLOCK), (10**12, MAX_BLOCK)],
)
def test_block_size_stays_between_its_bounds(tmp_path: Path, size: int, expected: int) -> None:
    path = tmp_path / "export.csv"
    with path.open("wb") as handle:
        handle.truncate(size)
    assert block_size(path) == expected


def test_a_file_of_many_blocks_reads_as_pandas_reads_it(tmp_path: Path) -> None:
    """Each pyarrow block has its own dictionaries: merged, every cell keeps its value."""
    rng = np.random.default_rng(3)
    rows = 120_000  # about 4 MB: several 1 MB blocks
    frame = pd.DataFrame(
        {
            "learner": [f"L{i:06d}" for i in rng.integers(0, 40_000, rows)],
            "course": [f"C{i}" for i in rng.integers(0, 300, rows)],
            "when": [f"2025-01-{d:02d}" for d in rng.integers(1, 29, rows)],
            "score": rng.integers(0, 101, rows).astype(str),
        }
    )
    path = tmp_path / "big.csv"
    frame.to_csv(path, index=False)
    read = read_delimited(path, path.name, arrow=True)
    assert isinstance(read["learner"].dtype, pd.CategoricalDtype)  # the Arrow path was taken
    assert read["learner"].cat.codes.dtype == np.int32  # 40,000 values: int16 is too small
    assert read["course"].cat.codes.dtype == np.int16
    for column in frame.columns:
        assert read[column].astype(str).tolist() == frame[column].tolist(), column
    assert read["_line"].tolist() == list(range(2, rows + 2))


def test_many_learners_through_read_source_balance(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    lines = ["learner_id,course_id,enrolled_on,status"]
    lines += [f"L{i},C1,2025-01-01,completed" for i in range(5_000)]
    lines += ["L7,C1,2025-01-01,failed", "L8,C1,2025-13-01,completed"]
    path.write_text("\n".join(lines) + "\n")
    tables, report = load("csv", path)
    assert (report.rows_loaded, report.rows_merged, report.rows_rejected) == (5_000, 1, 1)
    assert tables["enrollments"]["learner_id"].nunique() == 5_000
