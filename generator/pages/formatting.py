"""How figures read on a page: units, changes, suppression of small groups, safe text."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from generator.domain.catalog import METRICS
from generator.domain.periods import FiscalCalendar

DASH = "–"


def is_missing(value: object) -> bool:
    """None, or anything ``float`` reads as NaN (NaN itself, numpy NaN, the text "nan")."""
    if value is None:
        return True
    if isinstance(value, float):  # the common cases first: pages ask this a million times
        return value != value
    if isinstance(value, int):
        return False
    if isinstance(value, str):  # as float() would read it, without raising for every text
        return value.strip().lower().lstrip("+-") == "nan"
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def calendar_months(calendar: FiscalCalendar, label: str) -> str:
    """The calendar months of a fiscal period: "Jul–Sep 2025" for a quarter, "Apr 2025–Mar
    2026" for a fiscal year ('' for a label that is neither)."""
    span = calendar.span(label)
    if span is None:
        return ""
    first, last = span
    start, end = _MONTHS[first.month - 1], f"{_MONTHS[last.month - 1]} {last.year}"
    if first.year == last.year:
        return f"{start}{DASH}{end}"
    return f"{start} {first.year}{DASH}{end}"


# Month names as the pages spell them, whatever the machine's locale (output is deterministic).
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def dated_period(calendar: FiscalCalendar, label: str, title: str = "") -> str:
    """A period with its calendar months beside it, "2026-Q2 (Jul–Sep 2025)"; ``title`` names
    it instead of the label (such as "FY2026 to date")."""
    months = calendar_months(calendar, label)
    name = title or label
    return f"{name} ({months})" if months else name


@dataclass(frozen=True)
class Formatter:
    currency: str
    min_group_size: int
    calendar: FiscalCalendar = field(default_factory=FiscalCalendar)

    def period(self, label: str, title: str = "") -> str:
        """A period label with its calendar months (``dated_period``)."""
        return dated_period(self.calendar, label, title)

    def suppressed(self, who: str = "learners") -> str:
        """A figure about fewer learners (or employees) than the minimum (figures the metric
        tables do not decide, such as a chart's bins, say the same)."""
        return f"fewer than {self.min_group_size} {who}"

    def value(self, metric: str, value: object) -> str:
        """A figure as published (privacy.publish has emptied the hidden ones already)."""
        if is_missing(value):
            return DASH
        number = float(value)  # type: ignore[arg-type]
        return self.number(number, METRICS[metric].unit if metric in METRICS else "count")

    def number(self, number: float, unit: str) -> str:
        if unit == "rate":
            return f"{number:.1%}"
        if unit == "share":
            return f"{number:.0%}"
        if unit == "count":
            return f"{number:,.0f}"
        if unit == "score":
            return f"{number:.1f}"
        if unit == "minutes":
            return f"{number:,.0f} min"
        if unit == "money":
            return f"{self.currency} {number:,.0f}"
        if unit == "change":
            return f"{number:+.1%}"
        if unit == "rating":
            return f"{number:.2f} / 5"
        return f"{number:.2f}×"

    def change(self, metric: str, change: object) -> str:
        """The change against the previous period, with an arrow and the unit's own step."""
        if is_missing(change):
            return DASH
        number = float(change)  # type: ignore[arg-type]
        arrow = "▲" if number > 0 else ("▼" if number < 0 else "▶")
        unit = METRICS[metric].unit if metric in METRICS else "count"
        if unit in ("rate", "share", "change"):
            text = f"{abs(number) * 100:.1f} pp"
        elif unit == "money":
            text = f"{self.currency} {abs(number):,.0f}"
        elif unit == "count":
            text = f"{abs(number):,.0f}"
        elif unit == "ratio":
            text = f"{abs(number):.2f}×"
        else:
            text = f"{abs(number):.1f}"
        return f"{arrow} {text}"


# Characters that can start Markdown or HTML syntax inside a line: emphasis, code, links and
# images, raw HTML and entities, table cells, attribute lists ({: onclick=...}) and headings.
_ESCAPED = {
    "\\": "\\\\",
    "`": "\\`",
    "*": "\\*",
    "_": "\\_",
    "[": "\\[",
    "]": "\\]",
    "{": "\\{",
    "}": "\\}",
    "!": "\\!",
    "#": "\\#",
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
    "|": "&#124;",
}


_ESCAPE_TABLE = str.maketrans(_ESCAPED)


def text(value: object) -> str:
    """User text (titles, names, ids) made literal for Markdown tables, headings and links.

    Lighter than escaping every punctuation mark, so the generated Markdown stays readable in a
    pull-request diff; whitespace (including newlines) collapses to single spaces."""
    return " ".join(str(value).split()).translate(_ESCAPE_TABLE)


def link(label: str, target: str) -> str:
    """A Markdown link whose label is literal text; targets are our own safe slugs."""
    return f"[{text(label)}]({target})"
