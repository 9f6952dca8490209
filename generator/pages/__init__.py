"""Pages: the report as ``{relative path: Markdown}``, chart specs and CSV downloads.

Pure: takes a ``Report`` and returns a ``PageSet``; the site stage writes it. At scale the
course pages are rendered by forked copies of this process while it renders the other pages
(``course_pages``). Every text that comes from YAML or an export passes through
``formatting.text`` (or Jinja's ``md`` filter) so it shows as text, never as Markdown or HTML.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined

from generator.charts import specs as charts
from generator.config import Course, Person, Project
from generator.domain.catalog import COST, METRICS, OUTCOMES
from generator.domain.errors import BuildError
from generator.domain.paths import slugs
from generator.domain.periods import chronological_key
from generator.ingest.canonical import Reason
from generator.pages.formatting import DASH, Formatter, is_missing, link, text
from generator.report import Report
from generator.report.findings import COST_FINDINGS, Finding
from generator.report.goals import (
    AT_RISK,
    MET,
    MISSED,
    NO_DATA,
    STATUSES,
    Assignment,
    GoalResult,
    filtered_table,
)
from generator.report.metrics import Row
from generator.report.offerings import STATUS_COUNTS, Run, published_runs
from generator.report.privacy import CODE_COLUMN, reason, suppressed_cells, why_hidden

HEADLINE = [
    "enrollments",
    "completions",
    "completion_rate",
    "average_score",
    "pass_rate",
    "median_minutes",
    "spend",
    "budget_utilisation",
    "cost_per_completion",
]
COURSE_KPIS = [
    "enrollments",
    "completions",
    "completion_rate",
    "withdrawal_rate",
    "fail_rate",
    "open_enrollments",
    "average_score",
    "pass_rate",
    "median_minutes",
    "minutes_ratio",
    "learning_gain",
    "satisfaction",
    "module_dropoff",
    "spend",
    "cost_per_completion",
    "cost_per_learner",
]
PERIOD_KPIS = [
    "budget",
    "spend",
    "budget_utilisation",
    "budget_yoy_change",
    "completions",
    "cost_per_completion",
    "cost_per_learner",
    "enrollments",
    "completion_rate",
    "average_score",
]
# Symbols every system font has (no emoji font is needed offline), coloured by the stylesheet.
STATUS_ICON = {
    "met": '<span class="ta-status ta-met">✔ met</span>',
    "at risk": '<span class="ta-status ta-at-risk">▲ at risk</span>',
    "missed": '<span class="ta-status ta-missed">✘ missed</span>',
    "no data": '<span class="ta-status ta-no-data">○ no data</span>',
}
NOT_MET = ("missed", "at risk", "no data")
# Goal-result tables whose length grows with the number of courses (role, period and developer
# pages) show this many rows, the most important first; the complete list is a CSV download.
ROW_CAP = 25
STATUS_RANK = {MISSED: 0, AT_RISK: 1, NO_DATA: 2, MET: 3}
STATUS_WORDS = {MISSED: "missed", AT_RISK: "at risk", NO_DATA: "without data", MET: "met"}


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    download: str | None = None  # relative path of the CSV from the page
    more: int = 0  # rows left out here; the download holds them all
    order: str = ""  # how the rows are ordered, said above the table


@dataclass
class PageSet:
    markdown: dict[str, str] = field(default_factory=dict)
    charts: dict[str, charts.Spec] = field(default_factory=dict)  # svg path -> spec
    # svg path -> digest of the chart's Markdown block (its spec, image and title): the SVG
    # of an unchanged block need not be drawn again (generator/cache/svgs.py)
    chart_keys: dict[str, str] = field(default_factory=dict)
    downloads: dict[str, str] = field(default_factory=dict)  # csv path -> text
    nav: list[Any] = field(default_factory=list)
    # course id -> (digest of what its page is made from, its page and charts), for the next
    # build to keep (course_pages); empty when render_pages was given no previous pages
    course_cache: dict[str, tuple[str, PageSet]] = field(default_factory=dict)

    def merge(self, other: PageSet) -> None:
        """Add the pages, charts and downloads another process rendered."""
        self.markdown.update(other.markdown)
        self.charts.update(other.charts)
        self.chart_keys.update(other.chart_keys)
        self.downloads.update(other.downloads)


class Context:
    """What every page needs: the report, slugs for file names, formatting, chart collection."""

    def __init__(self, report: Report, pages: PageSet):
        self.report, self.pages = report, pages
        project = report.project
        self.project: Project = project
        self.fmt = Formatter(project.settings.currency, project.settings.min_group_size)
        self.metrics = report.metrics
        self.table = report.metrics.table
        self.course_slug = slugs("course", project.course_by_id)
        self.person_slug = slugs("person", project.person_by_id)
        self.role_slug = slugs("role", [r.id for r in project.roles])
        self.goal_slug = slugs("goal", [g.id for g in project.goals])
        departments = self.table.loc[
            (self.table["scope"] == "department") & (self.table["enrollments"] > 0), "member"
        ].unique()
        self.departments = sorted(str(d) for d in departments)
        self.department_slug = slugs("department", self.departments)
        self.period_slug = {p: p.lower() for p in self.metrics.quarters + self.metrics.years}
        # Indexes built once: looking things up per course by filtering whole frames or lists
        # would make the report quadratic in the number of courses.
        self.goals_of = _grouped(report.goals, lambda r: (r.scope, r.member))
        self.findings_of = _grouped(report.findings, lambda f: (f.scope, f.member))
        self._breakdowns: dict[str, dict[tuple[str, str], list[dict[str, Any]]]] = {}
        self._scope_rows: dict[str, pd.DataFrame] = {}
        self._scope_period_rows: dict[str, dict[str, pd.DataFrame]] = {}
        self.modules_of = ColumnsBy(self.metrics.modules, ["course_id", "period"])
        self.runs_of = published_runs(
            self.metrics, project.calendar, project.settings.min_group_size
        )
        offerings = self.metrics.offerings
        self.outcomes_of = {
            str(course): [o for o in OUTCOMES if int(group[f"outcome_{o}"].sum()) > 0]
            for course, group in offerings.groupby("course_id", sort=False)
        }
        self.distributions_of = ColumnsBy(
            self.metrics.distributions, ["scope", "member", "measure", "period"]
        )
        self.latest_quarter = self.metrics.quarters[-1] if self.metrics.quarters else ""
        self.latest_year = self.metrics.years[-1] if self.metrics.years else ""
        # 0 for the newest period; a fiscal year comes right after its own quarters
        self.period_age = {
            p: age
            for age, p in enumerate(
                sorted(
                    self.metrics.quarters + self.metrics.years, key=chronological_key, reverse=True
                )
            )
        }
        self.goal_order = {g.id: i for i, g in enumerate(project.goals)}

    # -- lookups
    def row(self, scope: str, member: str, period: str) -> Row | None:
        return self.metrics.row(scope, member, period)

    def scope_rows(self, scope: str, period: str | None = None) -> pd.DataFrame:
        """The metrics table's rows of one scope (and period): each scope is split out of the
        whole table once, as every period page asks again."""
        if scope not in self._scope_rows:
            self._scope_rows[scope] = self.table[self.table["scope"] == scope]
        rows = self._scope_rows[scope]
        if period is None:
            return rows
        if scope not in self._scope_period_rows:
            by_period = rows.groupby("period", sort=False, observed=True)
            self._scope_period_rows[scope] = {str(p): group for p, group in by_period}
        return self._scope_period_rows[scope].get(period, rows[:0])

    def breakdown_rows(self, by: str, member: str, period: str, order: str) -> list[dict[str, Any]]:
        """One course's departments (``by="course_id"``) or one department's courses in a
        period, as dicts ordered by ``order``. Each period's rows are indexed once: a pandas
        filter and sort per page cost milliseconds, thousands of times."""
        if period not in self._breakdowns:
            self._breakdowns[period] = _breakdown_index(self.metrics.breakdown, period)
        rows = self._breakdowns[period].get((by, member), [])
        return sorted(rows, key=lambda r: str(r[order]))

    def person_name(self, person_id: str) -> str:
        person = self.project.person_by_id.get(person_id)
        return person.name if person else person_id

    def course_title(self, course_id: str) -> str:
        course = self.project.course_by_id.get(course_id)
        return course.title if course else course_id

    def member_name(self, scope: str, member: str) -> str:
        if scope == "course":
            return self.course_title(member)
        if scope in ("developer", "training_manager"):
            return self.person_name(member)
        return "Organisation" if scope == "org" else member

    # -- links from a page at ``depth`` folders below site_src
    def up(self, depth: int) -> str:
        return "../" * depth

    def course_link(self, course_id: str, depth: int) -> str:
        if course_id not in self.course_slug:
            return text(course_id)
        return link(
            self.course_title(course_id),
            f"{self.up(depth)}courses/{self.course_slug[course_id]}.md",
        )

    def person_link(self, person_id: str, depth: int) -> str:
        person = self.project.person_by_id.get(person_id)
        if person and "course-developer" in person.roles:
            return link(person.name, f"{self.up(depth)}developers/{self.person_slug[person_id]}.md")
        return text(self.person_name(person_id))

    def role_link(self, role_id: str, depth: int) -> str:
        role = next((r for r in self.project.roles if r.id == role_id), None)
        if role is None:
            return text(role_id)
        return link(role.title, f"{self.up(depth)}roles/{self.role_slug[role_id]}.md")

    def department_link(self, department: str, depth: int) -> str:
        if department not in self.department_slug:
            return text(department)
        return link(
            department, f"{self.up(depth)}departments/{self.department_slug[department]}.md"
        )

    def period_link(self, period: str, depth: int) -> str:
        if period not in self.period_slug:
            return text(period)
        return link(period, f"{self.up(depth)}periods/{self.period_slug[period]}.md")

    def member_link(self, scope: str, member: str, depth: int) -> str:
        if scope == "course":
            return self.course_link(member, depth)
        if scope in ("developer", "training_manager"):
            return self.person_link(member, depth)
        if scope == "department":
            return self.department_link(member, depth)
        return "Organisation"

    def assignment(self, assignment: Assignment, depth: int) -> str:
        if assignment.group:
            return text(assignment.group)
        if not assignment.people:
            return f"nobody holds {text(assignment.role)}"
        return ", ".join(self.person_link(p, depth) for p in assignment.people)

    # -- figures
    def figure(self, row: Row | None, metric: str) -> str:
        """A figure of a published metric row, or why it is hidden."""
        if row is None:
            return DASH
        why = why_hidden(row, metric, self.fmt.min_group_size)
        return text(why) if why else self.fmt.value(metric, row.get(metric))

    def change(self, row: Row | None, metric: str) -> str:
        if row is None:
            return DASH
        return self.fmt.change(metric, row.get(f"{metric}__change"))

    def label(self, metric: str) -> str:
        """A metric's label: "Spend (illustrative)" for a cost metric when budgets.yaml says
        its figures are invented."""
        m = METRICS[metric]
        return self.costs_label(m.label) if m.level == COST else m.label

    def costs_label(self, label: str) -> str:
        """A column of cost figures, such as "Cost per completion", with "(illustrative)"."""
        return f"{label} (illustrative)" if self.project.budgets_illustrative else label

    def chart(self, page: str, name: str, spec: charts.Spec, title: str) -> str:
        """Register a chart for ``page`` and return its Markdown block."""
        folder = page.rsplit("/", 1)[0] + "/" if "/" in page else ""
        stem = page.rsplit("/", 1)[-1].removesuffix(".md")
        svg_path = f"{folder}charts/{stem}-{name}.svg"
        self.pages.charts[svg_path] = spec
        block = charts.chart_block(f"{stem}-{name}", spec, f"charts/{stem}-{name}.svg", title)
        self.pages.chart_keys[svg_path] = hashlib.sha256(block.encode("utf-8")).hexdigest()
        return block

    def download(self, page: str, name: str, table: pd.DataFrame | Records) -> str:
        depth = page.count("/")
        path = f"downloads/{name}.csv"
        self.pages.downloads[path] = csv_text(table)
        return f"{self.up(depth)}{path}"


T = TypeVar("T")


def _grouped(
    items: Iterable[T], key: Callable[[T], tuple[str, str]]
) -> dict[tuple[str, str], list[T]]:
    groups: dict[tuple[str, str], list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def _breakdown_index(
    breakdown: pd.DataFrame, period: str
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The course x department rows of ``period``, keyed by ("course_id", id) and by
    ("department", name)."""
    rows = breakdown[breakdown["period"] == period]
    columns = {name: rows[name].tolist() for name in rows.columns}
    index: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for values in zip(*columns.values(), strict=True):
        row = dict(zip(columns, values, strict=True))
        index.setdefault(("course_id", str(row["course_id"])), []).append(row)
        index.setdefault(("department", str(row["department"])), []).append(row)
    return index


class ColumnsBy:
    """The rows of a frame that share a key, as column lists, in frame order: one grouping of
    the whole frame, then a take per lookup (a page needs a few rows; a DataFrame filter or a
    frame per group costs far more than the rows)."""

    def __init__(self, frame: pd.DataFrame, keys: list[str]):
        self._at = frame.groupby(keys, sort=False).indices if not frame.empty else {}
        self._arrays = {c: frame[c].to_numpy() for c in frame.columns}

    def get(self, key: tuple[Any, ...]) -> dict[str, list[Any]] | None:
        at = self._at.get(key)
        if at is None:
            return None
        return {c: values[at].tolist() for c, values in self._arrays.items()}


def _int(value: object) -> int | None:
    return None if is_missing(value) else int(float(value))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Records:
    """Rows for a download that never were a frame (goal results, findings): building a
    DataFrame only to write it out again cost more than the rest of such a page."""

    columns: list[str]
    rows: list[dict[str, Any]]


def csv_text(table: pd.DataFrame | Records) -> str:
    """CSV a spreadsheet opens safely: formula-like text cells are prefixed with an apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    if isinstance(table, Records):
        writer.writerows([_csv_cell(row.get(c)) for c in table.columns] for row in table.rows)
        return buffer.getvalue()
    # Column by column through tolist(): iterating rows of Arrow-backed columns is ~10x slower.
    columns = [_csv_column(table.iloc[:, i]) for i in range(table.shape[1])]
    writer.writerows(zip(*columns, strict=True))
    return buffer.getvalue()


def _csv_column(column: pd.Series) -> list[object]:
    """The cells of a column as ``_csv_cell`` makes them; numbers without a check per cell."""
    kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else ""
    if kind and kind in "iub":
        return column.tolist()
    if kind == "f":
        return ["" if v != v else round(v, 6) for v in column.tolist()]
    return [_csv_cell(v) for v in column.tolist()]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would run


def _csv_cell(value: object) -> object:
    if isinstance(value, str):  # most cells; is_missing only for text that could read "nan"
        if value[:1] in FORMULA_STARTS:
            return "'" + value
        return "" if len(value.strip()) <= 4 and is_missing(value) else value  # "+nan" at most
    if is_missing(value):
        return ""
    if isinstance(value, float):
        return round(value, 6)
    return value


# ---------------------------------------------------------------- templates

_env = Environment(
    loader=PackageLoader("generator.pages", "templates"),
    undefined=StrictUndefined,
    autoescape=False,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["md"] = text


def _render(template: str, **values: Any) -> str:
    return _env.get_template(template).render(**values)


def markdown_table(table: Table) -> str:
    if not table.rows:
        return "_Nothing to show._\n"
    lines = [f"_{table.order}_", ""] if table.order else []
    lines += [
        "| " + " | ".join(table.headers) + " |",
        "|" + "|".join(" --- " for _ in table.headers) + "|",
    ]
    lines += ["| " + " | ".join(cell or DASH for cell in row) + " |" for row in table.rows]
    if table.more and table.download:
        lines += [
            "",
            f"… and {table.more:,} more: [download all {len(table.rows) + table.more:,} as CSV]"
            f"({table.download}){{ .ta-download }}",
        ]
    elif table.download:
        lines += ["", f"[Download as CSV]({table.download}){{ .ta-download }}"]
    return "\n".join(lines) + "\n"


def markdown_goal_section(section: GoalSection) -> str:
    """The list alone when it is complete; else the summary per goal first."""
    if not section.results.more:
        return markdown_table(section.results)
    return (
        "Per goal and period, how many of the scopes it covers (courses, departments, people) "
        "had each status:\n\n"
        + markdown_table(section.summary)
        + "\n"
        + markdown_table(section.results)
    )


_env.globals["table"] = markdown_table
_env.globals["goal_section"] = markdown_goal_section


# ---------------------------------------------------------------- the pages


def render_pages(
    report: Report,
    workers: int | None = None,
    previous: Mapping[str, tuple[str, PageSet]] | None = None,
    keys: Mapping[str, str] | None = None,
) -> PageSet:
    """Every page of the report; course pages on ``workers`` processes (default: one per core
    from MIN_COURSES_FOR_WORKERS courses up) while this process renders the other pages.
    ``previous``: the ``course_cache`` of an earlier build, whose course pages are kept where
    nothing they are made from changed."""
    ctx = Context(report, PageSet())
    first = ctx.pages
    overview(ctx)
    goals_page(ctx)
    with course_pages(ctx, report.project.courses, workers, previous, keys or {}) as courses:
        ctx.pages = rest = PageSet()
        index_courses(ctx)
        offerings_download(ctx)
        # Every holder of the role has a page (the role page links them all), with or
        # without courses of their own.
        developers = sorted(
            {c.developer for c in report.project.courses}
            | {p.id for p in report.project.holders("course-developer")}
        )
        for developer in developers:
            developer_page(ctx, developer)
        index_developers(ctx, developers)
        for period in ctx.metrics.quarters + ctx.metrics.years:
            period_page(ctx, period)
        index_periods(ctx)
        for role in report.project.roles:
            role_page(ctx, role.id)
        index_roles(ctx)
        for department in ctx.departments:
            department_page(ctx, department)
        index_departments(ctx)
        data_quality(ctx)
        methodology(ctx)
    pages = PageSet()
    for part in (first, courses, rest):  # the same order however the course pages were made
        pages.merge(part)
    pages.nav = navigation(ctx)
    pages.course_cache = courses.course_cache
    return pages


# Below this many courses, forking workers costs more than the pages they would render.
MIN_COURSES_FOR_WORKERS = 200
_forked_context: Context | None = None  # what forked workers render from (never pickled)


def page_workers() -> int:
    """ACCOUNTABILITY_WORKERS, else the cores this process may use."""
    configured = os.environ.get("ACCOUNTABILITY_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextlib.contextmanager
def course_pages(
    ctx: Context,
    courses: Sequence[Course],
    workers: int | None = None,
    previous: Mapping[str, tuple[str, PageSet]] | None = None,
    keys: Mapping[str, str] | None = None,
) -> Iterator[PageSet]:
    """One page per course, the bulk of the site, in the PageSet this yields (complete when the
    ``with`` block ends). With ``previous`` pages, a course whose digest in ``keys`` (generator.cache.pages)
    digest is the one its previous page was made with keeps that page. From
    MIN_COURSES_FOR_WORKERS courses up, the courses to render are cut into one contiguous share
    per worker, each rendered by a forked process (it inherits the report, so nothing large is
    pickled, and only its pages come back) while the ``with`` block renders the other pages
    here; merged in course order, the pages are those of one process."""
    rendered = PageSet()
    keys = keys or {}
    kept = {
        c.id: previous[c.id][1]
        for c in courses
        if previous is not None and c.id in previous and previous[c.id][0] == keys.get(c.id)
    }
    todo = [c for c in courses if c.id not in kept]
    made: dict[str, PageSet] = {}
    workers = min(workers or page_workers(), len(todo))
    can_fork = "fork" in multiprocessing.get_all_start_methods()  # not on Windows
    if workers <= 1 or len(todo) < MIN_COURSES_FOR_WORKERS or not can_fork:
        made.update(_render_courses(ctx, [c.id for c in todo]))
        yield rendered
    else:
        yield from _forked(ctx, todo, workers, rendered, made)
    for course in courses:
        part = kept[course.id] if course.id in kept else made[course.id]
        rendered.merge(part)
        if keys:
            rendered.course_cache[course.id] = (keys[course.id], part)


def _forked(
    ctx: Context, todo: list[Course], workers: int, rendered: PageSet, made: dict[str, PageSet]
) -> Iterator[PageSet]:
    """course_pages' forked workers: yields while they render, then adds their pages."""
    size = -(-len(todo) // workers)
    shares = [[c.id for c in todo[i : i + size]] for i in range(0, len(todo), size)]
    global _forked_context
    _forked_context = ctx
    try:
        fork = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(len(shares), mp_context=fork) as pool:
            futures = [pool.submit(_render_course_share, share) for share in shares]
            yield rendered
            for future in futures:
                made.update(future.result())
    except BrokenProcessPool as exc:  # a worker killed (out of memory, a signal), not a bug
        raise BuildError(
            f"a course-page worker process stopped ({exc}); build again with "
            "ACCOUNTABILITY_WORKERS=1 to render every page in one process"
        ) from None
    finally:
        _forked_context = None


def _render_courses(ctx: Context, course_ids: list[str]) -> dict[str, PageSet]:
    """Each course's page and charts, a PageSet per course."""
    made = {}
    for course_id in course_ids:
        ctx.pages = made[course_id] = PageSet()
        course_page(ctx, ctx.project.course_by_id[course_id])
    return made


def _render_course_share(course_ids: list[str]) -> dict[str, PageSet]:
    """In a forked worker: the pages of these courses only."""
    assert _forked_context is not None, "a course-page worker must be forked by course_pages"
    return _render_courses(_forked_context, course_ids)


def _header(ctx: Context, costs: bool = False) -> dict[str, Any]:
    """What _header.md.j2 shows; ``costs``: the page shows cost figures or cost findings, so
    it says so when budgets.yaml's are illustrative."""
    return {
        "organisation": ctx.project.settings.organisation,
        "report_date": ctx.metrics.report_date.isoformat(),
        "latest_quarter": ctx.latest_quarter,
        "latest_year": ctx.metrics.period_title(ctx.latest_year),  # "FY2026 to date"
        "min_group": ctx.project.settings.min_group_size,
        "illustrative_note": _illustrative_note(ctx) if costs else "",
    }


def _illustrative_note(ctx: Context) -> str:
    """The text of the page's "Illustrative budgets" notice ('' when the budgets are real)."""
    if not ctx.project.budgets_illustrative:
        return ""
    note = (
        "The budget and spend figures are invented, for illustration: budgets, spend, budget "
        "use, costs per completion and per learner, and the findings and goals about them "
        "describe no real money."
    )
    return f"{note} {text(ctx.project.budgets_note)}".strip()


def _costs_shown(results: Iterable[GoalResult], findings: Iterable[Finding]) -> bool:
    """Whether goal results or findings on a page are about cost figures."""
    return any(METRICS[r.metric].level == COST for r in results if r.metric in METRICS) or any(
        f.kind in COST_FINDINGS for f in findings
    )


def kpi_table(
    ctx: Context, scope: str, member: str, metrics: Sequence[str], periods: Sequence[str]
) -> Table:
    headers = (
        ["Metric"]
        + [h for p in periods for h in (text(ctx.metrics.period_title(p)), "change")]
        + ["Evaluation level"]
    )
    rows = []
    for metric in metrics:
        cells = [text(ctx.label(metric))]
        for period in periods:
            row = ctx.row(scope, member, period)
            cells += [ctx.figure(row, metric), ctx.change(row, metric)]
        rows.append([*cells, text(METRICS[metric].level)])
    return Table(headers, rows)


def _trend_columns(ctx: Context, scope: str, member: str, metric: str) -> dict[str, list[Any]]:
    series = ctx.metrics.series(scope, member, ["period", metric])
    values = [None if is_missing(v) else float(v) for v in series[metric].tolist()]
    return {"period": series["period"].tolist(), "value": values}


def trend(
    ctx: Context,
    page: str,
    name: str,
    scope: str,
    member: str,
    metric: str,
    title: str,
    target: float | None = None,
) -> str:
    columns = _trend_columns(ctx, scope, member, metric)
    if all(v is None for v in columns["value"]):
        return ""
    m = METRICS[metric]
    unit = (
        "rate"
        if m.unit == "rate"
        else (
            "money" if m.unit == "money" else "score" if m.unit in ("score", "rating") else "count"
        )
    )
    spec = charts.trend_chart(
        columns,
        title=title,
        value_title=ctx.label(metric),
        unit=unit,
        currency=ctx.project.settings.currency,
        target=target,
    )
    return ctx.chart(page, name, spec, title)


def results_table(
    ctx: Context, results: Iterable[GoalResult], depth: int, *, show_goal: bool = True
) -> Table:
    headers = (["Goal"] if show_goal else []) + [
        "Scope",
        "Period",
        "Status",
        "Value",
        "Target",
        "Accountable",
        "Responsible",
    ]
    rows = []
    for r in results:
        cells = [link(r.title, f"{ctx.up(depth)}goals.md#{r.goal_id_anchor}")] if show_goal else []
        value = DASH if r.value is None else ctx.fmt.value(r.metric, r.value)
        if r.status == NO_DATA and r.note:
            value = text(r.note)
        cells += [
            ctx.member_link(r.scope, r.member, depth),
            ctx.period_link(r.period, depth),
            STATUS_ICON[r.status],
            value,
            f"{text(r.comparator)} {ctx.fmt.value(r.metric, r.target_value)}",
            ctx.assignment(r.accountable, depth),
            "; ".join(ctx.assignment(a, depth) for a in r.responsible) or DASH,
        ]
        rows.append(cells)
    return Table(headers, rows)


@dataclass
class GoalSection:
    """Goal results that grow with the number of courses: a summary per goal and period
    (bounded by goals × periods), then the ``ROW_CAP`` most important results."""

    summary: Table
    results: Table


def goal_section(
    ctx: Context,
    page: str,
    name: str,
    results: Iterable[GoalResult | tuple[str, GoalResult]],
    *,
    statuses: Sequence[str] = NOT_MET,
) -> GoalSection:
    """``results`` are goal results, or (what the role is, goal result) pairs for a role that
    is responsible, consulted or informed. The complete list is ``downloads/{name}.csv``,
    linked below the table. It is written even when every row shows (or there is none): the
    site's set of files then stays the same when a goal's target moves a table across the
    cap, so the next build can still be incremental."""
    depth = page.count("/")
    pairs = [r if isinstance(r, tuple) else ("", r) for r in results]
    role_is = any(kind for kind, _ in pairs)
    ranked = sorted(pairs, key=lambda pair: _importance(ctx, *pair))
    shown = ranked[:ROW_CAP]
    if role_is:
        table = Table(
            ["Goal", "Scope", "Period", "Status", "This role is"],
            [
                [
                    link(r.title, f"{ctx.up(depth)}goals.md#{r.goal_id_anchor}"),
                    ctx.member_link(r.scope, r.member, depth),
                    ctx.period_link(r.period, depth),
                    STATUS_ICON[r.status],
                    kind,
                ]
                for kind, r in shown
            ],
        )
    else:
        table = results_table(ctx, [r for _, r in shown], depth)
    if len(ranked) > 1:
        table.order = _importance_text(statuses)
    table.more = max(0, len(ranked) - ROW_CAP)
    table.download = ctx.download(page, name, goal_results_records(ctx, ranked))
    return GoalSection(_goal_summary(ctx, pairs, depth, statuses, role_is), table)


def _importance_text(statuses: Sequence[str]) -> str:
    ranked = sorted(statuses, key=STATUS_RANK.__getitem__)
    return (
        "Most important first: "
        + ", then ".join(STATUS_WORDS[s] for s in ranked)
        + "; the newest period first (a fiscal year after its quarters); then by goal, in the "
        "order of the goals page, and by scope."
    )


def _importance(ctx: Context, kind: str, r: GoalResult) -> tuple[int, int, int, str, str, str]:
    return (
        STATUS_RANK[r.status],
        ctx.period_age.get(r.period, len(ctx.period_age)),
        ctx.goal_order.get(r.goal_id, len(ctx.goal_order)),
        ctx.member_name(r.scope, r.member).casefold(),
        r.member,
        kind,
    )


def _goal_summary(
    ctx: Context,
    pairs: list[tuple[str, GoalResult]],
    depth: int,
    statuses: Sequence[str],
    role_is: bool,
) -> Table:
    """How many scope members each goal missed (at risk, ...) per period."""
    counts: dict[tuple[str, str, str], dict[str, int]] = {}
    first: dict[str, GoalResult] = {}
    for kind, r in pairs:
        first.setdefault(r.goal_id, r)
        row = counts.setdefault((r.goal_id, kind, r.period), dict.fromkeys(statuses, 0))
        row[r.status] = row.get(r.status, 0) + 1
    keys = sorted(
        counts,
        key=lambda k: (
            ctx.goal_order.get(k[0], len(ctx.goal_order)),
            k[0],
            k[1],
            ctx.period_age.get(k[2], len(ctx.period_age)),
        ),
    )
    one_period = len({k[2] for k in keys}) <= 1
    headers = (
        ["Goal"]
        + (["This role is"] if role_is else [])
        + ([] if one_period else ["Period"])
        + [STATUS_ICON[s] for s in statuses]
    )
    rows = []
    for goal_id, kind, period in keys:
        r = first[goal_id]
        rows.append(
            [link(r.title, f"{ctx.up(depth)}goals.md#{r.goal_id_anchor}")]
            + ([kind] if role_is else [])
            + ([] if one_period else [ctx.period_link(period, depth)])
            + [f"{counts[goal_id, kind, period][s]:,}" for s in statuses]
        )
    return Table(headers, rows)


# goals.md's download of every goal result: goal_results_records' columns without the names, notes
# and responsible people, which the role, period and developer downloads add.
GOALS_CSV_COLUMNS = [
    "goal",
    "title",
    "scope",
    "member",
    "period",
    "status",
    "value",
    "target",
    "accountable",
]


def goal_results_records(
    ctx: Context,
    results: Iterable[GoalResult | tuple[str, GoalResult]],
    columns: list[str] | None = None,
) -> Records:
    """Goal results for a spreadsheet, with what the role is when given as pairs: the values
    the pages show (a value about fewer than min_group_size learners is never evaluated; its
    status is "no data"), text cells defused by ``csv_text``."""
    pairs = [r if isinstance(r, tuple) else ("", r) for r in results]
    default = [
        "goal",
        "title",
        "scope",
        "member",
        "name",
        "period",
        "status",
        "value",
        "target",
        "note",
        "accountable",
        "responsible",
    ]
    if any(kind for kind, _ in pairs):
        default.insert(default.index("status") + 1, "this_role_is")
    return Records(
        columns or default,
        [
            {
                "goal": r.goal_id,
                "title": r.title,
                "scope": r.scope,
                "member": r.member,
                "name": ctx.member_name(r.scope, r.member),
                "period": r.period,
                "status": r.status,
                "this_role_is": kind,
                "value": r.value,
                "target": r.target,
                "note": r.note,
                "accountable": _assigned(r.accountable),
                "responsible": "; ".join(_assigned(a) for a in r.responsible),
            }
            for kind, r in pairs
        ],
    )


def _assigned(assignment: Assignment) -> str:
    return " ".join(assignment.people) or assignment.group or ""


def findings_table(ctx: Context, findings: Iterable[Finding], depth: int) -> Table:
    rows = []
    for f in findings:
        evidence = ", ".join(
            f"{text(k.replace('_', ' '))}: {_evidence(ctx, k, v)}" for k, v in f.evidence.items()
        )
        rows.append(
            [
                text(f.kind),
                text(f.title),
                ctx.period_link(f.period, depth),
                "; ".join(f"{text(a.role)}: {ctx.assignment(a, depth)}" for a in f.points_at),
                evidence,
                text(f.why),
            ]
        )
    return Table(["Finding", "What", "Period", "Points at", "Evidence", "Why"], rows)


def _evidence(ctx: Context, key: str, value: float | str) -> str:
    if isinstance(value, str):
        return text(value)
    if key in (
        "completion_rate",
        "dropoff",
        "share_of_all_dropoff",
        "utilisation",
        "from",
        "to",
        "median_of_other_departments",
    ):
        return f"{value:.1%}"
    if key in ("cost_per_completion", "median_of_other_developers", "spend", "budget"):
        return ctx.fmt.number(value, "money")
    if key == "ratio":
        return f"{value:.2f}×"
    return (
        f"{value:,.1f}" if isinstance(value, float) and not value.is_integer() else f"{value:,.0f}"
    )


# ---- overview


def overview(ctx: Context) -> None:
    page = "index.md"
    latest = [ctx.latest_quarter, ctx.latest_year]
    results = ctx.report.goals
    now = [r for r in results if r.period in latest]
    counts = {s: sum(1 for r in now if r.status == s) for s in STATUSES}
    missed = [r for r in results if r.status == MISSED and r.period in latest]
    accountable: dict[str, list[GoalResult]] = {}
    for r in missed:
        for person in r.accountable.people or (
            (r.accountable.group,) if r.accountable.group else ()
        ):
            accountable.setdefault(person, []).append(r)
    who = Table(
        ["Accountable", "Role", "Goals missed", "Which"],
        [
            [
                ctx.person_link(p, 0) if p in ctx.project.person_by_id else text(p),
                ctx.role_link(rs[0].accountable.role, 0),
                str(len(rs)),
                "; ".join(sorted({text(r.title) for r in rs})),
            ]
            for p, rs in sorted(accountable.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ],
    )
    md = _render(
        "overview.md.j2",
        **_header(ctx, costs=True),
        kpis=kpi_table(ctx, "org", "org", HEADLINE, latest),
        counts=counts,
        who=who,
        missed=results_table(ctx, missed, 0),
        findings=_with_download(
            findings_table(ctx, _recent_findings(ctx), 0),
            ctx.download(page, "findings", findings_records(ctx)),
        ),
        completion_chart=trend(
            ctx,
            page,
            "completion",
            "org",
            "org",
            "completion_rate",
            "Completion rate by enrolment quarter",
        ),
        budget_chart=_budget_chart(ctx, page, ctx.metrics.quarters),
    )
    ctx.pages.markdown[page] = md


def _with_download(table: Table, download: str) -> Table:
    table.download = download
    return table


def findings_records(ctx: Context) -> Records:
    """Every finding, for a spreadsheet."""
    return Records(
        ["kind", "title", "scope", "member", "period", "points_at", "evidence", "why"],
        [
            {
                "kind": f.kind,
                "title": f.title,
                "scope": f.scope,
                "member": f.member,
                "period": f.period,
                "points_at": "; ".join(
                    f"{a.role}: {' '.join(a.people) or a.group or ''}" for a in f.points_at
                ),
                "evidence": "; ".join(f"{k}={v}" for k, v in f.evidence.items()),
                "why": f.why,
            }
            for f in ctx.report.findings
        ],
    )


def _recent_findings(ctx: Context) -> list[Finding]:
    recent = set(ctx.metrics.quarters[-4:]) | {ctx.latest_year}
    return [f for f in ctx.report.findings if f.period in recent]


def _budget_chart(ctx: Context, page: str, periods: Sequence[str]) -> str:
    rows = [ctx.row("org", "org", p) for p in periods]
    budgeted = [r for r in rows if r is not None and not is_missing(r["budget"])]
    if not budgeted:
        return ""
    columns = {k: [r[k] for r in budgeted] for k in ("period", "budget", "spend")}
    title = ctx.costs_label("Budget and spend by quarter")
    spec = charts.budget_chart(columns, title=title, currency=ctx.project.settings.currency)
    return ctx.chart(page, "budget", spec, title)


# ---- goals


def goals_page(ctx: Context) -> None:
    sections = []
    for goal in ctx.project.goals:
        results = [r for r in ctx.report.goals if r.goal_id == goal.id]
        members = sorted({r.member for r in results})
        evaluated = {r.period for r in results}
        periods = [p for p in [*ctx.metrics.quarters[-4:], ctx.latest_year] if p in evaluated]
        matrix = _goal_matrix(ctx, goal, results, members, periods)
        raci = Table(
            ["Accountable", "Responsible", "Consulted", "Informed"],
            [
                [
                    ctx.role_link(goal.raci.accountable, 0),
                    ", ".join(ctx.role_link(r, 0) for r in goal.raci.responsible) or DASH,
                    ", ".join(ctx.role_link(r, 0) for r in goal.raci.consulted) or DASH,
                    ", ".join(ctx.role_link(r, 0) for r in goal.raci.informed) or DASH,
                ]
            ],
        )
        misses = sorted(
            (r for r in results if r.status == MISSED),
            key=lambda r: (r.period.startswith("FY"), r.period),
            reverse=True,
        )
        sections.append(
            {
                "id": goal.id,
                "title": goal.title,
                "kind": goal.kind,
                "metric": ctx.label(goal.metric),
                "level": METRICS[goal.metric].level,
                "target": f"{goal.target.comparator} {ctx.fmt.value(goal.metric, goal.target.value)}",
                "scope": _scope_text(goal),
                "raci": raci,
                "matrix": matrix,
                "misses": results_table(ctx, misses[:8], 0, show_goal=False),
                "missed": len(misses),
            }
        )
    records = goal_results_records(ctx, ctx.report.goals, GOALS_CSV_COLUMNS)
    download = ctx.download("goals.md", "goal-results", records)
    costs = any(METRICS[g.metric].level == COST for g in ctx.project.goals)
    ctx.pages.markdown["goals.md"] = _render(
        "goals.md.j2", **_header(ctx, costs=costs), goals=sections, download=download
    )


def _goal_matrix(
    ctx: Context,
    goal: Any,
    results: list[GoalResult],
    members: list[str],
    periods: list[str],
) -> Table:
    """Status per scope and period. With more than ``ROW_CAP`` scopes (a goal on every course)
    the most important show: a miss in the newest period first, then at risk, then no data;
    the complete matrix is ``downloads/goal-<slug>-matrix.csv``, written for every goal so the
    site's set of files does not depend on how many scopes a goal has."""
    status = {(r.member, r.period): r.status for r in results}
    newest_first = sorted(periods, key=chronological_key, reverse=True)

    def importance(member: str) -> tuple[list[int], str]:
        ranks = [
            STATUS_RANK.get(status.get((member, p), ""), len(STATUS_RANK)) for p in newest_first
        ]
        return ranks, ctx.member_name(goal.scope.level, member)

    ranked = sorted(members, key=importance) if len(members) > ROW_CAP else members
    table = Table(
        ["Scope"] + [text(p) for p in periods],
        [
            [ctx.member_link(goal.scope.level, m, 0)]
            + [STATUS_ICON[status[(m, p)]] if (m, p) in status else DASH for p in periods]
            for m in ranked[:ROW_CAP]
        ],
    )
    records = Records(
        ["scope", "member", "name", *periods],
        [
            {
                "scope": goal.scope.level,
                "member": m,
                "name": ctx.member_name(goal.scope.level, m),
                **{p: status.get((m, p), "") for p in periods},
            }
            for m in members
        ],
    )
    table.download = ctx.download("goals.md", f"goal-{ctx.goal_slug[goal.id]}-matrix", records)
    if len(members) > ROW_CAP:
        table.more = len(members) - ROW_CAP
        table.order = (
            "Most important first: a miss in the newest period, then at risk, then without "
            "data, then the older periods alike; then by name."
        )
    return table


def _scope_text(goal: Any) -> str:
    scope = goal.scope
    parts = [scope.level.replace("_", " ")]
    if scope.ids:
        parts.append(", ".join(text(i) for i in scope.ids))
    if scope.mandatory is not None:
        parts.append("mandatory courses" if scope.mandatory else "optional courses")
    if scope.audience:
        parts.append(f"audience {text(scope.audience)}")
    return " · ".join(parts)


# ---- courses


def course_page(ctx: Context, course: Course) -> None:
    slug = ctx.course_slug[course.id]
    page = f"courses/{slug}.md"
    year, quarter = ctx.latest_year, ctx.latest_quarter
    row = ctx.row("course", course.id, year)
    funnel = _funnel(ctx, page, row)
    modules = ctx.modules_of.get((course.id, year))
    dropoff = ""
    if modules and max(modules["reached"]) >= ctx.fmt.min_group_size:
        columns = {
            "module": modules["module"],
            "order": modules["module_order"],
            # a share of fewer than min_group_size learners is not drawn
            "share_lost": [
                share if reached >= ctx.fmt.min_group_size else None
                for share, reached in zip(modules["dropoff"], modules["reached"], strict=True)
            ],
        }
        title = f"Share of learners lost after each module, {year}"
        dropoff = ctx.chart(
            page, "dropoff", charts.dropoff_chart(columns, title=title), "Drop-off by module"
        )
    md = _render(
        "course.md.j2",
        **_header(ctx, costs=True),  # key figures: spend, cost per completion and per learner
        course=course,
        slug=slug,
        developer=ctx.person_link(course.developer, 1),
        manager=text(ctx.person_name(course.training_manager)),
        kpis=kpi_table(ctx, "course", course.id, COURSE_KPIS, [quarter, year]),
        trend=trend(
            ctx,
            page,
            "completion",
            "course",
            course.id,
            "completion_rate",
            "Completion rate by enrolment quarter",
        ),
        score_trend=trend(
            ctx,
            page,
            "score",
            "course",
            course.id,
            "average_score",
            "Average score by enrolment quarter",
        ),
        funnel=funnel,
        scores=_distribution(ctx, page, "course", course.id, "score", "Scores", year),
        minutes=_distribution(
            ctx, page, "course", course.id, "minutes_ratio", "Time spent vs expected", year
        ),
        dropoff=dropoff,
        offerings=_offering_table(ctx, course.id),
        offering_chart=_offering_chart(ctx, page, course.id),
        departments=_department_table(ctx, course.id, year),
        results=results_table(
            ctx,
            [
                r
                for r in ctx.goals_of.get(("course", course.id), [])
                if r.period in (quarter, year, *ctx.metrics.quarters[-4:])
            ],
            1,
        ),
        findings=findings_table(
            ctx,
            ctx.findings_of.get(("course", course.id), []),
            1,
        ),
    )
    ctx.pages.markdown[page] = md


OFFERINGS_DOWNLOAD = "offerings"
RUN_RATES = {
    "completion_rate": "Completion rate",
    "withdrawal_rate": "Withdrawal rate",
    "fail_rate": "Fail rate",
}


def _offering_table(ctx: Context, course_id: str) -> Table:
    """One row per run of the course, in time order; empty when the source names no runs.
    Rates are shares of the run's enrolments; "still open" only while a run has open ones."""
    runs = ctx.runs_of.get(course_id, [])
    # The passing results the source gives (a failing result is the fail rate already).
    outcomes = [o for o in ctx.outcomes_of.get(course_id, []) if o != "fail"]
    still_open = any(run.counts["open"] != 0 for run in runs)
    table = Table(
        [
            "Offering",
            "Enrolments",
            "Completed",
            "Withdrew",
            "Failed",
            *(["Still open"] if still_open else []),
            "Average score",
            *(o.title() for o in outcomes),
        ],
        [],
        download=f"../downloads/{OFFERINGS_DOWNLOAD}.csv" if runs else None,
    )
    for run in runs:
        # the run's dates under its name: one column fewer in a wide table
        cells = [f'{text(run.offering)}<br><span class="ta-dates">{_run_dates(run)}</span>']
        if run.hidden:
            cells += [text(run.hidden)] + [DASH] * (len(table.headers) - 2)
            table.rows.append(cells)
            continue
        cells.append(f"{run.enrollments:,}")
        for rate in RUN_RATES:
            value = run.rates[rate]
            cells.append(_run_count(run, COUNT_OF_RATE[rate]) if value is None else f"{value:.1%}")
        if still_open:
            cells.append(_run_count(run, "open"))
        cells.append(_run_score(run, ctx.fmt.suppressed()))
        for outcome in outcomes:
            share = run.rates[f"{outcome}_share"]
            cells.append(_run_count(run, f"outcome_{outcome}") if share is None else f"{share:.1%}")
        table.rows.append(cells)
    return table


COUNT_OF_RATE = {rate: count for count, rate in STATUS_COUNTS.items()}


def _run_count(run: Run, column: str) -> str:
    count = run.counts[column]
    return text(run.why[column]) if count is None else f"{count:,}"


def _run_score(run: Run, hidden: str) -> str:
    if run.average_score is not None:
        return f"{run.average_score:.1f}"
    if "average_score" in run.why:
        return text(run.why["average_score"])
    return DASH if run.scored == 0 else hidden


def _run_dates(run: Run) -> str:
    if run.starts_on and run.ends_on:
        if run.starts_on.year == run.ends_on.year:
            return f"{run.starts_on.day} {run.starts_on:%b} – {_day(run.ends_on)}"
        return f"{_day(run.starts_on)} – {_day(run.ends_on)}"
    if run.first_enrolled:
        return f"first enrolment {_day(run.first_enrolled)}"
    return DASH


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _offering_chart(ctx: Context, page: str, course_id: str) -> str:
    """Completion, withdrawal and fail rate of each run, in time order (two runs or more)."""
    runs = [r for r in ctx.runs_of.get(course_id, []) if not r.hidden]
    if len(ctx.runs_of.get(course_id, [])) < 2 or not runs:
        return ""
    columns: dict[str, list[Any]] = {"offering": [], "value": [], "series": []}
    for rate, label in RUN_RATES.items():
        for run in ctx.runs_of[course_id]:
            columns["offering"].append(run.offering)
            columns["value"].append(run.rates.get(rate))
            columns["series"].append(label)
    title = "Outcomes by offering (course run)"
    spec = charts.trend_chart(
        columns,
        title=title,
        value_title="Share of enrolments",
        period="offering",
        series="series",
        series_title="Rate",
        in_given_order=True,
    )
    return ctx.chart(page, "offerings", spec, title)


def offerings_download(ctx: Context) -> None:
    """Every course's runs as published (small groups hidden), for the course pages' tables."""
    records = [
        run.as_record() for course_id in sorted(ctx.runs_of) for run in ctx.runs_of[course_id]
    ]
    if records:
        ctx.download("index.md", OFFERINGS_DOWNLOAD, pd.DataFrame(records))


def _funnel(ctx: Context, page: str, row: Row | None) -> str:
    """Enrolled, not withdrawn, completed and passed of a published cohort (none when it is
    hidden); a stage of fewer learners than the minimum is not drawn."""
    if row is None or why_hidden(row, "enrollments", ctx.fmt.min_group_size):
        return ""
    stages = [
        ("Enrolled", row["enrollments"]),
        ("Not withdrawn", row["enrollments"] - row["withdrawn"]),
        ("Completed", row["completed"]),
    ]
    if not why_hidden(row, "pass_rate", ctx.fmt.min_group_size) and int(row["graded"]) > 0:
        stages.append(("Passed", row["passed"]))
    columns = {
        "stage": [s for s, _ in stages],
        "count": [
            int(v) if int(v) >= ctx.fmt.min_group_size or int(v) == 0 else None for _, v in stages
        ],
    }
    return ctx.chart(
        page,
        "funnel",
        charts.funnel_chart(columns, title=f"Enrolment to completion, {row['period']}"),
        "Enrolment funnel",
    )


def _distribution(
    ctx: Context, page: str, scope: str, member: str, measure: str, title: str, period: str
) -> str:
    rows = ctx.distributions_of.get((scope, member, measure, period))
    if rows is None:
        return ""
    learners = [int(n) for n in rows["learners"]]
    if not learners or sum(learners) < ctx.fmt.min_group_size:
        return ""
    width = 10.0 if measure == "score" else 0.25
    bins = rows["bin"]
    hidden = suppressed_cells(learners, ctx.fmt.min_group_size)
    columns = {
        "bin_start": bins,
        "bin_end": [b + width for b in bins],
        "count": [None if hide else n for n, hide in zip(learners, hidden, strict=True)],
    }
    bin_title = "Score" if measure == "score" else "Minutes ÷ expected minutes"
    spec = charts.distribution_chart(columns, title=f"{title}, {period}", bin_title=bin_title)
    return ctx.chart(page, measure.replace("_", "-"), spec, title)


def _department_table(ctx: Context, course_id: str, period: str) -> Table:
    rows = ctx.breakdown_rows("course_id", course_id, period, "department")
    table = Table(["Department", "Enrolments", "Completion rate", "Average score"], [])
    for r, figures in _breakdown_figures(ctx, rows):
        table.rows.append([ctx.department_link(str(r["department"]), 1), *figures])
    return table


def _breakdown_figures(
    ctx: Context, rows: list[dict[str, Any]]
) -> Iterator[tuple[dict[str, Any], list[str]]]:
    """Enrolments, completion rate and average score of each row of the published course ×
    department breakdown, or why a figure is hidden."""
    for r in rows:
        yield (
            r,
            [
                _breakdown_cell(ctx, r, m)
                for m in ("enrollments", "completion_rate", "average_score")
            ],
        )


def _breakdown_cell(ctx: Context, row: dict[str, Any], metric: str) -> str:
    code = row.get(CODE_COLUMN.format(METRICS[metric].basis))
    why = reason(int(code), ctx.fmt.min_group_size) if code is not None else ""
    return text(why) if why else ctx.fmt.value(metric, row.get(metric))


def index_courses(ctx: Context) -> None:
    year = ctx.latest_year
    rows, records = [], []
    for course in sorted(ctx.project.courses, key=lambda c: c.id):
        row = ctx.row("course", course.id, year)
        statuses = [
            r.status
            for r in ctx.goals_of.get(("course", course.id), [])
            if r.period in (ctx.latest_quarter, year)
        ]
        status = _worst(statuses)
        rows.append(
            [
                ctx.course_link(course.id, 1),
                text(course.id),
                "mandatory" if course.mandatory else "optional",
                ctx.person_link(course.developer, 1),
                ctx.figure(row, "enrollments"),
                ctx.figure(row, "completion_rate"),
                ctx.figure(row, "average_score"),
                ctx.figure(row, "cost_per_completion"),
                STATUS_ICON[status] if status else DASH,
            ]
        )
        records.append(
            {
                "course_id": course.id,
                "title": course.title,
                "mandatory": course.mandatory,
                "developer": course.developer,
                "enrollments": _raw(ctx, row, "enrollments"),
                "completion_rate": _raw(ctx, row, "completion_rate"),
                "average_score": _raw(ctx, row, "average_score"),
                "cost_per_completion": _raw(ctx, row, "cost_per_completion"),
                "goal_status": status or "",
            }
        )
    table = Table(
        [
            "Course",
            "Id",
            "Kind",
            "Developer",
            f"Enrolments {year}",
            "Completion",
            "Average score",
            ctx.label("cost_per_completion"),
            "Goals",
        ],
        rows,
        download=ctx.download("courses/index.md", "courses", pd.DataFrame(records)),
    )
    metrics_download = ctx.download(
        "courses/index.md", "course-metrics", metrics_frame(ctx, "course")
    )
    ctx.pages.markdown["courses/index.md"] = _render(
        "index.md.j2",
        **_header(ctx, costs=True),
        title="Courses",
        intro=f"Every course, with its figures for {year}.",
        listing=table,
        metrics_download=metrics_download,
    )


def metrics_frame(ctx: Context, scope: str) -> pd.DataFrame:
    """Every metric of every member of ``scope`` and period, for a spreadsheet: the published
    numbers, or why a figure is hidden."""
    rows = ctx.scope_rows(scope).reset_index(drop=True)
    frame = pd.DataFrame({"member": rows["member"], "period": rows["period"]})
    if scope in ("developer", "training_manager"):
        frame.insert(1, "name", [ctx.person_name(str(m)) for m in rows["member"]])
    elif scope == "course":
        frame.insert(1, "title", [ctx.course_title(str(m)) for m in rows["member"]])
    labels = {code: reason(code, ctx.fmt.min_group_size) for code in (1, 2)}
    for metric in METRICS:
        if metric not in rows:
            continue
        basis = METRICS[metric].basis
        codes = rows[CODE_COLUMN.format(basis)].tolist() if basis else [0] * len(rows)
        frame[metric] = [
            labels[code] if code else value for value, code in zip(rows[metric], codes, strict=True)
        ]
    return frame


def _raw(ctx: Context, row: Row | None, metric: str) -> object:
    """A figure for CSV: the published number, or why it is hidden."""
    if row is None:
        return None
    return why_hidden(row, metric, ctx.fmt.min_group_size) or row.get(metric)


def _worst(statuses: list[str]) -> str | None:
    for status in ("missed", "at risk", "met", "no data"):
        if status in statuses:
            return status
    return None


# ---- developers


def developer_page(ctx: Context, developer: str) -> None:
    slug = ctx.person_slug[developer]
    page = f"developers/{slug}.md"
    person: Person | None = ctx.project.person_by_id.get(developer)
    year = ctx.latest_year
    courses = [c for c in ctx.project.courses if c.developer == developer]
    course_rows = Table(
        [
            "Course",
            "Kind",
            "Enrolments",
            "Completion",
            "Average score",
            ctx.costs_label("Cost per completion"),
        ],
        [
            [
                ctx.course_link(c.id, 1),
                "mandatory" if c.mandatory else "optional",
                ctx.figure(ctx.row("course", c.id, year), "enrollments"),
                ctx.figure(ctx.row("course", c.id, year), "completion_rate"),
                ctx.figure(ctx.row("course", c.id, year), "average_score"),
                ctx.figure(ctx.row("course", c.id, year), "cost_per_completion"),
            ]
            for c in courses
        ],
    )
    comparison = _developer_chart(ctx, page, year)
    md = _render(
        "developer.md.j2",
        **_header(ctx, costs=True),
        name=person.name if person else developer,
        kind=person.kind if person else "",
        courses=course_rows,
        kpis=kpi_table(ctx, "developer", developer, COURSE_KPIS, [ctx.latest_quarter, year]),
        trend=trend(
            ctx,
            page,
            "completion",
            "developer",
            developer,
            "completion_rate",
            "Completion rate of their courses by enrolment quarter",
        ),
        comparison=comparison,
        results=goal_section(
            ctx,
            page,
            f"developer-{slug}-goal-results",
            [
                r
                for r in ctx.report.goals
                if developer in r.accountable.people and r.period in (ctx.latest_quarter, year)
            ],
            statuses=STATUSES,
        ),
        findings=findings_table(
            ctx,
            [f for f in ctx.report.findings if any(developer in a.people for a in f.points_at)],
            1,
        ),
    )
    ctx.pages.markdown[page] = md


def index_developers(ctx: Context, developers: list[str]) -> None:
    year = ctx.latest_year
    rows = []
    for d in developers:
        row = ctx.row("developer", d, year)
        person = ctx.project.person_by_id.get(d)
        rows.append(
            [
                ctx.person_link(d, 1),
                text(person.kind if person else ""),
                str(sum(1 for c in ctx.project.courses if c.developer == d)),
                ctx.figure(row, "enrollments"),
                ctx.figure(row, "completion_rate"),
                ctx.figure(row, "spend"),
                ctx.figure(row, "cost_per_completion"),
            ]
        )
    page = "developers/index.md"
    chart = _developer_chart(ctx, page, year)
    table = Table(
        [
            "Developer",
            "Kind",
            "Courses",
            f"Enrolments {year}",
            "Completion",
            ctx.costs_label("Spend"),
            ctx.costs_label("Cost per completion"),
        ],
        rows,
        download=ctx.download(page, "developer-metrics", metrics_frame(ctx, "developer")),
    )
    ctx.pages.markdown[page] = _render(
        "index.md.j2",
        **_header(ctx, costs=True),
        title="Course developers",
        intro=f"Internal teams and vendors, and what their courses achieved and cost in {year}.",
        listing=table,
        chart=chart,
    )


# ---- periods


def _developer_chart(ctx: Context, page: str, period: str) -> str:
    """Cost per completion of every developer in ``period``, side by side."""
    rows = ctx.scope_rows("developer", period)
    if not rows["cost_per_completion"].notna().any():
        return ""
    frame = pd.DataFrame(
        {
            "developer": [ctx.person_name(d) for d in rows["member"]],
            "value": rows["cost_per_completion"],
        }
    )
    title = ctx.costs_label(f"Cost per completion by developer, {period}")
    spec = charts.comparison_chart(
        frame,
        title=title,
        value_title=ctx.label("cost_per_completion"),
        currency=ctx.project.settings.currency,
    )
    return ctx.chart(page, "cost", spec, "Developers compared")


def period_page(ctx: Context, period: str) -> None:
    page = f"periods/{ctx.period_slug[period]}.md"
    is_year = period.startswith("FY")
    year = period if is_year else f"FY{period.split('-')[0]}"
    quarters = [q for q in ctx.metrics.quarters if f"FY{q.split('-')[0]}" == year]
    spend_lines = _spend_lines(ctx, quarters if is_year else [period])
    results = [r for r in ctx.report.goals if r.period == period]
    dev_rows = [
        ctx.row("developer", str(m), period) for m in ctx.scope_rows("developer", period)["member"]
    ]
    developers = Table(
        [
            "Developer",
            ctx.label("spend"),
            "Completions",
            ctx.label("cost_per_completion"),
        ],
        [
            [
                ctx.person_link(str(r["member"]), 1),
                *(ctx.figure(r, m) for m in ("spend", "completions", "cost_per_completion")),
            ]
            for r in dev_rows
            if r is not None
        ],
    )
    md = _render(
        "period.md.j2",
        **_header(ctx, costs=True),
        period=period,
        title=ctx.metrics.period_title(period),
        to_date=ctx.metrics.year_to_date.get(period, ""),
        is_year=is_year,
        kpis=kpi_table(ctx, "org", "org", PERIOD_KPIS, [period]),
        budget_chart=_budget_chart(ctx, page, quarters),
        developer_chart=_developer_chart(ctx, page, period),
        spend=spend_lines,
        developers=developers,
        counts={s: sum(1 for r in results if r.status == s) for s in STATUSES},
        results=goal_section(
            ctx,
            page,
            f"period-{ctx.period_slug[period]}-not-met",
            [r for r in results if r.status in NOT_MET],
        ),
        findings=findings_table(ctx, [f for f in ctx.report.findings if f.period == period], 1),
        quarters=" · ".join(ctx.period_link(q, 1) for q in quarters),
    )
    ctx.pages.markdown[page] = md


def _spend_lines(ctx: Context, periods: Sequence[str]) -> Table:
    rows = []
    for budget in ctx.project.budgets:
        if budget.period not in periods:
            continue
        for line in budget.spend:
            target = (
                ctx.course_link(line.course, 1)
                if line.course
                else ctx.person_link(line.developer, 1)
                if line.developer
                else text(line.category or "")
            )
            kind = "course" if line.course else "developer" if line.developer else "category"
            rows.append(
                [
                    text(budget.period),
                    kind,
                    target,
                    ctx.fmt.value("spend", line.amount),
                    text(line.note),
                ]
            )
    return Table(["Quarter", "Spent on", "What", ctx.costs_label("Amount"), "Note"], rows)


def index_periods(ctx: Context) -> None:
    rows = []
    for period in ctx.metrics.years + ctx.metrics.quarters:
        row = ctx.row("org", "org", period)
        rows.append(
            [
                ctx.period_link(period, 1),
                ctx.figure(row, "budget"),
                ctx.figure(row, "spend"),
                ctx.figure(row, "budget_utilisation"),
                ctx.figure(row, "budget_yoy_change"),
                ctx.figure(row, "completions"),
                ctx.figure(row, "cost_per_completion"),
            ]
        )
    page = "periods/index.md"
    table = Table(
        [
            "Period",
            ctx.label("budget"),
            ctx.label("spend"),
            ctx.costs_label("Used"),
            ctx.costs_label("Budget vs a year earlier"),
            "Completions",
            ctx.label("cost_per_completion"),
        ],
        rows,
    )
    frame = ctx.scope_rows("org")[
        [
            "period",
            "budget",
            "spend",
            "budget_utilisation",
            "budget_yoy_change",
            "completions",
            "cost_per_completion",
        ]
    ]
    table.download = ctx.download(page, "periods", frame)
    ctx.pages.markdown[page] = _render(
        "index.md.j2",
        **_header(ctx, costs=True),
        title="Budget periods",
        intro="Budget, spend and what it bought, per fiscal year and quarter.",
        listing=table,
        chart=_budget_chart(ctx, page, ctx.metrics.quarters),
    )


# ---- roles


def role_page(ctx: Context, role_id: str) -> None:
    role = next(r for r in ctx.project.roles if r.id == role_id)
    page = f"roles/{ctx.role_slug[role_id]}.md"
    holders = ctx.project.holders(role_id)
    recent = set(ctx.metrics.quarters[-4:]) | {ctx.latest_year}
    involved = [
        (kind, r)
        for r in ctx.report.goals
        if r.period in recent
        for kind, a in r.everyone()
        if a.role == role_id
    ]
    slug = ctx.role_slug[role_id]
    accountable = goal_section(
        ctx,
        page,
        f"role-{slug}-accountable-not-met",
        [r for kind, r in involved if kind == "accountable" and r.status in NOT_MET],
    )
    other = goal_section(
        ctx,
        page,
        f"role-{slug}-involved-not-met",
        [(kind, r) for kind, r in involved if kind != "accountable" and r.status in NOT_MET],
    )
    card = ctx.report.role_scorecards.get(role_id)
    findings = [f for f in ctx.report.findings if role_id in f.roles]
    md = _render(
        "role.md.j2",
        **_header(
            ctx, costs=_costs_shown((r for _, r in involved if r.status in NOT_MET), findings)
        ),
        role=role,
        holders=", ".join(ctx.person_link(p.id, 1) for p in holders)
        or "nobody (learners as a group)",
        scorecard=card,
        accountable=accountable,
        other=other,
        findings=findings_table(ctx, findings, 1),
        people=_people_scorecards(ctx, holders),
    )
    ctx.pages.markdown[page] = md


def _people_scorecards(ctx: Context, holders: list[Person]) -> Table:
    rows = []
    for person in holders:
        card = ctx.report.people_scorecards.get(person.id)
        if card is None:
            continue
        rows.append(
            [
                ctx.person_link(person.id, 1),
                str(len(card.goals)),
                *(str(card.counts[s]) for s in STATUSES),
                text(card.trend),
            ]
        )
    return Table(["Person", "Goals owned", *(STATUS_ICON[s] for s in STATUSES), "Trend"], rows)


def index_roles(ctx: Context) -> None:
    rows = []
    for role in ctx.project.roles:
        card = ctx.report.role_scorecards.get(role.id)
        rows.append(
            [
                ctx.role_link(role.id, 1),
                text(role.answers_for),
                ", ".join(text(p.name) for p in ctx.project.holders(role.id)) or DASH,
                str(card.counts["missed"]) if card else "0",
                text(card.trend) if card else DASH,
            ]
        )
    table = Table(["Role", "Answers for", "Held by", "Goal results missed", "Trend"], rows)
    ctx.pages.markdown["roles/index.md"] = _render(
        "index.md.j2",
        **_header(ctx),
        title="Who is accountable if the training fails?",
        intro="Each role, what it answers for, and how its goals went.",
        listing=table,
    )


# ---- departments


def department_page(ctx: Context, department: str) -> None:
    page = f"departments/{ctx.department_slug[department]}.md"
    year = ctx.latest_year
    rows = ctx.breakdown_rows("department", department, year, "course_id")
    table = Table(["Course", "Kind", "Enrolments", "Completion rate", "Average score"], [])
    for r, figures in _breakdown_figures(ctx, rows):
        course = ctx.project.course_by_id.get(str(r["course_id"]))
        kind = "mandatory" if course and course.mandatory else "optional"
        table.rows.append([ctx.course_link(str(r["course_id"]), 1), kind, *figures])
    md = _render(
        "department.md.j2",
        **_header(ctx),
        department=department,
        kpis=kpi_table(
            ctx,
            "department",
            department,
            ["enrollments", "completion_rate", "average_score", "pass_rate"],
            [ctx.latest_quarter, year],
        ),
        trend=trend(
            ctx,
            page,
            "completion",
            "department",
            department,
            "completion_rate",
            "Completion rate by enrolment quarter",
        ),
        courses=table,
        findings=findings_table(
            ctx,
            ctx.findings_of.get(("department", department), []),
            1,
        ),
    )
    ctx.pages.markdown[page] = md


def index_departments(ctx: Context) -> None:
    year = ctx.latest_year
    mandatory = {c.id for c in ctx.project.courses if c.mandatory}
    # the mandatory courses' figures per department, published as a goal over them would be
    on_mandatory = filtered_table("department", mandatory, ctx.project, ctx.metrics)
    mandatory_rows = {
        str(r["member"]): r for r in on_mandatory[on_mandatory["period"] == year].to_dict("records")
    }
    rows = []
    for department in ctx.departments:
        row = ctx.row("department", department, year)
        rows.append(
            [
                ctx.department_link(department, 1),
                ctx.figure(row, "enrollments"),
                ctx.figure(row, "completion_rate"),
                _breakdown_cell(ctx, mandatory_rows.get(department, {}), "completion_rate"),
                ctx.figure(row, "average_score"),
            ]
        )
    table = Table(
        ["Department", f"Enrolments {year}", "Completion", "Mandatory completion", "Average score"],
        rows,
        download=ctx.download(
            "departments/index.md", "department-metrics", metrics_frame(ctx, "department")
        ),
    )
    ctx.pages.markdown["departments/index.md"] = _render(
        "index.md.j2",
        **_header(ctx),
        title="Departments",
        intro="Learners take part by department; no figure names a person. Figures about fewer "
        f"than {ctx.fmt.min_group_size} learners are suppressed.",
        listing=table,
    )


# ---- data quality and methodology


def data_quality(ctx: Context) -> None:
    report = ctx.report.ingested.report
    sources = Table(
        ["Source", "Format", "Read", "Loaded", "Merged", "Rejected"],
        [
            [
                text(s.path),
                text(s.format),
                f"{s.rows_read:,}",
                f"{s.rows_loaded:,}",
                f"{s.rows_merged:,}",
                f"{s.rows_rejected:,}",
            ]
            for s in report.sources
        ],
    )
    reasons = _reasons_table([(s.path, s.reasons) for s in report.sources])
    merges = _reasons_table([(s.path, s.merges) for s in report.sources])
    statuses = Table(
        ["Status", "Rows"],
        [[text(k), f"{v:,}"] for k, v in ctx.report.ingested.status_counts().items()],
    )
    # What each adapter says about how it read its source (e.g. OULAD's two withdrawal signals).
    notes = Table(
        ["Source", "Note"],
        [[text(s.path), text(note)] for s in report.sources for note in s.notes],
    )
    ctx.pages.markdown["data-quality.md"] = _render(
        "data_quality.md.j2",
        **_header(ctx),
        sources=sources,
        reasons=reasons,
        merges=merges,
        notes=notes,
        warnings=[text(w) for w in ctx.report.warnings],
        statuses=statuses,
        totals=report,
        excluded=ctx.metrics.excluded_after_report_date,
    )


def _reasons_table(sources: list[tuple[str, dict[str, Reason]]]) -> Table:
    """Rejected or merged rows per source and reason, with their first lines (file:line for a
    source that is a folder)."""
    return Table(
        ["Source", "Reason", "Rows", "First lines"],
        [
            [text(path), text(reason), f"{detail.count:,}", text(", ".join(detail.places()))]
            for path, reasons in sources
            for reason, detail in sorted(reasons.items())
        ],
    )


def methodology(ctx: Context) -> None:
    metrics = Table(
        ["Metric", "Definition", "Evaluation level"],
        [[text(m.label), text(m.definition), text(m.level)] for m in METRICS.values()],
    )
    t = ctx.project.settings.thresholds
    thresholds = Table(
        ["Setting", "Value", "Meaning"],
        [
            [text(name), text(f"{getattr(t, name):g}"), text(field.description or "")]
            for name, field in type(t).model_fields.items()
        ],
    )
    ctx.pages.markdown["methodology.md"] = _render(
        "methodology.md.j2",
        **_header(ctx),
        metrics=metrics,
        thresholds=thresholds,
        start_month=ctx.project.settings.fiscal_year_start_month,
        adapters=adapter_notes(sorted({s.format for s in ctx.project.settings.sources})),
        offering_rules=_offering_rules(ctx),
    )


def _offering_rules(ctx: Context) -> Table:
    from generator.ingest import OFFERING_RULES

    formats = sorted({s.format for s in ctx.project.settings.sources})
    return Table(
        ["Format", "The run (offering) is"],
        [[text(f), text(OFFERING_RULES.get(f, "not given"))] for f in formats],
    )


def adapter_notes(formats: Sequence[str]) -> list[tuple[str, str]]:
    """How each LMS format used by the project becomes the canonical tables (module docstrings)."""
    import inspect

    from generator.ingest import ADAPTERS

    notes = []
    for name in formats:
        module = inspect.getmodule(ADAPTERS[name])
        doc = inspect.getdoc(module) if module else None
        if doc:
            notes.append((name, doc))
    return notes


def navigation(ctx: Context) -> list[Any]:
    """Sections and index pages only: a full nav is embedded in every page and grows with the
    square of the page count."""
    return [
        {"Overview": "index.md"},
        {"Goals and accountability": "goals.md"},
        {"Roles": "roles/index.md"},
        {"Courses": "courses/index.md"},
        {"Developers": "developers/index.md"},
        {"Periods": "periods/index.md"},
        {"Departments": "departments/index.md"},
        {"Data quality": "data-quality.md"},
        {"Methodology": "methodology.md"},
    ]
