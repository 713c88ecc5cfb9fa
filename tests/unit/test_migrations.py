from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage import Database, DatabaseTooNewError
from storage.migrations import available_migrations


async def test_empty_database_gets_the_whole_schema(tmp_path: Path) -> None:
    db = Database(tmp_path / "new" / "kam.sqlite3")
    await db.open()
    tables = {row[0] for row in await db.fetch_all("SELECT name FROM sqlite_master")}
    await db.close()
    for table in (
        "managers",
        "accounts",
        "contacts",
        "meetings",
        "tasks",
        "contracts",
        "obligations",
        "deals",
        "satisfaction_checks",
        "audit_log",
        "reminder_deliveries",
        "bot_conversations",
        "invites",
    ):
        assert table in tables


async def test_second_start_applies_nothing(tmp_path: Path) -> None:
    path = tmp_path / "kam.sqlite3"
    for _ in range(2):
        db = Database(path)
        await db.open()
        rows = await db.fetch_all("SELECT version FROM schema_migrations")
        await db.close()
    assert [row[0] for row in rows] == [m.version for m in available_migrations()]


async def test_database_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "kam.sqlite3"
    db = Database(path)
    await db.open()
    await db.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')"
    )
    await db.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNewError, match="999"):
        await Database(path).open()
    assert path.read_bytes() == before


async def test_wal_and_foreign_keys_are_on(tmp_path: Path) -> None:
    db = Database(tmp_path / "kam.sqlite3")
    await db.open()
    mode = await db.fetch_one("PRAGMA journal_mode")
    fks = await db.fetch_one("PRAGMA foreign_keys")
    with pytest.raises(sqlite3.IntegrityError):
        await db.execute(
            "INSERT INTO contacts (account_id, full_name, created_at, updated_at)"
            " VALUES (12345, 'Nobody', 'x', 'x')"
        )
    await db.close()
    assert mode is not None and mode[0] == "wal"
    assert fks is not None and fks[0] == 1


async def test_failed_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    db = Database(tmp_path / "kam.sqlite3")
    await db.open()

    async def insert_then_fail() -> None:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO managers (telegram_id, full_name, role, created_at, updated_at)"
                " VALUES (1, 'A', 'kam', 'x', 'x')"
            )
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await insert_then_fail()
    count = await db.fetch_one("SELECT count(*) FROM managers")
    await db.close()
    assert count is not None and count[0] == 0
