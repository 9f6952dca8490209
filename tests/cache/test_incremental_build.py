"""Rebuilds: after one goal's target changes, only the pages whose content changed are written
and re-rendered, and the site equals a clean build."""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path

import pytest
from paths import TINY

import generator.commands.build
from generator.commands.build import build, dirty_shards
from generator.site.incremental import merge_search_index, share


def tree(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def mtimes(site: Path) -> dict[str, int]:
    return {str(p.relative_to(site)): p.stat().st_mtime_ns for p in site.rglob("*.html")}


def change_a_goal(project: Path) -> None:
    goals = project / "config" / "goals.yaml"
    goals.write_text(goals.read_text().replace('target: ">= 0.6"', 'target: ">= 0.4"'))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("incremental") / "tiny"
    shutil.copytree(TINY, project)
    assert not build(project).incremental  # nothing to start from
    # The cache ignores itself, so a project's git status stays clean.
    assert (project / ".accountability-cache" / ".gitignore").read_text().endswith("*\n")
    return project


def copy_of(built: Path, destination: Path) -> Path:
    shutil.copytree(built, destination)  # copy2 keeps mtimes, so the copy may rebuild
    return destination


@pytest.mark.slow
@pytest.mark.parametrize("shards", [1, 3])
def test_rebuild_after_a_goal_change_renders_only_changed_pages_and_equals_a_clean_build(
    built: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    shards: int,
) -> None:
    # A process per changed page, up to ACCOUNTABILITY_WORKERS: 1, or 3 sharing them out.
    monkeypatch.setattr(generator.commands.build, "PAGES_PER_SHARD", 1)
    monkeypatch.setenv("ACCOUNTABILITY_WORKERS", str(shards))
    incremental, clean = copy_of(built, tmp_path / "inc"), copy_of(built, tmp_path / "clean")
    before = mtimes(incremental / "site")
    change_a_goal(incremental)
    change_a_goal(clean)

    with caplog.at_level(logging.INFO, logger="generator.site"):
        rebuilt = build(incremental)
    full = build(clean, incremental=False)
    assert f"in {shards} process(es)" in caplog.text

    assert rebuilt.incremental and not full.incremental
    assert rebuilt.written.written == full.written.written
    changed_pages = {p for p in rebuilt.written.written if p.endswith(".md")}
    assert changed_pages and len(changed_pages) < len(rebuilt.pages.markdown)
    after = mtimes(incremental / "site")
    rerendered = {p for p in after if after[p] != before.get(p)}
    assert rerendered == {p.removesuffix(".md") + ".html" for p in changed_pages} | {"404.html"}
    # The same files with the same bytes as the clean build: pages, search index, sitemap.
    assert tree(incremental / "site") == tree(clean / "site")
    assert tree(incremental / "site_src") == tree(clean / "site_src")


@pytest.mark.slow
def test_a_changed_mkdocs_yml_gets_a_clean_build(built: Path, tmp_path: Path) -> None:
    project = copy_of(built, tmp_path / "renamed")
    config = project / "config" / "project.yaml"
    config.write_text(config.read_text().replace("organisation: Tiny Co", "organisation: Tin Co"))
    result = build(project)
    assert not result.incremental
    assert "Tin Co" in (project / "site" / "index.html").read_text("utf-8")


@pytest.mark.slow
def test_a_site_built_by_someone_else_gets_a_clean_build(built: Path, tmp_path: Path) -> None:
    project = copy_of(built, tmp_path / "touched")
    index = project / "site" / "search" / "search_index.json"
    index.write_text(index.read_text("utf-8"), "utf-8")  # as another mkdocs build would
    assert not build(project).incremental


def test_search_index_merge_keeps_clean_build_order() -> None:
    def entry(location: str) -> dict[str, str]:
        return {"location": location, "title": location, "text": ""}

    previous = {
        "config": {"lang": ["en"]},
        "docs": [entry("index.html"), entry("a.html"), entry("a.html#x"), entry("b.html")],
    }
    built = {"config": {"lang": ["en"]}, "docs": [entry("a.html"), entry("a.html#y")]}
    merged = merge_search_index(previous, built, ["index.html", "a.html", "b.html"], {"a.html"})
    assert [e["location"] for e in merged["docs"]] == ["index.html", "a.html", "a.html#y", "b.html"]


def test_pages_are_shared_out_by_size_and_each_goes_to_one_shard() -> None:
    sizes = {"goals.md": 100, "index.md": 40, "a.md": 30, "b.md": 20, "c.md": 10}
    shares = [share(sizes, k, 2) for k in range(2)]
    assert shares[0] | shares[1] == set(sizes) and not shares[0] & shares[1]
    assert shares[0] == {"goals.md"}  # 100 bytes against 40 + 30 + 20 + 10
    assert share(sizes, 0, 1) == set(sizes)


def test_a_second_process_only_from_enough_changed_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCOUNTABILITY_WORKERS", "2")
    per_shard = generator.commands.build.PAGES_PER_SHARD
    assert dirty_shards(0) == 1
    assert dirty_shards(2 * per_shard - 1) == 1
    assert dirty_shards(2 * per_shard) == 2
    assert dirty_shards(100 * per_shard) == 2  # never more than the cores allowed
