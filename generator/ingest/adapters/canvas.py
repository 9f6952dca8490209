"""Canvas "Export entire gradebook" CSV (header from lib/gradebook_exporter.rb); ``RULES``
states how it is read."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from generator.config import Source
from generator.ingest.canonical import LINE
from generator.ingest.exports import (
    Accounting,
    blank,
    course_id_of,
    find_column,
    locale_numbers,
    require_columns,
    required_option_date,
)
from generator.ingest.textfile import read_delimited

# How the export becomes the canonical tables, as the methodology page states it (ingest
# carries it in its report).
RULES = """Canvas "Export entire gradebook" CSV (header from lib/gradebook_exporter.rb).

Learner id = Canvas ``ID`` (or ``options.id_column``, e.g. "SIS User ID"); ``Student`` ("Last,
First") and the login columns are dropped. score = ``Final Score`` (ungraded work counts 0), or
``Current Score`` when there is no Final Score or ``options.score_column`` says so.
Assignment cells "Homework 1 (901234)" become assessments, scaled by the Points Possible row;
``EX`` (excused) and ``N/A`` (not assigned) are not grades and give no row. Numbers may use a
decimal comma ("85,5"). A gradebook has no dates: ``options.enrolled_on`` (the course start) is
required. offering = Section."""

ASSIGNMENT = re.compile(r"^(?P<title>.+) \((?P<id>\d+)\)$")
NOT_GRADES = {"EX", "N/A"}


def read_canvas_gradebook(source: Source, path: Path, shown: str) -> dict[str, pd.DataFrame]:
    frame = read_delimited(path, shown, encoding=source.encoding, delimiter=source.delimiter)
    id_name = str(source.options.get("id_column", "ID"))
    require_columns(frame, shown, "Canvas gradebook", ["Student", id_name])
    course = course_id_of(source, shown, "Canvas gradebook")
    enrolled_on = required_option_date(
        source, "enrolled_on", shown, "Canvas gradebook", "the course start"
    )
    frame, points = _without_pseudo_rows(frame)
    id_col = find_column(frame.columns, id_name)
    assert id_col
    score_col = find_column(
        frame.columns, str(source.options.get("score_column", "")), "Final Score", "Current Score"
    )
    score = (
        locale_numbers(frame[score_col])
        if score_col
        else pd.Series(float("nan"), index=frame.index)
    )
    section = find_column(frame.columns, "Section")
    account = Accounting(rows_read=len(frame))
    enrollments = pd.DataFrame(
        {
            "learner_id": frame[id_col],
            "course_id": course,
            "offering": frame[section] if section else source.options.get("offering", pd.NA),
            "enrolled_on": enrolled_on.normalize(),
            "status": pd.Series("enrolled", index=frame.index).mask(
                score.notna() & (score > 0), "in_progress"
            ),
            "score": score,
            LINE: frame[LINE],
        }
    )
    return {
        "enrollments": account.attach(enrollments),
        "assessments": _assignments(frame, frame[id_col], course, points),
    }


def _without_pseudo_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series | None]:
    """Drop the "Points Possible" row (and the muted-assignments row before it): they describe
    the assignments, they are not students, so they are not input rows. Keep the points."""
    student = frame[find_column(frame.columns, "Student") or "Student"].astype("string")
    points_mask = student.str.strip().eq("Points Possible").fillna(False)
    id_col = find_column(frame.columns, "ID") or "ID"
    muted = (blank(frame[id_col]) & blank(student)) if id_col in frame else points_mask & False
    points = frame.loc[points_mask].iloc[0] if points_mask.any() else None
    return frame.loc[~(points_mask | muted)], points


def _assignments(
    frame: pd.DataFrame, learners: pd.Series, course: str, points: pd.Series | None
) -> pd.DataFrame:
    parts = []
    for column in frame.columns:
        match = ASSIGNMENT.match(str(column))
        if not match:
            continue
        cells = frame[column].astype("string").str.strip()
        graded = ~blank(cells) & ~cells.isin(NOT_GRADES)
        possible = locale_numbers(pd.Series([points[column]]))[0] if points is not None else 100.0
        scale = 100 / possible if possible and possible > 0 else 1.0
        parts.append(
            pd.DataFrame(
                {
                    "learner_id": learners[graded],
                    "course_id": course,
                    "assessment": match.group("title"),
                    "kind": "assignment",
                    "score": locale_numbers(cells[graded]) * scale,
                    LINE: frame.loc[graded, LINE],
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=["learner_id", "course_id", "assessment", "score", LINE])
    return pd.concat(parts, ignore_index=True)
