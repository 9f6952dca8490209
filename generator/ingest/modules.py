"""Activity matched to the modules a course lists in courses.yaml, in the order listed there.

Exports name what a learner did in their own words ("File: Week1 notes", "Quiz: Week 1 quiz",
"Forum: Introductions"); drop-off by module needs the course's own modules in their order. A
module is found by the words of its title (case, spaces and punctuation aside, whole words and
numbers only: 'Week 1' finds 'Week1' and 'week 1 quiz', not 'Week 10') or by its ``match``
pattern; a text that is a module's title is that module, else the longest title found wins. Activity of a course that lists modules but
matching none of them (course page views, forums) stays activity but has no module order, so it
is not part of the drop-off.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from generator.config import Module

_WORDS = re.compile(r"[^\W\d_]+|\d+")


def words(text: str) -> str:
    """Lower-case words and numbers (without leading zeros: week 07 is week 7), each between
    spaces: ' file week 1 notes '."""
    found = [str(int(w)) if w.isdigit() else w for w in _WORDS.findall(str(text).lower())]
    return " " + " ".join(found) + " "


def module_position(text: str, modules: Sequence[Module]) -> int | None:
    """1-based position of the module ``text`` names, or None: a module whose title it is
    (words compared), else the one with the longest title among those whose title's words or
    ``match`` pattern it contains, the first listed of equals ("Check your understanding: In
    practice" is that module, not the module "In practice"; "Week 1 & Week 2" is week 1)."""
    found = words(text)
    best: tuple[int, int] | None = None  # (-title words, position)
    for position, module in enumerate(modules, start=1):
        title = words(module.title)
        if module.match is None and title == found:
            return position
        if module.match is not None:
            hit = re.search(module.match, str(text), flags=re.IGNORECASE) is not None
        else:
            hit = title.strip() != "" and title in found
        if hit and (best is None or (-len(title.split()), position) < best):
            best = (-len(title.split()), position)
    return None if best is None else best[1]


def match_modules(
    activity: pd.DataFrame, modules: Mapping[str, Sequence[Module]]
) -> tuple[pd.DataFrame, int]:
    """``activity`` (raw: course_id, module, optional module_order) with the modules of courses
    that list them, and how many of those courses' rows matched none. Each distinct course and
    module text is matched once."""
    if activity.empty or not modules or "module" not in activity:
        return activity, 0
    course = activity["course_id"].astype("string").str.strip()
    listed = course.isin(list(modules)).to_numpy(dtype=bool, na_value=False)
    if not listed.any():
        return activity, 0
    pairs = pd.DataFrame({"course": course[listed], "text": activity["module"][listed]})
    distinct = pairs.drop_duplicates()
    positions = [
        module_position(text, modules[c]) if not pd.isna(text) else None
        for c, text in zip(distinct["course"], distinct["text"], strict=True)
    ]
    distinct = distinct.assign(position=pd.array(positions, dtype="Float64"))
    matched = pairs.merge(distinct, on=["course", "text"], how="left")["position"].to_numpy(
        dtype="float64", na_value=np.nan
    )
    titles = {
        (c, float(p)): modules[c][int(p) - 1].title
        for c, p in zip(distinct["course"], distinct["position"], strict=True)
        if not pd.isna(p)
    }
    result = activity.copy()
    if "module_order" in result:
        order = pd.to_numeric(result["module_order"], errors="coerce").astype("float64")
    else:
        order = pd.Series(np.nan, index=result.index, dtype="float64")
    order[listed] = matched
    module = result["module"].astype(object)
    module[listed] = [
        titles.get((c, p), text)
        for c, p, text in zip(pairs["course"], matched, pairs["text"], strict=True)
    ]
    result["module"] = module
    result["module_order"] = order
    return result, int(np.isnan(matched).sum())
