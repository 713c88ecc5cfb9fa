"""One bot per database: the running bot holds an exclusive lock on ``<database>.lock``.

A second bot on the same file would send every reminder twice, and a restore under a running
bot would be overwritten by it; both ask this lock first. The operating system releases it
when the process ends, however it ends (a SIGKILL included), so it never goes stale.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class DatabaseInUseError(RuntimeError):
    """Another kam-bot process has the database open."""


def lock_path(database: str | Path) -> Path:
    return Path(f"{database}.lock")


def hold(database: str | Path) -> IO[str]:
    """Takes the lock for the life of the process (keep the returned file open)."""
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT, 0o600), "r+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise DatabaseInUseError(
            f"a kam-bot process (pid {holder}) is using {database}; stop it first"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def ensure_free(database: str | Path) -> None:
    """Raises DatabaseInUseError while a bot runs on ``database``."""
    hold(database).close()
