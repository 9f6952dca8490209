"""Business KPIs before and after training, beside a comparison group.

Pure. For each KPI of workforce.yaml and each department (or job role) the kpis table gives it
for: the share of the unit's employees trained (a completion of one of the KPI's trained_by
courses) at each period's end; the first period by whose end that share reached
``trained_share`` (training is under way during it, so it counts as before); the KPI's mean
over the periods up to it (before) and over the periods after it (after), and the change.

The comparison group is the units of the same KPI still below the share at the end of the last
period: their change between the same periods is what happened without the training. The
difference of the two changes is what the pages show. Nothing here isolates training from other
causes, so it is labelled by the KPI's evaluation level and never called a return on investment.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from generator.config import Project
from generator.config.workforce import Kpi
from generator.domain.periods import counted_on
from generator.report.workforce import HIDDEN, Workforce, employed_on, states_on, typed_roster

IMPROVED, NO_MOVE, WORSENED = "improved", "did not move", "worsened"
COMPARISON = "comparison group"  # not trained by the last period
TOO_EARLY = "too early to tell"  # trained in the last period: no period after
FROM_START = "trained from the start"  # trained by the first period's end: no period before
VERDICTS = (IMPROVED, NO_MOVE, WORSENED, COMPARISON, TOO_EARLY, FROM_START)

SERIES_COLUMNS = ["kpi", "department", "job_role", "period", "value", "headcount", "trained"]
EFFECT_COLUMNS = [
    "kpi",
    "department",
    "job_role",
    "headcount",  # on the last period's last day
    "share_trained",  # of them, on that day
    "trained_from",  # the period by whose end the share first reached trained_share
    "before",
    "after",
    "change",  # after / before - 1
    "comparison_units",
    "comparison_change",  # the comparison group's mean change between the same periods
    "difference",  # change - comparison_change (change alone without a comparison group)
    "verdict",
]


@dataclass(frozen=True)
class Settings:
    trained_share: float  # a unit is trained once this share of its employees is
    min_change: float  # a difference smaller than this (either way) did not move
    min_size: int  # a unit with fewer employees shows no share trained


def with_kpi_effects(
    workforce: Workforce,
    project: Project,
    kpis: pd.DataFrame,
    roster: pd.DataFrame,
    completions: pd.DataFrame,
    report_date: date,
) -> Workforce:
    """The workforce tables with the KPIs' series and effects (unchanged without a roster)."""
    if workforce.empty or not project.kpis:
        return workforce
    thresholds = project.settings.thresholds
    series, effects = kpi_effects(
        kpis,
        project.kpis,
        typed_roster(roster),
        completions,
        counted_on(project.calendar, report_date),
        Settings(
            thresholds.kpi_trained_share,
            thresholds.kpi_min_change,
            project.settings.min_group_size,
        ),
    )
    return dataclasses.replace(workforce, kpi_series=series, kpi_effects=effects)


def kpi_effects(
    kpis: pd.DataFrame,
    kpi_config: list[Kpi],
    roster: pd.DataFrame,
    completions: pd.DataFrame,
    period_day: Callable[[str], date | None],
    settings: Settings,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(series, effects): per KPI, unit and period the value, headcount and trained employees;
    per KPI and unit the comparison above. ``roster`` as report.workforce types it;
    ``period_day`` gives the day a period's figures are counted on (its last day, or the report
    date), None for a period after the report date."""
    if kpis.empty or roster.empty or not kpi_config:
        return pd.DataFrame(columns=SERIES_COLUMNS), pd.DataFrame(columns=EFFECT_COLUMNS)
    values = _kpi_values(kpis)
    days = {p: period_day(p) for p in pd.unique(values["period"])}
    values = values[values["period"].map(lambda p: days[p] is not None)]
    staff = {day: employed_on(states_on(roster, day), day) for day in set(days.values()) if day}
    series, effects = [], []
    for kpi in kpi_config:
        mine = values[values["measure"] == kpi.id]
        if mine.empty:
            continue
        first_trained = _first_trained(completions, kpi.trained_by)
        one = _counted(mine, kpi, staff, days, first_trained)
        series.append(one)
        effects.append(_compare(one, kpi, settings))
    if not series:
        return pd.DataFrame(columns=SERIES_COLUMNS), pd.DataFrame(columns=EFFECT_COLUMNS)
    return (
        _hide_small_units(pd.concat(series, ignore_index=True), settings.min_size),
        _hide_small_units(pd.concat(effects, ignore_index=True), settings.min_size),
    )


def _kpi_values(kpis: pd.DataFrame) -> pd.DataFrame:
    """The kpis table with text columns as str ('' for no job role or department), one period
    kind per measure: its quarters where it has any, else its fiscal years."""
    frame = kpis.copy()
    for column in ("measure", "department", "job_role", "period"):
        frame[column] = frame[column].astype("string").fillna("").astype(str)
    frame["value"] = frame["value"].astype("float64")
    yearly = frame["period"].str.startswith("FY")
    has_quarters = frame.loc[~yearly, "measure"].unique()
    frame = frame[~(yearly & frame["measure"].isin(has_quarters))]
    return frame.sort_values(["measure", "department", "job_role", "period"], ignore_index=True)


def _first_trained(completions: pd.DataFrame, courses: list[str]) -> pd.Series:
    """learner_id -> the first day they completed one of ``courses``."""
    done = completions[completions["course_id"].astype(str).isin(courses)]
    return done.groupby(done["learner_id"].astype(str))["first_completed_on"].min()


def _counted(
    values: pd.DataFrame,
    kpi: Kpi,
    staff: dict[date, pd.DataFrame],
    days: dict[str, date | None],
    first_trained: pd.Series,
) -> pd.DataFrame:
    """One KPI's values with each unit's headcount and trained employees on the period's day:
    a department's employees, or a job role's (within the department when the row names one)."""
    headcounts, trained = [], []
    for row in values.itertuples(index=False):
        day = days[row.period]
        assert day is not None  # periods after the report date are left out
        people = staff[day]
        if kpi.level == "job_role" and row.job_role:
            people = people[people["job_role"] == row.job_role]
        if row.department:
            people = people[people["department"] == row.department]
        since = first_trained.reindex(people["learner_id"].astype(str).to_numpy())
        headcounts.append(len(people))
        trained.append(int((since.to_numpy() <= np.datetime64(day)).sum()))
    return pd.DataFrame(
        {
            "kpi": kpi.id,
            "department": values["department"].to_numpy(),
            "job_role": values["job_role"].to_numpy(),
            "period": values["period"].to_numpy(),
            "value": values["value"].to_numpy(),
            "headcount": headcounts,
            "trained": trained,
        }
    )


def _compare(series: pd.DataFrame, kpi: Kpi, settings: Settings) -> pd.DataFrame:
    """Per unit of one KPI: before, after, change, and the comparison group's change."""
    units = {
        key: group.sort_values("period", key=_chronological).reset_index(drop=True)
        for key, group in series.groupby(["department", "job_role"], sort=True)
    }
    crossed = {key: _first_crossing(group, settings.trained_share) for key, group in units.items()}
    comparison = [key for key, at in crossed.items() if at is None]
    rows = []
    for key, group in units.items():
        last = group.iloc[-1]
        at = crossed[key]
        row = {
            "kpi": kpi.id,
            "department": key[0],
            "job_role": key[1],
            "headcount": int(last["headcount"]),
            "share_trained": last["trained"] / last["headcount"] if last["headcount"] else np.nan,
            "trained_from": group["period"].iloc[at] if at is not None else None,
            "comparison_units": len(comparison),
        }
        figures = _before_after(group, at, [units[k] for k in comparison])
        rows.append({**row, **figures, "verdict": _verdict(at, len(group), figures, kpi, settings)})
    frame = pd.DataFrame(rows, columns=EFFECT_COLUMNS)
    trained_from = frame["trained_from"].astype(object)
    frame["trained_from"] = trained_from.where(trained_from.notna(), None)  # not NaN: a label
    return frame


def _chronological(periods: pd.Series) -> pd.Series:
    """2026-Q1 and FY2026 labels in time order (each KPI has one kind)."""
    return periods.str.replace("FY", "", regex=False)


def _first_crossing(group: pd.DataFrame, share: float) -> int | None:
    """The position of the first period by whose end at least ``share`` of the unit was trained."""
    shares = group["trained"] / group["headcount"].where(group["headcount"] > 0)
    reached = np.flatnonzero((shares >= share).to_numpy())
    return int(reached[0]) if len(reached) else None


def _before_after(
    group: pd.DataFrame, at: int | None, comparison: list[pd.DataFrame]
) -> dict[str, float]:
    """Before, after and change of a unit trained by period ``at``, and the comparison group's
    change between the same periods (all NaN without a period before and one after)."""
    empty = dict.fromkeys(("before", "after", "change", "comparison_change", "difference"), np.nan)
    if at is None or at == 0 or at == len(group) - 1:
        return empty
    before_periods = set(group["period"].iloc[: at + 1])
    after_periods = set(group["period"].iloc[at + 1 :])
    before, after = _mean(group, before_periods), _mean(group, after_periods)
    change = after / before - 1 if before else np.nan
    others = [_mean(g, after_periods) / _mean(g, before_periods) - 1 for g in comparison]
    others = [c for c in others if np.isfinite(c)]
    comparison_change = float(np.mean(others)) if others else np.nan
    difference = change - comparison_change if others else change
    return {
        "before": before,
        "after": after,
        "change": change,
        "comparison_change": comparison_change,
        "difference": difference,
    }


def _mean(group: pd.DataFrame, periods: set[str]) -> float:
    values = group.loc[group["period"].isin(periods), "value"]
    return float(values.mean()) if len(values) else np.nan


def _verdict(
    at: int | None, periods: int, figures: dict[str, float], kpi: Kpi, settings: Settings
) -> str:
    if at is None:
        return COMPARISON
    if at == 0:
        return FROM_START
    if at == periods - 1 or np.isnan(figures["difference"]):
        return TOO_EARLY
    better = figures["difference"] if kpi.higher_is_better else -figures["difference"]
    if better >= settings.min_change:
        return IMPROVED
    return WORSENED if better <= -settings.min_change else NO_MOVE


def _hide_small_units(frame: pd.DataFrame, min_size: int) -> pd.DataFrame:
    """The headcount and the trained employees (or share) of a unit with fewer than
    ``min_size`` employees hidden; its KPI values are HR's own figures and stay."""
    small = frame["headcount"] < min_size
    frame = frame.assign(**{HIDDEN: small.to_numpy()})
    for column in ("headcount", "trained", "share_trained"):
        if column in frame:
            frame[column] = frame[column].astype("float64").where(~small)
    return frame
