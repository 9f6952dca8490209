"""The metrics a goal can name: unit, valid range, direction and evaluation level.

Evaluation levels follow LTEM (Thalheimer's Learning-Transfer Evaluation Model, tiers 1-8),
Kirkpatrick (levels 1-4) and Phillips (level 0: inputs and costs). Completion and enrolment
are attendance (LTEM tier 1): never labelled impact or ROI.
"""

from __future__ import annotations

from dataclasses import dataclass

LEARNER_SCOPES = ("org", "course", "developer", "training_manager", "department")
# The source's own result of an attempt, where it has one (OULAD's final_result, a mapped csv
# column), lower case.
OUTCOMES = ("pass", "merit", "distinction", "fail")
COST_SCOPES = ("org", "course", "developer")


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    unit: str  # count | rate | score | minutes | ratio | money | change | rating
    higher_is_better: bool
    level: str  # shown beside every figure
    definition: str
    scopes: tuple[str, ...] = LEARNER_SCOPES
    # Whose figure it is, for small-group suppression (privacy.py): a key of BASES, or None
    # for figures about money alone (budget, spend).
    basis: str | None = "cohort"

    @property
    def valid_range(self) -> tuple[float | None, float | None]:
        return UNIT_RANGES[self.unit]


# The learners behind a figure: basis -> (the column counting them, the column that adds up
# over a period's quarters or a total's parts, for complementary suppression).
BASES: dict[str, tuple[str, str]] = {
    "cohort": ("learners", "enrollments"),  # the period's enrolled learners
    "completions": ("completions", "completions"),  # those who completed in the period
    "scored": ("scored", "scored"),  # enrolments with a score
    "graded": ("graded", "graded"),  # finished enrolments with a result or a score
    "completers": ("completed", "completed"),  # the cohort's completers (their time)
    "gains": ("gain_learners", "gain_learners"),  # learners with a pre- and a post-test
    "responses": ("responses", "responses"),  # survey answers
}

UNIT_RANGES: dict[str, tuple[float | None, float | None]] = {
    "count": (0, None),
    "rate": (0, 1),
    "score": (0, 100),
    "minutes": (0, None),
    "ratio": (0, None),
    "money": (0, None),
    "change": (-1, None),
    "rating": (1, 5),
}

ATTENDANCE = "LTEM 1 (attendance) · not Kirkpatrick"
ACTIVITY = "LTEM 2 (activity) · not Kirkpatrick"
PERCEPTION = "LTEM 3 (learner perceptions) · Kirkpatrick 1 (reaction)"
KNOWLEDGE = "LTEM 4 (knowledge) · Kirkpatrick 2 (learning)"
COST = "Phillips 0 (inputs and costs)"

_METRICS = [
    Metric(
        "enrollments",
        "Enrolments",
        "count",
        True,
        ATTENDANCE,
        "rows with enrolled_on in the period",
    ),
    Metric(
        "completions",
        "Completions",
        "count",
        True,
        ATTENDANCE,
        "rows with completed_on in the period",
        basis="completions",
    ),
    Metric(
        "completion_rate",
        "Completion rate",
        "rate",
        True,
        ATTENDANCE,
        "share of the period's enrolments whose status is completed as of the report date",
    ),
    Metric(
        "withdrawal_rate",
        "Withdrawal rate",
        "rate",
        False,
        ATTENDANCE,
        "share of the period's enrolments whose status is withdrawn as of the report date",
    ),
    Metric(
        "fail_rate",
        "Fail rate",
        "rate",
        False,
        KNOWLEDGE,
        "share of the period's enrolments whose status is failed as of the report date",
    ),
    Metric(
        "open_enrollments",
        "Still open",
        "count",
        False,
        ATTENDANCE,
        "the period's enrolments still enrolled or in progress at the report date",
    ),
    Metric(
        "average_score",
        "Average score",
        "score",
        True,
        KNOWLEDGE,
        "mean final score (0-100) of the period's enrolments that have one",
        basis="scored",
    ),
    Metric(
        "pass_rate",
        "Pass rate",
        "rate",
        True,
        KNOWLEDGE,
        "share of the period's finished (completed or failed) enrolments with a result that "
        "passed: by the source's own result (pass, merit, distinction or fail) where it gives "
        "one, else a score at least the course's pass mark",
        basis="graded",
    ),
    Metric(
        "median_minutes",
        "Median minutes (completers)",
        "minutes",
        False,
        ACTIVITY,
        "median time spent by the period's completers",
        basis="completers",
    ),
    Metric(
        "minutes_ratio",
        "Time vs expected",
        "ratio",
        False,
        ACTIVITY,
        "median minutes of completers divided by the course's expected minutes",
        basis="completers",
    ),
    Metric(
        "learning_gain",
        "Learning gain",
        "score",
        True,
        KNOWLEDGE,
        "mean of post-test minus pre-test score, learners with both",
        basis="gains",
    ),
    Metric(
        "satisfaction",
        "Satisfaction",
        "rating",
        True,
        PERCEPTION,
        "mean survey rating on a 1-5 scale",
        basis="responses",
    ),
    Metric(
        "module_dropoff",
        "Worst module drop-off",
        "rate",
        False,
        ACTIVITY,
        "largest share of learners lost between one module and the next",
    ),
    Metric("budget", "Budget", "money", True, COST, "the period's training budget", ("org",), None),
    Metric(
        "spend", "Spend", "money", False, COST, "the period's recorded spend", COST_SCOPES, None
    ),
    Metric(
        "budget_utilisation",
        "Budget utilisation",
        "ratio",
        True,
        COST,
        "spend divided by budget",
        ("org",),
        basis=None,
    ),
    Metric(
        "cost_per_completion",
        "Cost per completion",
        "money",
        False,
        COST,
        "spend divided by completions",
        COST_SCOPES,
        basis="completions",
    ),
    Metric(
        "cost_per_learner",
        "Cost per learner",
        "money",
        False,
        COST,
        "spend divided by distinct learners enrolled",
        COST_SCOPES,
    ),
    Metric(
        "budget_yoy_change",
        "Budget change year on year",
        "change",
        True,
        COST,
        "budget divided by the same period's budget a year earlier, minus one",
        ("org",),
        basis=None,
    ),
]

METRICS: dict[str, Metric] = {metric.name: metric for metric in _METRICS}
