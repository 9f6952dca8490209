"""What --help says is true: --push is named only where it exists, and the default snapshot
title's example date is the quarter's last day in the calendar it names."""

from __future__ import annotations

import re

from click.testing import CliRunner

from generator.cli import cli
from generator.domain.periods import FiscalCalendar, parse_quarter


def _help(command: str) -> str:
    result = CliRunner().invoke(cli, [command, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_push_is_mentioned_only_by_commands_that_have_it() -> None:
    assert "--push" in _help("snapshot")
    for command in ("publish", "diff"):
        text = _help(command)
        assert "--remote" in text and "--push" not in text, command


def test_the_default_title_example_is_the_quarters_last_day() -> None:
    text = _help("snapshot")
    match = re.search(
        r"'(\d{4}-Q\d) \(as of (\d{4}-\d\d-\d\d)\)' for a year starting in April", text
    )
    assert match, text
    quarter = parse_quarter(match.group(1))
    assert quarter is not None
    assert FiscalCalendar(4).last_day(quarter).isoformat() == match.group(2)
