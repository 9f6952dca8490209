"""A rebuild reads back the SVGs of unchanged charts and draws the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cache import svgs as svgreuse
from generator.charts import specs as charts
from generator.charts import svg as svgdraw

SPEC = charts.funnel_chart(
    {"stage": ["Enrolled", "Completed"], "count": [40, 30]}, title="Enrolment funnel"
)
OTHER = charts.funnel_chart(
    {"stage": ["Enrolled", "Completed"], "count": [40, 10]}, title="Enrolment funnel"
)
PATH = "courses/charts/c1-funnel.svg"


def first_build(site_src: Path, cache: Path) -> bytes:
    drawn = svgreuse.draw_svgs({PATH: SPEC}, {PATH: "key-1"}, site_src, cache)
    (site_src / PATH).parent.mkdir(parents=True, exist_ok=True)
    (site_src / PATH).write_bytes(drawn[PATH])  # as write_generated would
    return drawn[PATH]


@pytest.fixture
def no_drawing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the charts drawn after the first build."""
    calls: list[str] = []
    real = svgdraw.svg

    def counted(spec: charts.Spec) -> str:
        calls.append(spec["title"])
        return real(spec)

    monkeypatch.setattr(svgdraw, "svg", counted)
    return calls


def test_an_unchanged_chart_is_read_back_not_drawn(tmp_path: Path, no_drawing: list[str]) -> None:
    site_src, cache = tmp_path / "site_src", tmp_path / "cache"
    cache.mkdir()
    before = first_build(site_src, cache)
    assert no_drawing == ["Enrolment funnel"]
    again = svgreuse.draw_svgs({PATH: SPEC}, {PATH: "key-1"}, site_src, cache)
    assert again[PATH] == before and no_drawing == ["Enrolment funnel"]  # not drawn again


def test_a_changed_chart_is_drawn(tmp_path: Path, no_drawing: list[str]) -> None:
    site_src, cache = tmp_path / "site_src", tmp_path / "cache"
    cache.mkdir()
    before = first_build(site_src, cache)
    after = svgreuse.draw_svgs({PATH: OTHER}, {PATH: "key-2"}, site_src, cache)
    assert len(no_drawing) == 2 and after[PATH] != before
    assert after[PATH] == svgdraw.svg(OTHER).encode("utf-8")


def test_a_hand_edited_or_deleted_svg_is_drawn_again(tmp_path: Path, no_drawing: list[str]) -> None:
    site_src, cache = tmp_path / "site_src", tmp_path / "cache"
    cache.mkdir()
    before = first_build(site_src, cache)
    (site_src / PATH).write_bytes(before.replace(b"Enrolment", b"Edited"))
    assert svgreuse.draw_svgs({PATH: SPEC}, {PATH: "key-1"}, site_src, cache)[PATH] == before
    (site_src / PATH).unlink()
    assert svgreuse.draw_svgs({PATH: SPEC}, {PATH: "key-1"}, site_src, cache)[PATH] == before
    assert len(no_drawing) == 3


def test_new_code_draws_everything(
    tmp_path: Path, no_drawing: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site_src, cache = tmp_path / "site_src", tmp_path / "cache"
    cache.mkdir()
    first_build(site_src, cache)
    monkeypatch.setattr(svgreuse, "code_digest", lambda: "another version")
    svgreuse.draw_svgs({PATH: SPEC}, {PATH: "key-1"}, site_src, cache)
    assert len(no_drawing) == 2


def test_without_a_cache_every_chart_is_drawn(tmp_path: Path, no_drawing: list[str]) -> None:
    site_src = tmp_path / "site_src"
    drawn = svgreuse.draw_svgs({PATH: SPEC, "x.svg": OTHER}, {PATH: "k"}, site_src, None)
    assert set(drawn) == {PATH, "x.svg"} and len(no_drawing) == 2
