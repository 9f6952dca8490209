"""An earlier snapshot to compare with, as the person pages show it: their goals whose status
changed. What changed is worked out by ``diff`` (generator/versions/diff.py, called by the build
command) and handed to the pages as :class:`Since`, so the pages only lay it out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class GoalTrend:
    """One goal result (per goal, scope member and kind of period) whose status changed."""

    goal: str
    title: str
    member: str
    before_period: str | None
    before_status: str | None
    after_period: str | None
    after_status: str | None


@dataclass(frozen=True)
class Since:
    """The snapshot compared with, and per person id their goal results compared (the latest
    per goal, member and kind of period, in either snapshot) and those whose status changed."""

    title: str
    report_date: str
    compared: Mapping[str, int] = field(default_factory=dict)
    changed: Mapping[str, tuple[GoalTrend, ...]] = field(default_factory=dict)
