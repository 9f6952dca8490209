"""Reading a snapshot.json back: a clear error for a file that is not one, instead of a
traceback in the middle of a diff.

The models check the parts that ``diff`` and ``digest`` read (their names and types); every
other key is kept as it is. A file that is not JSON, nests deeper than any snapshot does, or is
JSON of another shape (``{"format": 1}`` alone is not an empty snapshot) is refused, naming
where it came from and how to make it again.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from generator.domain.errors import AccountabilityError

Number = float | int | None


class _Part(BaseModel):
    model_config = ConfigDict(extra="allow")


class Named(_Part):
    id: str
    name: str


class Assignment(_Part):
    role: str | None = None
    people: list[Named] = []
    group: str | None = None


class GoalRecord(_Part):
    goal: str
    title: str
    scope: str
    member: str | None
    period: str
    status: Literal["met", "at risk", "missed", "no data"] | None
    value: Number = None
    accountable: Assignment
    responsible: list[Assignment] = []


class FindingRecord(_Part):
    id: str
    title: str
    period: str | None = None
    points_at: list[Assignment] = []


class CourseRecord(_Part):
    id: str
    title: str


class PersonRecord(_Part):
    id: str
    name: str
    roles: list[str] = []


class ResponseRecord(_Part):
    goal: str | None = None
    finding: str | None = None
    person: str
    owner: str
    due: date
    status: str | None = None


class SnapshotShape(_Part):
    format: Literal[1, 2]
    version: str
    report_date: date
    period: str
    kpis: dict[str, Number]
    currency: str | None = None
    min_group_size: int | None = None
    goals: list[GoalRecord]
    findings: list[FindingRecord]
    courses: list[CourseRecord]
    people: list[PersonRecord] = []  # format 2
    responses: list[ResponseRecord] = []  # format 2


def parse_snapshot(data: bytes | str, where: str, remedy: str) -> dict[str, Any]:
    """The snapshot in ``data`` as a dict, or AccountabilityError naming ``where`` it came
    from, what is wrong, and ``remedy`` (how to make it again)."""
    try:
        parsed = json.loads(data)
    except json.JSONDecodeError as exc:
        raise AccountabilityError(
            f"{where}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg}); {remedy}"
        ) from None
    except RecursionError:
        raise AccountabilityError(
            f"{where}: nested deeper than any snapshot.json; {remedy}"
        ) from None
    except UnicodeDecodeError as exc:
        raise AccountabilityError(f"{where}: not UTF-8 text ({exc.reason}); {remedy}") from None
    if not isinstance(parsed, dict):
        raise AccountabilityError(
            f"{where}: a snapshot.json holds an object, not {type(parsed).__name__}; {remedy}"
        )
    try:
        SnapshotShape.model_validate(parsed)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(part) for part in first["loc"]) or "(top)"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise AccountabilityError(
            f"{where}: not a snapshot made by `accountability snapshot`: {place}: "
            f"{first['msg']}{more}; {remedy}"
        ) from None
    except RecursionError:
        raise AccountabilityError(
            f"{where}: nested deeper than any snapshot.json; {remedy}"
        ) from None
    return parsed
