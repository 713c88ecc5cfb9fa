"""Reading the audit log: an account's history (newest first, paged, deleted items named,
erased contacts marked), the migration that gave old rows their account, the CSV (BOM, ISO
times, formulas defused, Chinese and Cyrillic intact) and `kam-bot export --audit`."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date, timedelta
from pathlib import Path

import aiosqlite
import pytest

from bot.cli import main
from domain.audit_csv import BOM, COLUMNS, csv_line, safe_cell, write_csv
from domain.audit_view import group, parse_value, short
from domain.clock import FakeClock
from storage import Storage
from storage.data_export import erase_contact
from storage.migrations import apply_migrations, available_migrations
from tests.reminder_support import add_account, add_manager


async def test_history_is_newest_first_and_names_what_changed(
    storage: Storage, clock: FakeClock
) -> None:
    anna = await add_manager(storage, 1, "Anna", now=clock.now())
    account_id = await add_account(storage, anna, "VT-Metal", now=clock.now())
    other_id = await add_account(storage, anna, "Zeta", now=clock.now())
    clock.advance(timedelta(minutes=1))
    contact = await storage.contacts.create(
        account_id=account_id, full_name="Иван Петров", position="CEO", actor_id=anna.id,
        now=clock.now(),
    )  # fmt: skip
    clock.advance(timedelta(minutes=1))
    deal = await storage.deals.create(
        account_id, {"kind": "deal", "title": "Pipes", "stage": "lead"}, actor_id=anna.id,
        now=clock.now(),
    )  # fmt: skip
    clock.advance(timedelta(minutes=1))
    await storage.deals.delete(deal.id, actor_id=anna.id, now=clock.now())
    clock.advance(timedelta(minutes=1))
    await storage.accounts.update(account_id, actor_id=anna.id, now=clock.now(), industry="Steel")
    rows = await storage.audit.history(account_id, offset=0, limit=100)
    assert rows[0].entity == "account" and rows[0].field == "industry"
    assert rows[0].actor_name == "Anna" and rows[0].new_value == "Steel"
    assert [r.at for r in rows] == sorted((r.at for r in rows), reverse=True)
    deleted = [r for r in rows if r.entity == "deal"]
    assert deleted and all(r.subject == "Pipes" for r in deleted)  # named after its deletion
    assert {r.subject for r in rows if r.entity == "contact"} == {"Иван Петров"}
    assert await storage.audit.count_history(account_id) == len(rows)
    assert all(r.entity != "account" or r.entity_id == account_id for r in rows)
    assert other_id not in {r.entity_id for r in rows if r.entity == "account"}
    page = await storage.audit.history(account_id, offset=2, limit=2)
    assert [r.id for r in page] == [r.id for r in rows[2:4]]
    await erase_contact(storage.db, contact.id, actor_id=anna.id, now=clock.now())
    erased = [
        r for r in await storage.audit.history(account_id, offset=0, limit=100)
        if r.entity == "contact"
    ]  # fmt: skip
    assert erased and all(r.erased for r in erased)
    assert all(r.field == "personal_data" or r.new_value is None for r in erased)


async def test_history_leaves_denials_out(storage: Storage, clock: FakeClock) -> None:
    from storage.audit import Denial

    anna = await add_manager(storage, 1, "Anna", now=clock.now())
    account_id = await add_account(storage, anna, "VT-Metal", now=clock.now())
    before = await storage.audit.count_history(account_id)
    await storage.audit.record_denials(
        [Denial(clock.now(), anna.id, "account", account_id, "see", "no relation")]
    )
    assert await storage.audit.count_history(account_id) == before
    (row,) = await storage.db.fetch_all("SELECT * FROM audit_log WHERE action = 'deny'")
    assert (row["field"], row["new_value"], row["account_id"]) == ("see", "no relation", account_id)


async def test_migration_keeps_old_rows_and_finds_their_account(tmp_path: Path) -> None:
    conn = await aiosqlite.connect(tmp_path / "old.sqlite3", isolation_level=None)
    older = [m for m in available_migrations() if m.version < 8]
    await apply_migrations(conn, older)
    now = "2026-11-01T09:00:00Z"
    await conn.execute(
        "INSERT INTO managers (id, telegram_id, full_name, role, language, timezone, created_at,"
        " updated_at) VALUES (1, 1, 'Anna', 'kam', 'en', 'UTC', ?, ?)",
        (now, now),
    )
    await conn.execute(
        "INSERT INTO accounts (id, name, status, owner_id, created_at, updated_at)"
        " VALUES (5, 'VT', 'active', 1, ?, ?)",
        (now, now),
    )
    await conn.execute(
        "INSERT INTO contacts (id, account_id, full_name, created_at, updated_at)"
        " VALUES (7, 5, 'Ivan', ?, ?)",
        (now, now),
    )
    rows = [
        (now, 1, "account", 5, "create", "name", None, "VT"),
        (now, 1, "contact", 7, "update", "phone", "1", "2"),
        (now, 1, "related_organisation", 9, "create", "account_id", None, "5"),
        (now, 1, "related_organisation", 9, "delete", "name", "Holding", None),
        (now, 1, "manager", 1, "update", "language", "en", "ru"),
    ]
    await conn.executemany(
        "INSERT INTO audit_log (at, actor_id, entity, entity_id, action, field, old_value,"
        " new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    await apply_migrations(conn)
    found = await conn.execute_fetchall("SELECT entity, account_id FROM audit_log ORDER BY id")
    assert [tuple(r) for r in found] == [
        ("account", 5),
        ("contact", 5),
        ("related_organisation", 5),
        ("related_organisation", 5),
        ("manager", None),
    ]
    indexes = {r[1] for r in await conn.execute_fetchall("PRAGMA index_list(audit_log)")}
    assert {"audit_log_entity", "audit_log_account"} <= indexes
    await conn.close()


def test_values_read_well() -> None:
    assert parse_value("2026-12-01") == date(2026, 12, 1)
    assert str(parse_value("2026-12-01T09:30:00Z")) == "2026-12-01 09:30:00+00:00"
    assert parse_value("2026-13-45") == "2026-13-45" and parse_value("Pipes") == "Pipes"
    assert short("a\n b   c") == "a b c" and short("x" * 100, 10) == "x" * 9 + "…"


def test_rows_of_one_change_are_grouped() -> None:
    from dataclasses import dataclass
    from datetime import UTC, datetime

    @dataclass(frozen=True)
    class R:
        at: datetime
        actor_name: str | None
        entity: str
        entity_id: int
        action: str

    t0 = datetime(2026, 12, 1, tzinfo=UTC)
    rows = [
        R(t0, "A", "deal", 1, "update"),
        R(t0, "A", "deal", 1, "update"),
        R(t0, "A", "deal", 2, "update"),
    ]
    assert [len(g.rows) for g in group(rows)] == [2, 1]


def test_csv_cells_are_safe_in_a_spreadsheet() -> None:
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)" and safe_cell("+7 999") == "'+7 999"
    assert safe_cell("-5") == "-5" and safe_cell(-5) == "-5" and safe_cell(None) == ""
    assert csv_line(["a,b", 'say "hi"', "多行\n文本"]) == '"a,b","say ""hi""","多行\n文本"\r\n'


async def test_csv_export_streams_every_entry(storage: Storage, clock: FakeClock) -> None:
    anna = await add_manager(storage, 4242, "Анна 王", now=clock.now())
    for n in range(7):
        await add_account(storage, anna, f"Клиент {n}", now=clock.now())
    out = io.BytesIO()
    count = await write_csv(out, storage.audit.export_rows(page=3))
    raw = out.getvalue()
    assert raw.startswith(BOM.encode("utf-8"))
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert tuple(table[0]) == COLUMNS and len(table) == count + 1
    names = [row for row in table[1:] if row[5] == "account" and row[8] == "name"]
    assert [row[10] for row in names] == [f"Клиент {n}" for n in range(7)]
    assert all(row[2] == "Анна 王" and row[4] == "4242" for row in names)
    assert all(row[1].endswith("Z") and "T" in row[1] for row in table[1:])
    later = io.BytesIO()
    assert await write_csv(later, storage.audit.export_rows(since=clock.now() + timedelta(1))) == 0


async def _seeded(path: Path, clock: FakeClock) -> None:
    storage = await Storage.open(str(path))
    anna = await add_manager(storage, 1, "Anna", now=clock.now())
    await add_account(storage, anna, "VT-Metal", now=clock.now())
    await storage.close()


def test_the_command_line_exports_the_audit_log(
    clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kam.sqlite3"
    asyncio.run(_seeded(path, clock))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(path))
    out = tmp_path / "audit.csv"
    assert main(["export", "--audit", "--since", "2000-01-01", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "VT-Metal" in text and text.splitlines()[0].startswith("id,time_utc")
    assert out.stat().st_mode & 0o077 == 0
    future = tmp_path / "none.csv"
    assert main(["export", "--audit", "--since", "2999-01-01", "--out", str(future)]) == 0
    assert len(future.read_text(encoding="utf-8-sig").splitlines()) == 1


def test_every_stored_code_reads_in_every_language() -> None:
    from bot.i18n import catalogs
    from domain.audit_view import _CODE_LABELS, code_message
    from domain.languages import LANGUAGES

    for (entity, field), (codes, _) in _CODE_LABELS.items():
        for code in codes:
            message = code_message(entity, field, code)
            assert message is not None
            for language in LANGUAGES:
                assert catalogs()[language].messages.get(message), (language, message)
    assert code_message("contract", "status", "terminated") == "contract.status.terminated"
    assert code_message("contract", "status", "<b>odd</b>") is None  # shown as text, escaped
    assert code_message("contract", "title", "active") is None
