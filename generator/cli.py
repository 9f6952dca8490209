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
    "--project", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=".",
    show_default=True, help="Project directory (holds config/, site_src/, mkdocs.yml).",
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
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


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


@cli.command("demo-data", epilog="\b\nExample: accountability demo-data --out /tmp/big "
             "--courses 5000 --rows 10000000")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory to write a complete project (config/ and data/) into.")
@click.option("--learners", type=click.IntRange(min=10), default=2000, show_default=True)
@click.option("--courses", type=click.IntRange(min=8), default=40, show_default=True)
@click.option("--rows", type=click.IntRange(min=1), default=None,
              help="Enrolment rows to generate (default: what the learners and courses imply).")
@click.option("--seed", type=int, default=2024, show_default=True)
@user_errors
def demo_data(out_dir: Path, learners: int, courses: int, rows: int | None, seed: int) -> None:
    """Write the demo organisation (config and LMS export), scaled as asked, deterministically."""
    from generator.demo import write_demo_project

    written = write_demo_project(out_dir, learners=learners, courses=courses, rows=rows, seed=seed)
    out.print(f"Wrote {written.rows:,} enrolment rows for {written.courses:,} courses and "
              f"{written.learners:,} learners to {out_dir}")


def main() -> None:
    cli(prog_name="accountability")
