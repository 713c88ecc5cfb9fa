"""The state of a database file for `kam-bot check`: intact or not, and its migrations.

Synchronous (the standard `sqlite3` module), read only: a check never changes the file, and
never creates one that is missing.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from storage.migrations import available_migrations


@dataclass(frozen=True)
class DatabaseHealth:
    problem: str | None  # None, "missing", "damaged" or "too_new"
    detail: str = ""  # what is wrong, in words
    version: int = 0  # the newest migration applied
    pending: tuple[str, ...] = ()  # migrations this bot has and the database lacks, in order


def inspect_database(path: str | Path) -> DatabaseHealth:
    path = Path(path)
    if not path.is_file():
        return DatabaseHealth("missing", f"{path} does not exist")
    try:
        with contextlib.closing(sqlite3.connect(str(path), timeout=30)) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()
            if result is None or result[0] != "ok":
                answer = result[0] if result else "no answer"
                return DatabaseHealth("damaged", f"{path} is damaged: {answer}")
            applied = {int(row[0]) for row in conn.execute("SELECT version FROM schema_migrations")}
    except sqlite3.DatabaseError as error:
        detail = f"{path} is not a readable KAM Assistant database: {error}"
        return DatabaseHealth("damaged", detail)
    known = available_migrations()
    version = max(applied, default=0)
    if version > max(m.version for m in known):
        detail = f"{path} has schema version {version}, newer than this kam-bot"
        return DatabaseHealth("too_new", detail, version)
    pending = tuple(f"{m.version:04d}_{m.name}" for m in known if m.version not in applied)
    return DatabaseHealth(None, version=version, pending=pending)
