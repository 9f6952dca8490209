"""How figures read on a page: units, changes, suppression of small groups, safe text."""

from __future__ import annotations

import math
from dataclasses import dataclass

from generator.catalog import METRICS

COST_METRICS = {
    "budget",
    "spend",
    "budget_utilisation",
    "cost_per_completion",
    "cost_per_learner",
    "budget_yoy_change",
}
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


@dataclass(frozen=True)
class Formatter:
    currency: str
    min_group_size: int

    def suppressed(self) -> str:
        return f"fewer than {self.min_group_size}"

    def hidden(self, metric: str, learners: int | float | None) -> bool:
        """A figure about learners is suppressed when fewer than the minimum (but some) took part."""
        if learners is None or (metric in COST_METRICS and metric != "cost_per_learner"):
            return False
        return 0 < int(learners) < self.min_group_size

    def value(self, metric: str, value: object, learners: int | float | None = None) -> str:
        if self.hidden(metric, learners):
            return self.suppressed()
        if is_missing(value):
            return DASH
        number = float(value)  # type: ignore[arg-type]
        if metric == "budget_utilisation":
            return f"{number:.0%}"
        return self.number(number, METRICS[metric].unit if metric in METRICS else "count")

    def number(self, number: float, unit: str) -> str:
        if unit == "rate":
            return f"{number:.1%}"
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

    def change(
        self,
        metric: str,
        change: object,
        learners: int | float | None = None,
        previous_learners: int | float | None = None,
    ) -> str:
        """The change against the previous period, with an arrow and the unit's own step."""
        if self.hidden(metric, learners) or self.hidden(metric, previous_learners):
            return DASH
        if is_missing(change):
            return DASH
        number = float(change)  # type: ignore[arg-type]
        arrow = "▲" if number > 0 else ("▼" if number < 0 else "▶")
        unit = METRICS[metric].unit if metric in METRICS else "count"
        if unit == "rate" or metric == "budget_utilisation" or unit == "change":
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
