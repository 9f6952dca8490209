"""The Open University Learning Analytics Dataset (OULAD) as published (Kuzilek et al. 2017,
CC BY 4.0); ``RULES`` states how it becomes the canonical tables."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from generator.config import Source
from generator.ingest.canonical import LINE
from generator.ingest.exports import Accounting, fail
from generator.ingest.textfile import check_header, header_of, read_bytes_head

# How the export becomes the canonical tables, as the methodology page states it (ingest
# carries it in its report).
RULES = """The Open University Learning Analytics Dataset (OULAD) as published (Kuzilek et al. 2017,
CC BY 4.0): ``path`` is the folder holding ``csv/`` (the seven official CSVs, studentVle
excepted) and optionally ``parquet/studentVle_ds/`` (hive partitioned by code_module and
code_presentation).

How OULAD becomes the canonical tables (stated on the methodology page):

- A course is a module (``code_module``, AAA..GGG); an offering is a presentation
  (``code_presentation``). A presentation ``YYYYB`` starts on 1 February of YYYY and ``YYYYJ``
  on 1 October of YYYY (the dataset says only "February" and "October"; we take the 1st).
  All OULAD dates are days relative to that start. offerings: one per courses.csv row, from
  the start to start + module_presentation_length days.
- enrollments: one row per studentInfo row joined with its studentRegistration row.
  enrolled_on = start + date_registration (45 registrations have '?': the start is used, or
  the unregistration date when earlier, and the count is noted). department = region.
- status from final_result, the withdrawal signal we use: Pass and Distinction -> completed,
  Fail -> failed, Withdrawn -> withdrawn; it is also kept as the outcome (pass, distinction,
  fail), the OU's own result. completed_on = start + module_presentation_length
  (results are known at the end of the presentation). withdrawn_on = start +
  date_unregistration for Withdrawn rows that have one. final_result and date_unregistration
  disagree on some rows (Withdrawn without an unregistration date, Fail with one): counted in
  the notes.
- score (0-100): from studentAssessment × assessments. Two components, as the OU grades a
  module: continuous assessment (TMA and CMA) and the exam. Each component is the mean of the
  student's submitted scores weighted by the assessments' ``weight`` (a plain mean when the
  submitted weights sum to 0, as in GGG whose TMA/CMA weigh 0). The score is the mean of the
  components the student has (50/50 with both). Banked results count; '?' scores do not.
- assessments: one row per studentAssessment row (assessment = id_assessment, kind =
  assessment_type, taken_on = start + date_submitted, weight).
- activity (``options.activity``: ``week`` or true, or ``site``): studentVle aggregated in
  DuckDB, never loaded row by row: clicks per learner × module-presentation × week
  (module "week NN", module_order = week, active_on = the week's first day), or per id_site
  (module "<activity_type> <id_site>", module_order = the site's week_from, active_on = first
  day seen). Each aggregated row stands for many studentVle rows: those are counted as merged."""

TABLE_FILES = ("courses", "assessments", "studentInfo", "studentRegistration", "studentAssessment")
PRESENTATION = re.compile(r"^(\d{4})([BJ])$")
START_MONTH = {"B": 2, "J": 10}
FINAL_RESULT = {
    "Pass": "completed",
    "Distinction": "completed",
    "Fail": "failed",
    "Withdrawn": "withdrawn",
}
# The OU's own result, kept as the outcome: pass rates follow it, and Distinction stays visible.
OUTCOME = {"Pass": "pass", "Distinction": "distinction", "Fail": "fail"}
KEY = ["code_module", "code_presentation", "id_student"]
VLE_GLOB = "parquet/studentVle_ds/*/*/*.parquet"


def read_oulad(source: Source, path: Path, shown: str) -> dict[str, pd.DataFrame]:
    tables = {name: _read_csv(path, name, shown) for name in TABLE_FILES}
    starts = presentation_starts(tables["courses"], shown)
    result = {
        "enrollments": _enrollments(tables, starts),
        "assessments": _assessments(tables, starts),
        "offerings": _offerings(starts),
    }
    mode = source.options.get("activity", False)
    if mode:
        result["activity"] = _activity(path, shown, starts, "site" if mode == "site" else "week")
    return result


def _read_csv(folder: Path, name: str, shown: str) -> pd.DataFrame:
    file = folder / "csv" / f"{name}.csv"
    if not file.is_file():
        raise fail(
            f"{shown}/csv/{name}.csv",
            0,
            f"missing; an OULAD folder holds csv/ with "
            f"{', '.join(f + '.csv' for f in TABLE_FILES)} (download anonymisedData.zip "
            "from https://analyse.kmi.open.ac.uk/open_dataset) — check the source path",
        )
    head = read_bytes_head(file).decode("utf-8", errors="replace")
    check_header(header_of(head.lstrip("\ufeff"), ","), f"{shown}/csv/{name}.csv")
    frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    frame[LINE] = np.arange(2, len(frame) + 2)
    return frame


def presentation_starts(courses: pd.DataFrame, shown: str) -> pd.DataFrame:
    """code_module, code_presentation -> start date and length in days."""
    starts = []
    for presentation, line in zip(courses["code_presentation"], courses[LINE], strict=True):
        match = PRESENTATION.match(str(presentation))
        if match is None:
            raise fail(
                f"{shown}/csv/courses.csv",
                int(line),
                f"presentation '{presentation}' "
                "is not YYYYB or YYYYJ (B starts in February, J in October)",
            )
        year, letter = int(match.group(1)), match.group(2)
        starts.append(pd.Timestamp(year, START_MONTH[letter], 1))
    return courses.assign(
        start=pd.Series(starts, index=courses.index, dtype="datetime64[s]"),
        length=pd.to_numeric(courses["module_presentation_length"]),
    )


def _days_after(start: pd.Series, days: pd.Series) -> pd.Series:
    offset = pd.to_numeric(days.mask(days.isin(["?", ""])), errors="coerce")
    return (start + pd.to_timedelta(offset, unit="D")).astype("datetime64[s]")


def _enrollments(tables: dict[str, pd.DataFrame], starts: pd.DataFrame) -> pd.DataFrame:
    info, registration = tables["studentInfo"], tables["studentRegistration"]
    account = Accounting(rows_read=len(info))
    joined = info.merge(registration.drop(columns=LINE), on=KEY, how="left", indicator=True)
    joined = account.drop(
        joined,
        joined["_merge"] == "left_only",
        "no studentRegistration row for this student and presentation",
    )
    orphans = registration.merge(info[KEY], on=KEY, how="left", indicator=True)
    orphans = orphans[orphans["_merge"] == "left_only"]
    account.rows_read += len(orphans)
    account.reject("studentRegistration row without a studentInfo row", orphans[LINE].to_numpy())
    joined = joined.merge(
        starts[["code_module", "code_presentation", "start", "length"]],
        on=["code_module", "code_presentation"],
        how="left",
    )
    status = joined["final_result"].map(FINAL_RESULT).fillna(joined["final_result"])
    unregistered = ~joined["date_unregistration"].isin(["?", ""])
    no_date = joined["date_registration"].isin(["?", ""])
    enrolled_on = _days_after(joined["start"], joined["date_registration"])
    end = (joined["start"] + pd.to_timedelta(joined["length"], unit="D")).astype("datetime64[s]")
    account.notes += _withdrawal_notes(joined["final_result"], unregistered, no_date)
    withdrawn_on = _days_after(joined["start"], joined["date_unregistration"])
    # A missing registration date becomes the start, or the withdrawal if that came earlier.
    fallback = joined["start"].where(~(withdrawn_on < joined["start"]), withdrawn_on)
    raw = pd.DataFrame(
        {
            "learner_id": joined["id_student"],
            "course_id": joined["code_module"],
            "offering": joined["code_presentation"],
            "department": joined["region"],
            "enrolled_on": enrolled_on.fillna(fallback),
            "completed_on": end.where(status == "completed"),
            "withdrawn_on": withdrawn_on.where(status == "withdrawn"),
            "status": status,
            "outcome": joined["final_result"].map(OUTCOME),
            LINE: joined[LINE],
        }
    )
    scores = final_scores(tables)
    raw = raw.merge(scores, on=["learner_id", "course_id", "offering"], how="left")
    return account.attach(raw.sort_values(LINE, kind="stable").reset_index(drop=True))


def _offerings(starts: pd.DataFrame) -> pd.DataFrame:
    """One row per courses.csv row: the presentation's start and its last day."""
    raw = pd.DataFrame(
        {
            "course_id": starts["code_module"],
            "offering": starts["code_presentation"],
            "starts_on": starts["start"],
            "ends_on": (starts["start"] + pd.to_timedelta(starts["length"], unit="D")).astype(
                "datetime64[s]"
            ),
            LINE: starts[LINE],
        }
    )
    return Accounting(rows_read=len(raw)).attach(raw)


def _withdrawal_notes(result: pd.Series, unregistered: pd.Series, no_date: pd.Series) -> list[str]:
    withdrawn = result == "Withdrawn"
    return [
        "status comes from final_result (Withdrawn -> withdrawn); date_unregistration gives "
        f"withdrawn_on: {int((withdrawn & unregistered).sum()):,} Withdrawn rows have one, "
        f"{int((withdrawn & ~unregistered).sum()):,} Withdrawn rows have none (withdrawn_on left "
        f"empty), {int((~withdrawn & unregistered).sum()):,} rows with another result have one "
        "(kept with their final_result)",
        f"date_registration is '?' in {int(no_date.sum()):,} rows: enrolled_on = the "
        "presentation start (or the unregistration date when that is earlier)",
    ]


def final_scores(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """learner_id, course_id, offering -> score: the mean of the continuous-assessment and exam
    components, each the weighted mean of the student's submitted scores."""
    results = tables["studentAssessment"].merge(
        tables["assessments"].drop(columns=LINE), on="id_assessment", how="inner"
    )
    results = results.assign(
        score=pd.to_numeric(results["score"].mask(results["score"] == "?"), errors="coerce"),
        weight=pd.to_numeric(results["weight"], errors="coerce").fillna(0.0),
        component=np.where(results["assessment_type"] == "Exam", "exam", "continuous"),
    ).dropna(subset=["score"])
    group = ["id_student", "code_module", "code_presentation", "component"]
    results["weighted"] = results["score"] * results["weight"]
    sums = results.groupby(group, observed=True).agg(
        weighted=("weighted", "sum"), weight=("weight", "sum"), plain=("score", "mean")
    )
    component = (sums["weighted"] / sums["weight"]).where(sums["weight"] > 0, sums["plain"])
    score = component.groupby(level=[0, 1, 2]).mean().rename("score").reset_index()
    return score.rename(
        columns={
            "id_student": "learner_id",
            "code_module": "course_id",
            "code_presentation": "offering",
        }
    )


def _assessments(tables: dict[str, pd.DataFrame], starts: pd.DataFrame) -> pd.DataFrame:
    results = tables["studentAssessment"]
    account = Accounting(rows_read=len(results))
    joined = results.merge(
        tables["assessments"].drop(columns=LINE), on="id_assessment", how="left", indicator=True
    )
    joined = account.drop(
        joined, joined["_merge"] == "left_only", "id_assessment not in assessments.csv"
    )
    joined = account.drop(
        joined,
        joined["score"].isin(["?", ""]),
        "score is '?' (not marked) in csv/studentAssessment.csv",
    )
    joined = joined.merge(
        starts[["code_module", "code_presentation", "start"]],
        on=["code_module", "code_presentation"],
        how="left",
    )
    raw = pd.DataFrame(
        {
            "learner_id": joined["id_student"],
            "course_id": joined["code_module"],
            "offering": joined["code_presentation"],
            "assessment": joined["id_assessment"],
            "kind": joined["assessment_type"],
            "taken_on": _days_after(joined["start"], joined["date_submitted"]),
            "score": joined["score"],
            "weight": joined["weight"],
            LINE: joined[LINE],
        }
    )
    return account.attach(raw)


def _activity(folder: Path, shown: str, starts: pd.DataFrame, per: str) -> pd.DataFrame:
    import duckdb

    files = sorted(folder.glob(VLE_GLOB))
    if not files:
        raise fail(
            f"{shown}/parquet/studentVle_ds",
            0,
            "missing; options.activity needs the "
            "studentVle parquet dataset (hive partitioned by code_module and "
            "code_presentation); remove options.activity or add the folder",
        )
    connection = duckdb.connect()
    connection.register("starts", starts[["code_module", "code_presentation", "start"]])
    vle = f"read_parquet('{folder / VLE_GLOB}', hive_partitioning=true)"
    total = connection.sql(f"select count(*) from {vle}").fetchone()
    if per == "week":
        query = f"""
            select cast(cast(v.id_student as bigint) as varchar) as learner_id,
                   v.code_module as course_id, v.code_presentation as offering,
                   cast(floor(v.date / 7) as integer) as week, sum(v.sum_click) as clicks
            from {vle} v group by all"""
    else:
        connection.register("sites", pd.read_csv(folder / "csv" / "vle.csv", dtype=str))
        query = f"""
            select cast(cast(v.id_student as bigint) as varchar) as learner_id,
                   v.code_module as course_id, v.code_presentation as offering,
                   coalesce(s.activity_type, 'site') || ' ' || cast(cast(v.id_site as bigint)
                   as varchar) as module, try_cast(s.week_from as double) as module_order,
                   cast(min(v.date) as integer) as first_day, sum(v.sum_click) as clicks
            from {vle} v left join sites s on cast(cast(v.id_site as bigint) as varchar) =
                 s.id_site group by all"""
    frame = connection.sql(f"""
        select a.*, s.start from ({query}) a join starts s
        on a.course_id = s.code_module and a.offering = s.code_presentation
        order by all""").df()
    if per == "week":
        frame["module"] = "week " + frame["week"].map("{:02d}".format)
        frame["module_order"] = frame["week"].astype("float64")
        days = frame["week"] * 7
    else:
        days = frame["first_day"]
    frame["active_on"] = (frame["start"] + pd.to_timedelta(days, unit="D")).astype("datetime64[s]")
    raw = frame[
        ["learner_id", "course_id", "offering", "module", "module_order", "active_on", "clicks"]
    ].copy()
    raw[LINE] = np.arange(1, len(raw) + 1)  # parquet has no lines: the aggregated row's number
    rows_read = int(total[0]) if total else 0
    account = Accounting(
        rows_read=rows_read,
        notes=[
            f"studentVle: {rows_read:,} rows aggregated per {per} into {len(raw):,} activity rows"
        ],
    )
    # parquet has no lines: the reason gives none
    account.merge(
        f"studentVle row of a learner, module-presentation and {per} that has another: their "
        "clicks summed into one activity row",
        [],
        rows_read - len(raw),
    )
    return account.attach(raw)
