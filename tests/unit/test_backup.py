"""Backups taken while writes continue, checked restores, rotation, private files, the run
lock, and the JSON export and erasure of personal data."""

from __future__ import annotations

import sqlite3
import stat
import threading
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.backups import take_backup
from bot.config import load_settings
from bot.run_lock import DatabaseInUseError, ensure_free, hold
from bot.services import Services
from domain.backup_rotation import backup_name
from domain.clock import FakeClock
from storage import Storage
from storage.backup import BackupError, automatic_backup, copy_database, restore_database
from storage.data_export import ERASED_NAME, erase_contact, export_account, export_manager

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _rows(path: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(path) as conn:
        return list(conn.execute("SELECT id, full_name FROM managers ORDER BY id"))


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    """The bot's database at tmp_path/data/kam.sqlite3 with one manager, Anna (id 1)."""
    opened = await Storage.open(str(tmp_path / "data" / "kam.sqlite3"))
    try:
        await opened.managers.create(
            telegram_id=1,
            full_name="Anna",
            username=None,
            role="admin",
            language="en",
            timezone="UTC",
            now=NOW,
        )
        yield opened
    finally:
        await opened.close()


def _write_managers(path: Path, stop: threading.Event, fifty: threading.Event) -> None:
    """Another connection keeps inserting managers, one transaction each, as the bot would."""
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        number = 100
        while not stop.is_set():
            conn.execute(
                "INSERT INTO managers (telegram_id, full_name, role, created_at, updated_at)"
                " VALUES (?, ?, 'kam', '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z')",
                (number, f"KAM {number}"),
            )
            number += 1
            if number == 150:
                fifty.set()
    finally:
        conn.close()


def test_a_backup_taken_during_writes_is_one_consistent_moment(
    storage: Storage, tmp_path: Path
) -> None:
    database = tmp_path / "data" / "kam.sqlite3"
    stop, fifty = threading.Event(), threading.Event()
    writer = threading.Thread(target=_write_managers, args=(database, stop, fifty))
    writer.start()
    try:
        assert fifty.wait(timeout=60)  # writes are under way
        copy_database(database, tmp_path / "copy.sqlite3")
    finally:
        stop.set()
        writer.join()
    copied = _rows(tmp_path / "copy.sqlite3")
    names = [name for _, name in copied][1:]
    # A prefix of the writes, none half-done: KAM 100, 101, ... without a gap.
    assert names == [f"KAM {n}" for n in range(100, 100 + len(names))]
    assert len(names) >= 50
    assert len(_rows(database)) > len(copied) - 1  # the writer went on after the copy
    assert _mode(tmp_path / "copy.sqlite3") == 0o600

    restored = tmp_path / "restored" / "kam.sqlite3"
    assert restore_database(tmp_path / "copy.sqlite3", restored, NOW) is None
    assert _rows(restored) == copied


def test_the_database_and_its_journal_are_private(storage: Storage, tmp_path: Path) -> None:
    assert _mode(tmp_path / "data" / "kam.sqlite3") == 0o600
    assert _mode(tmp_path / "data" / "kam.sqlite3-wal") == 0o600


async def test_restore_checks_the_file_and_keeps_the_replaced_database(
    storage: Storage, tmp_path: Path
) -> None:
    await storage.close()
    (tmp_path / "kam.sqlite3").write_bytes((tmp_path / "data" / "kam.sqlite3").read_bytes())
    (tmp_path / "junk.sqlite3").write_bytes(b"not a database" * 100)
    with pytest.raises(BackupError, match="not a KAM Assistant database"):
        restore_database(tmp_path / "junk.sqlite3", tmp_path / "kam.sqlite3", NOW)
    with pytest.raises(BackupError, match="does not exist"):
        restore_database(tmp_path / "missing.sqlite3", tmp_path / "kam.sqlite3", NOW)
    assert _rows(tmp_path / "kam.sqlite3") == [(1, "Anna")]

    copy_database(tmp_path / "kam.sqlite3", tmp_path / "backup.sqlite3")
    with sqlite3.connect(tmp_path / "kam.sqlite3") as conn:
        conn.execute("UPDATE managers SET full_name = 'Changed'")
    kept = restore_database(tmp_path / "backup.sqlite3", tmp_path / "kam.sqlite3", NOW)
    assert _rows(tmp_path / "kam.sqlite3") == [(1, "Anna")]
    assert kept is not None and _rows(kept) == [(1, "Changed")]


def test_the_daily_backup_is_taken_once_a_day_and_rotated(storage: Storage, tmp_path: Path) -> None:
    database, folder = tmp_path / "data" / "kam.sqlite3", tmp_path / "backups"
    for day in range(40):
        moment = NOW + timedelta(days=day)
        made = automatic_backup(database, folder, moment, daily=7, weekly=4)
        assert made == folder / backup_name(moment)
        again = moment + timedelta(hours=5)  # a restart later that day
        assert automatic_backup(database, folder, again, daily=7, weekly=4) is None
    kept = sorted(entry.name for entry in folder.iterdir())
    assert len(kept) == 11
    assert kept[-1] == backup_name(NOW + timedelta(days=39))
    assert all(_mode(folder / name) == 0o600 for name in kept)


def test_one_bot_per_database(tmp_path: Path) -> None:
    database = tmp_path / "kam.sqlite3"
    ensure_free(database)  # nobody holds it
    held = hold(database)
    try:
        with pytest.raises(DatabaseInUseError, match="stop it first"):
            ensure_free(database)
    finally:
        held.close()
    ensure_free(database)


async def test_export_and_erase_a_contact(storage: Storage) -> None:
    account = await storage.accounts.create(name="VT-Metal", owner_id=1, actor_id=1, now=NOW)
    contact = await storage.contacts.create(
        account_id=account.id, full_name="Ivan Petrov", position="CEO", actor_id=1, now=NOW
    )
    await storage.contacts.update(contact.id, actor_id=1, now=NOW, phone="+7 900 000-00-00")
    data = await export_account(storage.db, account.id)
    assert data is not None
    assert data["accounts"][0]["name"] == "VT-Metal"
    assert data["contacts"][0]["phone"] == "+7 900 000-00-00"
    assert await export_account(storage.db, 999) is None
    manager = await export_manager(storage.db, 1)
    assert manager is not None and manager["accounts"][0]["id"] == account.id

    assert await erase_contact(storage.db, contact.id, actor_id=1, now=NOW)
    erased = await storage.contacts.get(contact.id)
    assert erased is not None
    assert (erased.full_name, erased.phone, erased.position) == (ERASED_NAME, None, None)
    history = await storage.audit.for_entity("contact", contact.id)
    assert history[-1].field == "personal_data" and history[-1].action == "delete"
    assert not any("Ivan" in str(e.old_value) + str(e.new_value) for e in history)
    assert not any("+7 900" in str(e.old_value) + str(e.new_value) for e in history)
    assert not await erase_contact(storage.db, 999, actor_id=1, now=NOW)


async def test_the_bot_takes_the_days_backup_and_survives_a_failing_one(
    storage: Storage, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = load_settings(
        {"DATABASE_PATH": str(tmp_path / "data" / "kam.sqlite3")}, require_token=False
    )
    services = Services(settings=settings, storage=storage, clock=FakeClock(NOW))
    await take_backup(services)
    await take_backup(services)  # the next hourly check: nothing more today
    assert [p.name for p in (tmp_path / "data" / "backups").iterdir()] == [backup_name(NOW)]

    (tmp_path / "blocked").write_text("a file where the folder should be")
    broken = replace(settings, backup_dir=str(tmp_path / "blocked"))
    await take_backup(Services(settings=broken, storage=storage, clock=FakeClock(NOW)))
    assert "automatic backup failed" in caplog.text
