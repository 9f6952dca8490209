"""The README's config reference is generated from the models; it must match the code."""

from __future__ import annotations

from paths import REPO

from generator.config.reference import BEGIN, END, reference

README = REPO / "README.md"


def test_config_reference_in_readme_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END) + 1
    assert text[start:end] == reference(), (
        "README.md's config reference is stale; regenerate it with "
        "`python -m generator.config.reference --write`"
    )


def test_readme_starts_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    blocks = text.split("```bash\n")[1:3]
    assert "accountability build" in blocks[0]
    assert "python -m pytest" in blocks[1]
