"""The ``accountability`` command. The only module that prints; errors become exit codes here."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from generator.errors import AccountabilityError, ProblemsFound

F = TypeVar("F", bound=Callable[..., Any])

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

project_option = click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Project directory (holds config/, site_src/, mkdocs.yml).",
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

    return wrapper  # type: ignore[return-value]


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
@user_errors
def validate(project_dir: Path, as_json: bool, strict: bool) -> None:
    """Check config/*.yaml and read the LMS exports; exit 0 when valid, 1 when not."""
    from generator.validate import validate_project

    result = validate_project(project_dir, strict=strict)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, sort_keys=True))
    else:
        for line in result.summary_lines():
            out.print(_escape(line))
    sys.exit(0 if result.valid else 1)


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


@cli.command(epilog="\b\nExample: accountability build --project . --as-of 2025-Q4")
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
@user_errors
def build(project_dir: Path, as_of: str | None, strict: bool, no_mkdocs: bool) -> None:
    """Compute the report, write its Markdown into site_src/ and build the site into site/."""
    from generator.build import build as run_build

    with err.status("Building the report") as status:
        result = run_build(
            project_dir,
            as_of=as_of,
            strict=strict,
            run_mkdocs=not no_mkdocs,
            progress=lambda message: status.update(message),
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


@cli.command(epilog="\b\nExample: accountability serve --project . --dev-addr 127.0.0.1:8000")
@project_option
@click.option(
    "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on."
)
@user_errors
def serve(project_dir: Path, dev_addr: str) -> None:
    """Serve the built report locally, rebuilding the site when a page changes."""
    from generator.site import serve as run_serve

    sys.exit(run_serve(project_dir, dev_addr))


def main() -> None:
    cli(prog_name="accountability")
