"""The workforce behind the training: the HR roster joined to the LMS completions.

Pure: takes the roster (canonical ``roster`` table: a dated history per employee), each
employee's completions per course and fiscal year (the engine's ``learner_completions``), the
competence requirements of workforce.yaml and the report date; returns per-department and
per-role tables. An employee's department and job role on a day are those of their latest roster
row effective on or before it (a point-in-time join); they are employed on a day from their
hire date until the day before they leave.

Small groups are hidden as everywhere (``hide_small_groups``): a department or role with fewer
than the minimum of employees shows no figure, and within a table whose total is shown a hidden
group is never the only hidden one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from generator.config.workforce import Requirement

ON_TRACK, DUE_SOON, OVERDUE, EXPIRED, EXEMPT = (
    "on track",
    "due soon",
    "overdue",
    "expired",
    "exempt",
)
COMPLIANCE_STATUSES = (ON_TRACK, DUE_SOON, OVERDUE, EXPIRED, EXEMPT)
HIDDEN = "__hidden"  # True where a row's figures are hidden for its small group
ALL = "(all)"  # the row of a table's total over departments
NO_MANAGER = "(no named manager)"  # a roster manager who is no person of roles.yaml
NEVER = pd.Timestamp("2200-01-01")  # the expiry of a completion valid without limit


@dataclass(frozen=True)
class Workforce:
    """The workforce tables of a report; empty when the project has no roster."""

    # department (and "(all)"), fiscal year: headcount at the year's end (or the report date),
    # employees who completed any course in the year, reach = trained / headcount
    reach: pd.DataFrame
    # department (and "(all)"), fiscal year: average headcount, leavers (voluntary), turnover,
    # and the turnover of employees trained in the 12 months before leaving vs not trained
    turnover: pd.DataFrame
    # requirement, course, department, manager: employees per compliance status
    compliance: pd.DataFrame
    # job role: holders on the report date, those certified on every required course, coverage
    coverage: pd.DataFrame
    # department hired into (and "(all)"), fiscal year: hires, their completions in the year,
    # median days from hire to competence
    new_hires: pd.DataFrame
    # job role (and "(all)"), fiscal year: as reach
    reach_by_role: pd.DataFrame = field(default_factory=pd.DataFrame)
    # course, fiscal year: the year-end headcount, those who completed the course in the year
    course_reach: pd.DataFrame = field(default_factory=pd.DataFrame)
    # per KPI, department (and job role) and period: the value, headcount and trained employees
    kpi_series: pd.DataFrame = field(default_factory=pd.DataFrame)
    # per KPI and unit: before and after training, and the comparison group (report.kpi_effects)
    kpi_effects: pd.DataFrame = field(default_factory=pd.DataFrame)
    # manager on the roster (named ones; the rest as NO_MANAGER): their role holders' compliance
    # on the report date
    managers: pd.DataFrame = field(default_factory=pd.DataFrame)
    # the workforce metrics goals name, per org or department and period
    # (report.workforce_metrics)
    goal_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    # department (and ALL) -> the people of roles.yaml who manage its employees on the roster on
    # the report date: the RACI role "line-manager" of goals.yaml
    line_managers: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.reach.empty


def no_workforce() -> Workforce:
    return Workforce(*(pd.DataFrame() for _ in range(5)))


def among(ids: pd.Series, known: pd.Series | pd.Index) -> np.ndarray:
    """Which ``ids`` are in ``known``, by a hash lookup: ``Series.isin`` on Arrow strings walks
    its values in Python, which at 200,000 employees is most of the workforce tables' time."""
    index = pd.Index(pd.unique(np.asarray(known, dtype=object)))
    return np.asarray(index.get_indexer(np.asarray(ids, dtype=object)) >= 0)


# --- the roster on a day ----------------------------------------------------------------------


def states_on(roster: pd.DataFrame, day: date) -> pd.DataFrame:
    """Each employee's latest roster row effective on or before ``day`` (employed or not)."""
    stamp = pd.Timestamp(day)
    effective = roster["effective_on"].fillna(roster["hired_on"])
    rows = roster.assign(effective_on=effective)[effective <= stamp]
    rows = rows.sort_values(["learner_id", "effective_on"], kind="stable")
    return rows.groupby("learner_id", sort=False).tail(1).reset_index(drop=True)


def employed_on(states: pd.DataFrame, day: date) -> pd.DataFrame:
    """The states of employees employed on ``day``: hired by then and not left."""
    stamp = pd.Timestamp(day)
    left = states["left_on"]
    return states[(states["hired_on"] <= stamp) & (left.isna() | (left > stamp))]


def role_since(roster: pd.DataFrame, states: pd.DataFrame, day: date) -> pd.Series:
    """Per employee of ``states`` (their rows in force on ``day``, by learner_id), the day they
    took up their current job role: the first of their latest unbroken run of roster rows with
    that role, up to ``day``."""
    effective = roster["effective_on"].fillna(roster["hired_on"])
    rows = roster.assign(effective_on=effective).sort_values(["learner_id", "effective_on"])
    current = states.set_index("learner_id")["job_role"]
    rows = rows[among(rows["learner_id"], current.index)]
    rows = rows[rows["effective_on"] <= pd.Timestamp(day)]
    other = rows["job_role"].ne(rows["learner_id"].map(current))
    # the run starts after the employee's last row with another role
    last_other = rows["effective_on"].where(other).groupby(rows["learner_id"]).max()
    same = rows[~other]
    before = same["learner_id"].map(last_other)
    starts = same[before.isna() | (same["effective_on"] > before)]
    return starts.groupby("learner_id")["effective_on"].min()


# --- compliance -------------------------------------------------------------------------------


def add_months(day: pd.Series, months: int) -> pd.Series:
    return day + pd.DateOffset(months=months)


def compliance_status(
    holders: pd.DataFrame,
    last_completed: pd.Series,
    requirement: Requirement,
    day: date,
) -> pd.Series:
    """Each role holder's status on one required course as of ``day``. ``holders`` has
    learner_id, department and role_since; ``last_completed`` the holder's latest completion
    of the course on or before ``day`` (NaT: none).

    - exempt: the holder's department is exempt;
    - with a completion: on track while valid (``valid_for`` months; no limit when omitted),
      due soon in the last ``due_soon`` days and the ``grace`` days after expiry, expired after;
    - without one: due ``due_within`` days after taking up the role; on track until the last
      ``due_soon`` days, due soon until ``grace`` days after the due date, overdue after.
    """
    stamp = pd.Timestamp(day)
    soon = pd.Timedelta(days=requirement.due_soon)
    grace = pd.Timedelta(days=requirement.grace)
    done = last_completed.notna()
    if requirement.valid_for is None:
        expires = pd.Series(NEVER, index=holders.index)
    else:
        expires = add_months(last_completed, requirement.valid_for)
    due = holders["role_since"] + pd.Timedelta(days=requirement.due_within)
    deadline = expires.where(done, due)
    status = np.select(
        [
            holders["department"].isin(requirement.exempt_departments),
            stamp < deadline - soon,
            stamp <= deadline + grace,
            done,
        ],
        [EXEMPT, ON_TRACK, DUE_SOON, EXPIRED],
        default=OVERDUE,
    )
    return pd.Series(status, index=holders.index)


def requirement_statuses(
    roster: pd.DataFrame,
    completions: pd.DataFrame,
    requirements: list[Requirement],
    day: date,
) -> pd.DataFrame:
    """One row per role holder employed on ``day`` and required course: learner_id,
    department, manager, job_role, requirement, course_id, last_completed_on, status."""
    states = employed_on(states_on(roster, day), day)
    states = states.assign(role_since=states["learner_id"].map(role_since(roster, states, day)))
    latest = _latest_completions(completions, day)
    frames = []
    for requirement in requirements:
        holders = states[states["job_role"].isin(requirement.job_roles)]
        for course in requirement.courses:
            last = holders["learner_id"].map(latest.get(course, {})).astype("datetime64[s]")
            frames.append(
                holders[["learner_id", "department", "manager", "job_role"]].assign(
                    requirement=requirement.id,
                    course_id=course,
                    last_completed_on=last,
                    status=compliance_status(holders, last, requirement, day),
                )
            )
    columns = [
        "learner_id",
        "department",
        "manager",
        "job_role",
        "requirement",
        "course_id",
        "last_completed_on",
        "status",
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def _latest_completions(completions: pd.DataFrame, day: date) -> dict[str, pd.Series]:
    """course_id -> each learner's latest completion day on or before ``day``."""
    known = completions[completions["last_completed_on"] <= pd.Timestamp(day)]
    latest = known.groupby(["course_id", "learner_id"])["last_completed_on"].max()
    return {str(course): group.droplevel(0) for course, group in latest.groupby(level=0)}


def compliance_table(statuses: pd.DataFrame) -> pd.DataFrame:
    """Employees per status, per requirement, course, department and manager."""
    keys = ["requirement", "course_id", "department", "manager"]
    counts = statuses.groupby([*keys, "status"]).size().unstack("status", fill_value=0)
    counts = counts.reindex(columns=list(COMPLIANCE_STATUSES), fill_value=0)
    counts["holders"] = counts.sum(axis=1)
    return counts.reset_index()


def team_compliance(statuses: pd.DataFrame) -> dict[str, float]:
    """Of one group's statuses (a team, a department): role holders, required courses
    (holder x course) overdue and expired, the share in date (exempt ones left out; a holder
    still within their due window is on track or due soon, not late), and the holders
    competent on every required course."""
    counted = statuses[statuses["status"] != EXEMPT]
    holders = int(statuses["learner_id"].nunique())
    certified = int(coverage_table(statuses)["certified"].sum())
    return {
        "holders": holders,
        OVERDUE: int(counted["status"].eq(OVERDUE).sum()),
        EXPIRED: int(counted["status"].eq(EXPIRED).sum()),
        "in_date": counted["status"].isin([ON_TRACK, DUE_SOON]).mean() if len(counted) else np.nan,
        "certified": certified,
        "coverage": certified / holders if holders else np.nan,
    }


def manager_table(statuses: pd.DataFrame) -> pd.DataFrame:
    """team_compliance per manager."""
    columns = ["manager", "holders", OVERDUE, EXPIRED, "in_date", "certified", "coverage"]
    rows = [
        {"manager": str(manager), **team_compliance(group)}
        for manager, group in statuses.groupby("manager", sort=True)
    ]
    return pd.DataFrame(rows, columns=columns)


def coverage_table(statuses: pd.DataFrame) -> pd.DataFrame:
    """Per job role: holders on the report date and those currently certified (on track or
    due soon with a valid completion) on every course their role requires."""
    valid = statuses["status"].isin([ON_TRACK, DUE_SOON]) & statuses["last_completed_on"].notna()
    valid |= statuses["status"].eq(EXEMPT)
    per_holder = valid.groupby([statuses["job_role"], statuses["learner_id"]]).all()
    table = per_holder.groupby(level="job_role").agg(holders="size", certified="sum")
    table["coverage"] = table["certified"] / table["holders"]
    return table.reset_index()


# --- reach, turnover and new hires per fiscal year -----------------------------------------


@dataclass(frozen=True)
class Year:
    label: str  # FY2026
    fiscal_year: int
    first_day: date
    last_day: date  # the year's last day, or the report date in a year to date


def reach_table(
    roster: pd.DataFrame, completions: pd.DataFrame, years: list[Year], by: str = "department"
) -> pd.DataFrame:
    """Per department (or another roster column ``by``, such as job_role; then ALL) and fiscal
    year: employees on the year's last day, those of them who completed a course in the year,
    and the share (reach)."""
    rows = []
    for year in years:
        staff = employed_on(states_on(roster, year.last_day), year.last_day)
        done = completions.loc[completions["fiscal_year"] == year.fiscal_year, "learner_id"]
        staff = staff.assign(trained=among(staff["learner_id"], done))
        for member, group in _with_total(staff, by):
            rows.append((member, year.label, len(group), int(group["trained"].sum())))
    table = pd.DataFrame(rows, columns=[by, "period", "headcount", "trained"])
    table["reach"] = table["trained"] / table["headcount"]
    return table


def course_reach_table(
    roster: pd.DataFrame, completions: pd.DataFrame, years: list[Year]
) -> pd.DataFrame:
    """Per course and fiscal year: of the employees on the year's last day, those who
    completed the course in the year, and their share of the headcount."""
    frames = []
    for year in years:
        staff = employed_on(states_on(roster, year.last_day), year.last_day)
        done = completions[
            (completions["fiscal_year"] == year.fiscal_year)
            & among(completions["learner_id"], staff["learner_id"])
        ]
        trained = done.groupby(done["course_id"].astype(str))["learner_id"].nunique()
        frames.append(
            pd.DataFrame(
                {
                    "course_id": trained.index,
                    "period": year.label,
                    "headcount": len(staff),
                    "trained": trained.to_numpy(),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["course_id", "period", "headcount", "trained", "reach"])
    table = pd.concat(frames, ignore_index=True)
    table["reach"] = table["trained"] / table["headcount"].where(table["headcount"] > 0)
    return table


def turnover_table(
    roster: pd.DataFrame, completions: pd.DataFrame, years: list[Year]
) -> pd.DataFrame:
    """Per department and fiscal year: the average of the headcounts on its first and last day,
    leavers (and voluntary leavers) by their department when they left, turnover = leavers /
    average headcount; and of those employed on the first day, the share who left among those
    who completed a course in the year before and among those who did not."""
    rows = []
    for year in years:
        start = employed_on(states_on(roster, year.first_day), year.first_day)
        end = employed_on(states_on(roster, year.last_day), year.last_day)
        leavers = _leavers(roster, year)
        trained_before = completions.loc[
            completions["fiscal_year"] == year.fiscal_year - 1, "learner_id"
        ]
        start = start.assign(
            trained=among(start["learner_id"], trained_before),
            left=among(start["learner_id"], leavers["learner_id"]),
        )
        ends = dict(_with_total(end))
        left = dict(_with_total(leavers))
        for department, group in _with_total(start):
            gone = left.get(department, leavers.iloc[0:0])
            average = (len(group) + len(ends.get(department, end.iloc[0:0]))) / 2
            trained = group[group["trained"]]
            untrained = group[~group["trained"]]
            rows.append(
                (
                    department,
                    year.label,
                    average,
                    len(gone),
                    int((gone["leaving"] == "voluntary").sum()),
                    len(trained),
                    int(trained["left"].sum()),
                    len(untrained),
                    int(untrained["left"].sum()),
                )
            )
    table = pd.DataFrame(
        rows, columns=["department", "period", "average_headcount", *TURNOVER_COUNTS]
    )
    table["turnover"] = table["leavers"] / table["average_headcount"].where(
        table["average_headcount"] > 0
    )
    table["trained_turnover"] = table["trained_leavers"] / table["trained"].where(
        table["trained"] > 0
    )
    table["untrained_turnover"] = table["untrained_leavers"] / table["untrained"].where(
        table["untrained"] > 0
    )
    return table


# The counts of a turnover row after its department, year and average headcount.
TURNOVER_COUNTS = (
    "leavers",
    "voluntary_leavers",
    "trained",
    "trained_leavers",
    "untrained",
    "untrained_leavers",
)


def _leavers(roster: pd.DataFrame, year: Year) -> pd.DataFrame:
    """The employees who left in the year, with the roster row in force on their last day."""
    effective = roster["effective_on"].fillna(roster["hired_on"])
    left_on = roster.groupby("learner_id")["left_on"].transform("max")
    in_year = left_on.between(pd.Timestamp(year.first_day), pd.Timestamp(year.last_day))
    rows = roster.assign(effective_on=effective)[in_year & (effective <= left_on)]
    rows = rows.sort_values(["learner_id", "effective_on"], kind="stable")
    return rows.groupby("learner_id", sort=False).tail(1).reset_index(drop=True)


def new_hires_table(
    roster: pd.DataFrame,
    completions: pd.DataFrame,
    requirements: list[Requirement],
    years: list[Year],
) -> pd.DataFrame:
    """Per department hired into (then ALL) and fiscal year: employees hired in it, the courses
    they completed in it (what turnover costs in retraining), and the median days from hire to
    their last first completion of every course their job role requires (of those hired in
    the year who have completed them all by the report date)."""
    first_rows = roster.sort_values(["learner_id", "effective_on"], kind="stable")
    hired = first_rows.groupby("learner_id").agg(
        hired_on=("hired_on", "min"), department=("department", "first")
    )
    rows = []
    for year in years:
        span = hired["hired_on"].between(pd.Timestamp(year.first_day), pd.Timestamp(year.last_day))
        year_hires = hired[span]
        in_year = completions[completions["fiscal_year"] == year.fiscal_year]
        # per hire, counted once for the year and then summed per department
        done = in_year[among(in_year["learner_id"], year_hires.index)]
        done_per_hire = done.groupby(done["learner_id"].astype(str))["completions"].sum()
        days = _days_to_competence(roster, year_hires, completions, requirements)
        for department, hires in _with_total(year_hires):
            mine = days[among(days.index.to_series(), hires.index)]
            rows.append(
                (
                    department,
                    year.label,
                    len(hires),
                    int(done_per_hire.reindex(hires.index.astype(str)).fillna(0).sum()),
                    len(mine),
                    float(mine.median()) if len(mine) else np.nan,
                )
            )
    return pd.DataFrame(rows, columns=["department", "period", *NEW_HIRE_FIGURES])


# The figures of a new hires row after its department and year.
NEW_HIRE_FIGURES = (
    "hires",
    "hire_completions",
    "competent",
    "median_days_to_competence",
)


def _days_to_competence(
    roster: pd.DataFrame,
    hires: pd.DataFrame,
    completions: pd.DataFrame,
    requirements: list[Requirement],
) -> pd.Series:
    """Per hire whose first job role has requirements and who has completed every required
    course since their hire: days from hire to the last of those first completions."""
    hired_on = hires["hired_on"]
    if hires.empty:
        return pd.Series(dtype="float64")
    first_role = (
        roster[among(roster["learner_id"], hires.index)]
        .sort_values(["learner_id", "hired_on"], kind="stable")
        .groupby("learner_id")["job_role"]
        .first()
        .rename("job_role")
        .reset_index()
    )
    pairs = [(r, c) for q in requirements for r in q.job_roles for c in q.courses]
    required = pd.DataFrame(pairs, columns=["job_role", "course_id"]).drop_duplicates()
    needed = first_role.merge(required, on="job_role")
    since_hire = completions[
        among(completions["learner_id"], hires.index)
        & (completions["first_completed_on"] >= completions["learner_id"].map(hired_on))
    ]
    firsts = since_hire.groupby(["learner_id", "course_id"], as_index=False)[
        "first_completed_on"
    ].min()
    got = needed.merge(firsts, on=["learner_id", "course_id"], how="left")
    per_hire = got.groupby("learner_id")["first_completed_on"].agg(["count", "size", "max"])
    competent = per_hire[per_hire["count"] == per_hire["size"]]
    return (competent["max"] - hired_on.reindex(competent.index)).dt.days.astype("float64")


def _with_total(frame: pd.DataFrame, by: str = "department") -> list[tuple[str, pd.DataFrame]]:
    """The frame per department (or ``by``), then the whole frame as ALL."""
    parts = [(str(d), g) for d, g in frame.groupby(by, sort=True)]
    return [*parts, (ALL, frame)]


# --- small groups -----------------------------------------------------------------------------


def hide_small_groups(
    frame: pd.DataFrame, partition: list[str], count: str, figures: list[str], min_size: int
) -> pd.DataFrame:
    """Empty ``figures`` (and ``count``) of rows about fewer than ``min_size`` employees; then,
    in each partition (rows sharing ``partition``) whose total is shown elsewhere, hide the
    smallest other row too when a hidden row is the only one, so it cannot be worked out."""
    frame = frame.copy()
    counts = frame[count].fillna(0).to_numpy(dtype=np.int64)
    hidden = (counts > 0) & (counts < min_size)
    if partition:
        for _, positions in frame.groupby(partition, sort=False).indices.items():
            if hidden[positions].sum() == 1 and len(positions) > 1:
                shown = positions[~hidden[positions]]
                hidden[shown[np.argmin(counts[shown])]] = True
    frame[HIDDEN] = hidden
    for column in [count, *figures]:
        frame[column] = frame[column].astype("float64").where(~hidden)
    return frame


# --- the workforce of a report ----------------------------------------------------------------


def build_workforce(
    roster: pd.DataFrame,
    completions: pd.DataFrame,
    requirements: list[Requirement],
    years: list[Year],
    report_date: date,
    min_size: int,
    managers: frozenset[str] = frozenset(),
) -> Workforce:
    """Every workforce table as published (small groups hidden), as of ``report_date``.
    ``managers``: the person ids of roles.yaml; any other manager on the roster (often another
    employee, by their employee id) is published only as NO_MANAGER. The goal table and the
    KPIs are added after (report.workforce_metrics, report.kpi_effects)."""
    if roster.empty:
        return no_workforce()
    roster = typed_roster(roster)
    roster["manager"] = roster["manager"].where(roster["manager"].isin(list(managers)), NO_MANAGER)
    statuses = requirement_statuses(roster, completions, requirements, report_date)
    compliance = compliance_table(statuses)
    reach = hide_small_groups(
        reach_table(roster, completions, years),
        ["period"],
        "headcount",
        ["trained", "reach"],
        min_size,
    )
    turnover = _hide_small_splits(
        hide_small_groups(
            turnover_table(roster, completions, years),
            ["period"],
            "average_headcount",
            list(TURNOVER_FIGURES),
            min_size,
        ),
        min_size,
    )
    return Workforce(
        reach=reach,
        turnover=turnover,
        compliance=hide_small_groups(
            compliance,
            ["requirement", "course_id"],
            "holders",
            list(COMPLIANCE_STATUSES),
            min_size,
        ),
        coverage=hide_small_groups(
            coverage_table(statuses), [], "holders", ["certified", "coverage"], min_size
        ),
        managers=hide_small_groups(
            manager_table(statuses),
            [],
            "holders",
            [OVERDUE, EXPIRED, "in_date", "certified", "coverage"],
            min_size,
        ),
        new_hires=hide_small_groups(
            new_hires_table(roster, completions, requirements, years),
            ["period"],
            "hires",
            list(NEW_HIRE_FIGURES[1:]),
            min_size,
        ),
        reach_by_role=hide_small_groups(
            reach_table(roster, completions, years, by="job_role"),
            ["period"],
            "headcount",
            ["trained", "reach"],
            min_size,
        ),
        course_reach=hide_small_groups(
            course_reach_table(roster, completions, years),
            [],
            "trained",
            ["reach"],
            min_size,
        ),
        line_managers=line_managers(roster, report_date),
    )


def line_managers(roster: pd.DataFrame, day: date) -> dict[str, tuple[str, ...]]:
    """Department (and ALL) -> the named managers of its employees on ``day``."""
    staff = employed_on(states_on(roster, day), day)
    named = staff[staff["manager"] != NO_MANAGER]
    result = {
        str(d): tuple(sorted(set(g["manager"].astype(str))))
        for d, g in named.groupby("department", sort=True)
    }
    result[ALL] = tuple(sorted(set(named["manager"].astype(str))))
    return result


TURNOVER_FIGURES = (*TURNOVER_COUNTS, "turnover", "trained_turnover", "untrained_turnover")


def _hide_small_splits(turnover: pd.DataFrame, min_size: int) -> pd.DataFrame:
    """The trained / not trained split of a department's turnover, hidden (both halves, so
    neither follows from the other) where either half has fewer than ``min_size`` employees."""
    small = (turnover["trained"] < min_size) | (turnover["untrained"] < min_size)
    split = [c for c in TURNOVER_FIGURES if c.startswith(("trained", "untrained"))]
    turnover = turnover.copy()
    turnover[split] = turnover[split].where(~small)
    return turnover


def typed_roster(roster: pd.DataFrame) -> pd.DataFrame:
    """Roster columns as the functions here read them: ids and texts as str, days as
    timestamps (the canonical table gives categoricals and datetime64[s])."""
    roster = roster.copy()
    for column in ("learner_id", "department", "job_role", "manager", "leaving"):
        roster[column] = roster[column].astype("string")
    for column in ("effective_on", "hired_on", "left_on"):
        roster[column] = pd.to_datetime(roster[column])
    return roster
