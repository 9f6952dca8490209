"""The ``accountability`` command. The only module that prints; errors become exit codes here."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from generator.domain.engines import EngineName
from generator.domain.errors import AccountabilityError, ProblemsFound, os_error_message
from generator.domain.periods import DUE_WITHIN_DAYS, ReportDate, parse_report_date

F = TypeVar("F", bound=Callable[..., Any])

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


@contextmanager
def stage_progress(first: str) -> Iterator[Callable[[str], None]]:
    """What a long command is doing. On a terminal, a spinner naming the current stage;
    elsewhere (a CI log, a pipe), a line as each stage starts and one with its time as it
    ends, so that the log shows progress before the command is done (``first`` only names
    the spinner's first state: an error before any stage stays the only line)."""
    if err.is_terminal:
        with err.status(first) as status:
            yield status.update
        return
    current: str | None = None
    started = time.monotonic()

    def next_stage(message: str) -> None:
        nonlocal current, started
        end_stage()
        err.print(f"{_escape(message)} ...")
        current, started = message, time.monotonic()

    def end_stage() -> None:
        if current is not None:
            err.print(f"{_escape(current)}: {time.monotonic() - started:.1f} s")

    try:
        yield next_stage
    finally:
        end_stage()


engine_option = click.option(
    "--engine",
    type=click.Choice([name.value for name in EngineName]),
    default=None,
    callback=lambda _ctx, _param, value: None if value is None else EngineName(value),
    help="Where raw rows become metric tables. Default: project.yaml's engine (duckdb).",
)
project_option = click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Project directory (holds config/, site_src/, mkdocs.yml).",
)


branch_option = click.option(
    "--branch",
    default="gh-pages",
    show_default=True,
    help="Branch of the project's git repository that holds the versioned site.",
)


def remote_option(pushes: bool = False) -> Any:
    """--remote; only snapshot has --push, so only its help mentions it."""
    return click.option(
        "--remote",
        default="origin",
        show_default=True,
        help="Remote whose copy of the branch is read when it is ahead"
        + (" (and pushed to with --push)." if pushes else "."),
    )


due_within_option = click.option(
    "--due-within",
    type=click.IntRange(min=0),
    default=DUE_WITHIN_DAYS,
    show_default=True,
    help="List open actions due within this many days of B's report date.",
)


def user_errors(func: F) -> F:
    """Turn the project's errors into a clean message and exit code, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ProblemsFound as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            click.echo(f"{len(exc.problems)} problem(s) found.", err=True)
            sys.exit(exc.exit_code)
        except AccountabilityError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except OSError as exc:  # a path the user gave that cannot be read or written
            click.echo(f"error: {os_error_message(exc)}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _report_date(as_of: str | None) -> ReportDate | None:
    """--as-of as a date or a fiscal quarter; the commands below take only these."""
    if as_of is None:
        return None
    try:
        return parse_report_date(as_of)
    except ValueError as exc:
        raise AccountabilityError(f"--as-of {exc}") from None


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


@click.group(epilog="Example: accountability validate --project examples/oulad")
@click.version_option(package_name="training-accountability")
@click.option("-v", "--verbose", is_flag=True, help="Log what each stage does.")
def cli(verbose: bool) -> None:
    """Who is accountable if the online training fails? Reads the YAML model of roles, people,
    courses, budgets and goals plus LMS exports, evaluates every goal, and builds a static
    report site."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@cli.command(epilog="Example: accountability validate --project . --json")
@project_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--strict", is_flag=True, help="Treat any rejected LMS row as a problem.")
@engine_option
@user_errors
def validate(project_dir: Path, as_json: bool, strict: bool, engine: EngineName | None) -> None:
    """Check config/*.yaml and read the LMS exports; exit 0 when valid, 1 when not."""
    from generator.commands.validate import validate_project

    result = validate_project(project_dir, strict=strict, engine=engine)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, sort_keys=True))
    else:
        for line in result.summary_lines():
            out.print(_escape(line))
    sys.exit(0 if result.valid else 1)


LMS_CHOICES = ("moodle", "canvas", "openedx", "xapi", "csv")


@cli.command(
    epilog="\b\nExample: accountability init ../acme-training --lms moodle --name 'Acme Ltd' "
    "--fiscal-year-start 4"
)
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--lms",
    type=click.Choice(LMS_CHOICES),
    required=True,
    help="The LMS whose exports the project reads: its sources and a sample export are "
    "written for it (csv: any LMS's CSV or spreadsheet report).",
)
@click.option(
    "--name",
    default="Example Organisation",
    show_default=True,
    help="The organisation's name, shown on every page.",
)
@click.option(
    "--fiscal-year-start",
    type=click.IntRange(1, 12),
    default=1,
    show_default=True,
    help="The month the fiscal year starts in (1 = January, 4 = April).",
)
@user_errors
def init(directory: Path, lms: str, name: str, fiscal_year_start: int) -> None:
    """Write a new project into DIR (new or empty; nothing is ever overwritten): commented
    config/*.yaml, a sample export of the LMS in data/, the JSON Schemas editors check the config
    with, mkdocs.yml and a .gitignore. It validates and builds as written; edit it, put your own
    exports in data/, and build again."""
    from generator.commands.init import init_project
    from generator.scaffold import ScaffoldSettings

    result = init_project(directory, ScaffoldSettings(lms, name, fiscal_year_start))
    folders = sorted({path.split("/")[0] for path in result.files})
    out.print(
        f"Wrote a {lms} project for {_escape(name)} into {_escape(str(directory))}: "
        + ", ".join(f"{folder}/" if "." not in folder else folder for folder in folders)
    )
    project = _escape(str(directory))
    out.print("Next: edit config/*.yaml (the comments say what to replace), put your exports in")
    out.print("data/ and point config/project.yaml's sources at them, then run")
    out.print(f"  accountability validate --project {project}")
    out.print(f"  accountability build --project {project}")


@cli.command(epilog="\b\nExample: accountability schemas --project .")
@project_option
@user_errors
def schemas(project_dir: Path) -> None:
    """Write the JSON Schemas of config/*.yaml into schemas/, from this version's models (run
    it after an upgrade). Editors with a YAML language server check each file against its
    schema when its first line is the modeline `init` writes."""
    from generator.commands.init import write_schemas

    result = write_schemas(project_dir)
    out.print(
        f"schemas/: {len(result.written)} written, {len(result.unchanged)} unchanged "
        f"({_escape(str(project_dir / 'schemas'))})"
    )
    for path, line in result.without_modeline.items():
        out.print(_escape(f"{path}: add as line 1 for editors to use its schema: {line}"))


@cli.command(
    "demo-data",
    epilog="\b\nExample: accountability demo-data --out /tmp/big --courses 5000 --rows 10000000",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to write a complete project (config/ and data/) into.",
)
@click.option("--learners", type=click.IntRange(min=10), default=2000, show_default=True)
@click.option("--courses", type=click.IntRange(min=8), default=40, show_default=True)
@click.option(
    "--rows",
    type=click.IntRange(min=1),
    default=None,
    help="Enrolment rows to generate (default: what the learners and courses imply).",
)
@click.option("--seed", type=int, default=2024, show_default=True)
@user_errors
def demo_data(out_dir: Path, learners: int, courses: int, rows: int | None, seed: int) -> None:
    """Write the demo organisation (config and LMS export), scaled as asked, deterministically."""
    from generator.demo import write_demo_project

    written = write_demo_project(out_dir, learners=learners, courses=courses, rows=rows, seed=seed)
    out.print(
        f"Wrote {written.rows:,} enrolment rows for {written.courses:,} courses and "
        f"{written.learners:,} learners to {out_dir}"
    )


@cli.command(epilog="\b\nExample: accountability build --project . --as-of 2025-Q4 --engine spark")
@project_option
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="DATE|PERIOD",
    help="Report date (2025-12-31) or fiscal quarter (2025-Q3: its last day). Default: "
    "project.yaml's report_date, else the end of the latest complete quarter.",
)
@click.option("--strict", is_flag=True, help="Fail when any LMS row is rejected.")
@click.option("--no-mkdocs", is_flag=True, help="Write site_src/ only; skip mkdocs build.")
@engine_option
@click.option(
    "--since",
    default=None,
    metavar="VERSION",
    help="A snapshot the person pages compare with: a version or alias on --branch "
    "(2026-Q2, latest) or a snapshot.json file. Default: none.",
)
@branch_option
@remote_option()
@user_errors
def build(
    project_dir: Path,
    as_of: str | None,
    strict: bool,
    no_mkdocs: bool,
    engine: EngineName | None,
    since: str | None,
    branch: str,
    remote: str,
) -> None:
    """Compute the report, write its Markdown into site_src/ and build the site into site/."""
    from generator.commands.build import build as run_build

    with stage_progress("Building the report") as progress:
        result = run_build(
            project_dir,
            as_of=_report_date(as_of),
            strict=strict,
            run_mkdocs=not no_mkdocs,
            progress=progress,
            engine=engine,
            since=since,
            branch=branch,
            remote=remote,
        )
    report = result.report
    missed = sum(1 for r in report.goals if r.status == "missed")
    out.print(
        f"{_escape(report.project.settings.organisation)} as of {report.report_date}: "
        f"{len(report.goals)} goal results ({missed} missed), {len(report.findings)} findings"
    )
    out.print(f"site_src/: {result.written.summary()}")
    if result.site_dir is not None:
        out.print(f"Site built in {result.site_dir}")
    for warning in report.warnings:
        err.print(_escape(f"warning: {warning}"))


@cli.command(epilog="\b\nExample: accountability serve --project . --dev-addr 127.0.0.1:8000")
@project_option
@click.option(
    "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on."
)
@user_errors
def serve(project_dir: Path, dev_addr: str) -> None:
    """Serve the report locally with live reload: the pages are written again when config/,
    responses/ or an LMS export changes, the site when a page or mkdocs.yml changes."""
    from generator.commands.serve import serve as run_serve

    sys.exit(run_serve(project_dir, dev_addr, echo=lambda line: click.echo(line, err=True)))


@cli.command(
    epilog="\b\nExample: accountability snapshot 2026-Q3 --project .\n"
    "\b\nPreview of a pull request (hidden from the menu, replaced on every push):\n"
    "  accountability snapshot 2026-Q3 --name pr-42 --hidden --force"
)
@click.argument("period", metavar="PERIOD")
@project_option
@click.option(
    "--alias", "aliases", multiple=True, metavar="NAME", help="Another name for it (repeatable)."
)
@click.option(
    "--title",
    default=None,
    help="Menu title. Default: the quarter and its last day in the project's fiscal calendar, "
    "such as '2026-Q3 (as of 2025-12-31)' for a year starting in April.",
)
@click.option("--hidden", is_flag=True, help="Leave it out of the version menu (previews).")
@click.option("--force", is_flag=True, help="Replace an existing snapshot of the same name.")
@click.option(
    "--name",
    default=None,
    metavar="VERSION",
    help="Version name. Default: PERIOD; a preview needs its own, such as pr-42.",
)
@branch_option
@remote_option(pushes=True)
@click.option("--push", is_flag=True, help="Push the branch to --remote afterwards.")
@user_errors
def snapshot(
    period: str,
    project_dir: Path,
    aliases: tuple[str, ...],
    title: str | None,
    hidden: bool,
    force: bool,
    name: str | None,
    branch: str,
    remote: str,
    push: bool,
) -> None:
    """Deploy the report as of the last day of fiscal quarter PERIOD as a version of the site.

    Data dated after that day is ignored, so a late snapshot equals a timely one. The pages are
    built in a scratch copy (site_src/ is not touched) and committed with mike to --branch,
    with the figures as snapshot.json beside them; 'latest' follows the newest quarter and is
    the default. Snapshots are immutable: replacing one needs --force."""
    from generator.commands.snapshot import snapshot as run_snapshot

    with stage_progress("Snapshot") as progress:
        result = run_snapshot(
            project_dir,
            period,
            aliases=aliases,
            title=title,
            hidden=hidden,
            force=force,
            name=name,
            branch=branch,
            remote=remote,
            push=push,
            progress=progress,
        )
    report, version = result.report, result.version
    missed = sum(1 for r in report.goals if r.status == "missed")
    names = ", ".join([version.name, *version.aliases])
    verb = "Replaced" if result.replaced else "Deployed"
    out.print(
        f"{verb} {_escape(version.title)} on {result.branch} as {_escape(names)}"
        + (" (hidden)" if version.hidden else "")
        + f": {len(report.goals)} goal results ({missed} missed), {len(report.findings)} findings"
    )
    shown = [
        v.name + (" [" + ", ".join(v.aliases) + "]" if v.aliases else "") for v in result.versions
    ]
    out.print(f"Versions: {_escape(', '.join(shown))}")
    if result.pushed:
        out.print(f"Pushed {result.branch}.")
    for warning in result.warnings:
        err.print(_escape(f"warning: {warning}"))


@cli.command(epilog="\b\nExample: accountability publish --to /srv/www/training")
@project_option
@click.option(
    "--to",
    "target",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to write the versioned site into (new, empty, or an earlier publish).",
)
@branch_option
@remote_option()
@user_errors
def publish(project_dir: Path, target: Path, branch: str, remote: str) -> None:
    """Write every version from --branch, versions.json and a root page that opens the default
    version into a plain directory any web server can serve: no symlinks, aliases are copies or
    redirect pages."""
    from generator.commands.publish import publish as run_publish

    result = run_publish(project_dir, target, branch=branch, remote=remote)
    default = result.default.name if result.default else "none"
    out.print(
        f"Published {len(result.versions)} version(s), {result.files:,} files, to "
        f"{result.target} (default: {_escape(default)})"
    )


@cli.command(
    epilog="\b\nExamples:\n  accountability diff 2026-Q2 2026-Q3\n"
    "  accountability diff latest current --format markdown > comment.md"
)
@click.argument("before", metavar="A")
@click.argument("after", metavar="B")
@project_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
)
@click.option(
    "--threshold-points",
    type=click.FloatRange(min=0),
    default=5.0,
    show_default=True,
    help="A rate moved when it changed by this many percentage points.",
)
@click.option(
    "--threshold-percent",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="Any other KPI moved when it changed by this percentage of its earlier value.",
)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="DATE|PERIOD",
    help="Report date of 'current' (default: as `accountability build`).",
)
@due_within_option
@branch_option
@remote_option()
@user_errors
def diff(
    before: str,
    after: str,
    project_dir: Path,
    output_format: str,
    threshold_points: float,
    threshold_percent: float,
    as_of: str | None,
    due_within: int,
    branch: str,
    remote: str,
) -> None:
    """Compare two snapshots A and B: goals whose status changed (and who is accountable), KPIs
    that moved more than the thresholds, courses added or removed, findings new or resolved,
    responses new or changed, and open actions due or overdue as of B.

    A and B are versions or aliases on --branch, snapshot.json files, or 'current' (the report
    built now from the working tree). The Markdown is ready for a pull-request comment."""
    from generator.commands.diff import load_snapshot
    from generator.versions.diff import Thresholds, diff_snapshots, to_json, to_markdown

    report_date = _report_date(as_of)
    data = [
        load_snapshot(project_dir, side, branch=branch, remote=remote, as_of=report_date)
        for side in (before, after)
    ]
    thresholds = Thresholds(points=threshold_points / 100, relative=threshold_percent / 100)
    result = diff_snapshots(data[0], data[1], thresholds, due_within)
    click.echo(to_json(result) if output_format == "json" else to_markdown(result), nl=False)


@cli.command(
    epilog="\b\nExamples:\n  accountability digest 2026-Q2 2026-Q3 --out digests/\n"
    "  accountability digest latest current --out /tmp/mail --due-within 30"
)
@click.argument("before", metavar="A")
@click.argument("after", metavar="B")
@project_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write <person>.md and <person>.html into (created if missing).",
)
@due_within_option
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="DATE|PERIOD",
    help="Report date of 'current' (default: as `accountability build`).",
)
@branch_option
@remote_option()
@user_errors
def digest(
    before: str,
    after: str,
    project_dir: Path,
    out_dir: Path,
    due_within: int,
    as_of: str | None,
    branch: str,
    remote: str,
) -> None:
    """Write a digest per accountable person of what changed from snapshot A to B: their goals
    whose status changed, their goals missed in B, findings new or resolved that point at them,
    and their actions due or overdue. Each is a Markdown file and a self-contained HTML e-mail
    (inline styles, no external resource), ready for any mailer; a person with nothing to
    report gets a short "nothing changed" digest.

    A and B are as for `accountability diff`."""
    from generator.commands.digest import write_digests

    result = write_digests(
        project_dir,
        before,
        after,
        out_dir,
        due_within_days=due_within,
        branch=branch,
        remote=remote,
        as_of=_report_date(as_of),
    )
    people = len(result.files) // 2
    click.echo(f"Wrote digests for {people} people to {result.out_dir}")


@cli.command(
    "board-pack",
    epilog="\b\nExamples:\n  accountability board-pack --out pack.pdf\n"
    "  accountability board-pack 2026-Q3 --out board-2026-Q3.pdf",
)
@click.argument("version", metavar="[VERSION]", required=False)
@project_option
@click.option(
    "--out",
    "pdf_file",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="PDF file to write.",
)
@branch_option
@remote_option()
@user_errors
def board_pack(
    version: str | None, project_dir: Path, pdf_file: Path, branch: str, remote: str
) -> None:
    """Print the overview, the goals page and every role page of the report into one A4 PDF
    with a cover (organisation, version, report date) and page numbers, using headless
    Chromium (apt-get install chromium; pip install 'training-accountability[pdf]').

    Without VERSION (or with 'current'), the site `accountability build` left in site/;
    otherwise a version or alias deployed on --branch by `accountability snapshot`. No
    request leaves the machine."""
    from generator.commands.board_pack import board_pack as run_board_pack

    with stage_progress("Printing the board pack"):
        result = run_board_pack(project_dir, version, pdf_file, branch=branch, remote=remote)
    roles = len(result.sections) - 2
    out.print(
        f"Wrote {_escape(str(result.out))}: {_escape(result.organisation)} as of "
        f"{_escape(result.report_date)}, overview, goals and {roles} role page(s)"
    )


def main() -> None:
    cli(prog_name="accountability")
