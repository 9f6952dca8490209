"""One error hierarchy for everything a user can get wrong.

Stages raise these; only the CLI turns them into text and an exit code, so a user's
mistake never shows a traceback.
"""

from __future__ import annotations

import difflib
import errno
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem: ``file:line: message``. ``line`` is 0 when unknown."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "message": self.message}


class AccountabilityError(Exception):
    """Base class of every error meant for the user. ``exit_code`` is what the CLI returns."""

    exit_code = 1


class ProblemsFound(AccountabilityError):
    """One or more located problems, collected before failing."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class BuildError(AccountabilityError):
    """A later stage (site build, snapshot, publish) failed for a reason the user can fix."""

    exit_code = 2


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a close option exists, else ''."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def known(label: str, options: Iterable[str]) -> str:
    """'; known roles: a, b, c' — the valid options, sorted, for an error message."""
    values = sorted(options)
    if not values:
        return f"; no {label} are defined"
    shown = ", ".join(values[:30]) + (f", … ({len(values)} in all)" if len(values) > 30 else "")
    return f"; known {label}: {shown}"


# What to do about an OS error while reading or writing, by errno.
OS_ERROR_FIXES = {
    errno.ENOSPC: "free some disk space and try again",
    errno.EDQUOT: "free some of your disk quota and try again",
    errno.EROFS: "the file system is read-only: work in a writable copy",
    errno.EACCES: "make it writable (or readable) for you and try again",
    errno.EPERM: "make it writable (or readable) for you and try again",
    errno.ENOTDIR: "a part of the path is a file, not a folder: give another path",
    errno.EISDIR: "it is a folder: give a file",
    errno.ENOENT: "check the path",
}


def os_error_message(exc: OSError, outcome: str = "") -> str:
    """An OS error as a user reads it: where, what, (what it left,) and the fix."""
    where = exc.filename or "the project folder"
    fix = OS_ERROR_FIXES.get(exc.errno or 0, "check the path and try again")
    return "; ".join(part for part in (f"{where}: {exc.strerror or exc}", outcome, fix) if part)
