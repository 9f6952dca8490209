"""responses/<quarter>.yaml, the optional answers of accountable people to their missed goals
and their findings: the pydantic model (one docstring per field, for README.md's config
reference), and the loading of every file of responses/ with located problems.

The goal and person ids are checked here; a finding's id only exists once the report has found
it, so ``unknown_findings`` is called by the report for the file of its own quarter.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from generator.config.explain import explain
from generator.config.models import Goal, Model, Person
from generator.config.yamlfile import LineMap, line_of, load_yaml
from generator.domain.errors import Problem, ProblemsFound, did_you_mean, known
from generator.domain.periods import parse_quarter

RESPONSES_DIR = "responses"


class Response(Model):
    """One response: what caused a missed goal or a finding, and what will be done by when."""

    goal: str | None = None
    """The id of the goal responded to (goals.yaml); give this or finding, not both."""
    finding: str | None = None
    """The id of the finding responded to (as the findings tables and snapshot.json show it)."""
    person: str
    """Id of the person who responds (roles.yaml); they must hold a role."""
    cause: str
    """What caused the miss or the finding, in a sentence or two."""
    action: str
    """What will be done about it."""
    owner: str
    """Id of the person who owns the action (roles.yaml)."""
    due: datetime.date
    """The date the action is due, as YYYY-MM-DD."""
    status: Literal["open", "done"] = "open"
    """open (default) or done."""

    @field_validator("due", mode="before")
    @classmethod
    def _a_date(cls, value: Any) -> Any:
        """A date, not a number that pydantic would read as seconds since 1970."""
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise ValueError("not a date; write the due date as YYYY-MM-DD, such as 2026-01-31")

    @model_validator(mode="after")
    def _goal_or_finding(self) -> Response:
        if (self.goal is None) == (self.finding is None):
            which = "both" if self.goal is not None else "neither"
            raise ValueError(
                f"names {which} of goal and finding; give exactly one: goal: <goal id> or "
                "finding: <finding id>"
            )
        return self

    @property
    def subject(self) -> str:
        """'goal:<id>' or 'finding:<id>': what the response is about."""
        return f"goal:{self.goal}" if self.goal is not None else f"finding:{self.finding}"


class ResponsesFile(Model):
    """responses/<quarter>.yaml: the responses of accountable people for one fiscal quarter
    (optional, one file per quarter, such as responses/2026-Q3.yaml)."""

    responses: list[Response] = Field(default_factory=list)
    """The responses, each to a goal or a finding."""


OPEN, DONE, OVERDUE = "open", "done", "overdue"


def action_state(status: str | None, due: datetime.date, day: datetime.date) -> str:
    """An action's state on ``day``: done, or open, or overdue (open and due before the day).
    The pages (as of the report date) and diff (as of a snapshot's) read the same rule."""
    if status == DONE:
        return DONE
    return OVERDUE if due < day else OPEN


@dataclass(frozen=True)
class QuarterResponses:
    """The responses of one quarter's file, each with the line it starts on."""

    file: str  # as shown in messages: responses/2026-Q3.yaml
    quarter: str
    responses: tuple[Response, ...] = ()
    lines: tuple[int, ...] = field(default=())


def load_responses(
    project_dir: Path, goals: Iterable[Goal], people: Iterable[Person]
) -> dict[str, QuarterResponses]:
    """Every responses/<quarter>.yaml of the project by quarter label, or ``ProblemsFound``
    with every problem of every file (none without the folder)."""
    folder = project_dir / RESPONSES_DIR
    if not folder.is_dir():
        return {}
    goal_ids = {g.id for g in goals}
    by_id = {p.id: p for p in people}
    problems: list[Problem] = []
    found: dict[str, QuarterResponses] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".yaml", ".yml"):
            continue
        shown = f"{RESPONSES_DIR}/{path.name}"
        quarter = parse_quarter(path.stem.upper())
        if quarter is None or quarter.label != path.stem:
            fix = f"name it {quarter.label}.yaml" if quarter else "name it like 2026-Q3.yaml"
            problems.append(Problem(shown, 0, f"not named for a fiscal quarter; {fix}"))
            continue
        if quarter.label in found:
            other = found[quarter.label].file
            problems.append(
                Problem(shown, 0, f"a second file for {quarter.label} beside {other}; keep one")
            )
            continue
        read = _read(path, shown, problems)
        if read is None:
            continue
        document, model = read
        lines = tuple(
            line_of(document, ("responses", i, "finding" if r.finding is not None else "goal"))
            for i, r in enumerate(model.responses)
        )
        responses = QuarterResponses(shown, quarter.label, tuple(model.responses), lines)
        problems.extend(_id_problems(responses, document, goal_ids, by_id))
        found[quarter.label] = responses
    if problems:
        raise ProblemsFound(problems)
    return found


def _read(path: Path, shown: str, problems: list[Problem]) -> tuple[Any, ResponsesFile] | None:
    try:
        document = load_yaml(path, shown, problems)
    except ProblemsFound as exc:
        problems.extend(exc.problems)
        return None
    if document is None:  # empty or all comments: no responses yet
        document = LineMap()
        document.key_lines = {}
    if not isinstance(document, dict):
        problems.append(Problem(shown, 1, "expected a mapping with the key responses"))
        return None
    try:
        return document, ResponsesFile.model_validate(document)
    except ValidationError as exc:
        problems.extend(explain(exc, document, shown, ResponsesFile))
        return None


def _id_problems(
    responses: QuarterResponses, document: Any, goal_ids: set[str], people: dict[str, Person]
) -> Iterator[Problem]:
    holders = {i for i, p in people.items() if p.roles}
    for index, response in enumerate(responses.responses):
        at = ("responses", index)
        if response.goal is not None and response.goal not in goal_ids:
            yield Problem(
                responses.file,
                line_of(document, (*at, "goal")),
                f"unknown goal '{response.goal}'{did_you_mean(response.goal, goal_ids)}"
                f"{known('goals', goal_ids)}",
            )
        if response.person not in holders:
            what = "holds no role" if response.person in people else "is not in roles.yaml"
            yield Problem(
                responses.file,
                line_of(document, (*at, "person")),
                f"person '{response.person}' {what}; a response is given by someone who holds "
                f"a role{did_you_mean(response.person, holders)}{known('people', holders)}",
            )
        if response.owner not in people:
            yield Problem(
                responses.file,
                line_of(document, (*at, "owner")),
                f"unknown owner '{response.owner}'; the owner is a person of roles.yaml"
                f"{did_you_mean(response.owner, people)}{known('people', people)}",
            )


def unknown_findings(responses: QuarterResponses, finding_ids: set[str]) -> list[Problem]:
    """A response to a finding the report did not find (as of its report date)."""
    return [
        Problem(
            responses.file,
            line,
            f"unknown finding '{response.finding}' in the report of {responses.quarter}"
            f"{did_you_mean(response.finding, finding_ids)}; use an id of the findings "
            "tables (or of snapshot.json's findings)",
        )
        for response, line in zip(responses.responses, responses.lines, strict=True)
        if response.finding is not None and response.finding not in finding_ids
    ]
