"""Metric tables: every KPI per scope member and period, with the previous period and the change.

Pure: takes the engine's aggregates and the validated project, returns pandas frames. One wide
table (``Metrics.table``) holds a row per scope × member × period (fiscal quarters such as
``2025-Q3`` and fiscal years such as ``FY2025``) and a column per metric of catalog.METRICS,
plus ``<metric>__prev`` and ``<metric>__change`` columns.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from generator.config import Project
from generator.domain.catalog import METRICS, OUTCOMES, SUMS, Ratio
from generator.domain.periods import Quarter
from generator.engine.sql import COUNT_COLUMNS, SCOPE_KEYS, Aggregates

KEYS = ["scope", "member", "period"]


@dataclass(frozen=True)
class Metrics:
    table: pd.DataFrame  # scope, member, period, period_kind, fiscal_year, quarter, counts, metrics
    modules: pd.DataFrame  # course_id, period, module_order, module, reached, lost, dropoff
    module_departments: pd.DataFrame  # the same per department
    breakdown: pd.DataFrame  # course_id, department, period, counts and rates
    distributions: pd.DataFrame  # scope, member, period, measure, bin, learners (fiscal years)
    offerings: pd.DataFrame  # course_id, offering, dates, counts and rates of each course run
    quarters: list[str]
    years: list[str]
    report_date: date
    excluded_after_report_date: int
    # A fiscal year the report date ends before its last day -> its last quarter in the
    # report: its figures are to date, compared with the same quarters of the year before.
    year_to_date: dict[str, str] = dataclasses.field(default_factory=dict)
    # The breakdown before small groups were hidden (privacy.publish), for goals over a course
    # filter to add up; never shown: the outputs read ``breakdown``.
    unpublished_breakdown: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)

    def period_title(self, period: str) -> str:
        """How a period is named on the pages: 'FY2026 to date' for an unfinished year."""
        return f"{period} to date" if period in self.year_to_date else period

    @functools.cached_property
    def _positions(self) -> dict[tuple[str, str, str], int]:
        """(scope, member, period) -> row position, built once: lookups stay O(1) per page."""
        keys = zip(self.table["scope"], self.table["member"], self.table["period"], strict=True)
        return {(str(a), str(b), str(c)): i for i, (a, b, c) in enumerate(keys)}

    @functools.cached_property
    def _member_rows(self) -> dict[tuple[str, str, str], list[int]]:
        rows: dict[tuple[str, str, str], list[int]] = {}
        keys = zip(
            self.table["scope"], self.table["member"], self.table["period_kind"], strict=True
        )
        for i, (scope, member, kind) in enumerate(keys):
            rows.setdefault((str(scope), str(member), str(kind)), []).append(i)
        return rows

    @functools.cached_property
    def _columns(self) -> dict[str, np.ndarray]:
        return {name: self.table[name].to_numpy() for name in self.table.columns}

    def row(self, scope: str, member: str, period: str) -> Row | None:
        position = self._positions.get((scope, member, period))
        return None if position is None else Row(self._columns, position)

    def series(
        self, scope: str, member: str, columns: Sequence[str], kind: str = "quarter"
    ) -> dict[str, np.ndarray]:
        """``columns`` (``period``, metrics) of one member's rows, in time order (the table is
        sorted). Arrays, not a frame: pages ask for thousands of these."""
        positions = self._member_rows.get((scope, member, kind), [])
        return {name: self._columns[name][positions] for name in columns}


class Row:
    """One row of the metric table, read from its columns: a wide pandas row is slow to make,
    and pages read thousands of them."""

    def __init__(self, columns: dict[str, np.ndarray], position: int):
        self._columns, self._position = columns, position

    def __getitem__(self, key: str | list[str]) -> Any:
        if isinstance(key, list):
            return pd.Series([self[k] for k in key], index=key)
        return self._columns[key][self._position]

    def __contains__(self, key: object) -> bool:
        return key in self._columns

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self._columns else default


def period_label(fiscal_year: int, quarter: int) -> str:
    return f"FY{fiscal_year}" if quarter == 0 else Quarter(fiscal_year, quarter).label


def reporting_quarters(
    project: Project, aggregates: Aggregates, report_date: date
) -> list[Quarter]:
    """From the first budget or data quarter to the quarter holding the report date."""
    calendar = project.calendar
    seen = [q for q in project.budget_quarters()]
    cohorts = aggregates.cohorts[aggregates.cohorts["quarter"] > 0]
    seen += [
        Quarter(int(y), int(q))
        for y, q in zip(cohorts["fiscal_year"], cohorts["quarter"], strict=True)
    ]
    last = calendar.quarter_of(report_date)
    first = min(seen) if seen else last
    return calendar.quarters_between(min(first, last), last)


def year_to_date(project: Project, quarters: list[Quarter], report_date: date) -> dict[str, str]:
    """The fiscal year the report date falls before the end of, and its last quarter here."""
    if not quarters:
        return {}
    last = quarters[-1]
    year_end = project.calendar.last_day(Quarter(last.fiscal_year, 4))
    return {f"FY{last.fiscal_year}": last.label} if report_date < year_end else {}


def compute_metrics(project: Project, aggregates: Aggregates, report_date: date) -> Metrics:
    quarters = reporting_quarters(project, aggregates, report_date)
    years = sorted({q.fiscal_year for q in quarters})
    to_date = year_to_date(project, quarters, report_date)
    grid = _grid(project, aggregates, quarters, years)
    table = _merge_counts(grid, aggregates)
    table = _add_costs(table, project, quarters, to_date)
    table = _derive_rates(table)
    table = _add_previous(table, to_date)
    modules, module_departments = _dropoff(aggregates.modules)
    table = _attach_dropoff(table, modules, project)
    return Metrics(
        table=table,
        modules=modules,
        module_departments=module_departments,
        breakdown=(breakdown := _breakdown(aggregates.breakdown)),
        unpublished_breakdown=breakdown,
        distributions=_with_period_labels(aggregates.distributions),
        offerings=offering_rates(aggregates.offerings),
        quarters=[q.label for q in quarters],
        years=[f"FY{y}" for y in years],
        report_date=report_date,
        excluded_after_report_date=aggregates.excluded_after_report_date,
        year_to_date=to_date,
    )


def _members(project: Project, aggregates: Aggregates) -> dict[str, list[str]]:
    seen = aggregates.cohorts.groupby("scope")["member"].unique()
    configured = {
        "org": ["org"],
        "course": [c.id for c in project.courses],
        "developer": [c.developer for c in project.courses],
        "training_manager": [c.training_manager for c in project.courses],
        "department": [],
    }
    return {
        scope: sorted(set(configured[scope]) | set(seen.get(scope, []))) for scope in SCOPE_KEYS
    }


def _grid(
    project: Project, aggregates: Aggregates, quarters: list[Quarter], years: list[int]
) -> pd.DataFrame:
    periods = [(q.fiscal_year, q.number) for q in quarters] + [(y, 0) for y in years]
    rows = [
        (scope, member, fy, q)
        for scope, members in _members(project, aggregates).items()
        for member in members
        for fy, q in periods
    ]
    grid = pd.DataFrame(rows, columns=["scope", "member", "fiscal_year", "quarter"])
    grid["period"] = period_labels(grid)
    grid["period_kind"] = np.where(grid["quarter"] == 0, "year", "quarter")
    return grid


def _merge_counts(grid: pd.DataFrame, aggregates: Aggregates) -> pd.DataFrame:
    on = ["scope", "member", "fiscal_year", "quarter"]
    table = grid
    for frame in (aggregates.cohorts, aggregates.completions, aggregates.gains, aggregates.ratings):
        if not frame.empty:
            table = table.merge(frame, on=on, how="left")
    for column in COUNT_COLUMNS:
        if column not in table:
            table[column] = 0
        table[column] = table[column].fillna(0).astype("int64")
    for column in (
        "score_sum",
        "learning_hours",
        "median_minutes",
        "minutes_ratio",
        "gain_sum",
        "rating_sum",
    ):
        if column not in table:
            table[column] = np.nan
        table[column] = table[column].astype("float64")
    return table


def _spend_lines(project: Project, quarters: list[Quarter]) -> pd.DataFrame:
    """The spend lines of the report's quarters: a line of a quarter after the report date's is
    not spent yet as of that date (a snapshot of 2026-Q2 must not count 2026-Q3's spend)."""
    course_developer = {c.id: c.developer for c in project.courses}
    reported = {q.label for q in quarters}
    rows = []
    for period in project.budgets:
        if period.period not in reported:
            continue
        for line in period.spend:
            developer = line.developer or course_developer.get(line.course or "")
            rows.append((period.period, line.course, developer, line.amount))
    return pd.DataFrame(rows, columns=["period", "course", "developer", "amount"])


def _add_costs(
    table: pd.DataFrame, project: Project, quarters: list[Quarter], to_date: dict[str, str]
) -> pd.DataFrame:
    """Budget and spend per period, as of the report date (quarters after it are left out);
    spend is attributed to courses and to their developers."""
    lines = _spend_lines(project, quarters)
    reported = {q.label for q in quarters}
    fy_of = {q.label: f"FY{q.fiscal_year}" for q in project.budget_quarters()}
    lines["year"] = lines["period"].map(fy_of)
    budget = {b.period: b.budget for b in project.budgets if b.period in reported}
    parts = [
        _spend_by(lines, None, "org"),
        _spend_by(lines, "course", "course"),
        _spend_by(lines, "developer", "developer"),
    ]
    spend = pd.concat(parts, ignore_index=True)
    table = table.merge(spend, on=KEYS, how="left")
    has_costs = table["scope"].isin(["org", "course", "developer"])
    table["spend"] = table["spend"].where(~has_costs | table["spend"].notna(), 0.0)
    table.loc[~has_costs, "spend"] = np.nan
    year_budget = _year_budgets(budget, fy_of, to_date)
    all_budgets = budget | year_budget
    is_org = table["scope"] == "org"
    table["budget"] = np.where(is_org, table["period"].map(all_budgets), np.nan).astype("float64")
    table = cost_ratios(table)
    # The same period a year earlier: for a year to date, its own quarters of the year before.
    all_budgets_of_project = {b.period: b.budget for b in project.budgets}
    earlier = {
        p: _earlier_budget(p, all_budgets_of_project, fy_of, to_date)
        for p in table["period"].unique()
    }
    table["budget_yoy_change"] = (
        _ratio(table["budget"], table["period"].map(earlier).where(is_org)) - 1
    )
    return table


def cost_ratios(table: pd.DataFrame) -> pd.DataFrame:
    """Each cost metric that is a ratio (budget utilisation, cost per completion, per learner),
    by its catalogue formula. A course or developer with no spend booked in a period
    has no cost figure, not a zero one."""
    spent = table["spend"].where((table["scope"] == "org") | (table["spend"] > 0))
    for metric in METRICS.values():
        formula = metric.formula
        if metric.is_cost and isinstance(formula, Ratio) and formula.denominator in table:
            numerator = spent if formula.numerator == "spend" else table[formula.numerator]
            table[metric.name] = _ratio(numerator, table[formula.denominator])
    return table


def _year_budgets(
    budget: dict[str, float], fy_of: dict[str, str], to_date: dict[str, str]
) -> dict[str, float]:
    """A fiscal year's budget where every quarter it has in the report has one: all four, or,
    for a year to date, those up to the report date's (else not comparable)."""
    totals: dict[str, float] = {}
    quarters: dict[str, int] = {}
    for label, amount in budget.items():
        totals[fy_of[label]] = totals.get(fy_of[label], 0.0) + amount
        quarters[fy_of[label]] = quarters.get(fy_of[label], 0) + 1
    wanted = {year: int(last[-1]) for year, last in to_date.items()}
    return {year: total for year, total in totals.items() if quarters[year] == wanted.get(year, 4)}


def _earlier_budget(
    period: str, budgets: dict[str, float], fy_of: dict[str, str], to_date: dict[str, str]
) -> float:
    """The budget of the same span a year before ``period`` (NaN when not every quarter of it
    has one)."""
    if not period.startswith("FY"):
        return budgets.get(_year_earlier(period), np.nan)
    year = int(period[2:]) - 1
    count = int(to_date[period][-1]) if period in to_date else 4
    labels = [Quarter(year, n).label for n in range(1, count + 1)]
    if not all(label in budgets for label in labels):
        return np.nan
    return float(sum(budgets[label] for label in labels))


def _year_earlier(period: str) -> str:
    if period.startswith("FY"):
        return f"FY{int(period[2:]) - 1}"
    year, number = period.split("-Q")
    return f"{int(year) - 1}-Q{number}"


def _spend_by(lines: pd.DataFrame, column: str | None, scope: str) -> pd.DataFrame:
    frames = []
    for period_column in ("period", "year"):
        keyed = lines.dropna(subset=[column]) if column else lines.assign(member="org")
        member = column or "member"
        grouped = keyed.groupby([member, period_column], as_index=False)["amount"].sum()
        grouped.columns = ["member", "period", "spend"]
        frames.append(grouped)
    result = pd.concat(frames, ignore_index=True)
    result["scope"] = scope
    return result[[*KEYS, "spend"]]


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    num = pd.to_numeric(numerator, errors="coerce").astype("float64")
    den = pd.to_numeric(denominator, errors="coerce").astype("float64")
    return (num / den.where(den != 0)).astype("float64")


def cohort_rates(table: pd.DataFrame) -> pd.DataFrame:
    """Each learner metric the table has the counts for, by its catalogue formula (a ratio of
    two columns, or a count under its own name). Costs are made with the budgets (_add_costs):
    a member with no spend booked has no cost figure, not a zero one."""
    for metric in METRICS.values():
        if metric.is_cost or not metric.inputs or not all(c in table for c in metric.inputs):
            continue
        if isinstance(metric.formula, Ratio):
            table[metric.name] = _ratio(
                table[metric.formula.numerator], table[metric.formula.denominator]
            )
        elif metric.formula != metric.name:
            table[metric.name] = table[metric.formula].astype("float64")
    return table


def _derive_rates(table: pd.DataFrame) -> pd.DataFrame:
    table = cohort_rates(table)
    for column in ("enrollments", "completions"):
        table[column] = table[column].astype("int64")
    return table


def _previous_period(period: str) -> str:
    if period.startswith("FY"):
        return f"FY{int(period[2:]) - 1}"
    year, number = (int(x) for x in period.split("-Q"))
    return Quarter(year, number).previous().label


def _add_previous(table: pd.DataFrame, to_date: dict[str, str]) -> pd.DataFrame:
    """``<metric>__prev`` and ``<metric>__change`` from the previous quarter or fiscal year; for
    a year to date, from the same quarters of the year before (like with like)."""
    names = [m for m in METRICS if m in table] + ["learners"]
    previous = table[KEYS + names].copy()
    previous["period"] = previous["period"].map(_next_label(table["period"].unique()))
    previous = previous.dropna(subset=["period"])
    previous = previous[~previous["period"].isin(list(to_date))]
    previous = pd.concat([previous, *_earlier_spans(table, to_date, names)], ignore_index=True)
    previous = previous.rename(columns={m: f"{m}__prev" for m in names})
    table = table.merge(previous, on=KEYS, how="left")
    for name in names:
        table[f"{name}__change"] = table[name].astype("float64") - table[f"{name}__prev"].astype(
            "float64"
        )
    return table.sort_values(
        ["scope", "member", "period_kind", "period"], kind="stable"
    ).reset_index(drop=True)


def _earlier_spans(
    table: pd.DataFrame, to_date: dict[str, str], names: list[str]
) -> list[pd.DataFrame]:
    """Per year to date, each member's figures over the same quarters a year earlier, keyed
    by the year to date's label; figures that do not add up over quarters are left empty."""
    frames = []
    for year, last in to_date.items():
        earlier, count = int(year[2:]) - 1, int(last[-1])
        span = table[
            (table["period_kind"] == "quarter")
            & (table["fiscal_year"] == earlier)
            & (table["quarter"] <= count)
        ]
        if span.empty:
            continue
        summed = span.groupby(["scope", "member"], as_index=False, sort=False)[
            [c for c in SUMS if c in span]
        ].sum(min_count=1)
        if "budget" in span:
            full = span.groupby(["scope", "member"], sort=False)["budget"].count() == count
            budget = span.groupby(["scope", "member"], sort=False)["budget"].sum(min_count=1)
            summed["budget"] = summed.set_index(["scope", "member"]).index.map(budget.where(full))
        summed = cost_ratios(_derive_rates(summed))
        summed["period"] = year
        frames.append(summed.reindex(columns=KEYS + names))
    return frames


def _next_label(periods: np.ndarray) -> dict[str, str]:
    present = set(periods)
    return {_previous_period(p): p for p in present if _previous_period(p) in present}


def _dropoff(modules: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Learners reaching each module and the share lost before the next one."""
    columns = ["course_id", "period", "module_order", "module", "reached", "lost", "dropoff"]
    if modules.empty:
        return pd.DataFrame(columns=columns), pd.DataFrame(columns=["department", *columns])
    frame = modules.copy()
    frame["period"] = period_labels(frame)
    by_course = frame.groupby(["course_id", "period", "module_order", "module"], as_index=False)[
        "learners"
    ].sum()
    by_department = frame.groupby(
        ["course_id", "department", "period", "module_order", "module"], as_index=False
    )["learners"].sum()
    return _lost(by_course, ["course_id", "period"]), _lost(
        by_department, ["course_id", "department", "period"]
    )


def _lost(frame: pd.DataFrame, group: list[str]) -> pd.DataFrame:
    frame = frame.sort_values([*group, "module_order"], kind="stable").rename(
        columns={"learners": "reached"}
    )
    following = frame.groupby(group)["reached"].shift(-1)
    frame["lost"] = (frame["reached"] - following).astype("float64")
    frame["dropoff"] = _ratio(frame["lost"], frame["reached"])
    return frame.reset_index(drop=True)


def _attach_dropoff(table: pd.DataFrame, modules: pd.DataFrame, project: Project) -> pd.DataFrame:
    """The worst module-to-module drop-off of each course and period."""
    if modules.empty:
        table["module_dropoff"] = np.nan
        return table
    worst = modules.groupby(["course_id", "period"], as_index=False)["dropoff"].max()
    worst = worst.rename(columns={"course_id": "member", "dropoff": "module_dropoff"})
    worst["scope"] = "course"
    table = table.drop(columns=[c for c in table if c.startswith("module_dropoff")])
    table = table.merge(worst, on=KEYS, how="left")
    previous = worst.assign(period=worst["period"].map(_next_label(table["period"].unique())))
    previous = previous.dropna(subset=["period"]).rename(
        columns={"module_dropoff": "module_dropoff__prev"}
    )
    table = table.merge(previous, on=KEYS, how="left")
    table["module_dropoff__change"] = table["module_dropoff"] - table["module_dropoff__prev"]
    return table


def _with_period_labels(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["period"] = period_labels(frame)
    return frame


def period_labels(frame: pd.DataFrame) -> list[str]:
    """The period label of each row (fiscal_year, quarter), each distinct label made once."""
    pairs = list(zip(frame["fiscal_year"].tolist(), frame["quarter"].tolist(), strict=True))
    labels = {pair: period_label(int(pair[0]), int(pair[1])) for pair in set(pairs)}
    return [labels[pair] for pair in pairs]


def _breakdown(breakdown: pd.DataFrame) -> pd.DataFrame:
    frame = breakdown.copy()
    frame["period"] = period_labels(frame)
    return cohort_rates(frame)


def offering_rates(offerings: pd.DataFrame) -> pd.DataFrame:
    """Each course run's rates, as the period metrics define them but over the run's enrolments;
    ``with_outcome`` counts the enrolments the source gave a result (pass, merit, distinction,
    fail) of, the denominator of the outcome shares."""
    frame = cohort_rates(offerings.copy())
    outcomes = [f"outcome_{o}" for o in OUTCOMES]
    frame["with_outcome"] = frame[outcomes].sum(axis=1).astype("int64")
    for outcome in OUTCOMES:
        frame[f"{outcome}_share"] = _ratio(frame[f"outcome_{outcome}"], frame["with_outcome"])
    return frame
