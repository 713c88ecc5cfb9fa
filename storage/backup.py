"""Copies of the database: taken live with SQLite's online backup API, checked, rotated, and
restored only into a database no bot is using.

These functions are synchronous (the backup API belongs to the standard `sqlite3` module);
the bot calls them in a worker thread. Every file they create is readable by its owner only.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from domain.backup_rotation import backup_name, is_due, taken_at, to_keep
from storage.migrations import available_migrations

OWNER_ONLY = 0o600


class BackupError(Exception):
    """A backup or restore cannot be done; the message says why."""


def create_private(path: str | Path) -> None:
    """Creates ``path`` (and its folder) readable by its owner only, if it does not exist."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, OWNER_ONLY))


def make_private(path: str | Path) -> None:
    """Creates ``path`` if missing; either way only its owner may read or write it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, OWNER_ONLY))
    path.chmod(OWNER_ONLY)


@contextlib.contextmanager
def _connect(path: str | Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(str(path), timeout=30)
    try:
        yield conn
    finally:
        conn.close()


def check_database(path: str | Path) -> None:
    """Raises BackupError unless ``path`` is an intact KAM Assistant database this version
    can open."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    try:
        with _connect(path) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()
            if result is None or result[0] != "ok":
                raise BackupError(f"{path} is damaged: {result[0] if result else 'no answer'}")
            versions = [row[0] for row in conn.execute("SELECT version FROM schema_migrations")]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a KAM Assistant database: {error}") from error
    known = max(migration.version for migration in available_migrations())
    if not versions or max(versions) > known:
        newest = max(versions, default=0)
        raise BackupError(f"{path} has schema version {newest}; this bot knows 1 to {known}")


def _copy(source: str | Path, target: Path) -> None:
    make_private(target)
    with _connect(source) as src, _connect(target) as dst:
        src.backup(dst)  # one step: the copy is one snapshot, whatever the bot writes meanwhile


def copy_database(source: str | Path, target: str | Path) -> None:
    """A consistent copy of ``source`` (live or not) at ``target``, via a private temporary
    file renamed into place once the copy passed its integrity check."""
    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        _copy(source, partial)
        check_database(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def restore_database(backup: str | Path, database: str | Path, now: datetime) -> Path | None:
    """Replaces ``database`` (which no bot may be using) with the checked ``backup``; the
    replaced database is first copied beside it. Returns that copy's path, if there was one."""
    check_database(backup)
    database = Path(database)
    kept = None
    if database.exists():
        kept = database.with_name(f"{database.name}.before-restore-{now:%Y%m%d-%H%M%S}")
        _copy(database, kept)  # not checked: a damaged database is the usual reason to restore
    partial = database.with_name(database.name + ".partial")
    partial.unlink(missing_ok=True)
    _copy(backup, partial)
    for leftover in ("-wal", "-shm"):
        Path(f"{database}{leftover}").unlink(missing_ok=True)
    os.replace(partial, database)
    return kept


def automatic_backup(
    database: str | Path, folder: str | Path, now: datetime, *, daily: int, weekly: int
) -> Path | None:
    """Takes today's backup into ``folder`` unless it exists, then deletes the backups that
    rotation no longer keeps. Returns the new backup's path, or None when none was due."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    names = [entry.name for entry in folder.iterdir() if taken_at(entry.name)]
    if not is_due(names, now):
        return None
    target = folder / backup_name(now.astimezone(UTC))
    copy_database(database, target)
    names.append(target.name)
    for name in set(names) - to_keep(names, daily=daily, weekly=weekly):
        (folder / name).unlink(missing_ok=True)
    return target
