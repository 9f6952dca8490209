"""One build at a time per project: builds share the project's staging copies and site/.

An advisory lock (flock) on ``.accountability.lock`` in the project folder, held for the whole
build. The kernel drops it when the process ends, however it ends, so a killed build never
leaves the project locked. The file stays (deleting it would let two builds lock two files).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from generator.domain.errors import AccountabilityError

LOCK = ".accountability.lock"


@contextlib.contextmanager
def build_lock(project_dir: Path) -> Iterator[None]:
    """Hold the project's build lock, or fail at once (exit 1) naming the build holding it."""
    path = project_dir / LOCK
    try:
        handle = path.open("a+", encoding="utf-8")
    except OSError as exc:
        raise AccountabilityError(
            f"{path}: cannot create the build lock ({exc.strerror}); "
            "make the project folder writable and build again"
        ) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise AccountabilityError(
                f"{project_dir}: another build is running ({holder}); "
                "wait for it to finish, or stop it, and build again"
            ) from None
        handle.truncate(0)
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
