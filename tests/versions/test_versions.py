"""The versions model: menu order, where `latest` goes, immutability, previews, and that mike
reads what we write."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from mike.versions import Versions as MikeVersions

from generator.domain.errors import AccountabilityError
from generator.domain.periods import Quarter
from generator.versions.model import (
    LATEST,
    SnapshotExists,
    Version,
    Versions,
    default_title,
    plan_deploy,
)


def deploy(versions: Versions, name: str, **kwargs: object) -> Versions:
    aliases = kwargs.pop("aliases", ())
    return plan_deploy(versions, name, f"title {name}", aliases, **kwargs).versions  # type: ignore[arg-type]


def names(versions: Versions) -> list[str]:
    return [v.name for v in versions]


def test_quarters_newest_first_and_previews_below_releases() -> None:
    versions = Versions(
        (
            Version("pr-7", "pr-7", properties={"hidden": True}),
            Version("2025-Q4", "x"),
            Version("2026-Q2", "x"),
            Version("2026-Q1", "x"),
            Version("2025-Q10x", "x", properties={"hidden": True}),
        )
    )
    assert names(versions) == ["2026-Q2", "2026-Q1", "2025-Q4", "2025-Q10x", "pr-7"]


def test_latest_follows_the_newest_quarter_only() -> None:
    versions = deploy(Versions(), "2026-Q2")
    versions = deploy(versions, "2026-Q3")
    assert versions.find(LATEST) == versions.get("2026-Q3")
    assert versions.get("2026-Q2").aliases == ()  # type: ignore[union-attr]
    older = deploy(versions, "2026-Q1")
    assert names(older) == ["2026-Q3", "2026-Q2", "2026-Q1"]
    assert older.find(LATEST).name == "2026-Q3"  # type: ignore[union-attr]
    assert older.default().name == "2026-Q3"  # type: ignore[union-attr]


def test_hidden_versions_never_get_latest() -> None:
    versions = deploy(Versions(), "2026-Q2")
    versions = deploy(versions, "2026-Q3", hidden=True)
    assert versions.find(LATEST).name == "2026-Q2"  # type: ignore[union-attr]
    versions = deploy(versions, "pr-12", hidden=True)
    assert names(versions)[-1] == "pr-12"


def test_existing_snapshot_needs_force() -> None:
    versions = deploy(Versions(), "2026-Q2", aliases=["q2"])
    with pytest.raises(SnapshotExists) as error:
        plan_deploy(versions, "2026-Q2", "again")
    assert str(error.value) == (
        "snapshot '2026-Q2' already exists (title 2026-Q2); snapshots are immutable: "
        "pass --force to replace it"
    )
    plan = plan_deploy(versions, "2026-Q2", "again", force=True)
    assert plan.replaces and plan.version.title == "again"
    assert set(plan.version.aliases) == {"q2", LATEST}  # aliases are kept


def test_aliases_move_to_the_new_version() -> None:
    versions = deploy(Versions(), "2026-Q2", aliases=["board"])
    before = versions
    plan = plan_deploy(versions, "2026-Q1", "t", ["board"])
    assert plan.versions.find("board").name == "2026-Q1"  # type: ignore[union-attr]
    assert plan.moved_aliases(before) == {}  # mike moves what the deploy names itself


def test_latest_moves_back_when_the_newest_is_hidden_again() -> None:
    versions = deploy(deploy(Versions(), "2026-Q2"), "2026-Q3")
    plan = plan_deploy(versions, "2026-Q3", "t", hidden=True, force=True)
    assert plan.moved_aliases(versions) == {LATEST: "2026-Q2"}


@pytest.mark.parametrize(
    ("name", "aliases", "hidden", "message"),
    [
        (
            "pr-1",
            (),
            False,
            "'pr-1' is not a fiscal quarter (such as 2026-Q3): a preview must be --hidden",
        ),
        (
            "2026-Q3",
            ("latest",),
            False,
            "'latest' is managed: it always points at the newest quarter shown in the menu",
        ),
        ("../x", (), True, "'../x' is not a valid version name"),
        ("current", (), True, "'current' is not a valid version name"),
        ("2026-Q3", ("2026-Q2",), False, "alias '2026-Q2' is already the name of a version"),
    ],
)
def test_bad_names_are_refused(
    name: str, aliases: tuple[str, ...], hidden: bool, message: str
) -> None:
    versions = deploy(Versions(), "2026-Q2")
    with pytest.raises(AccountabilityError) as error:
        plan_deploy(versions, name, "t", aliases, hidden=hidden)
    assert str(error.value).startswith(message)


def test_unknown_identifier_lists_the_known_ones() -> None:
    versions = deploy(deploy(Versions(), "2026-Q2"), "2026-Q3")
    with pytest.raises(AccountabilityError) as error:
        versions.resolve("2026-Q9")
    assert str(error.value) == (
        "no snapshot named '2026-Q9'; known versions and aliases: 2026-Q2, 2026-Q3, latest"
    )


def test_versions_json_is_mikes_format() -> None:
    versions = deploy(deploy(Versions(), "2026-Q2"), "pr-3", hidden=True, aliases=["preview"])
    text = versions.dumps()
    mike = MikeVersions.loads(text)
    assert mike.find("latest") == ("2026-Q2", "latest")
    assert mike["pr-3"].properties == {"hidden": True}
    assert Versions.loads(json.dumps(mike.to_json())) == versions


def test_default_title_names_the_quarter_end() -> None:
    assert default_title(Quarter(2026, 3), date(2025, 12, 31)) == "2026-Q3 (as of 2025-12-31)"


def test_snapshots_build_with_the_packaged_override_unless_the_project_has_one(
    tmp_path: Path,
) -> None:
    from generator.site import overrides_dir
    from generator.versions.deploy import versioned_config

    (tmp_path / "mkdocs.yml").write_text("theme:\n  name: material\n")
    text = versioned_config(tmp_path).read_text()
    assert f"custom_dir: {json.dumps(str(overrides_dir()))}" in text
    assert (overrides_dir() / "main.html").is_file() and (overrides_dir() / "sitemap.xml").is_file()

    (tmp_path / "mkdocs.yml").write_text("theme:\n  name: material\n  custom_dir: mine\n")
    assert "custom_dir" not in versioned_config(tmp_path).read_text()


def test_titles_are_html_escaped_in_versions_json() -> None:
    """Material's version menu inserts each title as HTML on every page of every version."""
    title = 'Q1 <img src=x onerror="window.__pwn=1"> & co'
    versions = Versions((Version("2025-Q1", title),))
    written = json.loads(versions.dumps())[0]["title"]
    assert written == "Q1 &lt;img src=x onerror=&quot;window.__pwn=1&quot;&gt; &amp; co"
    assert Versions.loads(versions.dumps()).items[0].title == title
