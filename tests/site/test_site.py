"""site_src writing (atomic, marked, hand-written pages safe), mkdocs.yml, a real
``mkdocs build --strict`` of a small fixture and a scan of it for outside requests."""

from __future__ import annotations

import html as htmllib
import json
import re
from pathlib import Path

import pytest
from offline_scan import external_loads, html_loads, js_loads
from site_fixture import make_project

from generator import site
from generator.domain.errors import BuildError
from generator.site import files as site_files
from generator.site import packaged

# --- write_generated --------------------------------------------------------------------------


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_generated_markdown_is_marked_and_listed_in_the_manifest(tmp_path: Path) -> None:
    result = site.write_generated(tmp_path, {"index.md": "# Hi\n", "charts/a.svg": b"<svg/>"})
    assert result.written == ("charts/a.svg", "index.md") and not result.removed
    assert (tmp_path / "index.md").read_text().splitlines() == [site.MARKER, "# Hi"]
    assert (tmp_path / "charts/a.svg").read_bytes() == b"<svg/>"
    manifest = json.loads((tmp_path / site.MANIFEST).read_text())
    assert sorted(manifest["files"]) == ["charts/a.svg", "index.md"]
    assert manifest["files"]["charts/a.svg"] == site.digest(b"<svg/>")


def test_marker_goes_after_front_matter(tmp_path: Path) -> None:
    site.write_generated(tmp_path, {"p.md": "---\ntitle: P\n---\n# P\n"})
    assert (tmp_path / "p.md").read_text() == f"---\ntitle: P\n---\n{site.MARKER}\n# P\n"


def test_identical_rerun_writes_nothing(tmp_path: Path) -> None:
    files = {"index.md": "# A\n", "courses/c.md": "# C\n"}
    site.write_generated(tmp_path, files)
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    result = site.write_generated(tmp_path, files)
    assert result.written == () and result.unchanged == ("courses/c.md", "index.md")
    assert result.summary() == "0 written, 2 unchanged, 0 removed"
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()} == before


def test_only_changed_files_are_rewritten_and_stale_ones_removed(tmp_path: Path) -> None:
    site.write_generated(tmp_path, {"index.md": "# A\n", "old/gone.md": "# G\n", "b.md": "# B\n"})
    result = site.write_generated(tmp_path, {"index.md": "# A2\n", "b.md": "# B\n"})
    assert result.written == ("index.md",)
    assert result.unchanged == ("b.md",)
    assert result.removed == ("old/gone.md",)
    assert not (tmp_path / "old").exists()  # emptied directory pruned
    assert sorted(site.read_manifest(tmp_path)) == ["b.md", "index.md"]


def test_hand_written_files_are_never_touched(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes/mine.md").write_text("# Mine\n")
    (tmp_path / "about.md").write_text("# About\n")
    site.write_generated(tmp_path, {"index.md": "# A\n", "notes/gen.md": "# G\n"})
    site.write_generated(tmp_path, {"index.md": "# B\n"})  # notes/gen.md becomes stale
    assert (tmp_path / "notes/mine.md").read_text() == "# Mine\n"
    assert (tmp_path / "about.md").read_text() == "# About\n"
    assert not (tmp_path / "notes/gen.md").exists()


def test_a_generated_path_colliding_with_a_hand_written_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "about.md").write_text("# Mine\n")
    with pytest.raises(BuildError, match=r"hand-written files .*: about\.md; rename or move"):
        site.write_generated(tmp_path, {"about.md": "# Generated\n", "index.md": "# I\n"})
    assert (tmp_path / "about.md").read_text() == "# Mine\n"
    assert not (tmp_path / "index.md").exists()


def test_a_marked_page_without_manifest_is_still_ours(tmp_path: Path) -> None:
    site.write_generated(tmp_path, {"index.md": "# A\n"})
    (tmp_path / site.MANIFEST).unlink()
    assert site.write_generated(tmp_path, {"index.md": "# B\n"}).written == ("index.md",)


def test_a_failure_while_writing_leaves_site_src_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.write_generated(tmp_path, {"a.md": "# A1\n", "b.md": "# B1\n", "c.md": "# C1\n"})
    (tmp_path / "mine.md").write_text("# Mine\n")
    before = tree(tmp_path)
    real = site_files._write_temp
    calls = []

    def failing(target: Path, data: bytes) -> Path:
        calls.append(target)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(target, data)

    monkeypatch.setattr(site_files, "_write_temp", failing)
    new = {"a.md": "# A2\n", "b.md": "# B2\n", "new/d.md": "# D\n", "z.md": "# Z\n"}
    with pytest.raises(OSError, match="No space left"):
        site.write_generated(tmp_path, new)
    assert tree(tmp_path) == before  # no temp files, no new directories, old bytes
    monkeypatch.setattr(site_files, "_write_temp", real)
    assert site.write_generated(tmp_path, new).removed == ("c.md",)


def test_paths_must_stay_inside_site_src(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match=r"'\.\./x\.md': must be a relative path"):
        site.write_generated(tmp_path, {"../x.md": "x", "/abs.md": "y", ".hidden.md": "z"})


def test_copy_assets_is_scoped_and_leaves_pages_alone(tmp_path: Path) -> None:
    site.write_site_src(tmp_path, {"index.md": "# A\n"})
    result = site.copy_assets(tmp_path)
    assert result.written == () and len(result.unchanged) == len(site.ASSET_NAMES)
    assert (tmp_path / "index.md").exists()
    assert sorted(site.read_manifest(tmp_path)) == [
        "assets/accountability/accountability-charts.js",
        "assets/accountability/accountability.css",
        "assets/accountability/iframe-worker-shim.js",
        "assets/accountability/vega-bundle.js",
        "index.md",
    ]


@pytest.mark.slow
def test_packaged_vega_bundle_is_what_vl_convert_builds() -> None:
    packaged = site.asset_files()["assets/accountability/vega-bundle.js"].decode()
    assert packaged == site.vega_bundle_source(), (
        "regenerate: python -c 'from generator.site import refresh_vega_bundle; "
        "refresh_vega_bundle()'"
    )
    assert "window.vegaEmbed" in packaged and not js_loads(packaged)


# --- mkdocs.yml -------------------------------------------------------------------------------


def test_mkdocs_yml_generated_block_is_replaced_and_the_rest_kept() -> None:
    template = packaged._asset("mkdocs.yml").decode()
    nav = [{"Overview": "index.md"}, {"Courses": "courses/index.md"}]
    once = site.update_mkdocs_yml(template, "Acme: L&D ✓", nav, "https://intranet/acme/")
    assert site.update_mkdocs_yml(once, "Acme: L&D ✓", nav, "https://intranet/acme/") == once
    assert once.replace(
        site.generated_config("Acme: L&D ✓", nav, "https://intranet/acme/"), ""
    ) == (
        template.replace(
            site.generated_config("Training accountability", [{"Overview": "index.md"}]), ""
        )
    )
    # HTML-escaped: Material prints site_name into pages without escaping it
    assert (
        "site_name: 'Acme: L&amp;D ✓'\nsite_url: https://intranet/acme/\nnav:\n- Overview: index.md\n"
        in once
    )


def test_mkdocs_yml_without_block_says_how_to_fix() -> None:
    with pytest.raises(BuildError, match="add the lines"):
        site.update_mkdocs_yml("site_name: x\n", "y", [])


def test_build_messages_keep_warnings_and_their_details() -> None:
    out = (
        "INFO    -  Building\nWARNING -  Doc file 'a.md' contains a link 'b.md'\n"
        "  detail\nINFO - x\n"
    )
    assert site.build_messages(out) == ["WARNING: Doc file 'a.md' contains a link 'b.md'\n  detail"]


# --- a real mkdocs build ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("project"))
    site.build_site(project, strict=True)
    return project


def test_strict_build_renders_chart_blocks(built: Path) -> None:
    html = (built / "site/courses/c-101.html").read_text()
    figures = re.findall(r'<figure class="ta-chart" data-spec-id="([^"]+)">', html)
    assert figures == ["c-101-scores", "c-101-minutes", "c-101-dropoff"]
    specs = re.findall(r'<div class="ta-chart-view" data-spec="([^"]*)"></div>', html)
    assert [json.loads(htmllib.unescape(s))["data"]["values"] != [] for s in specs] == [True] * 3
    assert '<img alt="Intro &lt;script&gt;alert(1)&lt;/script&gt;' in html
    assert 'src="charts/c-101-scores.svg"' in html and "<script>alert" not in html
    assert (built / "site/courses/charts/c-101-scores.svg").exists()
    assert (built / "site_src/about.md").read_text().startswith("# About")
    assert '<script src="../assets/accountability/vega-bundle.js"></script>' in html
    assert "fonts.googleapis" not in html


def test_nav_lists_sections_not_every_page(built: Path) -> None:
    html = (built / "site/index.html").read_text()
    assert 'href="courses/index.html"' in html
    assert "courses/c-101.html" not in html.split('class="md-content"')[0]  # not in the nav


def test_built_site_loads_nothing_from_outside(built: Path) -> None:
    assert external_loads(built / "site") == []
    pages = [p.read_text() for p in (built / "site").rglob("*.html")]
    # The conditions under which Material's own loaders would go outside are not met.
    assert not any('class="mermaid"' in p or 'data-md-component="source"' in p for p in pages)


def test_offline_scan_catches_what_it_should() -> None:
    assert html_loads('<link rel="stylesheet" href="https://cdn.example/x.css">') == [
        "https://cdn.example/x.css"
    ]
    assert (
        html_loads('<a href="https://example.org">fine</a><link rel="canonical" href="https://x">')
        == []
    )
    assert js_loads('fetch("https://api.example/x")') == ["https://api.example/x"]
    assert js_loads('/* see https://github.com/vega/vega */ x="http://www.w3.org/2000/svg"') == []


def test_failed_build_raises_with_the_warning_and_keeps_the_old_site(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    site.build_site(project)
    before = (project / "site/index.html").read_bytes()
    (project / "site_src/about.md").write_text("# About\n\n[broken](missing.md)\n")
    with pytest.raises(BuildError, match=r"strict mode:\n  WARNING: .*about\.md.*missing\.md"):
        site.build_site(project)
    assert (project / "site/index.html").read_bytes() == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".")] == []
