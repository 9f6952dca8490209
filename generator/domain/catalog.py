"""The metrics a goal can name, each defined once: label, unit and valid range, direction,
evaluation level, whose figure it is (for suppression) and how it is made from the counts.

Adding a metric: add it here (its ``formula`` when it is a count or a ratio of two of the
``SUMS``, which makes the metric tables, goals over a course filter and years to date derive it
with no other change), then compute its columns in report/metrics.py if it is not such a ratio.

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
WORKFORCE_SCOPES = ("org", "department")  # the HR roster's figures: per department at most
LMS, WORKFORCE = "lms", "workforce"  # where a metric's figures come from


# Counts and sums the engine gives per member and period (and spend, from budgets.yaml): each
# adds up over a year's quarters and over a total's parts, so a figure made from them alone can
# be made again for any union of parts (a year to date, the courses a goal filters on).
SUMS = (
    "enrollments",
    "completions",
    "completed",
    "failed",
    "withdrawn",
    "open",
    "scored",
    "score_sum",
    "learning_hours",
    "graded",
    "passed",
    "gain_learners",
    "gain_sum",
    "responses",
    "rating_sum",
    "spend",
)


@dataclass(frozen=True)
class Ratio:
    """A figure that is one column of the metric tables divided by another."""

    numerator: str
    denominator: str


# How a metric is made: the column it counts, the ratio of two columns, or None where it is
# neither (medians, drop-off, distinct learners, year-on-year change): report/metrics.py says.
Formula = str | Ratio | None


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    unit: str  # count | rate | share | score | minutes | ratio | money | change | rating
    higher_is_better: bool
    level: str  # shown beside every figure
    definition: str
    scopes: tuple[str, ...] = LEARNER_SCOPES
    # Whose figure it is, for small-group suppression (privacy.py): a key of BASES, or None
    # for figures about money alone (budget, spend).
    basis: str | None = "cohort"
    formula: Formula = None
    # LMS: the metric tables (report/metrics.py); WORKFORCE: the HR roster joined to the
    # completions (report/workforce_metrics.py), with basis "employees"
    source: str = LMS
    yearly: bool = False  # figures per fiscal year only: goals over 'all' periods take years

    @property
    def valid_range(self) -> tuple[float | None, float | None]:
        return UNIT_RANGES[self.unit]

    @property
    def is_cost(self) -> bool:
        """Made from budgets.yaml's money (pages say when its figures are illustrative)."""
        return self.level == COST

    @property
    def inputs(self) -> tuple[str, ...]:
        """The columns the formula reads (none when the metric has no formula)."""
        if isinstance(self.formula, Ratio):
            return (self.formula.numerator, self.formula.denominator)
        return (self.formula,) if self.formula else ()

    @property
    def additive(self) -> bool:
        """Made from SUMS alone: the figure of a union of parts is made from the parts' sums."""
        return bool(self.inputs) and all(column in SUMS for column in self.inputs)


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
    "share": (0, None),  # a rate that may pass 100% (spend over budget)
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
HR = "HR measure · not a training evaluation level"

_METRICS = [
    Metric(
        "enrollments",
        "Enrolments",
        "count",
        True,
        ATTENDANCE,
        "rows with enrolled_on in the period",
        formula="enrollments",
    ),
    Metric(
        "completions",
        "Completions",
        "count",
        True,
        ATTENDANCE,
        "rows with completed_on in the period",
        basis="completions",
        formula="completions",
    ),
    Metric(
        "completion_rate",
        "Completion rate",
        "rate",
        True,
        ATTENDANCE,
        "share of the period's enrolments whose status is completed as of the report date",
        formula=Ratio("completed", "enrollments"),
    ),
    Metric(
        "withdrawal_rate",
        "Withdrawal rate",
        "rate",
        False,
        ATTENDANCE,
        "share of the period's enrolments whose status is withdrawn as of the report date",
        formula=Ratio("withdrawn", "enrollments"),
    ),
    Metric(
        "fail_rate",
        "Fail rate",
        "rate",
        False,
        KNOWLEDGE,
        "share of the period's enrolments whose status is failed as of the report date",
        formula=Ratio("failed", "enrollments"),
    ),
    Metric(
        "open_enrollments",
        "Still open",
        "count",
        False,
        ATTENDANCE,
        "the period's enrolments still enrolled or in progress at the report date",
        formula="open",
    ),
    Metric(
        "average_score",
        "Average score",
        "score",
        True,
        KNOWLEDGE,
        "mean final score (0-100) of the period's enrolments that have one",
        basis="scored",
        formula=Ratio("score_sum", "scored"),
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
        formula=Ratio("passed", "graded"),
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
        formula=Ratio("gain_sum", "gain_learners"),
    ),
    Metric(
        "satisfaction",
        "Satisfaction",
        "rating",
        True,
        PERCEPTION,
        "mean survey rating on a 1-5 scale",
        basis="responses",
        formula=Ratio("rating_sum", "responses"),
    ),
    Metric(
        "module_dropoff",
        "Worst module drop-off",
        "rate",
        False,
        ACTIVITY,
        "largest share of learners lost between one module and the next",
    ),
    Metric(
        "budget",
        "Budget",
        "money",
        True,
        COST,
        "the period's training budget",
        ("org",),
        basis=None,
        formula="budget",
    ),
    Metric(
        "spend",
        "Spend",
        "money",
        False,
        COST,
        "the period's recorded spend",
        COST_SCOPES,
        basis=None,
        formula="spend",
    ),
    Metric(
        "budget_utilisation",
        "Budget utilisation",
        "share",
        True,
        COST,
        "spend divided by budget",
        ("org",),
        basis=None,
        formula=Ratio("spend", "budget"),
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
        formula=Ratio("spend", "completions"),
    ),
    Metric(
        "cost_per_learner",
        "Cost per learner",
        "money",
        False,
        COST,
        "spend divided by distinct learners enrolled",
        COST_SCOPES,
        formula=Ratio("spend", "learners"),
    ),
    Metric(
        "cost_per_learning_hour",
        "Cost per learning hour",
        "money",
        False,
        COST,
        "spend divided by the hours the period's enrolments spent in the course, of those "
        "whose export records the time (a course whose export has none has no figure)",
        COST_SCOPES,
        formula=Ratio("spend", "learning_hours"),
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

# From the HR roster (config/workforce.yaml and a source with table: roster): no figures
# without one.
_WORKFORCE_METRICS = [
    Metric(
        "headcount_reach",
        "Headcount reached",
        "rate",
        True,
        ATTENDANCE,
        "share of the employees on the roster on the fiscal year's last day (or the report "
        "date) who completed a course in the year",
        WORKFORCE_SCOPES,
        basis="employees",
        source=WORKFORCE,
        yearly=True,
    ),
    Metric(
        "turnover_rate",
        "Turnover",
        "share",
        False,
        HR,
        "the fiscal year's leavers divided by the average of its first and last day's headcount",
        WORKFORCE_SCOPES,
        basis="employees",
        source=WORKFORCE,
        yearly=True,
    ),
    Metric(
        "compliance_rate",
        "Required courses in date",
        "rate",
        True,
        ATTENDANCE,
        "of the required courses of every role holder on the period's last day (or the report "
        "date), exempt ones left out, the share on track or due soon (not overdue or expired)",
        WORKFORCE_SCOPES,
        basis="employees",
        source=WORKFORCE,
    ),
    Metric(
        "competence_coverage",
        "Competence coverage",
        "rate",
        True,
        ATTENDANCE,
        "share of the role holders on the period's last day (or the report date) with a valid "
        "completion of, or an exemption from, every course their job role requires",
        WORKFORCE_SCOPES,
        basis="employees",
        source=WORKFORCE,
    ),
    Metric(
        "cost_per_employee",
        "Spend per employee",
        "money",
        False,
        COST,
        "the fiscal year's spend divided by the headcount on its last day (or the report date)",
        ("org",),
        basis=None,
        source=WORKFORCE,
        yearly=True,
    ),
]

METRICS: dict[str, Metric] = {m.name: m for m in [*_METRICS, *_WORKFORCE_METRICS]}
