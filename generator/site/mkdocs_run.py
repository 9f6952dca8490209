"""Running MkDocs: ``mkdocs build`` (clean, or incremental in several processes) swapped
into site/ whole, and ``mkdocs serve``."""

from __future__ import annotations

import json
import logging
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from generator.domain.errors import BuildError
from generator.site.files import honour_umask
from generator.site.staging import _link_tree, _swap_in

# The package's logger, whichever module logs: messages read ``generator.site: ...``.
log = logging.getLogger("generator.site")


def _mkdocs(*args: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", *args]


def build_messages(output: str) -> list[str]:
    """The WARNING and ERROR lines of mkdocs' log, with their continuation lines."""
    messages: list[str] = []
    for line in output.splitlines():
        if re.match(r"^(WARNING|ERROR)\b", line):
            messages.append(re.sub(r"^(WARNING|ERROR)\s*-\s*", r"\1: ", line).rstrip())
        elif messages and line.startswith((" ", "\t")) and line.strip():
            messages[-1] += "\n" + line.rstrip()
    return messages


def build_site(
    project_dir: Path,
    strict: bool = True,
    *,
    site_dir: Path | None = None,
    config: Path | None = None,
    incremental: bool = False,
    shards: int = 1,
    before_swap: Callable[[], None] = lambda: None,
) -> Path:
    """``mkdocs build`` into a temp dir beside site/, then swap it in: a failed build leaves
    the previous site/ whole. Raises BuildError with mkdocs' warnings on failure. ``config``
    replaces the project's mkdocs.yml (a staged configuration, see :func:`staged_config`).
    ``incremental``: re-render only pages whose source changed since the previous site was
    built, in ``shards`` processes at once; only for a site built from the same config and set
    of files (:func:`build_stamp`). ``before_swap`` runs once the site is built, before it
    replaces site/: if it fails, site/ stays as it was (build swaps site_src/ in there, so
    the two change together or neither)."""
    project_dir = project_dir.resolve()
    # Absolute: mkdocs runs in the project directory, where a path relative to ours is wrong.
    config = (config or project_dir / "mkdocs.yml").resolve()
    if not config.exists():
        raise BuildError(f"{config}: not found; run `accountability build` in a project directory")
    target = site_dir or project_dir / "site"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.build-", dir=target.parent))
    honour_umask(tmp)
    try:
        if incremental and strict and target.is_dir():
            _dirty_build(project_dir, config, target, tmp, shards)
        else:
            command = _mkdocs(
                "build", "--clean", "--config-file", str(config), "--site-dir", str(tmp)
            )
            command.append("--strict" if strict else "--no-strict")
            _run_mkdocs(project_dir, config, [command], strict)
        before_swap()
        _swap_in(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _dirty_build(project_dir: Path, config: Path, target: Path, tmp: Path, shards: int) -> None:
    """generator.site.incremental in ``shards`` processes, each on a hard-linked copy of the
    previous site (shard 0's in ``tmp``), then combined into ``tmp``."""
    from generator.site import incremental

    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.shards-", dir=target.parent))
    try:
        tmp.rmdir()
        dirs = [tmp] + [work / f"shard-{k}" for k in range(1, shards)]
        commands = []
        for k, directory in enumerate(dirs):
            _link_tree(target, directory)
            result = work / f"result-{k}.json"
            module = [sys.executable, "-m", "generator.site.incremental"]
            commands.append(
                [*module, str(config), str(directory), str(result), str(k), str(shards)]
            )
        _run_mkdocs(project_dir, config, commands, strict=True)
        results = [
            json.loads((work / f"result-{k}.json").read_text("utf-8")) for k in range(shards)
        ]
        index = target / incremental.SEARCH_INDEX
        previous = json.loads(index.read_text("utf-8")) if index.exists() else None
        rebuilt = incremental.combine(tmp, previous, dirs, results)
        log.info("re-rendered %d pages in %d process(es)", rebuilt, shards)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run_mkdocs(project_dir: Path, config: Path, commands: list[list[str]], strict: bool) -> None:
    """Run the commands at the same time; BuildError with mkdocs' warnings if any fails."""
    for command in commands:
        log.info("running %s", " ".join(command[2:]))
    running = [
        subprocess.Popen(
            command, cwd=project_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for command in commands
    ]
    try:
        outputs = [process.communicate() for process in running]
    finally:  # interrupted: stop the others rather than leave them writing a site
        for process in running:
            if process.poll() is None:
                process.kill()
                process.wait()
    failed = [
        (err, out)
        for process, (out, err) in zip(running, outputs, strict=True)
        if process.returncode
    ]
    if failed:
        err, out = failed[0]
        messages = build_messages(err + out) or [(err or out).strip()]
        raise BuildError(
            f"{config}: mkdocs build failed"
            + (" in strict mode" if strict else "")
            + ":\n  "
            + "\n  ".join(messages)
        )
    for _, err in outputs:
        for message in build_messages(err):
            log.warning("mkdocs: %s", message)


def serve(
    project_dir: Path, dev_addr: str = "127.0.0.1:8000", on_tick: Callable[[], None] = lambda: None
) -> int:
    """``mkdocs serve`` with live reload until interrupted; returns its exit code. ``on_tick``
    runs about every quarter second meanwhile (to regenerate pages when inputs change)."""
    config = (project_dir / "mkdocs.yml").resolve()  # absolute: MkDocs runs in project_dir
    if not config.exists():
        raise BuildError(f"{config}: not found; run `accountability build` first")
    command = _mkdocs("serve", "--config-file", str(config), "--dev-addr", dev_addr)
    server = subprocess.Popen(command, cwd=project_dir)
    # Stopped by a process manager (SIGTERM), stop MkDocs too rather than orphan it on its port.
    previous = signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    try:
        while server.poll() is None:
            on_tick()
            time.sleep(0.25)
        return server.returncode
    except KeyboardInterrupt:  # Ctrl-C reached MkDocs too (one process group): let it finish
        server.wait()
        return 0
    finally:
        if server.poll() is None:  # on_tick failed: do not leave MkDocs on its port
            server.terminate()
            server.wait()
        signal.signal(signal.SIGTERM, previous)
