"""Numbered SQL migrations, applied in order at start-up and recorded in the database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

import aiosqlite

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class DatabaseTooNewError(RuntimeError):
    """The database was written by a newer version of the bot; it is left untouched."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    found: list[Migration] = []
    for entry in resources.files(__name__).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


async def applied_versions(conn: aiosqlite.Connection) -> set[int]:
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    rows = await conn.execute_fetchall("SELECT version FROM schema_migrations")
    return {int(row[0]) for row in rows}


async def apply_migrations(
    conn: aiosqlite.Connection, migrations: list[Migration] | None = None
) -> list[int]:
    """Applies what is missing, each migration in its own transaction; returns the versions."""
    migrations = available_migrations() if migrations is None else migrations
    known = max((m.version for m in migrations), default=0)
    done = await applied_versions(conn)
    newest = max(done, default=0)
    if newest > known:
        raise DatabaseTooNewError(
            f"the database has schema version {newest}, but this version of KAM Assistant "
            f"knows only up to {known}; upgrade the bot or point DATABASE_PATH elsewhere"
        )
    applied: list[int] = []
    for migration in migrations:
        if migration.version in done:
            continue
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        # executescript commits a pending transaction first, so BEGIN/COMMIT live inside it.
        script = (
            "BEGIN;\n"
            f"{migration.sql}\n"
            "INSERT INTO schema_migrations (version, name, applied_at) "
            f"VALUES ({migration.version}, '{migration.name}', '{now}');\n"
            "COMMIT;\n"
        )
        try:
            await conn.executescript(script)
        except Exception:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise
        applied.append(migration.version)
    return applied
