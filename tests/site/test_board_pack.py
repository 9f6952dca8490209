"""``accountability board-pack``: the built tiny site printed by real headless Chromium into
one PDF, read back with pypdf."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_helpers import require_chromium
from click.testing import CliRunner

from generator.cli import cli
from generator.config import load_project


def pdf_text(path: Path) -> tuple[int, list[str]]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    return len(reader.pages), [page.extract_text() for page in reader.pages]


@pytest.mark.browser
@pytest.mark.slow
def test_board_pack_of_the_current_build(tiny_project: Path, tmp_path: Path) -> None:
    require_chromium()
    from generator.commands.build import build

    build(tiny_project)
    out = tmp_path / "pack" / "board.pdf"
    result = CliRunner().invoke(
        cli, ["board-pack", "--project", str(tiny_project), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    project = load_project(tiny_project)
    roles = project.roles
    assert result.output.startswith(f"Wrote {out}: Tiny Co as of ")
    assert f"overview, goals and {len(roles)} role page(s)" in result.output

    pages, texts = pdf_text(out)
    sections = 2 + len(roles)  # overview, goals, a page per role
    assert pages >= 1 + sections  # and the cover
    cover = texts[0]
    assert "Tiny Co" in cover and "Current build" in cover
    assert re.search(r"Report date: \d{4}-\d{2}-\d{2}", cover)
    for role in roles:
        assert role.title in cover  # the contents
        # its page: the heading starts a page of its own
        assert any(t.lstrip().startswith(role.title) for t in texts[1:]), role.title
    assert all(re.search(rf"Page {i} of {pages}", t) for i, t in enumerate(texts, 1))
    everything = "\n".join(texts)
    assert "Who is accountable for what was missed" in everything  # the overview
    assert "Goals and accountability" in everything
    # the charts are drawn: the static SVG's axis and title are in the PDF
    assert "Completion rate by enrolment quarter" in everything


@pytest.mark.browser
def test_board_pack_without_a_built_site(tiny_project: Path, tmp_path: Path) -> None:
    require_chromium()
    out = tmp_path / "board.pdf"
    result = CliRunner().invoke(
        cli, ["board-pack", "--project", str(tiny_project), "--out", str(out)]
    )
    assert result.exit_code == 1
    assert result.output == (
        f"error: {tiny_project / 'site'}: no built report site (index.html, goals.html "
        "missing); build it first: accountability build\n"
    )
    assert not out.exists()


def test_board_pack_without_chromium_names_the_package(
    tiny_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "no-chromium"
    monkeypatch.setenv("ACCOUNTABILITY_CHROMIUM", str(missing))
    result = CliRunner().invoke(
        cli, ["board-pack", "--project", str(tiny_project), "--out", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code == 1
    assert result.output == (
        f"error: {missing}: chromium is not installed; the board pack is printed with headless "
        "Chromium: apt-get install chromium (or set ACCOUNTABILITY_CHROMIUM to its binary)\n"
    )
