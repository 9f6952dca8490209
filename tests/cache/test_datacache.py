"""A rebuild with unchanged LMS data reads its aggregates from the cache (no ingest, no
aggregation); any change to the data, the courses, the engine or the report date is a miss."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pandas as pd
import pytest
from paths import TINY

from generator import report
from generator.cache import data as datacache
from generator.config import load_project
from generator.domain.periods import Quarter, ReportDate, parse_report_date
from generator.report import Report, build_report


@pytest.fixture
def project(tiny_project: Path) -> Path:
    return tiny_project


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


class Calls:
    """Counts the calls of one function of generator.report."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str):
        self.count = 0
        real = getattr(report, name)

        def counted(*args: object, **kwargs: object) -> object:
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(report, name, counted)


def cached(project: Path, cache: Path, as_of: ReportDate | None = None) -> Report:
    """The report as ``accountability build`` makes it, with its cache."""
    return datacache.cached_report(load_project(project), as_of, None, cache)


def _same(a: Report, b: Report) -> None:
    for name in ("table", "breakdown", "modules", "distributions"):
        pd.testing.assert_frame_equal(getattr(a.metrics, name), getattr(b.metrics, name))
    assert a.goals == b.goals
    assert a.findings == b.findings
    assert a.ingested == b.ingested
    assert a.report_date == b.report_date


def test_a_second_build_reads_no_data_and_gives_the_same_report(
    project: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = Calls(monkeypatch, "read_data")
    first = cached(project, cache)
    second = cached(project, cache)
    assert reads.count == 1
    _same(first, second)
    assert second.ingested.report.rows_read == first.ingested.report.rows_read > 0
    _same(build_report(project), second)  # and the same as a build without the cache
    assert reads.count == 2


def test_a_goal_change_is_a_hit_with_new_goal_results(
    project: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads, computes = Calls(monkeypatch, "read_data"), Calls(monkeypatch, "compute_metrics")
    before = cached(project, cache)
    goals = project / "config" / "goals.yaml"
    goals.write_text(goals.read_text().replace('target: ">= 0.6"', 'target: ">= 0.99"'))
    after = cached(project, cache)
    assert reads.count == 1
    assert computes.count == 1  # metrics and findings do not depend on the goals
    statuses = {(r.goal_id, r.period): r.status for r in after.goals}
    assert statuses != {(r.goal_id, r.period): r.status for r in before.goals}
    _same(after, build_report(project))


@pytest.mark.parametrize("change", ["data", "courses", "as_of", "engine_rules"])
def test_what_the_aggregates_depend_on_is_a_miss(
    project: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    reads = Calls(monkeypatch, "read_data")
    as_of: ReportDate | None = None
    cached(project, cache)
    if change == "data":
        lms = project / "data" / "lms.csv"
        lms.write_text(lms.read_text() + "L4,C1,Ops,2025-03-01,2025-03-05,,Done,90,20\n")
    elif change == "courses":
        courses = project / "config" / "courses.yaml"
        courses.write_text(courses.read_text().replace("pass_mark: 70", "pass_mark: 75", 1))
    elif change == "as_of":
        as_of = Quarter(2025, 1)
    else:  # another version of the code: its digest differs
        monkeypatch.setattr(datacache, "code_digest", lambda: "another version")
    changed = cached(project, cache, as_of)
    assert reads.count == 2
    _same(changed, build_report(project, as_of=as_of))
    if change == "data":
        assert changed.ingested.report.rows_read == build_report(TINY).ingested.report.rows_read + 1


def test_the_report_keeps_no_learner_rows(project: Path, cache: Path) -> None:
    built = cached(project, cache)
    assert not hasattr(built.ingested, "tables")
    entry = next((cache / datacache.SUBDIR).glob("*.pickle")).read_bytes()
    assert b"L1" not in entry and b"L3" not in entry  # learner ids of the fixture


def test_a_damaged_entry_is_read_again_from_the_data(
    project: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = Calls(monkeypatch, "read_data")
    cached(project, cache)
    (entry,) = (cache / datacache.SUBDIR).glob("*.pickle")
    entry.write_bytes(pickle.dumps({"not": "an entry"})[:5])
    cached(project, cache)
    assert reads.count == 2
    cached(project, cache)
    assert reads.count == 2  # stored again


def test_only_the_newest_entries_are_kept(project: Path, cache: Path) -> None:
    for i, as_of in enumerate(["2025-Q1", "2025-Q2", "2025-03-31", "2025-02-28", "2025-01-31"]):
        cached(project, cache, parse_report_date(as_of))
        newest = max((cache / datacache.SUBDIR).glob("*.pickle"), key=os.path.getmtime)
        assert datacache.load(cache, newest.stem) is not None, i
    assert len(list((cache / datacache.SUBDIR).glob("*.pickle"))) == datacache.KEEP


def test_a_cache_that_cannot_be_written_does_not_fail_the_build(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = Calls(monkeypatch, "read_data")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    built = cached(project, blocked)
    _same(built, build_report(project))
    assert reads.count == 2  # nothing was stored, nothing is read back


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        ("budgets.yaml", "amount: ", "amount: 1"),  # spend and budget figures
        ("roles.yaml", "name: Tom Tran", "name: Tom Tan"),  # people and their roles
        ("project.yaml", "organisation:", "thresholds: {dropoff_share: 0.9}\norganisation:"),
    ],
)
def test_what_metrics_and_findings_depend_on_computes_them_again(
    project: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, path: str, old: str, new: str
) -> None:
    reads, computes = Calls(monkeypatch, "read_data"), Calls(monkeypatch, "compute_metrics")
    cached(project, cache)
    config = project / "config" / path
    assert old in config.read_text()
    config.write_text(config.read_text().replace(old, new, 1))
    changed = cached(project, cache)
    assert (reads.count, computes.count) == (1, 2)  # the aggregates still come from the cache
    _same(changed, build_report(project))
