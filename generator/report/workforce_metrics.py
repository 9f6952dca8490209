"""The workforce figures made with the metric tables: new hires' retraining cost, and the
figures goals can name (the catalogue's metrics with source WORKFORCE), as one
table shaped like the metric tables: scope (org or department), member, period, learners (here
the employees counted) and a column per metric, with why each row is hidden.

Pure. Reach and turnover come from the published workforce tables (per fiscal year); the share
of required courses in date and competence coverage are counted again on each period's day (its
last day, or the report date), so that a goal can follow them quarter by quarter; spend per
employee divides the organisation's spend by the headcount on the year's day.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from generator.config import Project
from generator.config.workforce import Requirement
from generator.domain.periods import counted_on
from generator.report.metrics import Metrics
from generator.report.privacy import CODE_COLUMN, COMPLEMENT, SHOWN, SMALL
from generator.report.workforce import (
    ALL,
    HIDDEN,
    Workforce,
    hide_small_groups,
    requirement_statuses,
    team_compliance,
    typed_roster,
)

CODES = CODE_COLUMN.format("employees")
COLUMNS = [
    "scope",
    "member",
    "period",
    "learners",
    "headcount_reach",
    "turnover_rate",
    "compliance_rate",
    "competence_coverage",
    "cost_per_employee",
    CODES,
]


def with_retraining_cost(workforce: Workforce, metrics: Metrics) -> Workforce:
    """New hires with their retraining cost: their completions in the year times the
    organisation's cost per completion that year (what a leaver's replacement costs again)."""
    hires = workforce.new_hires
    if workforce.empty or hires.empty:
        return workforce
    org = metrics.table[metrics.table["scope"] == "org"]
    per_completion = dict(
        zip(org["period"].astype(str), org["cost_per_completion"].astype("float64"), strict=True)
    )
    cost = hires["period"].map(lambda p: per_completion.get(p, np.nan)).astype("float64")
    hires = hires.assign(retraining_cost=hires["hire_completions"].astype("float64") * cost)
    return dataclasses.replace(workforce, new_hires=hires)


def with_goal_table(
    workforce: Workforce,
    project: Project,
    roster: pd.DataFrame,
    completions: pd.DataFrame,
    metrics: Metrics,
) -> Workforce:
    """The workforce tables with the goal table (unchanged without a roster)."""
    if workforce.empty:
        return workforce
    day = counted_on(project.calendar, metrics.report_date)
    periods = [*_quarters_goals_need(project, metrics), *metrics.years]
    days = {p: d for p in periods if (d := day(p)) is not None}
    org = metrics.table[metrics.table["scope"] == "org"]
    spend = dict(zip(org["period"].astype(str), org["spend"].astype("float64"), strict=True))
    table = workforce_metric_table(
        typed_roster(roster),
        completions,
        project.requirements,
        days,
        (workforce.reach, workforce.turnover),
        spend,
        project.settings.min_group_size,
    )
    return dataclasses.replace(workforce, goal_table=table)


# The metrics counted again on each period's day: every quarter costs one more pass over the
# roster (about 2 s at 200,000 employees), so quarters are counted only for goals that ask.
PER_DAY = ("compliance_rate", "competence_coverage")


def _quarters_goals_need(project: Project, metrics: Metrics) -> list[str]:
    """The report's quarters some goal on a per-day metric is evaluated in (the fiscal years
    are always counted: the L&D manager's page shows them)."""
    wanted: set[str] = set()
    for goal in project.goals:
        if goal.metric in PER_DAY:
            wanted |= set(metrics.quarters) if goal.periods == "all" else set(goal.periods)
    return [q for q in metrics.quarters if q in wanted]


def workforce_metric_table(
    roster: pd.DataFrame,
    completions: pd.DataFrame,
    requirements: list[Requirement],
    days: Mapping[str, date],
    published: tuple[pd.DataFrame, pd.DataFrame],
    spend: Mapping[str, float],
    min_size: int,
) -> pd.DataFrame:
    """``days``: period label -> the day it is counted on (quarters and fiscal years up to the
    report date); ``published``: the reach and turnover tables as published (small groups
    hidden); ``spend``: the organisation's spend per period."""
    reach, turnover = published
    yearly = _yearly(reach, turnover, spend)
    compliance = _compliance(roster, completions, requirements, days, min_size)
    if compliance.empty:
        table = yearly
    else:
        table = compliance.merge(yearly, on=["scope", "member", "period"], how="outer")
    if table.empty:
        return pd.DataFrame(columns=COLUMNS)
    # without requirements there are no compliance columns, without years no yearly ones
    needed = ["holders", "headcount", "holders_code", "headcount_code", *COLUMNS[4:-1]]
    table = table.reindex(columns=list(dict.fromkeys([*table.columns, *needed])))
    table["learners"] = table[["holders", "headcount"]].max(axis=1)
    codes = table[["holders_code", "headcount_code"]].fillna(SHOWN)
    table[CODES] = codes.max(axis=1).astype("int64")
    return table[COLUMNS].sort_values(["scope", "member", "period"], ignore_index=True)


def _yearly(
    reach: pd.DataFrame, turnover: pd.DataFrame, spend: Mapping[str, float]
) -> pd.DataFrame:
    """Reach, turnover and spend per employee per department (and org) and fiscal year."""
    if reach.empty:
        return pd.DataFrame(columns=["scope", "member", "period", "headcount", "headcount_code"])
    frame = reach[["department", "period", "headcount", "reach", HIDDEN]].merge(
        turnover[["department", "period", "turnover"]], on=["department", "period"], how="left"
    )
    frame = _scoped(frame).rename(columns={"reach": "headcount_reach", "turnover": "turnover_rate"})
    frame["headcount_code"] = np.where(frame[HIDDEN], SMALL, SHOWN)
    org = frame["scope"] == "org"
    money = frame["period"].map(lambda p: spend.get(p, np.nan)).astype("float64")
    frame["cost_per_employee"] = (money / frame["headcount"].where(frame["headcount"] > 0)).where(
        org
    )
    return frame.drop(columns=[HIDDEN])


def _compliance(
    roster: pd.DataFrame,
    completions: pd.DataFrame,
    requirements: list[Requirement],
    days: Mapping[str, date],
    min_size: int,
) -> pd.DataFrame:
    """Per department (and org) and period: role holders, the share of their required courses
    in date and the share of holders competent on all of them, small groups hidden."""
    if not requirements or not days:
        return pd.DataFrame()
    frames = []
    by_day: dict[date, pd.DataFrame] = {}
    for period, day in days.items():
        if day not in by_day:
            by_day[day] = _compliance_on(roster, completions, requirements, day)
        frames.append(by_day[day].assign(period=period))
    table = pd.concat(frames, ignore_index=True)
    table = hide_small_groups(
        table,
        ["period"],
        "holders",
        ["compliance_rate", "competence_coverage"],
        min_size,
    )
    # hidden for its own size, or so that a smaller department cannot be worked out from the
    # org's total (hidden departments still count towards it)
    table["holders_code"] = np.select(
        [~table[HIDDEN], table["__size"] < min_size], [SHOWN, SMALL], default=COMPLEMENT
    )
    return _scoped(table.drop(columns=[HIDDEN, "__size"]))


def _compliance_on(
    roster: pd.DataFrame, completions: pd.DataFrame, requirements: list[Requirement], day: date
) -> pd.DataFrame:
    statuses = requirement_statuses(roster, completions, requirements, day)
    if statuses.empty:
        return pd.DataFrame(
            columns=["department", "holders", "compliance_rate", "competence_coverage", "__size"]
        )
    rows = []
    for department, group in [*statuses.groupby("department", sort=True), (ALL, statuses)]:
        team = team_compliance(group)
        rows.append(
            {
                "department": str(department),
                "holders": team["holders"],
                "compliance_rate": team["in_date"],
                "competence_coverage": team["coverage"],
                "__size": team["holders"],
            }
        )
    return pd.DataFrame(rows)


def _scoped(frame: pd.DataFrame) -> pd.DataFrame:
    """A department column as the metric tables' scope and member (ALL is the org)."""
    total = frame["department"] == ALL
    frame = frame.assign(
        scope=np.where(total, "org", "department"),
        member=np.where(total, "org", frame["department"].astype(str)),
    )
    return frame.drop(columns=["department"])
