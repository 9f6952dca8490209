"""Every git and mike call of the versioned site, in one place (the versions package's edge).

Git runs with an explicit working directory (never the process's), and with a fallback
identity when none is configured, so CI machines without ``git config user.name`` can commit.
Deploys go through mike's own command line (``mike deploy``, ``mike alias``, ``mike
set-default``): it builds the site with MkDocs and commits it to the branch with its aliases.
Reading the branch uses git plumbing: ``ls-tree`` and one ``cat-file --batch`` for all files.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.domain.errors import AccountabilityError, BuildError
from generator.site import build_messages

log = logging.getLogger(__name__)

FALLBACK_IDENTITY = ("accountability", "accountability@localhost")
SYMLINK_MODE = 0o120000
MIKE = "import sys; from mike.driver import main; sys.exit(main())"


@dataclass(frozen=True)
class TreeEntry:
    path: str
    mode: int
    sha: str

    @property
    def is_symlink(self) -> bool:
        return self.mode == SYMLINK_MODE


class GitError(AccountabilityError):
    """A git command failed for a reason the user can act on."""


def _run(
    repo: Path, command: Sequence[str], *, input: bytes | None = None, check: bool = True
) -> subprocess.CompletedProcess[bytes]:
    try:
        done = subprocess.run(
            list(command), cwd=repo, input=input, capture_output=True, env=_env(repo), check=False
        )
    except FileNotFoundError as error:
        raise GitError(f"{command[0]}: not found; install git to use snapshots") from error
    if check and done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"{repo}: `{' '.join(command[:3])}` failed: {message}")
    return done


def _git(repo: Path, *args: str, input: bytes | None = None) -> bytes:
    return _run(repo, ["git", *args], input=input).stdout


_identity_cache: dict[Path, dict[str, str]] = {}


def _env(repo: Path) -> dict[str, str]:
    """os.environ plus a fallback author and committer when git has none configured."""
    env = dict(os.environ)
    if repo not in _identity_cache:
        extra: dict[str, str] = {}
        for key, fallback in zip(("name", "email"), FALLBACK_IDENTITY, strict=True):
            configured = subprocess.run(
                ["git", "config", f"user.{key}"], cwd=repo, capture_output=True, check=False
            ).stdout.strip()
            if not configured:
                for who in ("AUTHOR", "COMMITTER"):
                    extra[f"GIT_{who}_{key.upper()}"] = fallback
        _identity_cache[repo] = extra
    for name, value in _identity_cache[repo].items():
        env.setdefault(name, value)
    # mike runs `mkdocs build` by name: the one installed beside this Python comes first.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


# --- the repository ---------------------------------------------------------------------


def repo_root(project_dir: Path) -> Path:
    """The git work tree holding the project; snapshots live on a branch of it."""
    project_dir = project_dir.resolve()
    if not project_dir.is_dir():
        raise AccountabilityError(f"{project_dir}: no such project directory")
    done = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=project_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise AccountabilityError(
            f"{project_dir}: not a git repository; snapshots are deployed to a branch of the "
            "project's repository: run `git init && git add . && git commit -m 'report'` there "
            "first"
        )
    return Path(done.stdout.strip())


@dataclass(frozen=True)
class WorkTree:
    """What a snapshot was made from: the commit checked out and the project's files that
    differ from it (changed, added or untracked; git-ignored ones aside)."""

    commit: str | None  # None in a repository without commits yet
    changed: tuple[str, ...]

    @property
    def dirty(self) -> bool:
        return bool(self.changed)


def work_tree(repo: Path, project_dir: Path) -> WorkTree:
    """The commit of HEAD and the files under ``project_dir`` that differ from it."""
    head = _run(repo, ["git", "rev-parse", "--verify", "--quiet", "HEAD"], check=False)
    commit = head.stdout.decode().strip() if head.returncode == 0 else None
    status = _git(
        project_dir.resolve(), "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", "."
    )
    # -z: "XY path\0", a rename adds its source as the next entry; paths are repo-relative.
    entries = [e for e in status.decode("utf-8", "replace").split("\0") if e]
    changed, skip = [], False
    for entry in entries:
        if skip:
            skip = False
            continue
        skip = entry[0] in "RC"
        if not _is_ours(entry[3:]):
            changed.append(entry[3:])
    return WorkTree(commit or None, tuple(changed))


# What builds and snapshots themselves leave in a project (the build lock, the data cache): not
# a change of the project's inputs, even where no .gitignore lists them.
OWN_NAMES = {".accountability.lock", ".accountability-cache"}


def _is_ours(path: str) -> bool:
    return any(part in OWN_NAMES for part in path.split("/"))


def ref_exists(repo: Path, ref: str) -> bool:
    return _run(repo, ["git", "rev-parse", "--verify", "--quiet", ref], check=False).returncode == 0


def branch_ref(repo: Path, branch: str, remote: str = "origin") -> str | None:
    """The local branch, else the remote-tracking one (a fresh CI clone), else None."""
    for ref in (f"refs/heads/{branch}", f"refs/remotes/{remote}/{branch}"):
        if ref_exists(repo, ref):
            return ref
    return None


def site_branch_ref(repo: Path, branch: str, remote: str, fix: str) -> str:
    """:func:`branch_ref`, or an error saying the branch is missing, ending with ``fix``."""
    ref = branch_ref(repo, branch, remote)
    if ref is None:
        raise AccountabilityError(
            f"{repo}: no branch '{branch}' (nor {remote}/{branch}); deploy a snapshot first{fix}"
        )
    return ref


def sync_from_remote(repo: Path, branch: str, remote: str = "origin") -> None:
    """Fast-forward the local branch to ``remote/branch`` when that is ahead (what mike does),
    so an immutability check sees snapshots deployed elsewhere."""
    tracking = f"refs/remotes/{remote}/{branch}"
    if not ref_exists(repo, tracking):
        return
    local = f"refs/heads/{branch}"
    if not ref_exists(repo, local):
        _git(repo, "update-ref", local, tracking)
        return
    if (
        _run(repo, ["git", "merge-base", "--is-ancestor", local, tracking], check=False).returncode
        == 0
    ):
        _git(repo, "update-ref", local, tracking)
    elif _run(
        repo, ["git", "merge-base", "--is-ancestor", tracking, local], check=False
    ).returncode:
        raise GitError(
            f"{repo}: branch {branch} has diverged from {remote}/{branch}; merge or reset it first"
        )


def read_file(repo: Path, ref: str, path: str) -> bytes | None:
    done = _run(repo, ["git", "cat-file", "blob", f"{ref}:{path}"], check=False)
    return done.stdout if done.returncode == 0 else None


def tree(repo: Path, ref: str) -> list[TreeEntry]:
    """Every file (and symlink) on ``ref``, sorted by path."""
    entries = []
    for record in _git(repo, "ls-tree", "-r", "-z", "--full-tree", ref).split(b"\0"):
        if not record:
            continue
        meta, path = record.split(b"\t", 1)
        mode, _kind, sha = meta.decode().split(" ")
        entries.append(TreeEntry(path.decode("utf-8"), int(mode, 8), sha))
    return sorted(entries, key=lambda e: e.path)


def read_blobs(repo: Path, shas: Iterable[str]) -> dict[str, bytes]:
    """The contents of many blobs with one ``git cat-file --batch``."""
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    output = _git(repo, "cat-file", "--batch", input="".join(f"{s}\n" for s in wanted).encode())
    blobs: dict[str, bytes] = {}
    position = 0
    for sha in wanted:
        header_end = output.index(b"\n", position)
        _sha, _kind, size = output[position:header_end].decode().split(" ")
        start = header_end + 1
        blobs[sha] = output[start : start + int(size)]
        position = start + int(size) + 1
    return blobs


def commit_file(repo: Path, branch: str, path: str, data: bytes, message: str) -> None:
    """One commit on ``branch`` that replaces the file at ``path`` (git fast-import, as mike
    commits)."""
    ident = _git(repo, "var", "GIT_COMMITTER_IDENT").decode("utf-8").strip()
    body = message.encode("utf-8")
    stream = (
        f"commit refs/heads/{branch}\ncommitter {ident}\ndata {len(body)}\n".encode()
        + body
        + f"\nfrom refs/heads/{branch}^0\nM 100644 inline {path}\ndata {len(data)}\n".encode()
        + data
        + b"\ndone\n"
    )
    _git(repo, "fast-import", "--quiet", "--done", input=stream)


def push(repo: Path, remote: str, branch: str) -> None:
    _git(repo, "push", remote, f"refs/heads/{branch}:refs/heads/{branch}")


# --- mike -------------------------------------------------------------------------------


def mike(repo: Path, *args: str) -> str:
    """Run mike's command line in ``repo``; a failure is a BuildError with mike's messages."""
    command = [sys.executable, "-c", MIKE, *args]
    log.info("running mike %s", " ".join(args))
    done = _run(repo, command, check=False)
    output = (done.stderr + done.stdout).decode("utf-8", "replace")
    if done.returncode != 0:
        messages = build_messages(output) or [line for line in output.splitlines() if line][-5:]
        raise BuildError(f"mike {args[0]} failed:\n  " + "\n  ".join(messages))
    for line in output.splitlines():
        if line.startswith("warning:"):
            log.warning("mike: %s", line)
    return output


def mike_deploy(
    repo: Path,
    config_file: Path,
    *,
    branch: str,
    version: str,
    title: str,
    aliases: Sequence[str],
    hidden: bool,
    message: str,
) -> None:
    """Build the site in ``config_file`` with MkDocs and commit it as ``version``; aliases are
    redirect pages (no symlinks, so any web server and uploader can take the branch)."""
    mike(
        repo,
        "deploy",
        "--config-file",
        str(config_file),
        "--branch",
        branch,
        "--message",
        message,
        "--title",
        title,
        "--alias-type",
        "redirect",
        "--update-aliases",
        "--prop-set",
        f"hidden={'true' if hidden else 'false'}",
        version,
        *aliases,
    )


def mike_alias(repo: Path, config_file: Path, *, branch: str, version: str, alias: str) -> None:
    mike(
        repo,
        "alias",
        "--config-file",
        str(config_file),
        "--branch",
        branch,
        "--alias-type",
        "redirect",
        "--update-aliases",
        version,
        alias,
    )


def mike_delete(repo: Path, config_file: Path, *, branch: str, identifier: str) -> None:
    mike(repo, "delete", "--config-file", str(config_file), "--branch", branch, identifier)


def mike_set_default(repo: Path, config_file: Path, *, branch: str, identifier: str) -> None:
    mike(repo, "set-default", "--config-file", str(config_file), "--branch", branch, identifier)
