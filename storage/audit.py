"""The audit log: who changed what, from which value to which, and when; and every denial.

Each row knows the account it belongs to (``account_id``), found here from the entity when
the caller does not give it, so that an account's history (:meth:`AuditRepository.history`)
is one indexed read, deleted items included. A denial is a row with the action ``deny``: the
field holds what was attempted (``see``, ``change``, ...) and the new value the reason.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.codec import dt_from_db, dt_to_db, opt_dt_from_db
from storage.database import Database


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor_id: int | None
    entity: str
    entity_id: int
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True)
class Denial:
    """A refusal to write: who (``actor_id``; None for a stranger), which object, what they
    tried and why not (domain.policy's reason)."""

    at: datetime
    actor_id: int | None
    entity: str
    entity_id: int
    action: str
    reason: str


@dataclass(frozen=True)
class HistoryEntry:
    """One line of an account's history, with what it needs to be read by a person."""

    id: int
    at: datetime
    actor_name: str | None
    entity: str
    entity_id: int
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None
    subject: str | None  # the item's name (a contact's, a deal's title, a task's text)
    subject_at: datetime | None  # a meeting's time
    erased: bool  # a contact whose personal data was erased on request


@dataclass(frozen=True)
class ExportRow:
    """One row of the audit log as the CSV export writes it."""

    id: int
    at: datetime
    actor_id: int | None
    actor_name: str | None
    actor_telegram_id: int | None
    entity: str
    entity_id: int
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None


# The account an entity's row belongs to (entities without an account are absent).
_ACCOUNT_OF: dict[str, str] = {
    "account": "SELECT id FROM accounts WHERE id = ?",
    "contact": "SELECT account_id FROM contacts WHERE id = ?",
    "meeting": "SELECT account_id FROM meetings WHERE id = ?",
    "task": "SELECT account_id FROM tasks WHERE id = ?",
    "satisfaction_check": "SELECT account_id FROM satisfaction_checks WHERE id = ?",
    "contract": "SELECT account_id FROM contracts WHERE id = ?",
    "obligation": "SELECT c.account_id FROM obligations o JOIN contracts c"
    " ON c.id = o.contract_id WHERE o.id = ?",
    "deal": "SELECT account_id FROM deals WHERE id = ?",
    "related_organisation": "SELECT account_id FROM related_organisations WHERE id = ?",
    "account_team": "SELECT account_id FROM account_team WHERE id = ?",
    "client_spend": "SELECT account_id FROM client_spend WHERE id = ?",
    "previous_supplier": "SELECT account_id FROM previous_suppliers WHERE id = ?",
}
_RECORDED_ACCOUNT = (
    "SELECT account_id FROM audit_log WHERE entity = ? AND entity_id = ?"
    " AND account_id IS NOT NULL ORDER BY id DESC LIMIT 1"
)
_INSERT = (
    "INSERT INTO audit_log (at, actor_id, entity, entity_id, action, field, old_value,"
    " new_value, account_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


async def account_of(conn: aiosqlite.Connection, entity: str, entity_id: int) -> int | None:
    """The account of an entity's row; for a deleted row, the one its earlier audit rows name."""
    sql = _ACCOUNT_OF.get(entity)
    if sql is None or not -(2**63) <= entity_id < 2**63:
        return None
    row = await (await conn.execute(sql, (entity_id,))).fetchone()
    if row is not None and row[0] is not None:
        return int(row[0])
    row = await (await conn.execute(_RECORDED_ACCOUNT, (entity, entity_id))).fetchone()
    return None if row is None else int(row[0])


async def record(
    conn: aiosqlite.Connection,
    *,
    at: datetime,
    actor_id: int | None,
    entity: str,
    entity_id: int,
    action: str,
    changes: dict[str, tuple[Any, Any]] | None = None,
    account_id: int | None = None,
) -> None:
    """Writes one row per changed field (or one row without a field) in the caller's transaction."""
    stamp = dt_to_db(at)
    if account_id is None:
        account_id = await account_of(conn, entity, entity_id)
    if not changes:
        await conn.execute(
            _INSERT, (stamp, actor_id, entity, entity_id, action, None, None, None, account_id)
        )
        return
    await conn.executemany(
        _INSERT,
        [
            (stamp, actor_id, entity, entity_id, action, field, _text(old), _text(new), account_id)
            for field, (old, new) in changes.items()
        ],
    )


def _clamp(entity_id: int) -> int:
    """A forged id beyond SQLite's integers is kept as its nearest bound."""
    return max(-(2**63), min(entity_id, 2**63 - 1))


_HISTORY = """
SELECT a.*, m.full_name AS actor_name,
  CASE a.entity
    WHEN 'contact' THEN (SELECT full_name FROM contacts WHERE id = a.entity_id)
    WHEN 'task' THEN (SELECT text FROM tasks WHERE id = a.entity_id)
    WHEN 'deal' THEN (SELECT title FROM deals WHERE id = a.entity_id)
    WHEN 'contract' THEN (SELECT title FROM contracts WHERE id = a.entity_id)
    WHEN 'obligation' THEN (SELECT description FROM obligations WHERE id = a.entity_id)
    WHEN 'related_organisation' THEN
      (SELECT name FROM related_organisations WHERE id = a.entity_id)
    WHEN 'account_team' THEN
      (SELECT coalesce(tm.full_name, t.name) FROM account_team t
       LEFT JOIN managers tm ON tm.id = t.manager_id WHERE t.id = a.entity_id)
    WHEN 'client_spend' THEN (SELECT need FROM client_spend WHERE id = a.entity_id)
    WHEN 'previous_supplier' THEN (SELECT name FROM previous_suppliers WHERE id = a.entity_id)
  END AS live_subject,
  (SELECT d.old_value FROM audit_log d WHERE d.entity = a.entity AND d.entity_id = a.entity_id
     AND d.action = 'delete' AND d.old_value IS NOT NULL ORDER BY d.id LIMIT 1) AS gone_subject,
  CASE a.entity WHEN 'meeting' THEN (SELECT starts_at FROM meetings WHERE id = a.entity_id)
  END AS subject_at,
  a.entity = 'contact' AND EXISTS (SELECT 1 FROM audit_log e WHERE e.entity = 'contact'
     AND e.entity_id = a.entity_id AND e.field = 'personal_data') AS erased
FROM audit_log a LEFT JOIN managers m ON m.id = a.actor_id
WHERE a.account_id = ? AND a.action <> 'deny'
ORDER BY a.id DESC LIMIT ? OFFSET ?
"""

_EXPORT = """
SELECT a.*, m.full_name AS actor_name, m.telegram_id AS actor_telegram_id
FROM audit_log a LEFT JOIN managers m ON m.id = a.actor_id
WHERE a.id > ? AND a.at >= ? ORDER BY a.id LIMIT ?
"""


def _history_entry(row: aiosqlite.Row) -> HistoryEntry:
    return HistoryEntry(
        id=row["id"],
        at=dt_from_db(row["at"]),
        actor_name=row["actor_name"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        action=row["action"],
        field=row["field"],
        old_value=row["old_value"],
        new_value=row["new_value"],
        subject=row["live_subject"] or row["gone_subject"],
        subject_at=opt_dt_from_db(row["subject_at"]),
        erased=bool(row["erased"]),
    )


def _export_row(row: aiosqlite.Row) -> ExportRow:
    return ExportRow(
        id=row["id"],
        at=dt_from_db(row["at"]),
        actor_id=row["actor_id"],
        actor_name=row["actor_name"],
        actor_telegram_id=row["actor_telegram_id"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        action=row["action"],
        field=row["field"],
        old_value=row["old_value"],
        new_value=row["new_value"],
    )


async def update_changed(
    conn: aiosqlite.Connection,
    row: aiosqlite.Row,
    values: dict[str, Any],
    *,
    table: str,
    entity: str,
    at: datetime,
    actor_id: int | None,
) -> dict[str, tuple[Any, Any]]:
    """Writes the ``values`` that differ from ``row`` (and ``updated_at``) to ``table`` and
    audits each, in the caller's transaction; returns the changes (old, new) by column.
    ``table`` and the keys of ``values`` come from the code, never from input."""
    changes = {key: (row[key], value) for key, value in values.items() if row[key] != value}
    if changes:
        assignments = ", ".join(f"{key} = ?" for key in changes)
        await conn.execute(
            f"UPDATE {table} SET {assignments}, updated_at = ? WHERE id = ?",
            (*(new for _, new in changes.values()), dt_to_db(at), row["id"]),
        )
        await record(
            conn,
            at=at,
            actor_id=actor_id,
            entity=entity,
            entity_id=row["id"],
            action="update",
            changes=changes,
        )
    return changes


class AuditRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def for_entity(self, entity: str, entity_id: int) -> list[AuditEntry]:
        rows = await self._db.fetch_all(
            "SELECT * FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id",
            (entity, entity_id),
        )
        return [
            AuditEntry(
                id=row["id"],
                at=dt_from_db(row["at"]),
                actor_id=row["actor_id"],
                entity=row["entity"],
                entity_id=row["entity_id"],
                action=row["action"],
                field=row["field"],
                old_value=row["old_value"],
                new_value=row["new_value"],
            )
            for row in rows
        ]

    async def record_denials(self, denials: Iterable[Denial]) -> None:
        """Writes refusals, in one transaction (the attempted action as the field, the
        reason as the new value)."""
        denials = list(denials)
        if not denials:
            return
        async with self._db.transaction() as conn:
            for denial in denials:
                entity_id = _clamp(denial.entity_id)
                await conn.execute(
                    _INSERT,
                    (
                        dt_to_db(denial.at),
                        denial.actor_id,
                        denial.entity,
                        entity_id,
                        "deny",
                        denial.action,
                        None,
                        denial.reason,
                        await account_of(conn, denial.entity, entity_id),
                    ),
                )

    async def history(self, account_id: int, *, offset: int, limit: int) -> list[HistoryEntry]:
        """An account's changes, newest first (denials are not changes)."""
        rows = await self._db.fetch_all(_HISTORY, (account_id, limit, offset))
        return [_history_entry(row) for row in rows]

    async def count_history(self, account_id: int) -> int:
        row = await self._db.fetch_one(
            "SELECT count(*) FROM audit_log WHERE account_id = ? AND action <> 'deny'",
            (account_id,),
        )
        return int(row[0]) if row else 0

    async def export_rows(
        self, *, since: datetime | None = None, page: int = 500
    ) -> AsyncIterator[ExportRow]:
        """Every entry from ``since`` on, oldest first, read ``page`` rows at a time (a large
        log is never held whole; other writes go on between pages)."""
        after = 0
        stamp = "" if since is None else dt_to_db(since)
        while True:
            rows = await self._db.fetch_all(_EXPORT, (after, stamp, page))
            for row in rows:
                yield _export_row(row)
            if len(rows) < page:
                return
            after = rows[-1]["id"]
