"""What pages are made from and into: the ``Context`` every page reads, the ``Page`` one page
is made in, the ``PageSet`` pages are gathered in, and the ``Table`` of a Markdown table."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd

from generator.charts import specs as charts
from generator.config import Project
from generator.domain.catalog import METRICS, OUTCOMES
from generator.domain.paths import distinct_slugs, slugs
from generator.domain.periods import chronological_key
from generator.pages.downloads import Records, csv_text
from generator.pages.formatting import DASH, Formatter, link, text
from generator.pages.since import Since
from generator.report import Report
from generator.report.goals import LINE_MANAGER_ROLE, Assignment
from generator.report.metrics import Row
from generator.report.offerings import published_runs
from generator.report.privacy import why_hidden


@dataclass
class Table:
    """A Markdown table of a page (``tables.markdown_table``): cells are Markdown already."""

    headers: list[str]
    rows: list[list[str]]
    download: str | None = None  # relative path of the CSV from the page
    more: int = 0  # rows left out here; the download holds them all
    order: str = ""  # how the rows are ordered, said above the table


@dataclass
class PageSet:
    """Pages as ``{path below site_src: Markdown}`` with their charts and CSV downloads: one
    page's (``Page.done``), or the whole site's once ``render_pages`` has merged them."""

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
        """Add another set's pages, charts and downloads, after this one's."""
        self.markdown.update(other.markdown)
        self.charts.update(other.charts)
        self.chart_keys.update(other.chart_keys)
        self.downloads.update(other.downloads)


class Page:
    """One page being made: its path below site_src, and the charts and downloads its blocks
    register while it is rendered; ``done`` gives them with the page's Markdown."""

    def __init__(self, path: str):
        self.path = path
        self.depth = path.count("/")  # folders below site_src, for relative links
        self._made = PageSet()

    def chart(self, name: str, spec: charts.Spec, title: str) -> str:
        """Register a chart of this page and return its Markdown block."""
        folder = self.path.rsplit("/", 1)[0] + "/" if "/" in self.path else ""
        stem = self.path.rsplit("/", 1)[-1].removesuffix(".md")
        svg_path = f"{folder}charts/{stem}-{name}.svg"
        self._made.charts[svg_path] = spec
        block = charts.chart_block(f"{stem}-{name}", spec, f"charts/{stem}-{name}.svg", title)
        self._made.chart_keys[svg_path] = hashlib.sha256(block.encode("utf-8")).hexdigest()
        return block

    def download(self, name: str, table: pd.DataFrame | Records) -> str:
        """Register ``downloads/{name}.csv`` and return its link from this page."""
        path = f"downloads/{name}.csv"
        self._made.downloads[path] = csv_text(table)
        return "../" * self.depth + path

    def done(self, markdown: str) -> PageSet:
        """The page's Markdown with the charts and downloads it registered."""
        self._made.markdown[self.path] = markdown
        return self._made


class Context:
    """What every page reads: the report, slugs for file names, links, formatted figures and
    the indexes that keep lookups per page cheap. Pages only read it (forked workers share it);
    what a page makes goes into its own ``Page``."""

    def __init__(self, report: Report, since: Since | None = None):
        self.report = report
        self.since = since  # an earlier snapshot to compare with, for the person pages
        project = report.project
        self.project: Project = project
        self.fmt = Formatter(
            project.settings.currency, project.settings.min_group_size, project.calendar
        )
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
        self.department_slug = distinct_slugs(self.departments)
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
        period, as dicts ordered by ``order``. Each period's rows are indexed once, not filtered
        and sorted again for each of thousands of pages."""
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

    def person_page_link(self, person_id: str, depth: int) -> str:
        """A person who holds a role, linked to their page (people/); anyone else as text."""
        person = self.project.person_by_id.get(person_id)
        if person is None or not person.roles:
            return self.person_link(person_id, depth)
        return link(person.name, f"{self.up(depth)}people/{self.person_slug[person_id]}.md")

    def role_link(self, role_id: str, depth: int) -> str:
        role = next((r for r in self.project.roles if r.id == role_id), None)
        if role is None and role_id == LINE_MANAGER_ROLE:
            if self.report.workforce.empty:  # no roster, so no workforce page either
                return text("Line managers (HR roster)")
            return link("Line managers (HR roster)", f"{self.up(depth)}workforce.md")
        if role is None:
            return text(role_id)
        return link(role.title, f"{self.up(depth)}roles/{self.role_slug[role_id]}.md")

    def department_link(self, department: str, depth: int) -> str:
        if department not in self.department_slug:
            return text(department)
        return link(
            department, f"{self.up(depth)}departments/{self.department_slug[department]}.md"
        )

    def period_name(self, period: str) -> str:
        """A period as headings and period columns name it, with its calendar months:
        "2026-Q2 (Jul–Sep 2025)", "FY2026 to date (Apr 2025–Mar 2026)"."""
        return self.fmt.period(period, self.metrics.period_title(period))

    def period_link(self, period: str, depth: int) -> str:
        if period not in self.period_slug:
            return text(self.fmt.period(period))
        return link(
            self.period_name(period), f"{self.up(depth)}periods/{self.period_slug[period]}.md"
        )

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
        return ", ".join(self.person_page_link(p, depth) for p in assignment.people)

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
        return self.costs_label(m.label) if m.is_cost else m.label

    def costs_label(self, label: str) -> str:
        """A column of cost figures, such as "Cost per completion", with "(illustrative)"."""
        return f"{label} (illustrative)" if self.project.budgets_illustrative else label


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
